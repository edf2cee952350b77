"""Ingest reads the layouts people have (issue 8, findings 3, 5, 6, 7), one parser truth
(a hypothesis property: the fast and the per-line path agree), and image diffs that never crash."""

from __future__ import annotations

import io
import itertools
import os
import tarfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import imagenet_versions as iv
from imagenet_versions import manifests as M
from imagenet_versions.errors import DataFileError, ManifestError
from imagenet_versions.manifests import _ingest, _text
from imagenet_versions.manifests._ingest import ingest_path

IN1K = iv.categories("ilsvrc2012")


def _touch(root: Path, *rels: str) -> None:
    for rel in rels:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"")


# -- finding 3: the fast text parser mislabels -------------------------------------------


def test_finding3_an_explicit_label_beats_the_wnid_in_the_path(tmp_path: Path) -> None:
    p = tmp_path / "l.txt"
    p.write_text("n01440764/n01443537_5.JPEG n01440764\n")
    assert M.ingest_text(p).labels_of("n01443537_5") == ("n01440764",)
    # the same line, with another line that forces the per-line path
    p.write_text("n01440764/n01443537_5.JPEG n01440764\nsome_name.png n01440764\n")
    assert M.ingest_text(p).labels_of("n01443537_5") == ("n01440764",)
    assert M.ingest_text(p, _slow=True).labels_of("n01443537_5") == ("n01440764",)


# -- finding 6: real layouts ----------------------------------------------------------------


def test_imagenet_r_tree_with_repeated_names_gets_path_qualified_ids(tmp_path: Path) -> None:
    # ImageNet-R / Sketch: every class folder reuses art_0.jpg, sketch_1.jpg, ...
    root = tmp_path / "imagenet-r"
    _touch(root, "n01443537/art_0.jpg", "n01443537/art_1.jpg", "n01833805/art_0.jpg", "n01833805/sketch_1.jpg")
    m, r = ingest_path(root, version="r", split="test", classes=IN1K, claimed="ilsvrc2012")
    assert sorted(m.ids()) == ["n01443537/art_0", "n01443537/art_1", "n01833805/art_0", "n01833805/sketch_1"]
    assert (r.layout, r.images, r.classes, r.qualified, r.duplicates) == ("class-folders", 4, 2, 4, 0)
    assert "imagenet-r/n01833805/art_0.jpg" in m and "n01833805/art_0" in m and "art_0" not in m
    assert m.labels_of("n01833805/art_0") == ("n01833805",)


def test_imagenetv2_index_folders_map_through_the_claimed_label_order(tmp_path: Path) -> None:
    # ImageNetV2's folders are 0..999; ImageNetV2's own class_info.json numbers the classes in
    # sorted-wnid order, which is ILSVRC-2012's order in the catalog
    assert list(IN1K) == sorted(IN1K)
    root = tmp_path / "imagenetv2-matched-frequency-format-val"
    sha = "7e5aaf3a1b7b5b8bd4f3e4b0e4b3d1b0f3b8a6f1"
    _touch(root, f"0/{sha}.jpeg", "1/b2d2c1ab.jpeg", "999/c0ffee.jpeg")
    m, r = ingest_path(root, version="v2", split="test", classes=IN1K, claimed="ilsvrc2012")
    assert r.layout == "index-folders" and r.unlabelled == 0
    assert m.labels_of(sha) == (IN1K[0],) and m.labels_of("c0ffee") == (IN1K[999],)
    _touch(root, "1000/x.jpeg")
    with pytest.raises(ManifestError, match="'1000' is not a class index"):
        ingest_path(root, classes=IN1K)


def test_hugging_face_names_map_to_official_ids(tmp_path: Path) -> None:
    root = tmp_path / "hf-val"
    _touch(root, "ILSVRC2012_val_00000001_n01751748.JPEG", "ILSVRC2012_val_00000002_n09193705.JPEG")
    m, r = ingest_path(root, classes=IN1K, claimed="ilsvrc2012")
    assert m.ids() == ["ILSVRC2012_val_00000001", "ILSVRC2012_val_00000002"]
    assert (r.layout, r.unlabelled, r.prefix_mismatches) == ("class-folders", 0, 0)
    d = M.diff_manifests(iv.load_manifest("ilsvrc2012", "val"), m)
    assert (d.added_count, d.common_count, d.relabelled_count) == (0, 2, 0)
    lst = tmp_path / "hf.txt"
    lst.write_text("ILSVRC2012_val_00000001_n01751748.JPEG\nn01440764_10026_n01440764.JPEG\n")
    m2 = M.ingest_text(lst)
    assert m2.ids() == ["n01440764_10026", "ILSVRC2012_val_00000001"]
    assert m2.labels_of("ILSVRC2012_val_00000001") == ("n01751748",)


