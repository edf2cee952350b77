"""The image part of :func:`imagenet_versions.diff`, and users' own copies.

This module is kept so that ``imagenet_versions.images`` keeps working; the code
lives in :mod:`imagenet_versions.manifests` (``_images`` and ``_user``).
"""

from __future__ import annotations

import os
from typing import Any

from imagenet_versions.catalog import Catalog
from imagenet_versions.manifests._images import UnknownImages, find_manifest, image_diff, manifests_of
from imagenet_versions.manifests._user import (
    IngestResult,
    data_dir,
    ingest_user_version,
    remove_user_version,
    user_manifest_path,
    user_version,
    user_versions,
)

__all__ = [
    "IngestResult",
    "UnknownImages",
    "data_dir",
    "find_manifest",
    "image_diff",
    "ingest",
    "manifests_of",
    "remove_user_version",
    "user_manifest_path",
    "user_version",
    "user_versions",
]


def ingest(
    path: str | os.PathLike[str],
    *,
    name: str,
    copy_of: str,
    split: str,
    catalog: Catalog | None = None,
    **options: Any,
) -> IngestResult:
    """Register a user's copy of ``copy_of``'s ``split`` as the user version ``name``.

    The same as :func:`imagenet_versions.manifests.ingest_user_version` (which
    documents ``label_column``, ``allow_empty``, ``replace`` and ``progress``).

    .. versionchanged:: 0.1
       Was ``ingest(path, version=, split=)``, which stored the copy in the cache
       as the manifest of the catalog version itself; a copy is now a version of
       its own and never replaces a shipped manifest.
    """
    return ingest_user_version(path, name=name, copy_of=copy_of, split=split, catalog=catalog, **options)
