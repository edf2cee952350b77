"""The lineage graph: versions as nodes, derivations as edges (networkx).

Graph queries follow networkx's names and return types: :func:`ancestors` and
:func:`descendants` return sets, :func:`derivation_path` a list, and
:func:`lineage_graph` a frozen :class:`networkx.DiGraph`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

from attrs import frozen

from imagenet_versions.catalog import Catalog, Derivation, apply_ops, catalog_or_default
from imagenet_versions.errors import CategoriesUnknownError, Error, LineageError

if TYPE_CHECKING:
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "Mismatch",
    "Step",
    "ancestors",
    "common_ancestor",
    "derivation_path",
    "descendants",
    "lineage_graph",
    "to_networkx",
    "verify",
]


@functools.lru_cache(maxsize=8)
def _graph(catalog: Catalog) -> nx.DiGraph:
    import networkx as nx  # imported on first use: keeps `import imagenet_versions` light

    g = nx.DiGraph()
    for v in catalog:
        g.add_node(v.id, version=v)
    for e in catalog.edges:
        g.add_edge(e.parent, e.child, derivation=e)
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g)
        msg = f"the lineage graph has a cycle: {cycle}"
        raise LineageError(msg)
    return nx.freeze(g)


def lineage_graph(catalog: Catalog | None = None, *, plain: bool = False) -> nx.DiGraph:
    """The frozen lineage graph.

    Nodes are version ids with a ``version`` attribute (:class:`~imagenet_versions.catalog.Version`); edges
    carry a ``derivation`` attribute (:class:`~imagenet_versions.catalog.Derivation`). Changing it raises
    ``networkx.NetworkXError("Frozen graph can't be modified")``; use ``.copy()``.

    With ``plain=True`` every attribute is a plain ``str``, ``int`` or ``bool``
    (no ``None``, no objects), so that ``networkx.write_graphml``,
    ``write_gexf`` and ``node_link_data`` accept the graph: see :func:`to_networkx`.
    """
    cat = catalog_or_default(catalog)
    return _plain_graph(cat) if plain else _graph(cat)


def to_networkx(catalog: Catalog | None = None, *, plain: bool = True) -> nx.DiGraph:
    """The lineage graph for other tools: plain attributes by default (see :func:`lineage_graph`).

    Node attributes: ``name``, ``aliases`` (joined by ``|``), ``category_status``,
    ``num_categories`` (where the categories are known), ``num_categories_declared``,
    ``year``, ``citation``, ``homepage``, ``licence`` and ``images_<split>``; an
    attribute with no value is left out. Edge attributes: ``op`` (the operation
    labels joined by ``+``), ``description``, ``operations`` (the operations'
    parameters as a JSON string), ``split`` and ``evidence``.

    >>> import networkx as nx
    >>> g = to_networkx()
    >>> g.nodes["imagenet-winter21"]["num_categories"], g.edges["imagenet-fall11", "imagenet-winter21"]["op"]
    (19167, 'filter')
    >>> len(nx.node_link_data(g, edges="edges")["edges"]) == g.number_of_edges()
    True
    """
    return lineage_graph(catalog, plain=plain)


def _node_attrs(cat: Catalog, vid: str) -> dict[str, str | int]:
    v = cat.get(vid)
    raw: dict[str, str | int | None] = {
        "name": v.name,
        "aliases": "|".join(v.aliases),
        "category_status": v.category_status,
        "num_categories": len(cat.categories(vid)) if cat.has_categories(vid) else None,
        "num_categories_declared": v.num_categories,
        "year": v.year,
        "citation": v.citation,
        "homepage": v.homepage,
        "licence": v.licence,
        **{f"images_{split}": n for split, n in v.images.items()},
    }
    return {k: x for k, x in raw.items() if x is not None and x != ""}


def _edge_attrs(e: Derivation) -> dict[str, str]:
    import json

    raw = {
        "op": e.op,
        "description": e.describe(),
        "operations": json.dumps([o.to_dict() for o in e.ops], ensure_ascii=False, sort_keys=True),
        "split": e.split or "",
        "evidence": e.evidence,
    }
    return {k: x for k, x in raw.items() if x}


@functools.lru_cache(maxsize=8)
def _plain_graph(catalog: Catalog) -> nx.DiGraph:
    import networkx as nx

    g = nx.DiGraph(name="imagenet-versions lineage")
    for v in catalog:
        g.add_node(v.id, **_node_attrs(catalog, v.id))
    for e in catalog.edges:
        g.add_edge(e.parent, e.child, **_edge_attrs(e))
    _graph(catalog)  # the same acyclicity check
    return nx.freeze(g)


@frozen
class _Family:
    """Parent and child edges of every version, in catalog order, as edge positions: what
    the queries that only walk parents need, without networkx and without reading any
    edge's operations (:meth:`Catalog._edge` reads those of the edges a path takes)."""

    order: tuple[str, ...]
    ends: tuple[tuple[str, str], ...]  # (parent, child) of each edge
    up: Mapping[str, tuple[int, ...]]
    down: Mapping[str, tuple[int, ...]]

    def ancestors(self, vid: str) -> set[str]:
        return self._reach(vid, self.up, 0)

    def descendants(self, vid: str) -> set[str]:
        return self._reach(vid, self.down, 1)

    def _reach(self, vid: str, edges: Mapping[str, tuple[int, ...]], end: int) -> set[str]:
        """The versions reached from ``vid`` over ``edges`` (``up`` or ``down``), taking
        each edge's ``end`` (0: its parent, 1: its child)."""
        seen: set[str] = set()
        stack = [vid]
        while stack:
            for i in edges.get(stack.pop(), ()):
                other = self.ends[i][end]
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return seen

    def chain(self, top: str, vid: str) -> list[int] | None:
        """The edges from ``top`` down to ``vid`` when that path is the only one (every
        version on the way has one parent edge); None when it is not."""
        out: list[int] = []
        while vid != top:
            ups = self.up.get(vid, ())
            if len(ups) != 1:
                return None
            out.append(ups[0])
            vid = self.ends[ups[0]][0]
        out.reverse()
        return out


