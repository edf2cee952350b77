"""Generate documentation pages from the library at build time, so they cannot go stale.

- ``_generated/catalog.md``: every version with counts, sources, licence and its diagram;
- ``_generated/provenance.md``: shipped files with origin and sha256, and the known
  disagreements between sources;
- ``_generated/cli.md``: the help text of every subcommand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import imagenet_versions as iv
from imagenet_versions.__main__ import build_parser
from imagenet_versions.render import to_mermaid

OUT = Path(__file__).resolve().parent.parent / "_generated"
DATA = Path(iv.__file__).resolve().parent / "data"


def _fmt(n: int | None) -> str:
    return "unknown" if n is None else f"{n:,}"


def catalog_page() -> str:
    cat = iv.Catalog.default()
    lines = [
        "# Catalog reference",
        "",
        f"Generated from the shipped catalog: {len(cat)} versions, {len(cat.edges)} derivations.",
        "",
        "| id | classes | categories | parents | name |",
        "|---|---:|---|---|---|",
    ]
    for v in cat:
        n = len(cat.categories(v.id)) if cat.has_categories(v.id) else None
        parents = ", ".join(e.parent for e in cat.parents(v.id)) or "-"
        lines.append(f"| [{v.id}](#{v.id.replace('.', '')}) | {_fmt(n)} | {v.category_status} | {parents} | {v.name} |")
    for v in cat:
        n = len(cat.categories(v.id)) if cat.has_categories(v.id) else None
        lines += ["", f"## {v.id}", "", f"**{v.name}**", ""]
        if v.aliases:
            lines.append(f"- aliases: {', '.join(f'`{a}`' for a in v.aliases)}")
        lines.append(f"- year: {v.year or 'unknown'}")
        lines.append(f"- citation: {v.citation}")
        lines.append(f"- homepage: <{v.homepage}>")
        lines.append(f"- licence: {v.licence}")
        lines.append(
            f"- categories: {_fmt(n)} ({v.category_status})"
            + (f"; {v.categories_source}" if v.categories_source else "")
        )
        if v.num_categories is not None:
            lines.append(f"- declared classes: {v.num_categories:,} ({v.num_categories_source})")
        if v.images:
            lines.append("- images: " + ", ".join(f"{k} {c:,}" for k, c in v.images.items()) + f" ({v.images_source})")
        for d in v.disagreements:
            vals = "; ".join(f"{x:,} ({s})" if isinstance(x, int) else f"{x} ({s})" for x, s in d.values)
            lines.append(f"- sources disagree on {d.what}: {vals}. {d.note}")
        for note in v.notes:
            lines.append(f"- note: {note}")
        for e in cat.parents(v.id):
            lines.append(f"- derived from `{e.parent}` by `{e.op}`: {e.describe()}")
        lines += ["", "```mermaid", to_mermaid(v.id).rstrip(), "```"]
    return "\n".join(lines) + "\n"


def provenance_page() -> str:
    lines = [
        "# Data provenance and known disagreements",
        "",
        "Every shipped data file is rebuilt by a script in `tools/` from pinned public sources; the",
        "records below are read from `imagenet_versions/data/provenance/`. Licences and citations are",
        "in `imagenet_versions/data/SOURCES.md`.",
        "",
        "## Where sources disagree",
        "",
    ]
    cat = iv.Catalog.default()
    for v in cat:
        for d in v.disagreements:
            vals = "; ".join(f"{x:,} ({s})" if isinstance(x, int) else f"{x} ({s})" for x, s in d.values)
            lines.append(f"- **{v.id}**, {d.what}: {vals}. {d.note}")
    lines += ["", "## What `verify()` finds", ""]
    for m in iv.verify():
        lines.append(f"- {m}")
    for prov in sorted((DATA / "provenance").glob("*.json")):
        rec: dict[str, Any] = json.loads(prov.read_text())
        lines += [
            "",
            f"## `{prov.name}` (`{rec.get('tool', '?')}`)",
            "",
            "| input | origin | licence | sha256 |",
            "|---|---|---|---|",
        ]
        for rel, inp in _records(rec.get("inputs", [])):
            origin = inp.get("origin", "")
            licence = inp.get("licence", inp.get("license", ""))
            if isinstance(origin, dict):
                licence = licence or origin.get("license", "")
                origin = origin.get("url") or origin.get("package") or origin.get("kind", "")
            lines.append(f"| `{rel}` | {origin} | {licence} | `{str(inp.get('sha256', ''))[:16]}…` |")
        lines += ["", "| output | sha256 |", "|---|---|"]
        for rel, out in _records(rec.get("outputs", [])):
            lines.append(f"| `{rel}` | `{out['sha256'][:16]}…` |")
    return "\n".join(lines) + "\n"


def _records(block: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Provenance blocks are lists of ``{"path": ..., "sha256": ..., ...}`` records."""
    return sorted(((r["path"], r) for r in block), key=lambda kv: kv[0])


def cli_page() -> str:
    parser = build_parser()
    lines = ["# CLI reference", "", "```text", parser.format_help().rstrip(), "```"]
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():  # type: ignore[attr-defined]
        lines += ["", f"## `{name}`", "", "```text", p.format_help().rstrip(), "```"]
    return "\n".join(lines) + "\n"


def generate(_app: Any = None) -> None:
    OUT.mkdir(exist_ok=True)
    for name, text in (("catalog.md", catalog_page()), ("provenance.md", provenance_page()), ("cli.md", cli_page())):
        path = OUT / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True}
