"""survivors / trace / subtree on the real shipped data (issue 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions.__main__ import main


def test_fall11_carries_437_offensive_and_1156_sensitive() -> None:
    r = iv.survivors("imagenet-fall11", ["offensive", "sensitive"])
    assert r.counts() == {"offensive": 437, "sensitive": 1156}
    assert len(r) == 1593
    s = next(s for s in r if s.wnid == "n10513938")
    assert s.flags == ("offensive",)
    assert s.evidence["offensive"].source == "yang2020-safety"
    removed = {(e.child, e.op, e.reason) for e in s.removed_elsewhere}
    assert ("imagenet-winter21", "filter", "unsafe:offensive") in removed


def test_ilsvrc2012_and_winter21_carry_none() -> None:
    for vid in ("ilsvrc2012", "imagenet-winter21", "imagenet-21k-p-winter21"):
        r = iv.survivors(vid, ["offensive", "sensitive"])
        assert len(r) == 0, vid


def test_winter21_person_synsets_are_the_158_safe_and_imageable() -> None:
    person = iv.survivors("imagenet-winter21", ["person"])
    annotated = {s.wnid for s in person} - {"n00007846"}  # person.n.01 itself is not annotated
    assert len(annotated) == 158
    safe = iv.flagged("safe") - iv.flagged("not-imageable")
    assert annotated == set(safe)


def test_default_flags_are_the_unsafe_set() -> None:
    r = iv.survivors("imagenet-12k")
    assert r.flags == ("offensive", "sensitive", "derogatory")
    # 12k still holds 854 of the 2,674 classes winter21 removed; 485 of them are unsafe
    assert r.counts()["offensive"] + r.counts()["sensitive"] == 485
    assert all(set(s.flags) & {"offensive", "sensitive", "derogatory"} for s in r)


def test_survivors_through_a_relabel_count_the_source_classes() -> None:
    members = iv.member_classes("breeds-living17")
    assert len(members) == 68
    assert set(members.values()) == set(iv.categories("breeds-living17"))


@pytest.mark.parametrize("version", [v.id for v in iv.versions()])
def test_survivors_works_for_every_version(version: str, capsys: pytest.CaptureFixture[str]) -> None:
    known = iv.Catalog.default().has_categories(version)
    if known:
        r = iv.survivors(version)
        assert r.version == version
        assert r.num_classes == len(iv.member_classes(version))
        code = main(["survivors", version, "--json"])
        out, err = capsys.readouterr()
        assert code == 0, err
        doc = json.loads(out)
        assert doc["schema"] == "imagenet-versions/survivors@1" and doc["counts"] == r.counts()
        assert [d["wnid"] for d in doc["survivors"]] == [s.wnid for s in r]
        assert all({"wnid", "name", "flags"} <= set(d) for d in doc["survivors"])
    else:
        with pytest.raises(iv.CategoriesUnknownError):
            iv.survivors(version)
        code = main(["survivors", version, "--json"])
        out, err = capsys.readouterr()
        assert code == 2 and out == ""
        assert "are not known" in err


def test_trace_an_offensive_class() -> None:
    t = iv.trace("n10513938")
    assert t.wnid == "n10513938" and t.name == "[label withheld: offensive]"
    assert "imagenet-fall11" in t.present_in
    assert "imagenet-winter21" in t.absent_from
    assert "offensive" in t.flags
    (ev,) = [e for e in t.events if e.version == "imagenet-winter21"]
    assert (ev.parent, ev.op, ev.effect, ev.reason) == ("imagenet-fall11", "filter", "removed", "unsafe:offensive")
    assert "imagenet-10k" in t.unknown_in
    assert not any(iv.Catalog.default().has_categories(v) for v in t.unknown_in)
    assert set(t.present_in) == {"imagenet-fall11", "imagenet-22k-goog", "imagenet-22k-ms"}


def test_trace_teddy_bear_shows_where_it_is_added() -> None:
    t = iv.trace("n04399382")
    assert "imagenet-fall11" in t.absent_from and "ilsvrc2012" in t.present_in
    added = {(e.parent, e.version, e.op) for e in t.events if e.effect == "added"}
    assert ("imagenet-fall11", "imagenet-22k-ms", "extend") in added
    assert ("imagenet-fall11", "ilsvrc2012", "published-list") in added
    # no BREEDS or ImageNet-9 superclass takes it; ImageNet-D (Zhang) has a teddy_bear category
    assert t.relabelled_in == {"imagenet-d-zhang": "imagenet-d:teddy_bear"}
    assert {"tiny-imagenet", "imagenet-a", "imagenet-22k-ms"} <= set(t.present_in)
    assert "imagenet-22k-goog" in t.absent_from


def test_trace_relabelled_class() -> None:
    t = iv.trace("n01440764")  # tench: a fish; ImageNet-9 puts it under "fish"
    assert t.relabelled_in.get("imagenet-9") == "n02512053"
    assert any(e.effect == "relabelled" and e.version == "imagenet-9" for e in t.events)


def test_trace_ambiguous_lemma_lists_the_synsets() -> None:
    with pytest.raises(iv.AmbiguousLemmaError, match=r"'dog' names 5 synsets: n02084071 \(dog:") as err:
        iv.trace("dog")
    assert [c[0] for c in err.value.candidates] == ["n02084071", "n02710044", "n09886220", "n10023039", "n10114209"]
    assert len(iv.trace_all("dog")) == 5


def test_trace_unknown() -> None:
    with pytest.raises(
        iv.UnknownSynsetError, match="no synset of the shipped WordNet snapshot has the lemma 'qwertyuiop'"
    ):
        iv.trace("qwertyuiop")


def test_subtree_counts() -> None:
    s = iv.subtree("n00007846", "imagenet-fall11")
    # the person subtree by ImageNet's is-a links: Yang et al.'s 2,832 and the root
    assert len(s.present) == 2833
    assert len(iv.subtree("n00007846", "imagenet-winter21").present) == 159
    dogs = iv.subtree("n02084071", "ilsvrc2012")
    assert len(dogs.present) == 118
    # Imagewoof's tenth "dog breed", the dingo, is a wild dog outside dog.n.01 in WordNet
    woof = iv.subtree("n02084071", "imagewoof")
    assert set(iv.categories("imagewoof")) - set(woof.present) == {"n02115641"}


def test_cli_trace_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "n10513938", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "imagenet-versions/trace@1"
    assert doc["wnid"] == "n10513938" and doc["name"] == "[label withheld: offensive]"
    assert "imagenet-winter21" in doc["absent_from"] and "imagenet-fall11" in doc["present_in"]
    assert {
        "version": "imagenet-winter21",
        "from": "imagenet-fall11",
        "op": "filter",
        "effect": "removed",
        "reason": "unsafe:offensive",
    } in doc["events"]


def test_cli_flags_lists_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flags", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "imagenet-versions/flags@1"
    assert doc["default"] == ["offensive", "sensitive", "derogatory"]
    by = {s["name"]: s for s in doc["sources"]}
    assert by["yang2020-safety"]["shipped"] is True
    assert by["prabhu-birhane2020-nsfw"]["shipped"] is False
    assert all(s["citation"] and s["licence"] for s in doc["sources"])


def test_cli_survivors_with_a_user_flag_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mine.tsv"
    f.write_text("n01440764\tfishy\nn01443537\tfishy\n")
    assert main(["survivors", "imagenette", "--flag", "fishy", "--user-flags", str(f), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["survivors"]
    assert [d["wnid"] for d in doc] == ["n01440764"]
    assert doc[0]["evidence"]["fishy"]["detail"].endswith("line 1")


def test_cli_unknown_flag_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["survivors", "in1k", "--flag", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("imagenet-versions: error: unknown flag: 'nope'; known flags:") and err.count("\n") == 1


def test_removals_include_an_edge_that_brings_and_drops_a_class(tmp_path: Path) -> None:
    """survivors() follows only edges whose parent holds a flagged class, and edges that
    extend their parent: a class brought in and dropped on one edge is still reported."""
    (tmp_path / "categories").mkdir()
    (tmp_path / "categories" / "root.txt").write_text("n01440764\nn01443537\n")
    (tmp_path / "categories" / "other.txt").write_text("n02084071\n")
    (tmp_path / "catalog.toml").write_text(
        '[[version]]\nid = "root"\nname = "Root"\ncategories = "published"\n'
        '[[version]]\nid = "other"\nname = "Other"\ncategories = "published"\n'
        '[[version]]\nid = "child"\nname = "Child"\ncategories = "derived"\n'
        '[[edge]]\nparent = "root"\nchild = "child"\nops = [{kind = "extend", added = ["n02084071"]},'
        ' {kind = "filter", removed = {n02084071 = "reviewed and dropped"}, rule = "review"}]\n'
    )
    (tmp_path / "mine.tsv").write_text("wnid\tflag\nn02084071\tto-review\n")
    cat = iv.Catalog.from_toml(tmp_path / "catalog.toml")
    mine = iv.load_user_flags(tmp_path / "mine.tsv")
    (s,) = iv.survivors("other", ["to-review"], user=mine, catalog=cat).survivors
    assert [(e.parent, e.child, e.op, e.reason) for e in s.removed_elsewhere] == [
        ("root", "child", "filter", "reviewed and dropped")
    ]
