"""Start from the model: which version and label order is this head or checkpoint?

:func:`identify` takes what a researcher holds (a class count; an ordered list of
wnids or class names; a ``class_to_idx`` mapping; a Hugging Face or timm config
with ``num_classes``, ``id2label`` or ``label_names``) and returns every
(version, label order) pair it could be, best first, with the kind of match:

- ``exact``: the same classes in the same order;
- ``offset``: the same, after leading background outputs (TF-slim's 1,001-output
  heads put ``background`` at index 0);
- ``same-set-other-order``: the same classes in another order;
- ``subset`` / ``superset``: the input's classes lie within the version's / hold
  all of them (``prefix`` says the input is the first outputs of the order, as
  FocalNet's 22k head holds the 1K classes first);
- ``overlap``: neither, but they share at least half of their union (Jaccard ≥ 0.5);
- ``count-only``: only a count was given, and the order has that many outputs.

Ambiguity is reported, never hidden: 1,000 sorted wnids are ILSVRC-2012 and every
version in its label space (ImageNet-ReaL, the V2 sets, ...).

:func:`checkpoint` looks a checkpoint up in the shipped table
(``data/checkpoints.tsv``, built by ``tools/build_checkpoints.py`` from timm's and
torchvision's pretrained configs): its label space, pretraining path and the
flagged classes of the largest label space it was trained on.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
from attrs import frozen

from imagenet_versions import _data
from imagenet_versions._decode import decode_strict, read_capped
from imagenet_versions._types import is_wnid
from imagenet_versions.catalog import Catalog, catalog_or_default
from imagenet_versions.errors import DataFileError, LabelListError, UnknownCheckpointError
from imagenet_versions.orders import LabelOrder, _torchvision_names, label_order, label_orders

__all__ = [
    "Candidate",
    "Checkpoint",
    "Identification",
    "LabelInput",
    "checkpoint",
    "checkpoints",
    "identify",
    "read_labels",
]

Match = Literal["exact", "offset", "same-set-other-order", "subset", "superset", "overlap", "count-only"]
_RANK = {"exact": 0, "offset": 1, "same-set-other-order": 2, "subset": 3, "superset": 3, "overlap": 4, "count-only": 5}
_STATUS_RANK = {"published": 0, "reconstructed": 1, "derived": 2, "unknown": 3}
#: Leading labels taken as a background output (compared case-insensitively).
BACKGROUND = frozenset({"background", "__background__", "bg", "dummy", "none", "unused", "__bg__"})
MAX_LABELS = 100_000
MAX_LABEL_CHARS = 1_000
MAX_FILE_BYTES = 32 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TAGGED = re.compile(r".* \((n\d{8})\)")  # a display name disambiguated by its wnid
_SHOWN = 20  # missing/extra wnids listed per candidate (the counts are complete)


@frozen
class LabelInput:
    """What :func:`identify` was given, normalised.

    ``labels`` holds one entry per class output after ``offset`` leading background
    outputs: the wnid, or for a name the wnids it may mean (``names`` holds those).
    """

    kind: Literal["count", "wnids", "names"]
    count: int
    offset: int = 0
    wnids: tuple[str, ...] = ()
    names: tuple[frozenset[str], ...] = ()
    unresolved: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"count": self.count, "kind": self.kind, "offset": self.offset}
        if self.kind == "names":
            out["unresolved_count"] = len(self.unresolved)
            out["unresolved"] = list(self.unresolved[:_SHOWN])
        return out


@frozen
class Candidate:
    """One (version, label order) the input could be, and how well it matches."""

    version: str
    order: str
    match: Match
    offset: int = 0
    jaccard: float = 1.0
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    prefix: bool = False
    gaps: tuple[str, ...] = ()
    num_outputs: int = 0
    order_status: str = "published"

    @property
    def missing_count(self) -> int:
        """Classes of the version that the input lacks."""
        return len(self.missing)

    @property
    def extra_count(self) -> int:
        """Classes of the input that the version lacks."""
        return len(self.extra)

    def __repr__(self) -> str:
        j = "" if self.match in ("exact", "offset", "count-only") else f", jaccard {self.jaccard:.3f}"
        off = f", offset {self.offset}" if self.offset else ""
        return f"<Candidate {self.version}:{self.order} {self.match}{off}{j}>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "order": self.order,
            "match": self.match,
            "offset": self.offset,
            "jaccard": round(self.jaccard, 6),
            "missing_count": self.missing_count,
            "extra_count": self.extra_count,
            "missing": list(self.missing[:_SHOWN]),
            "extra": list(self.extra[:_SHOWN]),
            "prefix": self.prefix,
            "gaps": list(self.gaps),
            "num_outputs": self.num_outputs,
            "order_status": self.order_status,
        }


@frozen
class Identification:
    """The answer of :func:`identify`: the input and its candidates, best first."""

    input: LabelInput
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def __repr__(self) -> str:
        best = repr(self.best) if self.best else "no candidate"
        n = f"{self.input.count:,} {self.input.kind}"
        return f"<Identification of {n}: {len(self.candidates)} candidates, best {best}>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "imagenet-versions/identify@1",
            "input": self.input.to_dict(),
            "candidates": [c.to_dict() for c in self.candidates],
        }


# ---------------------------------------------------------------- input


def _fail(msg: str) -> LabelListError:
    return LabelListError(msg)


def _check_label(x: object, where: str) -> str:
    if not isinstance(x, str):
        msg = f"{where}: a label is a string, not {type(x).__name__}"
        raise _fail(msg)
    s = x.strip()
    if not s:
        msg = f"{where}: empty label"
        raise _fail(msg)
    if len(s) > MAX_LABEL_CHARS:
        msg = f"{where}: label longer than {MAX_LABEL_CHARS} characters"
        raise _fail(msg)
    if _CONTROL.search(s):
        msg = f"{where}: label {s[:40]!r} holds a control character"
        raise _fail(msg)
    return s


def _count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        msg = f"a class count is an integer, not {n!r}"[:200]
        raise _fail(msg)
    if not 1 <= n <= MAX_LABELS:
        msg = f"a class count is 1 to {MAX_LABELS:,}, not {n!r}"
        raise _fail(msg)
    return n


def _by_index(pairs: Iterable[tuple[Any, Any]], what: str) -> list[Any]:
    """Values ordered by their integer index, which must run 0..n-1."""
    items: dict[int, Any] = {}
    for k, v in pairs:
        try:
            i = int(k)
        except (TypeError, ValueError):
            msg = f"{what}: index {str(k)[:40]!r} is not an integer"
            raise _fail(msg) from None
        if isinstance(k, bool) or i in items:
            msg = f"{what}: index {str(k)[:40]!r} is repeated or not an integer"
            raise _fail(msg)
        items[i] = v
        if len(items) > MAX_LABELS:
            msg = f"{what}: more than {MAX_LABELS:,} entries"
            raise _fail(msg)
    if sorted(items) != list(range(len(items))):
        msg = f"{what}: indices must run 0..{len(items) - 1}"
        raise _fail(msg)
    return [items[i] for i in range(len(items))]


def _from_mapping(m: Mapping[Any, Any]) -> int | list[Any]:
    config_keys = {"num_classes", "num_labels", "id2label", "label_names", "label2id"}
    if config_keys & set(m):
        labels: list[Any] | None = None
        if "label_names" in m and m["label_names"] is not None:
            labels = list(_as_list(m["label_names"], "label_names"))
        elif isinstance(m.get("id2label"), Mapping):
            labels = _by_index(m["id2label"].items(), "id2label")
        elif isinstance(m.get("label2id"), Mapping):
            labels = _by_index(((v, k) for k, v in m["label2id"].items()), "label2id")
        n = m.get("num_classes", m.get("num_labels"))
        if labels is None:
            if n is None:
                msg = "the config has neither num_classes nor labels"
                raise _fail(msg)
            return _count(n)
        if n is not None and _count(n) != len(labels):
            msg = f"the config says num_classes {n} but lists {len(labels):,} labels"
            raise _fail(msg)
        return labels
    # a class_to_idx mapping: label -> index
    return _by_index(((v, k) for k, v in m.items()), "class_to_idx")


def _as_list(labels: object, what: str) -> list[Any]:
    if isinstance(labels, (str, bytes)):
        msg = f"{what}: give a list of labels, not one string (for a file use read_labels)"
        raise _fail(msg)
    if not isinstance(labels, Iterable):
        msg = f"{what}: give a count, a list of labels, a mapping or a config, not {type(labels).__name__}"
        raise _fail(msg)
    out = []
    for x in labels:
        out.append(x)
        if len(out) > MAX_LABELS:
            msg = f"{what}: more than {MAX_LABELS:,} labels"
            raise _fail(msg)
    return out


@functools.lru_cache(maxsize=4)
def _global_names(cat: Catalog) -> dict[str, frozenset[str]]:
    """Normalised name -> every wnid it may mean (all lemmas of the shipped names, torchvision's names)."""
    table: dict[str, set[str]] = {}
    for w, lemmas in cat._names().items():
        table.setdefault(_norm(lemmas), set()).add(w)
        for lemma in lemmas.split(","):
            table.setdefault(_norm(lemma), set()).add(w)
    for w, name in _torchvision_names().items():
        table.setdefault(_norm(name), set()).add(w)
    return {k: frozenset(v) for k, v in table.items() if k}


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("_", " ")).strip().lower()


