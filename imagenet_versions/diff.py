"""Differences between ANY two versions, explained by the operations on the path.

:func:`diff` walks the derivation path from ``a`` up to the common ancestor and
down to ``b`` (see :func:`imagenet_versions.lineage.derivation_path`), applies
each operation in turn, and records for every class that differs the edge and
operation where it was dropped or introduced. :func:`label_map` maps label
indices between two versions through the same path, relabels included.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from attrs import field, frozen

from imagenet_versions._types import frozen_mapping
from imagenet_versions.catalog import Catalog, Derivation, catalog_or_default
from imagenet_versions.errors import LineageError
from imagenet_versions.lineage import Step, derivation_path
from imagenet_versions.operations import Extend, Filter, Operation, Recollect, Reindex, Relabel, Subset, Transform

if TYPE_CHECKING:
    from imagenet_versions.images import UnknownImages
    from imagenet_versions.manifests import ImageDiff

__all__ = ["CategoryDiff", "Event", "LabelMap", "VersionDiff", "diff", "edge_events", "label_map"]


@frozen
class Event:
    """What one operation on one edge did to one class.

    ``effect`` is relative to the edge read parent -> child: ``dropped`` (the
    class is in the parent, not in the child) or ``introduced`` (the reverse).
    ``op`` is the operation kind, or ``published-list`` where the child's
    published list differs from what the operations produce (a verify mismatch).
    """

    wnid: str
    parent: str
    child: str
    op: str
    effect: Literal["dropped", "introduced"]
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {
            "version": self.child,
            "from": self.parent,
            "to": self.child,
            "op": self.op,
            "effect": self.effect,
            "reason": self.reason,
        }

    def __str__(self) -> str:
        return _event_text(self.effect, self.op, self.parent, self.child, self.reason)


def _event_text(effect: str, op: str, parent: str, child: str, reason: str) -> str:
    return f"{effect} by {op} on {parent} -> {child}: {reason}"


@frozen
class CategoryDiff:
    """Category-level difference from version ``a`` to version ``b``.

    ``removed``: in ``a``, not in ``b``; ``added``: in ``b``, not in ``a``
    (each in its version's label order); ``common``: in both; ``relabelled``:
    ``(wnid in a, label in b)`` pairs linked by a relabel on the path (those
    classes are in neither ``removed`` nor ``added``). ``explanations`` maps each
    added or removed wnid to the events on the path that caused it.
    """

    a: str
    b: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    common: frozenset[str] = field(repr=False)
    relabelled: tuple[tuple[str, str], ...] = ()
    explanations: Mapping[str, tuple[Event, ...]] = field(
        factory=dict, converter=frozen_mapping, repr=False, hash=False
    )

    @property
    def common_count(self) -> int:
        return len(self.common)

    def explain(self, wnid: str) -> tuple[Event, ...]:
        """The events that explain why ``wnid`` differs (empty if it does not)."""
        return self.explanations.get(wnid, ())

    def __repr__(self) -> str:
        return (
            f"<CategoryDiff {self.a} -> {self.b}: +{len(self.added):,} added, -{len(self.removed):,} removed, "
            f"{len(self.common):,} common, {len(self.relabelled):,} relabelled>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "common_count": self.common_count,
            "relabelled": [list(p) for p in self.relabelled],
            "explanations": {w: [e.to_dict() for e in ev] for w, ev in self.explanations.items()},
        }


@frozen
class VersionDiff:
    """The difference between two versions: categories, and the path that explains it.

    ``images`` is ``None`` unless asked for; then an
    :class:`~imagenet_versions.manifests.ImageDiff`, or an
    :class:`~imagenet_versions.manifests.UnknownImages` where a manifest is missing.
    """

    a: str
    b: str
    categories: CategoryDiff
    path: tuple[Step, ...] | None
    images: ImageDiff | UnknownImages | None = None

    def __repr__(self) -> str:
        via = " -> ".join([self.path[0].source, *(s.target for s in self.path)]) if self.path else "no path"
        return f"<VersionDiff {self.a} -> {self.b} via {via}: {self.categories!r}>"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "a": self.a,
            "b": self.b,
            "categories": self.categories.to_dict(),
            "path": [s.to_dict() for s in self.path] if self.path is not None else None,
        }
        if self.images is not None:
            out["images"] = self.images.to_dict()
        return out


@frozen
class LabelMap:
    """Label indices of ``a`` mapped to label indices of ``b``.

    ``mapping[i] == (i, j)`` where ``j`` is ``b``'s index of the same class (or
    of the class it is relabelled to), or ``None`` where ``b`` has no
    counterpart; ``unmapped`` says why for each such wnid of ``a``, and
    ``b_without_source`` lists ``b``'s classes that no class of ``a`` maps to.
    Indices are output indices in the label orders ``order_a`` and ``order_b``
    (see :mod:`imagenet_versions.orders`); a background output (TF-slim's index 0)
    maps to ``b``'s background where ``b``'s order has one, else to ``None``.
    """

    a: str
    b: str
    mapping: tuple[tuple[int, int | None], ...]
    unmapped: Mapping[str, str] = field(factory=dict, converter=frozen_mapping, hash=False)
    b_without_source: tuple[str, ...] = ()
    order_a: str = ""
    order_b: str = ""
    num_b: int = 0

    def indices(self) -> list[int | None]:
        """``[j for (i, j) in mapping]``: index ``i`` of a's head goes to b's index."""
        return [j for _, j in self.mapping]

    def as_array(self, fill: int = -1) -> Any:
        """The indices as one integer array (numpy where installed, else a list), ``fill`` where unmapped.

        >>> label_map("imagenet-r", "ilsvrc2012").as_array()[:3].tolist()
        [1, 2, 4]
        """
        out = [fill if j is None else j for _, j in self.mapping]
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is a core dependency
            return out
        return np.array(out, dtype=np.int64)

    def mask_a(self) -> Any:
        """A boolean mask over a's outputs: ``True`` where the class has a counterpart in b."""
        return _bool_array([j is not None for _, j in self.mapping])

    def mask_b(self) -> Any:
        """A boolean mask over b's outputs: ``True`` where a class of a maps to it.

        ``label_map("imagenet-r", "ilsvrc2012").mask_b()`` is the ImageNet-R mask of
        the 1K head (200 ``True`` of 1,000).
        """
        hit = {j for _, j in self.mapping if j is not None}
        return _bool_array([j in hit for j in range(self.num_b)])

    def __repr__(self) -> str:
        n = sum(j is not None for _, j in self.mapping)
        orders = f" ({self.order_a} -> {self.order_b})" if self.order_a else ""
        return f"<LabelMap {self.a} -> {self.b}{orders}: {n:,} of {len(self.mapping):,} mapped>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "order_a": self.order_a,
            "order_b": self.order_b,
            "mapping": [list(p) for p in self.mapping],
            "unmapped": dict(self.unmapped),
            "b_without_source": list(self.b_without_source),
        }


