from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

import imagenet_versions as iv


def test_graph_is_frozen_and_complete() -> None:
    g = iv.lineage()
    assert nx.is_frozen(g)
    assert g.number_of_nodes() == len(iv.versions())
    assert g.number_of_edges() == len(iv.Catalog.default().edges)
    with pytest.raises(nx.NetworkXError, match="Frozen graph can't be modified"):
        g.add_edge("a", "b")
    assert isinstance(g.edges["imagenet-fall11", "imagenet-winter21"]["derivation"], iv.Derivation)


def test_every_edge_kind_the_family_needs_is_used() -> None:
    kinds = {op.kind for e in iv.Catalog.default().edges for op in e.ops}
    assert kinds == {"subset", "filter", "relabel", "reindex", "extend", "transform", "recollect"}


def test_ancestors_and_descendants() -> None:
    assert iv.ancestors("imagenet-21k-p-winter21") == {"imagenet-winter21", "imagenet-fall11"}
    assert iv.ancestors("imagenet-fall11") == set()
    assert {"imagenet-a", "imagenet-real", "breeds-living17"} <= iv.descendants("in1k")
    assert "imagenet-winter21" not in iv.descendants("in1k")


def test_path_goes_through_the_common_ancestor() -> None:
    path = iv.derivation_path("imagenet-21k-p-fall11", "imagenet-21k-p-winter21")
    assert [(s.source, s.target, s.direction) for s in path] == [
        ("imagenet-21k-p-fall11", "imagenet-fall11", "up"),
        ("imagenet-fall11", "imagenet-winter21", "down"),
        ("imagenet-winter21", "imagenet-21k-p-winter21", "down"),
    ]
    assert iv.common_ancestor("imagenet-a", "tiny-imagenet") == "ilsvrc2012"
    assert iv.derivation_path("in1k", "in1k") == []


def test_unconnected_versions_have_no_common_ancestor() -> None:
    with pytest.raises(iv.LineageError, match="share no ancestor"):
        iv.common_ancestor("imagenet-10k", "ilsvrc2012")


def test_verify_reports_the_teddy_bear_and_nothing_else() -> None:
    mismatches = iv.verify()
    assert [(m.parent, m.child, m.kind, m.wnid, m.documented) for m in mismatches] == [
        ("imagenet-fall11", "ilsvrc2012", "missing", "n04399382", True)
    ]
    assert "teddy bear" in mismatches[0].note


def test_verify_finds_an_undocumented_mismatch_in_a_broken_edge() -> None:
    # Take the shipped catalog and drop one of Google's two extra classes from
    # its Extend: verify must now see the published list disagree.
    cat = iv.Catalog.default()
    edges = []
    for e in cat.edges:
        if e.child == "imagenet-22k-goog":
            (ext,) = e.ops
            e = iv.Derivation(e.parent, e.child, (iv.Extend(added=ext.added[:1], order="sorted"),))
        edges.append(e)
    broken = iv.Catalog({v.id: v for v in cat}, tuple(edges), root=cat._root)
    found = [m for m in iv.verify(broken) if m.child == "imagenet-22k-goog"]
    assert [(m.kind, m.wnid, m.documented) for m in found] == [("missing", "n09859684", False)]


def test_21k_p_winter21_is_a_subset_of_the_winter21_reconstruction() -> None:
    assert set(iv.categories("imagenet-21k-p-winter21")) <= set(iv.categories("imagenet-winter21"))
    assert set(iv.categories("imagenet-21k-p-fall11")) <= set(iv.categories("imagenet-12k"))


