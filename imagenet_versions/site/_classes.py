"""Class pages: one per wnid in the union of all versions' categories."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imagenet_versions import wordnet
from imagenet_versions.audit import TraceEvent
from imagenet_versions.errors import UnknownSynsetError
from imagenet_versions.site._facts import ClassTrace, Family
from imagenet_versions.site._html import Labeller, esc, layout, link_class, link_version

__all__ = ["class_page", "lemmas_of", "wordnet_path"]

_ROOT = "../"


def lemmas_of(wnid: str, fallback: str) -> tuple[str, ...]:
    """The synset's lemmas with spaces (from the shipped WordNet snapshot), else ``fallback``'s parts."""
    try:
        return tuple(lem.replace("_", " ") for lem in wordnet.synset(wnid).lemmas)
    except UnknownSynsetError:
        return tuple(p.strip() for p in fallback.split(",") if p.strip()) or (wnid,)


def wordnet_path(wnid: str) -> tuple[str, ...]:
    """Root-first is-a path to ``wnid`` (the first parent at each step), empty outside the snapshot."""
    path: list[str] = []
    seen: set[str] = set()
    w: str | None = wnid
    while w is not None and w not in seen:
        seen.add(w)
        try:
            s = wordnet.synset(w)
        except UnknownSynsetError:
            break
        path.append(w)
        w = s.parents[0] if s.parents else None
    return tuple(reversed(path))


def _path_html(wnid: str, labels: Labeller, union: frozenset[str]) -> str:
    parts = []
    for w in wordnet_path(wnid)[:-1]:
        # ancestors that are classes link to their page; the others (entity ... living thing) are named only
        if w in labels.withheld:  # its button may not sit inside a link
            parts.append((f'<a href="{_ROOT}c/{w}.html">{w}</a> ' if w in union else "") + labels.html(w))
        else:
            parts.append(f'<a href="{_ROOT}c/{w}.html">{labels.html(w)}</a>' if w in union else labels.html(w))
    return " \u203a ".join(parts) if parts else '<span class="muted">none in the shipped WordNet snapshot</span>'


def _flags_html(wnid: str, flags: Mapping[str, Any], labels: Labeller, unsafe: frozenset[str]) -> str:
    if not flags:
        return "<p>None from the shipped sources.</p>"
    items = []
    for f, ev in sorted(flags.items()):
        cls = "flag unsafe" if f in unsafe else "flag"
        detail = (
            labels.html(wnid, field=f"flag-{f}", placeholder="detail withheld")
            if wnid in labels.withheld
            else esc(ev.detail)
        )
        items.append(f'<li><span class="{cls}">{esc(f)}</span> <code>{esc(ev.source)}</code>: {detail}')
    return "<ul>" + "".join(items) + "</ul>"


def _event_html(e: TraceEvent, bulk: Mapping[tuple[str, str], str]) -> str:
    """``removed in X (filter of Y): reason``; a derivation's own rule is on X's page, linked."""
    generic = e.reason and bulk.get((e.parent, e.version)) == e.reason
    why = f": {esc(e.reason)}" if e.reason and not generic else ""
    return (
        f'<li>{esc(e.effect)} in <a href="{_ROOT}v/{esc(e.version)}.html">{esc(e.version)}</a> '
        f"({esc(e.op)} of {esc(e.parent)}){why}"
    )


def _trace_html(t: ClassTrace, bulk: Mapping[tuple[str, str], str]) -> str:
    links = ", ".join(link_version(_ROOT, v) for v in t.present_in) or "none"
    out = [f"<p>Present in {len(t.present_in)}: {links}</p>"]
    if t.relabelled_in:
        rel = ", ".join(f"{link_version(_ROOT, v)} (as {link_class(_ROOT, lab)})" for v, lab in t.relabelled_in)
        out.append(f"<p>Relabelled in {len(t.relabelled_in)}: {rel}</p>")
    unknown = f"; categories unknown in {len(t.unknown_in)}" if t.unknown_in else ""
    out.append(f'<p class="muted">Absent from the {len(t.absent_from)} others{unknown}.</p>')
    items = [_event_html(e, bulk) for e in t.events if e.effect != "kept"]
    if items:
        out.append('<ul class="events">' + "".join(items) + "</ul>")
    return "\n".join(out)


def class_page(
    wnid: str,
    fam: Family,
    labels: Labeller,
    flags: Mapping[str, Any],
    *,
    union: frozenset[str],
    unsafe: frozenset[str],
    bulk: Mapping[tuple[str, str], str],
    footer: str,
) -> str:
    """The HTML of ``c/<wnid>.html``."""
    t = fam.trace(wnid)
    try:
        gloss = wordnet.synset(wnid).gloss
    except UnknownSynsetError:
        gloss = ""
    withheld = wnid in labels.withheld
    lemmas = lemmas_of(wnid, labels.name(wnid) if not withheld else wnid)
    title = f"{wnid} {'(label withheld)' if withheld else lemmas[0]}"
    if withheld:
        gloss_html = labels.html(wnid, field="gloss", placeholder="gloss withheld with the label")
        lemma_html = labels.html(wnid, field="lemmas", placeholder="lemmas withheld")
        note = (
            '<p class="muted">Yang et al. 2020 found this label offensive: it is withheld by default, '
            "as everywhere in imagenet_versions; the button shows it.</p>"
        )
    else:
        gloss_html, lemma_html, note = esc(gloss), esc(", ".join(lemmas)), ""
    lemma_line = f"<p>Lemmas: {lemma_html}</p>\n" if withheld or len(lemmas) > 1 else ""
    body = (
        f"<h1><code>{esc(wnid)}</code> {labels.html(wnid)}</h1>\n{note}"
        f'<p class="gloss">{gloss_html}</p>\n{lemma_line}'
        f"<h2>WordNet path</h2>\n<p>{_path_html(wnid, labels, union)}</p>\n"
        f"<h2>Flags</h2>\n{_flags_html(wnid, flags, labels, unsafe)}\n"
        f"<h2>Across the family</h2>\n{_trace_html(t, bulk)}"
    )
    return layout(_ROOT, title, body, footer=footer)
