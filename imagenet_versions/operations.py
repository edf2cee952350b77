"""Typed derivation operations: the edges of the lineage graph.

Each operation is a frozen value and a pure function from a parent's
categories (a tuple of wnids in label-index order) to the child's. Image-level
operations (a subset of images, a relabel of images, a transform of pixels, a
re-collection of new images) leave the category list unchanged; they still say
what they do to images, for the explanation of diffs.

All operations share ``kind``, ``level`` ("categories" or "images") and a
``note``; :meth:`Operation.apply` maps categories and :meth:`Operation.why`
explains, for one wnid, why it left or entered the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import attrs
from attrs import field, frozen

from imagenet_versions._types import frozen_mapping, json_ready

__all__ = [
    "Copy",
    "Extend",
    "Filter",
    "Operation",
    "Recollect",
    "Reindex",
    "Relabel",
    "Subset",
    "Transform",
]

Level = Literal["categories", "images"]


def _tuple(x: Any) -> tuple[str, ...]:
    return tuple(x)


def _frozen_map(x: Mapping[str, str] | None) -> Mapping[str, str]:
    return frozen_mapping(x or {})


@frozen
class Operation:
    """Base class of all operations (not instantiated directly)."""

    kind: ClassVar[str] = "operation"
    level: Level = field(default="categories", kw_only=True)
    note: str = field(default="", kw_only=True)

    @property
    def label(self) -> str:
        """The kind, prefixed ``image-`` for image-level subsets, filters and relabels."""
        if self.level == "images" and self.kind in ("subset", "filter", "relabel"):
            return f"image-{self.kind}"
        return self.kind

    def apply(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        """Return the child's categories given the parent's."""
        return categories

    def why(self, wnid: str) -> str:
        """Explain why ``wnid`` leaves (or enters) the list through this operation."""
        return self.describe()

    def common_reason(self) -> str | None:
        """The :meth:`why` of every class, where it does not depend on the class; else ``None``.

        Lets one text stand for many classes (a label map explains some 20,000 at one step).
        """
        return self.describe() if type(self).why is Operation.why else None

    def describe(self) -> str:
        """A one-line, human-readable description."""
        return self.note or self.kind

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready parameters; big lists are replaced by their size."""
        out: dict[str, Any] = {"kind": self.kind, "level": self.level}
        for a in attrs.fields(type(self)):
            v = getattr(self, a.name)
            if a.name == "params":
                if v:
                    out["params"] = json_ready(v)
            elif isinstance(v, Mapping) or (isinstance(v, tuple) and len(v) > 20):
                out[f"{a.name}_count"] = len(v)
            elif isinstance(v, tuple):
                out[a.name] = list(v)
            elif v not in ("", None):
                out[a.name] = v
        return out


