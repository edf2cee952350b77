from __future__ import annotations

from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

import imagenet_versions as iv


def test_fall11_to_winter21_removes_2674_and_adds_none() -> None:
    d = iv.diff("imagenet-fall11", "imagenet-winter21")
    c = d.categories
    assert (len(c.removed), len(c.added), c.common_count) == (2674, 0, 19167)
    reasons = Counter(c.explain(w)[0].reason for w in c.removed)
    assert reasons == {"unsafe:sensitive": 1156, "not-imageable": 1081, "unsafe:offensive": 437}
    ev = c.explain("n10513938")  # the audit's example, removed as offensive
    assert [(e.parent, e.child, e.op, e.effect) for e in ev] == [
        ("imagenet-fall11", "imagenet-winter21", "filter", "dropped")
    ]
    assert [(s.derivation.parent, s.derivation.child, s.derivation.op) for s in d.path] == [
        ("imagenet-fall11", "imagenet-winter21", "filter")
    ]


def test_diff_in_the_other_direction_adds_them_back() -> None:
    c = iv.diff("imagenet-winter21", "imagenet-fall11").categories
    assert (len(c.removed), len(c.added)) == (0, 2674)
    assert c.explain(c.added[0])[0].effect == "dropped"  # dropped on the way to winter21


def test_21k_p_loses_771_person_classes_all_explained_by_the_person_filter() -> None:
    c = iv.diff("imagenet-21k-p-fall11", "imagenet-21k-p-winter21").categories
    assert len(c.removed) == 771 and not c.added
    assert {c.explain(w)[0].child for w in c.removed} == {"imagenet-winter21"}
    assert {c.explain(w)[0].op for w in c.removed} == {"filter"}


def test_a_and_r_share_86_classes() -> None:
    c = iv.diff("imagenet-a", "imagenet-r").categories
    assert c.common_count == 86
    assert len(c.removed) == len(c.added) == 114
    assert iv.diff("imagenet-a", "imagenet-o").categories.common_count == 59
    assert iv.diff("imagenet-r", "imagenet-o").categories.common_count == 36


def test_teddy_bear_is_explained_by_the_documented_mismatch() -> None:
    c = iv.diff("imagenet-22k-goog", "ilsvrc2012").categories
    assert c.added == ("n04399382",)
    (ev,) = c.explain("n04399382")
    assert (ev.parent, ev.child, ev.op, ev.effect) == ("imagenet-fall11", "ilsvrc2012", "published-list", "introduced")
    assert "teddy bear" in ev.reason
    assert len(c.removed) == 21843 - 999
    # Microsoft's head adds it back by an explicit Extend
    c = iv.diff("ilsvrc2012", "imagenet-22k-ms").categories
    assert "n04399382" not in c.removed and c.common_count == 1000


def test_12k_still_holds_854_of_the_classes_winter21_removed() -> None:
    c = iv.diff("imagenet-12k", "imagenet-winter21").categories
    assert len(c.removed) == 854
    assert not c.added or all(c.explain(w)[0].op == "subset" for w in c.added)


def test_breeds_relabel_lies_on_the_path() -> None:
    c = iv.diff("ilsvrc2012", "breeds-living17").categories
    assert len(c.relabelled) == 68
    assert len(c.removed) == 932 and not c.added
    assert len({b for _, b in c.relabelled}) == 17
    back = iv.diff("breeds-living17", "ilsvrc2012").categories
    assert sorted((b, a) for a, b in back.relabelled) == sorted(c.relabelled)


def test_to_dict_has_the_documented_shape() -> None:
    doc = iv.diff("imagenet-fall11", "imagenet-winter21").to_dict()
    assert doc["a"] == "imagenet-fall11" and doc["b"] == "imagenet-winter21"
    assert len(doc["categories"]["removed"]) == 2674
    assert doc["categories"]["common_count"] == 19167
    assert doc["path"][0]["from"] == "imagenet-fall11" and doc["path"][0]["op"] == "filter"


def _timm_indices(name: str) -> list[int]:
    text = (files("imagenet_versions") / "data" / "evidence" / name).read_text()
    return [int(x) for x in text.split()]


def test_label_map_a_agrees_with_timm() -> None:
    m = iv.label_map("imagenet-a", "ilsvrc2012")
    assert m.indices() == _timm_indices("timm_imagenet_a_indices.txt")
    assert len(m.b_without_source) == 800 and not m.unmapped


def test_label_map_r_agrees_with_timm() -> None:
    assert iv.label_map("imagenet-r", "in1k").indices() == _timm_indices("timm_imagenet_r_indices.txt")


def test_label_map_handles_the_teddy_bear_gap_explicitly() -> None:
    m = iv.label_map("ilsvrc2012", "imagenet-22k-goog")
    teddy = iv.categories("ilsvrc2012").index("n04399382")
    assert m.mapping[teddy] == (teddy, None)
    assert list(m.unmapped) == ["n04399382"]
    assert "teddy bear" in m.unmapped["n04399382"]
    assert sum(j is not None for _, j in m.mapping) == 999
    ms = iv.label_map("ilsvrc2012", "imagenet-22k-ms")
    assert ms.indices() == list(range(1000))


def test_label_map_through_a_many_to_one_relabel() -> None:
    m = iv.label_map("ilsvrc2012", "breeds-living17")
    assert sum(j is not None for _, j in m.mapping) == 68
    assert {j for _, j in m.mapping if j is not None} == set(range(17))
    up = iv.label_map("breeds-living17", "ilsvrc2012")
    assert up.indices() == [None] * 17
    assert all("one-to-many" in why for why in up.unmapped.values())


def test_kept_answers_are_read_only_and_per_catalog() -> None:
    m = iv.label_map("imagenet-22k-goog", "ilsvrc2012")
    assert iv.label_map("imagenet-22k-goog", "ilsvrc2012") is m
    with pytest.raises(TypeError):
        m.unmapped["n00004475"] = "changed"  # type: ignore[index]
    r = iv.survivors("imagenet-12k")
    assert iv.survivors("imagenet-12k") is r
    with pytest.raises(TypeError):
        r.survivors[0].evidence["offensive"] = None  # type: ignore[index]
    d = iv.diff("imagenet-fall11", "imagenet-winter21")
    assert iv.diff("fall11", "winter21") is d
    other = iv.Catalog.from_toml(Path(str(iv.Catalog.default()._root)) / "catalog.toml")
    d2 = iv.diff("imagenet-fall11", "imagenet-winter21", catalog=other)
    assert d2 is not d and d2 == d


def test_explanations_are_built_when_read_and_equal_the_full_set() -> None:
    d = iv.diff("imagenet-fall11", "ilsvrc2012").categories
    first = d.removed[0]
    one = d.explain(first)
    assert one and all(e.wnid == first for e in one)
    assert d.explain("n99999999") == ()
    full = dict(d.explanations.items())
    assert list(full) == [*d.removed, *d.added][: len(full)]
    assert full[first] == one and len(full) == len(d.removed) + len(d.added)
