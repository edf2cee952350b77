"""What the site shows, computed once for the whole family.

Class pages need, for ~22 K wnids, where each lives and dies. Calling
:func:`imagenet_versions.trace` per wnid would redo the family's set work 22 K
times; here it is done once: the member classes of each version (the same
:func:`~imagenet_versions.audit.member_classes` that ``trace`` uses) and the
events of each edge (the same :func:`~imagenet_versions.diff.edge_events` that
``diff`` and ``trace`` use), then read per wnid by set membership. A test checks
the result against :func:`imagenet_versions.trace`, wnid by wnid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from imagenet_versions._types import frozen_mapping
from imagenet_versions.audit import TraceEvent, edge_trace_event, member_classes
from imagenet_versions.catalog import Catalog, Derivation
from imagenet_versions.diff import Event, edge_events
from imagenet_versions.errors import CategoriesUnknownError
from imagenet_versions.lineage import topological_edges

__all__ = ["ClassTrace", "Family", "family_facts"]


@frozen
class ClassTrace:
    """Where one class lives and dies across the family (the lineage part of :class:`imagenet_versions.Trace`)."""

    wnid: str
    present_in: tuple[str, ...]
    relabelled_in: tuple[tuple[str, str], ...]
    absent_from: tuple[str, ...]
    unknown_in: tuple[str, ...]
    events: tuple[TraceEvent, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "wnid": self.wnid,
            "present_in": list(self.present_in),
            "relabelled_in": dict(self.relabelled_in),
            "absent_from": list(self.absent_from),
            "unknown_in": list(self.unknown_in),
            "events": [e.to_dict() for e in self.events],
        }


@frozen
class Family:
    """The family-wide facts the site is built from.

    ``members``: version id -> its member classes (wnid -> its label there), for
    every version whose categories are known; ``unknown``: the other versions;
    ``union``: every wnid in any version's categories, sorted; ``edges``: the
    derivations whose both ends are known, parents before children;
    ``events``: (parent, child) -> wnid -> what that edge's operations did to it.
    """

    catalog: Catalog = field(repr=False)
    members: Mapping[str, Mapping[str, str]] = field(repr=False)
    unknown: tuple[str, ...]
    union: tuple[str, ...] = field(repr=False)
    edges: tuple[Derivation, ...] = field(repr=False)
    events: Mapping[tuple[str, str], Mapping[str, tuple[Event, ...]]] = field(repr=False)

    def bulk_reasons(self, least: int = 100) -> dict[tuple[str, str], str]:
        """Per edge, the reason it gives for more than half of its events and at least
        ``least`` classes, if any: the derivation's own rule (``not among the 1,000
        classes kept ...``) rather than a per-class reason (``unsafe:offensive``). Class
        pages link to the derivation instead of repeating its rule on thousands of pages."""
        out = {}
        for key, evs in self.events.items():
            counts: dict[str, int] = {}
            for es in evs.values():
                for e in es:
                    counts[e.reason] = counts.get(e.reason, 0) + 1
            if counts:
                reason, n = max(counts.items(), key=lambda kv: kv[1])
                if n >= least and 2 * n > sum(counts.values()):
                    out[key] = reason
        return out

    def trace(self, wnid: str) -> ClassTrace:
        """The same answer as :func:`imagenet_versions.trace` gives for the lineage part."""
        present: list[str] = []
        absent: list[str] = []
        relabelled: list[tuple[str, str]] = []
        for v in self.catalog:
            m = self.members.get(v.id)
            if m is None:
                continue
            label = m.get(wnid)
            if label == wnid:
                present.append(v.id)
            elif label is not None:
                relabelled.append((v.id, label))
            else:
                absent.append(v.id)
        return ClassTrace(wnid, tuple(present), tuple(relabelled), tuple(absent), self.unknown, self._steps(wnid))

    def _steps(self, wnid: str) -> tuple[TraceEvent, ...]:
        out: list[TraceEvent] = []
        for e in self.edges:
            evs = self.events[(e.parent, e.child)].get(wnid, ())
            te = edge_trace_event(e, wnid, self.members[e.parent], self.members[e.child], evs[-1] if evs else None)
            if te is not None:
                out.append(te)
        return tuple(out)


def family_facts(cat: Catalog) -> Family:
    """Compute :class:`Family` for a catalog (well under a second for the shipped one)."""
    members: dict[str, Mapping[str, str]] = {}
    unknown: list[str] = []
    union: set[str] = set()
    for v in cat:
        try:
            members[v.id] = frozen_mapping(member_classes(v.id, catalog=cat))
        except CategoriesUnknownError:
            unknown.append(v.id)
            continue
        union.update(cat.categories(v.id))
    edges = [e for e in topological_edges(cat) if e.parent in members and e.child in members]
    events: dict[tuple[str, str], Mapping[str, tuple[Event, ...]]] = {}
    for e in edges:
        wanted = set(cat.categories(e.parent)) ^ set(cat.categories(e.child))
        wanted |= set(members[e.parent]) ^ set(members[e.child])
        found = edge_events(cat, [e], wanted)
        events[(e.parent, e.child)] = frozen_mapping({w: tuple(evs) for w, evs in found.items()})
    return Family(
        cat, frozen_mapping(members), tuple(unknown), tuple(sorted(union)), tuple(edges), frozen_mapping(events)
    )
