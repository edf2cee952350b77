"""imagenet_versions: the ImageNet family as a lineage graph.

>>> import imagenet_versions as iv
>>> iv.get("ImageNet-1K").id
'ilsvrc2012'
>>> d = iv.diff("imagenet-fall11", "imagenet-winter21")
>>> len(d.categories.removed)
2674

Importing this package reads nothing and imports neither nltk nor requests;
the shipped catalog is read on first use, and the audit, flag, export, render,
image, model and citation modules are imported when one of their names is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0.dev0"

from imagenet_versions.catalog import Catalog, Derivation, Disagreement, Version, catalog_or_default
from imagenet_versions.diff import CategoryDiff, Event, LabelMap, VersionDiff, diff, label_map
from imagenet_versions.errors import (
    AmbiguousLemmaError,
    AmbiguousVersionError,
    CatalogError,
    CategoriesUnknownError,
    DownloadError,
    Error,
    IntegrityError,
    LabelListError,
    LineageError,
    ManifestError,
    ManifestWarning,
    RenderError,
    SiteError,
    UnknownCheckpointError,
    UnknownClassError,
    UnknownOrderError,
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
    to_networkx,
    verify,
)
from imagenet_versions.operations import (
    Copy,
    Extend,
    Filter,
    Operation,
    Recollect,
    Reindex,
    Relabel,
    Subset,
    Transform,
)
from imagenet_versions.orders import (
    LabelOrder,
    class_label_names,
    class_mask,
    class_to_idx,
    display_names,
    index_of,
    indices_of,
    label_descriptions,
    label_names,
    label_order,
    label_orders,
)

if TYPE_CHECKING:  # the names imported on first use (_LAZY below), for type checkers; a test keeps the two alike
    from imagenet_versions.audit import (
        Subtree,
        Survivor,
        SurvivorReport,
        Trace,
        TraceEvent,
        member_classes,
        subtree,
        survivors,
        trace,
        trace_all,
        unsafe_versions,
    )
    from imagenet_versions.citation import Citation, cite
    from imagenet_versions.export import to_croissant, to_prov
    from imagenet_versions.flags import DEFAULT_FLAGS, flag_sources, flagged, flags_for, load_user_flags
    from imagenet_versions.images import UnknownImages
    from imagenet_versions.models import Candidate, Checkpoint, Identification, checkpoint, checkpoints, identify
    from imagenet_versions.render import to_dot, to_mermaid

__all__ = [
    "DEFAULT_FLAGS",
    "AmbiguousLemmaError",
    "AmbiguousVersionError",
    "Candidate",
    "Catalog",
    "CatalogError",
    "CategoriesUnknownError",
    "CategoryDiff",
    "Checkpoint",
    "Citation",
    "Copy",
    "Derivation",
    "Disagreement",
    "DownloadError",
    "Error",
    "Event",
    "Extend",
    "Filter",
    "IdSet",
    "Identification",
    "ImageDiff",
    "IngestReport",
    "IntegrityError",
    "LabelListError",
    "LabelMap",
    "LabelOrder",
    "LineageError",
    "Manifest",
    "ManifestError",
    "ManifestWarning",
    "Mismatch",
    "Operation",
    "Recollect",
    "Reindex",
    "Relabel",
    "RenderError",
    "SiteError",
    "Step",
    "Subset",
    "Subtree",
    "Survivor",
    "SurvivorReport",
    "Trace",
    "TraceEvent",
    "Transform",
    "UnknownCheckpointError",
    "UnknownClassError",
    "UnknownImages",
    "UnknownOrderError",
    "UnknownSynsetError",
    "UnknownVersionError",
    "Version",
    "VersionDiff",
    "WordNetUnavailableError",
    "__version__",
    "ancestors",
    "available_manifests",
    "categories",
    "checkpoint",
    "checkpoints",
    "cite",
    "class_label_names",
    "class_mask",
    "class_to_idx",
    "common_ancestor",
    "derivation_path",
    "descendants",
    "diff",
    "diff_by_category_filter",
    "diff_manifests",
    "display_names",
    "flag_sources",
    "flagged",
    "flags_for",
    "get",
    "identify",
    "images",
    "index_of",
    "indices_of",
    "ingest_csv",
    "ingest_directory",
    "ingest_tar",
    "ingest_text",
    "label_descriptions",
    "label_map",
    "label_names",
    "label_order",
    "label_orders",
    "lineage",
    "lineage_graph",
    "load_manifest",
    "load_user_flags",
    "member_classes",
    "read_manifest",
    "render",
    "resolve",
    "site",
    "subtree",
    "survivors",
    "to_croissant",
    "to_dot",
    "to_mermaid",
    "to_networkx",
    "to_prov",
    "trace",
    "trace_all",
    "unsafe_versions",
    "verify",
    "versions",
    "write_manifest",
]


def versions() -> list[Version]:
    """Every version of the shipped catalog, in catalog order, then the user versions."""
    return list(catalog_or_default(None))


def get(version: str) -> Version:
    """The :class:`~imagenet_versions.catalog.Version` for an id or alias (``"in1k"``, ``"ILSVRC-2012"``, ...)."""
    return catalog_or_default(None).get(version)


def resolve(version: str) -> str:
    """The canonical id for an id or alias."""
    return catalog_or_default(None).resolve(version)


def categories(version: str) -> tuple[str, ...]:
    """A version's categories (wnids) in label-index order."""
    return catalog_or_default(None).categories(version)


def lineage() -> "networkx.DiGraph":  # type: ignore[name-defined]  # noqa: F821, UP037
    """The frozen networkx graph of the whole family (same as :func:`~imagenet_versions.lineage.lineage_graph`)."""
    return lineage_graph()


# Names imported on first use, so that `import imagenet_versions` stays light: image
# manifests need numpy; the audit, flag, export, render, image, model and citation
# modules are not needed by most questions. (`diff` and `lineage` are imported above:
# their names are also functions of this package, which importing the submodule later
# would replace.)
_LAZY: dict[str, str] = {
    **dict.fromkeys(("Candidate", "Checkpoint", "Identification", "checkpoint", "checkpoints", "identify"), "models"),
    **dict.fromkeys(("Citation", "cite"), "citation"),
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
_SUBMODULES = frozenset(
    {"audit", "citation", "export", "flags", "images", "manifests", "models", "parquet", "render", "site", "wordnet"}
)

_MANIFEST_NAMES = frozenset(
    {
        "IdSet",
        "ImageDiff",
        "IngestReport",
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
