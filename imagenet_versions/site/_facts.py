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
from imagenet_versions.catalog import Catalog, Derivation
from imagenet_versions.diff import Event, edge_events
from imagenet_versions.errors import CategoriesUnknownError

__all__ = ["ClassTrace", "Family", "TraceStep", "family_facts"]


@frozen
class TraceStep:
    """What one edge did to one class: ``removed``, ``kept``, ``relabelled`` or ``added``
    (the fields of :class:`imagenet_versions.TraceEvent`)."""

    version: str
    parent: str
    op: str
    effect: str
    reason: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "version": self.version,
            "from": self.parent,
            "op": self.op,
            "effect": self.effect,
            "reason": self.reason,
        }


@frozen
class ClassTrace:
    """Where one class lives and dies across the family (the lineage part of :class:`imagenet_versions.Trace`)."""

    wnid: str
    present_in: tuple[str, ...]
    relabelled_in: tuple[tuple[str, str], ...]
    absent_from: tuple[str, ...]
    unknown_in: tuple[str, ...]
    events: tuple[TraceStep, ...]

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

    def _steps(self, wnid: str) -> tuple[TraceStep, ...]:
        out: list[TraceStep] = []
        for e in self.edges:
            before, after = self.members[e.parent], self.members[e.child]
            inb, ina = wnid in before, wnid in after
            if not (inb or ina):
                continue
            evs = self.events[(e.parent, e.child)].get(wnid, ())
            ev = evs[-1] if evs else None
            if inb and ina:
                lab = after[wnid]
                if lab != wnid:
                    out.append(TraceStep(e.child, e.parent, e.op, "relabelled", f"relabelled to {lab}"))
                else:
                    out.append(TraceStep(e.child, e.parent, e.op, "kept"))
            else:
                effect = "removed" if inb else "added"
                out.append(TraceStep(e.child, e.parent, ev.op if ev else e.op, effect, ev.reason if ev else ""))
        return tuple(out)


def _topological(cat: Catalog, edges: list[Derivation]) -> list[Derivation]:
    import networkx as nx  # type: ignore[import-untyped, unused-ignore]

    from imagenet_versions.lineage import lineage_graph

    order = {v: i for i, v in enumerate(nx.topological_sort(lineage_graph(cat)))}
    return sorted(edges, key=lambda e: (order[e.parent], order[e.child]))


def family_facts(cat: Catalog) -> Family:
    """Compute :class:`Family` for a catalog (well under a second for the shipped one)."""
    from imagenet_versions.audit import member_classes

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
    edges = _topological(cat, [e for e in cat.edges if e.parent in members and e.child in members])
    events: dict[tuple[str, str], Mapping[str, tuple[Event, ...]]] = {}
    for e in edges:
        wanted = set(cat.categories(e.parent)) ^ set(cat.categories(e.child))
        wanted |= set(members[e.parent]) ^ set(members[e.child])
        found = edge_events(cat, [e], wanted)
        events[(e.parent, e.child)] = frozen_mapping({w: tuple(evs) for w, evs in found.items()})
    return Family(
        cat, frozen_mapping(members), tuple(unknown), tuple(sorted(union)), tuple(edges), frozen_mapping(events)
    )