@frozen
class Subset(Operation):
    """Keep a subset: of categories (``keep``) or, at image level, of images.

    ``apply`` keeps the wnids of ``keep`` that the parent has, in ``keep``'s order
    (the child's label order). A kept wnid that the parent lacks is *not*
    produced: :func:`imagenet_versions.lineage.verify` reports it.
    """

    kind: ClassVar[str] = "subset"
    keep: tuple[str, ...] = field(default=(), converter=_tuple)
    rule: str = ""

    def apply(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        if self.level == "images":
            return categories
        have = set(categories)
        return tuple(w for w in self.keep if w in have)

    def why(self, wnid: str) -> str:
        if not self.keep:  # the list is not shipped (on demand or unknown): the rule is all there is
            return self.rule or "not among the classes kept"
        return (
            f"not among the {len(self.keep):,} classes kept ({self.rule})"
            if self.rule
            else (f"not among the {len(self.keep):,} classes kept")
        )

    def common_reason(self) -> str | None:
        return self.why("")  # the same reason for every class

    def describe(self) -> str:
        if self.level == "images":
            return f"image subset: {self.rule}" if self.rule else "image subset"
        if not self.keep:
            return f"subset: {self.rule}" if self.rule else "subset"
        return f"subset to {len(self.keep):,} classes" + (f": {self.rule}" if self.rule else "")


@frozen
class Filter(Operation):
    """Remove items by a rule, with a reason for each removed item.

    ``removed`` maps each removed wnid to its reason (e.g. ``unsafe:offensive``).
    At image level ``removed`` may be empty: the rule is all that is published.
    """

    kind: ClassVar[str] = "filter"
    removed: Mapping[str, str] = field(factory=dict, converter=_frozen_map, hash=False)
    rule: str = ""

    def apply(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        if self.level == "images":
            return categories
        return tuple(w for w in categories if w not in self.removed)

    def why(self, wnid: str) -> str:
        return self.removed.get(wnid) or self.rule

    def describe(self) -> str:
        if self.level == "images":
            return f"image filter: {self.rule}"
        return f"filter -{len(self.removed):,} classes: {self.rule}"


@frozen
class Relabel(Operation):
    """Map labels to other labels.

    At category level, ``mapping`` is many-to-one (BREEDS, ImageNet-9): each
    parent class takes the label it maps to; ``labels`` is the child's label
    order. Parent classes without a mapping are dropped (put a :class:`Subset`
    first to make that explicit). At image level (ReaL) the categories do not
    change; the images get new labels.
    """

    kind: ClassVar[str] = "relabel"
    mapping: Mapping[str, str] = field(factory=dict, converter=_frozen_map, hash=False)
    labels: tuple[str, ...] = field(default=(), converter=_tuple)

    def apply(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        if self.level == "images":
            return categories
        targets = {self.mapping[w] for w in categories if w in self.mapping}
        return tuple(lab for lab in self.labels if lab in targets)

    def why(self, wnid: str) -> str:
        if wnid in self.mapping:
            return f"relabelled to {self.mapping[wnid]}"
        if wnid in self.labels:
            return "superclass label introduced by the relabel"
        return "no label in the relabel mapping"

    def describe(self) -> str:
        if self.level == "images":
            return f"image relabel: {self.note}" if self.note else "image relabel"
        return f"relabel {len(self.mapping):,} -> {len(self.labels):,} classes"


@frozen
class Reindex(Operation):
    """Same classes, new label order (``order``)."""

    kind: ClassVar[str] = "reindex"
    order: tuple[str, ...] = field(default=(), converter=_tuple)
    rule: str = ""

    def apply(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        have = set(categories)
        ordered = tuple(w for w in self.order if w in have)
        seen = set(ordered)
        # classes the new order does not mention keep their relative order, at the end
        return ordered + tuple(w for w in categories if w not in seen)

    def describe(self) -> str:
        return "reindex" + (f": {self.rule}" if self.rule else "")


@frozen
class Extend(Operation):
    """Add categories (``added``), placed by ``order``: "append" or "sorted"."""

    kind: ClassVar[str] = "extend"
    added: tuple[str, ...] = field(default=(), converter=_tuple)
    order: Literal["append", "sorted"] = "append"

    def apply(self, categories: tuple[str, ...]) -> tuple[str, ...]:
        have = set(categories)
        out = categories + tuple(w for w in self.added if w not in have)
        return tuple(sorted(out)) if self.order == "sorted" else out

    def why(self, wnid: str) -> str:
        return f"added: {self.note}" if self.note else "added"

    def common_reason(self) -> str | None:
        return self.why("")  # the same reason for every class

    def describe(self) -> str:
        return f"extend +{len(self.added):,} classes" + (f": {self.note}" if self.note else "")


@frozen
class Transform(Operation):
    """Same images and labels, changed pixels (resize, face blur, corruption)."""

    kind: ClassVar[str] = "transform"
    what: str = ""
    params: Mapping[str, Any] = field(factory=dict, converter=frozen_mapping, hash=False)
    level: Level = field(default="images", kw_only=True)

    def describe(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"transform: {self.what}" + (f" ({extra})" if extra else "")


@frozen
class Recollect(Operation):
    """New images for (some of) the parent's label space (V2, Sketch, R, A, O)."""

    kind: ClassVar[str] = "recollect"
    source: str = ""
    level: Level = field(default="images", kw_only=True)

    def describe(self) -> str:
        return f"recollect: {self.source}" if self.source else "recollect"


@frozen
class Copy(Operation):
    """A user's own copy of a version (``manifest ingest --copy-of``): it claims the
    parent's categories and, for ``split``, its images; an image diff against the
    parent says how far the claim holds. ``source`` is what was ingested.
    """

    kind: ClassVar[str] = "copy"
    split: str = ""
    source: str = ""
    level: Level = field(default="images", kw_only=True)

    def describe(self) -> str:
        what = f"user copy of the {self.split} split" if self.split else "user copy"
        return f"{what} ({self.source})" if self.source else what


OPERATION_TYPES: dict[str, type[Operation]] = {
    cls.kind: cls for cls in (Subset, Filter, Relabel, Reindex, Extend, Transform, Recollect, Copy)
}
