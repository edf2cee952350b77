"""imagenet_versions: the ImageNet family as a lineage graph.

>>> import imagenet_versions as iv
>>> iv.get("ImageNet-1K").id
'ilsvrc2012'
>>> d = iv.diff("imagenet-fall11", "imagenet-winter21")
>>> len(d.categories.removed)
2674

Importing this package reads nothing and imports neither nltk nor requests;
the shipped catalog is read on first use, and the audit, flag, export, render and
image modules are imported when one of their names is first used.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

from imagenet_versions.catalog import Catalog, Derivation, Disagreement, Version
from imagenet_versions.diff import CategoryDiff, Event, LabelMap, VersionDiff, diff, label_map
from imagenet_versions.errors import (
    AmbiguousLemmaError,
    AmbiguousVersionError,
    CatalogError,
    CategoriesUnknownError,
    DownloadError,
    Error,
    IntegrityError,
    LineageError,
    ManifestError,
    RenderError,
    UnknownSynsetError,
    UnknownVersionError,
    WordNetUnavailableError,
)
from imagenet_versions.lineage import (
    Mismatch,
    Step,
    ancestors,
    common_ancestor,
    derivation_path,
    descendants,
    lineage_graph,
    verify,
)
from imagenet_versions.operations import (
    Extend,
    Filter,
    Operation,
    Recollect,
    Reindex,
    Relabel,
    Subset,
    Transform,
)

__all__ = [
    "DEFAULT_FLAGS",
    "AmbiguousLemmaError",
    "AmbiguousVersionError",
    "Catalog",
    "CatalogError",
    "CategoriesUnknownError",
    "CategoryDiff",
    "Derivation",
    "Disagreement",
    "DownloadError",
    "Error",
    "Event",
    "Extend",
    "Filter",
    "IdSet",
    "ImageDiff",
    "IntegrityError",
    "LabelMap",
    "LineageError",
    "Manifest",
    "ManifestError",
    "Mismatch",
    "Operation",
    "Recollect",
    "Reindex",
    "Relabel",
    "RenderError",
    "Step",
    "Subset",
    "Subtree",
    "Survivor",
    "SurvivorReport",
    "Trace",
    "TraceEvent",
    "Transform",
    "UnknownImages",
    "UnknownSynsetError",
    "UnknownVersionError",
    "Version",
    "VersionDiff",
    "WordNetUnavailableError",
    "__version__",
    "ancestors",
    "available_manifests",
    "categories",
    "common_ancestor",
    "derivation_path",
    "descendants",
    "diff",
    "diff_by_category_filter",
    "diff_manifests",
    "flag_sources",
    "flagged",
    "flags_for",
    "get",
    "images",
    "ingest_csv",
    "ingest_directory",
    "ingest_tar",
    "ingest_text",
    "label_map",
    "lineage",
    "lineage_graph",
    "load_manifest",
    "load_user_flags",
    "member_classes",
    "read_manifest",
    "render",
    "resolve",
    "subtree",
    "survivors",
    "to_croissant",
    "to_dot",
    "to_mermaid",
    "to_prov",
    "trace",
    "trace_all",
    "unsafe_versions",
    "verify",
    "versions",
    "write_manifest",
]


def versions() -> list[Version]:
    """Every version of the shipped catalog, in catalog order."""
    return list(Catalog.default())


def get(version: str) -> Version:
    """The :class:`Version` for an id or alias (``"in1k"``, ``"ILSVRC-2012"``, ...)."""
    return Catalog.default().get(version)


def resolve(version: str) -> str:
    """The canonical id for an id or alias."""
    return Catalog.default().resolve(version)


def categories(version: str) -> tuple[str, ...]:
    """A version's categories (wnids) in label-index order."""
    return Catalog.default().categories(version)


def lineage() -> "networkx.DiGraph":  # type: ignore[name-defined]  # noqa: F821, UP037
    """The frozen networkx graph of the whole family (same as :func:`lineage_graph`)."""
    return lineage_graph()


# Names imported on first use, so that `import imagenet_versions` stays light: image
# manifests need numpy; the audit, flag, export, render and image modules are not
# needed by most questions. (`diff` and `lineage` are imported above: their names are
# also functions of this package, which importing the submodule later would replace.)
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        (
            "Subtree",
            "Survivor",
            "SurvivorReport",
            "Trace",
            "TraceEvent",
            "member_classes",
            "subtree",
            "survivors",
            "trace",
            "trace_all",
            "unsafe_versions",
        ),
        "audit",
    ),
    **dict.fromkeys(("to_croissant", "to_prov"), "export"),
    **dict.fromkeys(("DEFAULT_FLAGS", "flag_sources", "flagged", "flags_for", "load_user_flags"), "flags"),
    "UnknownImages": "images",
    **dict.fromkeys(("to_dot", "to_mermaid"), "render"),
}
_SUBMODULES = frozenset({"images", "render", "manifests"})

_MANIFEST_NAMES = frozenset(
    {
        "IdSet",
        "ImageDiff",
        "Manifest",
        "available_manifests",
        "diff_by_category_filter",
        "diff_manifests",
        "ingest_csv",
        "ingest_directory",
        "ingest_tar",
        "ingest_text",
        "load_manifest",
        "read_manifest",
        "write_manifest",
    }
)


def __getattr__(name: str) -> object:
    import importlib

    if name in _MANIFEST_NAMES:
        return getattr(importlib.import_module("imagenet_versions.manifests"), name)
    if name in _LAZY:
        value = getattr(importlib.import_module(f"imagenet_versions.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"imagenet_versions.{name}")
    msg = f"module 'imagenet_versions' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted({*globals(), *_MANIFEST_NAMES, *_LAZY, *_SUBMODULES})
