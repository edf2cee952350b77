from __future__ import annotations

import copy
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import attrs
import numpy as np
import pytest

from imagenet_versions import manifests as M
from imagenet_versions._fetch import sha256_file
from imagenet_versions.errors import IntegrityError, ManifestError
from imagenet_versions.manifests import _registry, _text

SHARED = Path(
    os.environ.get("IMAGENET_VERSIONS_SOURCES")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sources"
)
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared mirror not present")


@pytest.fixture(name="val")
def _val() -> M.Manifest:
    return M.load_manifest("ilsvrc2012", "val")


@pytest.fixture(name="real")
def _real() -> M.Manifest:
    return M.load_manifest("imagenet-real", "val")


# -- package hygiene -----------------------------------------------------------


def test_package_import_does_not_import_numpy() -> None:
    code = "import sys, imagenet_versions; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_available_manifests_cover_the_brief() -> None:
    got = set(M.available_manifests())
    want = {
        ("ilsvrc2012", "val"),
        ("imagenet-real", "val"),
        ("imagenet-v2-matched-frequency", "test"),
        ("imagenet-v2-threshold0.7", "test"),
        ("imagenet-v2-top-images", "test"),
        ("imagenet2012-subset-1pct", "train"),
        ("imagenet2012-subset-10pct", "train"),
        ("imagenette", "train"),
        ("imagenette", "val"),
        ("imagewoof", "train"),
        ("imagewoof", "val"),
        ("mini-imagenet", "train"),
        ("mini-imagenet", "val"),
        ("mini-imagenet", "test"),
        ("imagenet-lt", "val"),
        ("imagenet-lt", "test"),
        ("robustbench-imagenet-5k", "val"),
        ("imagenet2012-multilabel", "val"),
        ("tiny-imagenet", "val"),
        ("imagenet-dedup-facefree", "duplicates"),
    }
    assert want <= got


def test_shipped_files_match_index_sha256() -> None:
    root = Path(M.__file__).parents[1] / "data" / "manifests"
    index = json.loads((root / "index.json").read_text())
    for e in index["manifests"]:
        if "file" in e:
            assert sha256_file(root / e["file"]) == e["sha256"], e["file"]
            assert len(M.load_manifest(e["version"], e["split"])) == e["count"]
        else:  # on-demand: pinned URL at a commit, never shipped
            assert e["url"].startswith("https://raw.githubusercontent.com/")
            assert not (root / f"{e['version']}__{e['split']}.npz").exists()


def test_unknown_manifest_is_an_error() -> None:
    with pytest.raises(LookupError, match="nope"):
        M.load_manifest("nope", "val")
    with pytest.raises(ManifestError, match="'train'"):
        M.load_manifest("ilsvrc2012", "train")


# -- ILSVRC-2012 val -------------------------------------------------------------


def test_ilsvrc2012_val_counts(val: M.Manifest) -> None:
    assert len(val) == 50_000
    assert len(val.classes) == 1000
    assert set(val.class_counts().values()) == {50}
    assert val.unlabelled_count == 0
    assert "ILSVRC2012_val_00000001.JPEG" in val
    assert "val/n01751748/ILSVRC2012_val_00000001.JPEG" in val
    assert "ILSVRC2012_val_00050001" not in val
    assert val.labels_of("ILSVRC2012_val_00000001") == ("n01751748",)


@needs_shared
def test_ilsvrc2012_val_agrees_with_second_and_third_copy(val: M.Manifest) -> None:
    synsets = (SHARED / "ilsvrc2012" / "imagenet_synsets.txt").read_text().split()
    ids, labels = [], []
    for line in (SHARED / "ilsvrc2012" / "datadings_ILSVRC2012_val.txt").read_text().splitlines():
        name, idx = line.split()
        ids.append(name)
        labels.append(synsets[int(idx)])
    other = M.Manifest.from_ids(ids, labels, version="datadings", split="val")
    d = M.diff_manifests(val, other)
    assert (d.added_count, d.removed_count, d.common_count, d.relabelled_count) == (0, 0, 50_000, 0)
    v2 = json.loads((SHARED / "ilsvrc2012" / "imagenetv2_imagenet-validation-original.json").read_text())[
        "image_filenames"
    ]
    third = M.Manifest.from_ids([p[0] for p in v2], [p[1] for p in v2])
    d = M.diff_manifests(val, third)
    assert (d.common_count, d.relabelled_count) == (50_000, 0)


