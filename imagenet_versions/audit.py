"""Which flagged classes survive where: :func:`survivors`, :func:`trace` and :func:`subtree`.

These join the lineage (which classes each version has, and which edge removed
what) with the flag sources of :mod:`imagenet_versions.flags` (Yang et al. 2020
safety labels, WordNet 3.0 usage markers, the person subtree, user files).

A version's *member classes* are the classes whose images it holds: its
categories, or, where its edge relabels classes into superclasses (BREEDS,
ImageNet-9), the classes before the relabel, each with the label it takes.

Content warning: the results name slurs and offensive labels. They are data to be
measured and reported, which is what these functions exist for.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Literal

from attrs import field, frozen

from imagenet_versions import flags as _flags
from imagenet_versions import wordnet
from imagenet_versions._types import frozen_mapping
from imagenet_versions._withhold import policy
from imagenet_versions.catalog import Catalog, Derivation, catalog_or_default
from imagenet_versions.diff import Event, edge_events, edge_steps
from imagenet_versions.errors import AmbiguousLemmaError, CategoriesUnknownError, UnknownFlagError, UnknownSynsetError
from imagenet_versions.lineage import topological_edges
from imagenet_versions.operations import Relabel

__all__ = [
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
]

_WNID = re.compile(r"^n\d{8}$")


def member_classes(version: str, *, catalog: Catalog | None = None) -> dict[str, str]:
    """The classes whose images ``version`` holds, each mapped to its label there.

    Raises:
        CategoriesUnknownError: the version's categories are not known.
    """
    cat = catalog_or_default(catalog)
    return dict(_members(cat, cat.resolve(version)))


def _members(cat: Catalog, vid: str) -> Mapping[str, str]:
    """:func:`member_classes` of a resolved id, computed once per catalog (read-only)."""
    per_cat: dict[str, Mapping[str, str]] = cat._store("audit.members")
    found = per_cat.get(vid)
    if found is None:
        found = per_cat[vid] = MappingProxyType(_compute_members(cat, vid))
    return found


def _compute_members(cat: Catalog, vid: str) -> dict[str, str]:
    cats = cat.categories(vid)
    if not cat._relabels_categories(vid):
        return dict(zip(cats, cats, strict=True))
    for edge in cat.parents(vid):
        if not _has_category_relabel(edge):
            continue
        members: dict[str, str] | None = None
        for st in edge_steps(cat, edge):  # the edge's operations, applied once per catalog
            op = st.op
            if isinstance(op, Relabel) and op.level == "categories":
                members = {w: op.mapping[w] for w in st.before if w in op.mapping}
        if members is not None:
            return members
    return dict(zip(cats, cats, strict=True))


# ------------------------------------------------------------------ survivors


@frozen
class Survivor:
    """A flagged class present in a version.

    ``label`` is the class's label in the version (itself, or the superclass a
    relabel gives it); ``evidence`` maps each flag to its :class:`~imagenet_versions.flags.Evidence`;
    ``removed_elsewhere`` lists the edges of the family that drop it, with the reason.
    """

    wnid: str
    name: str
    flags: tuple[str, ...]
    evidence: Mapping[str, Any] = field(converter=frozen_mapping, hash=False, repr=False)
    label: str
    removed_elsewhere: tuple[Event, ...] = field(repr=False)
    index: int | None = None  # output index of ``label`` in the report's label order, when one was asked for

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "wnid": self.wnid,
            "name": self.name,
            "flags": list(self.flags),
            "label": self.label,
            "evidence": {
                f: {"source": e.source, "value": _plain(e.value), "detail": e.detail} for f, e in self.evidence.items()
            },
            "removed_elsewhere": [e.to_dict() for e in self.removed_elsewhere],
        }
        if self.index is not None:
            out["index"] = self.index
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "__attrs_attrs__"):
        return {a.name: _plain(getattr(value, a.name)) for a in value.__attrs_attrs__}
    return str(value)


@frozen
class SurvivorReport:
    """The flagged classes present in one version (see :func:`survivors`)."""

    version: str
    flags: tuple[str, ...]
    survivors: tuple[Survivor, ...]
    num_classes: int
    order: str = ""  # the label order of ``Survivor.index``, when one was asked for

    def counts(self) -> dict[str, int]:
        """Number of survivors carrying each flag (a class may carry several)."""
        return {f: sum(f in s.flags for s in self.survivors) for f in self.flags}

    def __len__(self) -> int:
        return len(self.survivors)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.survivors)

    def __repr__(self) -> str:
        counts = ", ".join(f"{n:,} {f}" for f, n in self.counts().items())
        n = f"{len(self.survivors):,} of {self.num_classes:,}"
        return f"<SurvivorReport {self.version}: {n} classes flagged ({counts})>"

    def to_list(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.survivors]


def _user_list(user: Any) -> list[Any]:
    if user is None:
        return []
    if isinstance(user, _flags.UserFlags):
        return [user]
    return list(user)


def _flagged_sets(
    flag_names: Iterable[str], users: list[Any], urls: Mapping[str, str] | None
) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for f in flag_names:
        from_users = frozenset().union(*(u.flags.get(f, frozenset()) for u in users)) if users else frozenset()
        if f in _flags.FLAGS:
            src = _flags.FLAGS[f]
            url = (urls or {}).get(src)
            out[f] = _flags.flagged(f, url=url) | from_users if url else _flags.flagged(f) | from_users
        elif any(f in u.flags for u in users):
            out[f] = from_users
        else:
            known = sorted({*_flags.FLAGS, *(g for u in users for g in u.flags)})
            shown = f[:77] + "..." if isinstance(f, str) and len(f) > 80 else f
            msg = f"unknown flag: {shown!r}; known flags: {', '.join(known)}"
            raise UnknownFlagError(msg)
    return out


_ON_DEMAND_FLAGS = frozenset({"ambiguous", "nsfw-audit"})


def _evidence(wnid: str, wanted: Iterable[str], users: list[Any], urls: Mapping[str, str] | None) -> dict[str, Any]:
    wanted = set(wanted)
    if not users and not urls and wanted.isdisjoint(_ON_DEMAND_FLAGS):  # the shipped sources only
        return {f: e for f, e in (_flags.shipped_flags(wnid) or {}).items() if f in wanted}
    on_demand = not wanted.isdisjoint(_ON_DEMAND_FLAGS)
    try:
        ev = _flags.flags_for(wnid, on_demand=on_demand, user=users, urls=urls)
    except UnknownSynsetError:
        ev = {}
        for u in users:
            ev.update(u.for_wnid(wnid))
    return {f: e for f, e in ev.items() if f in wanted}


def _name(cat: Catalog, wnid: str) -> str:
    facts = _flags.flag_facts(wnid)
    if facts is not None:
        return facts[0].replace("_", " ")
    try:
        return wordnet.synset(wnid).name.replace("_", " ")
    except UnknownSynsetError:
        return cat.name_of(wnid).split(",")[0]


def _removals(cat: Catalog, wnids: set[str]) -> dict[str, tuple[Event, ...]]:
    """Every edge of the family that drops one of ``wnids``.

    Kept per class, for as long as the same on-demand lists are cached (they decide
    which versions' categories are known): the classes not seen yet are computed
    together, in one pass over the edges whose parent holds one of them (only such an
    edge, or one that extends its parent, can drop a class).
    """
    per_state: dict[tuple[str, ...], dict[str, tuple[Event, ...]]] = cat._store("audit.removals")
    known = per_state.setdefault(cat._known_on_demand(), {})
    missing = wnids.difference(known)
    if missing:
        edges = []
        holds: dict[str, bool] = {}  # parent -> holds one of the missing classes
        for i, (parent, child) in enumerate(cat._edge_ends()):
            if not cat.has_categories(parent):
                continue
            if parent not in holds:
                holds[parent] = not missing.isdisjoint(cat.categories(parent))
            if not holds[parent] and not cat._edge_may_introduce(i):
                continue
            if cat.has_categories(child):
                edges.append(cat._edge(i))
        events = edge_events(cat, edges, missing)
        for w in missing:
            known[w] = tuple(e for e in events.get(w, ()) if e.effect == "dropped")
    return {w: known[w] for w in wnids}


def survivors(
    version: str,
    flags: Iterable[str] = _flags.DEFAULT_FLAGS,
    *,
    user: Any = None,
    urls: Mapping[str, str] | None = None,
    order: str | None = None,
    catalog: Catalog | None = None,
    show_offensive: bool = False,
) -> SurvivorReport:
    """The flagged classes present in ``version``.

    Args:
        version: a version id or alias.
        flags: flag names (default: the unsafe set, ``offensive``, ``sensitive``,
            ``derogatory``); see :func:`imagenet_versions.flags.flag_sources`.
            Flags of on-demand sources (``ambiguous``, ``nsfw-audit``) are
            downloaded on first use.
        user: :class:`~imagenet_versions.flags.UserFlags` (or several) from
            :func:`~imagenet_versions.flags.load_user_flags`; their flags may be named in ``flags``.
        urls: flag-source name -> mirror URL for on-demand sources.
        order: a label order of the version (see :mod:`imagenet_versions.orders`);
            when given, each survivor carries the output ``index`` of its label.
        show_offensive: keep the names (and marked lemmas) of the synsets whose
            labels are withheld by default (:mod:`imagenet_versions._withhold`);
            by default they read ``[label withheld: offensive]``.

    Raises:
        CategoriesUnknownError: the version's categories are not known, so no
            answer can be given (ImageNet10K).
        UnknownFlagError: an unknown flag name, or a key of ``urls`` that is not an
            on-demand flag source; the message lists the known ones.
        DownloadError: a URL of ``urls`` is empty or not http(s).

    >>> r = survivors("imagenet-fall11", ["offensive", "sensitive"])
    >>> r.counts()
    {'offensive': 437, 'sensitive': 1156}
    """
    cat = catalog_or_default(catalog)
    vid = cat.resolve(version)
    flag_names = tuple(dict.fromkeys(flags))
    urls = _flags.check_source_urls(urls)
    users = _user_list(user)
    if users or urls:
        answered: SurvivorReport = _answer(cat, _survivors(cat, vid, flag_names, users, urls), order, show_offensive)
        return answered
    # shipped flags only: the report is an immutable value, kept per catalog
    reports: dict[tuple[str, tuple[str, ...], str | None, bool], SurvivorReport] = cat._store("audit.survivors")
    key = (vid, flag_names, order, show_offensive)
    found = reports.get(key)
    if found is None:
        if len(reports) >= 64:
            reports.pop(next(iter(reports)))
        raw = _survivors(cat, vid, flag_names, users, urls)
        found = reports[key] = _answer(cat, raw, order, show_offensive)
    return found


def _answer(cat: Catalog, raw: Any, order: str | None, show_offensive: bool) -> Any:
    """A report with label indices in ``order`` (on the real labels), then withheld by the policy."""
    if order is not None:
        from imagenet_versions.orders import with_indices

        raw = with_indices(raw, order, catalog=cat)
    return policy(show_offensive).apply(raw)


def _survivors(
    cat: Catalog, vid: str, flag_names: tuple[str, ...], users: list[Any], urls: Mapping[str, str] | None
) -> SurvivorReport:
    members = _members(cat, vid)
    sets = _flagged_sets(flag_names, users, urls)
    hit = set().union(*sets.values()).intersection(members)
    removals = _removals(cat, hit)
    out = []
    for w in filter(hit.__contains__, members):
        fl = tuple(f for f in flag_names if w in sets[f])
        out.append(
            Survivor(
                w,
                _name(cat, w),
                fl,
                MappingProxyType(_evidence(w, fl, users, urls)),
                members[w],
                removals[w],
            )
        )
    return SurvivorReport(vid, flag_names, tuple(out), len(members))


def unsafe_versions(flags: Iterable[str] = _flags.DEFAULT_FLAGS, *, catalog: Catalog | None = None) -> frozenset[str]:
    """Ids of the versions whose member classes carry any of ``flags`` (default: the unsafe set).

    Versions with unknown categories are not included: nothing can be said of them.
    """
    cat = catalog_or_default(catalog)
    return _unsafe_versions(cat, tuple(flags))


@functools.lru_cache(maxsize=8)
def _unsafe_versions(cat: Catalog, flags: tuple[str, ...]) -> frozenset[str]:
    hit = _flags.flagged_any(flags)
    out = set()
    for v in cat:
        try:
            if hit.intersection(_members(cat, v.id)):
                out.add(v.id)
        except CategoriesUnknownError:
            continue
    return frozenset(out)


# ------------------------------------------------------------------ trace


@frozen
class TraceEvent:
    """What one edge did to the traced class: ``removed``, ``kept``, ``relabelled`` or ``added``."""

    version: str
    parent: str
    op: str
    effect: Literal["removed", "kept", "relabelled", "added"]
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
class Trace:
    """Where one class lives and dies across the family (see :func:`trace`)."""

    wnid: str
    name: str
    gloss: str
    present_in: tuple[str, ...]
    relabelled_in: Mapping[str, str] = field(converter=frozen_mapping, hash=False)
    absent_from: tuple[str, ...] = ()
    unknown_in: tuple[str, ...] = ()
    events: tuple[TraceEvent, ...] = ()
    flags: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"<Trace {self.wnid} ({self.name}): present in {len(self.present_in)}, "
            f"relabelled in {len(self.relabelled_in)}, absent from {len(self.absent_from)} versions>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "wnid": self.wnid,
            "name": self.name,
            "gloss": self.gloss,
            "flags": list(self.flags),
            "present_in": list(self.present_in),
            "relabelled_in": dict(self.relabelled_in),
            "absent_from": list(self.absent_from),
            "unknown_in": list(self.unknown_in),
            "events": [e.to_dict() for e in self.events],
        }


def _resolve_lemma(query: str) -> list[str]:
    q = query.strip()
    if _WNID.match(q):
        wordnet.synset(q)  # raises UnknownSynsetError with a clear message
        return [q]
    found = [s.wnid for s in wordnet.lookup(q)]
    if not found:
        msg = f"no synset of the shipped WordNet snapshot has the lemma {q!r}; give a wnid (e.g. n02084071)"
        raise UnknownSynsetError(msg)
    return found


def _resolve_one(query: str) -> str:
    """The one wnid a wnid or lemma names; several raise :class:`AmbiguousLemmaError`."""
    wnids = _resolve_lemma(query)
    if len(wnids) > 1:
        hide = policy(False)  # an error message never shows a withheld label
        cands = tuple((w, hide.label(w, wordnet.synset(w).name), hide.label(w, wordnet.synset(w).gloss)) for w in wnids)
        raise AmbiguousLemmaError(query, cands)
    return wnids[0]


def trace_all(query: str, *, catalog: Catalog | None = None, show_offensive: bool = False) -> list[Trace]:
    """:func:`trace` every synset that ``query`` (a wnid or a lemma) names."""
    cat = catalog_or_default(catalog)
    return [policy(show_offensive).trace(_trace(w, cat)) for w in _resolve_lemma(query)]


def trace(query: str, *, catalog: Catalog | None = None, show_offensive: bool = False) -> Trace:
    """In which versions a class is present, absent or unknown, and which edge did what to it.

    Args:
        query: a wnid (``"n10513938"``) or a lemma (``"teddy bear"``; case, spaces and
            underscores do not matter).
        show_offensive: keep the name and gloss of a synset whose label is
            withheld by default (:mod:`imagenet_versions._withhold`).

    Raises:
        AmbiguousLemmaError: the lemma names several synsets; the message lists
            them (use :func:`trace_all`, or pass a wnid).
        UnknownSynsetError: no such wnid or lemma in the shipped WordNet snapshot.

    >>> t = trace("n10513938")
    >>> "imagenet-fall11" in t.present_in, "imagenet-winter21" in t.absent_from
    (True, True)
    """
    return policy(show_offensive).trace(_trace(_resolve_one(query), catalog_or_default(catalog)))


def edge_trace_event(
    e: Derivation, wnid: str, before: Mapping[str, str], after: Mapping[str, str], ev: Event | None
) -> TraceEvent | None:
    """What edge ``e`` did to ``wnid``, from the member classes (wnid -> label) of its parent
    (``before``) and child (``after``) and the last operation event that touched the class
    on that edge; None where neither side has it."""
    inb, ina = wnid in before, wnid in after
    if inb and ina:
        label = after[wnid]
        if label != wnid:
            return TraceEvent(e.child, e.parent, e.op, "relabelled", f"relabelled to {label}")
        return TraceEvent(e.child, e.parent, e.op, "kept")
    if not (inb or ina):
        return None
    return TraceEvent(e.child, e.parent, ev.op if ev else e.op, "removed" if inb else "added", ev.reason if ev else "")


def _trace(wnid: str, cat: Catalog) -> Trace:
    kept: dict[str, Trace] = cat._store("audit.traces")
    found = kept.get(wnid)
    if found is None:
        if len(kept) >= 256:
            kept.pop(next(iter(kept)))
        found = kept[wnid] = _compute_trace(wnid, cat)
    return found


def _member_label(cat: Catalog, vid: str, wnid: str) -> dict[str, str]:
    """``{wnid: its label}`` where ``vid`` holds ``wnid``'s images, else ``{}``: one look-up
    in the version's list, no member map of the version built (a relabelled version's is)."""
    known = cat._store("audit.members").get(vid)
    if known is None and not cat._relabels_categories(vid):
        found = cat._sets.get(vid)
        return {wnid: wnid} if wnid in (found if found is not None else cat.categories(vid)) else {}
    m = known if known is not None else _members(cat, vid)
    return {wnid: m[wnid]} if wnid in m else {}


def _has_category_relabel(e: Derivation) -> bool:
    return any(isinstance(op, Relabel) and op.level == "categories" for op in e.ops)


def _compute_trace(wnid: str, cat: Catalog) -> Trace:
    present, absent, unknown = [], [], []
    relabelled: dict[str, str] = {}
    members: dict[str, Mapping[str, str]] = {}
    for vid in cat.ids():
        try:
            m = _member_label(cat, vid, wnid)
        except CategoriesUnknownError:
            unknown.append(vid)
            continue
        members[vid] = m
        if wnid in m and m[wnid] == wnid:
            present.append(vid)
        elif wnid in m:
            relabelled[vid] = m[wnid]
        else:
            absent.append(vid)
    events: list[TraceEvent] = []
    drops = edge_events(cat, [e for e in cat.edges if e.parent in members and e.child in members], {wnid})
    by_edge = {(e.parent, e.child): e for e in drops.get(wnid, [])}
    for e in topological_edges(cat):
        if e.parent not in members or e.child not in members:
            continue
        te = edge_trace_event(e, wnid, members[e.parent], members[e.child], by_edge.get((e.parent, e.child)))
        if te is not None:
            events.append(te)
    try:
        s = wordnet.synset(wnid)
        name, gloss = s.name.replace("_", " "), s.gloss
        fl = tuple(sorted(_flags.flags_for(wnid)))
    except UnknownSynsetError:
        name, gloss, fl = cat.name_of(wnid), "", ()
    return Trace(
        wnid,
        name,
        gloss,
        tuple(present),
        MappingProxyType(relabelled),
        tuple(absent),
        tuple(unknown),
        tuple(events),
        fl,
    )


# ------------------------------------------------------------------ subtree x version


@frozen
class Subtree:
    """Which part of a WordNet subtree (ImageNet's is-a graph) a version holds."""

    root: str
    name: str
    version: str
    members: frozenset[str] = field(repr=False)
    present: tuple[str, ...] = field(repr=False)
    order: str = ""  # the label order of ``indices``, when one was asked for
    indices: Mapping[str, int] = field(factory=dict, repr=False, hash=False)  # present wnid -> output index

    @property
    def absent(self) -> tuple[str, ...]:
        have = set(self.present)
        return tuple(sorted(w for w in self.members if w not in have))

    def __repr__(self) -> str:
        n = f"{len(self.present):,} of {len(self.members):,}"
        return f"<Subtree {self.root} ({self.name}) in {self.version}: {n} synsets>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "name": self.name,
            "version": self.version,
            "subtree_size": len(self.members),
            "present_count": len(self.present),
            "present": list(self.present),
            "absent_count": len(self.members) - len(self.present),
            **({"order": self.order, "indices": dict(self.indices)} if self.order else {}),
        }


def subtree(
    root: str,
    version: str,
    *,
    order: str | None = None,
    catalog: Catalog | None = None,
    show_offensive: bool = False,
) -> Subtree:
    """The synsets of ``root``'s subtree (root included) that ``version`` holds.

    ``root`` is a wnid or an unambiguous lemma; the subtree is ImageNet's is-a
    graph below it, as far as the shipped WordNet snapshot knows it (every synset
    of the shipped lists and the whole person subtree). Membership counts the
    version's member classes (see :func:`member_classes`). With ``order`` (a label
    order of the version), ``indices`` gives the output index of each present synset.

    >>> s = subtree("n00007846", "imagenet-winter21")   # person.n.01 and the 158 kept below it
    >>> len(s.present)
    159
    """
    cat = catalog_or_default(catalog)
    r = _resolve_one(root)
    vid = cat.resolve(version)
    members = frozenset({r} | wordnet.descendants(r))
    have = _members(cat, vid)
    present = tuple(w for w in have if w in members)
    st: Subtree = _answer(
        cat, Subtree(r, wordnet.synset(r).name.replace("_", " "), vid, members, present), order, show_offensive
    )
    return st