@functools.lru_cache(maxsize=8)
def _family(catalog: Catalog) -> _Family:
    ends = catalog._edge_ends()
    up: dict[str, list[int]] = {}
    down: dict[str, list[int]] = {}
    for i, (parent, child) in enumerate(ends):
        up.setdefault(child, []).append(i)
        down.setdefault(parent, []).append(i)
    fam = _Family(
        catalog.ids(),
        ends,
        {k: tuple(v) for k, v in up.items()},
        {k: tuple(v) for k, v in down.items()},
    )
    if len(_generations(fam)) != len(fam.order):
        _graph(catalog)  # raises LineageError naming the cycle
    return fam


def _generations(fam: _Family) -> dict[str, int]:
    """Each version's position in ``networkx.topological_sort`` of the lineage graph: the
    same generations (Kahn), nodes in catalog order, successors in edge order. Versions
    on a cycle get none."""
    indegree = {v: len(fam.up.get(v, ())) for v in fam.order}
    generation = [v for v in fam.order if indegree[v] == 0]
    position: dict[str, int] = {}
    while generation:
        nxt = []
        for v in generation:
            position[v] = len(position)
            for i in fam.down.get(v, ()):
                child = fam.ends[i][1]
                indegree[child] -= 1
                if indegree[child] == 0:
                    nxt.append(child)
        generation = nxt
    return position


@functools.lru_cache(maxsize=8)
def topological_edges(catalog: Catalog) -> tuple[Derivation, ...]:
    """Every edge, parents first: sorted by the positions of parent and child in
    ``networkx.topological_sort(lineage_graph(catalog))``, computed without networkx."""
    position = _generations(_family(catalog))
    return tuple(sorted(catalog.edges, key=lambda e: (position[e.parent], position[e.child])))