def _normalise(labels: object, cat: Catalog) -> LabelInput:
    if isinstance(labels, LabelInput):
        return labels
    if isinstance(labels, Mapping):
        labels = _from_mapping(labels)
    if isinstance(labels, int):
        return LabelInput("count", _count(labels))
    raw = [_check_label(x, f"label {i}") for i, x in enumerate(_as_list(labels, "labels"))]
    if not raw:
        msg = "the label list is empty"
        raise _fail(msg)
    offset = 0
    while offset < len(raw) - 1 and raw[offset].lower() in BACKGROUND:
        offset += 1
    body = raw[offset:]
    if all(is_wnid(x) for x in body):
        seen: set[str] = set()
        for i, w in enumerate(body):
            if w in seen:
                msg = f"label {offset + i}: {w} appears twice; a head has each class once"
                raise _fail(msg)
            seen.add(w)
        return LabelInput("wnids", len(raw), offset, tuple(body))
    names = tuple(_name_hits(x, _global_names(cat)) for x in body)
    unresolved = tuple(x[:80] for x, hits in zip(body, names, strict=True) if not hits)
    return LabelInput("names", len(raw), offset, (), names, unresolved)


def _name_hits(x: str, table: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The wnids a label may mean: itself if a wnid, the wnid of ``name (nXXXXXXXX)``, or by name."""
    tagged = _TAGGED.fullmatch(x)
    if is_wnid(x) or tagged:
        return frozenset({tagged.group(1) if tagged else x})
    hits = table.get(_norm(x), frozenset())
    if not hits and "," in x:
        hits = table.get(_norm(x.split(",")[0]), frozenset())
    return hits


def read_labels(path: str | Path, *, stdin: Any = None) -> list[str] | dict[str, Any]:
    """Read a label file for :func:`identify`: one label per line in output order, or a JSON config.

    A line whose first field is a wnid gives that wnid (``n01440764 tench`` and
    ``n01440764<TAB>0`` both give ``n01440764``); any other line is a class name.
    Blank lines at the end are ignored; a blank line inside is an error. A file
    whose text starts with ``{`` is read as a JSON object (a Hugging Face
    ``config.json`` with ``id2label``, a timm config with ``label_names``, or a
    ``class_to_idx`` mapping). ``"-"`` reads ``stdin`` (bytes).

    Raises:
        LabelListError: the file cannot be read, is too large, is not UTF-8 (the
            message names the file and line), or is malformed.
    """
    shown = str(path) if len(str(path)) <= 200 else str(path)[:197] + "..."
    data, shown = _read_bytes(path, shown, stdin)
    text = decode_strict(data, shown, error=LabelListError)
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            msg = f"{shown}: not valid JSON: {exc}"
            raise LabelListError(msg) from exc
        if not isinstance(doc, dict):
            msg = f"{shown}: a JSON config must be an object"
            raise LabelListError(msg)
        return doc
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    out = []
    for n, line in enumerate(lines, 1):
        s = line.strip()
        if not s:
            msg = f"{shown}, line {n}: empty line inside the label list"
            raise LabelListError(msg)
        if "\r" in s or any(ord(c) < 32 and c != "\t" for c in s):
            msg = f"{shown}, line {n}: control character in a label"
            raise LabelListError(msg)
        first = s.split(None, 1)[0]
        out.append(first if is_wnid(first) else s)
    if not out:
        msg = f"{shown}: no labels"
        raise LabelListError(msg)
    return out


def _read_bytes(path: str | Path, shown: str, stdin: Any) -> tuple[bytes, str]:
    if str(path) == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(MAX_FILE_BYTES + 1)
        shown = "<stdin>"
    else:
        data = read_capped(path, limit=MAX_FILE_BYTES, shown=shown, error=LabelListError)
    if len(data) > MAX_FILE_BYTES:  # stdin
        msg = f"{shown}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"
        raise LabelListError(msg)
    return data, shown


# ---------------------------------------------------------------- matching


@functools.lru_cache(maxsize=4)
def _known_gaps(cat: Catalog) -> dict[str, str]:
    """wnid -> note, from the documented mismatches of the catalog's edges (teddy bear and fall11, ...)."""
    out: dict[str, str] = {}
    for i in range(len(cat._edge_ends())):
        for w, note in cat._edge_mismatches(i).items():
            out.setdefault(w, note)
    return out


@functools.lru_cache(maxsize=2)
def _input_set(wnids: tuple[str, ...]) -> frozenset[str]:
    """The input's wnids as a set, built once per identify call (not kept beyond the last two)."""
    return frozenset(wnids)


def _vset(cat: Catalog, vid: str) -> frozenset[str]:
    """A version's categories as a set, kept per catalog while the version's list stays the
    same (compared by identity, then value: a list fetched on demand may change). Versions
    that hold the very same list (ILSVRC-2012 and the two dozen versions derived from it
    without changing its classes) share one set."""
    cats = cat.categories(vid)
    store: dict[str, tuple[tuple[str, ...], frozenset[str]]] = cat._store("models.sets")
    hit = store.get(vid)
    if hit is not None and (hit[0] is cats or hit[0] == cats):
        return hit[1]
    # by the list's identity; the entry keeps the list alive, so its id is not reused
    shared: dict[int, tuple[tuple[str, ...], frozenset[str]]] = cat._store("models.sets-by-list")
    same = shared.get(id(cats))
    found = same[1] if same is not None and same[0] is cats else frozenset(cats)
    store[vid] = shared[id(cats)] = (cats, found)
    return found


def _origin(cat: Catalog, vid: str) -> bool:
    """True where no parent has the same class set: the version that defines its label space."""
    mine = cat.categories(vid)
    for parent in cat._parent_ids(vid):
        if cat.has_categories(parent):
            theirs = cat.categories(parent)
            if len(theirs) == len(mine) and _vset(cat, parent) == _vset(cat, vid):  # sizes first: sets rarely needed
                return False
    return True


def _resolve_names(inp: LabelInput, vset: frozenset[str], order: LabelOrder) -> tuple[list[str], bool]:
    """The input's names as this version's wnids (positional where the order agrees), and
    whether every name matches the order's class at its position."""
    positional = len(inp.names) == len(order.wnids) and all(w in c for w, c in zip(order.wnids, inp.names, strict=True))
    if positional:
        return list(order.wnids), True
    out: list[str] = []
    for k, c in enumerate(inp.names):
        here = c & vset
        if len(here) == 1:
            out.append(next(iter(here)))
        elif here:
            at = order.wnids[k] if k < len(order.wnids) else None
            out.append(at if at in here else min(here))
    return out, False


def _candidate(
    cat: Catalog, inp: LabelInput, order: LabelOrder, vset: frozenset[str], *, lists: bool = True
) -> Candidate | None:
    """The candidate ``order`` makes, or None; with ``lists`` False its missing and extra
    classes (and so its gaps) are left empty: enough to choose among candidates."""
    if inp.kind == "names":
        seq, positional = _resolve_names(inp, vset, order)
        sset: frozenset[str] = frozenset(seq)
        unresolved = len(inp.names) - len(seq)
    else:
        seq, sset, unresolved = list(inp.wnids), _input_set(inp.wnids), 0
        positional = inp.wnids == order.wnids
    common = len(sset & vset)
    if common == 0:
        return None
    union = len(sset) + len(vset) - common + unresolved
    jaccard = common / union
    if unresolved == 0 and sset == vset:
        match: Match = ("offset" if inp.offset else "exact") if positional else "same-set-other-order"
    elif unresolved == 0 and sset <= vset:
        match = "subset"
    elif vset <= sset:
        match = "superset"
    elif jaccard >= 0.5:
        match = "overlap"
    else:
        return None
    prefix = match == "subset" and tuple(seq) == order.wnids[: len(seq)]
    if not lists:
        return Candidate(order.version, order.name, match, inp.offset, jaccard, (), (), prefix, (),
                         order.num_outputs, order.status)  # fmt: skip
    missing = tuple(itertools.filterfalse(sset.__contains__, order.wnids)) if len(vset) > common else ()
    extra = tuple(itertools.filterfalse(vset.__contains__, seq)) if len(sset) > common else ()
    known = _known_gaps(cat)
    gaps = tuple(f"{w} absent from {order.version}: {known[w]}" for w in filter(known.__contains__, extra)) + tuple(
        f"{w} missing in the input, present in {order.version}: {known[w]}" for w in filter(known.__contains__, missing)
    )
    return Candidate(
        order.version, order.name, match, inp.offset, jaccard, missing, extra, prefix, gaps,
        order.num_outputs, order.status,
    )  # fmt: skip


def _offset_order(cat: Catalog, order: LabelOrder, offset: int) -> str:
    """The name of the version's order that is ``order`` after ``offset`` background outputs, if any."""
    for o in label_orders(order.version, catalog=cat):
        if o.offset == offset and o.wnids == order.wnids:
            return o.name
    return order.name


def _sort_key(cat: Catalog, c: Candidate) -> tuple[Any, ...]:
    v = cat.get(c.version)
    default = label_order(c.version, catalog=cat).name == c.order
    return (
        _RANK[c.match],
        -round(c.jaccard, 9),
        not _origin(cat, c.version),
        _STATUS_RANK.get(v.category_status, 9),
        c.order_status != "published",
        not default,
        c.version,
        c.order,
    )


def identify(labels: object, *, limit: int = 10, catalog: Catalog | None = None) -> Identification:
    """Which versions and label orders could this head be? Candidates best first.

    Args:
        labels: a class count (``int``); a list of wnids or class names in output
            order (leading ``background`` entries count as an offset); a
            ``class_to_idx`` mapping (label -> index); or a config mapping with
            ``num_classes``/``num_labels``, ``id2label``, ``label2id`` or ``label_names``.
        limit: how many ``subset``/``superset``/``overlap`` candidates to keep
            (every ``exact``, ``offset``, ``same-set-other-order`` and ``count-only``
            candidate is always kept: ambiguity is reported, never hidden).

    Raises:
        LabelListError: empty, too long (over 100,000), non-text or malformed input.

    >>> r = identify(21841)
    >>> [(c.version, c.order) for c in r.candidates]
    [('imagenet-fall11', 'sorted'), ('imagenet-fall11', 'swin')]
    >>> identify(["background", *sorted(categories("ilsvrc2012"))]).best
    <Candidate ilsvrc2012:tf-slim offset, offset 1>
    """
    cat = catalog_or_default(catalog)
    inp = _normalise(labels, cat)
    # the same question again (per catalog, while the same on-demand lists are cached)
    answers: OrderedDict[Any, Identification] = cat._store("identify.answers").setdefault("lru", OrderedDict())
    key = (inp, limit, cat._known_on_demand())
    known = answers.get(key)
    if known is not None:
        answers.move_to_end(key)
        return known
    answers[key] = found_answer = _identify(cat, inp, limit)
    if len(answers) > 16:
        answers.popitem(last=False)
    return found_answer


def _identify(cat: Catalog, inp: LabelInput, limit: int) -> Identification:
    found: list[Candidate] = []
    partial: list[Candidate] = []
    for v in cat:
        if cat.has_categories(v.id):
            sure, maybe = _version_candidates(cat, inp, v.id)
            found += sure
            partial += maybe
    found.sort(key=lambda c: _sort_key(cat, c))
    partial.sort(key=lambda c: _sort_key(cat, c))
    # only the partial candidates kept get their missing and extra lists (the sort key
    # does not read them): a superset's missing list is some 20,000 wnids
    kept = [_full(cat, inp, c) for c in partial[: max(0, limit)]]
    return Identification(inp, tuple(found + kept))


def _full(cat: Catalog, inp: LabelInput, c: Candidate) -> Candidate:
    """A light candidate (made with ``lists=False``) with its missing and extra classes."""
    order = next(o for o in label_orders(c.version, catalog=cat) if o.name == c.order)
    found = _candidate(cat, inp, order, _vset(cat, c.version))
    assert found is not None  # the same question that made ``c``
    return found


def _version_candidates(cat: Catalog, inp: LabelInput, vid: str) -> tuple[list[Candidate], list[Candidate]]:
    """(sure, partial) candidates of one version: exact, offset, other-order or count-only;
    and its best subset/superset/overlap candidate, light (see :func:`_full`)."""
    if inp.kind == "wnids" and _vset(cat, vid).isdisjoint(inp.wnids):  # before any label order is built
        return [], []
    orders = label_orders(vid, catalog=cat)
    if inp.kind == "count":
        sure = [
            Candidate(vid, o.name, "count-only", o.offset, 1.0, num_outputs=o.num_outputs, order_status=o.status)
            for o in orders
            if o.num_outputs == inp.count
        ]
        return sure, []
    vset = _vset(cat, vid)
    by_name = {o.name: o for o in orders}
    # chosen on light candidates: the missing list of a superset is some 20,000 wnids
    cands = [c for o in orders if not o.offset for c in [_candidate(cat, inp, o, vset, lists=False)] if c is not None]
    exact = [c for c in cands if c.match in ("exact", "offset")]
    if exact:
        return [
            attrs.evolve(
                _full(cat, inp, c),
                order=_offset_order(cat, by_name[c.order], inp.offset) if inp.offset else c.order,
                num_outputs=by_name[c.order].num_outputs - by_name[c.order].offset + inp.offset,
            )
            for c in exact
        ], []
    other = [c for c in cands if c.match == "same-set-other-order"]
    if other:
        return [_full(cat, inp, other[0])], []
    prefixed = [c for c in cands if c.prefix]
    return [], (prefixed or cands)[:1]


def categories(version: str) -> tuple[str, ...]:
    """The shipped catalog's categories of a version (for the doctests above)."""
    return Catalog.default().categories(version)


# ---------------------------------------------------------------- checkpoints


@frozen
class Checkpoint:
    """A pretrained checkpoint of the shipped table and its label space.

    ``version``/``order`` is the label space of its head (empty where the head is
    no ImageNet label space known here); ``pretraining`` the ImageNet versions it
    was trained on, in order, ending with its head's; ``other_pretraining`` the
    non-ImageNet stages its tag names (``laion2b``, ``fb_swsl_ig1b``, ...);
    ``derivation`` how the row was derived from the config.
    """

    name: str
    source: str
    num_classes: int
    version: str
    order: str
    pretraining: tuple[str, ...]
    other_pretraining: tuple[str, ...]
    derivation: str

    def largest_label_space(self, *, catalog: Catalog | None = None) -> str | None:
        """The pretraining version with the most classes (where the flagged classes are counted)."""
        cat = catalog_or_default(catalog)
        known = [v for v in self.pretraining if cat.has_categories(v)]
        if not known:
            return None
        return max(known, key=lambda v: (len(cat.categories(v)), -self.pretraining.index(v)))

    def survivors(self, *, catalog: Catalog | None = None) -> dict[str, Any]:
        """Offensive and sensitive classes of :meth:`largest_label_space`
        (via :func:`~imagenet_versions.audit.survivors`)."""
        from imagenet_versions.audit import survivors

        vid = self.largest_label_space(catalog=catalog)
        if vid is None:
            return {"version": None, "offensive": None, "sensitive": None}
        counts = survivors(vid, ("offensive", "sensitive"), catalog=catalog).counts()
        return {"version": vid, **counts}

    def __repr__(self) -> str:
        space = f"{self.version}:{self.order}" if self.version else "no known label space"
        return f"<Checkpoint {self.name} ({self.source}): {self.num_classes:,} outputs, {space}>"

    def to_dict(self, *, survivors: bool = True, catalog: Catalog | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": "imagenet-versions/checkpoint@1",
            "checkpoint": self.name,
            "source": self.source,
            "num_classes": self.num_classes,
            "label_space": {"version": self.version or None, "order": self.order or None},
            "pretraining": list(self.pretraining),
            "other_pretraining": list(self.other_pretraining),
            "derivation": self.derivation,
        }
        if survivors:
            out["survivors"] = self.survivors(catalog=catalog)
        return out


_COLUMNS = ("checkpoint", "source", "num_classes", "version", "order", "pretraining", "other_pretraining", "derivation")


@functools.cache
def checkpoints() -> Mapping[str, Checkpoint]:
    """The shipped checkpoint table, ``{name: Checkpoint}`` in table order."""
    rel = "checkpoints.tsv"
    lines = _data.read_text(rel).splitlines()
    if not lines or tuple(lines[0].split("\t")) != _COLUMNS:
        msg = f"imagenet_versions/data/{rel}, line 1: unexpected header"
        raise DataFileError(msg)
    out: dict[str, Checkpoint] = {}
    for n, line in enumerate(lines[1:], 2):
        cols = line.split("\t")
        if len(cols) != len(_COLUMNS) or not cols[2].isdigit():
            msg = f"imagenet_versions/data/{rel}, line {n}: malformed row"
            raise DataFileError(msg)
        name, source, num, vid, order, path, other, how = cols
        out[name] = Checkpoint(
            name, source, int(num), vid, order,
            tuple(p for p in path.split(" -> ") if p), tuple(p for p in other.split(", ") if p), how,
        )  # fmt: skip
    import types

    return types.MappingProxyType(out)


def checkpoint(name: str) -> Checkpoint:
    """A checkpoint of the shipped table by name: a timm ``arch.tag`` (``timm/`` prefix
    allowed) or a torchvision ``Weights`` member (``ResNet50_Weights.IMAGENET1K_V2``).

    Raises:
        UnknownCheckpointError: no such checkpoint; the message names close matches,
            or, for an architecture without a tag, its pretrained tags.

    >>> c = checkpoint("vit_base_patch16_224.augreg_in21k_ft_in1k")
    >>> c.version, c.pretraining
    ('ilsvrc2012', ('imagenet-22k-goog', 'ilsvrc2012'))
    """
    table = checkpoints()
    if not isinstance(name, str):
        msg = f"a checkpoint name is a string, not {type(name).__name__}"
        raise UnknownCheckpointError(msg)
    query = name.strip()
    for prefix in ("timm/", "hf-hub:timm/", "hf_hub:timm/"):
        if query.startswith(prefix):
            query = query[len(prefix) :]
    if query in table:
        return table[query]
    shown = query if len(query) <= 80 else query[:77] + "..."
    tags = [k for k in table if k.split(".", 1)[0] == query]
    if tags:
        msg = f"{shown!r} has {len(tags)} pretrained tags; name one: {', '.join(tags[:12])}" + (
            " ..." if len(tags) > 12 else ""
        )
        raise UnknownCheckpointError(msg)
    close = difflib.get_close_matches(query, list(table), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `imagenet-versions checkpoint --list`"
    msg = f"no such checkpoint in the table: {shown!r}{hint}"
    raise UnknownCheckpointError(msg)


def identify_checkpoint(name: str) -> Sequence[LabelOrder]:
    """The label order of a checkpoint's head (empty where its label space is not known)."""
    c = checkpoint(name)
    return (label_order(c.version, c.order),) if c.version else ()
