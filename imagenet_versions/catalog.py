"""The catalog: one frozen :class:`Version` record per ImageNet version, and the
derivations (:class:`Derivation`) that link them.

The shipped catalog is ``data/catalog.toml``; category lists are under
``data/categories/`` and operation evidence under ``data/operations/``, all
rebuilt by ``tools/build_data.py``. Nothing is read until it is needed.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
from attrs import field, frozen

from imagenet_versions import _data
from imagenet_versions._types import frozen_mapping
from imagenet_versions.errors import (
    AmbiguousVersionError,
    CatalogError,
    CategoriesUnknownError,
    UnknownVersionError,
)
from imagenet_versions.ondemand import OnDemand
from imagenet_versions.operations import OPERATION_TYPES, Operation

__all__ = ["Catalog", "Derivation", "Disagreement", "Version", "catalog_or_default", "default_catalog", "normalize"]

CategoryStatus = Literal["published", "reconstructed", "derived", "unknown"]
_STATUSES = ("published", "reconstructed", "derived", "unknown")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
# a WordNet id, an artificial BREEDS node, or a label that is not a synset,
# namespaced by the dataset that defines it (``geirhos16:knife``, ``imagenet-vid:4``)
_CATEGORY_RE = re.compile(r"^(n\d{8}|dummy\d+|[a-z][a-z0-9-]*:[a-z0-9_]+)$")
# a whole file of category ids, one per line (what _read_lines checks line by line)
_CATEGORY_LINES = re.compile(r"(?:n[0-9]{8}\n)*")


def normalize(name: str) -> str:
    """Fold a version name for lookup: lower case, letters and digits only.

    >>> normalize("ILSVRC-2012") == normalize("ilsvrc2012")
    True
    """
    return re.sub(r"[^a-z0-9%]", "", name.lower())


def _strs(items: Iterable[str]) -> tuple[str, ...]:
    """attrs converter to a tuple (typed: mypy's attrs plugin cannot bind a generic converter)."""
    return tuple(items)


@frozen
class Disagreement:
    """Two or more sources that state different values for the same fact."""

    what: str
    values: tuple[tuple[Any, str], ...]  # (value, source)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """``{"what", "values": [{"value", "source"}], "note"}``, ready for :func:`json.dump`."""
        return {"what": self.what, "values": [{"value": x, "source": s} for x, s in self.values], "note": self.note}


def _disagreements(items: Iterable[Disagreement]) -> tuple[Disagreement, ...]:
    return tuple(items)


def _ops(items: Iterable[Operation]) -> tuple[Operation, ...]:
    return tuple(items)


@frozen
class Version:
    """One member of the ImageNet family.

    ``num_categories`` is the count a source declares; where none does, a
    :class:`Catalog` hands out the version with the length of its known category
    list (``num_categories_source`` then says so), and ``None`` only where the
    categories are unknown. The categories themselves come from
    :meth:`Catalog.categories`; their label orders from :meth:`Catalog.label_orders`.
    """

    id: str
    name: str
    aliases: tuple[str, ...] = field(default=(), converter=_strs)
    year: int | None = None
    citation: str = ""
    homepage: str = ""
    licence: str = ""
    category_status: CategoryStatus = "derived"
    categories_source: str = ""
    num_categories: int | None = None
    num_categories_source: str = ""
    images: Mapping[str, int] = field(factory=dict, converter=frozen_mapping, hash=False)
    images_source: str = ""
    notes: tuple[str, ...] = field(default=(), converter=_strs)
    disagreements: tuple[Disagreement, ...] = field(default=(), converter=_disagreements)
    #: upstream files the package may not ship, fetched on demand (see :mod:`imagenet_versions.ondemand`)
    on_demand: OnDemand | None = None

    @property
    def declared_num_categories(self) -> int | None:
        """The class count a source declares (``None`` where the count is derived or unknown)."""
        return None if self.num_categories_source.startswith("derived:") else self.num_categories

    def __repr__(self) -> str:
        n = f"{self.num_categories:,}" if self.num_categories is not None else "?"
        return f"<Version {self.id!r}: {self.name}, {n} classes, {self.category_status}>"

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON values, in declaration order (the ``version@1`` shape)."""
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "year": self.year,
            "citation": self.citation,
            "homepage": self.homepage,
            "licence": self.licence,
            "category_status": self.category_status,
            "categories_source": self.categories_source,
            "num_categories": self.num_categories,
            "num_categories_source": self.num_categories_source,
            "images": dict(self.images),
            "images_source": self.images_source,
            "notes": list(self.notes),
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


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
    ops: tuple[Operation, ...] = field(converter=_ops)
    split: str | None = None
    evidence: str = ""
    known_mismatches: Mapping[str, str] = field(factory=dict, converter=frozen_mapping, hash=False)

    @property
    def op(self) -> str:
        """The operation labels of this edge joined by ``+`` (e.g. ``subset+recollect``,
        ``image-relabel``; see :attr:`~imagenet_versions.operations.Operation.label`)."""
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


def _mismatches(rec: Mapping[str, Any]) -> dict[str, str]:
    """An edge record's documented mismatches: wnid -> note."""
    return {m["wnid"]: m.get("note", "") for m in rec.get("known_mismatches", [])}


class _EdgeRecord:
    """An edge of a catalog file, its ends checked, its operations not yet read."""

    __slots__ = ("child", "parent", "record", "where")

    def __init__(self, record: Mapping[str, Any], where: str) -> None:
        self.parent: str = record["parent"]
        self.child: str = record["child"]
        self.record = record
        self.where = where

    @classmethod
    def check(cls, rec: Mapping[str, Any], versions: Mapping[str, Version], where: str) -> _EdgeRecord:
        try:
            parent, child = rec["parent"], rec["child"]
        except KeyError as exc:
            msg = f"{where}: missing {exc.args[0]!r}"
            raise CatalogError(msg) from None
        for vid in (parent, child):
            if not isinstance(vid, str) or vid not in versions:
                msg = f"{where}: unknown version {vid!r}"
                raise CatalogError(msg)
        if not rec.get("ops"):
            msg = f"{where}: an edge needs at least one operation"
            raise CatalogError(msg)
        return cls(rec, where)


class Catalog:
    """The versions and derivations of the family, read from a TOML file.

    Use :meth:`default` for the shipped catalog, or :meth:`from_toml` for your own
    (relative data paths in it are resolved against the file's folder).
    """

    def __init__(
        self,
        versions: Mapping[str, Version],
        edges: Sequence[Derivation],
        *,
        root: Path | Any,
        source: str = "<catalog>",
        alias_notes: Mapping[str, tuple[tuple[str, ...], str]] | None = None,
        shipped: bool = False,
    ) -> None:
        self._versions = dict(versions)
        self._set_edges(list(edges))
        self._root = root
        self._source = source
        # the shipped catalog reads its files through _data, which checks each
        # against its provenance record; a user's catalog reads its own folder
        self._shipped = shipped
        self._categories: dict[str, tuple[str, ...] | None] = {}
        self._sets: dict[str, frozenset[str]] = {}
        self._lines: dict[str, tuple[str, ...]] = {}
        self._tsv: dict[str, list[list[str]]] = {}
        self._stores: dict[str, dict[Any, Any]] = {}
        self._resolved: dict[str, str] = {}
        self._name_table: dict[str, str] | None = None
        self._alias: dict[str, set[str]] = {}
        for v in self._versions.values():
            for a in (v.id, *v.aliases):
                self._alias.setdefault(normalize(a), set()).add(v.id)
        # names that collide: an [[alias]] table names its versions and says why
        self._alias_notes: dict[str, str] = {}
        for name, (vids, note) in (alias_notes or {}).items():
            self._alias.setdefault(normalize(name), set()).update(vids)
            if note:
                self._alias_notes[normalize(name)] = note
        for vid in self._versions:  # an id always means itself, even if also an alias elsewhere
            self._alias[normalize(vid)] = {vid}

    def _set_edges(self, edges: list[Derivation | _EdgeRecord]) -> None:
        """The catalog's edges: built ones, or records whose operations are read from
        their files when the edge is first asked for (:meth:`_edge`)."""
        self._edge_list = edges
        self._ends: tuple[tuple[str, str], ...] = tuple((e.parent, e.child) for e in edges)
        self._all_edges: tuple[Derivation, ...] | None = None
        self._parent_edges: dict[str, list[int]] = {}
        for i, (_parent, child) in enumerate(self._ends):
            self._parent_edges.setdefault(child, []).append(i)

    # ---------------------------------------------------------------- construction

    @classmethod
    @functools.cache
    def default(cls) -> Catalog:
        """The shipped catalog (read once; every file checked against its provenance record).

        It is read from ``data/catalog.json``, the hand-curated ``catalog.toml`` parsed
        when the data is built (``tools/record_curated.py``; JSON parses in well under a
        millisecond where TOML takes about 12 ms). Both files are checked against their
        records, so the two cannot drift apart unnoticed.

        Raises:
            IntegrityError: a shipped data file is missing or damaged.
        """
        import json

        _data.read_bytes("catalog.toml")  # the curated source: present and unchanged
        doc = json.loads(_data.read_text("catalog.json"))
        return cls._from_doc(doc, _data.root(), "imagenet_versions/data/catalog.toml", shipped=True)

    @classmethod
    def from_toml(cls, path: str | Path) -> Catalog:
        """Read a catalog file; data paths are relative to its folder."""
        p = Path(path)
        try:
            data = _read_capped(p)
        except OSError as exc:
            msg = f"cannot read catalog {str(p)!r}: {exc.strerror or exc}"
            raise CatalogError(msg) from exc
        return cls._from_text(_decode(data, str(p)), p.parent, str(p))

    @classmethod
    def _from_text(cls, text: str, root: Any, source: str, *, shipped: bool = False) -> Catalog:
        import tomllib

        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = f"{source}: not valid TOML: {exc}"
            raise CatalogError(msg) from exc
        return cls._from_doc(doc, root, source, shipped=shipped)

    @classmethod
    def _from_doc(cls, doc: Mapping[str, Any], root: Any, source: str, *, shipped: bool = False) -> Catalog:
        versions: dict[str, Version] = {}
        for i, rec in enumerate(doc.get("version", []), 1):
            v = _version_from_record(rec, f"{source}: version #{i}")
            if v.id in versions:
                msg = f"{source}: duplicate version id {v.id!r}"
                raise CatalogError(msg)
            versions[v.id] = v
        notes = _alias_records(doc.get("alias", []), versions, source)
        edges = [
            _EdgeRecord.check(rec, versions, f"{source}: edge #{i}") for i, rec in enumerate(doc.get("edge", []), 1)
        ]
        cat = cls(versions, (), root=root, source=source, alias_notes=notes, shipped=shipped)
        cat._set_edges(list(edges))
        for e in edges:
            if len(cat._parent_edges[e.child]) > 1 and versions[e.child].category_status == "derived":
                msg = f"{source}: derived version {e.child!r} has several parents; its categories are ambiguous"
                raise CatalogError(msg)
        if not shipped:  # a user's catalog reports a bad operation or list when it is read
            _ = cat.edges
        return cat

    def with_versions(self, versions: tuple[Version, ...], edges: tuple[Derivation, ...], *, source: str) -> Catalog:
        """A new catalog: this one plus ``versions`` and their ``edges`` (how user
        versions join the shipped catalog). Ids already here are refused."""
        for v in versions:
            if v.id in self:
                msg = f"{source}: version {v.id!r} is already a catalog id or alias"
                raise CatalogError(msg)
        merged = {**self._versions, **{v.id: v for v in versions}}
        new = Catalog(merged, (), root=self._root, source=source, shipped=self._shipped)
        new._set_edges([*self._edge_list, *edges])
        new._categories.update(self._categories)  # what is already read stays read
        new._lines, new._tsv = self._lines, self._tsv
        return new

    # ---------------------------------------------------------------- lookup

    def __iter__(self) -> Iterator[Version]:
        return iter([self._counted(vid) for vid in list(self._versions)])

    def __len__(self) -> int:
        return len(self._versions)

    def ids(self) -> tuple[str, ...]:
        """The version ids, in catalog order (iterating gives the :class:`Version` records)."""
        return tuple(self._versions)

    def __contains__(self, query: object) -> bool:
        return isinstance(query, str) and normalize(query) in self._alias

    def __repr__(self) -> str:
        return f"<Catalog {self._source}: {len(self._versions)} versions, {len(self._ends)} derivations>"

    @property
    def edges(self) -> tuple[Derivation, ...]:
        """Every derivation, in catalog order."""
        if self._all_edges is None:
            self._all_edges = tuple(self._edge(i) for i in range(len(self._edge_list)))
        return self._all_edges

    def _edge(self, i: int) -> Derivation:
        """Edge ``i`` (in catalog order), its operations read on first use."""
        e = self._edge_list[i]
        if isinstance(e, _EdgeRecord):
            e = self._edge_list[i] = self._edge_from_record(e.record, e.where)
        return e

    def _edge_op_kinds(self, i: int) -> tuple[tuple[str, str], ...]:
        """``(kind, level)`` of each operation of edge ``i``, read from its record where the
        edge is not built yet (no operation's files are read)."""
        e = self._edge_list[i]
        if not isinstance(e, _EdgeRecord):
            return tuple((o.kind, o.level) for o in e.ops)
        out = []
        for o in e.record.get("ops", ()):
            cls = OPERATION_TYPES.get(str(o.get("kind"))) if isinstance(o, Mapping) else None
            if cls is None:  # a bad record: building the edge reports it
                return tuple((op.kind, op.level) for op in self._edge(i).ops)
            out.append((cls.kind, str(o.get("level", attrs.fields(cls).level.default))))
        return tuple(out)

    def _edge_may_introduce(self, i: int) -> bool:
        """Whether edge ``i`` has an operation that brings classes its parent lacks (an ``extend``)."""
        return any(kind == "extend" for kind, _level in self._edge_op_kinds(i))

    def _relabels_categories(self, vid: str) -> bool:
        """Whether an edge into ``vid`` relabels categories (BREEDS, ImageNet-9), without
        building its edges."""
        return any(("relabel", "categories") in self._edge_op_kinds(i) for i in self._parent_edges.get(vid, ()))

    def _parent_ids(self, vid: str) -> tuple[str, ...]:
        """The parents of a resolved id, from the edge ends (no edge built)."""
        return tuple(self._ends[i][0] for i in self._parent_edges.get(vid, ()))

    def _edge_mismatches(self, i: int) -> Mapping[str, str]:
        """Edge ``i``'s documented mismatches (wnid -> note), read from its record where the
        edge is not built yet (they need none of its operations' files)."""
        e = self._edge_list[i]
        return _mismatches(e.record) if isinstance(e, _EdgeRecord) else e.known_mismatches

    def _known_on_demand(self) -> tuple[str, ...]:
        """The versions whose categories come from an on-demand list that is cached now:
        all that can change which categories a catalog knows."""
        return tuple(
            vid
            for vid, v in self._versions.items()
            if v.on_demand is not None and v.on_demand.what == "categories" and self.has_categories(vid)
        )

    def _edge_ends(self) -> tuple[tuple[str, str], ...]:
        """``(parent, child)`` of every edge, in catalog order, without reading any operation."""
        return self._ends

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
            why = self._alias_notes.get(key, "")
            sources = "; ".join(f"{vid}: {_short_citation(self._versions[vid])}" for vid in ordered)
            raise AmbiguousVersionError(
                str(query),
                tuple((vid, self._count(vid)) for vid in ordered),
                f"{why + '; ' if why else ''}use one of these ids (sources: {sources})",
            )
        vid = next(iter(ids))
        if isinstance(query, str):
            self._resolved[query] = vid
        return vid

    def get(self, query: str) -> Version:
        """Return the :class:`Version` for an id or alias (see :meth:`resolve`).

        A version with no declared class count reports the derived one (issue 9).
        """
        return self._counted(self.resolve(query))

    def _counted(self, vid: str) -> Version:
        """The version, with the length of its known category list where no count is declared.

        Computed on each call, never stored: what is known may change (a list fetched on demand).
        """
        v = self._versions[vid]
        if v.num_categories is None and v.category_status != "unknown":
            try:
                cats = self._categories_or_none(vid)
            except CatalogError:  # a broken list is reported where the categories are asked for
                cats = None
            if cats is not None:
                v = attrs.evolve(
                    v,
                    num_categories=len(cats),
                    num_categories_source=(
                        "derived: the length of the version's category list (no source declares a count)"
                    ),
                )
        return v

    def label_orders(self, query: str) -> tuple[Any, ...]:
        """The version's label orders (:class:`~imagenet_versions.orders.LabelOrder`), default first."""
        from imagenet_versions.orders import label_orders

        return label_orders(query, catalog=self)

    def label_order(self, query: str, order: str | None = None) -> Any:
        """One label order of the version (its default when ``order`` is ``None``)."""
        from imagenet_versions.orders import label_order

        return label_order(query, order, catalog=self)

    def parents(self, query: str) -> tuple[Derivation, ...]:
        """The derivations that produce a version (empty for roots)."""
        return tuple(self._edge(i) for i in self._parent_edges.get(self.resolve(query), ()))

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
            if v.on_demand is not None and v.on_demand.what == "categories":
                msg = (
                    f"the categories of {vid!r} are not known until fetched: they are not shipped "
                    f"({v.on_demand.licence or v.licence}); download them once with Catalog.fetch_on_demand({vid!r})"
                )
            raise CategoriesUnknownError(msg)
        return cats

    def fetch_on_demand(self, query: str, *, mirror: str | None = None) -> tuple[Path, ...]:
        """Download (once, into the cache) the pinned upstream files of a version the
        package may not ship, and return their local paths.

        After this, :meth:`categories` works offline for versions whose on-demand
        files hold the category list. ``mirror`` is a base URL to fetch from instead.

        Raises:
            CatalogError: the version has nothing to fetch.
            DownloadError, IntegrityError: see :func:`imagenet_versions._fetch.fetch`.
        """
        from imagenet_versions import ondemand

        vid = self.resolve(query)
        od = self._versions[vid].on_demand
        if od is None:
            msg = f"{vid!r} has no on-demand files; its data ships with the package or is unknown"
            raise CatalogError(msg)
        paths = ondemand.fetch(od, mirror=mirror)
        self._categories.pop(vid, None)
        return paths

    def name_of(self, wnid: str) -> str:
        """The lemmas of a category id, from the shipped ``names.tsv`` (the id itself if unknown)."""
        return self._names().get(wnid, wnid)

    def _names(self) -> dict[str, str]:
        if self._name_table is None:
            table: dict[str, str] = {}
            if self._shipped:
                text = self._read_text("names.tsv", "category names")
            else:  # a user's catalog may have no names
                try:
                    text = self._read_text("names.tsv", "category names")
                except CatalogError:
                    text = ""
            for line in text.split("\n"):
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
        if v.on_demand is not None and v.on_demand.what == "categories":
            # never memoised: what is known follows the cache (a later fetch is seen, a
            # cleared cache or another cache folder is too)
            return self._on_demand_categories(v.on_demand)
        elif v.category_status in ("published", "reconstructed"):
            cats = tuple(self._read_lines(f"categories/{vid}.txt", f"categories of {vid!r}"))
        elif v.category_status == "derived" and self._parent_edges.get(vid):
            (i,) = self._parent_edges[vid]
            edge = self._edge(i)
            parent = self._categories_or_none(edge.parent)
            cats = None if parent is None else apply_ops(edge.ops, parent)
            if self._on_demand_root(edge.parent):
                return cats
        else:
            cats = None
        self._categories[vid] = cats
        return cats

    def _on_demand_root(self, vid: str) -> bool:
        """True when ``vid``'s categories come, through derived edges, from an on-demand list."""
        while True:
            v = self._versions[vid]
            if v.on_demand is not None and v.on_demand.what == "categories":
                return True
            parents = self._parent_edges.get(vid)
            if v.category_status != "derived" or not parents:
                return False
            vid = self._ends[parents[0]][0]

    def _on_demand_categories(self, od: OnDemand) -> tuple[str, ...] | None:
        from imagenet_versions import ondemand

        paths = ondemand.cached(od)
        if paths is None:
            return None
        context = {need: self.categories(need) for need in ondemand.NEEDS.get(od.format, ())}
        return ondemand.parse_categories(od, paths, context)

    def _read_text(self, rel: str, what: str) -> str:
        if self._shipped:
            from imagenet_versions import _data

            return _data.read_text(rel)
        # the reference itself may not leave the folder (symlinks the user made are followed)
        norm = os.path.normpath(rel)
        if os.path.isabs(norm) or norm == ".." or norm.startswith(".." + os.sep) or "\x00" in rel:
            msg = f"{self._source}: {rel!r} ({what}) is outside the catalog's folder"
            raise CatalogError(msg)
        path = Path(self._root) / norm
        try:
            data = _read_capped(path)
        except OSError as exc:
            msg = f"{self._source}: cannot read {rel} ({what}): {exc.strerror or exc}"
            raise CatalogError(msg) from exc
        return _decode(data, str(path))

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
        for n, line in enumerate(text.split("\n"), 1):
            line = line.strip()
            if not line:
                continue
            if not _CATEGORY_RE.match(line):
                msg = f"{rel}, line {n}: not a category id: {line!r}"
                raise CatalogError(msg)
            out.append(line)
        return out

    def _read_tsv(self, rel: str) -> list[list[str]]:
        """The rows of an evidence table, each cut into its first two columns and the rest
        (read once: a relabel's table gives both its ``keep`` list and its ``mapping``)."""
        found = self._tsv.get(rel)
        if found is None:
            found = self._tsv[rel] = self._parse_tsv(rel)
        return found

    def _parse_tsv(self, rel: str) -> list[list[str]]:
        text = self._read_text(rel, "operation evidence")
        if self._shipped:  # its ids are checked by its sha256 instead: one pass, line by line only on a short row
            rows = [line.split("\t", 2) for line in text.split("\n")[1:] if line]
            if all(len(r) >= 2 for r in rows):
                return rows
        rows = []
        for n, line in enumerate(text.split("\n")[1:], 2):
            if not line:
                continue
            cols = line.split("\t", 2)
            if len(cols) < 2 or (not self._shipped and not _CATEGORY_RE.match(cols[0])):
                msg = f"{rel}, line {n}: expected '<wnid>\\t<value>', got {line!r}"
                raise CatalogError(msg)
            rows.append(cols)
        return rows

    # ---------------------------------------------------------------- edges

    def _edge_from_record(self, rec: Mapping[str, Any], where: str) -> Derivation:
        parent, child = rec["parent"], rec["child"]  # checked by _EdgeRecord.check
        ops = tuple(self._op_from_record(o, child, f"{where} ({parent} -> {child})") for o in rec.get("ops", []))
        known = _mismatches(rec)
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


#: The largest file of a user's catalog that is read (256 MiB; the shipped ones are under 1 MB).
_MAX_FILE = 256 << 20


def _read_capped(path: Path) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read(_MAX_FILE + 1)
    if len(data) > _MAX_FILE:
        msg = f"{str(path)!r} is larger than {_MAX_FILE:,} bytes"
        raise CatalogError(msg)
    return data


def _decode(data: bytes, where: str) -> str:
    """A user's catalog file as strict UTF-8 (a BOM is accepted), lines ending in LF."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        msg = f"{where}, line {line}: not UTF-8 ({exc.reason})"
        raise CatalogError(msg) from exc
    return text.replace("\r\n", "\n")


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
    if "on_demand" in rec:
        from imagenet_versions import ondemand

        rec["on_demand"] = ondemand.from_record(rec["on_demand"], where)
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


def _short_citation(v: Version) -> str:
    """``Hendrycks et al. 2021`` from a version's citation and year."""
    authors = v.citation.split(". ")[0]
    first = re.split(r"[,.]| et al", authors)[0].strip() or v.id
    several = "," in authors or "et al" in authors
    return f"{first}{' et al.' if several else ''}{f' {v.year}' if v.year else ''}"


def _alias_records(
    records: list[Mapping[str, Any]], versions: Mapping[str, Version], source: str
) -> dict[str, tuple[tuple[str, ...], str]]:
    """``[[alias]]`` tables: a name that several versions go by, and why it is ambiguous."""
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    for i, rec in enumerate(records, 1):
        where = f"{source}: alias #{i}"
        name, vids = rec.get("name"), rec.get("versions")
        if not isinstance(name, str) or not isinstance(vids, list) or len(vids) < 2:
            msg = f"{where}: an alias needs a 'name' and a list of at least two 'versions'"
            raise CatalogError(msg)
        unknown = [v for v in vids if v not in versions]
        if unknown:
            msg = f"{where} ({name}): unknown version(s) {', '.join(map(repr, unknown))}"
            raise CatalogError(msg)
        if name in versions:
            msg = f"{where}: {name!r} is a version id; an id always means itself"
            raise CatalogError(msg)
        out[name] = (tuple(vids), str(rec.get("note", "")))
    return out


def default_catalog() -> Catalog:
    """The shipped catalog."""
    return Catalog.default()


def catalog_or_default(catalog: Catalog | None) -> Catalog:
    """``catalog``, or the shipped catalog when it is ``None`` (the ``catalog=`` argument of every query).

    The default is the shipped catalog plus the user versions registered in the user
    data folder (``imagenet-versions manifest ingest --as NAME``); with none registered
    it is :meth:`Catalog.default` itself.
    """
    if catalog is not None:
        return catalog
    from imagenet_versions._dirs import user_data_dir

    if not (user_data_dir() / "versions").is_dir():  # one stat: no user version is registered
        return Catalog.default()
    from imagenet_versions.manifests._user import with_user_versions

    return with_user_versions(Catalog.default())
