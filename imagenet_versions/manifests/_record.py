"""The :class:`Manifest` record and its assembly from ids and labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from imagenet_versions.errors import ManifestError
from imagenet_versions.manifests._codec import (
    _TAG_HASH,
    _TAG_SHIFT,
    _U64,
    _WNID_RE,
    _decode_structured,
    _increasing,
    _readonly,
    _wnid_str,
    candidate_ids,
    encode_id,
    stem,
)
from imagenet_versions.manifests._report import Findings


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
        stems: bool = False,
        findings: Findings | None = None,
    ) -> Manifest:
        """Build a manifest from id strings (file names) and labels.

        ``labels`` holds, per id, a wnid, ``None`` (no valid label) or a
        sequence of wnids (multi-label; ``[]`` = no valid label). Without
        ``labels`` each ``nXXXXXXXX_N`` id is labelled with its own wnid and
        every other id has no label.

        With ``stems`` the ids are taken as given (already stems, possibly
        path-qualified like ``n01440764/art_0``). With ``findings`` (what an
        ingest collects) a repeated id is kept once and counted instead of
        raising.
        """
        names = list(ids) if stems else [stem(i) for i in ids]
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
            return _assemble(version, split, codes, wn, None, hashed, source=source, names=names, findings=findings)
        lab = list(labels)
        if len(lab) != len(names):
            msg = f"{source}: {len(names)} ids but {len(lab)} labels"
            raise ManifestError(msg)
        multi = any(not (x is None or isinstance(x, str)) for x in lab)
        if not multi:
            wn = np.array([_label_num(x, source, k) for k, x in enumerate(lab)], np.int64)  # type: ignore[arg-type]
            return _assemble(version, split, codes, wn, None, hashed, source=source, names=names, findings=findings)
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
        return isinstance(item, str) and self._find(item) is not None

    def _find(self, item: str) -> int | None:
        """Position of ``item`` (a file name, a stem or a path-qualified id), or None."""
        for name in candidate_ids(item):
            code, hashed = encode_id(name)
            i = int(np.searchsorted(self.codes, _U64(code)))
            if i < len(self) and int(self.codes[i]) == code and (not hashed or self._hashed_name(code) == name):
                return i
        return None

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
        found = self._find(item)
        if found is None:
            msg = f"no such image in {self.version}/{self.split}: {item!r}"
            raise KeyError(msg)
        i = found
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
    findings: Findings | None = None,
) -> Manifest:
    """Sort by code, check uniqueness, build the class table.

    ``label_nums`` holds wnid numbers (``-1`` = none) per image, or the CSR
    values when ``label_counts`` (labels per image) is given.
    """
    order = None
    if not _increasing(codes):
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        dup = np.flatnonzero(codes[1:] == codes[:-1])
        if len(dup) and findings is not None and label_counts is None:
            codes, order = _drop_repeats(codes, order, dup, label_nums, hashed, names, findings, source)
            dup = dup[:0]
        if len(dup):
            raise _duplicate_error(codes, order, int(dup[0]), hashed, names, where, source)
    if label_counts is None:
        if order is not None:
            label_nums = label_nums[order]
        classes, idx, counts = _single_labels(label_nums)
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


def _duplicate_error(
    codes: np.ndarray,
    order: np.ndarray,
    d: int,
    hashed: Mapping[int, str],
    names: Sequence[str] | None,
    where: Callable[[int], str] | None,
    source: str,
) -> ManifestError:
    first, second = int(order[d]), int(order[d + 1])
    c = int(codes[d])
    if names is not None and names[first] != names[second]:
        return ManifestError(f"{source}: hash collision between ids {names[first]!r} and {names[second]!r}")
    what = names[first] if names is not None else hashed.get(c) or _decode_structured(c)
    at = where(c) if where else f"items {first + 1} and {second + 1}"
    return ManifestError(f"{source}: duplicate id {what!r} ({at})")


def _single_labels(label_nums: np.ndarray) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Class table, per-image class index and per-class counts of single labels (in code order).

    The class table is the sorted unique wnid numbers. In code order the labels
    come in long runs (train ids carry their wnid), so only run heads are sorted,
    and each run is mapped once, then repeated.
    """
    n = len(label_nums)
    if not n:
        return (), np.zeros(0, _label_dtype(0)), np.zeros(0, np.int64)
    heads = np.flatnonzero(label_nums[1:] != label_nums[:-1]) + 1
    run_starts = np.concatenate([[0], heads])
    cand = label_nums[run_starts]
    cls_nums = np.unique(cand[cand >= 0])
    classes = tuple(_wnid_str(int(c)) for c in cls_nums)
    run_idx = np.searchsorted(cls_nums, cand)
    run_idx[cand < 0] = -1
    run_len = np.diff(np.append(run_starts, n))
    idx = np.repeat(run_idx.astype(_label_dtype(len(classes))), run_len)
    has = run_idx >= 0
    counts = np.bincount(run_idx[has], weights=run_len[has], minlength=len(classes)).astype(np.int64)
    return classes, idx, counts


def _drop_repeats(
    codes: np.ndarray,
    order: np.ndarray,
    dup: np.ndarray,
    label_nums: np.ndarray,
    hashed: Mapping[int, str],
    names: Sequence[str] | None,
    findings: Findings,
    source: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep the first of each repeated id (in input order) and count the rest."""
    lab = label_nums[order]
    for d in dup.tolist():
        first, second = int(order[d]), int(order[d + 1])
        if names is not None and names[first] != names[second]:
            msg = f"{source}: hash collision between ids {names[first]!r} and {names[second]!r}"
            raise ManifestError(msg)
        c = int(codes[d])
        shown = names[second] if names is not None else hashed.get(c) or _decode_structured(c)
        findings.duplicate(shown, conflicting=bool(lab[d] != lab[d + 1]))
    keep = np.ones(len(codes), bool)
    keep[dup + 1] = False
    return codes[keep], order[keep]


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
