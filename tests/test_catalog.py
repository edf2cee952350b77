from __future__ import annotations

import json
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions.catalog import Catalog

REQUIRED_IDS = [
    "imagenet-fall11",
    "imagenet-winter21",
    "ilsvrc2012",
    "imagenet-21k-p-fall11",
    "imagenet-21k-p-winter21",
    "imagenet-12k",
    "imagenet-22k-goog",
    "imagenet-22k-ms",
    "imagenet-real",
    "imagenet-v2-matched-frequency",
    "imagenet-v2-threshold0.7",
    "imagenet-v2-top-images",
    "imagenet-sketch",
    "imagenet-r",
    "imagenet-a",
    "imagenet-o",
    "imagenet-c",
    "imagenet-face-blurred",
    "imagenet2012-multilabel",
    "tiny-imagenet",
    "mini-imagenet",
    "imagenette",
    "imagewoof",
    "imagenet-100-cmc",
    "imagenet2012-subset-1pct",
    "imagenet2012-subset-10pct",
    "imagenet-lt",
    "imagenet-downsampled",
    "breeds-living17",
    "breeds-entity13",
    "breeds-entity30",
    "breeds-nonliving26",
    "imagenet-9",
    # the long tail (issue 11)
    "stylized-imagenet",
    "imagenet-16-class",
    "objectnet-in1k",
    "imagenet-100-podnet",
    "imagenet-100-ucir",
    "imagenet-100-icarl",
    "tiered-imagenet",
    "stanford-dogs",
    "imagenet-val-label-errors",
    "imagenet-val-clean-kisel",
    "imagenet-m",
    "ssb-imagenet-hard-fall11",
    "ssb-imagenet-hard-winter21",
    "ssb-imagenet-easy",
    "ssb-imagenet-known-devkit",
    "ssb-imagenet-known",
    "imagenet-s-919",
    "imagenet-s-300",
    "imagenet-s-50",
    "partimagenet",
    "imagenet-vid-robust",
    "imagenet-hard",
    "imagenet-cartoon",
    "imagenet-drawing",
    "tiny-imagenet-c",
    "imagenette-v1",
    "imagenette-160",
    "imagenette-320",
    "mini-imagenet-timm",
    "imagenet-downsampled-unlabelled",
    "imagenet-d-zhang",
    "imagenet-d-rusak",
    "openood-imagenet-200",
]

# Published class counts, each from the source named in SOURCES.md.
PUBLISHED_COUNTS = {
    "imagenet-fall11": 21841,
    "imagenet-winter21": 19167,
    "ilsvrc2012": 1000,
    "imagenet-21k-p-fall11": 11221,
    "imagenet-21k-p-winter21": 10450,
    "imagenet-12k": 11821,
    "imagenet-22k-goog": 21843,
    "imagenet-22k-ms": 21842,
    "imagenet-a": 200,
    "imagenet-r": 200,
    "imagenet-o": 200,
    "tiny-imagenet": 200,
    "mini-imagenet": 100,
    "imagenette": 10,
    "imagewoof": 10,
    "imagenet-100-cmc": 100,
    "imagenet-100-podnet": 100,
    "imagenet-100-ucir": 100,
    "imagenet-100-icarl": 100,
    "imagenet-16-class": 16,
    "tiered-imagenet": 608,
    "ssb-imagenet-hard-fall11": 1000,
    "ssb-imagenet-hard-winter21": 980,
    "ssb-imagenet-easy": 1000,
    "imagenet-vid-robust": 30,
    "imagenet-d-zhang": 113,
    "openood-imagenet-200": 200,
    "tiny-imagenet-c": 200,
    "imagenet-face-blurred": 1000,
    "imagenet-downsampled": 1000,
    "breeds-entity13": 13,
    "breeds-entity30": 30,
    "breeds-living17": 17,
    "breeds-nonliving26": 26,
    "imagenet-9": 9,
}


def test_catalog_has_the_required_versions() -> None:
    ids = {v.id for v in iv.versions()}
    assert len(ids) >= 60
    assert not set(REQUIRED_IDS) - ids


@pytest.mark.parametrize(("vid", "n"), sorted(PUBLISHED_COUNTS.items()))
def test_published_counts_are_reproduced(vid: str, n: int) -> None:
    cats = iv.categories(vid)
    assert len(cats) == n
    assert len(set(cats)) == n
    assert iv.get(vid).num_categories == n


def test_every_version_record_is_complete() -> None:
    for v in iv.versions():
        assert v.name and v.citation and v.homepage and v.licence, v.id
        assert v.category_status in ("published", "reconstructed", "derived", "unknown")
        if v.category_status in ("published", "reconstructed"):
            assert v.categories_source, v.id
        if v.num_categories is not None:
            assert v.num_categories_source, v.id
        if v.images:
            assert v.images_source, v.id


