"""Lineage diagrams: Mermaid and Graphviz DOT text (no extra dependency), SVG and PNG files.

Nodes show the version id and its class count; edges the operation kinds and,
where the class count changes, its size (``filter -2,674 classes``). Versions
passed as ``marked`` (those that still carry unsafe classes) get a visible
``⚠ unsafe classes`` line and a red style.

:func:`render` writes ``.mmd``, ``.dot``, ``.svg`` or ``.png``. Pictures are
drawn by Graphviz ``dot`` when it is on ``PATH``; otherwise by a pure-Python
fallback (a layered layout with networkx, drawn with matplotlib: the ``plot``
extra). matplotlib is imported only inside that fallback.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, Literal

from imagenet_versions.catalog import Catalog, Derivation, catalog_or_default
from imagenet_versions.errors import CategoriesUnknownError, RenderError
from imagenet_versions.lineage import ancestors, derivation_path, descendants

__all__ = [
    "MARK_LABEL",
    "edge_label",
    "render",
    "select_versions",
    "to_dot",
    "to_mermaid",
    "to_png",
    "to_svg",
]

Scope = Literal["all", "ancestors", "descendants", "both"]
Engine = Literal["auto", "graphviz", "matplotlib"]
Format = Literal["mmd", "dot", "svg", "png"]

#: The extra label line of a marked node.
MARK_LABEL = "\u26a0 unsafe classes"
_MARK_FILL, _MARK_LINE = "#fde2e1", "#c0392b"
_FORMATS: dict[str, Format] = {"mmd": "mmd", "mermaid": "mmd", "dot": "dot", "gv": "dot", "svg": "svg", "png": "png"}


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
    cat = catalog_or_default(catalog)
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


def edge_label_lines(cat: Catalog, e: Derivation) -> list[str]:
    """:func:`edge_label` broken into short lines (operations, count change, split), for narrow diagrams."""
    lines = e.op.split("+")
    a, b = _count(cat, e.parent), _count(cat, e.child)
    if a is not None and b is not None and a != b:
        lines.append(f"{b - a:+,} classes".replace("-", "\u2212"))
    if e.split:
        lines.append(f"[{e.split}]")
    return lines


def _node_lines(cat: Catalog, vid: str, marked: bool = False) -> list[str]:
    n = _count(cat, vid)
    lines = [vid, f"{n:,} classes" if n is not None else "classes unknown"]
    if marked:
        lines.append(MARK_LABEL)
    return lines


def _marks(cat: Catalog, marked: Collection[str] | None) -> set[str]:
    """Resolve the marked ids (aliases allowed); an unknown id raises UnknownVersionError.

    ``None`` marks the versions that still carry unsafe classes
    (:func:`imagenet_versions.audit.unsafe_versions`); an empty collection marks none.
    """
    if marked is None:
        from imagenet_versions.audit import unsafe_versions

        return set(unsafe_versions(catalog=cat))
    return {cat.resolve(m) for m in marked}


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
    marked: Collection[str] | None = None,
    direction: Literal["LR", "TD"] = "LR",
) -> str:
    """Mermaid ``flowchart`` text of the family or part of it (see :func:`select_versions`).

    ``marked`` versions (ids or aliases) get a ``⚠ unsafe classes`` line and the
    ``unsafe`` class (red fill and border); ``None`` (the default) marks the
    versions that still carry unsafe classes; ``()`` marks none.

    ``direction`` ``"LR"`` (the default) lays generations out left to right, so the
    width grows with the depth of the lineage (a handful of generations), not with
    the number of siblings (ILSVRC-2012 alone has dozens of children); ``"TD"``
    draws top-down.
    """
    cat = catalog_or_default(catalog)
    ids = select_versions(version, scope=scope, to=to, catalog=cat)
    marks = _marks(cat, marked)
    lines = [f"flowchart {direction}"]
    for vid in ids:
        label = "<br/>".join(_mermaid_text(x) for x in _node_lines(cat, vid, vid in marks))
        lines.append(f'    {_mid(vid)}["{label}"]')
    for e in _edges(cat, ids):
        label = "<br/>".join(_mermaid_text(x) for x in edge_label_lines(cat, e))
        lines.append(f'    {_mid(e.parent)} -->|"{label}"| {_mid(e.child)}')
    shown = [vid for vid in ids if vid in marks]
    if shown:
        lines.append(f"    classDef unsafe fill:{_MARK_FILL},stroke:{_MARK_LINE},stroke-width:2px")
        lines.append(f"    class {','.join(_mid(v) for v in shown)} unsafe")
    return "\n".join(lines) + "\n"


def _mermaid_text(s: str) -> str:
    """Text inside a quoted Mermaid label: quotes and angle brackets as entity codes."""
    return s.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _dot_quote(s: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, each newline a centred line break."""
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\r", "\n")
    return '"' + body.replace("\n", "\\n") + '"'


