"""Image-level answers on top of the lineage: which manifest serves a version's
split, users' own manifests, and the image part of :func:`imagenet_versions.diff`.

A manifest is found for ``(version, split)`` among the user's own (ingested with
:func:`ingest` or ``imagenet-versions manifest ingest``, stored under the cache
folder) and then the shipped ones (:func:`imagenet_versions.manifests.available_manifests`).

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

from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from imagenet_versions.catalog import Catalog, catalog_or_default
from imagenet_versions.errors import ManifestError
from imagenet_versions.operations import Filter, Subset

if TYPE_CHECKING:
    from imagenet_versions.diff import CategoryDiff
    from imagenet_versions.lineage import Step
    from imagenet_versions.manifests import Manifest

__all__ = [
    "UnknownImages",
    "find_manifest",
    "image_diff",
    "ingest",
    "manifests_of",
    "user_manifest_path",
]


def user_manifest_path(version: str, split: str) -> Path:
    """Where a user's own manifest of ``version``/``split`` is stored (in the cache folder)."""
    from imagenet_versions._fetch import cache_dir

    return cache_dir() / "manifests" / "user" / f"{version}__{split}.npz"


def ingest(
    path: str | Path,
    *,
    version: str,
    split: str,
    catalog: Catalog | None = None,
    progress: bool | None = None,
    **options: Any,
) -> Manifest:
    """Read a user's copy of a version's split and store it as that split's manifest.

    ``path`` may be a text or CSV list (``<id> [<wnid>]`` per line, or a CSV with
    an id column), a local ImageNet directory tree
    (``train/n01440764/n01440764_10026.JPEG``), or a tar archive (its member
    listing is read without extracting, ILSVRC's tar-of-tars included). Later
    diffs of that ``(version, split)`` use it; it takes precedence over a shipped
    manifest of the same split.

    Raises:
        UnknownVersionError, AmbiguousVersionError: ``version`` is not one id.
        ManifestError: the input is malformed (the message names file and line).
    """
    from imagenet_versions import manifests as mf

    vid = catalog_or_default(catalog).resolve(version)
    p = Path(path)
    if p.is_dir():
        m = mf.ingest_directory(p, version=vid, split=split, progress=progress)
    elif p.suffix.lower() in (".tar", ".tgz") or p.name.lower().endswith((".tar.gz", ".tar.xz", ".tar.bz2")):
        m = mf.ingest_tar(p, version=vid, split=split, progress=progress)
    elif p.suffix.lower() == ".csv":
        m = mf.ingest_csv(p, version=vid, split=split, progress=progress, **options)
    elif p.is_file():
        m = mf.ingest_text(p, version=vid, split=split, progress=progress, **options)
    else:
        msg = f"no such file or directory: {str(p)!r}"
        raise ManifestError(msg)
    mf.write_manifest(m, user_manifest_path(vid, split))
    return m


def manifests_of(version: str, *, catalog: Catalog | None = None) -> dict[str, str]:
    """The splits of ``version`` that have a manifest, each with where it comes from
    (``"user"``, ``"shipped"`` or ``"on demand"``)."""
    from imagenet_versions import manifests as mf

    vid = catalog_or_default(catalog).resolve(version)
    out: dict[str, str] = {}
    for v, split in mf.available_manifests():
        if v == vid:
            out[split] = "shipped" if "file" in mf.manifest_info(v, split) else "on demand"
    user_dir = user_manifest_path(vid, "x").parent
    if user_dir.is_dir():
        for p in sorted(user_dir.glob(f"{vid}__*.npz")):
            out[p.stem.split("__", 1)[1]] = "user"
    return dict(sorted(out.items()))


def find_manifest(version: str, split: str, *, catalog: Catalog | None = None) -> Manifest | None:
    """The manifest of ``version``/``split``: the user's own, else the shipped (or
    on-demand) one, else ``None``."""
    from imagenet_versions import manifests as mf

    vid = catalog_or_default(catalog).resolve(version)
    user = user_manifest_path(vid, split)
    if user.exists():
        return mf.read_manifest(user)
    if (vid, split) in mf.available_manifests():
        return mf.load_manifest(vid, split)
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
    from imagenet_versions import manifests as mf

    cat = catalog_or_default(catalog)
    sa = _pick_split(a, split, cat)
    sb = split_b or (split if split is not None else _pick_split(b, None, cat))
    if path is not None and _category_only(path) and sa is not None:
        ma = find_manifest(a, sa, catalog=cat)
        if ma is not None:
            return mf.diff_by_category_filter(ma, categories.removed, child=(b, sb or sa))
    ma = find_manifest(a, sa, catalog=cat) if sa else None
    mb = find_manifest(b, sb, catalog=cat) if sb else None
    if ma is not None and mb is not None:
        return mf.diff_manifests(ma, mb)
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
