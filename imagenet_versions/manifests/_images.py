"""Image-level answers on top of the lineage: which manifest serves a version's
split, users' own manifests, and the image part of :func:`imagenet_versions.diff`.

A manifest is found for ``(version, split)``: a user version's own (ingested with
:func:`ingest` or ``imagenet-versions manifest ingest --as NAME``, stored in the user
data folder), else the shipped or on-demand one
(:func:`imagenet_versions.manifests.available_manifests`). A user's copy never
replaces a shipped manifest: it is a version of its own.

The image part of a diff is computed in one of three ways, said in ``method``:

- ``category-filter`` (lineage-aware): the path from ``a`` down to ``b`` is made of
  category-level subsets and filters only, so ``b``'s images are ``a``'s images of
  the kept classes; the answer comes from ``a``'s per-class counts without
  comparing ids, and ``b`` needs no manifest;
- ``compare``: both sides have manifests; ids are compared;
- ``unknown``: a side has no manifest and the path does not allow the shortcut;
  the result says so plainly and states what the category diff implies, instead
  of guessing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import frozen

from imagenet_versions._types import check_name
from imagenet_versions.catalog import Catalog, catalog_or_default
from imagenet_versions.errors import ManifestError
from imagenet_versions.manifests._user import user_manifest_path, user_versions
from imagenet_versions.operations import Filter, Subset

if TYPE_CHECKING:
    from imagenet_versions.diff import CategoryDiff
    from imagenet_versions.lineage import Step
    from imagenet_versions.manifests._record import Manifest

__all__ = ["UnknownImages", "find_manifest", "image_diff", "manifests_of"]


def _user_splits(vid: str) -> dict[str, str] | None:
    """``{split: "user"}`` when ``vid`` is a user version, else ``None``."""
    for u in user_versions():
        if u.name == vid:
            return dict.fromkeys(u.splits, "user")
    return None


def manifests_of(version: str, *, catalog: Catalog | None = None) -> dict[str, str]:
    """The splits of ``version`` that have a manifest, each with where it comes from
    (``"user"`` for a user version, ``"shipped"`` or ``"on demand"``)."""
    from imagenet_versions.manifests._registry import _index

    vid = catalog_or_default(catalog).resolve(version)
    user = _user_splits(vid)
    if user is not None:
        return dict(sorted(user.items()))
    out = {
        e["split"]: ("shipped" if "file" in e else "on demand") for e in _index()["manifests"] if e["version"] == vid
    }
    return dict(sorted(out.items()))


def _check_split(vid: str, split: str, cat: Catalog) -> None:
    """An unknown split is an error that lists the splits that exist."""
    check_name(split, "split")
    have = manifests_of(vid, catalog=cat)
    declared = set(cat.get(vid).images)
    if split in have or split in declared or not have:
        return  # a version without any manifest: the image part is unknown, not an error
    known = ", ".join(sorted(set(have) | declared))
    msg = f"{vid!r} has no split {split!r}; its splits: {known}"
    raise ManifestError(msg)


def find_manifest(version: str, split: str, *, catalog: Catalog | None = None) -> Manifest | None:
    """The manifest of ``version``/``split`` (a user version's own, else the shipped or
    on-demand one), or ``None`` when there is none.

    Raises:
        InvalidNameError: ``split`` may not be a split name.
        ManifestError: ``split`` is not a split of ``version`` (the message lists them).
    """
    from imagenet_versions.manifests._registry import load_manifest
    from imagenet_versions.manifests._storage import read_manifest

    cat = catalog_or_default(catalog)
    vid = cat.resolve(version)
    _check_split(vid, split, cat)
    have = manifests_of(vid, catalog=cat)
    if have.get(split) == "user":
        return read_manifest(user_manifest_path(vid, split))
    if split in have:
        return load_manifest(vid, split)
    return None


@frozen
class UnknownImages:
    """The image part of a diff that cannot be computed: a side has no manifest.

    ``implied`` states what the category diff implies about images, no more.
    """

    a: tuple[str, str | None]
    b: tuple[str, str | None]
    reason: str
    implied: str
    method: str = "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": {"version": self.a[0], "split": self.a[1]},
            "b": {"version": self.b[0], "split": self.b[1]},
            "method": self.method,
            "known": False,
            "reason": self.reason,
            "implied": self.implied,
            "added_count": None,
            "removed_count": None,
            "common_count": None,
            "relabelled_count": None,
        }

    def __repr__(self) -> str:
        return f"<UnknownImages {self.a[0]} -> {self.b[0]}: {self.reason}>"


def _category_only(path: list[Step] | tuple[Step, ...]) -> bool:
    """True when the path goes only down, through category-level subsets and filters."""
    return bool(path) and all(
        s.direction == "down"
        and all(isinstance(op, (Subset, Filter)) and op.level == "categories" for op in s.derivation.ops)
        for s in path
    )


def _pick_split(version: str, split: str | None, cat: Catalog) -> str | None:
    if split is not None:
        _check_split(cat.resolve(version), split, cat)
        return split
    have = manifests_of(version, catalog=cat)
    return next(iter(have)) if len(have) == 1 else None


def image_diff(
    a: str,
    b: str,
    *,
    path: list[Step] | tuple[Step, ...] | None,
    categories: CategoryDiff,
    split: str | None = None,
    split_b: str | None = None,
    catalog: Catalog | None = None,
) -> Any:
    """The image part of ``diff(a, b)``: an :class:`~imagenet_versions.manifests.ImageDiff`
    or an :class:`UnknownImages` (see the module docstring for the method used).

    ``split`` names the split of both sides (``split_b`` overrides it for ``b``);
    when omitted, a version with exactly one manifest uses it.
    """
    from imagenet_versions.manifests._diff import diff_by_category_filter, diff_manifests

    cat = catalog_or_default(catalog)
    sa = _pick_split(a, split, cat)
    sb = split_b or (split if split is not None else _pick_split(b, None, cat))
    if path is not None and _category_only(path) and sa is not None:
        ma = find_manifest(a, sa, catalog=cat)
        if ma is not None:
            return diff_by_category_filter(ma, categories.removed, child=(b, sb or sa))
    ma = find_manifest(a, sa, catalog=cat) if sa else None
    mb = find_manifest(b, sb, catalog=cat) if sb else None
    if ma is not None and mb is not None:
        return diff_manifests(ma, mb)
    missing = [
        f"{v}/{s}" if s else f"{v} (splits with a manifest: {', '.join(manifests_of(v, catalog=cat)) or 'none'})"
        for v, s, m in ((a, sa, ma), (b, sb, mb))
        if m is None
    ]
    reason = "no image manifest for " + " and ".join(missing)
    ops = sorted({o.kind for s in (path or ()) for o in s.derivation.ops})
    implied = (
        f"every image of the {len(categories.removed):,} removed classes is gone and "
        f"{len(categories.added):,} classes bring only new images"
    )
    if categories.relabelled:
        implied += f"; images of {len(categories.relabelled):,} classes change label through a relabel"
    if any(k in ops for k in ("subset", "filter", "relabel", "recollect", "transform")) and not _category_only(
        path or ()
    ):
        implied += (
            f"; the path's operations ({', '.join(ops)}) may also change the images of the "
            f"{categories.common_count:,} common classes, which only manifests can tell"
        )
    return UnknownImages((a, sa), (b, sb), reason, implied)