def to_dot(
    version: str | None = None,
    *,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
    marked: Collection[str] | None = None,
) -> str:
    """Graphviz DOT text of the family or part of it (see :func:`select_versions`).

    ``marked`` versions get a ``⚠ unsafe classes`` line, a red fill and a bold
    red border; ``None`` (the default) marks the versions that still carry unsafe
    classes; ``()`` marks none.
    """
    cat = catalog_or_default(catalog)
    ids = select_versions(version, scope=scope, to=to, catalog=cat)
    marks = _marks(cat, marked)
    lines = [
        "digraph imagenet_lineage {",
        "    rankdir=LR;",
        '    node [shape=box, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for vid in ids:
        label = _dot_quote("\n".join(_node_lines(cat, vid, vid in marks)))
        style = f', style="filled,bold", fillcolor="{_MARK_FILL}", color="{_MARK_LINE}"' if vid in marks else ""
        lines.append(f"    {_dot_quote(vid)} [label={label}{style}];")
    for e in _edges(cat, ids):
        lines.append(f"    {_dot_quote(e.parent)} -> {_dot_quote(e.child)} [label={_dot_quote(edge_label(cat, e))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- pictures


def _format_of(path: Path, format: str | None) -> Format:
    key = (format or path.suffix.lstrip(".")).lower()
    fmt = _FORMATS.get(key)
    if fmt is None:
        msg = f"unknown diagram format: {key or str(path)!r}; use one of .svg, .png, .dot, .mmd"
        raise RenderError(msg)
    return fmt


def _graphviz(dot_text: str, fmt: Literal["svg", "png"]) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        msg = "graphviz `dot` not found on PATH; install Graphviz (apt-get install graphviz) or use engine='matplotlib'"
        raise RenderError(msg)
    try:
        r = subprocess.run([exe, f"-T{fmt}"], input=dot_text.encode("utf-8"), capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        msg = f"graphviz `dot -T{fmt}` could not run: {exc}"
        raise RenderError(msg) from exc
    if r.returncode != 0 or not r.stdout:
        err = r.stderr.decode("utf-8", "replace").strip().splitlines()
        msg = f"graphviz `dot -T{fmt}` failed with status {r.returncode}: {err[0] if err else 'no output'}"
        raise RenderError(msg)
    return r.stdout


def _layers(ids: list[str], edges: list[Derivation]) -> list[list[str]]:
    """Layered (topological) layout: each version one column right of its parents.

    Within a column, versions are ordered by the mean row of their parents (one
    barycentre pass), then by catalog order, which keeps most edges short.
    """
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(ids)
    g.add_edges_from((e.parent, e.child) for e in edges)
    order = {vid: i for i, vid in enumerate(ids)}
    layers: list[list[str]] = []
    row: dict[str, float] = {}
    for gen in nx.topological_generations(g):

        def key(v: str) -> tuple[float, int]:
            ps = [row[p] for p in g.predecessors(v)]
            return (sum(ps) / len(ps) if ps else -1.0, order[v])

        layer = sorted(gen, key=key)
        for i, v in enumerate(layer):
            row[v] = i
        layers.append(layer)
    return layers


def _import_figure() -> Any:
    try:
        import matplotlib  # noqa: F401  (the package itself, not just a cached submodule)
        from matplotlib.figure import Figure
    except ImportError as exc:
        msg = (
            "neither Graphviz `dot` nor matplotlib is available to draw the diagram; "
            "install Graphviz (apt-get install graphviz) or the plot extra "
            "(pip install 'imagenet-versions[plot]', or uv sync --extra plot)"
        )
        raise RenderError(msg) from exc
    return Figure


#: Layout of the matplotlib fallback, in inches: column pitch, row pitch, and the
#: vertical step between the labels of several edges into one version.
_COL, _ROW, _STACK = 4.6, 0.62, 0.16


def _figure(cat: Catalog, ids: list[str], marks: set[str]) -> Any:
    """The matplotlib fallback's figure: one column per generation, labels that never overlap.

    Each version sits in the column of its generation; each edge label sits just left
    of its child's box, at the child's height (several edges into one child stack
    upwards), so labels can only meet where a column's rows do, and rows are spaced
    for them. 1 data unit = 1 inch.
    """
    figure_cls = _import_figure()
    edges = _edges(cat, ids)
    layers = _layers(ids, edges)
    tallest = max((len(layer) for layer in layers), default=1)
    into: dict[str, int] = {}
    for e in edges:
        into[e.child] = into.get(e.child, 0) + 1
    row = max(_ROW, _STACK * (max(into.values(), default=1) + 2.5))
    pos: dict[str, tuple[float, float]] = {}
    for x, layer in enumerate(layers):
        offset = (tallest - len(layer)) / 2
        for y, vid in enumerate(layer):
            pos[vid] = (x * _COL + _COL / 2, -(y + offset) * row - row / 2)
    width, height = _COL * max(len(layers), 1), row * tallest
    fig = figure_cls(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(-height, 0)
    boxes = {}
    for vid, (px, py) in pos.items():
        m = vid in marks
        boxes[vid] = ax.text(
            px,
            py,
            "\n".join(_node_lines(cat, vid, m)),
            fontsize=7,
            ha="center",
            va="center",
            zorder=3,
            bbox={
                "boxstyle": "round,pad=0.3",
                "fc": _MARK_FILL if m else "white",
                "ec": _MARK_LINE if m else "#333333",
                "lw": 1.6 if m else 0.8,
            },
        )
    seen: dict[str, int] = {}
    for e in edges:
        # from the middle of the parent's right side to the middle of the child's left side
        ax.annotate(
            "",
            xy=(0, 0.5),
            xycoords=boxes[e.child],
            xytext=(1, 0.5),
            textcoords=boxes[e.parent],
            arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 0.7, "shrinkA": 2, "shrinkB": 2},
            zorder=1,
        )
        k = seen.get(e.child, 0)
        seen[e.child] = k + 1
        x1, y1 = pos[e.child]
        ax.text(
            x1 - _COL * 0.27,
            y1 + _STACK * (k + 1),
            edge_label(cat, e),
            fontsize=5.5,
            ha="right",
            va="center",
            color="#333333",
            zorder=2,
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    return fig


def _matplotlib(cat: Catalog, ids: list[str], marks: set[str], fmt: Literal["svg", "png"]) -> bytes:
    import io

    _import_figure()  # a RenderError naming what to install, where matplotlib is missing
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "imagenet_versions"}):
        fig = _figure(cat, ids, marks)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=120, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def _picture(
    fmt: Literal["svg", "png"],
    version: str | None,
    *,
    scope: Scope,
    to: str | None,
    catalog: Catalog | None,
    marked: Collection[str] | None,
    engine: Engine,
) -> bytes:
    cat = catalog_or_default(catalog)
    if engine not in ("auto", "graphviz", "matplotlib"):
        msg = f"unknown engine: {engine!r}; use 'auto', 'graphviz' or 'matplotlib'"
        raise RenderError(msg)
    if engine == "graphviz" or (engine == "auto" and shutil.which("dot")):
        return _graphviz(to_dot(version, scope=scope, to=to, catalog=cat, marked=marked), fmt)
    ids = select_versions(version, scope=scope, to=to, catalog=cat)
    return _matplotlib(cat, ids, _marks(cat, marked), fmt)


def to_svg(
    version: str | None = None,
    *,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
    marked: Collection[str] | None = None,
    engine: Engine = "auto",
) -> str:
    """The diagram as SVG text: Graphviz ``dot`` if on PATH, else matplotlib (see :func:`render`)."""
    return _picture("svg", version, scope=scope, to=to, catalog=catalog, marked=marked, engine=engine).decode("utf-8")


def to_png(
    version: str | None = None,
    *,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
    marked: Collection[str] | None = None,
    engine: Engine = "auto",
) -> bytes:
    """The diagram as PNG bytes: Graphviz ``dot`` if on PATH, else matplotlib (see :func:`render`)."""
    return _picture("png", version, scope=scope, to=to, catalog=catalog, marked=marked, engine=engine)


def render(
    path: str | Path,
    version: str | None = None,
    *,
    format: str | None = None,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
    marked: Collection[str] | None = None,
    engine: Engine = "auto",
) -> Path:
    """Write the diagram of the family or part of it to ``path``; return the path.

    The format comes from ``format`` or the suffix: ``.mmd`` (Mermaid), ``.dot``
    (DOT text), ``.svg`` or ``.png``. Pictures use Graphviz ``dot`` when it is
    on ``PATH`` (``engine="auto"``), else the matplotlib fallback (the ``plot``
    extra); ``engine="graphviz"`` or ``"matplotlib"`` forces one.

    Raises:
        RenderError: unknown format or engine, Graphviz failed, or neither
            Graphviz nor matplotlib is installed (the message says what to install).
        UnknownVersionError: ``version``, ``to`` or a ``marked`` id is not in the catalog.
    """
    p = Path(path)
    fmt = _format_of(p, format)
    data: bytes
    if fmt == "mmd":
        data = to_mermaid(version, scope=scope, to=to, catalog=catalog, marked=marked).encode("utf-8")
    elif fmt == "dot":
        data = to_dot(version, scope=scope, to=to, catalog=catalog, marked=marked).encode("utf-8")
    else:
        data = _picture(fmt, version, scope=scope, to=to, catalog=catalog, marked=marked, engine=engine)
    try:
        p.write_bytes(data)
    except OSError as exc:
        msg = f"cannot write diagram to {str(p)!r}: {exc.strerror or exc}"
        raise RenderError(msg) from exc
    return p
