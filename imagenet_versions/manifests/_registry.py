"""The shipped and on-demand manifests, keyed like the catalog."""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagenet_versions._types import check_name
from imagenet_versions.errors import ManifestError, UnknownVersionError
from imagenet_versions.manifests._record import Manifest
from imagenet_versions.manifests._storage import _read_npz, read_manifest, write_manifest

_SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")


@functools.cache
def _index() -> dict[str, Any]:
    """The shipped ``manifests/index.json``, checked against its provenance record."""
    from imagenet_versions import _data

    doc: dict[str, Any] = json.loads(_data.read_text("manifests/index.json"))
    return doc


def _resolve(version: str) -> str:
    """A catalog id for ``version`` (an alias is accepted); the name itself if the catalog does not know it."""
    from imagenet_versions.catalog import catalog_or_default

    check_name(version, "version")
    cat = catalog_or_default(None)
    return cat.resolve(version) if version in cat else version


def available_manifests() -> list[tuple[str, str]]:
    """All ``(version id, split)`` pairs that :func:`load_manifest` knows.

    Includes the on-demand ones (see :func:`manifest_info`).
    """
    return sorted((e["version"], e["split"]) for e in _index()["manifests"])


def manifest_info(version: str, split: str) -> dict[str, Any]:
    """The index entry of a manifest: counts, file or URL, origin, licence.

    ``version`` may be an alias (``"in1k"``).
    """
    version = _resolve(version)
    check_name(split, "split")
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
    version = _resolve(version)
    check_name(split, "split")
    key = f"{version}/{split}"
    got = _LOADED.get(key)
    if got is not None:
        return got
    info = manifest_info(version, split)
    if "file" in info:
        from imagenet_versions import _data

        rel = f"manifests/{check_name(info['file'], 'manifest file')}"
        m = _read_npz(io.BytesIO(_data.read_bytes(rel)), f"imagenet_versions/data/{rel}")
    else:
        from imagenet_versions._fetch import cache_dir, fetch

        cached = cache_dir() / "manifests" / f"{info['sha256'][:16]}-{version}-{split}.npz"
        got = None
        if cached.exists():
            try:
                got = read_manifest(cached)
            except ManifestError:
                cached.unlink()
        if got is None:
            raw = fetch(info["url"], info["sha256"], name=info["name"], progress=progress)
            got = _REMOTE_PARSERS[info["parser"]](raw, version, split)
            if len(got) != info["count"]:
                msg = f"{raw}: expected {info['count']} images, parsed {len(got)}"
                raise ManifestError(msg)
            write_manifest(got, cached)
        m = got
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
    from imagenet_versions.manifests._ingest import ingest_csv

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
    from imagenet_versions.manifests._text import ingest_text

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

    check_name(version, "version")
    check_name(split, "split")
    if _SHA256_RE.fullmatch(sha256) is None:
        msg = f"not a sha256 (64 hex digits): {sha256!r}"
        raise ManifestError(msg)
    cached = cache_dir() / "manifests" / f"{sha256.lower()[:16]}-{version}-{split}.npz"
    if cached.exists():
        try:
            return read_manifest(cached)
        except ManifestError:
            cached.unlink()
    raw = fetch(url, sha256, progress=progress)
    from imagenet_versions.manifests._ingest import ingest_csv, ingest_tar
    from imagenet_versions.manifests._text import ingest_text

    parsers: dict[str, Callable[..., Manifest]] = {"text": ingest_text, "csv": ingest_csv, "tar": ingest_tar}
    if fmt not in parsers:
        msg = f"unknown manifest format {fmt!r}; known: {', '.join(parsers)}"
        raise ManifestError(msg)
    m = parsers[fmt](raw, version=version, split=split, progress=progress, **options)
    write_manifest(m, cached)
    return m