def test_imagenet_lt_test_is_ilsvrc_val(val: M.Manifest) -> None:
    lt_test = M.load_manifest("imagenet-lt", "test")
    d = M.diff_manifests(val, lt_test)
    assert (d.added_count, d.removed_count, d.common_count, d.relabelled_count) == (0, 0, 50_000, 0)
    lt_val = M.load_manifest("imagenet-lt", "val")
    assert len(lt_val) == 20_000
    assert set(lt_val.class_counts().values()) == {20}


# -- ReaL --------------------------------------------------------------------------


def test_real_against_val(val: M.Manifest, real: M.Manifest) -> None:
    assert real.multilabel
    assert len(real) == 50_000
    assert real.unlabelled_count == 3_163
    assert int((real.label_counts() > 1).sum()) == 7_443
    d = M.diff_manifests(val, real)
    assert (d.added_count, d.removed_count, d.common_count) == (0, 0, 50_000)
    kinds = {k: len(v) for k, v in d.relabelled_by_kind.items()}
    # measured on the shipped data (see the report / RESULTS):
    assert kinds == {
        "changed_single": 3_678,  # one label before and after, a different one
        "lost_all_labels": 3_163,  # ReaL's empty lists
        "gained_labels_from_none": 0,
        "gained_labels": 6_448,  # original kept, more labels added
        "lost_labels": 0,
        "changed_labels": 995,  # several labels, original not among them
    }
    assert d.relabelled_count == sum(kinds.values()) == 14_284
    # SOURCES.md cross-check: the original label is among ReaL's for 42,164 images
    assert d.common_count - d.relabelled_count + kinds["gained_labels"] == 42_164
    one = d.relabelled_by_kind["lost_all_labels"].to_list(1)[0]
    assert real.labels_of(one) == ()
    assert len(val.labels_of(one)) == 1
    js = json.loads(json.dumps(d.to_dict()))
    assert js["relabelled_count"] == 14_284
    assert js["added_count"] == js["removed_count"] == 0


def test_real_reverse_diff_is_symmetric(val: M.Manifest, real: M.Manifest) -> None:
    d = M.diff_manifests(real, val)
    kinds = {k: len(v) for k, v in d.relabelled_by_kind.items()}
    assert kinds["gained_labels_from_none"] == 3_163
    assert kinds["lost_labels"] == 6_448
    assert kinds["changed_single"] == 3_678


# -- subsets -------------------------------------------------------------------------


def test_simclr_subsets_nest(val: M.Manifest) -> None:
    p1 = M.load_manifest("imagenet2012-subset-1pct", "train")
    p10 = M.load_manifest("imagenet2012-subset-10pct", "train")
    assert (len(p1), len(p10)) == (12_811, 128_116)
    d = M.diff_manifests(p1, p10)
    assert (d.removed_count, d.common_count, d.added_count) == (0, 12_811, 128_116 - 12_811)
    assert d.relabelled_count == 0
    assert p1.classes == p10.classes == val.classes
    assert set(p1.class_counts().values()) == {12, 13}
    assert set(p10.class_counts().values()) == {128, 129}


def test_imagenet_v2_sets() -> None:
    names = ("imagenet-v2-matched-frequency", "imagenet-v2-threshold0.7", "imagenet-v2-top-images")
    ms = {n: M.load_manifest(n, "test") for n in names}
    for m in ms.values():
        assert len(m) == 10_000
        assert len(m.classes) == 1000
        assert set(m.class_counts().values()) == {10}
    a, b, c = (ms["imagenet-v2-threshold0.7"], ms["imagenet-v2-matched-frequency"], ms["imagenet-v2-top-images"])
    assert M.diff_manifests(a, b).common_count == 3_186
    assert M.diff_manifests(a, c).common_count == 4_996
    assert M.diff_manifests(b, c).common_count == 3_070
    some = b.ids()[0]
    assert len(some) == 40
    assert some in b


def test_v2_annotated_val20k_is_part_of_val(val: M.Manifest) -> None:
    sub = M.load_manifest("imagenet-v2-annotated-val20k", "val")
    d = M.diff_manifests(sub, val)
    assert (len(sub), d.removed_count, d.common_count, d.relabelled_count) == (20_000, 0, 20_000, 0)


