"""Label orders: a version's categories are a set; a model head's outputs are an order of them.

Every version with known categories has at least two named orders:

- ``listed``: the order of its shipped category list (the catalog's label order);
- ``sorted``: sorted wnids, the order torchvision's ``ImageFolder`` gives class
  folders named by wnid (the usual order of checkpoints trained on a local copy).

``data/orders/index.json`` (built by ``tools/build_orders.py``) gives some versions
more, with their sources, and names each version's default: ILSVRC-2012's
``devkit`` (ILSVRC CLS-LOC devkit) and ``tf-slim`` (a background class at index 0,
1,001 outputs) orders, fall11's reconstructed ``swin`` order, FocalNet's
``focalnet`` order of ``imagenet-22k-ms``, Google's ``google`` order of
``imagenet-22k-goog``, Tiny ImageNet's ``wnids-txt`` and ImageNet-100's ``cmc``
file orders. Two orders with the same sequence are listed once, under the first
(the default first) name.

Unique display names: a class's display name is the first lemma of its shipped
name. Where two classes of a version share it (exactly, case included: torchvision
keeps "Cardigan", the corgi, and "cardigan", the sweater), torchvision's ILSVRC-2012 category
names settle the 1K classes ("crane bird" n02012849 / "crane" n03126707,
"maillot" n03710637 / "maillot tank suit" n03710721), and any class still sharing
a name gets its wnid appended: ``"crane (n02012849)"``. Labels that Yang et al.
2020 found offensive are withheld (shown as their wnid) unless
``show_offensive=True``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from attrs import field, frozen

from imagenet_versions import _data
from imagenet_versions._types import is_wnid
from imagenet_versions.catalog import Catalog, catalog_or_default
from imagenet_versions.errors import (
    CategoriesUnknownError,
    DataFileError,
    Error,
    UnknownClassError,
    UnknownOrderError,
)

__all__ = [
    "LabelOrder",
    "class_label_names",
    "class_mask",
    "class_to_idx",
    "display_names",
    "fingerprint",
    "index_of",
    "indices_of",
    "label_descriptions",
    "label_names",
    "label_order",
    "label_orders",
    "with_indices",
]

OrderStatus = Literal["published", "computed", "reconstructed"]
_GENERIC = ("listed", "sorted")
_IMAGEFOLDER = "sorted wnids: torchvision's ImageFolder sorts the class folders (named by wnid) and numbers them from 0"


@frozen
class LabelOrder:
    """One named order of a version's classes: what output index ``i`` of a head means.

    ``offset`` outputs come first and are no class (``background``, as in TF-slim's
    1,001-output heads); class ``wnids[k]`` is output ``offset + k``.
    """

    version: str
    name: str
    wnids: tuple[str, ...] = field(repr=False)
    source: str = ""
    status: OrderStatus = "published"
    offset: int = 0
    background: str = ""
    is_default: bool = False

    @property
    def num_outputs(self) -> int:
        """The number of outputs of a head in this order (classes plus the offset)."""
        return self.offset + len(self.wnids)

    def labels(self) -> tuple[str, ...]:
        """One label per output: the ``background`` label for the offset, then the wnids."""
        return (self.background or "background",) * self.offset + self.wnids

    def index(self, wnid: str) -> int | None:
        """The output index of ``wnid``, or ``None`` where the version lacks it."""
        k = _positions(self.wnids).get(wnid)
        return None if k is None else self.offset + k

    def fingerprint(self) -> str:
        """See :func:`fingerprint`."""
        return fingerprint(self.labels())

    def __repr__(self) -> str:
        extra = f", offset {self.offset}" if self.offset else ""
        return f"<LabelOrder {self.version}:{self.name}: {self.num_outputs:,} outputs{extra}, {self.status}>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "order": self.name,
            "default": self.is_default,
            "num_outputs": self.num_outputs,
            "offset": self.offset,
            "status": self.status,
            "source": self.source,
            "fingerprint": self.fingerprint(),
        }


@functools.lru_cache(maxsize=64)
def _positions(wnids: tuple[str, ...]) -> dict[str, int]:
    return {w: k for k, w in enumerate(wnids)}


def fingerprint(labels: Iterable[str]) -> str:
    """``sha256:`` and the hex SHA-256 of the UTF-8 labels joined by ``"\\n"`` (no final newline).

    The labels are a head's outputs in order (wnids; ``background`` for an offset
    output), so two heads share a fingerprint exactly when they name the same
    classes in the same order.

    >>> fingerprint(["n01440764", "n01443537"])[:19]
    'sha256:8124f08fe238'
    """
    import hashlib

    return "sha256:" + hashlib.sha256("\n".join(labels).encode("utf-8")).hexdigest()


@functools.cache
def _index() -> Mapping[str, Any]:
    try:
        doc = json.loads(_data.read_text("orders/index.json"))
        versions = doc["versions"]
    except (ValueError, KeyError, TypeError) as exc:
        msg = f"imagenet_versions/data/orders/index.json is malformed: {exc}"
        raise DataFileError(msg) from exc
    if not isinstance(versions, dict):
        msg = "imagenet_versions/data/orders/index.json: 'versions' is not an object"
        raise DataFileError(msg)
    return versions


def _file_order(name: str) -> tuple[str, ...]:
    """A shipped order file's wnids. Like the shipped category lists, it is checked by its
    sha256 against the record ``tools/build_orders.py`` wrote (which checked every line),
    not line by line again."""
    return tuple(_data.read_text(f"orders/{name}").split())


@functools.lru_cache(maxsize=8)
def _index_for(cat: Catalog) -> dict[str, Mapping[str, Any]]:
    """The index's entries keyed by this catalog's canonical ids (index keys are ids or aliases)."""
    out: dict[str, Mapping[str, Any]] = {}
    for key, entry in _index().items():
        try:
            out.setdefault(cat.resolve(key), entry)
        except Error:  # a version this catalog does not have (or names ambiguously): not declared here
            continue
    return out


def _declared(cat: Catalog, vid: str) -> tuple[str, dict[str, dict[str, Any]]]:
    entry = _index_for(cat).get(vid)
    if entry is None:
        return "listed", {
            "listed": {"kind": "listed", "status": "published", "source": "the order of the version's category list"},
            "sorted": {"kind": "sorted", "status": "computed", "source": _IMAGEFOLDER},
        }
    orders = dict(entry["orders"])
    for g in _GENERIC:  # the generic orders are always there, declared or not
        if g not in orders:
            kind_status: OrderStatus = "published" if g == "listed" else "computed"
            src = "the order of the version's category list" if g == "listed" else _IMAGEFOLDER
            orders[g] = {"kind": g, "status": kind_status, "source": src}
    return str(entry["default"]), orders


def _build(
    vid: str, name: str, spec: Mapping[str, Any], cats: tuple[str, ...], built: dict[str, LabelOrder]
) -> LabelOrder | None:
    kind = spec["kind"]
    offset, background = 0, ""
    if kind == "listed":
        wnids = cats
    elif kind == "sorted":
        wnids = tuple(sorted(cats))
    elif kind == "file":
        wnids = _file_order(spec["file"])
        if sorted(wnids) != sorted(cats):
            return None  # a catalog whose version of this id has other classes: the order does not apply
    elif kind == "offset":
        base = built.get(spec["base"])
        if base is None:
            msg = f"imagenet_versions/data/orders/index.json: {vid}:{name} names an unknown base {spec['base']!r}"
            raise DataFileError(msg)
        wnids, offset, background = base.wnids, int(spec["offset"]), str(spec.get("background", "background"))
    else:
        msg = f"imagenet_versions/data/orders/index.json: {vid}:{name} has an unknown kind {kind!r}"
        raise DataFileError(msg)
    return LabelOrder(
        vid, name, wnids, str(spec.get("source", "")), spec.get("status", "published"), offset, background
    )


T = TypeVar("T")


def _per_categories(cat: Catalog, name: str, vid: str, compute: Callable[[tuple[str, ...]], T]) -> T:
    """``compute(categories)`` kept per catalog and version for as long as the version's
    categories stay the same list (one fetched on demand may appear or change). The list
    is compared by identity, then by value: hashing a 21,843-wnid tuple on every call
    cost more than the answer."""
    cats = cat.categories(vid)
    store: dict[str, tuple[tuple[str, ...], Any]] = cat._store(name)
    hit = store.get(vid)
    if hit is not None and (hit[0] is cats or hit[0] == cats):
        found: T = hit[1]
        return found
    value = compute(cats)
    store[vid] = (cats, value)
    return value


def _built(cat: Catalog, vid: str) -> tuple[str, dict[str, LabelOrder]]:
    """(default name, every declared order that applies to this catalog's version)."""
    return _per_categories(cat, "orders.built", vid, lambda cats: _build_all(cat, vid, cats))


def _build_all(cat: Catalog, vid: str, cats: tuple[str, ...]) -> tuple[str, dict[str, LabelOrder]]:
    default, specs = _declared(cat, vid)
    built: dict[str, LabelOrder] = {}
    # offsets last: they refer to another order
    for n in sorted(specs, key=lambda n: specs[n]["kind"] == "offset"):
        o = _build(vid, n, specs[n], cats, built)
        if o is not None:
            built[n] = o
    if default not in built:
        default = "listed"
    return default, {n: built[n] for n in [default, *(n for n in specs if n != default)] if n in built}


def _orders(cat: Catalog, vid: str) -> tuple[LabelOrder, ...]:
    return _per_categories(cat, "orders.distinct", vid, lambda _cats: _distinct(cat, vid))


def _distinct(cat: Catalog, vid: str) -> tuple[LabelOrder, ...]:
    default, built = _built(cat, vid)
    out: list[LabelOrder] = []
    for n, o in built.items():
        if any(x.offset == o.offset and (x.wnids is o.wnids or x.wnids == o.wnids) for x in out):
            continue  # the same sequence under another name
        out.append(LabelOrder(o.version, o.name, o.wnids, o.source, o.status, o.offset, o.background, n == default))
    return tuple(out)


def _aliases(cat: Catalog, vid: str) -> dict[str, str]:
    """Every declared order name -> the name it is listed under (same sequence)."""
    listed = _orders(cat, vid)
    return {
        n: next(x.name for x in listed if (x.wnids, x.offset) == (o.wnids, o.offset))
        for n, o in _built(cat, vid)[1].items()
    }


def label_orders(version: str, *, catalog: Catalog | None = None) -> tuple[LabelOrder, ...]:
    """The distinct label orders of a version, its default first.

    Raises:
        UnknownVersionError, AmbiguousVersionError: for a bad id.
        CategoriesUnknownError: the version's categories are not known.

    >>> [o.name for o in label_orders("ilsvrc2012")]
    ['sorted', 'devkit', 'tf-slim']
    >>> [o.name for o in label_orders("tiny-imagenet")]
    ['wnids-txt', 'sorted']
    """
    cat = catalog_or_default(catalog)
    return _orders(cat, cat.resolve(version))


def label_order(version: str, order: str | None = None, *, catalog: Catalog | None = None) -> LabelOrder:
    """One label order of a version: ``order`` by name, or the version's default.

    Any declared name is accepted, also one listed under another name because it
    has the same sequence (``listed`` of ILSVRC-2012 is ``sorted``).

    Raises:
        UnknownOrderError: the version has no order of that name (the message lists them).
    """
    cat = catalog_or_default(catalog)
    vid = cat.resolve(version)
    orders = _orders(cat, vid)
    if order is None:
        return orders[0]
    if not isinstance(order, str):
        msg = f"an order name is a string, not {type(order).__name__}"
        raise UnknownOrderError(msg)
    name = _aliases(cat, vid).get(order.strip().lower())
    if name is None:
        shown = order if len(order) <= 40 else order[:37] + "..."
        known = ", ".join(_aliases(cat, vid))
        msg = f"{vid} has no label order {shown!r}; known: {known}"
        raise UnknownOrderError(msg)
    found = next(o for o in orders if o.name == name)
    if name != order:
        return LabelOrder(found.version, order, found.wnids, found.source, found.status, found.offset,
                          found.background, found.is_default)  # fmt: skip
    return found


def class_to_idx(version: str, order: str | None = None, *, catalog: Catalog | None = None) -> dict[str, int]:
    """``{wnid: output index}`` like torchvision's ``ImageFolder.class_to_idx`` (folders named by wnid).

    >>> class_to_idx("ilsvrc2012")["n01440764"]
    0
    >>> class_to_idx("ilsvrc2012", "tf-slim")["n01440764"]
    1
    """
    o = label_order(version, order, catalog=catalog)
    return {w: o.offset + k for k, w in enumerate(o.wnids)}


def indices_of(
    version: str, wnids: Iterable[str], order: str | None = None, *, catalog: Catalog | None = None
) -> dict[str, int]:
    """The output index of each of ``wnids`` that the version has (absent ones are left out)."""
    o = label_order(version, order, catalog=catalog)
    pos = _positions(o.wnids)
    return {w: o.offset + pos[w] for w in wnids if w in pos}


def label_names(version: str, order: str | None = None, *, catalog: Catalog | None = None) -> list[str]:
    """timm-style ``label_names``: the wnid of each output (``background`` for an offset output)."""
    return list(label_order(version, order, catalog=catalog).labels())


def _first_lemma(cat: Catalog, w: str) -> str:
    return cat.name_of(w).split(",")[0].strip() or w


@functools.cache
def _torchvision_names() -> dict[str, str]:
    """wnid -> torchvision's ILSVRC-2012 category name (``data/torchvision_categories.txt``)."""
    names = _data.read_text("torchvision_categories.txt").splitlines()
    cats = sorted(Catalog.default().categories("ilsvrc2012"))
    if len(names) != len(cats):
        msg = f"imagenet_versions/data/torchvision_categories.txt has {len(names)} names, not {len(cats)}"
        raise DataFileError(msg)
    return dict(zip(cats, names, strict=True))


def _hidden(show_offensive: bool) -> frozenset[str]:
    if show_offensive:
        return frozenset()
    from imagenet_versions.flags import withheld_labels

    return withheld_labels()


def _unique_names(cat: Catalog, vid: str) -> dict[str, str]:
    return _unique_names_for(cat, vid, cat.categories(vid))


@functools.lru_cache(maxsize=64)
def _unique_names_for(cat: Catalog, vid: str, cats: tuple[str, ...]) -> dict[str, str]:
    base = {w: _first_lemma(cat, w) for w in cats}
    groups: dict[str, list[str]] = {}
    for w, n in base.items():
        groups.setdefault(n, []).append(w)
    tv = _torchvision_names()
    for members in groups.values():
        if len(members) > 1:
            for w in members:
                base[w] = tv.get(w, base[w])
    counts: dict[str, int] = {}
    for n in base.values():
        counts[n] = counts.get(n, 0) + 1
    return {w: (f"{n} ({w})" if counts[n] > 1 else n) for w, n in base.items()}


def display_names(
    version: str, order: str | None = None, *, show_offensive: bool = False, catalog: Catalog | None = None
) -> list[str]:
    """Unique display names, one per output, in the order's index order.

    See the module docstring for the rule. Withheld (offensive) labels are shown as
    their wnid, which keeps the names unique.

    >>> names = display_names("ilsvrc2012")
    >>> names[134], names[517], names[638], names[639]
    ('crane bird', 'crane', 'maillot', 'maillot tank suit')
    >>> len(set(names)) == len(names)
    True
    """
    cat = catalog_or_default(catalog)
    o = label_order(version, order, catalog=cat)
    unique = _unique_names(cat, o.version)
    hidden = _hidden(show_offensive)
    names = [w if w in hidden else unique[w] for w in o.wnids]
    return [o.background or "background"] * o.offset + names


def class_label_names(
    version: str, order: str | None = None, *, show_offensive: bool = False, catalog: Catalog | None = None
) -> list[str]:
    """Names for Hugging Face ``datasets.ClassLabel(names=...)``: the unique display names."""
    return display_names(version, order, show_offensive=show_offensive, catalog=catalog)


def label_descriptions(
    version: str, order: str | None = None, *, show_offensive: bool = False, catalog: Catalog | None = None
) -> list[str]:
    """timm-style ``label_descriptions``: the shipped lemmas of each output's class.

    Offensive-flagged classes read ``"[label withheld: offensive]"`` unless ``show_offensive``.
    """
    cat = catalog_or_default(catalog)
    o = label_order(version, order, catalog=cat)
    hidden = _hidden(show_offensive)
    out = ["[label withheld: offensive]" if w in hidden else cat.name_of(w) for w in o.wnids]
    return [o.background or "background"] * o.offset + out


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("_", " ")).strip().lower()


