"""Image diffs: sorted-array set algebra over two manifests."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np

from imagenet_versions.errors import ManifestError
from imagenet_versions.manifests._codec import _U64, _readonly, encode_id, stem
from imagenet_versions.manifests._record import Manifest


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
        out: np.ndarray = self.manifest.codes[self.indices()]
        return out

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
        if not len(ga):  # no id group in common: no id in common (groups are the top 32 bits)
            return in_b, in_a
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
        pos_a, pos_b = np.flatnonzero(ma), np.flatnonzero(mb)
        va, vb = ca[pos_a], cb[pos_b]
        sub_a: np.ndarray | None = pos_a
        sub_b: np.ndarray | None = pos_b
    else:
        sub_a = sub_b = None
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
    assert m.label_offsets is not None
    dropped_vals = drop[m.labels]
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
