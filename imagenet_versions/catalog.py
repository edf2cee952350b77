"""The catalog: one frozen :class:`Version` record per ImageNet version, and the
derivations (:class:`Derivation`) that link them.

The shipped catalog is ``data/catalog.toml``; category lists are under
``data/categories/`` and operation evidence under ``data/operations/``, all
rebuilt by ``tools/build_data.py``. Nothing is read until it is needed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import attrs
from attrs import field, frozen

from imagenet_versions import _data
from imagenet_versions.errors import (
    AmbiguousVersionError,
    CatalogError,
    CategoriesUnknownError,
    UnknownVersionError,
)
from imagenet_versions.operations import OPERATION_TYPES, Operation

__all__ = ["Catalog", "Derivation", "Disagreement", "Version", "catalog_or_default", "default_catalog", "normalize"]

CategoryStatus = Literal["published", "reconstructed", "derived", "unknown"]
_STATUSES = ("published", "reconstructed", "derived", "unknown")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_CATEGORY_RE = re.compile(r"^(n\d{8}|dummy\d+)$")
# a whole file of category ids, one per line (what _read_lines checks line by line)
_CATEGORY_LINES = re.compile(r"(?:n[0-9]{8}\n)*")


def normalize(name: str) -> str:
    """Fold a version name for lookup: lower case, letters and digits only.

    >>> normalize("ILSVRC-2012") == normalize("ilsvrc2012")
    True
    """
    return re.sub(r"[^a-z0-9%]", "", name.lower())


def _strings(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _operations(items: Iterable[Operation]) -> tuple[Operation, ...]:
    return tuple(items)


@frozen
class Disagreement:
    """Two or more sources that state different values for the same fact."""

    what: str
    values: tuple[tuple[Any, str], ...]  # (value, source)
    note: str = ""


def _disagreements(items: Iterable[Disagreement]) -> tuple[Disagreement, ...]:
    return tuple(items)


@frozen
class Version:
    """One member of the ImageNet family.

    ``num_categories`` is the count a source declares (``None`` if none does);
    the categories themselves come from :meth:`Catalog.categories`.
    """

    id: str
    name: str
    aliases: tuple[str, ...] = field(default=(), converter=_strings)
    year: int | None = None
    citation: str = ""
    homepage: str = ""
    licence: str = ""
    category_status: CategoryStatus = "derived"
    categories_source: str = ""
    num_categories: int | None = None
    num_categories_source: str = ""
    images: Mapping[str, int] = field(factory=dict, converter=dict, hash=False)
    images_source: str = ""
    notes: tuple[str, ...] = field(default=(), converter=_strings)
    disagreements: tuple[Disagreement, ...] = field(default=(), converter=_disagreements)

    def __repr__(self) -> str:
        n = f"{self.num_categories:,}" if self.num_categories is not None else "?"
        return f"<Version {self.id!r}: {self.name}, {n} classes, {self.category_status}>"


@frozen
class Derivation:
    """An edge of the lineage graph: ``child`` derives from ``parent`` by ``ops``.

    ``split`` says which split of the parent the edge maps where it matters
    (ReaL relabels *val*; SimCLR subsets *train*); ``None`` means all splits.
    ``known_mismatches`` lists documented disagreements between the published
    child list and the operations (wnid -> note).
    """

    parent: str
    child: str
    ops: tuple[Operation, ...] = field(converter=_operations)
    split: str | None = None
    evidence: str = ""
    known_mismatches: Mapping[str, str] = field(factory=dict, converter=dict, hash=False)

    @property
    def op(self) -> str:
        """The operation labels of this edge joined by ``+`` (e.g. ``subset+recollect``,
        ``image-relabel``; see :attr:`Operation.label`)."""
        return "+".join(o.label for o in self.ops)

    def describe(self) -> str:
        return "; ".join(o.describe() for o in self.ops)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.parent, "to": self.child, "op": self.op}
        if self.split:
            out["split"] = self.split
        out["ops"] = [o.to_dict() for o in self.ops]
        if self.evidence:
            out["evidence"] = self.evidence
        return out

    def __repr__(self) -> str:
        return f"<Derivation {self.parent} -> {self.child}: {self.op}>"


class Catalog:
    """The versions and derivations of the family, read from a TOML file.

    Use :meth:`default` for the shipped catalog, or :meth:`from_toml` for your own
    (relative data paths in it are resolved against the file's folder).
    """

    def __init__(
        self,
        versions: Mapping[str, Version],
        edges: tuple[Derivation, ...],
        *,
        root: Path | Any,
        source: str = "<catalog>",
        shipped: bool = False,
    ) -> None:
        self._versions = dict(versions)
        self._edges = edges
        self._root = root
        self._source = source
        # the shipped catalog reads its lists through imagenet_versions._data, which checks
        # each file's sha256 against its provenance record instead of every line
        self._shipped = shipped
        self._categories: dict[str, tuple[str, ...] | None] = {}
        self._sets: dict[str, frozenset[str]] = {}
        self._lines: dict[str, tuple[str, ...]] = {}
        self._stores: dict[str, dict[Any, Any]] = {}
        self._resolved: dict[str, str] = {}
        self._name_table: dict[str, str] | None = None
        self._alias: dict[str, set[str]] = {}
        for v in self._versions.values():
            for a in (v.id, *v.aliases):
                self._alias.setdefault(normalize(a), set()).add(v.id)
        for vid in self._versions:  # an id always means itself, even if also an alias elsewhere
            self._alias[normalize(vid)] = {vid}
        self._parents: dict[str, list[Derivation]] = {}
        for e in edges:
            self._parents.setdefault(e.child, []).append(e)

    # ---------------------------------------------------------------- construction

    @classmethod
    @functools.cache
    def default(cls) -> Catalog:
        """The shipped catalog (read once)."""
        root = files("imagenet_versions") / "data"
        text = (root / "catalog.toml").read_text("utf-8")
        return cls._from_text(text, root, "imagenet_versions/data/catalog.toml", shipped=True)

    @classmethod
    def from_toml(cls, path: str | Path) -> Catalog:
        """Read a catalog file; data paths are relative to its folder."""
        p = Path(path)
        try:
            text = p.read_text("utf-8")
        except OSError as exc:
            msg = f"cannot read catalog {str(p)!r}: {exc.strerror}"
            raise CatalogError(msg) from exc
        return cls._from_text(text, p.parent, str(p))

    @classmethod
    def _from_text(cls, text: str, root: Any, source: str, *, shipped: bool = False) -> Catalog:
        import tomllib

        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = f"{source}: not valid TOML: {exc}"
            raise CatalogError(msg) from exc
        versions: dict[str, Version] = {}
        for i, rec in enumerate(doc.get("version", []), 1):
            v = _version_from_record(rec, f"{source}: version #{i}")
            if v.id in versions:
                msg = f"{source}: duplicate version id {v.id!r}"
                raise CatalogError(msg)
            versions[v.id] = v
        reader = cls(versions, (), root=root, source=source, shipped=shipped)
        edges = []
        for i, rec in enumerate(doc.get("edge", []), 1):
            edges.append(reader._edge_from_record(rec, f"{source}: edge #{i}"))
        cat = cls(versions, tuple(edges), root=root, source=source, shipped=shipped)
        cat._lines = reader._lines  # lists already read for the edges' operations
        for e in edges:
            if len(cat._parents[e.child]) > 1 and versions[e.child].category_status == "derived":
                msg = f"{source}: derived version {e.child!r} has several parents; its categories are ambiguous"
                raise CatalogError(msg)
        return cat

    # ---------------------------------------------------------------- lookup

    def __iter__(self) -> Iterator[Version]:
        return iter(self._versions.values())

    def __len__(self) -> int:
        return len(self._versions)

    def __contains__(self, query: object) -> bool:
        return isinstance(query, str) and normalize(query) in self._alias

    def __repr__(self) -> str:
        return f"<Catalog {self._source}: {len(self._versions)} versions, {len(self._edges)} derivations>"

    @property
    def edges(self) -> tuple[Derivation, ...]:
        return self._edges

    def resolve(self, query: str) -> str:
        """Return the canonical id for an id or alias.

        Matching ignores case and punctuation (``ImageNet-1K``, ``in1k`` and
        ``ILSVRC-2012`` all give ``ilsvrc2012``).

        Raises:
            UnknownVersionError: nothing matches; the message names the closest ids.
            AmbiguousVersionError: the alias names several versions; the message
                names each with its class count.
        """
        if isinstance(query, Version):
            query = query.id
        if isinstance(query, str):
            known = self._resolved.get(query)
            if known is not None:
                return known
        key = normalize(str(query))
        ids = self._alias.get(key)
        if not ids:
            import difflib

            close = difflib.get_close_matches(key, list(self._alias), n=8, cutoff=0.6)
            cands: list[str] = []
            for c in close:
                for vid in sorted(self._alias[c]):
                    if vid not in cands:
                        cands.append(vid)
            raise UnknownVersionError(str(query), tuple(cands[:5]), tuple(sorted(self._versions)))
        if len(ids) > 1:
            ordered = sorted(ids)
            raise AmbiguousVersionError(
                str(query), tuple((vid, self._count(vid)) for vid in ordered), "use one of these ids"
            )
        vid = next(iter(ids))
        if isinstance(query, str):
            self._resolved[query] = vid
        return vid

    def get(self, query: str) -> Version:
        """Return the :class:`Version` for an id or alias (see :meth:`resolve`)."""
        return self._versions[self.resolve(query)]

    def parents(self, query: str) -> tuple[Derivation, ...]:
        """The derivations that produce a version (empty for roots)."""
        return tuple(self._parents.get(self.resolve(query), ()))

    def _count(self, vid: str) -> int | None:
        v = self._versions[vid]
        if v.num_categories is not None:
            return v.num_categories
        try:
            return len(self.categories(vid))
        except CategoriesUnknownError:
            return None

    def _store(self, name: str) -> dict[Any, Any]:
        """A cache that lives as long as this catalog, for the query modules (diff, audit):
        answers computed from it once (edge steps, member classes, recent diffs)."""
        found = self._stores.get(name)
        if found is None:
            found = self._stores[name] = {}
        return found

    # ---------------------------------------------------------------- categories

    def categories(self, query: str) -> tuple[str, ...]:
        """The version's categories (wnids) in label-index order.

        Published and reconstructed lists are read from the shipped files;
        derived ones are computed by applying the parent edge's operations.

        Raises:
            CategoriesUnknownError: the list is not published and cannot be derived.
        """
        vid = self.resolve(query)
        cats = self._categories_or_none(vid)
        if cats is None:
            v = self._versions[vid]
            msg = f"the categories of {vid!r} are not known: {v.categories_source or 'no list is published'}"
            raise CategoriesUnknownError(msg)
        return cats

    def name_of(self, wnid: str) -> str:
        """The lemmas of a category id, from the shipped ``names.tsv`` (the id itself if unknown)."""
        return self._names().get(wnid, wnid)

    def _names(self) -> dict[str, str]:
        if self._name_table is None:
            table: dict[str, str] = {}
            try:
                text = (self._root / "names.tsv").read_text("utf-8")
            except OSError:
                text = ""
            for line in text.splitlines():
                w, _, name = line.partition("\t")
                table[w] = name
            self._name_table = table
        return self._name_table

    def category_set(self, query: str) -> frozenset[str]:
        """The version's categories as a frozenset (built once per catalog and version).

        Raises:
            CategoriesUnknownError: as :meth:`categories`.
        """
        vid = self.resolve(query)
        found = self._sets.get(vid)
        if found is None:
            found = self._sets[vid] = frozenset(self.categories(vid))
        return found

    def has_categories(self, query: str) -> bool:
        return self._categories_or_none(self.resolve(query)) is not None

    def _categories_or_none(self, vid: str) -> tuple[str, ...] | None:
        if vid in self._categories:
            return self._categories[vid]
        v = self._versions[vid]
        cats: tuple[str, ...] | None
        if v.category_status in ("published", "reconstructed"):
            cats = tuple(self._read_lines(f"categories/{vid}.txt", f"categories of {vid!r}"))
        elif v.category_status == "derived" and self._parents.get(vid):
            (edge,) = self._parents[vid]
            parent = self._categories_or_none(edge.parent)
            cats = None if parent is None else apply_ops(edge.ops, parent)
        else:
            cats = None
        self._categories[vid] = cats
        return cats

    def _read_text(self, rel: str, what: str) -> str:
        if self._shipped:
            return _data.read_text(rel)
        try:
            return (self._root / rel).read_text("utf-8")
        except OSError as exc:
            msg = f"{self._source}: cannot read {rel} ({what}): {exc.strerror or exc}"
            raise CatalogError(msg) from exc

    def _read_lines(self, rel: str, what: str) -> tuple[str, ...]:
        found = self._lines.get(rel)
        if found is None:
            found = self._lines[rel] = tuple(self._parse_lines(rel, what))
        return found

    def _parse_lines(self, rel: str, what: str) -> list[str]:
        text = self._read_text(rel, what)
        if self._shipped or _CATEGORY_LINES.fullmatch(text):  # checked by sha256, or in one pass
            return text.split()
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            if not _CATEGORY_RE.match(line):
                msg = f"{rel}, line {n}: not a category id: {line!r}"
                raise CatalogError(msg)
            out.append(line)
        return out

    def _read_tsv(self, rel: str) -> list[list[str]]:
        text = self._read_text(rel, "operation evidence")
        rows = []
        check = not self._shipped  # shipped files are checked by their sha256 instead
        for n, line in enumerate(text.splitlines()[1:], 2):
            cols = line.split("\t")
            if len(cols) < 2 or (check and not _CATEGORY_RE.match(cols[0])):
                msg = f"{rel}, line {n}: expected '<wnid>\\t<value>', got {line!r}"
                raise CatalogError(msg)
            rows.append(cols)
        return rows

    # ---------------------------------------------------------------- edges

    def _edge_from_record(self, rec: Mapping[str, Any], where: str) -> Derivation:
        try:
            parent, child = rec["parent"], rec["child"]
        except KeyError as exc:
            msg = f"{where}: missing {exc.args[0]!r}"
            raise CatalogError(msg) from None
        for vid in (parent, child):
            if vid not in self._versions:
                msg = f"{where}: unknown version {vid!r}"
                raise CatalogError(msg)
        ops = tuple(self._op_from_record(o, child, f"{where} ({parent} -> {child})") for o in rec.get("ops", []))
        if not ops:
            msg = f"{where}: an edge needs at least one operation"
            raise CatalogError(msg)
        known = {m["wnid"]: m.get("note", "") for m in rec.get("known_mismatches", [])}
        return Derivation(parent, child, ops, rec.get("split"), rec.get("evidence", ""), known)

    def _op_from_record(self, rec: Mapping[str, Any], child: str, where: str) -> Operation:
        rec = dict(rec)
        kind = rec.pop("kind", None)
        cls = OPERATION_TYPES.get(str(kind))
        if cls is None:
            msg = f"{where}: unknown operation kind {kind!r}; known: {', '.join(OPERATION_TYPES)}"
            raise CatalogError(msg)
        # File references are resolved here, once; "@child" is the child's published list.
        for key in ("keep", "order", "labels"):
            if isinstance(rec.get(key), str) and (rec[key] == "@child" or "/" in rec[key]):
                rec[key] = self._list_ref(rec[key], child, where)
        if isinstance(rec.get("removed"), str):
            rec["removed"] = {r[0]: r[1] for r in self._read_tsv(rec["removed"])}
        if isinstance(rec.get("mapping"), str):
            rec["mapping"] = {r[0]: r[1] for r in self._read_tsv(rec["mapping"])}
        try:
            return cls(**rec)
        except TypeError as exc:
            msg = f"{where}: bad parameters for {kind!r}: {exc}"
            raise CatalogError(msg) from exc

    def _list_ref(self, ref: str, child: str, where: str) -> tuple[str, ...]:
        if ref == "@child":
            if self._versions[child].category_status not in ("published", "reconstructed"):
                msg = f"{where}: '@child' needs a published list for {child!r}"
                raise CatalogError(msg)
            return tuple(self._read_lines(f"categories/{child}.txt", f"categories of {child!r}"))
        if ref.endswith(".tsv"):
            return tuple(dict.fromkeys(r[0] for r in self._read_tsv(ref)))
        return tuple(self._read_lines(ref, where))


def apply_ops(ops: tuple[Operation, ...], categories: tuple[str, ...]) -> tuple[str, ...]:
    """Apply operations in order to a category list."""
    for op in ops:
        categories = op.apply(categories)
    return categories


def _version_from_record(rec: Mapping[str, Any], where: str) -> Version:
    rec = dict(rec)
    vid = rec.get("id")
    if not isinstance(vid, str) or not _ID_RE.match(vid):
        msg = f"{where}: bad or missing id {vid!r} (lower-case letters, digits, '.', '-')"
        raise CatalogError(msg)
    where = f"{where} ({vid})"
    if "name" not in rec:
        msg = f"{where}: missing 'name'"
        raise CatalogError(msg)
    status = rec.pop("categories", "derived")
    if status not in _STATUSES:
        msg = f"{where}: categories must be one of {', '.join(_STATUSES)}, not {status!r}"
        raise CatalogError(msg)
    dis = tuple(
        Disagreement(d["what"], tuple((x["value"], x["source"]) for x in d["values"]), d.get("note", ""))
        for d in rec.pop("disagreements", [])
    )
    known = {a.name for a in attrs.fields(Version)}
    extra = set(rec) - known
    if extra:
        msg = f"{where}: unknown field(s) {', '.join(sorted(extra))}"
        raise CatalogError(msg)
    try:
        return Version(category_status=status, disagreements=dis, **rec)
    except TypeError as exc:
        msg = f"{where}: {exc}"
        raise CatalogError(msg) from exc


def default_catalog() -> Catalog:
    """The shipped catalog."""
    return Catalog.default()


def catalog_or_default(catalog: Catalog | None) -> Catalog:
    """``catalog``, or the shipped catalog when it is ``None`` (the ``catalog=`` argument of every query)."""
    return catalog if catalog is not None else Catalog.default()