def _bool_array(values: list[bool]) -> Any:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a core dependency
        return values
    return np.array(values, dtype=bool)


class _Step:
    """One operation of an edge read parent -> child, with the categories before and after it."""

    __slots__ = ("after", "before", "kind", "op")

    def __init__(self, kind: str, op: Operation | None, before: tuple[str, ...], after: tuple[str, ...]) -> None:
        self.kind = kind
        self.op = op  # None: the child's published list differs from what the operations produce
        self.before = before
        self.after = after


def _edge_steps(cat: Catalog, d: Derivation) -> tuple[_Step, ...]:
    """The steps of one edge, computed once per catalog."""
    per_cat: dict[tuple[str, str], tuple[_Step, ...]] = cat._store("diff.steps")
    found = per_cat.get((d.parent, d.child))
    if found is not None:
        return found
    state = cat.categories(d.parent)
    steps = []
    for op in d.ops:
        after = op.apply(state)
        steps.append(_Step(op.label, op, state, after))
        state = after
    published = cat.categories(d.child)
    if published != state:
        steps.append(_Step("published-list", None, state, published))
    per_cat[(d.parent, d.child)] = found = tuple(steps)
    return found


def edge_steps(cat: Catalog, d: Derivation) -> tuple[_Step, ...]:
    """The operations of an edge applied in turn to the parent's categories (computed once
    per catalog); a last ``published-list`` step (``op`` None) where the child's published
    list differs from what they produce."""
    return _edge_steps(cat, d)


def _edge_states(cat: Catalog, d: Derivation) -> list[tuple[str, tuple[str, ...]]]:
    """States along one edge read parent -> child: (op kind, categories after it)."""
    return [("", cat.categories(d.parent))] + [(st.kind, st.after) for st in _edge_steps(cat, d)]