def test_find_listing_of_a_torchvision_val_folder_keeps_its_labels(tmp_path: Path) -> None:
    val = iv.load_manifest("ilsvrc2012", "val")
    ids = val.ids()[:3000]
    p = tmp_path / "find.txt"
    p.write_text("".join(f"./val/{val.labels_of(i)[0]}/{i}.JPEG\n" for i in ids))
    m = M.ingest_text(p)
    assert m.unlabelled_count == 0
    assert all(m.labels_of(i) == val.labels_of(i) for i in ids[::97])
    # `tar tf` prints the folders too: they are not images
    p.write_text("val/\nval/n01440764/\n" + "".join(f"val/{val.labels_of(i)[0]}/{i}.JPEG\n" for i in ids[:5]))
    with pytest.raises(ManifestError, match="line 1"):
        M.ingest_text(p)


def test_a_file_whose_wnid_disagrees_with_its_folder_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "train"
    _touch(root, "n01440764/n01440764_1.JPEG", "n01440764/n01443537_5.JPEG")
    m, r = ingest_path(root, classes=IN1K, claimed="ilsvrc2012")
    assert r.prefix_mismatches == 1 and r.prefix_mismatch_examples == ("n01440764/n01443537_5.JPEG",)
    assert m.labels_of("n01443537_5") == ("n01440764",)  # the folder wins, as in ImageFolder
    lst = tmp_path / "l.txt"
    lst.write_text("train/n01440764/n01443537_5.JPEG\ntrain/n01440764/n01440764_1.JPEG\n")
    m2, r2 = ingest_path(lst, classes=IN1K, claimed="ilsvrc2012")
    assert r2.prefix_mismatches == 1 and m2.labels_of("n01443537_5") == ("n01440764",)


def test_report_counts_duplicates_and_wnids_outside_the_claimed_version(tmp_path: Path) -> None:
    lst = tmp_path / "l.txt"
    lst.write_text(
        "n01440764_1.JPEG n01440764\nn01440764_1.JPEG n01440764\nn01440764_1.JPEG n01443537\n"
        "n10513938_1.JPEG n10513938\nnamed.png n01440764\nnamed.png n01440764\n"
    )
    m, r = ingest_path(lst, classes=IN1K, claimed="ilsvrc2012")
    assert len(m) == 3 and m.labels_of("n01440764_1") == ("n01440764",)  # the first is kept
    assert (r.duplicates, r.conflicting_duplicates) == (3, 1)
    assert r.not_in_claimed == ("n10513938",)
    assert any("not categories of ilsvrc2012" in p for p in r.problems)
    with pytest.raises(ManifestError, match="duplicate id"):
        M.ingest_text(lst)  # without a report to count them, a duplicate stays an error


def test_symlinked_folders_are_followed_once(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "n01443537"
    _touch(real.parent, "n01443537/n01443537_1.JPEG", "n01443537/n01443537_2.JPEG")
    root = tmp_path / "train"
    _touch(root, "n01440764/n01440764_1.JPEG")
    os.symlink(real, root / "n01443537")
    os.symlink(root, root / "n01440764" / "loop")  # a loop back to the root
    m, r = ingest_path(root)
    assert m.class_counts() == {"n01440764": 1, "n01443537": 2}
    assert any("symlink loop" in n for n in r.notes)


def test_unreadable_folders_and_files_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "train"
    _touch(root, "n01440764/n01440764_1.JPEG", "n01443537/n01443537_1.JPEG", "n01443537/n01443537_2.JPEG")
    os.symlink(tmp_path / "gone.JPEG", root / "n01440764" / "n01440764_2.JPEG")  # dangling
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str] | str) -> object:
        if Path(path).name == "n01443537":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(_ingest.os, "scandir", scandir)  # chmod 000 does not stop root
    with pytest.warns(iv.ManifestWarning, match="2 folders or files could not be read"):
        m, r = ingest_path(root)
    assert len(m) == 1
    assert sorted(r.unreadable) == [
        "n01440764/n01440764_2.JPEG: No such file or directory",
        "n01443537: Permission denied",
    ]
    assert any("could not be read" in p for p in r.problems)


