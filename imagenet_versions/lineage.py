"""The lineage graph: versions as nodes, derivations as edges (networkx).

Graph queries follow networkx's names and return types: :func:`ancestors` and
:func:`descendants` return sets, :func:`derivation_path` a list, and
:func:`lineage_graph` a frozen :class:`networkx.DiGraph`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

from attrs import frozen

from imagenet_versions.catalog import Catalog, Derivation, apply_ops, catalog_or_default
from imagenet_versions.errors import CategoriesUnknownError, LineageError

if TYPE_CHECKING:
    import networkx as nx  # type: ignore[import-untyped]

__all__ = [
    "Mismatch",
    "Step",
    "ancestors",
    "common_ancestor",
    "derivation_path",
    "descendants",
    "lineage_graph",
    "verify",
]


@functools.lru_cache(maxsize=8)
def _graph(catalog: Catalog) -> nx.DiGraph:
    import networkx as nx  # imported on first use: keeps `import imagenet_versions` light

    g = nx.DiGraph()
    for v in catalog:
        g.add_node(v.id, version=v)
    for e in catalog.edges:
        g.add_edge(e.parent, e.child, derivation=e)
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g)
        msg = f"the lineage graph has a cycle: {cycle}"
        raise LineageError(msg)
    return nx.freeze(g)


def lineage_graph(catalog: Catalog | None = None) -> nx.DiGraph:
    """The frozen lineage graph.

    Nodes are version ids with a ``version`` attribute (:class:`Version`); edges
    carry a ``derivation`` attribute (:class:`Derivation`). Changing it raises
    ``networkx.NetworkXError("Frozen graph can't be modified")``; use ``.copy()``.
    """
    return _graph(catalog_or_default(catalog))


@frozen
class _Family:
    """Parent and child edges of every version, in catalog order: what the queries
    that only walk parents need, without networkx."""

    order: tuple[str, ...]
    up: Mapping[str, tuple[Derivation, ...]]
    down: Mapping[str, tuple[Derivation, ...]]

    def ancestors(self, vid: str) -> set[str]:
        seen: set[str] = set()
        stack = [vid]
        while stack:
            for e in self.up.get(stack.pop(), ()):
                if e.parent not in seen:
                    seen.add(e.parent)
                    stack.append(e.parent)
        return seen

    def descendants(self, vid: str) -> set[str]:
        seen: set[str] = set()
        stack = [vid]
        while stack:
            for e in self.down.get(stack.pop(), ()):
                if e.child not in seen:
                    seen.add(e.child)
                    stack.append(e.child)
        return seen

    def chain(self, top: str, vid: str) -> list[Derivation] | None:
        """The edges from ``top`` down to ``vid`` when that path is the only one (every
        version on the way has one parent edge); None when it is not."""
        out: list[Derivation] = []
        while vid != top:
            ups = self.up.get(vid, ())
            if len(ups) != 1:
                return None
            out.append(ups[0])
            vid = ups[0].parent
        out.reverse()
        return out


@functools.lru_cache(maxsize=8)
def _family(catalog: Catalog) -> _Family:
    up: dict[str, list[Derivation]] = {}
    down: dict[str, list[Derivation]] = {}
    for e in catalog.edges:
        up.setdefault(e.child, []).append(e)
        down.setdefault(e.parent, []).append(e)
    fam = _Family(
        tuple(v.id for v in catalog),
        {k: tuple(v) for k, v in up.items()},
        {k: tuple(v) for k, v in down.items()},
    )
    if len(_generations(fam)) != len(fam.order):
        _graph(catalog)  # raises LineageError naming the cycle
    return fam


def _generations(fam: _Family) -> dict[str, int]:
    """Each version's position in ``networkx.topological_sort`` of the lineage graph: the
    same generations (Kahn), nodes in catalog order, successors in edge order. Versions
    on a cycle get none."""
    indegree = {v: len(fam.up.get(v, ())) for v in fam.order}
    generation = [v for v in fam.order if indegree[v] == 0]
    position: dict[str, int] = {}
    while generation:
        nxt = []
        for v in generation:
            position[v] = len(position)
            for e in fam.down.get(v, ()):
                indegree[e.child] -= 1
                if indegree[e.child] == 0:
                    nxt.append(e.child)
        generation = nxt
    return position


@functools.lru_cache(maxsize=8)
def topological_edges(catalog: Catalog) -> tuple[Derivation, ...]:
    """Every edge, parents first: sorted by the positions of parent and child in
    ``networkx.topological_sort(lineage_graph(catalog))``, computed without networkx."""
    position = _generations(_family(catalog))
    return tuple(sorted(catalog.edges, key=lambda e: (position[e.parent], position[e.child])))


def ancestors(version: str, catalog: Catalog | None = None) -> set[str]:
    """Ids of the versions ``version`` derives from, transitively."""
    cat = catalog_or_default(catalog)
    return _family(cat).ancestors(cat.resolve(version))


def descendants(version: str, catalog: Catalog | None = None) -> set[str]:
    """Ids of the versions derived from ``version``, transitively."""
    cat = catalog_or_default(catalog)
    return _family(cat).descendants(cat.resolve(version))


def _lowest_common(cat: Catalog, a: str, b: str) -> str | None:
    """networkx's ``lowest_common_ancestor``: start from a common ancestor and walk down
    while a child is also common. networkx starts from an arbitrary one (set order);
    this starts from the first in catalog order, which gives the same answer whenever
    the lowest common ancestor is unique (always, in a catalog where each version has
    at most one parent)."""
    fam = _family(cat)
    common = (fam.ancestors(a) | {a}) & (fam.ancestors(b) | {b})
    if not common:
        return None
    node = next(v for v in fam.order if v in common)
    while True:
        nxt = next((e.child for e in fam.down.get(node, ()) if e.child in common), None)
        if nxt is None:
            return node
        node = nxt


def common_ancestor(a: str, b: str, catalog: Catalog | None = None) -> str:
    """The lowest common ancestor of two versions (a version is its own ancestor).

    Raises:
        LineageError: the two versions share no ancestor.
    """
    cat = catalog_or_default(catalog)
    a, b = cat.resolve(a), cat.resolve(b)
    lca = _lowest_common(cat, a, b)
    if lca is None:
        msg = f"{a!r} and {b!r} share no ancestor in the lineage graph"
        raise LineageError(msg)
    return lca


@frozen
class Step:
    """One edge on a path, walked ``down`` (parent to child) or ``up`` (child to parent)."""

    derivation: Derivation
    direction: Literal["up", "down"]

    @property
    def source(self) -> str:
        return self.derivation.child if self.direction == "up" else self.derivation.parent

    @property
    def target(self) -> str:
        return self.derivation.parent if self.direction == "up" else self.derivation.child

    def to_dict(self) -> dict[str, Any]:
        return {**self.derivation.to_dict(), "direction": self.direction}


def derivation_path(a: str, b: str, catalog: Catalog | None = None) -> list[Step]:
    """The edges from ``a`` up to the common ancestor, then down to ``b``.

    >>> [ (s.source, s.target, s.direction) for s in derivation_path("imagenet-a", "imagenet-r")]
    [('imagenet-a', 'ilsvrc2012', 'up'), ('ilsvrc2012', 'imagenet-r', 'down')]
    """
    cat = catalog_or_default(catalog)
    a, b = cat.resolve(a), cat.resolve(b)
    return list(_path(cat, a, b))


@functools.lru_cache(maxsize=4096)
def _path(cat: Catalog, a: str, b: str) -> tuple[Step, ...]:
    c = common_ancestor(a, b, cat)
    fam = _family(cat)
    up, down = fam.chain(c, a), fam.chain(c, b)
    if up is None or down is None:  # several parents on the way: networkx's shortest paths
        return _nx_path(cat, a, b, c)
    return tuple([Step(e, "up") for e in reversed(up)] + [Step(e, "down") for e in down])


def _nx_path(cat: Catalog, a: str, b: str, c: str) -> tuple[Step, ...]:
    import networkx as nx

    g = lineage_graph(cat)
    up = nx.shortest_path(g, c, a)
    down = nx.shortest_path(g, c, b)
    steps = [Step(g.edges[p, q]["derivation"], "up") for p, q in reversed(list(pairwise(up)))]
    steps += [Step(g.edges[p, q]["derivation"], "down") for p, q in pairwise(down)]
    return tuple(steps)


@frozen
class Mismatch:
    """A disagreement between an edge's operations and the child's published list.

    ``kind`` is ``missing`` (in the published list, not produced by the
    operations), ``extra`` (produced, not published) or ``order`` (same
    classes, different label order). ``documented`` is true when the catalog
    records this mismatch as known, with ``note``.
    """

    parent: str
    child: str
    kind: Literal["missing", "extra", "order"]
    wnid: str | None
    documented: bool
    note: str = ""

    def __str__(self) -> str:
        edge = f"{self.parent} -> {self.child}"
        what = {
            "missing": f"{self.wnid} is in {self.child} but the operations of {edge} do not produce it",
            "extra": f"{self.wnid} is produced by {edge} but is not in the published {self.child}",
            "order": f"{self.child}: the label order differs from what {edge} produces",
        }[self.kind]
        return what + (f" (known: {self.note})" if self.documented else "")


def verify(catalog: Catalog | None = None) -> list[Mismatch]:
    """Check every edge whose child has a published or reconstructed list.

    Applies the edge's operations to the parent's categories and compares the
    result with the child's list, class by class and in label order. Every
    mismatch is returned, documented ones included (ILSVRC-2012's teddy bear).
    """
    cat = catalog_or_default(catalog)
    out: list[Mismatch] = []
    for e in cat.edges:
        child = cat.get(e.child)
        if child.category_status not in ("published", "reconstructed"):
            continue
        try:
            parent_cats = cat.categories(e.parent)
        except CategoriesUnknownError:
            continue
        produced = apply_ops(e.ops, parent_cats)
        published = cat.categories(e.child)
        pset, cset = set(produced), set(published)
        for w in published:
            if w not in pset:
                out.append(
                    Mismatch(e.parent, e.child, "missing", w, w in e.known_mismatches, e.known_mismatches.get(w, ""))
                )
        for w in produced:
            if w not in cset:
                out.append(
                    Mismatch(e.parent, e.child, "extra", w, w in e.known_mismatches, e.known_mismatches.get(w, ""))
                )
        if pset == cset and produced != published:
            out.append(Mismatch(e.parent, e.child, "order", None, False))
    return out
