"""User versions (issue 8): a user's copy is a version of its own, stored in the user
data folder, checked names, and the CLI's bad-input matrix for `manifest` and `diff --images`."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions import images
from imagenet_versions.__main__ import main
from imagenet_versions._fetch import clear_cache
from imagenet_versions.errors import InvalidNameError
from imagenet_versions.manifests import _registry
from imagenet_versions.manifests._user import (
    ingest_user_version,
    remove_user_version,
    user_manifest_path,
    user_version,
    user_versions,
)


def _val_listing(path: Path, *, limit: int | None = None, drop: int = 0) -> Path:
    """A `find val -name '*.JPEG'` listing of a torchvision val folder, from the real shipped manifest."""
    val = iv.load_manifest("ilsvrc2012", "val")
    ids = val.ids()
    lines = [f"val/{val.labels_of(i)[0]}/{i}.JPEG" for i in ids[drop : limit if limit else None]]
    path.write_text("\n".join(lines) + "\n")
    return path


def _files_outside(root: Path, inside: Path) -> set[Path]:
    return {p for p in root.rglob("*") if inside not in p.parents and p != inside}


def test_a_copy_of_ilsvrc2012_val_diffs_against_the_reference(tmp_path: Path, data_root: Path) -> None:
    lst = _val_listing(tmp_path / "val.txt", drop=3)  # a copy that lost its first three images
    res = ingest_user_version(lst, name="my-in1k", copy_of="in1k", split="val")
    assert res.report.layout == "text"
    assert (res.report.images, res.report.classes, res.report.unlabelled) == (49997, 1000, 0)
    assert res.report.not_in_claimed == () and res.report.problems == ()
    d = iv.diff("ilsvrc2012", "my-in1k", images=True, split="val")
    assert [s.derivation.op for s in d.path] == ["copy"]
    img = d.images
    assert (img.method, img.added_count, img.removed_count, img.common_count, img.relabelled_count) == (
        "compare",
        0,
        3,
        49997,
        0,
    )
    assert user_manifest_path("my-in1k", "val").parent.parent == data_root / "versions"
    assert iv.get("my-in1k").images == {"val": 49997}
    assert "my-in1k" in {v.id for v in iv.versions()}


def test_finding2_an_ingest_never_replaces_the_shipped_reference(tmp_path: Path, data_root: Path) -> None:
    # old code: `manifest ingest '' --version ilsvrc2012 --split val` replaced the shipped val manifest
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["manifest", "ingest", str(empty), "--as", "mine", "--copy-of", "ilsvrc2012", "--split", "val"]) == 2
    assert user_versions() == ()
    unlabelled = tmp_path / "ids.txt"
    unlabelled.write_text("ILSVRC2012_val_00000001.JPEG\nILSVRC2012_val_00000002.JPEG\n")
    ingest_user_version(unlabelled, name="mine", copy_of="ilsvrc2012", split="val")
    d = iv.diff("ilsvrc2012", "imagenet-real", images=True, split="val").images
    assert (d.added_count, d.common_count, d.relabelled_count) == (0, 50000, 14284)
    assert images.manifests_of("ilsvrc2012") == {"val": "shipped"}
    # clear_cache() never touches user data
    clear_cache()
    assert user_version("mine").splits["val"].images == 2
    assert user_manifest_path("mine", "val").is_file()


@pytest.mark.parametrize("name", ["ilsvrc2012", "in1k", "ImageNet-1K", "imagenet-real", "IMAGENET_R"])
def test_a_user_version_may_not_take_a_catalog_name(tmp_path: Path, name: str) -> None:
    lst = tmp_path / "l.txt"
    lst.write_text("n01440764_1.JPEG\n")
    with pytest.raises(InvalidNameError, match="catalog version id or alias"):
        ingest_user_version(lst, name=name, copy_of="ilsvrc2012", split="train")
    assert user_versions() == ()


def test_splits_add_up_and_are_not_silently_replaced(tmp_path: Path) -> None:
    lst = tmp_path / "l.txt"
    lst.write_text("n01440764_1.JPEG\n")
    ingest_user_version(lst, name="mine", copy_of="ilsvrc2012", split="train")
    with pytest.raises(InvalidNameError, match="already has a 'train' split"):
        ingest_user_version(lst, name="mine", copy_of="ilsvrc2012", split="train")
    with pytest.raises(InvalidNameError, match="is a copy of 'ilsvrc2012'"):
        ingest_user_version(lst, name="mine", copy_of="imagenette", split="val")
    with pytest.raises(InvalidNameError, match="confused with the user version 'mine'"):
        ingest_user_version(lst, name="MINE", copy_of="ilsvrc2012", split="val")
    lst.write_text("n01440764_1.JPEG\nn01440764_2.JPEG\n")
    ingest_user_version(lst, name="mine", copy_of="ilsvrc2012", split="train", replace=True)
    ingest_user_version(lst, name="mine", copy_of="ilsvrc2012", split="val")
    uv = user_version("mine")
    assert {k: s.images for k, s in uv.splits.items()} == {"train": 2, "val": 2}
    assert iv.get("mine").images == {"train": 2, "val": 2}
    removed = remove_user_version("mine")
    assert removed.name == "mine" and user_versions() == ()
    with pytest.raises(iv.UnknownVersionError):
        remove_user_version("mine")
    with pytest.raises(iv.UnknownVersionError):
        iv.get("mine")


def test_zero_images_is_an_error_unless_allowed(tmp_path: Path) -> None:
    lst = tmp_path / "l.txt"
    lst.write_text("# nothing here\n\n")
    with pytest.raises(iv.ManifestError, match="found 0 images"):
        ingest_user_version(lst, name="mine", copy_of="ilsvrc2012", split="val")
    res = ingest_user_version(lst, name="mine", copy_of="ilsvrc2012", split="val", allow_empty=True)
    assert res.report.images == 0
    assert iv.diff("ilsvrc2012", "mine", images=True, split="val").images.removed_count == 50000


TRAVERSALS = ["../evil", "/../../../../tmp/evil", "a/b", "..", ".hidden", "x" * 65, "", "a\\b", "a\x00b", "sp ace"]


@pytest.mark.parametrize("bad", TRAVERSALS)
def test_names_are_checked_on_every_python_entry_point(tmp_path: Path, data_root: Path, bad: str) -> None:
    lst = tmp_path / "l.txt"
    lst.write_text("n01440764_1.JPEG\n")
    before = _files_outside(tmp_path, data_root)
    calls = [
        lambda: ingest_user_version(lst, name=bad, copy_of="ilsvrc2012", split="val"),
        lambda: ingest_user_version(lst, name="ok", copy_of="ilsvrc2012", split=bad),
        lambda: images.ingest(lst, name=bad, copy_of="ilsvrc2012", split="val"),
        lambda: user_manifest_path(bad, "val"),
        lambda: user_manifest_path("ok", bad),
        lambda: remove_user_version(bad),
        lambda: user_version(bad),
        lambda: iv.load_manifest("ilsvrc2012", bad),
        lambda: iv.load_manifest(bad, "val"),
        lambda: iv.manifests.manifest_info("ilsvrc2012", bad),
        lambda: iv.manifests.fetch_manifest("http://127.0.0.1:9/x", "0" * 64, version=bad, split="val"),
        lambda: iv.manifests.fetch_manifest("http://127.0.0.1:9/x", "0" * 64, version="v", split=bad),
        lambda: images.find_manifest("ilsvrc2012", bad),
        lambda: iv.diff("ilsvrc2012", "imagenet-real", images=True, split=bad),
    ]
    for call in calls:
        with pytest.raises((InvalidNameError, iv.UnknownVersionError)):
            call()
    assert _files_outside(tmp_path, data_root) == before
    assert not data_root.exists() or not list(data_root.rglob("*.npz"))


@pytest.mark.parametrize("bad", ["../evil", "/../../../../tmp/evil", "a/b", ".."])
def test_names_are_checked_on_every_cli_entry_point(
    tmp_path: Path, data_root: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lst = tmp_path / "l.txt"
    lst.write_text("n01440764_1.JPEG\n")
    before = _files_outside(tmp_path, data_root)
    argvs = [
        ["manifest", "ingest", str(lst), "--as", bad, "--copy-of", "ilsvrc2012", "--split", "val"],
        ["manifest", "ingest", str(lst), "--as", "ok", "--copy-of", "ilsvrc2012", "--split", bad],
        ["manifest", "remove", bad],
        ["diff", "ilsvrc2012", "imagenet-real", "--images", "--split", bad],
        ["diff", "ilsvrc2012", "imagenet-real", "--images", "--split", "val", "--split-b", bad],
    ]
    for argv in argvs:
        assert main([*argv, "--json"]) == 2, argv
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert _files_outside(tmp_path, data_root) == before
    assert user_versions() == ()


def test_finding1_a_split_cannot_write_outside_the_data_folder(tmp_path: Path, data_root: Path) -> None:
    # old code: --split '/../../../../some/dir/important' wrote (and os.replace'd) a file there
    target = tmp_path / "important"
    target.write_text("precious")
    lst = tmp_path / "l.txt"
    lst.write_text("n01440764_1.JPEG\n")
    rel = os.path.relpath(target, data_root / "versions" / "x")
    with pytest.raises(InvalidNameError):
        ingest_user_version(lst, name="x", copy_of="ilsvrc2012", split=rel)
    assert target.read_text() == "precious"


def test_finding4_the_cli_passes_the_csv_label_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "copy.csv"
    csv.write_text(
        "file,label,other\nILSVRC2012_val_00000001.JPEG,n01751748,n01440764\nILSVRC2012_val_00000002.JPEG,0,x\n"
    )
    argv = ["manifest", "ingest", str(csv), "--as", "mine", "--copy-of", "ilsvrc2012", "--split", "val"]
    assert main([*argv, "--label-column", "label", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["report"]["layout"] == "csv" and doc["report"]["classes"] == 2
    m = images.find_manifest("mine", "val")
    assert m.labels_of("ILSVRC2012_val_00000001") == ("n01751748",)
    assert m.labels_of("ILSVRC2012_val_00000002") == ("n01440764",)  # index 0 of ILSVRC-2012's order
    d = iv.diff("ilsvrc2012", "mine", images=True, split="val").images
    assert (d.common_count, d.relabelled_count) == (2, 1)  # val_00000002 is n09193705 in the reference
    assert main([*argv[:-1], "val2", "--label-column", "nope", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "no column 'nope'" in err


def test_cli_human_output_names_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "train"
    (tree / "n01440764").mkdir(parents=True)
    (tree / "n01440764" / "n01443537_5.JPEG").write_bytes(b"")  # a file whose wnid disagrees with its folder
    (tree / "n01440764" / "n01440764_1.JPEG").write_bytes(b"")
    argv = ["manifest", "ingest", str(tree), "--as", "mine", "--copy-of", "ilsvrc2012", "--split", "train"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "mine: user copy of ilsvrc2012/train: 2 images in 1 classes" in out
    assert "1 files carry another wnid than their folder: n01440764/n01443537_5.JPEG" in out
    assert main(["manifest", "list"]) == 0
    out = capsys.readouterr().out
    assert "user version" in out and "class-folders" in out


# -- the bad-input matrix for `manifest ingest/list/remove` and `diff --images` ---------------


def _inputs(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "inputs"
    d.mkdir()
    out = {
        "empty": d / "empty.txt",
        "non-utf8": d / "latin1.txt",
        "huge-line": d / "huge.txt",
        "cr-only": d / "mac.txt",
        "control": d / "ctl.txt",
        "missing": d / "missing.txt",
        "unknown-id": d / "unknown.txt",
        "empty-csv": d / "empty.csv",
        "non-utf8-csv": d / "latin1.csv",
    }
    out["empty"].write_bytes(b"")
    out["non-utf8"].write_bytes(b"n01440764_1.JPEG\ncaf\xe9.JPEG n01440764\n")
    out["huge-line"].write_bytes(b"n01440764_1.JPEG\n" + b"x" * 5_000_000 + b"\n")
    out["cr-only"].write_bytes(b"n01440764_1.JPEG\rn01440764_2.JPEG\r")
    out["control"].write_bytes(b"n01440764_1.JPEG\nn0144\x1b0764_2.JPEG\n")
    out["unknown-id"].write_bytes(b"n01440764_1.JPEG notawnid\n")
    out["empty-csv"].write_bytes(b"")
    out["non-utf8-csv"].write_bytes(b"file,label\nx\xff.JPEG,n01440764\n")
    return out


def _one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main([*argv, "--json"]) == 2, argv
    out, err = capsys.readouterr()
    assert out == "", argv
    assert err.count("\n") == 1 and re.match(r"imagenet-versions( [a-z-]+)?: error: ", err), (argv, err)
    assert "Traceback" not in err and len(err) < 2000
    assert main(argv) == 2
    _, err2 = capsys.readouterr()
    assert err2.count("\n") == 1
    return err


@pytest.mark.parametrize(
    ("kind", "expect"),
    [
        ("empty", "found 0 images"),
        ("non-utf8", r"latin1.txt, line 2: not UTF-8"),
        ("huge-line", r"huge.txt, line 2: a line of 5,000,000 bytes"),
        ("cr-only", r"mac.txt, line 1: CR-only line end"),
        ("control", r"ctl.txt, line 2: control character"),
        ("missing", "no such file or directory"),
        ("unknown-id", r"unknown.txt, line 1: label is not a wnid or index: 'notawnid'"),
        ("empty-csv", "line 1: no header row"),
        ("non-utf8-csv", r"latin1.csv, line 2: not UTF-8"),
    ],
)
def test_manifest_ingest_bad_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, expect: str) -> None:
    path = _inputs(tmp_path)[kind]
    err = _one_line_error(
        capsys, ["manifest", "ingest", str(path), "--as", "mine", "--copy-of", "in1k", "--split", "val"]
    )
    assert expect in err
    assert user_versions() == ()


def test_manifest_ingest_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lst = tmp_path / "l.txt"
    lst.write_text("n01440764_1.JPEG\n")
    base = ["manifest", "ingest", str(lst), "--as", "mine", "--split", "val"]
    assert "unknown version: 'nope'" in _one_line_error(capsys, [*base, "--copy-of", "nope"])
    assert "ambiguous version" in _one_line_error(capsys, [*base, "--copy-of", "imagenet-21k"])
    assert "needs a CSV file" in _one_line_error(capsys, [*base, "--copy-of", "in1k", "--label-column", "x"])
    assert "invalid user-version name" in _one_line_error(
        capsys, ["manifest", "ingest", str(lst), "--as", "é", "--copy-of", "in1k", "--split", "val"]
    )


def test_a_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lst = tmp_path / "bom.txt"
    lst.write_bytes(b"\xef\xbb\xbfILSVRC2012_val_00000001.JPEG n01751748\n")
    csv = tmp_path / "bom.csv"
    csv.write_bytes(b"\xef\xbb\xbffile,label\r\nILSVRC2012_val_00000002.JPEG,n09193705\r\n")
    assert main(["manifest", "ingest", str(lst), "--as", "a", "--copy-of", "in1k", "--split", "val", "--json"]) == 0
    argv = ["manifest", "ingest", str(csv), "--as", "b", "--copy-of", "in1k", "--split", "val"]
    assert main([*argv, "--label-column", "label", "--json"]) == 0
    capsys.readouterr()
    assert images.find_manifest("a", "val").ids() == ["ILSVRC2012_val_00000001"]
    assert images.find_manifest("b", "val").labels_of("ILSVRC2012_val_00000002") == ("n09193705",)


def test_manifest_list_and_remove_bad_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown version: 'nope'" in _one_line_error(capsys, ["manifest", "list", "nope"])
    assert "unknown version: 'nope'" in _one_line_error(capsys, ["manifest", "remove", "nope"])
    assert "invalid user-version name" in _one_line_error(capsys, ["manifest", "remove", "../x"])
    assert "invalid user-version name" in _one_line_error(capsys, ["manifest", "remove", ""])
    assert "invalid user-version name" in _one_line_error(capsys, ["manifest", "remove", "x" * 10_000])


def test_a_damaged_user_record_is_an_error_naming_the_file(data_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = data_root / "versions" / "mine"
    folder.mkdir(parents=True)
    (folder / "version.json").write_bytes(b"\xff{")
    err = _one_line_error(capsys, ["manifest", "list"])
    assert "version.json" in err and "not a JSON user-version record" in err


def test_diff_images_bad_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["diff", "ilsvrc2012", "imagenet-real", "--images"]
    err = _one_line_error(capsys, [*base, "--split", "vall"])
    assert "has no split 'vall'; its splits: test, train, val" in err
    assert "invalid split" in _one_line_error(capsys, [*base, "--split", "../val"])
    assert "invalid split" in _one_line_error(capsys, [*base, "--split", ""])
    assert "invalid split" in _one_line_error(capsys, [*base, "--split", "v" * 100_000])
    assert "unknown version" in _one_line_error(capsys, ["diff", "ilsvrc2012", "nope", "--images"])
    assert "unknown version" in _one_line_error(capsys, ["diff", "ilsvrc2012", "caf\udce9", "--images"])


def test_load_manifest_accepts_aliases_and_lists_splits() -> None:
    assert iv.load_manifest("ImageNet-1K", "val") is iv.load_manifest("ilsvrc2012", "val")
    with pytest.raises(iv.ManifestError, match="splits: val"):
        iv.load_manifest("in1k", "train")
    assert _registry._index()["manifests"]


def test_a_failed_store_leaves_nothing_registered(
    tmp_path: Path, data_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imagenet_versions.manifests import _storage

    lst = tmp_path / "l.txt"
    lst.write_text("n01440764_1.JPEG\n")

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_storage, "write_manifest", full_disk)
    with pytest.raises(iv.ManifestError, match=r"cannot store user version 'mine'.*No space left"):
        ingest_user_version(lst, name="mine", copy_of="ilsvrc2012", split="val")
    assert not (data_root / "versions" / "mine").exists()
    (data_root / "versions" / "half").mkdir(parents=True)  # a folder without a record is not a version
    assert user_versions() == ()
    assert "half" not in {v.id for v in iv.versions()}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is the Linux path")
@pytest.mark.parametrize("xdg", [None, "", "   ", "/tmp/xdg-dir"])
@pytest.mark.parametrize(
    ("module", "ours", "xdg_var", "theirs"),
    [
        ("imagenet_versions.manifests._user", "data_dir", "XDG_DATA_HOME", "user_data_dir"),
        ("imagenet_versions._fetch", "cache_dir", "XDG_CACHE_HOME", "user_cache_dir"),
    ],
)
def test_folders_are_platformdirs_ones(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, module: str, ours: str, xdg_var: str, theirs: str
) -> None:
    # the data folder (user versions) and the cache folder follow platformdirs' rule
    # without importing it
    import importlib

    import platformdirs

    mod = importlib.import_module(module)
    monkeypatch.delenv(mod.ENV_VAR, raising=False)
    if xdg is None:
        monkeypatch.delenv(xdg_var, raising=False)
    else:
        monkeypatch.setenv(xdg_var, xdg)
    assert getattr(mod, ours)() == Path(getattr(platformdirs, theirs)("imagenet_versions"))