def _add(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def test_tars_are_listed_in_seekable_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = tmp_path / "ILSVRC2012_img_train.tar"
    with tarfile.open(outer, "w") as tf:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as inner:
            _add(inner, "n01440764_1.JPEG", b"\0" * 100_000)
        _add(tf, "n01440764.tar", buf.getvalue())
        _add(tf, "imagenet-r/n01443537/art_0.jpg", b"x")
        _add(tf, "imagenet-r/n01833805/art_0.jpg", b"x")
    modes: list[str] = []
    real_open = tarfile.open

    def spy(*args: object, **kwargs: object) -> tarfile.TarFile:
        modes.append(str(kwargs.get("mode")))
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_ingest.tarfile, "open", spy)
    m, r = ingest_path(outer)
    assert modes == ["r:*", "r:"]  # headers only; data is skipped by seeking, never streamed
    assert sorted(m.ids()) == ["n01440764_1", "n01443537/art_0", "n01833805/art_0"]
    assert r.layout == "tar"
    # a pipe is streamed
    modes.clear()
    rfd, wfd = os.pipe()
    fifo = tmp_path / "fifo.tar"
    os.mkfifo(fifo)
    os.close(rfd)
    os.close(wfd)
    import threading

    def feed() -> None:
        with open(fifo, "wb") as fh:
            fh.write(outer.read_bytes())

    t = threading.Thread(target=feed)
    t.start()
    m2 = M.ingest_tar(fifo)
    t.join()
    assert modes == ["r|*", "r|*"] and len(m2) == 3


# -- finding 7: encodings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expect"),
    [
        (b"n01440764_1.JPEG\nn01440764_2.JPEG \xff\n", r"line 2: not UTF-8"),
        (b"n01440764_1.JPEG\rn01440764_2.JPEG\rn01440764_3.JPEG\r", r"line 1: CR-only line end"),
        (b"n01440764_1.JPEG\nn01440764_2.JPEG\nn0144\x000764_3.JPEG\n", r"line 3: control character '\\x00'"),
        (b"# comment\nn01440764_1.JPEG\x7f\n", r"line 2: control character '\\x7f'"),
    ],
)
def test_finding7_text_encodings_are_errors_naming_file_and_line(tmp_path: Path, data: bytes, expect: str) -> None:
    p = tmp_path / "list.txt"
    p.write_bytes(data)
    with pytest.raises(ManifestError, match=r"list\.txt, " + expect):
        M.ingest_text(p)
    with pytest.raises(ManifestError, match=r"list\.txt, " + expect):
        M.ingest_text(p, _slow=True)


def test_finding7_a_bom_is_not_part_of_the_first_id(tmp_path: Path) -> None:
    p = tmp_path / "list.txt"
    p.write_bytes(b"\xef\xbb\xbfn01440764_1.JPEG\r\nn01440764_2.JPEG\r\n")
    assert M.ingest_text(p).ids() == ["n01440764_1", "n01440764_2"]
    c = tmp_path / "l.csv"
    c.write_bytes(b"\xef\xbb\xbffile\nn01440764_1.JPEG\n")
    assert M.ingest_csv(c).ids() == ["n01440764_1"]


@pytest.mark.parametrize(
    ("data", "expect"),
    [
        (b"file,label\nok.JPEG,n01440764\nbad\xe9.JPEG,n01440764\n", r"line 3: not UTF-8"),
        (b"file,label\rok.JPEG,n01440764\r", r"line 1: CR-only line end"),
        (b"file,label\nok\x07.JPEG,n01440764\n", r"line 2: control character"),
    ],
)
def test_finding7_csv_encodings(tmp_path: Path, data: bytes, expect: str) -> None:
    p = tmp_path / "l.csv"
    p.write_bytes(data)
    with pytest.raises(DataFileError, match=r"l\.csv, " + expect):
        M.ingest_csv(p, label_column="label")


def test_the_mmap_path_checks_bytes_in_every_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_text, "_CHUNK", 4096)
    lines = [f"n01440764_{k}.JPEG n01440764\n" for k in range(1, 2001)]
    lines[1500] = "n01440764_1501.JPEG\tn01440764\x0c\n"
    p = tmp_path / "big.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "".join(lines).encode())
    with pytest.raises(ManifestError, match=r"big\.txt, line 1501: control character"):
        M.ingest_text(p)


# -- one parser truth ---------------------------------------------------------------------

