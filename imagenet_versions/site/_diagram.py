"""The family diagram of the home page: an SVG with one link per version.

Graphviz ``dot`` lays it out when it is on ``PATH``; otherwise a layered layout
(each version one column right of its parents, as
:func:`imagenet_versions.render.render`'s fallback) is drawn here. Either way
every node is a link to its version page with the id ``node-<version>``, every
edge has the id ``edge-<n>``, and :func:`diagram_meta` says which operation
kinds each edge has and which flag status each node has, for the page's filters.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

from imagenet_versions.catalog import Catalog, Derivation
from imagenet_versions.errors import RenderError

__all__ = ["diagram_meta", "diagram_svg"]

#: Node status for the flag filter, and its fill colour.
STATUS_FILL = {"unsafe": "#fde2e1", "clean": "#e6f4ea", "unknown": "#eeeeee"}
STATUS_TEXT = {
    "unsafe": "carries classes flagged unsafe",
    "clean": "no class flagged unsafe",
    "unknown": "categories unknown",
}


def _ops(e: Derivation) -> list[str]:
    return list(dict.fromkeys(o.kind for o in e.ops))


def diagram_meta(cat: Catalog, status: Mapping[str, str]) -> dict[str, Any]:
    """``{"nodes": {svg id: {"id", "status"}}, "edges": {svg id: {"from", "to", "ops"}}}``."""
    nodes = {f"node-{v.id}": {"id": v.id, "status": status[v.id]} for v in cat}
    edges = {f"edge-{i}": {"from": e.parent, "to": e.child, "ops": _ops(e)} for i, e in enumerate(cat.edges)}
    return {"nodes": nodes, "edges": edges}


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_text(cat: Catalog, labels: Mapping[str, str], edge_labels: list[str], status: Mapping[str, str]) -> str:
    lines = [
        "digraph family {",
        '  rankdir=LR; bgcolor="transparent"; nodesep=0.15; ranksep=0.5;',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10, penwidth=1];',
        '  edge [fontname="Helvetica", fontsize=8, color="#666666", fontcolor="#444444"];',
    ]
    for v in cat:
        attrs = {
            "id": f"node-{v.id}",
            "label": labels[v.id],
            "URL": f"v/{v.id}.html",
            "target": "_top",
            "tooltip": f"{v.name} ({STATUS_TEXT[status[v.id]]})",
            "fillcolor": STATUS_FILL[status[v.id]],
        }
        lines.append(f"  {_q(v.id)} [" + ", ".join(f"{k}={_q(x)}" for k, x in attrs.items()) + "];")
    for i, (e, lab) in enumerate(zip(cat.edges, edge_labels, strict=True)):
        lines.append(f"  {_q(e.parent)} -> {_q(e.child)} [id={_q(f'edge-{i}')}, label={_q(lab)}, tooltip={_q(lab)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graphviz(dot_text: str) -> str:
    exe = shutil.which("dot")
    if exe is None:
        msg = "graphviz `dot` is not on PATH"
        raise RenderError(msg)
    try:
        r = subprocess.run([exe, "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        msg = f"graphviz `dot` failed: {exc}"
        raise RenderError(msg) from exc
    svg = r.stdout.decode("utf-8")
    start = svg.find("<svg")
    if start < 0:
        msg = "graphviz `dot` wrote no <svg> element"
        raise RenderError(msg)
    svg = svg[start:]
    # Graphviz writes absolute pt sizes; keep the viewBox so the SVG scales, and drop comments.
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)


def _layered(cat: Catalog, labels: Mapping[str, str], edge_labels: list[str], status: Mapping[str, str]) -> str:
    from imagenet_versions.render import _layers

    ids = [v.id for v in cat]
    layers = _layers(ids, list(cat.edges))
    w, h, gap_x, gap_y = 190, 34, 90, 14
    pos: dict[str, tuple[int, int]] = {}
    for col, layer in enumerate(layers):
        for row, vid in enumerate(layer):
            pos[vid] = (10 + col * (w + gap_x), 10 + row * (h + gap_y))
    width = 20 + len(layers) * (w + gap_x)
    height = 20 + max(len(layer) for layer in layers) * (h + gap_y)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="Helvetica, sans-serif">'
    ]
    for i, (e, lab) in enumerate(zip(cat.edges, edge_labels, strict=True)):
        (x1, y1), (x2, y2) = pos[e.parent], pos[e.child]
        x1, y1, y2 = x1 + w, y1 + h // 2, y2 + h // 2
        mx = (x1 + x2) // 2
        out.append(
            f'<g id="edge-{i}" class="edge"><title>{html.escape(lab)}</title>'
            f'<path d="M{x1},{y1} C{mx},{y1} {mx},{y2} {x2},{y2}" fill="none" stroke="#666666"/>'
            f'<text x="{mx}" y="{(y1 + y2) // 2 - 2}" font-size="8" text-anchor="middle" fill="#444444">'
            f"{html.escape(lab)}</text></g>"
        )
    for v in cat:
        x, y = pos[v.id]
        first, _, second = labels[v.id].partition("\n")
        out.append(
            f'<g id="node-{html.escape(v.id)}" class="node"><a xlink:href="v/{html.escape(v.id)}.html" target="_top">'
            f"<title>{html.escape(v.name)} ({STATUS_TEXT[status[v.id]]})</title>"
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{STATUS_FILL[status[v.id]]}" '
            'stroke="#333333"/>'
            f'<text x="{x + w // 2}" y="{y + 14}" font-size="10" text-anchor="middle">{html.escape(first)}</text>'
            f'<text x="{x + w // 2}" y="{y + 27}" font-size="9" text-anchor="middle">{html.escape(second)}</text>'
            "</a></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


def diagram_svg(cat: Catalog, status: Mapping[str, str], *, engine: str = "auto") -> tuple[str, str]:
    """``(svg text, engine used)``; ``engine`` is ``auto``, ``graphviz`` or ``layered``."""
    from imagenet_versions.render import _count, edge_label

    labels = {}
    for v in cat:
        n = _count(cat, v.id)
        labels[v.id] = f"{v.id}\n{n:,} classes" if n is not None else f"{v.id}\nclasses unknown"
    edge_labels = [edge_label(cat, e) for e in cat.edges]
    if engine == "graphviz" or (engine == "auto" and shutil.which("dot")):
        return _graphviz(_dot_text(cat, labels, edge_labels, status)), "graphviz"
    if engine not in ("auto", "layered"):
        msg = f"unknown diagram engine {engine!r}; use auto, graphviz or layered"
        raise RenderError(msg)
    return _layered(cat, labels, edge_labels, status), "layered"