def edge_events(cat: Catalog, derivations: Iterable[Derivation], wanted: AbstractSet[str]) -> dict[str, list[Event]]:
    """For each wanted wnid, the events (drop or introduction) on these edges, read parent -> child.

    Each event names the operation of the edge that caused it, or ``published-list``
    where the child's published list differs from what the operations produce.
    """
    memo: dict[tuple[str, str, int], dict[str, Event]] = cat._store("diff.events")
    out: dict[str, list[Event]] = {}
    for d, i, kind, op, dropped, introduced in _edge_changes(cat, derivations, wanted):
        stage = memo.get((d.parent, d.child, i))
        if stage is None:
            stage = memo[(d.parent, d.child, i)] = {}
        for was_dropped, ws in ((True, dropped), (False, introduced)):
            for w in ws:
                ev = stage.get(w)
                if ev is None:
                    ev = stage[w] = _event_of(d, kind, op, w, dropped=was_dropped)
                out.setdefault(w, []).append(ev)
    return out


#: One stage of an edge that changes wanted classes: the edge, the stage's position
#: on it, its kind and operation (``None`` for ``published-list``), and the wanted
#: classes it drops and those it introduces.
_Change = tuple[Derivation, int, str, "Operation | None", AbstractSet[str], AbstractSet[str]]


def _edge_changes(cat: Catalog, derivations: Iterable[Derivation], wanted: AbstractSet[str]) -> Iterator[_Change]:
    """The stages of these edges, in order, that drop or introduce a wanted class.

    What :func:`edge_events` and the texts of :func:`label_map` are made from: a class's
    events are the stages that drop or introduce it, in order.
    """
    wanted = wanted if isinstance(wanted, frozenset) else frozenset(wanted)
    members: dict[str, frozenset[str]] = {}  # wanted & a version's categories, once per call
    steps_known = cat._store("diff.steps")
    for d in derivations:
        if not _has_relabel(d) and (d.parent, d.child) not in steps_known:
            yield from _restricted_changes(cat, d, wanted, members)
            continue
        for i, st in enumerate(_edge_steps(cat, d)):
            had: AbstractSet[str]
            now: AbstractSet[str]
            if len(wanted) <= 2:  # scanning the lists beats building any set
                had = {w for w in wanted if w in st.before}
                now = {w for w in wanted if w in st.after}
            else:  # one pass over each list, no set of a whole list kept
                had = wanted.intersection(st.before)
                now = wanted.intersection(st.after)
            if had != now:
                yield d, i, st.kind, st.op, had - now, now - had


def _has_relabel(d: Derivation) -> bool:
    return any(isinstance(op, Relabel) and op.level == "categories" for op in d.ops)


def _member_after(op: Operation, before: frozenset[str], wanted: frozenset[str]) -> frozenset[str]:
    """``frozenset(op.apply(categories)) & wanted`` given ``before = frozenset(categories) & wanted``,
    for every operation but a category-level relabel (whose output depends on classes
    outside ``wanted``): each keeps, removes or adds classes one by one."""
    if op.level != "categories" or isinstance(op, (Reindex, Transform, Recollect)):
        return before
    if isinstance(op, Subset):
        return before.intersection(op.keep)
    if isinstance(op, Filter):
        return before.difference(op.removed)
    if isinstance(op, Extend):
        return before | wanted.intersection(op.added)
    return wanted.intersection(op.apply(tuple(before)))  # an operation type this module does not know


def _members_of(cat: Catalog, vid: str, wanted: frozenset[str], memo: dict[str, frozenset[str]]) -> frozenset[str]:
    """``wanted`` & the version's categories: one pass over ``wanted`` where the version's
    set is built already, or over the list (no set of it built) where it is not; a
    version on several edges is looked at once."""
    found = memo.get(vid)
    if found is None:
        known = cat._sets.get(vid)
        found = memo[vid] = wanted.intersection(known if known is not None else cat.categories(vid))
    return found


