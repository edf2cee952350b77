"""The site's top pages (home, search, compare) and its data files (``data/*.js``).

Data files are JavaScript that assigns ``IVData.<name>``, loaded by a
``<script>`` element, so that the site also works opened from disk (``file://``
forbids ``fetch``). Withheld labels sit only in ``data/withheld.js``; the search
index holds them only as salted hashes of the whole normalised lemma
(:func:`token`), so an exact query finds the class while the text appears
nowhere in the index or the results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from imagenet_versions.catalog import Catalog
from imagenet_versions.operations import Relabel
from imagenet_versions.site._diagram import STATUS_TEXT
from imagenet_versions.site._facts import Family
from imagenet_versions.site._html import Labeller, esc, json_script, layout, link_version

__all__ = [
    "SALT",
    "compare_data",
    "compare_page",
    "data_js",
    "home_page",
    "normalize_lemma",
    "search_data",
    "search_page",
    "token",
    "withheld_data",
]

#: Salt of the search tokens of withheld lemmas (public: it only keeps the text out of the index).
SALT = "imagenet-versions/site@1:"


def normalize_lemma(text: str) -> str:
    """Lower case, runs of spaces and underscores as one space (as ``site.js`` does)."""
    return re.sub(r"[\s_]+", " ", text.strip().lower())


def _fnv(data: bytes, h: int) -> str:
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return f"{h:08x}"


def token(lemma: str, salt: str = SALT) -> str:
    """The search token of a withheld lemma: two salted 32-bit FNV-1a hashes (``site.js`` computes the same)."""
    data = (salt + normalize_lemma(lemma)).encode("utf-8")
    return _fnv(data, 2166136261) + _fnv(data, 3735928559)


def data_js(name: str, doc: Any) -> str:
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return f"window.IVData=window.IVData||{{}};IVData[{json.dumps(name)}]={text};\n"


def search_data(
    cat: Catalog, union: Sequence[str], lemmas: Mapping[str, Sequence[str]], withheld: Iterable[str]
) -> dict[str, Any]:
    """The search index: versions with names and aliases; classes with lemmas; withheld ones as tokens."""
    hidden = set(withheld)
    tokens: dict[str, list[str]] = {}
    for w in union:
        if w in hidden:
            for lem in dict.fromkeys(normalize_lemma(x) for x in lemmas[w]):
                tokens.setdefault(token(lem), []).append(w)
    return {
        "salt": SALT,
        "versions": [[v.id, v.name, list(v.aliases)] for v in cat],
        "classes": [[w, "; ".join(lemmas[w])] for w in union if w not in hidden],
        "withheld_wnids": sorted(w for w in union if w in hidden),
        "tokens": tokens,
    }


def _relabels(cat: Catalog, fam: Family, edge_index: int, index: Mapping[str, int]) -> list[list[list[int]]]:
    """Per categories-level relabel of the edge: ``[x, target, x in the state before it]`` triples."""
    e = fam.edges[edge_index]
    state = cat.categories(e.parent)
    out = []
    for op in e.ops:
        if isinstance(op, Relabel) and op.level == "categories":
            before = set(state)
            out.append(
                [[index[x], index[t], int(x in before)] for x, t in op.mapping.items() if x in index and t in index]
            )
        state = op.apply(state)
    return out


def compare_data(cat: Catalog, fam: Family, withheld: Iterable[str]) -> dict[str, Any]:
    """What the compare page computes diffs from (the same rules as :func:`imagenet_versions.diff`)."""
    from imagenet_versions.errors import LineageError
    from imagenet_versions.lineage import derivation_path

    union = list(fam.union)
    index = {w: i for i, w in enumerate(union)}
    reasons: dict[str, int] = {}
    edges = []
    relabels: dict[str, list[list[list[int]]]] = {}
    for k, e in enumerate(fam.edges):
        groups: dict[tuple[str, int, int], list[int]] = {}
        for w, evs in fam.events[(e.parent, e.child)].items():
            if w not in index:
                continue
            for ev in evs:
                r = reasons.setdefault(ev.reason, len(reasons))
                groups.setdefault((ev.op, int(ev.effect == "introduced"), r), []).append(index[w])
        edges.append([e.parent, e.child, e.op, [[op, eff, r, sorted(ids)] for (op, eff, r), ids in groups.items()]])
        rl = _relabels(cat, fam, k, index)
        if rl:
            relabels[str(k)] = rl
    edge_no = {(e.parent, e.child): k for k, e in enumerate(fam.edges)}
    known = [v.id for v in cat if v.id in fam.members]
    paths: dict[str, list[list[int]] | None] = {}
    for i, a in enumerate(known):
        for b in known[i + 1 :]:
            x, y = sorted((a, b))
            try:
                steps = derivation_path(x, y, cat)
            except LineageError:
                paths[f"{x}|{y}"] = None
                continue
            paths[f"{x}|{y}"] = [
                [edge_no[(s.derivation.parent, s.derivation.child)], int(s.direction == "up")] for s in steps
            ]
    hidden = set(withheld)
    return {
        "union": union,
        "versions": {vid: [index[w] for w in cat.categories(vid)] for vid in known},
        "edges": edges,
        "reasons": list(reasons),
        "relabels": relabels,
        "paths": paths,
        "withheld": [index[w] for w in union if w in hidden],
    }


def home_page(
    cat: Catalog,
    fam: Family,
    svg: str,
    meta: Mapping[str, Any],
    status: Mapping[str, str],
    flag_sources: Sequence[Any],
    footer: str,
) -> str:
    kinds = sorted({op for e in meta["edges"].values() for op in e["ops"]})
    boxes = " ".join(f'<label><input type="checkbox" data-op="{esc(k)}" checked> {esc(k)}</label>' for k in kinds)
    options = '<option value="all">all versions</option>' + "".join(
        f'<option value="{k}">only those whose {esc(t)}</option>'
        if k != "unknown"
        else f'<option value="{k}">only those with {esc(t)}</option>'
        for k, t in STATUS_TEXT.items()
    )
    rows = []
    for v in cat:
        n = len(fam.members[v.id]) if v.id in fam.members else None
        n_text = f"{len(cat.categories(v.id)):,}" if n is not None else "unknown"
        parents = ", ".join(link_version("", e.parent) for e in cat.edges if e.child == v.id) or "-"
        rows.append(
            f'<tr><td>{link_version("", v.id)}</td><td>{esc(v.name)}</td><td class="n">{n_text}</td>'
            f"<td>{esc(v.category_status)}</td><td>{esc(STATUS_TEXT[status[v.id]])}</td><td>{parents}</td></tr>"
        )
    srcs = "".join(
        f"<li><code>{esc(s.name)}</code> ({esc(', '.join(s.flags))}): {esc(s.description)} "
        f'<span class="muted">Cite: {esc(s.citation)} Licence: {esc(s.licence)}.</span></li>'
        for s in flag_sources
    )
    body = f"""<h1>The ImageNet family</h1>