def test_imagenette_and_imagewoof() -> None:
    counts = {}
    for vid in ("imagenette", "imagewoof"):
        tr, va = M.load_manifest(vid, "train"), M.load_manifest(vid, "val")
        counts[vid] = (len(tr), len(va))
        assert len(tr.classes) == len(va.classes) == 10
        assert M.diff_manifests(tr, va).common_count == 0
        assert all(i.startswith("n") and "_" in i for i in tr.ids()[:100])
    assert counts == {"imagenette": (9_469, 3_925), "imagewoof": (9_025, 3_929)}


def test_mini_imagenet_splits() -> None:
    ms = [M.load_manifest("mini-imagenet", s) for s in ("train", "val", "test")]
    assert [len(m) for m in ms] == [38_400, 9_600, 12_000]
    assert [len(m.classes) for m in ms] == [64, 16, 20]
    for m in ms:
        assert set(m.class_counts().values()) == {600}
    assert not set(ms[0].classes) & set(ms[1].classes)
    assert "n0153282900000005.jpg" in ms[0]


def test_robustbench_subset_of_val(val: M.Manifest) -> None:
    rb = M.load_manifest("robustbench-imagenet-5k", "val")
    assert (len(rb), len(rb.classes)) == (5_000, 997)
    d = M.diff_manifests(rb, val)
    assert (d.removed_count, d.common_count, d.relabelled_count) == (0, 5_000, 0)


def test_dedup_list() -> None:
    dup = M.load_manifest("imagenet-dedup-facefree", "duplicates")
    assert len(dup) == 8_526
    ids = dup.ids()
    assert sum(i.startswith("ILSVRC2012_val_") for i in ids) == 122
    assert sum(i.startswith("ILSVRC2012_test_") for i in ids) == 133
    assert sum(i.startswith("n") for i in ids) == 8_271


# -- category filter ---------------------------------------------------------------


def test_category_filter_matches_full_compare(val: M.Manifest) -> None:
    removed = val.classes[::7]
    lin = M.diff_by_category_filter(val, removed)
    child = val.subset_classes(set(val.classes) - set(removed), version="child")
    full = M.diff_manifests(val, child)
    assert lin.removed_count == full.removed_count == 50 * len(removed)
    assert lin.common_count == full.common_count
    assert lin.added_count == full.added_count == 0
    assert lin.removed.to_list() == full.removed.to_list()
    assert lin.to_dict()["method"] == "category-filter"


def test_category_filter_multilabel(real: M.Manifest) -> None:
    removed = real.classes[:500]
    d = M.diff_by_category_filter(real, removed)
    child = real.subset_classes(set(real.classes[500:]))
    # removed = images whose every label is removed; unlabelled images stay
    full = M.diff_manifests(real, child)
    assert d.removed_count + d.common_count == 50_000
    assert d.removed_count == full.removed_count - 3_163  # subset_classes drops unlabelled
    assert len(d.relabelled_by_kind["lost_labels"]) == len(full.relabelled_by_kind["lost_labels"])


# -- model ----------------------------------------------------------------------------


def test_manifest_is_frozen_and_compact(val: M.Manifest) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        val.version = "x"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        val.codes[0] = 1
    assert val.nbytes < 50_000 * 12


def test_from_ids_multilabel_and_none() -> None:
    m = M.Manifest.from_ids(["b.jpg", "a.jpg", "c"], [["n00000002", "n00000001", "n00000002"], [], None])
    assert m.multilabel
    assert m.labels_of("b") == ("n00000001", "n00000002")
    assert m.labels_of("a") == ()
    assert m.unlabelled_count == 2


def test_duplicate_and_collision_are_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ManifestError, match="duplicate id 'n01440764_1'"):
        M.Manifest.from_ids(["n01440764_1.JPEG", "x/n01440764_1"])
    monkeypatch.setattr(M._codec, "_hash62", lambda name: (2 << 62) | 5)
    with pytest.raises(ManifestError, match="hash collision between ids 'foo' and 'bar'"):
        M.Manifest.from_ids(["foo", "bar"])
    a = M.Manifest.from_ids(["foo"])
    b = M.Manifest.from_ids(["bar"])
    with pytest.raises(ManifestError, match="hash collision"):
        M.diff_manifests(a, b)


# -- storage ------------------------------------------------------------------------


def test_roundtrip(tmp_path: Path, real: M.Manifest) -> None:
    p = M.write_manifest(real, tmp_path / "r.npz")
    again = M.write_manifest(real, tmp_path / "r2.npz")
    assert p.read_bytes() == again.read_bytes()  # reproducible bytes
    back = M.read_manifest(p)
    assert back.ids() == real.ids()
    d = M.diff_manifests(real, back)
    assert (d.common_count, d.relabelled_count) == (50_000, 0)