def test_winter21_is_marked_as_reconstruction_and_records_the_disagreement() -> None:
    v = iv.get("imagenet-winter21")
    assert v.category_status == "reconstructed"
    assert "reconstruction" in v.categories_source
    (dis,) = v.disagreements
    assert {value for value, _ in dis.values} == {19167, 19127}
    assert v.num_categories == 19167


@pytest.mark.parametrize("alias", ["ImageNet-1K", "in1k", "ILSVRC-2012", "imagenet_1k", "IN-1K", "ilsvrc2012"])
def test_aliases_resolve_case_and_punctuation_insensitively(alias: str) -> None:
    assert iv.resolve(alias) == "ilsvrc2012"
    assert iv.get(alias) is iv.get("ilsvrc2012")


def test_ambiguous_alias_names_candidates_with_class_counts() -> None:
    with pytest.raises(iv.AmbiguousVersionError) as err:
        iv.get("imagenet-21k")
    assert err.value.candidates == (("imagenet-22k-goog", 21843), ("imagenet-fall11", 21841))
    assert "imagenet-fall11 (21,841 classes)" in str(err.value)
    assert "imagenet-22k-goog (21,843 classes)" in str(err.value)
    with pytest.raises(iv.AmbiguousVersionError, match=r"imagenet-22k-ms \(21,842 classes\)") as err:
        iv.get("ImageNet-22K")
    # timm's reading of the name is among the candidates, and the message says so
    assert [vid for vid, _ in err.value.candidates] == ["imagenet-22k-goog", "imagenet-22k-ms", "imagenet-fall11"]
    assert "timm reads" in str(err.value)
    # also a LookupError, for code that does not know this library
    with pytest.raises(LookupError):
        iv.get("imagenet")


def test_unknown_version_names_the_closest_candidates() -> None:
    with pytest.raises(iv.UnknownVersionError, match=r"unknown version: 'imagnet-1k'; did you mean: ilsvrc2012"):
        iv.get("imagnet-1k")
    with pytest.raises(iv.UnknownVersionError, match=r"known versions: .*imagenet-fall11"):
        iv.get("zzz")


def test_unknown_categories_raise_a_clear_error() -> None:
    with pytest.raises(iv.CategoriesUnknownError, match="imagenet-10k"):
        iv.categories("imagenet-10k")


def test_derived_versions_inherit_their_parents_categories() -> None:
    assert iv.categories("imagenet-real") == iv.categories("ilsvrc2012")
    assert iv.categories("imagenet-v2-matched-frequency") == iv.categories("ilsvrc2012")


def test_label_orders_are_the_published_ones() -> None:
    in1k = iv.categories("ilsvrc2012")
    assert in1k == tuple(sorted(in1k))
    ds = iv.categories("imagenet-downsampled")
    assert set(ds) == set(in1k) and ds != in1k
    assert ds[:3] == ("n02119789", "n02100735", "n02110185")  # map_clsloc.txt: kit fox, English setter, Siberian husky


def test_22k_ms_order_is_1k_first_then_the_rest_of_fall11_sorted() -> None:
    ms = iv.categories("imagenet-22k-ms")
    in1k = iv.categories("ilsvrc2012")
    assert ms[:1000] == in1k
    assert ms[1000:] == tuple(sorted(set(iv.categories("imagenet-fall11")) - set(in1k)))


def test_goog_is_fall11_plus_two_sorted() -> None:
    goog = iv.categories("imagenet-22k-goog")
    assert goog == tuple(sorted((*iv.categories("imagenet-fall11"), "n03931044", "n09859684")))


def test_breeds_subclass_counts() -> None:
    sizes = {}
    for vid in ("breeds-entity13", "breeds-entity30", "breeds-living17", "breeds-nonliving26"):
        (edge,) = iv.Catalog.default().parents(vid)
        subset, relabel = edge.ops
        sizes[vid] = (len(relabel.labels), len(subset.keep))
        assert set(relabel.mapping) == set(subset.keep)
    assert sizes == {
        "breeds-entity13": (13, 260),
        "breeds-entity30": (30, 240),
        "breeds-living17": (17, 68),
        "breeds-nonliving26": (26, 104),
    }
    # the artificial BREEDS node is kept as it is, and is not a WordNet id
    assert "dummy32" in iv.categories("breeds-entity13")


def test_imagenet9_covers_370_classes() -> None:
    (edge,) = iv.Catalog.default().parents("imagenet-9")
    assert len(edge.ops[0].keep) == 370


def test_names_come_from_the_shipped_table() -> None:
    cat = iv.Catalog.default()
    assert cat.name_of("n01440764").startswith("tench")
    assert cat.name_of("dummy32") == "garment"
    assert cat.name_of("n99999999") == "n99999999"


def _write_catalog(tmp: Path, body: str) -> Path:
    p = tmp / "catalog.toml"
    p.write_text(body)
    return p