def test_plain_graph_round_trips_through_graphml_gexf_and_node_link(tmp_path: Path) -> None:
    import networkx as nx

    g = iv.to_networkx()
    with pytest.raises(nx.NetworkXError):
        g.add_node("x")  # frozen
    for node, data in g.nodes(data=True):
        assert all(isinstance(x, (str, int, bool)) for x in data.values()), node
    nx.write_graphml(g, tmp_path / "lineage.graphml")
    back = nx.read_graphml(tmp_path / "lineage.graphml")
    assert set(back.nodes) == set(g.nodes) and set(back.edges) == set(g.edges)
    assert dict(back.nodes["imagenet-winter21"]) == dict(g.nodes["imagenet-winter21"])
    assert dict(back.edges["imagenet-fall11", "imagenet-winter21"]) == dict(
        g.edges["imagenet-fall11", "imagenet-winter21"]
    )
    nx.write_gexf(g, tmp_path / "lineage.gexf")
    assert set(nx.read_gexf(tmp_path / "lineage.gexf").edges) == set(g.edges)
    data = json.loads(json.dumps(nx.node_link_data(g, edges="edges")))
    again = nx.node_link_graph(data, edges="edges")
    assert nx.utils.graphs_equal(again, g)
    # the object graph is still there for Python callers
    obj = iv.lineage_graph()
    assert obj.nodes["ilsvrc2012"]["version"] is iv.get("ilsvrc2012")
    assert iv.lineage_graph(plain=True) is g


def _nx_path(cat: iv.Catalog, a: str, b: str) -> list[tuple[str, str, str]]:
    """The path as networkx finds it (what derivation_path returned before it walked parents)."""
    from itertools import pairwise

    g = iv.lineage_graph(cat)
    c = nx.lowest_common_ancestor(g, a, b)
    up, down = nx.shortest_path(g, c, a), nx.shortest_path(g, c, b)
    return [(q, p, "up") for p, q in reversed(list(pairwise(up)))] + [(p, q, "down") for p, q in pairwise(down)]


def test_paths_ancestors_and_order_equal_networkx_for_every_pair() -> None:
    from imagenet_versions.lineage import topological_edges

    cat = iv.Catalog.default()
    g = iv.lineage_graph(cat)
    ids = [v.id for v in cat]
    for a in ids:
        assert iv.ancestors(a) == nx.ancestors(g, a)
        assert iv.descendants(a) == nx.descendants(g, a)
        for b in ids:
            if nx.lowest_common_ancestor(g, a, b) is None:
                with pytest.raises(iv.LineageError, match="share no ancestor"):
                    iv.derivation_path(a, b)
                continue
            got = [(s.source, s.target, s.direction) for s in iv.derivation_path(a, b)]
            assert got == _nx_path(cat, a, b), (a, b)
    order = {v: i for i, v in enumerate(nx.topological_sort(g))}
    assert list(topological_edges(cat)) == sorted(cat.edges, key=lambda e: (order[e.parent], order[e.child]))


def _family_catalog(tmp_path, edges: str):  # type: ignore[no-untyped-def]
    versions = "".join(f'[[version]]\nid = "{v}"\nname = "{v}"\ncategories = "unknown"\n' for v in "abcdef")
    p = tmp_path / "catalog.toml"
    p.write_text(versions + edges)
    return iv.Catalog.from_toml(p)


def test_several_parents_fall_back_to_networkx_paths(tmp_path) -> None:  # type: ignore[no-untyped-def]
    edge = '[[edge]]\nparent = "{}"\nchild = "{}"\nops = [{{kind = "transform", what = "x"}}]\n'
    cat = _family_catalog(tmp_path, "".join(edge.format(p, c) for p, c in ("ab", "ac", "bd", "cd", "de", "af")))
    for a, b in (("e", "f"), ("f", "e"), ("d", "b"), ("e", "a")):
        got = [(s.source, s.target, s.direction) for s in iv.derivation_path(a, b, cat)]
        assert got == _nx_path(cat, a, b)
    assert iv.common_ancestor("e", "f", cat) == "a"
    assert iv.ancestors("e", cat) == {"a", "b", "c", "d"}


def test_a_cycle_is_a_lineage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    edge = '[[edge]]\nparent = "{}"\nchild = "{}"\nops = [{{kind = "transform", what = "x"}}]\n'
    cat = _family_catalog(tmp_path, "".join(edge.format(p, c) for p, c in ("ab", "bc", "cb")))
    with pytest.raises(iv.LineageError, match="cycle"):
        iv.ancestors("c", cat)
    with pytest.raises(iv.LineageError, match="cycle"):
        iv.derivation_path("a", "c", cat)