def test_truncated_or_corrupted_npz(tmp_path: Path, val: M.Manifest) -> None:
    p = M.write_manifest(val, tmp_path / "v.npz")
    data = p.read_bytes()
    bad = tmp_path / "truncated.npz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ManifestError, match=r"truncated\.npz"):
        M.read_manifest(bad)
    flipped = bytearray(data)
    for k in range(2000, 2100):
        flipped[k] ^= 0xFF
    bad2 = tmp_path / "flipped.npz"
    bad2.write_bytes(bytes(flipped))
    with pytest.raises(ManifestError, match=r"flipped\.npz"):
        M.read_manifest(bad2)


def test_failed_write_leaves_nothing(tmp_path: Path, val: M.Manifest, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def boom(fh: io.BufferedWriter, arr: np.ndarray, **kwargs: object) -> None:
        calls.append(1)
        fh.write(b"\x93NUMPY partial")
        if len(calls) == 3:
            msg = "disk full"
            raise OSError(msg)

    monkeypatch.setattr(np.lib.format, "write_array", boom)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        M.write_manifest(val, out / "v.npz")
    assert list(out.iterdir()) == []


# -- ingest -------------------------------------------------------------------------


def test_ingest_text_errors_name_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "list.txt"
    p.write_bytes(b"n01440764_1.JPEG n01440764\nn01440764_2.JPEG n01440764\nn01440764_3 cat\n")
    with pytest.raises(ManifestError, match=r"list\.txt, line 3: .*'cat'"):
        M.ingest_text(p)
    p.write_bytes(b"n01440764_1.JPEG\n\n# comment\n\xff\xfe broken\n")
    with pytest.raises(ManifestError, match=r"list\.txt, line 4: not UTF-8"):
        M.ingest_text(p)
    p.write_bytes(b"n01440764_1.JPEG\nn01440764_2.JPEG\ntrain/n01440764/n01440764_1.JPEG\n")
    dup = r"list\.txt: duplicate id 'n01440764_1' \(lines 1 and 3\)"
    with pytest.raises(ManifestError, match=dup):
        M.ingest_text(p)
    p.write_bytes(b"ILSVRC2012_val_00000001.JPEG 1000\n")
    with pytest.raises(ManifestError, match=r"line 1: label index 1000"):
        M.ingest_text(p)


def test_ingest_text_fast_and_slow_paths_agree(tmp_path: Path) -> None:
    lines = [
        "train/n01440764/n01440764_10026.JPEG 0",
        "n01443537_2.jpg\tn01443537",
        "ILSVRC2012_val_00000007.JPEG,n01443537",
        "ILSVRC2012_test_00000007",
        "n01440764_0012.JPEG",  # leading zero: not structured, hashed
    ]
    p = tmp_path / "mixed.txt"
    p.write_text("\r\n".join(lines) + "\r\n")
    m = M.ingest_text(p)
    slow = M.Manifest.from_ids(
        ["n01440764_10026", "n01443537_2", "ILSVRC2012_val_00000007", "ILSVRC2012_test_00000007", "n01440764_0012"],
        ["n01440764", "n01443537", "n01443537", None, None],
    )
    assert m.ids() == slow.ids()
    d = M.diff_manifests(m, slow)
    assert (d.common_count, d.relabelled_count) == (5, 0)
    assert "n01440764_0012" in m
    assert "n01440764_12" not in m


def test_ingest_csv(tmp_path: Path) -> None:
    p = tmp_path / "l.csv"
    with open(p, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "labels"])
        w.writerow(["ILSVRC2012_val_00000001.JPEG", "65, 66"])
        w.writerow(["ILSVRC2012_val_00000002.JPEG", ""])
    m = M.ingest_csv(p, label_column="labels", multilabel=True)
    assert m.labels_of("ILSVRC2012_val_00000002") == ()
    assert len(m.labels_of("ILSVRC2012_val_00000001")) == 2
    p.write_text("file,labels\nILSVRC2012_val_00000001.JPEG,oops\n")
    with pytest.raises(ManifestError, match=r"l\.csv, line 2: bad label 'oops'"):
        M.ingest_csv(p, label_column="labels")