def ancestors(version: str, catalog: Catalog | None = None) -> set[str]:
    """Ids of the versions ``version`` derives from, transitively."""
    cat = catalog_or_default(catalog)
    return _family(cat).ancestors(cat.resolve(version))


def descendants(version: str, catalog: Catalog | None = None) -> set[str]:
    """Ids of the versions derived from ``version``, transitively."""
    cat = catalog_or_default(catalog)
    return _family(cat).descendants(cat.resolve(version))


def _lowest_common(cat: Catalog, a: str, b: str) -> str | None:
    """networkx's ``lowest_common_ancestor``: start from a common ancestor and walk down
    while a child is also common. networkx starts from an arbitrary one (set order);
    this starts from the first in catalog order, which gives the same answer whenever
    the lowest common ancestor is unique (always, in a catalog where each version has
    at most one parent)."""
    fam = _family(cat)
    common = (fam.ancestors(a) | {a}) & (fam.ancestors(b) | {b})
    if not common:
        return None
    node = next(v for v in fam.order if v in common)
    while True:
        nxt = next((fam.ends[i][1] for i in fam.down.get(node, ()) if fam.ends[i][1] in common), None)
        if nxt is None:
            return node
        node = nxt


def common_ancestor(a: str, b: str, catalog: Catalog | None = None) -> str:
    """The lowest common ancestor of two versions (a version is its own ancestor).

    Raises:
        LineageError: the two versions share no ancestor.
    """
    cat = catalog_or_default(catalog)
    a, b = cat.resolve(a), cat.resolve(b)
    lca = _lowest_common(cat, a, b)
    if lca is None:
        msg = f"{a!r} and {b!r} share no ancestor in the lineage graph"
        raise LineageError(msg)
    return lca


@frozen
class Step:
    """One edge on a path, walked ``down`` (parent to child) or ``up`` (child to parent)."""

    derivation: Derivation
    direction: Literal["up", "down"]

    @property
    def source(self) -> str:
        return self.derivation.child if self.direction == "up" else self.derivation.parent

    @property
    def target(self) -> str:
        return self.derivation.parent if self.direction == "up" else self.derivation.child

    def to_dict(self) -> dict[str, Any]:
        return {**self.derivation.to_dict(), "direction": self.direction}


def derivation_path(a: str, b: str, catalog: Catalog | None = None) -> list[Step]:
    """The edges from ``a`` up to the common ancestor, then down to ``b``.

    >>> [ (s.source, s.target, s.direction) for s in derivation_path("imagenet-a", "imagenet-r")]
    [('imagenet-a', 'ilsvrc2012', 'up'), ('ilsvrc2012', 'imagenet-r', 'down')]
    """
    cat = catalog_or_default(catalog)
    a, b = cat.resolve(a), cat.resolve(b)
    return list(_path(cat, a, b))


@functools.lru_cache(maxsize=4096)
def _path(cat: Catalog, a: str, b: str) -> tuple[Step, ...]:
    c = common_ancestor(a, b, cat)
    fam = _family(cat)
    up, down = fam.chain(c, a), fam.chain(c, b)
    if up is None or down is None:  # several parents on the way: networkx's shortest paths
        return _nx_path(cat, a, b, c)
    steps = [Step(cat._edge(i), "up") for i in reversed(up)] + [Step(cat._edge(i), "down") for i in down]
    return tuple(steps)


def _nx_path(cat: Catalog, a: str, b: str, c: str) -> tuple[Step, ...]:
    import networkx as nx

    g = lineage_graph(cat)
    up = nx.shortest_path(g, c, a)
    down = nx.shortest_path(g, c, b)
    steps = [Step(g.edges[p, q]["derivation"], "up") for p, q in reversed(list(pairwise(up)))]
    steps += [Step(g.edges[p, q]["derivation"], "down") for p, q in pairwise(down)]
    return tuple(steps)


