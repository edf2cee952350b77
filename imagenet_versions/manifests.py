"""Image manifests: which images a split of a version holds, with their labels.

A :class:`Manifest` is a frozen, compact record of one split's image ids and
their label(s). It is the only module of the package that imports numpy.

Ids
    Ids are file *stems*: a directory prefix and an image extension are dropped,
    so ``train/n01440764/n01440764_10026.JPEG``, ``n01440764_10026.JPEG`` and
    ``n01440764_10026`` are the same image. Ids with ImageNet's structure are
    encoded losslessly into one ``uint64`` each:

    - ``nXXXXXXXX_N`` (train and fall11 files, ``N`` without leading zero,
      below 10**9): bits 32-58 hold the wnid number, bits 0-31 hold ``N``;
    - ``ILSVRC20YY_val_NNNNNNNN`` and ``ILSVRC20YY_test_NNNNNNNN``: tag 1 in
      the top two bits, the year, the split and the number.

    Every other id (ImageNetV2's sha1 candidate ids, mini-ImageNet's Ravi names,
    Tiny ImageNet's ``val_0``) gets tag 2 and a 62-bit blake2b hash; the string
    is kept beside the hash so that it can be given back. Two different names
    with the same hash raise :class:`~imagenet_versions.errors.ManifestError`
    (within a manifest on construction, across two manifests in a diff).

Labels
    A class table (``classes``, wnids) and, per image, either one class index
    (``-1`` = no valid label) or, for multi-label manifests, a CSR list of class
    indices (an empty list = no valid label, as in ReaL).

Storage
    ``.npz`` (zip + deflate) with a JSON header: format version, version id,
    split, counts. Codes are stored delta-encoded, per-class counts beside
    them. Writes go to a temporary file that is moved into place with
    :func:`os.replace`.

Entry points for ``diff(A, B)`` and the CLI
    - :func:`available_manifests` / :func:`load_manifest` ``(version, split)``:
      the shipped (and on-demand) manifests, keyed like the catalog;
    - :func:`diff_manifests` ``(a, b)`` -> :class:`ImageDiff`: compares ids;
    - :func:`diff_by_category_filter` ``(manifest, removed_wnids, child=(id, split))``
      -> :class:`ImageDiff`: the image part of a ``Filter`` by categories,
      answered from per-class counts (O(classes)); ids are found on request;
    - :meth:`ImageDiff.to_dict` for JSON (``added_count``, ``removed_count``,
      ``common_count``, ``relabelled_count``, ``relabelled_by_kind``).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import re
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, cast

import attrs
import numpy as np

from imagenet_versions.errors import ManifestError, UnknownVersionError

__all__ = [
    "FORMAT_VERSION",
    "RELABEL_KINDS",
    "IdSet",
    "ImageDiff",
    "Manifest",
    "available_manifests",
    "diff_by_category_filter",
    "diff_manifests",
    "fetch_manifest",
    "ingest_csv",
    "ingest_directory",
    "ingest_tar",
    "ingest_text",
    "load_manifest",
    "manifest_info",
    "read_manifest",
    "write_manifest",
]

FORMAT_VERSION = 1

_U64 = np.uint64
_TAG_SHIFT = _U64(62)
_TAG_ILSVRC = 1
_TAG_HASH = 2
_HASH_MASK = (1 << 62) - 1
_LOW32 = _U64(0xFFFFFFFF)
_KINDS = ("val", "test")

_TRAIN_RE = re.compile(r"n(\d{8})_([1-9]\d{0,8})")
_ILSVRC_RE = re.compile(r"ILSVRC20(\d\d)_(val|test)_(\d{8})")
_WNID_RE = re.compile(r"n\d{8}")
_IMAGE_EXT = (".jpeg", ".jpg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")


# ---------------------------------------------------------------------------
# id codec


def stem(name: str) -> str:
    """Return the id of a file name: no directory prefix, no image extension."""
    base = name.rstrip("\r\n").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    if dot > 0 and base[dot:].lower() in _IMAGE_EXT:
        base = base[:dot]
    return base


def _hash62(name: str) -> int:
    h = int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")
    return (_TAG_HASH << 62) | (h & _HASH_MASK)


def encode_id(name: str) -> tuple[int, bool]:
    """Encode one id (a stem); return ``(code, is_hashed)``."""
    m = _TRAIN_RE.fullmatch(name)
    if m:
        return (int(m.group(1)) << 32) | int(m.group(2)), False
    m = _ILSVRC_RE.fullmatch(name)
    if m:
        year, kind, num = int(m.group(1)), _KINDS.index(m.group(2)), int(m.group(3))
        return (_TAG_ILSVRC << 62) | (year << 40) | (kind << 32) | num, False
    return _hash62(name), True


def _decode_structured(code: int) -> str:
    tag = code >> 62
    if tag == 0:
        return f"n{code >> 32:08d}_{code & 0xFFFFFFFF}"
    year, kind, num = (code >> 40) & 0xFF, (code >> 32) & 0xFF, code & 0xFFFFFFFF
    return f"ILSVRC20{year:02d}_{_KINDS[kind]}_{num:08d}"


def _wnid_num(w: str) -> int:
    return int(w[1:])


def _wnid_str(n: int) -> str:
    return f"n{n:08d}"


# ---------------------------------------------------------------------------
# the record


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@attrs.frozen(eq=False, repr=False)
class Manifest:
    """The images of one split of one version, with their labels.

    Build one with :meth:`from_ids`, an ``ingest_*`` function,
    :func:`load_manifest` or :func:`read_manifest`; do not call the
    constructor with hand-made arrays unless they follow the invariants below.

    Attributes:
        version: version id (``"ilsvrc2012"``).
        split: split name (``"val"``).
        classes: the class table (wnids); labels are indices into it.
        codes: sorted, unique ``uint64`` id codes (read-only).
        labels: per image one class index (``-1`` = no valid label) when
            ``label_offsets`` is None; otherwise the CSR values.
        label_offsets: ``None`` (single label per image) or ``len + 1``
            offsets into ``labels`` (multi-label; an empty row = no label).
        hashed_codes / hashed_blob / hashed_offsets: the names of hashed ids,
            sorted by code, as one UTF-8 blob with offsets.
    """

    version: str
    split: str
    classes: tuple[str, ...]
    codes: np.ndarray
    labels: np.ndarray
    label_offsets: np.ndarray | None = None
    hashed_codes: np.ndarray = attrs.field(factory=lambda: np.zeros(0, _U64))
    hashed_blob: bytes = b""
    hashed_offsets: np.ndarray = attrs.field(factory=lambda: np.zeros(1, np.int64))
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False)

    # -- construction ------------------------------------------------------

    @classmethod
    def from_ids(
        cls,
        ids: Iterable[str],
        labels: Iterable[str | Sequence[str] | None] | None = None,
        *,
        version: str = "user",
        split: str = "train",
        source: str = "<ids>",
    ) -> Manifest:
        """Build a manifest from id strings (file names) and labels.

        ``labels`` holds, per id, a wnid, ``None`` (no valid label) or a
        sequence of wnids (multi-label; ``[]`` = no valid label). Without
        ``labels`` each ``nXXXXXXXX_N`` id is labelled with its own wnid and
        every other id has no label.
        """
        names = [stem(i) for i in ids]
        codes = np.empty(len(names), _U64)
        hashed: dict[int, str] = {}
        for k, n in enumerate(names):
            c, h = encode_id(n)
            codes[k] = c
            if h:
                prev = hashed.setdefault(c, n)
                if prev != n:
                    msg = f"{source}: hash collision between ids {prev!r} and {n!r}"
                    raise ManifestError(msg)
        if labels is None:
            wn = np.where(codes >> _TAG_SHIFT == 0, (codes >> _U64(32)).astype(np.int64), -1)
            return _assemble(version, split, codes, wn, None, hashed, source=source, names=names)
        lab = list(labels)
        if len(lab) != len(names):
            msg = f"{source}: {len(names)} ids but {len(lab)} labels"
            raise ManifestError(msg)
        multi = any(not (x is None or isinstance(x, str)) for x in lab)
        if not multi:
            wn = np.array([_label_num(cast("str | None", x), source, k) for k, x in enumerate(lab)], np.int64)
            return _assemble(version, split, codes, wn, None, hashed, source=source, names=names)
        counts = np.array([_row_len(x) for x in lab], np.int64)
        vals: list[int] = []
        for k, x in enumerate(lab):
            row = [x] if isinstance(x, str) else ([] if x is None else list(x))
            vals.extend(_label_num(w, source, k) for w in row)
        return _assemble(
            version,
            split,
            codes,
            np.array(vals, np.int64),
            counts,
            hashed,
            source=source,
            names=names,
        )

    # -- basic protocol ----------------------------------------------------

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        name = stem(item)
        code, hashed = encode_id(name)
        i = int(np.searchsorted(self.codes, _U64(code)))
        if i >= len(self) or int(self.codes[i]) != code:
            return False
        return not hashed or self._hashed_name(code) == name

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __repr__(self) -> str:
        kind = "multi-label" if self.multilabel else "single-label"
        return f"<Manifest {self.version}/{self.split}: {len(self):,} images, {len(self.classes):,} classes, {kind}>"

    @property
    def key(self) -> tuple[str, str]:
        """``(version id, split)``."""
        return (self.version, self.split)

    @property
    def multilabel(self) -> bool:
        """True when labels are stored as lists (CSR)."""
        return self.label_offsets is not None

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays (an estimate of the memory footprint)."""
        n = self.codes.nbytes + self.labels.nbytes + self.hashed_codes.nbytes
        n += self.hashed_offsets.nbytes + len(self.hashed_blob)
        if self.label_offsets is not None:
            n += self.label_offsets.nbytes
        return n

    # -- ids -----------------------------------------------------------------

    def _hashed_name(self, code: int) -> str:
        j = int(np.searchsorted(self.hashed_codes, _U64(code)))
        a, b = int(self.hashed_offsets[j]), int(self.hashed_offsets[j + 1])
        return self.hashed_blob[a:b].decode("utf-8")

    def decode(self, codes: np.ndarray) -> list[str]:
        """Decode codes (that belong to this manifest) back to id strings."""
        out: list[str] = []
        hashed_mask = (codes >> _TAG_SHIFT) == _U64(_TAG_HASH)
        for c, h in zip(codes.tolist(), hashed_mask.tolist(), strict=True):
            out.append(self._hashed_name(c) if h else _decode_structured(c))
        return out

    def ids(self, indices: np.ndarray | None = None) -> list[str]:
        """Return the ids (stems) in code order, or those at ``indices``."""
        return self.decode(self.codes if indices is None else self.codes[indices])

    def labels_of(self, item: str) -> tuple[str, ...]:
        """Return the label wnids of one id (empty = no valid label)."""
        name = stem(item)
        code, _ = encode_id(name)
        i = int(np.searchsorted(self.codes, _U64(code)))
        if i >= len(self) or int(self.codes[i]) != code or item not in self:
            msg = f"no such image in {self.version}/{self.split}: {item!r}"
            raise KeyError(msg)
        if self.label_offsets is None:
            v = int(self.labels[i])
            return () if v < 0 else (self.classes[v],)
        a, b = int(self.label_offsets[i]), int(self.label_offsets[i + 1])
        return tuple(self.classes[v] for v in self.labels[a:b].tolist())

    # -- per-class view ------------------------------------------------------

    def label_counts(self) -> np.ndarray:
        """Number of labels of every image (0 = no valid label)."""
        if self.label_offsets is None:
            return (self.labels >= 0).astype(np.int64)
        return np.diff(self.label_offsets)

    def class_counts_array(self) -> np.ndarray:
        """Images per class, aligned with :attr:`classes` (cached)."""
        got = self._cache.get("class_counts")
        if got is None:
            vals = self.labels if self.multilabel else self.labels[self.labels >= 0]
            got = _readonly(np.bincount(vals, minlength=len(self.classes)).astype(np.int64))
            self._cache["class_counts"] = got
        return got

    def class_counts(self) -> dict[str, int]:
        """``{wnid: number of images carrying that label}``."""
        return dict(zip(self.classes, self.class_counts_array().tolist(), strict=True))

    @property
    def unlabelled_count(self) -> int:
        """Images with no valid label."""
        return int((self.label_counts() == 0).sum())

    def subset_classes(self, wnids: Iterable[str], *, version: str | None = None) -> Manifest:
        """Keep the images that carry at least one of ``wnids``; drop other labels."""
        keep_cls = np.zeros(len(self.classes), bool)
        index = {w: i for i, w in enumerate(self.classes)}
        for w in wnids:
            if w in index:
                keep_cls[index[w]] = True
        new_index = np.cumsum(keep_cls) - 1
        new_classes = tuple(w for w, k in zip(self.classes, keep_cls, strict=True) if k)
        if self.label_offsets is None:
            lab = self.labels
            keep = (lab >= 0) & keep_cls[np.maximum(lab, 0)]
            new_labels = new_index[lab[keep]].astype(_label_dtype(len(new_classes)))
            offsets = None
        else:
            val_keep = keep_cls[self.labels]
            row = np.repeat(np.arange(len(self)), np.diff(self.label_offsets))
            per_row = np.bincount(row[val_keep], minlength=len(self))
            keep = per_row > 0
            new_labels = new_index[self.labels[val_keep]].astype(np.int32)
            offsets = np.concatenate([[0], np.cumsum(per_row[keep])]).astype(np.int64)
        codes = self.codes[keep]
        return _with_hashed(self, version or self.version, self.split, new_classes, codes, new_labels, offsets)

    # -- grouping used by the diff -----------------------------------------

    def _groups(self) -> tuple[np.ndarray, np.ndarray]:
        got = self._cache.get("groups")
        if got is None:
            key = self.codes >> _U64(32)
            cut = np.flatnonzero(key[1:] != key[:-1]) + 1 if len(key) else np.zeros(0, np.int64)
            starts = np.concatenate([[0], cut]).astype(np.int64) if len(key) else cut
            offsets = np.concatenate([starts, [len(key)]]).astype(np.int64)
            got = (key[starts], offsets)
            self._cache["groups"] = got
        return got


