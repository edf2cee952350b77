"""What an ingest found: the :class:`IngestReport` (no numpy needed to read one)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from attrs import field, frozen

__all__ = ["IngestReport"]

#: examples kept per finding (the counts are always exact)
EXAMPLES = 10


@attrs.define
class Findings:
    """Collects what the readers notice while they ingest (internal, mutable)."""

    layout: str = "text"
    unreadable: list[str] = attrs.Factory(list)
    prefix_mismatches: int = 0
    prefix_examples: list[str] = attrs.Factory(list)
    duplicates: int = 0
    duplicate_examples: list[str] = attrs.Factory(list)
    conflicting_duplicates: int = 0
    qualified: int = 0
    notes: list[str] = attrs.Factory(list)

    def mismatch(self, where: str) -> None:
        self.prefix_mismatches += 1
        if len(self.prefix_examples) < EXAMPLES:
            self.prefix_examples.append(where)

    def duplicate(self, name: str, *, conflicting: bool) -> None:
        self.duplicates += 1
        self.conflicting_duplicates += int(conflicting)
        if len(self.duplicate_examples) < EXAMPLES:
            self.duplicate_examples.append(name)


def _strs(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@frozen
class IngestReport:
    """What an ingest found, for the user to check before trusting a copy.

    Attributes:
        source: what was read (a path, as given).
        layout: how it was read: ``text``, ``csv``, ``class-folders``,
            ``index-folders`` (ImageNetV2's ``0..999``), ``tar``.
        images, classes, unlabelled: counts of the resulting manifest.
        claimed: the catalog version the copy claims to be (``None`` for a plain ingest).
        not_in_claimed: wnids that label images but are not categories of ``claimed``.
        prefix_mismatches: files whose ``nXXXXXXXX_`` prefix names another wnid than
            their class folder (the folder wins, as in torchvision's ``ImageFolder``);
            ``prefix_mismatch_examples`` shows a few.
        duplicates: ids listed more than once (the first is kept);
            ``conflicting_duplicates`` of them with another label.
        qualified: ids made path-qualified (``n01440764/art_0``) because file
            names repeat across class folders (ImageNet-R / Sketch trees).
        unreadable: folders or files that could not be read, with the reason.
        notes: anything else the reader decided (a label order used, a loop skipped).
    """

    source: str
    layout: str
    images: int
    classes: int
    unlabelled: int
    claimed: str | None = None
    not_in_claimed: tuple[str, ...] = field(default=(), converter=_strs)
    prefix_mismatches: int = 0
    prefix_mismatch_examples: tuple[str, ...] = field(default=(), converter=_strs)
    duplicates: int = 0
    duplicate_examples: tuple[str, ...] = field(default=(), converter=_strs)
    conflicting_duplicates: int = 0
    qualified: int = 0
    unreadable: tuple[str, ...] = field(default=(), converter=_strs)
    notes: tuple[str, ...] = field(default=(), converter=_strs)

    @property
    def problems(self) -> tuple[str, ...]:
        """One line per finding that deserves a look (empty when the copy looks clean)."""
        out = []
        if self.unreadable:
            out.append(f"{len(self.unreadable):,} folders or files could not be read: {self.unreadable[0]}")
        if self.not_in_claimed:
            out.append(
                f"{len(self.not_in_claimed):,} wnids are not categories of {self.claimed}: "
                + ", ".join(self.not_in_claimed[:EXAMPLES])
            )
        if self.prefix_mismatches:
            out.append(
                f"{self.prefix_mismatches:,} files carry another wnid than their folder: "
                + ", ".join(self.prefix_mismatch_examples[:3])
            )
        if self.duplicates:
            out.append(
                f"{self.duplicates:,} ids are listed more than once ({self.conflicting_duplicates:,} with "
                f"another label); the first is kept: " + ", ".join(self.duplicate_examples[:3])
            )
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        d = attrs.asdict(self, recurse=False)
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        return {"schema": "imagenet-versions/ingest-report@1", **d}

    def __repr__(self) -> str:
        return (
            f"<IngestReport {self.source}: {self.images:,} images, {self.classes:,} classes, "
            f"{len(self.problems)} finding(s)>"
        )