@frozen
class Mismatch:
    """A disagreement between an edge's operations and the child's published list.

    ``kind`` is ``missing`` (in the published list, not produced by the
    operations), ``extra`` (produced, not published), ``order`` (same
    classes, different label order), ``unreadable`` (the edge cannot be checked:
    a file it needs is gone or damaged; ``note`` says which) or ``no-edge`` (a
    ``derived`` or ``reconstructed`` version, which by definition comes from a
    parent, has no edge from one; ``parent`` is ``None``). ``documented`` is true
    when the catalog records this mismatch as known, with ``note``.
    """

    parent: str | None
    child: str
    kind: Literal["missing", "extra", "order", "unreadable", "no-edge"]
    wnid: str | None
    documented: bool
    note: str = ""

    def __str__(self) -> str:
        edge = f"{self.parent} -> {self.child}"
        what = {
            "missing": f"{self.wnid} is in {self.child} but the operations of {edge} do not produce it",
            "extra": f"{self.wnid} is produced by {edge} but is not in the published {self.child}",
            "order": f"{self.child}: the label order differs from what {edge} produces",
            "unreadable": f"{edge} cannot be checked: {self.note}",
            "no-edge": f"{self.child} is {self.note} but no edge derives it from a parent",
        }[self.kind]
        return what + (f" (known: {self.note})" if self.documented else "")

    def to_dict(self) -> dict[str, Any]:
        """``{"from", "to", "kind", "wnid", "documented", "note"}``, ready for :func:`json.dump`."""
        return {
            "from": self.parent,
            "to": self.child,
            "kind": self.kind,
            "wnid": self.wnid,
            "documented": self.documented,
            "note": self.note,
        }


def verify(catalog: Catalog | None = None) -> list[Mismatch]:
    """Check every edge whose child has a published or reconstructed list.

    Applies the edge's operations to the parent's categories and compares the
    result with the child's list, class by class and in label order. Every
    mismatch is returned, documented ones included (ILSVRC-2012's teddy bear).
    An edge whose files are gone or damaged is an ``unreadable`` mismatch, and a
    derived or reconstructed version without a parent edge a ``no-edge`` one.
    """
    cat = catalog_or_default(catalog)
    has_parent = {e.child for e in cat.edges}
    out: list[Mismatch] = [
        Mismatch(None, v.id, "no-edge", None, False, v.category_status)
        for v in cat
        if v.category_status in ("derived", "reconstructed") and v.id not in has_parent
    ]
    for e in cat.edges:
        child = cat.get(e.child)
        if child.category_status not in ("published", "reconstructed") or child.on_demand is not None:
            continue  # on-demand lists are not shipped, so they are not checked offline
        try:
            parent_cats = cat.categories(e.parent)
        except CategoriesUnknownError:
            continue
        except Error as exc:
            out.append(Mismatch(e.parent, e.child, "unreadable", None, False, str(exc)))
            continue
        try:
            published = cat.categories(e.child)
        except Error as exc:
            out.append(Mismatch(e.parent, e.child, "unreadable", None, False, str(exc)))
            continue
        out.extend(_compare(e, apply_ops(e.ops, parent_cats), published))
    return out


def _compare(e: Derivation, produced: tuple[str, ...], published: tuple[str, ...]) -> list[Mismatch]:
    out: list[Mismatch] = []
    pset, cset = set(produced), set(published)
    for w in published:
        if w not in pset:
            out.append(
                Mismatch(e.parent, e.child, "missing", w, w in e.known_mismatches, e.known_mismatches.get(w, ""))
            )
    for w in produced:
        if w not in cset:
            out.append(Mismatch(e.parent, e.child, "extra", w, w in e.known_mismatches, e.known_mismatches.get(w, "")))
    if pset == cset and produced != published:
        out.append(Mismatch(e.parent, e.child, "order", None, False))
    return out
