"""imagenet_versions: the ImageNet family as a lineage graph."""

from __future__ import annotations

__version__ = "0.1.0.dev0"

from imagenet_versions.errors import (
    AmbiguousVersionError,
    CatalogError,
    CategoriesUnknownError,
    DownloadError,
    Error,
    IntegrityError,
    LineageError,
    ManifestError,
    UnknownVersionError,
    WordNetUnavailableError,
)

__all__ = [
    "AmbiguousVersionError",
    "CatalogError",
    "CategoriesUnknownError",
    "DownloadError",
    "Error",
    "IntegrityError",
    "LineageError",
    "ManifestError",
    "UnknownVersionError",
    "WordNetUnavailableError",
    "__version__",
]