def _name_lookup(cat: Catalog, vid: str) -> dict[str, tuple[str, ...]]:
    """Normalised name -> the classes of ``vid`` it names (display names, every lemma, torchvision)."""
    return _name_lookup_for(cat, vid, cat.categories(vid))


@functools.lru_cache(maxsize=64)
def _name_lookup_for(cat: Catalog, vid: str, cats: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    tv = _torchvision_names()
    for w, shown in _unique_names_for(cat, vid, cats).items():
        keys = {_norm(shown), _norm(cat.name_of(w))}
        keys.update(_norm(lemma) for lemma in cat.name_of(w).split(","))
        if w in tv:
            keys.add(_norm(tv[w]))
        for k in keys:
            if k:
                table.setdefault(k, []).append(w)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


def index_of(version: str, wnid_or_name: str, *, order: str | None = None, catalog: Catalog | None = None) -> int:
    """The output index of a class, given by wnid or by name (a display name or any lemma).

    Raises:
        UnknownClassError: the version has no such class, or the name names several
            (the message lists them by wnid and index).

    >>> index_of("ilsvrc2012", "n01440764"), index_of("ilsvrc2012", "tench")
    (0, 0)
    >>> index_of("ilsvrc2012", "crane bird"), index_of("imagenet-22k-ms", "crane bird")
    (134, 134)
    """
    cat = catalog_or_default(catalog)
    o = label_order(version, order, catalog=cat)
    if not isinstance(wnid_or_name, str):
        msg = f"a class is a wnid or a name, not {type(wnid_or_name).__name__}"
        raise UnknownClassError(msg)
    query = wnid_or_name.strip()
    shown = query if len(query) <= 60 else query[:57] + "..."
    pos = _positions(o.wnids)
    if is_wnid(query):
        if query not in pos:
            msg = f"{o.version} has no class {shown!r}"
            raise UnknownClassError(msg)
        return o.offset + pos[query]
    hits = _name_lookup(cat, o.version).get(_norm(query), ())
    if not hits:
        msg = f"{o.version} has no class named {shown!r}; give a wnid or one of its lemmas"
        raise UnknownClassError(msg)
    if len(hits) > 1:
        listed = ", ".join(f"{w} (index {o.offset + pos[w]})" for w in hits)
        msg = f"{shown!r} names {len(hits)} classes of {o.version}: {listed}; give a wnid"
        raise UnknownClassError(msg)
    return o.offset + pos[hits[0]]


def class_mask(
    classes_of: str | Sequence[str], space: str, *, order: str | None = None, catalog: Catalog | None = None
) -> Any:
    """A boolean mask over ``space``'s outputs: ``True`` where the class is one of ``classes_of``.

    ``classes_of`` is a version (its categories) or a list of wnids. The ImageNet-R
    mask in the 1K head is ``class_mask("imagenet-r", "ilsvrc2012")``. Returns a numpy
    array where numpy is installed, else a list.

    >>> m = class_mask("imagenet-r", "ilsvrc2012")
    >>> int(sum(m)), len(m)
    (200, 1000)
    """
    cat = catalog_or_default(catalog)
    o = label_order(space, order, catalog=cat)
    if isinstance(classes_of, str):
        try:
            wanted = set(cat.categories(classes_of))
        except CategoriesUnknownError:
            raise
    else:
        wanted = {str(w) for w in classes_of}
    mask = [False] * o.offset + [w in wanted for w in o.wnids]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a core dependency
        return mask
    return np.array(mask, dtype=bool)


def with_indices(report: Any, order: str, *, catalog: Catalog | None = None) -> Any:
    """``report`` (a :class:`~imagenet_versions.audit.SurvivorReport` or
    :class:`~imagenet_versions.audit.Subtree`) with the output index of each class in ``order``.

    A survivor's index is that of its label in the version (itself, or the superclass
    a relabel gives it). Used by ``survivors(..., order=)`` and ``subtree(..., order=)``.
    """
    import attrs

    o = label_order(report.version, order, catalog=catalog)
    pos = _positions(o.wnids)
    if hasattr(report, "survivors"):
        rows = tuple(
            attrs.evolve(s, index=(o.offset + pos[s.label]) if s.label in pos else None) for s in report.survivors
        )
        return attrs.evolve(report, survivors=rows, order=o.name)
    indices = {w: o.offset + pos[w] for w in report.present if w in pos}
    return attrs.evolve(report, order=o.name, indices=indices)