def test_user_catalog_errors_name_file_and_entry(tmp_path: Path) -> None:
    p = _write_catalog(tmp_path, '[[version]]\nid = "Bad Id"\nname = "x"\n')
    with pytest.raises(iv.CatalogError, match=r"catalog.toml: version #1: bad or missing id 'Bad Id'"):
        Catalog.from_toml(p)
    p = _write_catalog(tmp_path, "[[version]\n")
    with pytest.raises(iv.CatalogError, match="not valid TOML"):
        Catalog.from_toml(p)
    p = _write_catalog(
        tmp_path,
        '[[version]]\nid = "a"\nname = "A"\ncategories = "published"\n'
        '[[version]]\nid = "b"\nname = "B"\n'
        '[[edge]]\nparent = "a"\nchild = "b"\nops = [{kind = "subsample"}]\n',
    )
    with pytest.raises(iv.CatalogError, match=r"edge #1 \(a -> b\): unknown operation kind 'subsample'"):
        Catalog.from_toml(p)


def test_user_catalog_malformed_category_file_names_line(tmp_path: Path) -> None:
    (tmp_path / "categories").mkdir()
    (tmp_path / "categories" / "a.txt").write_text("n01440764\nn0144\n")
    p = _write_catalog(tmp_path, '[[version]]\nid = "a"\nname = "A"\ncategories = "published"\n')
    cat = Catalog.from_toml(p)
    with pytest.raises(iv.CatalogError, match=r"categories/a.txt, line 2: not a category id: 'n0144'"):
        cat.categories("a")


def test_user_catalog_works_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "categories").mkdir()
    (tmp_path / "categories" / "full.txt").write_text("n01440764\nn01443537\nn01484850\n")
    (tmp_path / "categories" / "small.txt").write_text("n01484850\nn01440764\n")
    p = _write_catalog(
        tmp_path,
        '[[version]]\nid = "full"\nname = "Full"\ncategories = "published"\n'
        '[[version]]\nid = "small"\nname = "Small"\ncategories = "published"\n'
        '[[edge]]\nparent = "full"\nchild = "small"\nops = [{kind = "subset", keep = "@child", rule = "two"}]\n',
    )
    cat = Catalog.from_toml(p)
    d = iv.diff("full", "small", catalog=cat)
    assert d.categories.removed == ("n01443537",)
    assert iv.label_map("small", "full", catalog=cat).indices() == [2, 0]
    assert iv.verify(cat) == []


def test_readme_counts_are_true() -> None:
    from collections import Counter

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    status = Counter(v.category_status for v in iv.versions())
    n_edges = len(iv.Catalog.default().edges)
    assert f"{len(iv.versions())} versions (`imagenet-versions list`), {n_edges} derivations" in readme
    assert (
        f"Category lists of\n  {status['published']}" in readme or f"Category lists of {status['published']}" in readme
    )
    assert f"{status['derived']} are derived" in readme
    assert f"{status['unknown']} unknown" in readme
    assert status["reconstructed"] == 1


def test_readme_python_example_is_true() -> None:
    """Every line of the README's Python block runs, and each literal it shows is what the line returns."""
    import ast

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = readme.split("## In Python\n\n```python\n", 1)[1].split("```", 1)[0]
    ns: dict[str, object] = {}
    for line in block.splitlines():
        code, _, comment = line.partition("#")
        code = code.strip()
        if not code:
            continue
        if code.startswith('iv.get("imagenet-21k")'):
            with pytest.raises(iv.AmbiguousVersionError):
                eval(code, ns)
            continue
        try:
            value = eval(code, ns)
        except SyntaxError:
            exec(code, ns)
            continue
        text = comment.strip()
        for candidate in (text, text.split(", each")[0], text.split(": ")[0]):
            try:
                expected = ast.literal_eval(candidate)
            except (ValueError, SyntaxError):
                continue
            assert value == expected, line
            break


def test_edge_facts_from_records_equal_those_of_built_edges() -> None:
    """What is read from an edge's record before the edge is built (its operations' kinds
    and levels, documented mismatches, parents) is what the built edge says."""
    lazy = Catalog.default()
    built = Catalog._from_doc(  # a second catalog whose edges are all built
        json.loads((Path(iv.__file__).parent / "data" / "catalog.json").read_text()),
        lazy._root,
        "built",
        shipped=True,
    )
    edges = built.edges
    for i, e in enumerate(edges):
        assert lazy._edge_op_kinds(i) == tuple((o.kind, o.level) for o in e.ops), e
        assert dict(lazy._edge_mismatches(i)) == dict(e.known_mismatches), e
    for vid in lazy.ids():
        assert lazy._parent_ids(vid) == tuple(e.parent for e in built.parents(vid))
        relabels = any(o.kind == "relabel" and o.level == "categories" for e in built.parents(vid) for o in e.ops)
        assert lazy._relabels_categories(vid) == relabels
    assert any(lazy._relabels_categories(v) for v in lazy.ids())  # BREEDS, ImageNet-9