<p>{len(cat)} versions, {len(cat.edges)} derivations, {len(fam.union):,} classes (wnids) in the union of all
known category lists. Every page is generated by <code>imagenet_versions</code> from its shipped, sourced data.
Click a version in the diagram to open its page; filter the derivations by operation kind, or the versions by
whether they carry classes flagged unsafe (offensive, sensitive or derogatory).</p>
<div class="filters"><span>operations:</span> {boxes}</div>
<div class="filters"><label>versions: <select id="flag-filter">{options}</select></label>
<span class="legend"><span class="unsafe">red</span>: carries unsafe classes; green: none found;
grey: categories unknown</span></div>
<div id="diagram">{svg}</div>
{json_script(meta, element_id="diagram-data")}
<h2 id="versions">Versions</h2>
<table><tr><th>id</th><th>name</th><th class="n">classes</th><th>categories</th><th>flagged</th>
<th>derived from</th></tr>
{"".join(rows)}</table>
<h2>Flag sources</h2>
<ul>{srcs}</ul>
<p>Labels that Yang et al. 2020 found offensive are withheld on every page, in the search index and in the
search results; each is shown only by its own button.</p>
"""
    return layout("", "The ImageNet family", body, footer=footer)


def search_page(footer: str) -> str:
    body = (
        "<h1>Search</h1>\n<p>Versions by id, name or alias; classes by wnid or lemma. Withheld labels match "
        "only an exact, whole lemma, and are listed by wnid.</p>\n"
        '<div id="search-results"><noscript>Search needs JavaScript; the index is data/search.js.</noscript></div>'
    )
    return layout("", "Search", body, footer=footer)


def compare_page(cat: Catalog, fam: Family, footer: str) -> str:
    def options(selected: str) -> str:
        return "".join(
            f'<option value="{esc(v.id)}"{" selected" if v.id == selected else ""}>{esc(v.id)}'
            f"{'' if v.id in fam.members else ' (categories unknown)'}</option>"
            for v in cat
        )

    body = (
        "<h1>Compare two versions</h1>\n<p>The category diff from A to B, each class explained by the operation on "
        "the derivation path that dropped or introduced it (as <code>imagenet-versions diff A B</code>), computed "
        "in your browser from <code>data/compare.js</code>.</p>\n"
        f'<p><label>A <select id="cmp-a">{options("imagenet-fall11")}</select></label> → '
        f'<label>B <select id="cmp-b">{options("imagenet-winter21")}</select></label></p>\n'
        '<div id="compare"><noscript>The compare page needs JavaScript.</noscript></div>'
    )
    return layout("", "Compare", body, footer=footer)


def withheld_data(
    labels: Labeller,
    lemmas: Mapping[str, Sequence[str]],
    gloss: Mapping[str, str],
    flags: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for w in sorted(labels.withheld):
        if w not in lemmas:
            continue
        rec = {"label": lemmas[w][0], "lemmas": ", ".join(lemmas[w]), "gloss": gloss.get(w, "")}
        for f, ev in flags.get(w, {}).items():
            rec[f"flag-{f}"] = ev.detail
        out[w] = rec
    return out