_WNIDS = ["n01440764", "n01443537", "n09193705"]
_id = st.one_of(
    st.builds(lambda w, n: f"{w}_{n}", st.sampled_from(_WNIDS), st.integers(1, 10**9 - 1)),
    st.builds(lambda n: f"ILSVRC2012_val_{n:08d}", st.integers(0, 10**8 - 1)),
    st.builds(lambda n: f"ILSVRC2012_test_{n:08d}", st.integers(0, 99)),
    st.builds(lambda n, w: f"ILSVRC2012_val_{n:08d}_{w}", st.integers(1, 50000), st.sampled_from(_WNIDS)),
    st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True),
)
_dir = st.one_of(
    st.just(""),
    st.sampled_from(_WNIDS).map(lambda w: f"{w}/"),
    st.sampled_from(_WNIDS).map(lambda w: f"train/{w}/"),
    st.sampled_from(_WNIDS).map(lambda w: f"./val/{w}/sub/"),
    st.just("val/"),
)
_ext = st.sampled_from(["", ".JPEG", ".jpg", ".png", ".jpeg", ".JPG", ".txt"])
_label = st.one_of(st.just(None), st.sampled_from(_WNIDS), st.integers(0, 999).map(str))
_sep = st.sampled_from([" ", "\t", ",", "  ", " ,"])
_line = st.one_of(
    st.tuples(_dir, _id, _ext, _label, _sep, st.sampled_from(["", " ", " extra"])).map(
        lambda t: f"{t[0]}{t[1]}{t[2]}" + ("" if t[3] is None else f"{t[4]}{t[3]}{t[5]}")
    ),
    st.sampled_from(["", "# a comment", " n01440764_7.JPEG", "n01440764_8.JPEG ", ",n01440764_9.JPEG"]),
)


def _result(path: Path, *, slow: bool) -> tuple[object, ...]:
    try:
        m = M.ingest_text(path, _slow=slow)
    except ManifestError as exc:
        return ("error", str(exc).split(":")[0:2])
    return ("ok", m.ids(), [m.labels_of(i) for i in m.ids()], m.classes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, max_size=25), crlf=st.booleans())
def test_fast_and_slow_paths_give_the_same_manifest(tmp_path: Path, lines: list[str], crlf: bool) -> None:
    p = tmp_path / "gen.txt"
    p.write_bytes(("\r\n" if crlf else "\n").join(lines).encode())
    assert _result(p, slow=False) == _result(p, slow=True)


# -- finding 5: image diffs never crash ---------------------------------------------------


def test_finding5_disjoint_manifests_diff_without_crashing() -> None:
    d = iv.diff("imagenet2012-subset-10pct", "ilsvrc2012", images=True, split="train", split_b="val").images
    assert (d.common_count, d.added_count, d.removed_count) == (0, 50000, 128116)
    d = iv.diff("ilsvrc2012", "imagenet-lt", images=True, split="val").images
    assert (d.common_count, d.added_count, d.removed_count) == (0, 20000, 50000)


def test_every_ordered_pair_of_shipped_manifests_diffs() -> None:
    shipped = [(v, s) for v, s in M.available_manifests() if "file" in M.manifest_info(v, s)]
    loaded = {k: M.load_manifest(*k) for k in shipped}
    for a, b in itertools.permutations(shipped, 2):
        d = M.diff_manifests(loaded[a], loaded[b])
        assert d.common_count + d.removed_count == len(loaded[a]), (a, b)
        assert d.common_count + d.added_count == len(loaded[b]), (a, b)
        c = d.common.codes()
        assert bool(np.all(c[1:] > c[:-1])), (a, b)
    # and through iv.diff, which picks the method from the lineage
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for (va, sa), (vb, sb) in itertools.permutations(shipped, 2):
            img = iv.diff(va, vb, images=True, split=sa, split_b=sb).images
            assert img.to_dict()["a"]["version"] == va


def test_file_names_with_control_characters_or_bad_bytes_are_errors(tmp_path: Path) -> None:
    root = tmp_path / "train"
    _touch(root, "n01440764/n01440764_1.JPEG")
    (root / "n01440764" / "evil\x1b[31m.JPEG").write_bytes(b"")
    with pytest.raises(ManifestError, match="control character in the file name"):
        ingest_path(root)
    (root / "n01440764" / "evil\x1b[31m.JPEG").unlink()
    (root / os.fsdecode(b"n01440764") / os.fsdecode(b"caf\xe9.JPEG")).write_bytes(b"")
    with pytest.raises(ManifestError, match="not a UTF-8 file name"):
        ingest_path(root)
    tar = tmp_path / "t.tar"
    with tarfile.open(tar, "w") as tf:
        _add(tf, "n01440764/a\nb.JPEG", b"x")
    with pytest.raises(ManifestError, match="control character"):
        ingest_path(tar)


def test_csv_ids_with_line_ends_and_api_ids_that_are_not_utf8(tmp_path: Path) -> None:
    c = tmp_path / "l.csv"
    c.write_text('file,label\n"a\nb.JPEG",n01440764\n')
    with pytest.raises(ManifestError, match=r"l\.csv, line 3: a line end in the id"):
        M.ingest_csv(c, label_column="label")
    with pytest.raises(ManifestError, match="not valid UTF-8"):
        M.Manifest.from_ids(["caf\udce9.JPEG"])
