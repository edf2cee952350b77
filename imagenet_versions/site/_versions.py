"""Version pages: one per version of the catalog."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from imagenet_versions.catalog import Catalog, Derivation, Version
from imagenet_versions.site import _hooks
from imagenet_versions.site._html import Labeller, esc, json_script, layout, link_class, link_version

__all__ = ["version_page"]

_ROOT = "../"
_SHOWN = 20  # wnids listed per diff side; the compare page lists them all


def _fmt(n: int | None) -> str:
    return "unknown" if n is None else f"{n:,}"


def _facts(cat: Catalog, v: Version) -> str:
    n = len(cat.categories(v.id)) if cat.has_categories(v.id) else None
    rows = [("id", f"<code>{esc(v.id)}</code>")]
    if v.aliases:
        rows.append(("aliases", ", ".join(f"<code>{esc(a)}</code>" for a in v.aliases)))
    rows.append(("year", esc(v.year or "unknown")))
    if v.homepage:
        rows.append(("homepage", f'<a href="{esc(v.homepage)}" rel="nofollow">{esc(v.homepage)}</a>'))
    rows.append(("licence", esc(v.licence or "not recorded")))
    src = f'<br><span class="muted">{esc(v.categories_source)}</span>' if v.categories_source else ""
    status = f" ({esc(v.category_status)})" if n is not None else ""
    rows.append(("classes", f"{_fmt(n)}{status}{src}"))
    if v.num_categories is not None:
        rows.append(
            ("declared classes", f'{v.num_categories:,} <span class="muted">({esc(v.num_categories_source)})</span>')
        )
    if v.images:
        imgs = ", ".join(f"{esc(k)} {n:,}" for k, n in v.images.items())
        rows.append(("images", f'{imgs} <span class="muted">({esc(v.images_source)})</span>'))
    for d in v.disagreements:
        vals = "; ".join(f"{x:,} ({esc(s)})" if isinstance(x, int) else f"{esc(x)} ({esc(s)})" for x, s in d.values)
        rows.append((f"sources disagree: {esc(d.what)}", vals + (f". {esc(d.note)}" if d.note else "")))
    for note in v.notes:
        rows.append(("note", esc(note)))
    return "<table>" + "".join(f"<tr><th>{k}</th><td>{val}</td></tr>" for k, val in rows) + "</table>"


def _citation(cat: Catalog, v: Version) -> str:
    c = _hooks.citation(cat, v)
    fp = (
        f"<p>Fingerprint of the ordered class list ({esc(c['order'])} order): "
        f"<code>{esc(c['fingerprint'])}</code></p>\n"
        if c["fingerprint"]
        else ""
    )
    return (
        f"<h2>Citation</h2>\n<p>{esc(v.citation or 'none recorded')}</p>\n{fp}"
        f'<p class="muted">For a methods section: {esc(c["sentence"])}</p>\n'
        f'<pre id="bibtex">{esc(c["bibtex"])}</pre>\n'
        '<p class="muted">BibTeX: <code>imagenet_versions.cite()</code> (this version and each ancestor on its path; '
        "the catalog holds citations as text, so entries are <code>@misc</code>).</p>"
    )


def _offset(o: dict[str, Any]) -> str:
    return f" (background at index 0; {o['offset']} extra output)" if o.get("offset") else ""


def _orders(cat: Catalog, v: Version) -> str:
    orders = _hooks.label_orders(cat, v)
    if not orders:
        return "<h2>Label orders</h2>\n<p>None: the categories of this version are not known.</p>"
    rows = "".join(
        f"<tr><td><code>{esc(o['name'])}</code>{' (default)' if o['default'] else ''}"
        f"{_offset(o)}</td>"
        f"<td>{esc(o['source'])}</td></tr>"
        for o in orders
    )
    return f"<h2>Label orders</h2>\n<table><tr><th>order</th><th>source</th></tr>{rows}</table>"


def _edge_row(e: Derivation, other: str) -> str:
    split = f" [{esc(e.split)} split]" if e.split else ""
    ev = f'<br><span class="muted">evidence: {esc(e.evidence)}</span>' if e.evidence else ""
    return f"<li>{link_version(_ROOT, other)}: <code>{esc(e.op)}</code>{split}, {esc(e.describe())}{ev}</li>"


def _lineage(cat: Catalog, v: Version) -> str:
    parents = [e for e in cat.edges if e.child == v.id]
    children = [e for e in cat.edges if e.parent == v.id]
    out = ['<h2 id="lineage">Lineage</h2>']
    out.append(
        "<p>Derived from:</p><ul>" + "".join(_edge_row(e, e.parent) for e in parents) + "</ul>"
        if parents
        else "<p>A root of the family.</p>"
    )
    if children:
        out.append("<p>Parent of:</p><ul>" + "".join(_edge_row(e, e.child) for e in children) + "</ul>")
    return "\n".join(out)


def _side(cd: Any, ids: Sequence[str], what: str, labels: Labeller) -> str:
    if not ids:
        return ""
    groups: Counter[str] = Counter()
    for w in ids:
        ev = cd.explain(w)
        groups[str(ev[0]) if ev else "no event on the path"] += 1
    rows = "".join(f'<tr><td class="n">{n:,}</td><td>{esc(k)}</td></tr>' for k, n in groups.most_common())
    items = "".join(f"<li>{link_class(_ROOT, w)} {labels.html(w)}</li>" for w in ids[:_SHOWN])
    more = f'<p class="muted">... and {len(ids) - _SHOWN:,} more.</p>' if len(ids) > _SHOWN else ""
    return f'<p>{what} ({len(ids):,}):</p><table>{rows}</table><ul class="cols">{items}</ul>{more}'


def _diff_block(d: Any, labels: Labeller) -> str:
    c = d.categories
    head = (
        f"<h3>{link_version(_ROOT, d.a)} → {link_version(_ROOT, d.b)}</h3>\n"
        f"<p>{len(c.removed):,} removed, {len(c.added):,} added, {c.common_count:,} common, "
        f"{len(c.relabelled):,} relabelled "
        f'(<a href="{_ROOT}compare.html#a={esc(d.a)}&amp;b={esc(d.b)}">full list on the compare page</a>).</p>'
    )
    if d.path is None:
        head += "<p>No derivation path: the two versions share no ancestor.</p>"
    return head + _side(c, c.removed, "removed", labels) + _side(c, c.added, "added", labels)


def _diffs(diffs: Sequence[Any], v: Version, labels: Labeller, reason: str) -> str:
    if not diffs:
        return f"<h2>Category diff</h2>\n<p>{esc(reason)}</p>"
    return "<h2>Category diff</h2>\n" + "\n".join(_diff_block(d, labels) for d in diffs)


def _survivors(report: Any, labels: Labeller) -> str:
    if report is None:
        return "<h2>Flagged classes</h2>\n<p>Unknown: the categories of this version are not known.</p>"
    counts = ", ".join(f"{n:,} {esc(f)}" for f, n in report.counts().items())
    out = [
        "<h2>Flagged classes</h2>",
        f"<p>{len(report):,} of {report.num_classes:,} member classes carry {esc(' / '.join(report.flags))} "
        f"({counts}). Offensive labels are withheld; each button shows one.</p>",
    ]
    if report.survivors:
        rows = []
        for s in report.survivors:
            elsewhere = sorted({e.child for e in s.removed_elsewhere})
            removed = esc(", ".join(elsewhere)) or "-"
            here = "" if s.label == s.wnid else link_class(_ROOT, s.label)
            flags = esc(" ".join(s.flags))
            rows.append(
                f"<tr><td>{link_class(_ROOT, s.wnid)}</td><td>{labels.html(s.wnid)}</td><td>{flags}</td>"
                f"<td>{here}</td><td>{removed}</td></tr>"
            )
        out.append(
            '<table id="survivors"><tr><th>wnid</th><th>label</th><th>flags</th><th>label here</th>'
            "<th>removed in</th></tr>" + "".join(rows) + "</table>"
        )
    return "\n".join(out)


def _manifests(manifests: Mapping[str, str]) -> str:
    if not manifests:
        return "<h2>Image manifests</h2>\n<p>None: no image list of this version is shipped or known.</p>"
    rows = "".join(f"<tr><td><code>{esc(s)}</code></td><td>{esc(o)}</td></tr>" for s, o in manifests.items())
    return f"<h2>Image manifests</h2>\n<table><tr><th>split</th><th>manifest</th></tr>{rows}</table>"


def version_page(
    cat: Catalog,
    v: Version,
    *,
    diffs: Sequence[Any],
    diff_reason: str,
    report: Any,
    manifests: Mapping[str, str],
    croissant: Mapping[str, Any],
    labels: Labeller,
    footer: str,
) -> str:
    """The HTML of ``v/<id>.html``."""
    body = "\n".join(
        [
            f"<h1>{esc(v.name)}</h1>",
            _facts(cat, v),
            _citation(cat, v),
            _orders(cat, v),
            _lineage(cat, v),
            _diffs(diffs, v, labels, diff_reason),
            _survivors(report, labels),
            _manifests(manifests),
            "<h2>Croissant</h2>\n<p>This page embeds the version's Croissant 1.1 metadata as JSON-LD "
            f"(<code>imagenet-versions export croissant {esc(v.id)}</code>), for dataset search engines.</p>",
        ]
    )
    head = json_script(dict(croissant), kind="application/ld+json") + "\n"
    return layout(_ROOT, f"{v.id}: {v.name}", body, head=head, footer=footer)
