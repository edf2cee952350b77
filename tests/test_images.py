"""The image part of diff(A, B): compare, lineage-aware, unknown (issue 4 integration)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions import images
from imagenet_versions.__main__ import main


def test_real_vs_ilsvrc2012_val() -> None:
    d = iv.diff("ilsvrc2012", "imagenet-real", images=True, split="val").images
    assert (d.added_count, d.removed_count, d.common_count) == (0, 0, 50000)
    kinds = {k: len(v) for k, v in d.relabelled_by_kind.items()}
    assert kinds["lost_all_labels"] == 3163
    # ReaL's 7,443 multi-label images: the original label kept and others added, or all changed
    assert kinds["gained_labels"] + kinds["changed_labels"] == 7443
    assert kinds["changed_single"] == 3678
    assert d.relabelled_count == 3163 + 7443 + 3678


def test_simclr_1pct_is_a_subset_of_10pct() -> None:
    path = iv.derivation_path("imagenet2012-subset-10pct", "imagenet2012-subset-1pct")
    assert [(s.source, s.target, s.derivation.op) for s in path] == [
        ("imagenet2012-subset-10pct", "imagenet2012-subset-1pct", "image-subset")
    ]
    d = iv.diff("imagenet2012-subset-10pct", "imagenet2012-subset-1pct", images=True).images
    assert (d.added_count, d.common_count, d.removed_count) == (0, 12811, 128116 - 12811)
    assert d.method == "compare"


def test_lineage_aware_diff_from_the_category_subset() -> None:
    d = iv.diff("ilsvrc2012", "imagenet-100-cmc", images=True, split="val").images
    assert d.method == "category-filter"
    assert (d.removed_count, d.common_count, d.added_count) == (45000, 5000, 0)
    assert len(d.removed.to_list()) == 45000


def test_imagenette_holds_all_500_val_images_of_its_classes() -> None:
    counts = [
        iv.diff("ilsvrc2012", "imagenette", images=True, split="val", split_b=s).images.common_count
        for s in ("train", "val")
    ]
    assert counts == [366, 134]


def test_unknown_images_say_so_and_state_what_the_categories_imply() -> None:
    d = iv.diff("imagenet-fall11", "imagenet-winter21", images=True).images
    assert isinstance(d, images.UnknownImages)
    doc = d.to_dict()
    assert doc["known"] is False and doc["removed_count"] is None
    assert "no image manifest for imagenet-fall11" in doc["reason"]
    assert "every image of the 2,674 removed classes is gone" in doc["implied"]


def test_users_own_copy_is_a_child_of_the_version_it_claims(tmp_path: Path, data_root: Path) -> None:
    # A user's copy of part of fall11 (real wnids): two images of a class the
    # winter21 filter removes (n10513938) and three of a kept class.
    lst = tmp_path / "fall11.txt"
    lst.write_text(
        "n10513938_1.JPEG n10513938\nn10513938_2.JPEG n10513938\n"
        "n01440764_10.JPEG n01440764\nn01440764_11.JPEG n01440764\nn01440764_12.JPEG n01440764\n"
    )
    res = images.ingest(lst, name="my-fall11", copy_of="fall11", split="train")
    assert (res.manifest.version, len(res.manifest)) == ("my-fall11", 5)
    assert res.user_version.copy_of == "imagenet-fall11"
    assert images.manifests_of("my-fall11") == {"train": "user"}
    assert images.manifests_of("imagenet-fall11") == {}  # the catalog version is untouched
    g = iv.lineage_graph()
    assert g.edges["imagenet-fall11", "my-fall11"]["derivation"].op == "copy"
    d = iv.diff("imagenet-fall11", "my-fall11", images=True, split="train")
    assert isinstance(d.images, images.UnknownImages)  # fall11 has no manifest of its own
    assert (data_root / "versions" / "my-fall11" / "train.npz").is_file()


def test_malformed_user_list_names_file_and_line(tmp_path: Path, data_root: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("n01440764_10.JPEG n01440764\nn01440764_11.JPEG n0144 extra words\n")
    with pytest.raises(iv.ManifestError, match=r"bad.txt.*line 2"):
        images.ingest(bad, name="mine", copy_of="ilsvrc2012", split="train")
    assert not (data_root / "versions" / "mine").exists()


def test_cli_diff_images_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "ilsvrc2012", "imagenet-real", "--images", "--split", "val", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    img = doc["images"]
    assert (img["added_count"], img["removed_count"], img["common_count"], img["relabelled_count"]) == (
        0,
        0,
        50000,
        14284,
    )


def test_cli_manifest_ingest_list_and_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "train" / "n01440764"
    tree.mkdir(parents=True)
    for n in (1, 2, 3):
        (tree / f"n01440764_{n}.JPEG").write_bytes(b"")
    argv = ["manifest", "ingest", str(tmp_path / "train"), "--as", "mine", "--copy-of", "in1k", "--split", "train"]
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "imagenet-versions/ingest@1"
    assert (doc["name"], doc["copy_of"], doc["split"]) == ("mine", "ilsvrc2012", "train")
    assert (doc["report"]["images"], doc["report"]["classes"], doc["report"]["layout"]) == (3, 1, "class-folders")
    assert main(["manifest", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["schema"] == "imagenet-versions/manifest-list@1"
    assert {"version": "mine", "split": "train", "origin": "user"} in listed["manifests"]
    assert {"version": "ilsvrc2012", "split": "val", "origin": "shipped"} in listed["manifests"]
    assert not any(r["version"] == "ilsvrc2012" and r["split"] == "train" for r in listed["manifests"])
    assert [u["name"] for u in listed["user_versions"]] == ["mine"]
    assert main(["list", "--json"]) == 0
    listed_versions = json.loads(capsys.readouterr().out)["versions"]
    assert any(v["id"] == "mine" and v["parents"] == ["ilsvrc2012"] for v in listed_versions)
    assert main(["manifest", "remove", "mine"]) == 0
    assert "removed user version mine" in capsys.readouterr().out
    assert main(["manifest", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["user_versions"] == []