def _label_dtype(n_classes: int) -> type:
    return np.int16 if n_classes < 2**15 else np.int32


def _row_len(x: object) -> int:
    if x is None:
        return 0
    if isinstance(x, str):
        return 1
    return len(x)  # type: ignore[arg-type]


def _label_num(x: str | None, source: str, k: int) -> int:
    if x is None or x == "":
        return -1
    if not _WNID_RE.fullmatch(x):
        msg = f"{source}: label of item {k + 1} is not a wnid: {x!r}"
        raise ManifestError(msg)
    return int(x[1:])


def _assemble(
    version: str,
    split: str,
    codes: np.ndarray,
    label_nums: np.ndarray,
    label_counts: np.ndarray | None,
    hashed: Mapping[int, str],
    *,
    source: str,
    names: Sequence[str] | None = None,
    where: Callable[[int], str] | None = None,
) -> Manifest:
    """Sort by code, check uniqueness, build the class table.

    ``label_nums`` holds wnid numbers (``-1`` = none) per image, or the CSR
    values when ``label_counts`` (labels per image) is given.
    """
    n = len(codes)
    order = None
    if n > 1 and not bool(np.all(codes[1:] > codes[:-1])):
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        dup = np.flatnonzero(codes[1:] == codes[:-1])
        if len(dup):
            first, second = int(order[dup[0]]), int(order[dup[0] + 1])
            c = int(codes[dup[0]])
            if names is not None:
                what = names[first]
            elif c in hashed:
                what = hashed[c]
            else:
                what = _decode_structured(c)
            at = where(c) if where else f"items {first + 1} and {second + 1}"
            if names is not None and names[first] != names[second]:
                msg = f"{source}: hash collision between ids {names[first]!r} and {names[second]!r}"
            else:
                msg = f"{source}: duplicate id {what!r} ({at})"
            raise ManifestError(msg)
    if label_counts is None:
        if order is not None:
            label_nums = label_nums[order]
        # class table: sorted unique wnid numbers. In code order the labels come
        # in long runs (train ids carry their wnid), so only run heads are sorted.
        if n:
            heads = np.flatnonzero(label_nums[1:] != label_nums[:-1]) + 1
            cand = label_nums[np.concatenate([[0], heads])]
            cls_nums = np.unique(cand[cand >= 0])
        else:
            cls_nums = np.zeros(0, np.int64)
        classes = tuple(_wnid_str(int(c)) for c in cls_nums)
        # map once per run of equal labels, then repeat
        if n:
            run_starts = np.concatenate([[0], heads])
            run_idx = np.searchsorted(cls_nums, label_nums[run_starts])
            run_idx[label_nums[run_starts] < 0] = -1
            run_len = np.diff(np.append(run_starts, n))
            idx = np.repeat(run_idx.astype(_label_dtype(len(classes))), run_len)
            has = run_idx >= 0
            counts = np.bincount(run_idx[has], weights=run_len[has], minlength=len(classes))
            counts = counts.astype(np.int64)
        else:
            idx = np.zeros(0, _label_dtype(len(classes)))
            counts = np.zeros(0, np.int64)
        labels, offsets = idx, None
    else:
        cls_nums = np.unique(label_nums[label_nums >= 0])
        classes = tuple(_wnid_str(int(c)) for c in cls_nums)
        vals = np.searchsorted(cls_nums, label_nums).astype(np.int32)
        starts = np.concatenate([[0], np.cumsum(label_counts)]).astype(np.int64)
        if order is not None:
            lens = label_counts[order]
            row_start = starts[:-1][order]
            gather = np.repeat(row_start - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
            gather += np.arange(int(lens.sum()))
            vals = vals[gather]
            starts = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        # canonical form: labels sorted and unique within each row
        labels, offsets = _canonical_rows(vals, starts)
    hc = np.array(sorted(hashed), _U64)
    m = _new(version, split, classes, codes, labels, offsets, hc, [hashed[int(c)] for c in hc.tolist()])
    if offsets is None:
        m._cache["class_counts"] = _readonly(counts)  # from the label runs
    m.class_counts_array()  # computed once here, so that later queries are O(classes)
    return m


def _canonical_rows(vals: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(offsets) - 1
    row = np.repeat(np.arange(n), np.diff(offsets))
    order = np.lexsort((vals, row))
    vals, row = vals[order], row[order]
    keep = np.ones(len(vals), bool)
    keep[1:] = (vals[1:] != vals[:-1]) | (row[1:] != row[:-1])
    vals, row = vals[keep], row[keep]
    counts = np.bincount(row, minlength=n)
    return vals.astype(np.int32), np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def _pack_names(names: Sequence[str]) -> tuple[bytes, np.ndarray]:
    enc = [s.encode("utf-8") for s in names]
    off = np.zeros(len(enc) + 1, np.int64)
    if enc:
        off[1:] = np.cumsum([len(e) for e in enc])
    return b"".join(enc), off


def _with_hashed(
    parent: Manifest,
    version: str,
    split: str,
    classes: tuple[str, ...],
    codes: np.ndarray,
    labels: np.ndarray,
    offsets: np.ndarray | None,
) -> Manifest:
    hc = codes[(codes >> _TAG_SHIFT) == _U64(_TAG_HASH)]
    return _new(version, split, classes, codes, labels, offsets, hc, [parent._hashed_name(int(c)) for c in hc.tolist()])


def _new(
    version: str,
    split: str,
    classes: tuple[str, ...],
    codes: np.ndarray,
    labels: np.ndarray,
    offsets: np.ndarray | None,
    hashed_codes: np.ndarray,
    hashed_names: Sequence[str],
) -> Manifest:
    """A read-only :class:`Manifest`; ``hashed_names`` are the strings of ``hashed_codes``, in order."""
    blob, hoff = _pack_names(hashed_names)
    return Manifest(
        version,
        split,
        classes,
        _readonly(codes),
        _readonly(labels),
        None if offsets is None else _readonly(offsets),
        _readonly(hashed_codes),
        blob,
        _readonly(hoff),
    )


# ---------------------------------------------------------------------------
# storage


def write_manifest(manifest: Manifest, path: str | os.PathLike[str]) -> Path:
    """Write ``manifest`` to ``path`` (``.npz``) atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    m = manifest
    header = {
        "format": FORMAT_VERSION,
        "version": m.version,
        "split": m.split,
        "count": len(m),
        "classes": len(m.classes),
        "multilabel": m.multilabel,
        "labels": int(m.labels.shape[0]),
        "hashed": int(m.hashed_codes.shape[0]),
        "unlabelled": m.unlabelled_count,
    }
    arrays: dict[str, np.ndarray] = {
        "header": np.frombuffer(json.dumps(header, sort_keys=True).encode(), np.uint8),
        "classes": np.frombuffer("\n".join(m.classes).encode(), np.uint8),
        "codes_delta": np.diff(m.codes, prepend=_U64(0)),
        "labels": m.labels,
        "hashed_blob": np.frombuffer(m.hashed_blob, np.uint8),
        "hashed_offsets": m.hashed_offsets,
        "class_counts": m.class_counts_array(),
    }
    if m.label_offsets is not None:
        arrays["label_counts"] = np.diff(m.label_offsets).astype(np.int32)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            for name, arr in arrays.items():
                # fixed timestamps: the same manifest always gives the same bytes
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, np.ascontiguousarray(arr), allow_pickle=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_manifest(path: str | os.PathLike[str]) -> Manifest:  # noqa: C901  (being rewritten on another branch)
    """Read a manifest written by :func:`write_manifest`.

    Raises:
        ManifestError: the file is truncated, corrupted or not a manifest; the
            message names the file.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(bytes(z["header"]).decode())
            if header.get("format") != FORMAT_VERSION:
                msg = f"{path}: unsupported manifest format {header.get('format')!r}"
                raise ManifestError(msg)
            classes_raw = bytes(z["classes"]).decode()
            classes = tuple(classes_raw.split("\n")) if classes_raw else ()
            codes = z["codes_delta"]
            if codes.dtype != _U64:
                msg = f"{path}: corrupted manifest file: codes are {codes.dtype}, not uint64"
                raise ManifestError(msg)
            np.cumsum(codes, out=codes)  # in place: no second 8-bytes-per-image array
            labels = z["labels"]
            offsets = None
            if header["multilabel"]:
                lc = z["label_counts"].astype(np.int64)
                offsets = np.concatenate([[0], np.cumsum(lc)]).astype(np.int64)
            blob = bytes(z["hashed_blob"])
            hoff = z["hashed_offsets"]
            counts = z["class_counts"].astype(np.int64)
    except ManifestError:
        raise
    except (
        OSError,
        ValueError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        json.JSONDecodeError,
        UnicodeDecodeError,
    ) as exc:
        msg = f"{path}: truncated or corrupted manifest file ({type(exc).__name__}: {exc})"
        raise ManifestError(msg) from exc
    except Exception as exc:  # zlib.error and friends
        msg = f"{path}: truncated or corrupted manifest file ({type(exc).__name__}: {exc})"
        raise ManifestError(msg) from exc
    n = len(codes)
    problems = []
    if n != header["count"]:
        problems.append(f"{n} ids but the header says {header['count']}")
    if len(classes) != header["classes"]:
        problems.append(f"{len(classes)} classes but the header says {header['classes']}")
    if n > 1 and not bool(np.all(codes[1:] > codes[:-1])):
        problems.append("ids are not sorted and unique")
    if offsets is None and len(labels) != n:
        problems.append(f"{len(labels)} labels for {n} ids")
    if offsets is not None and (len(offsets) != n + 1 or offsets[-1] != len(labels)):
        problems.append("label lists do not match the ids")
    if len(labels) and (int(labels.max()) >= len(classes) or int(labels.min()) < -1):
        problems.append("a label is outside the class table")
    hc = codes[(codes >> _TAG_SHIFT) == _U64(_TAG_HASH)]
    if len(hoff) != len(hc) + 1 or int(hoff[-1]) != len(blob):
        problems.append("hashed id names do not match the ids")
    if len(counts) != len(classes):
        problems.append("class counts do not match the class table")
    if problems:
        msg = f"{path}: corrupted manifest file: {'; '.join(problems)}"
        raise ManifestError(msg)
    m = Manifest(
        header["version"],
        header["split"],
        classes,
        _readonly(codes),
        _readonly(labels),
        None if offsets is None else _readonly(offsets),
        _readonly(hc),
        blob,
        _readonly(hoff),
    )
    # per-class counts are stored, so category-level questions stay O(classes)
    m._cache["class_counts"] = _readonly(counts)
    return m


# ---------------------------------------------------------------------------
# shipped and on-demand manifests


def _index() -> dict[str, Any]:
    ref = resources.files("imagenet_versions") / "data" / "manifests" / "index.json"
    doc: dict[str, Any] = json.loads(ref.read_text(encoding="utf-8"))
    return doc


def available_manifests() -> list[tuple[str, str]]:
    """All ``(version id, split)`` pairs that :func:`load_manifest` knows.

    Includes the on-demand ones (see :func:`manifest_info`).
    """
    return sorted((e["version"], e["split"]) for e in _index()["manifests"])


def manifest_info(version: str, split: str) -> dict[str, Any]:
    """The index entry of a manifest: counts, file or URL, origin, licence."""
    for e in _index()["manifests"]:
        if e["version"] == version and e["split"] == split:
            return dict(e)
    known = sorted({e["version"] for e in _index()["manifests"]})
    if any(e["version"] == version for e in _index()["manifests"]):
        splits = sorted(e["split"] for e in _index()["manifests"] if e["version"] == version)
        msg = f"no manifest for split {split!r} of {version!r}; splits: {', '.join(splits)}"
        raise ManifestError(msg)
    raise UnknownVersionError(version, tuple(k for k in known if version in k or k in version))


def load_manifest(version: str, split: str, *, progress: bool = False) -> Manifest:
    """Load a shipped manifest, or download and build an on-demand one once.

    On-demand manifests (sources without a licence that allows shipping) are
    fetched from their pinned URL, checked against their sha256 with
    :func:`imagenet_versions._fetch.fetch`, parsed, and cached as ``.npz``.
    """
    key = f"{version}/{split}"
    got = _LOADED.get(key)
    if got is not None:
        return got
    info = manifest_info(version, split)
    if "file" in info:
        ref = resources.files("imagenet_versions") / "data" / "manifests" / info["file"]
        m: Manifest | None
        with resources.as_file(ref) as p:
            m = read_manifest(p)
    else:
        from imagenet_versions._fetch import cache_dir, fetch

        cached = cache_dir() / "manifests" / f"{info['sha256'][:16]}-{version}-{split}.npz"
        if cached.exists():
            try:
                m = read_manifest(cached)
            except ManifestError:
                cached.unlink()
                m = None
        else:
            m = None
        if m is None:
            raw = fetch(info["url"], info["sha256"], name=info["name"], progress=progress)
            m = _REMOTE_PARSERS[info["parser"]](raw, version, split)
            if len(m) != info["count"]:
                msg = f"{raw}: expected {info['count']} images, parsed {len(m)}"
                raise ManifestError(msg)
            write_manifest(m, cached)
    _LOADED[key] = m
    return m


_LOADED: dict[str, Manifest] = {}


def _ilsvrc_classes() -> tuple[str, ...]:
    return load_manifest("ilsvrc2012", "val").classes


def parse_multilabel_csv(path: Path, version: str, split: str) -> Manifest:
    """Parse Shankar et al.'s multi-label CSV (``id``, ``proposed_labels``).

    ``proposed_labels`` are ILSVRC-2012 label indices; an empty cell = no
    valid label.
    """
    return ingest_csv(
        path,
        id_column="id",
        label_column="proposed_labels",
        multilabel=True,
        classes=_ilsvrc_classes(),
        version=version,
        split=split,
    )


def parse_tiny_val(path: Path, version: str, split: str) -> Manifest:
    """Parse Tiny ImageNet ``val_annotations.txt``; keep the first 10,000 lines.

    The only public copy appends 100 lines for two classes that are not part of
    Tiny ImageNet (see SOURCES.md).
    """
    return ingest_text(path, version=version, split=split, max_lines=10_000)


_REMOTE_PARSERS: dict[str, Callable[[Path, str, str], Manifest]] = {
    "multilabel_csv": parse_multilabel_csv,
    "tiny_val": parse_tiny_val,
}


def fetch_manifest(
    url: str,
    sha256: str,
    *,
    version: str,
    split: str,
    fmt: str = "text",
    progress: bool = False,
    **options: Any,
) -> Manifest:
    """Download a manifest list (hash-verified, cached) and ingest it once.

    ``fmt`` is ``"text"``, ``"csv"`` or ``"tar"`` (a tar whose member listing is
    the manifest). The parsed manifest is cached as ``.npz`` next to the
    download, so later calls only read the ``.npz``.
    """
    from imagenet_versions._fetch import cache_dir, fetch

    cached = cache_dir() / "manifests" / f"{sha256.lower()[:16]}-{version}-{split}.npz"
    if cached.exists():
        try:
            return read_manifest(cached)
        except ManifestError:
            cached.unlink()
    raw = fetch(url, sha256, progress=progress)
    parsers: dict[str, Callable[..., Manifest]] = {"text": ingest_text, "csv": ingest_csv, "tar": ingest_tar}
    m = parsers[fmt](raw, version=version, split=split, progress=progress, **options)
    write_manifest(m, cached)
    return m


# ---------------------------------------------------------------------------
# ingest


def _bar(total: int | None, desc: str, progress: bool | None, unit: str = "B") -> Any:
    """A tqdm bar, only on a terminal: ``progress=None`` shows it where stderr is a TTY."""
    import sys

    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a declared dependency
        return None
    # delay: only shown for work that takes more than a second
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, leave=False, delay=1.0)


_CHUNK = 4 << 20
_SEP = (32, 9, 44)  # space, tab, comma
_POW10 = 10 ** np.arange(7, -1, -1, dtype=np.int64)


def _win(buf: np.ndarray, dtype: str) -> np.ndarray:
    """Overlapping little-endian windows: ``_win(buf, "<u8")[i]`` = bytes i..i+7."""
    width = np.dtype(dtype).itemsize
    return np.ndarray((len(buf) - width + 1,), dtype, buffer=buf, strides=(1,))


_M30 = _U64(0x3030303030303030)
_MF0 = _U64(0xF0F0F0F0F0F0F0F0)


def _swar8(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse 8 ASCII digits held in a little-endian uint64 (SWAR); return (value, ok)."""
    ok = (x & _MF0) == _M30
    ok &= ((x + _U64(0x0606060606060606)) & _MF0) == _M30
    v = x & _U64(0x0F0F0F0F0F0F0F0F)
    v = (v * _U64(10) + (v >> _U64(8))) & _U64(0x00FF00FF00FF00FF)
    v = (v * _U64(100) + (v >> _U64(16))) & _U64(0x0000FFFF0000FFFF)
    v = (v * _U64(10000) + (v >> _U64(32))) & _U64(0xFFFFFFFF)
    return v, ok


def _fast_ids(
    buf: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    *,
    has_slash: bool = True,
    has_dot: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Encode the ids in ``buf[s:e]`` without Python loops.

    ``buf`` must be padded with at least 16 zero bytes. Digits are read eight
    at a time (SWAR on overlapping uint64 windows), so a chunk of a million
    lines costs a few dozen vector operations. Returns ``(codes, ok)``; rows
    with ``ok`` False need the slow path.
    """
    n = len(s)
    w8 = _win(buf, "<u8")
    w4 = _win(buf, "<u4")
    slash = np.flatnonzero(buf == 47) if has_slash else np.zeros(0, np.int64)
    if len(slash):
        j = np.searchsorted(slash, e) - 1
        last = slash[np.maximum(j, 0)]
        base = np.where((j >= 0) & (last >= s), last + 1, s)
    else:
        base = s
    ext_ok = np.ones(n, bool)
    stem_end = e
    # the usual case, every id ends in ".JPEG" (any case): one 8-byte gather
    x5 = w8[np.maximum(e - 5, 0)] & _U64((1 << 40) - 1)
    jpeg = ((x5 | _U64(0x2020202000)) == _JPEG5) & (e - 5 > base)
    if jpeg.all():
        return _fast_stems(buf, w8, base, e - 5, np.ones(n, bool))
    # speculate "<stem>.JPEG" / "<stem>.jpg": a dot 5 or 4 bytes before the end
    d5 = (e - 5 > base) & (buf[np.maximum(e - 5, 0)] == 46)
    d4 = ~d5 & (e - 4 > base) & (buf[np.maximum(e - 4, 0)] == 46)
    dpos = np.where(d5, e - 5, e - 4)
    has_ext = d5 | d4
    unsure = ~has_ext
    if unsure.any():
        dots = np.flatnonzero(buf == 46) if has_dot else np.zeros(0, np.int64)
        if len(dots):
            rows = np.flatnonzero(unsure)
            j = np.searchsorted(dots, e[rows]) - 1
            dp = dots[np.maximum(j, 0)]
            he = (j >= 0) & (dp > base[rows])
            dpos[rows] = dp
            has_ext[rows] = he
    if has_ext.any():
        stem_end = np.where(has_ext, dpos, e)
        # only image extensions are dropped (as in stem()); other dots: slow path
        ext_len = e - stem_end
        low = w4[stem_end] | np.uint32(0x20202020)  # buf is padded: no overflow
        low5 = w4[stem_end + 1] | np.uint32(0x20202020)
        ext_ok = ~has_ext
        ext_ok |= has_ext & (ext_len == 5) & (low5 == np.frombuffer(b"jpeg", "<u4")[0])
        for word in (b".jpg", b".png"):
            ext_ok |= has_ext & (ext_len == 4) & (low == np.frombuffer(word, "<u4")[0])
    return _fast_stems(buf, w8, base, stem_end, ext_ok)


_JPEG5 = _U64(int.from_bytes(b".jpeg", "little"))


def _fast_stems(
    buf: np.ndarray, w8: np.ndarray, base: np.ndarray, stem_end: np.ndarray, ext_ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Encode the stems ``buf[base:stem_end]``; see :func:`_fast_ids`."""
    n = len(base)
    length = stem_end - base
    codes = np.zeros(n, _U64)
    # nXXXXXXXX_N with N of 1-8 digits, no leading zero
    nd = length - 10
    ok = (nd >= 1) & (nd <= 8) & (buf[base] == 110) & (buf[base + 9] == 95)
    first = buf[base + 10]
    ok &= (first >= 49) & (first <= 57)
    # the wnid digits repeat for every image of a class: parse each run once
    x = w8[base + 1]
    heads = np.flatnonzero(x[1:] != x[:-1]) + 1 if n > 1 else np.zeros(0, np.int64)
    if (len(heads) + 1) * 8 < n:
        heads = np.concatenate([[0], heads])
        v, g = _swar8(x[heads])
        run = np.diff(np.append(heads, n))
        wn, good = np.repeat(v, run), np.repeat(g, run)
    else:
        wn, good = _swar8(x)
    ok &= good
    tail = w8[np.maximum(stem_end - 8, 0)]
    shift = ((8 - np.clip(nd, 1, 8)) * 8).astype(_U64)
    tail = (tail >> shift) << shift  # drop the bytes before the digits ...
    tail |= _M30 & ((_U64(1) << shift) - _U64(1))  # ... and pad with '0'
    num, good = _swar8(tail)
    ok &= good
    if ok.all():
        codes = (wn << _U64(32)) | num
    else:
        codes[ok] = (wn[ok] << _U64(32)) | num[ok]
    # ILSVRC20YY_val_NNNNNNNN / ILSVRC20YY_test_NNNNNNNN (rare in big lists)
    rest = np.flatnonzero(~ok & ((length == 23) | (length == 24)))
    if len(rest):
        rb = base[rest]
        mat = buf[rb[:, None] + np.arange(24)]
        dig = mat - np.uint8(48)
        isdig = dig <= 9
        pre = (mat[:, :8] == np.frombuffer(b"ILSVRC20", np.uint8)).all(1)
        pre &= isdig[:, 8:10].all(1) & (mat[:, 10] == 95)
        for kind, word in enumerate(_KINDS):
            w = np.frombuffer(f"{word}_".encode(), np.uint8)
            lo = 11 + len(w)
            sel = pre & (length[rest] == lo + 8) & (mat[:, 11:lo] == w).all(1)
            sel &= isdig[:, lo : lo + 8].all(1)
            if not sel.any():
                continue
            d = dig[sel].astype(np.int64)
            year = d[:, 8] * 10 + d[:, 9]
            val = d[:, lo : lo + 8] @ _POW10
            codes[rest[sel]] = (
                (_U64(_TAG_ILSVRC) << _TAG_SHIFT)
                | (year.astype(_U64) << _U64(40))
                | (_U64(kind) << _U64(32))
                | val.astype(_U64)
            )
            ok[rest[sel]] = True
    return codes, ok & ext_ok


def _fast_wnids(buf: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse ``buf[s:e]`` as a wnid (``nXXXXXXXX``) or a label index.

    Returns ``(value, kind)``: kind 1 = wnid number, 2 = integer index, 0 = other.
    """
    length = e - s
    kind = np.zeros(len(s), np.int8)
    wn, w = _swar8(_win(buf, "<u8")[s + 1])
    w &= (length == 9) & (buf[s] == 110)
    val = np.where(w, wn.astype(np.int64), -1)
    kind[w] = 1
    rest = ~w & (length >= 1) & (length <= 6)
    if rest.any():
        num = np.zeros(len(s), np.int64)
        for k in range(6):
            inside = k < length
            d = buf[k:][s] - np.uint8(48)
            rest &= ~inside | (d <= 9)
            num = np.where(inside, num * 10 + d, num)
        val = np.where(rest, num, val)
        kind[rest] = 2
    return val, kind


class _LineError(Exception):
    """A bad line inside a chunk; ``line`` is counted from the chunk start."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _parse_chunk(  # noqa: C901  (being rewritten on another branch)
    buf: np.ndarray,
    size: int,
    seps_present: Sequence[int] | None,
    has_slash: bool | None,
    has_dot: bool | None,
    table: Callable[[], np.ndarray],
) -> tuple[np.ndarray, np.ndarray, int, dict[int, tuple[str, int]]]:
    """Parse the whole lines in ``buf[:size]`` (which ends with a newline).

    ``buf`` extends at least 32 bytes past ``size`` so that gathers never
    overflow. Runs in a worker thread. Returns ``(codes, wnid numbers,
    number of lines, {hash code: (name, local line)})`` with codes sorted.
    """
    nl = np.flatnonzero(buf[:size] == 10)
    starts = np.empty(len(nl), np.int64)
    starts[0:1] = 0
    starts[1:] = nl[:-1] + 1
    ends = nl
    cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
    if cr.any():
        ends = np.where(cr, ends - 1, ends)
    line_no = np.arange(1, len(nl) + 1)
    real = (ends > starts) & (buf[starts] != 35)
    if not real.all():
        starts, ends, line_no = starts[real], ends[real], line_no[real]
    # speculate "<id> <wnid>": a separator 10 bytes before the end; the id and
    # the label are validated below, anything else takes the general path
    fs = ends - 10
    c = buf[np.maximum(fs, 0)]
    spec = (fs > starts) & ((c == 32) | (c == 9) | (c == 44)) & (buf[np.maximum(fs, 0) + 1] == 110)
    if not spec.all() and seps_present is None:  # found out here, not by the reader
        seps_present = [ch for ch in _SEP if bool((buf[:size] == ch).any())]
    if not spec.all() and seps_present:
        rows = np.flatnonzero(~spec)
        sep_mask = buf[:size] == seps_present[0]
        for ch in seps_present[1:]:
            sep_mask |= buf[:size] == ch
        seps = np.flatnonzero(sep_mask)
        del sep_mask
        j = np.searchsorted(seps, starts[rows])
        f = seps[np.minimum(j, len(seps) - 1)]
        fs[rows] = np.where((j < len(seps)) & (f < ends[rows]), f, ends[rows])
        # label field: up to the next separator
        le = ends.copy()
        j2 = np.searchsorted(seps, fs[rows] + 1)
        f2 = seps[np.minimum(j2, len(seps) - 1)]
        le[rows] = np.where((j2 < len(seps)) & (f2 < ends[rows]), f2, ends[rows])
    else:
        if not spec.all():
            fs = np.where(spec, fs, ends)
        le = ends
    if has_slash is None:
        # try without directory prefixes; look for '/' only if some id did not parse
        codes, ok = _fast_ids(buf, starts, fs, has_slash=False, has_dot=has_dot is not False)
        if not ok.all() and bool((buf[:size] == 47).any()):
            codes, ok = _fast_ids(buf, starts, fs, has_slash=True, has_dot=has_dot is not False)
    else:
        codes, ok = _fast_ids(buf, starts, fs, has_slash=has_slash, has_dot=has_dot is not False)
    has_label = fs < ends
    wn = np.full(len(starts), -1, np.int32)  # wnid numbers < 10**8 fit in int32
    if has_label.any():
        # usual case: the label is the wnid the id starts with ("n01440764_1.JPEG n01440764")
        w8 = _win(buf, "<u8")
        same = (le - fs == 10) & (buf[fs + 1] == 110) & (w8[fs + 2] == w8[starts + 1])
        same &= ok & ((codes >> _TAG_SHIFT) == 0)
        if same.all():
            lab_val = (codes >> _U64(32)).astype(np.int64)
            lab_kind = np.ones(len(starts), np.int8)
        else:
            lab_val, lab_kind = _fast_wnids(buf, fs + 1, le)
        ok &= ~has_label | (lab_kind > 0)
        wn = np.where(has_label & (lab_kind == 1), lab_val, -1).astype(np.int32)
        ints = has_label & (lab_kind == 2)
        if ints.any():
            nums = table()
            bad = ints & (lab_val >= len(nums))
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                msg = f"label index {lab_val[k]} is outside the class table of {len(nums)} classes"
                raise _LineError(int(line_no[k]), msg)
            wn[ints] = nums[lab_val[ints]]
    ok &= fs > starts
    no_lab = ~has_label & ((codes >> _TAG_SHIFT) == 0)
    wn[no_lab] = (codes[no_lab] >> _U64(32)).astype(np.int32)
    hashed: dict[int, tuple[str, int]] = {}
    for k in np.flatnonzero(~ok).tolist():
        line = int(line_no[k])
        code, w, name = _slow_line(buf[int(starts[k]) : int(ends[k])].tobytes(), line, table)
        codes[k] = code
        wn[k] = w
        if name is not None:
            prev = hashed.setdefault(code, (name, line))
            if prev[0] != name:
                msg = f"hash collision between ids {prev[0]!r} and {name!r}"
                raise _LineError(line, msg)
    if len(codes) > 1 and not bool(np.all(codes[1:] > codes[:-1])):
        order = np.argsort(codes, kind="stable")
        codes, wn = codes[order], wn[order]
    return codes, wn, len(nl), hashed


def _slow_line(raw: bytes, line: int, table: Callable[[], np.ndarray]) -> tuple[int, int, str | None]:
    """One line the vectorised parser could not settle: (code, wnid number, hashed name)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _LineError(line, f"not UTF-8 text ({exc.reason})") from exc
    fields = re.split(r"[\s,]+", text.strip())
    if not fields or not fields[0] or "\x00" in text:
        raise _LineError(line, f"no image id in {text!r}")
    name = stem(fields[0])
    code, hashed = encode_id(name)
    if len(fields) > 1:
        lab = fields[1]
        if _WNID_RE.fullmatch(lab):
            w = int(lab[1:])
        elif lab.isdigit():
            nums = table()
            if int(lab) >= len(nums):
                msg = f"label index {lab} is outside the class table of {len(nums)} classes"
                raise _LineError(line, msg)
            w = int(nums[int(lab)])
        else:
            raise _LineError(line, f"label is not a wnid or index: {lab!r}")
    else:
        w = (code >> 32) if code >> 62 == 0 else -1
    return code, w, name if hashed else None


def ingest_text(  # noqa: C901  (being rewritten on another branch)
    path: str | os.PathLike[str],
    *,
    version: str = "user",
    split: str = "train",
    classes: Sequence[str] | None = None,
    progress: bool | None = None,
    max_lines: int | None = None,
) -> Manifest:
    """Read a text list: one image per line, ``<id> [<label> ...]``.

    Fields are separated by whitespace or a comma; only the first two are read.
    The id may carry a directory prefix and an extension. The label is a wnid
    or an integer index into ``classes`` (default: the ILSVRC-2012 class order);
    without a label, ``nXXXXXXXX_N`` ids are labelled by their own wnid. Empty
    lines and lines starting with ``#`` are skipped; ``max_lines`` reads only
    the first lines.

    The file is memory-mapped and parsed in 4 MiB chunks by vectorised numpy
    code on two threads (each chunk sorted in its thread); lines it cannot
    settle (hashed ids, odd spacing) go through a per-line path.

    Raises:
        ManifestError: a line cannot be read; the message names file and line.
    """
    import mmap
    import threading
    from concurrent.futures import ThreadPoolExecutor

    path = Path(path)
    size = path.stat().st_size
    # results go straight into arrays sized from the first chunk's line length
    out_codes = np.zeros(0, _U64)
    out_wn = np.zeros(0, np.int32)
    filled = 0
    hashed: dict[int, str] = {}
    line_base = 0
    lock = threading.Lock()
    table_cache: list[np.ndarray] = []

    def table() -> np.ndarray:
        with lock:
            if not table_cache:
                names = tuple(classes) if classes is not None else _ilsvrc_classes()
                table_cache.append(np.array([_wnid_num(w) for w in names], np.int64))
            return table_cache[0]

    consumed_bytes = 0

    def consume(fut: Any, nbytes: int) -> None:
        nonlocal line_base, out_codes, out_wn, filled, consumed_bytes
        consumed_bytes += nbytes
        try:
            codes, wn, n_lines, local = fut.result()
        except _LineError as exc:
            msg = f"{path}, line {line_base + exc.line}: {exc.reason}"
            raise ManifestError(msg) from None
        for code, (name, line) in local.items():
            prev = hashed.setdefault(code, name)
            if prev != name:
                msg = f"{path}, line {line_base + line}: hash collision between ids {prev!r} and {name!r}"
                raise ManifestError(msg)
        line_base += n_lines
        need = filled + len(codes)
        if need > len(out_codes):
            done = max(consumed_bytes, 1)
            est = max(need, int(need * size / done * 1.02) + 1024)
            out_codes = _grow(out_codes, filled, est)
            out_wn = _grow(out_wn, filled, est)
        out_codes[filled:need] = codes
        out_wn[filled:need] = wn
        filled = need

    def padded(data: bytes | memoryview) -> tuple[np.ndarray, int]:
        n = len(data)
        buf = np.zeros(n + 33, np.uint8)
        buf[:n] = np.frombuffer(data, np.uint8)
        if n and buf[n - 1] != 10:
            buf[n] = 10
            n += 1
        return buf, n

    def flags(data: Any, lo: int, hi: int) -> tuple[list[int], bool, bool]:
        present = [c for c in _SEP if data.find(bytes([c]), lo, hi) >= 0]
        return present, data.find(b"/", lo, hi) >= 0, data.find(b".", lo, hi) >= 0

    bar = _bar(size, path.name, progress)
    if max_lines is not None or size < _CHUNK:
        with open(path, "rb") as fh:
            data = b"".join(itertools.islice(fh, max_lines)) if max_lines else fh.read()
        buf, n = padded(data)
        with ThreadPoolExecutor(max_workers=1) as pool:
            consume(pool.submit(_parse_chunk, buf, n, *flags(data, 0, len(data)), table), n)
    else:
        workers = min(2, os.cpu_count() or 1)
        with (
            open(path, "rb") as fh,
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm,
            ThreadPoolExecutor(max_workers=workers) as pool,
        ):
            pending: list[tuple[Any, int]] = []
            pos = 0
            while pos < size:
                end = min(pos + _CHUNK, size)
                if end < size:
                    cut = mm.rfind(b"\n", pos, end)
                    if cut < 0:
                        cut = mm.find(b"\n", end)
                    end = size if cut < 0 else cut + 1
                if end + 32 <= size:
                    buf = np.frombuffer(mm, np.uint8, count=end - pos + 32, offset=pos)
                    n = end - pos
                else:  # last chunk: copy, pad, and end it with a newline
                    buf, n = padded(mm[pos:end])
                pending.append((pool.submit(_parse_chunk, buf, n, None, None, None, table), end - pos))
                del buf
                pos = end
                while len(pending) > workers:
                    fut, nb = pending.pop(0)
                    consume(fut, nb)
                    if bar is not None:
                        bar.update(nb)
            while pending:
                fut, nb = pending.pop(0)
                consume(fut, nb)
                if bar is not None:
                    bar.update(nb)
    if bar is not None:
        bar.close()
    # chunks are sorted; when they do not overlap, concatenating keeps the order
    codes, wn = out_codes[:filled], out_wn[:filled]
    if len(out_codes) > filled * 1.1 + 1024:  # the size estimate was far off: do not keep slack
        codes, wn = codes.copy(), wn.copy()
    _repair_boundaries(codes, wn)

    def where(code: int) -> str:
        return "lines " + " and ".join(str(x) for x in _lines_with_code(path, code))

    return _assemble(version, split, codes, wn, None, hashed, source=str(path), where=where)


def _grow(arr: np.ndarray, filled: int, n: int) -> np.ndarray:
    new = np.empty(n, arr.dtype)
    new[:filled] = arr[:filled]
    return new


def _repair_boundaries(codes: np.ndarray, labels: np.ndarray) -> None:
    """Sort, in place, the concatenation of sorted chunks that overlap only near their seams.

    A class whose lines straddle two chunks leaves a short unsorted window at
    the seam; each window is sorted on its own. Anything else is left to the
    global sort in :func:`_assemble`.
    """
    if len(codes) < 2:
        return
    seams = np.flatnonzero(codes[1:] < codes[:-1]) + 1
    if not len(seams) or len(seams) > 4096:
        return
    bounds = [0, *seams.tolist(), len(codes)]
    windows = []
    for i in range(1, len(bounds) - 1):
        left, p, right = bounds[i - 1], bounds[i], bounds[i + 1]
        lo = left + int(np.searchsorted(codes[left:p], codes[p], side="right"))
        hi = p + int(np.searchsorted(codes[p:right], codes[p - 1], side="right"))
        windows.append((lo, hi))
    for (_, hi1), (lo2, _) in itertools.pairwise(windows):
        if lo2 < hi1:
            return  # windows overlap: give up, the global sort handles it
    for lo, hi in windows:
        if hi - lo > 1 << 20:
            return
    for lo, hi in windows:
        order = np.argsort(codes[lo:hi], kind="stable")
        codes[lo:hi] = codes[lo:hi][order]
        labels[lo:hi] = labels[lo:hi][order]


def _lines_with_code(path: Path, code: int) -> list[int]:
    """Line numbers whose id encodes to ``code`` (slow; used for error messages)."""
    out = []
    with open(path, "rb") as fh:
        for no, raw in enumerate(fh, 1):
            text = raw.decode("utf-8", "replace").strip()
            if not text or text.startswith("#"):
                continue
            if encode_id(stem(re.split(r"[\s,]+", text)[0]))[0] == code:
                out.append(no)
    return out


def ingest_csv(  # noqa: C901  (being rewritten on another branch)
    path: str | os.PathLike[str],
    *,
    id_column: str | None = None,
    label_column: str | None = None,
    multilabel: bool = False,
    classes: Sequence[str] | None = None,
    where: Callable[[Mapping[str, str]], bool] | None = None,
    version: str = "user",
    split: str = "train",
    progress: bool | None = None,
) -> Manifest:
    """Read a CSV with a header row.

    Args:
        id_column: column with the file name (default: the first column).
        label_column: column with the label: a wnid or an index into
            ``classes`` (default ILSVRC-2012 order); with ``multilabel`` a
            comma-separated list, empty = no valid label. Without it,
            ``nXXXXXXXX_N`` ids are labelled by their wnid.
        where: keep only the rows for which this returns True.

    Raises:
        ManifestError: a row is malformed; the message names file and line.
    """
    path = Path(path)
    ids: list[str] = []
    labels: list[Any] = []
    table: Sequence[str] | None = classes
    bar = _bar(None, path.name, progress, unit="rows")
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames:
            msg = f"{path}, line 1: no header row"
            raise ManifestError(msg)
        idc = id_column or reader.fieldnames[0]
        for col in (idc, label_column):
            if col is not None and col not in reader.fieldnames:
                msg = f"{path}, line 1: no column {col!r}; columns: {', '.join(reader.fieldnames)}"
                raise ManifestError(msg)
        try:
            for row in reader:
                line = reader.line_num
                if None in row or any(v is None for v in row.values()):
                    msg = f"{path}, line {line}: expected {len(reader.fieldnames)} fields"
                    raise ManifestError(msg)
                if where is not None and not where(row):
                    continue
                name = row[idc].strip()
                if not name:
                    msg = f"{path}, line {line}: empty id"
                    raise ManifestError(msg)
                ids.append(name)
                if label_column is not None:
                    cell = row[label_column].strip()
                    parts = [p.strip() for p in cell.split(",") if p.strip()]
                    if any(p.isdigit() for p in parts) and table is None:
                        table = _ilsvrc_classes()
                    wn = []
                    for p in parts:
                        if _WNID_RE.fullmatch(p):
                            wn.append(p)
                        elif p.isdigit() and table is not None and int(p) < len(table):
                            wn.append(table[int(p)])
                        else:
                            msg = f"{path}, line {line}: bad label {p!r} in column {label_column!r}"
                            raise ManifestError(msg)
                    if multilabel:
                        labels.append(wn)
                    elif len(wn) > 1:
                        msg = f"{path}, line {line}: several labels in {label_column!r}"
                        raise ManifestError(msg)
                    else:
                        labels.append(wn[0] if wn else None)
                if bar is not None:
                    bar.update(1)
        except csv.Error as exc:
            msg = f"{path}, line {reader.line_num}: {exc}"
            raise ManifestError(msg) from exc
        except UnicodeDecodeError as exc:
            msg = f"{path}, line {reader.line_num + 1}: not UTF-8 text"
            raise ManifestError(msg) from exc
    if bar is not None:
        bar.close()
    return Manifest.from_ids(
        ids,
        labels if label_column is not None else None,
        version=version,
        split=split,
        source=str(path),
    )


def _label_from_path(parts: Sequence[str]) -> str | None:
    for p in reversed(parts[:-1]):
        if _WNID_RE.fullmatch(p):
            return p
    m = _TRAIN_RE.fullmatch(stem(parts[-1]))
    return f"n{m.group(1)}" if m else None


def ingest_directory(
    root: str | os.PathLike[str],
    *,
    version: str = "user",
    split: str | None = None,
    progress: bool | None = None,
) -> Manifest:
    """List an image tree such as ``train/n01440764/n01440764_10026.JPEG``.

    Image files (by extension) are the ids; the label is the nearest ``nXXXXXXXX``
    folder, else the wnid in the file name, else none. ``split`` defaults to
    the folder name of ``root``.
    """
    root = Path(root)
    if not root.is_dir():
        msg = f"not a directory: {str(root)!r}"
        raise ManifestError(msg)
    ids: list[str] = []
    labels: list[str | None] = []
    bar = _bar(None, root.name, progress, unit="files")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = Path(dirpath).relative_to(root).parts
        for f in sorted(filenames):
            if Path(f).suffix.lower() not in _IMAGE_EXT:
                continue
            ids.append(f)
            labels.append(_label_from_path([*rel, f]))
        if bar is not None:
            bar.update(len(filenames))
    if bar is not None:
        bar.close()
    return Manifest.from_ids(ids, labels, version=version, split=split or root.name, source=str(root))


def _tar_members(
    tf: tarfile.TarFile,
    prefix: tuple[str, ...],
    source: str,
    out_ids: list[str],
    out_labels: list[str | None],
    bar: Any,
) -> None:
    for member in tf:
        if not member.isfile():
            continue
        parts = (*prefix, *member.name.strip("/").split("/"))
        if member.name.lower().endswith(".tar"):
            inner = tf.extractfile(member)
            if inner is None:
                continue
            stem_wnid = Path(member.name).stem
            try:
                with tarfile.open(fileobj=inner, mode="r|*") as sub:
                    _tar_members(sub, (*parts[:-1], stem_wnid), source, out_ids, out_labels, bar)
            except tarfile.TarError as exc:
                msg = f"{source}: member {member.name!r} is not a readable tar ({exc})"
                raise ManifestError(msg) from exc
            continue
        if Path(member.name).suffix.lower() not in _IMAGE_EXT:
            continue
        out_ids.append(parts[-1])
        out_labels.append(_label_from_path(parts))
        if bar is not None:
            bar.update(1)


def ingest_tar(
    path: str | os.PathLike[str],
    *,
    version: str = "user",
    split: str = "train",
    progress: bool | None = None,
) -> Manifest:
    """List the images in a tar archive without extracting it.

    Nested archives are read as streams, so ILSVRC's tar-of-tars
    (``ILSVRC2012_img_train.tar`` holding ``n01440764.tar``, ...) is listed in
    one pass; the inner archive's name gives the label.
    """
    path = Path(path)
    ids: list[str] = []
    labels: list[str | None] = []
    bar = _bar(None, path.name, progress, unit="files")
    try:
        with tarfile.open(path, mode="r|*") as tf:
            _tar_members(tf, (), str(path), ids, labels, bar)
    except tarfile.TarError as exc:
        msg = f"{path}: not a readable tar archive ({exc})"
        raise ManifestError(msg) from exc
    except (EOFError, OSError) as exc:
        msg = f"{path}: truncated tar archive ({exc})"
        raise ManifestError(msg) from exc
    finally:
        if bar is not None:
            bar.close()
    return Manifest.from_ids(ids, labels, version=version, split=split, source=str(path))


# ---------------------------------------------------------------------------
# diff


@attrs.frozen(eq=False, repr=False)
class IdSet:
    """A lazily decoded set of image ids from one manifest.

    ``len()`` is known without decoding; iterating, :meth:`to_list` or
    :meth:`indices` computes the positions once and decodes on demand.
    """

    manifest: Manifest
    count: int
    _make: Callable[[], np.ndarray] = attrs.field(alias="make")
    _cache: dict[str, np.ndarray] = attrs.field(factory=dict, init=False)

    def indices(self) -> np.ndarray:
        """Positions of these images in ``manifest.codes``."""
        got = self._cache.get("i")
        if got is None:
            got = _readonly(np.asarray(self._make(), np.int64))
            self._cache["i"] = got
        return got

    def codes(self) -> np.ndarray:
        """The ``uint64`` codes of these images."""
        codes: np.ndarray = self.manifest.codes[self.indices()]
        return codes

    def to_list(self, limit: int | None = None) -> list[str]:
        """The ids (stems), in code order; at most ``limit``."""
        i = self.indices()
        return self.manifest.ids(i if limit is None else i[:limit])

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_list())

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        code, _ = encode_id(stem(item))
        c = self.codes()
        j = int(np.searchsorted(c, _U64(code)))
        return j < len(c) and int(c[j]) == code and item in self.manifest

    def __repr__(self) -> str:
        return f"<IdSet {self.count:,} of {self.manifest.version}/{self.manifest.split}>"


def _empty(m: Manifest) -> IdSet:
    return IdSet(m, 0, make=lambda: np.zeros(0, np.int64))


#: relabel kinds, in the order they are reported
RELABEL_KINDS = (
    "changed_single",
    "lost_all_labels",
    "gained_labels_from_none",
    "gained_labels",
    "lost_labels",
    "changed_labels",
)


@attrs.frozen(eq=False, repr=False)
class ImageDiff:
    """Image-level difference from manifest ``a`` to manifest ``b``.

    ``added`` are in ``b`` only, ``removed`` in ``a`` only, ``common`` in both
    (ids from ``a``). ``relabelled`` are common images whose label set differs,
    split by kind in ``relabelled_by_kind``:

    - ``changed_single``: one label before and after, a different one;
    - ``lost_all_labels``: had labels, now has none (ReaL's empty lists);
    - ``gained_labels_from_none``: had none, now has some;
    - ``gained_labels``: old labels kept, new ones added;
    - ``lost_labels``: some labels dropped, at least one kept, none added;
    - ``changed_labels``: any other change of the label set.
    """

    a: tuple[str, str]
    b: tuple[str, str]
    added: IdSet
    removed: IdSet
    common: IdSet
    relabelled: IdSet
    relabelled_by_kind: Mapping[str, IdSet]
    method: str = "compare"

    @property
    def added_count(self) -> int:
        return len(self.added)

    @property
    def removed_count(self) -> int:
        return len(self.removed)

    @property
    def common_count(self) -> int:
        return len(self.common)

    @property
    def relabelled_count(self) -> int:
        return len(self.relabelled)

    def to_dict(self, *, ids: bool | int = False) -> dict[str, Any]:
        """A JSON-ready dict of counts; with ``ids`` also the ids (or the first N)."""
        d: dict[str, Any] = {
            "a": {"version": self.a[0], "split": self.a[1]},
            "b": {"version": self.b[0], "split": self.b[1]},
            "method": self.method,
            "added_count": self.added_count,
            "removed_count": self.removed_count,
            "common_count": self.common_count,
            "relabelled_count": self.relabelled_count,
            "relabelled_by_kind": {k: len(v) for k, v in self.relabelled_by_kind.items()},
        }
        if ids:
            limit = None if ids is True else int(ids)
            d["added"] = self.added.to_list(limit)
            d["removed"] = self.removed.to_list(limit)
            d["relabelled"] = self.relabelled.to_list(limit)
        return d

    def __repr__(self) -> str:
        kinds = ", ".join(f"{k}={len(v):,}" for k, v in self.relabelled_by_kind.items() if len(v))
        return (
            f"<ImageDiff {'/'.join(self.a)} -> {'/'.join(self.b)}: +{self.added_count:,} "
            f"-{self.removed_count:,} ={self.common_count:,} relabelled {self.relabelled_count:,}"
            + (f" ({kinds})" if kinds else "")
            + ">"
        )


def _membership(a: Manifest, b: Manifest) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks ``a in b`` and ``b in a`` over the sorted codes.

    Both code arrays are sorted; codes are grouped by their upper 32 bits
    (the wnid for train-style ids). Groups that are byte-identical in both
    manifests are settled with one memory compare; only the rest is searched.
    """
    ca, cb = a.codes, b.codes
    in_b = np.zeros(len(ca), bool)
    in_a = np.zeros(len(cb), bool)
    if not len(ca) or not len(cb):
        return in_b, in_a
    ka, oa = a._groups()
    kb, ob = b._groups()
    fast = len(ka) * 16 <= len(ca) and len(kb) * 16 <= len(cb)
    if fast:
        _, ga, gb = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
        la = oa[ga + 1] - oa[ga]
        lb = ob[gb + 1] - ob[gb]
        search_a = np.zeros(len(ka), bool)
        search_b = np.zeros(len(kb), bool)
        # runs of common groups that are consecutive in both and of equal length
        brk = np.ones(len(ga), bool)
        if len(ga) > 1:
            brk[1:] = (np.diff(ga) != 1) | (np.diff(gb) != 1)
        eq_len = la == lb
        run_id = np.cumsum(brk | ~eq_len | np.r_[True, ~eq_len[:-1]]) - 1
        starts = np.flatnonzero(np.r_[True, run_id[1:] != run_id[:-1]])
        ends = np.r_[starts[1:], len(ga)]
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            g0a, g1a, g0b, g1b = int(ga[s]), int(ga[e - 1]), int(gb[s]), int(gb[e - 1])
            sa, ea, sb, eb = int(oa[g0a]), int(oa[g1a + 1]), int(ob[g0b]), int(ob[g1b + 1])
            if ea - sa == eb - sb and np.array_equal(ca[sa:ea], cb[sb:eb]):
                in_b[sa:ea] = True
                in_a[sb:eb] = True
                continue
            for g in range(s, e):
                x, y = int(ga[g]), int(gb[g])
                xa, xb, ya, yb = int(oa[x]), int(oa[x + 1]), int(ob[y]), int(ob[y + 1])
                if xb - xa == yb - ya and np.array_equal(ca[xa:xb], cb[ya:yb]):
                    in_b[xa:xb] = True
                    in_a[ya:yb] = True
                else:
                    search_a[x] = True
                    search_b[y] = True
        if not search_a.any():
            return in_b, in_a
        ma = np.repeat(search_a, np.diff(oa))
        mb = np.repeat(search_b, np.diff(ob))
        sub_a, sub_b = np.flatnonzero(ma), np.flatnonzero(mb)
        va, vb = ca[sub_a], cb[sub_b]
    else:
        sub_a = sub_b = None  # type: ignore[assignment]  # (no multi-label sub-selection)
        va, vb = ca, cb
    j = np.searchsorted(vb, va)
    hit = j < len(vb)
    hit[hit] = vb[j[hit]] == va[hit]
    j2 = np.searchsorted(va, vb)
    hit2 = j2 < len(va)
    hit2[hit2] = va[j2[hit2]] == vb[hit2]
    if sub_a is None or sub_b is None:
        return hit, hit2
    in_b[sub_a[hit]] = True
    in_a[sub_b[hit2]] = True
    return in_b, in_a


def _check_hashed(a: Manifest, b: Manifest) -> None:
    if not len(a.hashed_codes) or not len(b.hashed_codes):
        return
    common, ia, ib = np.intersect1d(a.hashed_codes, b.hashed_codes, assume_unique=True, return_indices=True)
    for c, i, j in zip(common.tolist(), ia.tolist(), ib.tolist(), strict=True):
        na = a.hashed_blob[a.hashed_offsets[i] : a.hashed_offsets[i + 1]]
        nb = b.hashed_blob[b.hashed_offsets[j] : b.hashed_offsets[j + 1]]
        if na != nb:
            msg = (
                f"hash collision between {na.decode()!r} ({'/'.join(a.key)}) and "
                f"{nb.decode()!r} ({'/'.join(b.key)}), code {c:#x}"
            )
            raise ManifestError(msg)


def _class_map(a: Manifest, b: Manifest) -> np.ndarray | None:
    """Lookup from a's class indices to b's (-2 = not in b); None if identical."""
    if a.classes == b.classes:
        return None
    index = {w: i for i, w in enumerate(b.classes)}
    return np.array([index.get(w, -2) for w in a.classes], np.int32)


def diff_manifests(a: Manifest, b: Manifest) -> ImageDiff:
    """Image diff from ``a`` to ``b`` by comparing ids (sorted-array set operations)."""
    _check_hashed(a, b)
    in_b, in_a = _membership(a, b)
    n_common = int(np.count_nonzero(in_b))
    n_removed = len(a) - n_common
    n_added = len(b) - int(np.count_nonzero(in_a))
    cmap = _class_map(a, b)
    kinds: dict[str, np.ndarray] = {}
    if not a.multilabel and not b.multilabel:
        la = a.labels if in_b.all() else a.labels[in_b]
        lb = b.labels if in_a.all() else b.labels[in_a]
        if cmap is not None:
            # one gather through a lookup whose slot 0 stands for "no label" (-1)
            lut = np.concatenate([[-1], cmap]).astype(np.promote_types(lb.dtype, np.int16))
            la = lut[la + 1]  # -2: class not in b
        diff = np.flatnonzero(la != lb)
        pos = np.flatnonzero(in_b)[diff] if len(diff) else diff.astype(np.int64)
        oa, ob = la[diff], lb[diff]
        kinds["changed_single"] = pos[(oa != -1) & (ob >= 0)]
        kinds["lost_all_labels"] = pos[(oa != -1) & (ob == -1)]
        kinds["gained_labels_from_none"] = pos[(oa == -1) & (ob >= 0)]
        for k in ("gained_labels", "lost_labels", "changed_labels"):
            kinds[k] = np.zeros(0, np.int64)
    else:
        kinds = _multilabel_kinds(a, b, in_b, in_a, cmap)
    relabelled = np.sort(np.concatenate([kinds[k] for k in RELABEL_KINDS]))

    def setof(idx: np.ndarray) -> IdSet:
        return IdSet(a, len(idx), make=lambda: idx)

    return ImageDiff(
        a.key,
        b.key,
        added=IdSet(b, n_added, make=lambda: np.flatnonzero(~in_a)),
        removed=IdSet(a, n_removed, make=lambda: np.flatnonzero(~in_b)),
        common=IdSet(a, n_common, make=lambda: np.flatnonzero(in_b)),
        relabelled=setof(relabelled),
        relabelled_by_kind={k: setof(kinds[k]) for k in RELABEL_KINDS},
    )


def _rows(m: Manifest, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label rows of the images in ``mask``: (values, offsets)."""
    if m.label_offsets is None:
        lab = m.labels[mask].astype(np.int64)
        has = lab >= 0
        return lab[has], np.concatenate([[0], np.cumsum(has)]).astype(np.int64)
    idx = np.flatnonzero(mask)
    lens = np.diff(m.label_offsets)[idx]
    offs = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    gather = np.repeat(m.label_offsets[idx] - offs[:-1], lens) + np.arange(int(offs[-1]))
    return m.labels[gather].astype(np.int64), offs


def _multilabel_kinds(
    a: Manifest, b: Manifest, in_b: np.ndarray, in_a: np.ndarray, cmap: np.ndarray | None
) -> dict[str, np.ndarray]:
    va, oa = _rows(a, in_b)
    vb, ob = _rows(b, in_a)
    if cmap is not None:
        va = cmap[va].astype(np.int64)  # -2 = class unknown to b: never equal
    pos = np.flatnonzero(in_b)
    n = len(pos)
    na, nb = np.diff(oa), np.diff(ob)
    # |A ∩ B| per row: merge the two row-tagged value lists
    ra = np.repeat(np.arange(n), na)
    rb = np.repeat(np.arange(n), nb)
    ka = ra * (len(b.classes) + 2) + (va + 2)
    kb = rb * (len(b.classes) + 2) + (vb + 2)
    inter_keys = np.intersect1d(np.unique(ka), kb, assume_unique=True)
    inter = np.bincount(inter_keys // (len(b.classes) + 2), minlength=n)
    same = (na == nb) & (inter == na)
    out: dict[str, np.ndarray] = {}
    out["changed_single"] = pos[(na == 1) & (nb == 1) & ~same]
    out["lost_all_labels"] = pos[(na > 0) & (nb == 0)]
    out["gained_labels_from_none"] = pos[(na == 0) & (nb > 0)]
    out["gained_labels"] = pos[(na > 0) & (nb > na) & (inter == na)]
    out["lost_labels"] = pos[(nb > 0) & (na > nb) & (inter == nb)]
    other = ~same & (na > 0) & (nb > 0) & ~((na == 1) & (nb == 1))
    other &= ~((nb > na) & (inter == na)) & ~((na > nb) & (inter == nb))
    out["changed_labels"] = pos[other]
    return out


def diff_by_category_filter(
    manifest: Manifest, removed_classes: Iterable[str], *, child: tuple[str, str] | None = None
) -> ImageDiff:
    """Image diff of ``Filter(manifest)`` that removes ``removed_classes``.

    Lineage-aware: when a child version is its parent minus whole categories,
    its image diff follows from the category diff. Counts come from the
    per-class counts, in O(classes); the ids of the removed images are found
    only when asked for. Images with no valid label are kept.

    For multi-label manifests an image is removed when every label it has is
    removed; images that keep some labels are ``lost_labels`` relabels (this
    needs one pass over the label lists, which are small for every published
    multi-label set).
    """
    m = manifest
    drop = np.zeros(len(m.classes), bool)
    index = {w: i for i, w in enumerate(m.classes)}
    for w in removed_classes:
        i = index.get(w)
        if i is not None:
            drop[i] = True
    child = child or (f"{m.version}-filtered", m.split)
    if not m.multilabel:
        n_removed = int(m.class_counts_array()[drop].sum())

        def removed() -> np.ndarray:
            lab = m.labels
            return np.flatnonzero((lab >= 0) & drop[np.maximum(lab, 0)])

        def kept() -> np.ndarray:
            lab = m.labels
            return np.flatnonzero(~((lab >= 0) & drop[np.maximum(lab, 0)]))

        empty = _empty(m)
        return ImageDiff(
            m.key,
            child,
            added=empty,
            removed=IdSet(m, n_removed, make=removed),
            common=IdSet(m, len(m) - n_removed, make=kept),
            relabelled=empty,
            relabelled_by_kind=dict.fromkeys(RELABEL_KINDS, empty),
            method="category-filter",
        )
    dropped_vals = drop[m.labels]
    assert m.label_offsets is not None  # multi-label
    lens = np.diff(m.label_offsets)
    row = np.repeat(np.arange(len(m)), lens)
    n_drop = np.bincount(row[dropped_vals], minlength=len(m))
    gone = (lens > 0) & (n_drop == lens)
    partial = (n_drop > 0) & ~gone
    r_idx, k_idx, p_idx = np.flatnonzero(gone), np.flatnonzero(~gone), np.flatnonzero(partial)
    empty = _empty(m)
    kinds = dict.fromkeys(RELABEL_KINDS, empty)
    kinds["lost_labels"] = IdSet(m, len(p_idx), make=lambda: p_idx)
    return ImageDiff(
        m.key,
        child,
        added=empty,
        removed=IdSet(m, len(r_idx), make=lambda: r_idx),
        common=IdSet(m, len(k_idx), make=lambda: k_idx),
        relabelled=IdSet(m, len(p_idx), make=lambda: p_idx),
        relabelled_by_kind=kinds,
        method="category-filter",
    )