def _tree(root: Path) -> list[str]:
    names = []
    for wnid, nums in (("n01440764", (10026, 1)), ("n01443537", (7,))):
        d = root / "train" / wnid
        d.mkdir(parents=True)
        for n in nums:
            (d / f"{wnid}_{n}.JPEG").write_bytes(b"\xff\xd8 not really a jpeg")
            names.append(f"{wnid}_{n}")
    (root / "train" / "README.txt").write_text("not an image")
    return names


def test_ingest_directory(tmp_path: Path) -> None:
    names = _tree(tmp_path)
    m = M.ingest_directory(tmp_path / "train")
    assert m.split == "train"
    assert sorted(m.ids()) == sorted(names)
    assert m.class_counts() == {"n01440764": 2, "n01443537": 1}


def _add_bytes(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tf.addfile(info, io.BytesIO(data))


def test_ingest_tar_and_tar_of_tars(tmp_path: Path) -> None:
    names = _tree(tmp_path)
    flat = tmp_path / "flat.tar.gz"
    with tarfile.open(flat, "w:gz") as tf:
        tf.add(tmp_path / "train", arcname="train")
    m = M.ingest_tar(flat)
    assert sorted(m.ids()) == sorted(names)
    assert m.class_counts() == {"n01440764": 2, "n01443537": 1}
    # ILSVRC2012_img_train.tar: one inner n........tar per class, files without folders
    outer = tmp_path / "ILSVRC2012_img_train.tar"
    with tarfile.open(outer, "w") as tf:
        for wnid, nums in (("n01440764", (10026, 1)), ("n01443537", (7,))):
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w") as inner:
                for n in nums:
                    _add_bytes(inner, f"{wnid}_{n}.JPEG", b"jpeg")
            _add_bytes(tf, f"{wnid}.tar", buf.getvalue())
    m2 = M.ingest_tar(outer)
    d = M.diff_manifests(m, m2)
    assert (d.common_count, d.added_count, d.removed_count, d.relabelled_count) == (3, 0, 0, 0)
    bad = tmp_path / "bad.tar"
    bad.write_bytes(outer.read_bytes()[:700])
    with pytest.raises(ManifestError, match=r"bad\.tar"):
        M.ingest_tar(bad)


# -- downloads -------------------------------------------------------------------------


def test_fetch_manifest_and_corrupted_download(local_http: tuple[str, Path]) -> None:
    from imagenet_versions._fetch import cache_dir

    cache = cache_dir()
    base, served = local_http
    lines = [f"n01440764_{k}.JPEG" for k in range(1, 2001)]
    body = ("\n".join(lines) + "\n").encode()
    (served / "list.txt").write_bytes(body)
    import hashlib

    sha = hashlib.sha256(body).hexdigest()
    m = M.fetch_manifest(f"{base}/list.txt", sha, version="user", split="train")
    assert len(m) == 2000
    assert any(p.suffix == ".npz" for p in (cache / "manifests").iterdir())
    # a second call reads the cached npz
    (served / "list.txt").unlink()
    assert len(M.fetch_manifest(f"{base}/list.txt", sha, version="user", split="train")) == 2000
    # corrupted (truncated) download: integrity error, nothing left behind
    (served / "other.txt").write_bytes(body[: len(body) // 2])
    sha2 = hashlib.sha256(body + b"x").hexdigest()
    before = sorted(p.name for p in cache.rglob("*"))
    with pytest.raises(IntegrityError):
        M.fetch_manifest(f"{base}/other.txt", sha2, version="user", split="other")
    after = sorted(p.name for p in cache.rglob("*"))
    assert after == before
    assert not [p for p in cache.rglob("*") if p.name.endswith(".part")]


@needs_shared
def test_on_demand_multilabel(local_http: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, val: M.Manifest) -> None:
    base, served = local_http
    src = SHARED / "imagenet2012-multilabel" / "flaws_multilabel.csv"
    (served / "multilabel.csv").write_bytes(src.read_bytes())
    index = copy.deepcopy(_registry._index())
    for e in index["manifests"]:
        if e["version"] == "imagenet2012-multilabel":
            e["url"] = f"{base}/multilabel.csv"
    monkeypatch.setattr(_registry, "_index", lambda: index)
    monkeypatch.setattr(_registry, "_LOADED", {})
    ml = M.load_manifest("imagenet2012-multilabel", "val")
    assert len(ml) == 20_000
    assert ml.multilabel
    assert ml.unlabelled_count == 451
    sub = M.load_manifest("imagenet-v2-annotated-val20k", "val")
    d = M.diff_manifests(sub, ml)
    assert (d.common_count, d.added_count, d.removed_count) == (20_000, 0, 0)
    assert M.diff_manifests(ml, val).removed_count == 0


@needs_shared
def test_tiny_imagenet_parser() -> None:
    tiny = M.parse_tiny_val(SHARED / "tiny-imagenet" / "val_annotations.txt", "tiny-imagenet", "val")
    assert len(tiny) == 10_000
    assert len(tiny.classes) == 200
    assert set(tiny.class_counts().values()) == {50}
    assert "val_0.JPEG" in tiny


_MMAPPED_BLOCKS = """
import ctypes, sys
import numpy as np
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
if sys.argv[1] == "prime":
    from imagenet_versions.manifests import _text
    _text._keep_working_memory()
before = libc.mallinfo2().hblks
block = np.ones(16 << 20, np.uint8)  # a 16 MiB working array, as a chunk's temporaries add up to
print(libc.mallinfo2().hblks - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc (Linux) only")
@pytest.mark.parametrize("prime", ["prime", "none"])
def test_ingest_keeps_working_memory_in_the_heap(prime: str) -> None:
    # The big-file path primes glibc's adaptive mmap threshold, so a chunk's temporaries
    # come from (and go back to) the heap instead of being mapped and faulted in anew
    # for every chunk (the page faults that made ingest slower than DuckDB's reader).
    # Fresh processes: the threshold is process-wide state.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and not k.startswith("GLIBC_TUNABLES")}
    run = subprocess.run([sys.executable, "-c", _MMAPPED_BLOCKS, prime], capture_output=True, text=True, env=env)
    if run.returncode != 0 and ("mallinfo2" in run.stderr or "libc.so.6" in run.stderr):
        pytest.skip("needs glibc >= 2.33 (libc.so.6 with mallinfo2)")
    assert run.returncode == 0, run.stderr
    mapped = int(run.stdout)
    assert mapped == (0 if prime == "prime" else 1)


def test_ingest_text_many_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # small chunks: classes straddle chunk seams, lines in tar-listing (string) order
    monkeypatch.setattr(_text, "_CHUNK", 4096)
    rng = np.random.default_rng(0)
    ids, labels = [], []
    for w in (1440764, 1443537, 1484850, 1491361):
        nums = sorted({int(x) for x in rng.integers(1, 5000, 700)}, key=str)
        prefix = f"train/n{w:08d}/" if w == 1484850 else ""  # some lines with folders
        ids += [f"{prefix}n{w:08d}_{k}.JPEG" for k in nums]
        labels += [f"n{w:08d}"] * len(nums)
    labels[5] = "n01443537"  # one relabelled line
    lines = [f"{i} {lab}" for i, lab in zip(ids, labels, strict=True)]
    lines.insert(100, "v2_hashed_id_abc n01491361")
    p = tmp_path / "big.txt"
    p.write_text("\n".join(lines))  # no final newline
    m = M.ingest_text(p)
    ref = M.Manifest.from_ids([*ids, "v2_hashed_id_abc"], [*labels, "n01491361"])
    assert len(m) == len(ref) == len(lines)
    d = M.diff_manifests(m, ref)
    assert (d.common_count, d.added_count, d.removed_count, d.relabelled_count) == (len(lines), 0, 0, 0)
    assert m.labels_of(ids[5]) == ("n01443537",)
    p.write_text("\n".join([*lines, lines[3]]))
    with pytest.raises(ManifestError, match=rf"duplicate id .* \(lines 4 and {len(lines) + 1}\)"):
        M.ingest_text(p)


_MIRROR = SHARED


@pytest.mark.skipif(not _MIRROR.is_dir(), reason=f"source mirror not found at {_MIRROR}")
def test_build_manifests_rebuilds_the_shipped_files_byte_identically(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, str(root / "tools" / "build_manifests.py"), "--sources", str(_MIRROR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    shipped = root / "imagenet_versions" / "data"
    rebuilt = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert [str(p) for p in rebuilt if p.parts[0] == "manifests"] == sorted(
        str(p.relative_to(shipped)) for p in (shipped / "manifests").iterdir()
    )
    for rel in rebuilt:
        assert (tmp_path / rel).read_bytes() == (shipped / rel).read_bytes(), rel