def _restricted_changes(
    cat: Catalog, d: Derivation, wanted: frozenset[str], members: dict[str, frozenset[str]]
) -> Iterator[_Change]:
    """:func:`_edge_changes` of one edge without a relabel, following only the wanted classes:
    which step drops or brings each one needs their membership, not the whole lists."""
    state = before = _members_of(cat, d.parent, wanted, members)
    stages: list[tuple[str, Operation | None, frozenset[str]]] = []
    for op in d.ops:
        after = _member_after(op, state, wanted)
        stages.append((op.label, op, after))
        state = after
    published = _members_of(cat, d.child, wanted, members)
    if published != state:
        stages.append(("published-list", None, published))
    for i, (kind, step_op, after) in enumerate(stages):
        if after is not before and after != before:
            yield d, i, kind, step_op, before - after, after - before
        before = after


def _event_of(d: Derivation, kind: str, op: Operation | None, w: str, *, dropped: bool) -> Event:
    effect: Literal["dropped", "introduced"] = "dropped" if dropped else "introduced"
    reason = op.why(w) if op is not None else (d.known_mismatches.get(w) or _MISMATCH)
    return Event(w, d.parent, d.child, kind, effect, reason)


_MISMATCH = "the published list differs from what the operations produce"


def _reasons(d: Derivation, op: Operation | None, wnids: Iterable[str]) -> dict[str, str]:
    """Why each class changes at one stage of ``d`` (``op`` None: the published list)."""
    if op is None:
        return {w: d.known_mismatches.get(w) or _MISMATCH for w in wnids}
    common = op.common_reason()
    return dict.fromkeys(wnids, common) if common is not None else {w: op.why(w) for w in wnids}


def first_event_groups(cat: Catalog, vd: VersionDiff, wnids: AbstractSet[str]) -> dict[str, list[str]]:
    """The text of the first event of each of ``wnids`` that ``vd`` explains
    (``str(vd.categories.explain(w)[0])``), each with the classes it explains: built stage
    by stage, one text per reason, no :class:`Event` per class."""
    path = tuple(st.derivation for st in vd.path) if vd.path else ()
    expl = vd.categories.explanations
    changed = expl.changed() if isinstance(expl, _Explanations) else frozenset(expl)
    explained = wnids & changed if not wnids <= changed else wnids
    changes = list(_edge_changes(cat, path, explained))
    seen: set[str] = set()  # explained already, by an earlier stage
    out: dict[str, list[str]] = {}
    for k, (d, _i, kind, op, dropped, introduced) in enumerate(changes):
        if seen:
            dropped, introduced = dropped - seen, introduced - seen
        if k + 1 < len(changes):
            seen.update(dropped, introduced)
        for effect, part in (("dropped", dropped), ("introduced", introduced)):
            if not part:
                continue
            common = None if op is None else op.common_reason()
            if common is not None:
                out.setdefault(_event_text(effect, kind, d.parent, d.child, common), []).extend(part)
                continue
            for w, reason in _reasons(d, op, part).items():
                out.setdefault(_event_text(effect, kind, d.parent, d.child, reason), []).append(w)
    return out


