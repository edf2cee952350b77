"""Lineage diagrams as Mermaid or Graphviz DOT text (no extra dependency).

Nodes show the version id and its class count; edges the operation kinds and,
where the class count changes, its size (``filter -2,674 classes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from imagenet_versions.catalog import Catalog, Derivation
from imagenet_versions.errors import CategoriesUnknownError
from imagenet_versions.lineage import ancestors, derivation_path, descendants

__all__ = ["select_versions", "to_dot", "to_mermaid"]

Scope = Literal["all", "ancestors", "descendants", "both"]


def _cat(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else Catalog.default()


def select_versions(
    version: str | None = None,
    *,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
) -> list[str]:
    """The version ids a diagram shows, in catalog order.

    With no ``version``: the whole family. With ``version``: it and its
    ancestors and/or descendants (``scope``). With ``to``: the path between
    ``version`` and ``to``.
    """
    cat = _cat(catalog)
    if version is None:
        keep = {v.id for v in cat}
    else:
        vid = cat.resolve(version)
        keep = {vid}
        if to is not None:
            for s in derivation_path(vid, to, cat):
                keep |= {s.source, s.target}
        else:
            if scope in ("ancestors", "both", "all"):
                keep |= ancestors(vid, cat)
            if scope in ("descendants", "both", "all"):
                keep |= descendants(vid, cat)
    return [v.id for v in cat if v.id in keep]


def _count(cat: Catalog, vid: str) -> int | None:
    try:
        return len(cat.categories(vid))
    except CategoriesUnknownError:
        return None


def edge_label(cat: Catalog, e: Derivation) -> str:
    """``op`` kinds plus the class-count change, e.g. ``filter -2,674 classes``."""
    label = e.op
    a, b = _count(cat, e.parent), _count(cat, e.child)
    if a is not None and b is not None and a != b:
        label += f" {b - a:+,} classes".replace("-", "\u2212")
    if e.split:
        label += f" [{e.split}]"
    return label


def _node_label(cat: Catalog, vid: str) -> str:
    n = _count(cat, vid)
    return f"{vid}\\n{n:,} classes" if n is not None else f"{vid}\\nclasses unknown"


def _edges(cat: Catalog, ids: Iterable[str]) -> list[Derivation]:
    keep = set(ids)
    return [e for e in cat.edges if e.parent in keep and e.child in keep]


def _mid(vid: str) -> str:
    return "v_" + "".join(c if c.isalnum() else "_" for c in vid)


def to_mermaid(
    version: str | None = None,
    *,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
) -> str:
    """Mermaid ``flowchart`` text of the family or part of it (see :func:`select_versions`)."""
    cat = _cat(catalog)
    ids = select_versions(version, scope=scope, to=to, catalog=cat)
    lines = ["flowchart TD"]
    for vid in ids:
        label = _node_label(cat, vid).replace("\\n", "<br/>")
        lines.append(f'    {_mid(vid)}["{label}"]')
    for e in _edges(cat, ids):
        lines.append(f'    {_mid(e.parent)} -->|"{edge_label(cat, e)}"| {_mid(e.child)}')
    return "\n".join(lines) + "\n"


def _dot_quote(s: str) -> str:
    return '"' + s.replace('"', '\\"') + '"'


def to_dot(
    version: str | None = None,
    *,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
) -> str:
    """Graphviz DOT text of the family or part of it (see :func:`select_versions`)."""
    cat = _cat(catalog)
    ids = select_versions(version, scope=scope, to=to, catalog=cat)
    lines = [
        "digraph imagenet_lineage {",
        "    rankdir=LR;",
        '    node [shape=box, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for vid in ids:
        lines.append(f"    {_dot_quote(vid)} [label={_dot_quote(_node_label(cat, vid))}];")
    for e in _edges(cat, ids):
        lines.append(f"    {_dot_quote(e.parent)} -> {_dot_quote(e.child)} [label={_dot_quote(edge_label(cat, e))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