class _Explanations(Mapping[str, tuple[Event, ...]]):
    """The explanations of a category diff, computed when first read.

    Keys are the removed classes in ``a``'s label order, then the added ones in
    ``b``'s; each maps to the events on the path that caused it.
    """

    def __init__(self, cat: Catalog, derivations: tuple[Derivation, ...], ordered: tuple[str, ...]) -> None:
        self._cat = cat
        self._derivations = derivations
        self._ordered = ordered
        self._all: dict[str, tuple[Event, ...]] | None = None
        self._keys: frozenset[str] | None = None
        self._lookups = 0

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled and deep-copied as the plain read-only mapping it stands for (the
        # catalog it reads from stays behind)
        from imagenet_versions._types import FrozenDict

        return (FrozenDict, (self._full(),))

    def _full(self) -> dict[str, tuple[Event, ...]]:
        if self._all is None:
            events = edge_events(self._cat, self._derivations, frozenset(self._ordered))
            self._all = {w: tuple(events[w]) for w in self._ordered if w in events}
        return self._all

    def changed(self) -> frozenset[str]:
        """The classes that may have an explanation: the diff's removed and added ones."""
        if self._keys is None:
            self._keys = frozenset(self._ordered)
        return self._keys

    def __getitem__(self, wnid: str) -> tuple[Event, ...]:
        if self._all is None and isinstance(wnid, str) and self._lookups < 16:
            # a few single look-ups (explain(w)) need not explain every class
            self._lookups += 1
            events = edge_events(self._cat, self._derivations, {wnid}) if wnid in self.changed() else {}
            if wnid not in events:
                raise KeyError(wnid)
            return tuple(events[wnid])
        return self._full()[wnid]

    def __iter__(self) -> Iterator[str]:
        return iter(self._full())

    def __len__(self) -> int:
        return len(self._full())

    def __eq__(self, other: object) -> bool:
        return dict(self._full()) == (dict(other) if isinstance(other, Mapping) else other)

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return repr(self._full())


def _relabel_targets(cat: Catalog, path: list[Step], start: frozenset[str]) -> dict[str, set[str]]:
    """For the classes of ``a`` that a relabel on the path moves, the labels they reach.

    Classes left out reach only themselves. (Kept sparse: a path through BREEDS moves a
    few hundred of ``a``'s classes, and the other thousands need no set of their own.)
    """
    reach: dict[str, set[str]] = {}
    for step in path:
        d = step.derivation
        ops = d.ops if step.direction == "down" else tuple(reversed(d.ops))
        if not any(isinstance(o, Relabel) and o.level == "categories" for o in ops):
            continue
        states = _edge_states(cat, d)
        for j, op in enumerate(ops):
            if not (isinstance(op, Relabel) and op.level == "categories"):
                continue
            if step.direction == "down":
                fwd = op.mapping
                moved = {w: {fwd.get(x, x) for x in xs} for w, xs in reach.items()}
                for w in start.intersection(fwd.keys()).difference(reach):
                    moved[w] = {fwd[w]}
            else:
                idx = len(d.ops) - 1 - j  # position of this op in parent -> child order
                before = states[idx][1]
                inv: dict[str, set[str]] = {}
                for x in before:
                    if x in op.mapping:
                        inv.setdefault(op.mapping[x], set()).add(x)
                moved = {w: set().union(*(inv.get(x, {x}) for x in xs)) for w, xs in reach.items()}
                for w in start.intersection(inv.keys()).difference(reach):
                    moved[w] = set(inv[w])
            reach = moved
    return reach


def _in_order(order: tuple[str, ...], keep: AbstractSet[str]) -> tuple[str, ...]:
    """The members of ``keep`` in the order of ``order`` (which holds them all)."""
    return tuple(filter(keep.__contains__, order)) if keep else ()


T = TypeVar("T")
_CACHE_SIZE = 64


def _cached(name: str, cat: Catalog, key: tuple[str | None, ...], compute: Callable[[], T]) -> T:
    """The last :data:`_CACHE_SIZE` answers per catalog (they are immutable values)."""
    store = cat._store(name)
    lru: OrderedDict[tuple[str | None, ...], Any] = store.setdefault("lru", OrderedDict())
    if key in lru:
        lru.move_to_end(key)
        found: T = lru[key]
        return found
    value = lru[key] = compute()
    if len(lru) > _CACHE_SIZE:
        lru.popitem(last=False)
    return value


def diff(
    a: str,
    b: str,
    *,
    images: bool = False,
    split: str | None = None,
    split_b: str | None = None,
    catalog: Catalog | None = None,
) -> VersionDiff:
    """The category difference from ``a`` to ``b``, explained by the path between them.

    Args:
        a, b: version ids or aliases.
        images: also compare images (``VersionDiff.images``); see
            :func:`imagenet_versions.manifests.image_diff` for how.
        split: the split compared on both sides (``split_b`` overrides it for ``b``).
        catalog: defaults to the shipped catalog.

    Raises:
        UnknownVersionError, AmbiguousVersionError: for a bad id.
        CategoriesUnknownError: a version's categories are not known.

    >>> d = diff("imagenet-fall11", "imagenet-winter21")
    >>> len(d.categories.removed), len(d.categories.added)
    (2674, 0)
    """
    cat = catalog_or_default(catalog)
    a, b = cat.resolve(a), cat.resolve(b)
    if not images:
        return _cached("diff.diffs", cat, (a, b), lambda: _diff(cat, a, b))
    return _diff(cat, a, b, images=True, split=split, split_b=split_b)


def _diff(
    cat: Catalog, a: str, b: str, *, images: bool = False, split: str | None = None, split_b: str | None = None
) -> VersionDiff:
    ca, cb = cat.categories(a), cat.categories(b)
    try:
        path: list[Step] | None = derivation_path(a, b, cat)
    except LineageError:
        path = None
    sa, sb = cat.category_set(a), cat.category_set(b)
    pairs: list[tuple[str, str]] = []
    if path and any(isinstance(o, Relabel) and o.level == "categories" for st in path for o in st.derivation.ops):
        reach = _relabel_targets(cat, path, sa)
        pairs = [(w, t) for w in filter(reach.__contains__, ca) for t in sorted(reach[w]) if t != w and t in sb]
    relabelled_a = {p[0] for p in pairs}
    relabelled_b = {p[1] for p in pairs}
    gone, new = sa - sb, sb - sa
    removed = _in_order(ca, gone - relabelled_a if relabelled_a else gone)
    added = _in_order(cb, new - relabelled_b if relabelled_b else new)
    # removed classes in a's label order, then added ones in b's: the same order in every process
    explained = _Explanations(cat, tuple(s.derivation for s in path) if path else (), (*removed, *added))
    cd = CategoryDiff(a, b, added, removed, sa & sb, tuple(pairs), explained)
    img = None
    if images:
        from imagenet_versions.images import image_diff

        img = image_diff(a, b, path=path, categories=cd, split=split, split_b=split_b, catalog=cat)
    return VersionDiff(a, b, cd, tuple(path) if path is not None else None, img)


def label_map(
    a: str, b: str, *, order_a: str | None = None, order_b: str | None = None, catalog: Catalog | None = None
) -> LabelMap:
    """Map ``a``'s label indices to ``b``'s.

    A class maps to the same wnid in ``b``, or to the single label a relabel on
    the path gives it (BREEDS, ImageNet-9). A class with no counterpart
    (ILSVRC-2012's teddy bear in Google's 21,843 head) maps to ``None`` and is
    listed in ``unmapped`` with the reason. ``order_a`` and ``order_b`` name the
    label orders of the two heads (default: each version's default order; see
    :func:`imagenet_versions.orders.label_orders`).

    Raises:
        UnknownOrderError: a version has no order of that name.

    >>> label_map("imagenet-a", "ilsvrc2012").indices()[:3]
    [6, 11, 13]
    >>> label_map("imagenet-a", "ilsvrc2012", order_b="tf-slim").indices()[:3]
    [7, 12, 14]
    """
    cat = catalog_or_default(catalog)
    a, b = cat.resolve(a), cat.resolve(b)
    return _cached("diff.label_maps", cat, (a, b, order_a, order_b), lambda: _label_map(cat, a, b, order_a, order_b))


def _label_map(cat: Catalog, a: str, b: str, order_a: str | None, order_b: str | None) -> LabelMap:
    from imagenet_versions.orders import label_order

    d = diff(a, b, catalog=cat)
    oa, ob = label_order(d.a, order_a, catalog=cat), label_order(d.b, order_b, catalog=cat)
    index_b = dict(zip(ob.wnids, range(ob.offset, ob.offset + len(ob.wnids)), strict=True))
    targets: dict[str, list[str]] = {}
    for x, t in d.categories.relabelled:
        targets.setdefault(x, []).append(t)
    js: list[int | None] = [index_b.get(w) for w in oa.wnids]
    if targets:
        for k, w in enumerate(oa.wnids):  # a class relabelled to one label of b maps to it
            if js[k] is None and len(targets.get(w, ())) == 1:
                js[k] = index_b[targets[w][0]]
    mapping: list[tuple[int, int | None]] = [(i, i if i < ob.offset else None) for i in range(oa.offset)]
    mapping += zip(range(oa.offset, oa.offset + len(js)), js, strict=True)
    hit = set(js)
    none = f"no counterpart in {d.b}"
    unmapped = dict.fromkeys([w for w, j in zip(oa.wnids, js, strict=True) if j is None], none)
    for w in unmapped.keys() & targets.keys():
        unmapped[w] = f"maps to {len(targets[w])} classes of {d.b} (one-to-many relabel)"
    # the first event of each explanation, one text per stage and reason
    for text, ws in first_event_groups(cat, d, unmapped.keys() - targets.keys()).items():
        unmapped.update(dict.fromkeys(ws, f"{none}: {text}"))
    orphans = tuple(w for w in ob.wnids if index_b[w] not in hit)
    return LabelMap(d.a, d.b, tuple(mapping), unmapped, orphans, oa.name, ob.name, ob.num_outputs)
