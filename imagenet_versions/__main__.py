"""Command-line interface: ``imagenet-versions`` / ``python -m imagenet_versions``.

Every subcommand prints a human-readable table by default and one JSON document
with ``--json``. Errors (an unknown or ambiguous version id, bad arguments)
print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

from imagenet_versions.catalog import Catalog
from imagenet_versions.errors import Error

PROG = "imagenet-versions"
T = TypeVar("T")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _emit_json(doc: Any) -> None:
    from imagenet_versions._json import dumps  # json.dumps(doc, indent=2, ensure_ascii=False), faster

    sys.stdout.write(dumps(doc) + "\n")  # one write, not one per piece


def _table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    cells = [[str(c) for c in header]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = []
    for k, r in enumerate(cells):
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _head(items: Sequence[T], args: argparse.Namespace) -> Sequence[T]:
    """The rows to print: all with ``--all``, else the first ``--limit``."""
    return items if args.all else items[: args.limit]


def _more(items: Sequence[Any], args: argparse.Namespace, indent: str = "    ") -> None:
    """Say how many rows ``--limit`` left out."""
    if not args.all and len(items) > args.limit:
        print(f"{indent}... {len(items) - args.limit:,} more (use --all)")


def _fmt(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"


def _namer(cat: Catalog, show_offensive: bool) -> Callable[[str], str]:
    from imagenet_versions.flags import withheld_labels

    hidden = set() if show_offensive else withheld_labels()

    def name(w: str) -> str:
        return "[label withheld: offensive]" if w in hidden else cat.name_of(w)

    return name


# ---------------------------------------------------------------- subcommands


def cmd_list(cat: Catalog, args: argparse.Namespace) -> int:
    rows = []
    docs = []
    for v in cat:
        n = len(cat.categories(v.id)) if cat.has_categories(v.id) else None
        parents = [e.parent for e in cat.parents(v.id)]
        docs.append(
            {
                "id": v.id,
                "name": v.name,
                "aliases": list(v.aliases),
                "year": v.year,
                "num_categories": n,
                "category_status": v.category_status,
                "parents": parents,
            }
        )
        rows.append((v.id, _fmt(n), v.category_status, ", ".join(parents) or "-", v.name))
    if args.json:
        _emit_json(docs)
    else:
        print(_table(rows, ("id", "classes", "categories", "parents", "name")))
    return 0


def cmd_show(cat: Catalog, args: argparse.Namespace) -> int:
    v = cat.get(args.version)
    cats = cat.categories(v.id) if cat.has_categories(v.id) else None
    parents = [e.to_dict() for e in cat.parents(v.id)]
    children = [e.child for e in cat.edges if e.parent == v.id]
    doc = {
        "id": v.id,
        "name": v.name,
        "aliases": list(v.aliases),
        "year": v.year,
        "citation": v.citation,
        "homepage": v.homepage,
        "licence": v.licence,
        "category_status": v.category_status,
        "categories_source": v.categories_source,
        "categories": list(cats) if cats is not None else None,
        "counts": {
            "categories": len(cats) if cats is not None else None,
            "categories_declared": v.num_categories,
            "categories_declared_source": v.num_categories_source,
            "images": dict(v.images),
            "images_source": v.images_source,
        },
        "notes": list(v.notes),
        "disagreements": [
            {"what": d.what, "values": [{"value": x, "source": s} for x, s in d.values], "note": d.note}
            for d in v.disagreements
        ],
        "parents": parents,
        "children": children,
    }
    if args.json:
        _emit_json(doc)
        return 0
    name = _namer(cat, args.show_offensive)
    print(f"{v.id}: {v.name}")
    if v.aliases:
        print(f"  aliases:    {', '.join(v.aliases)}")
    print(f"  year:       {v.year or '?'}")
    print(f"  citation:   {v.citation}")
    print(f"  homepage:   {v.homepage}")
    print(f"  licence:    {v.licence}")
    print(f"  categories: {_fmt(len(cats) if cats is not None else None)} ({v.category_status})")
    if v.categories_source:
        print(f"              {v.categories_source}")
    if v.num_categories is not None:
        print(f"  declared:   {v.num_categories:,} classes ({v.num_categories_source})")
    if v.images:
        imgs = ", ".join(f"{k} {n:,}" for k, n in v.images.items())
        print(f"  images:     {imgs} ({v.images_source})")
    for d in v.disagreements:
        vals = "; ".join(f"{x:,} ({s})" if isinstance(x, int) else f"{x} ({s})" for x, s in d.values)
        print(f"  sources disagree on {d.what}: {vals}" + (f". {d.note}" if d.note else ""))
    for n in v.notes:
        print(f"  note: {n}")
    for e in cat.parents(v.id):
        print(f"  derived from {e.parent} by {e.op}: {e.describe()}")
    if children:
        print(f"  children:   {', '.join(children)}")
    if cats is not None:
        shown = _head(cats, args)
        print(
            f"  first {len(shown)} of {len(cats):,} categories (label index, wnid, name):"
            if not args.all
            else "  categories:"
        )
        for i, w in enumerate(shown):
            print(f"    {i:>5}  {w}  {name(w)}")
    return 0


def _print_wnids(
    ids: Sequence[str], name: Callable[[str], str], explain: Callable[[str], Any], args: argparse.Namespace
) -> None:
    for w in _head(ids, args):
        ev = explain(w)
        why = f"  <- {ev[0]}" if ev else ""
        print(f"    {w}  {name(w)}{why}")
    _more(ids, args)


def cmd_diff(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.diff import diff

    d = diff(args.a, args.b, images=args.images, split=args.split, split_b=args.split_b, catalog=cat)
    if args.json:
        _emit_json(d.to_dict())
        return 0
    c = d.categories
    name = _namer(cat, args.show_offensive)
    print(f"{d.a} -> {d.b}")
    if d.path is None:
        print("  no derivation path: the two versions share no ancestor")
    else:
        print("  path:")
        for s in d.path:
            arrow = "up  " if s.direction == "up" else "down"
            print(f"    {arrow} {s.derivation.parent} -> {s.derivation.child}: {s.derivation.describe()}")
    print(
        f"  categories: {len(c.added):,} added, {len(c.removed):,} removed, "
        f"{c.common_count:,} common, {len(c.relabelled):,} relabelled"
    )
    if c.removed:
        print(f"  removed ({len(c.removed):,}):")
        _print_wnids(c.removed, name, c.explain, args)
    if c.added:
        print(f"  added ({len(c.added):,}):")
        _print_wnids(c.added, name, c.explain, args)
    if c.relabelled:
        print(f"  relabelled ({len(c.relabelled):,}):")
        for x, y in _head(c.relabelled, args):
            print(f"    {x} {name(x)}  ->  {y} {name(y)}")
        _more(c.relabelled, args)
    if d.images is not None:
        _print_images(d.images, args)
    return 0


def _print_images(img: Any, args: argparse.Namespace) -> None:
    doc = img.to_dict()
    a, b = doc["a"], doc["b"]
    where = f"{a['version']}/{a['split'] or '?'} -> {b['version']}/{b['split'] or '?'}"
    if doc.get("known") is False:
        print(f"  images ({where}): unknown, {doc['reason']}")
        print(f"    what the category diff implies: {doc['implied']}")
        return
    print(
        f"  images ({where}, method {doc['method']}): {doc['added_count']:,} added, {doc['removed_count']:,} removed, "
        f"{doc['common_count']:,} common, {doc['relabelled_count']:,} relabelled"
    )
    for kind, n in doc["relabelled_by_kind"].items():
        if n:
            print(f"    {kind.replace('_', ' ')}: {n:,}")
    for what in ("removed", "added", "relabelled"):
        ids = getattr(img, what)
        if len(ids):
            shown = ids.to_list(None if args.all else args.limit)
            print(f"    {what}: {', '.join(shown)}" + (" ..." if len(shown) < len(ids) else ""))


def cmd_label_map(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.diff import label_map

    m = label_map(args.a, args.b, catalog=cat)
    if args.json:
        _emit_json(m.to_dict())
        return 0
    ca = cat.categories(m.a)
    name = _namer(cat, args.show_offensive)
    n = sum(j is not None for _, j in m.mapping)
    print(f"{m.a} -> {m.b}: {n:,} of {len(m.mapping):,} labels mapped")
    rows = [(i, "-" if j is None else j, ca[i], name(ca[i])) for i, j in _head(m.mapping, args)]
    print(_table(rows, (f"index in {m.a}", f"index in {m.b}", "wnid", "name")))
    _more(m.mapping, args, indent="")
    if m.unmapped:
        print(f"no counterpart in {m.b} ({len(m.unmapped):,}):")
        for w, why in _head(list(m.unmapped.items()), args):
            print(f"  {w}  {why}")
    if m.b_without_source:
        print(f"{len(m.b_without_source):,} classes of {m.b} have no source class in {m.a}")
    return 0


def _scope(args: argparse.Namespace) -> str:
    """The diagram/PROV selection that --ancestors and --descendants ask for."""
    if args.ancestors and not args.descendants:
        return "ancestors"
    if args.descendants and not args.ancestors:
        return "descendants"
    return "both"


def cmd_lineage(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.render import select_versions, to_dot, to_mermaid

    scope = _scope(args)
    if args.json:
        ids = select_versions(args.version, scope=scope, to=args.to, catalog=cat)
        keep = set(ids)
        _emit_json(
            {
                "nodes": ids,
                "edges": [e.to_dict() for e in cat.edges if e.parent in keep and e.child in keep],
            }
        )
        return 0
    marked = args.mark or None
    if args.render:
        from imagenet_versions.render import render

        path = render(
            args.render, args.version, scope=scope, to=args.to, catalog=cat, marked=marked, engine=args.engine
        )
        print(f"wrote {path}")
        return 0
    text = to_dot if args.format == "dot" else to_mermaid
    sys.stdout.write(text(args.version, scope=scope, to=args.to, catalog=cat, marked=marked))
    return 0


def _write_json(doc: Any, output: str | None) -> int:
    if output is None:
        _emit_json(doc)
        return 0
    from pathlib import Path

    try:
        Path(output).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        sys.stderr.write(f"{PROG}: error: cannot write {output!r}: {exc.strerror or exc}\n")
        return 2
    print(f"wrote {output}")
    return 0


def cmd_export(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.export import to_croissant, to_prov

    if args.kind == "croissant":
        if args.version is None:
            sys.stderr.write(f"{PROG}: error: export croissant needs a version ID (see --help)\n")
            return 2
        doc = to_croissant(
            args.version, catalog=cat, show_offensive=args.show_offensive, dataset_version=args.dataset_version
        )
    else:
        doc = to_prov(args.version, scope=_scope(args), to=args.to, catalog=cat)
    return _write_json(doc, args.output)


def cmd_verify(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.lineage import verify

    ms = verify(cat)
    checked = sum(1 for e in cat.edges if cat.get(e.child).category_status in ("published", "reconstructed"))
    if args.json:
        _emit_json(
            {
                "edges_checked": checked,
                "mismatches": [
                    {
                        "from": m.parent,
                        "to": m.child,
                        "kind": m.kind,
                        "wnid": m.wnid,
                        "documented": m.documented,
                        "note": m.note,
                    }
                    for m in ms
                ],
            }
        )
    else:
        print(f"checked {checked} edges whose child has a published list: {len(ms)} mismatch(es)")
        for m in ms:
            print(f"  {m}")
    undocumented = [m for m in ms if not m.documented]
    return 1 if undocumented else 0


def cmd_survivors(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.audit import survivors
    from imagenet_versions.flags import DEFAULT_FLAGS, load_user_flags

    users = [load_user_flags(p) for p in args.user_flags]
    urls = dict(u.split("=", 1) for u in args.source_url)
    report = survivors(args.version, args.flag or DEFAULT_FLAGS, user=users, urls=urls, catalog=cat)
    if args.json:
        _emit_json(report.to_list())
        return 0
    counts = ", ".join(f"{n:,} {f}" for f, n in report.counts().items())
    print(
        f"{report.version}: {len(report):,} of {report.num_classes:,} classes carry "
        f"{' / '.join(report.flags)} ({counts})"
    )
    if not report.survivors:
        return 0
    rows = []
    for s in _head(report.survivors, args):
        elsewhere = sorted({e.child for e in s.removed_elsewhere})
        removed = ", ".join(elsewhere[:3]) + (f" +{len(elsewhere) - 3}" if len(elsewhere) > 3 else "")
        label = "" if s.label == s.wnid else s.label
        rows.append((s.wnid, s.name, ",".join(s.flags), label, removed or "-"))
    print(_table(rows, ("wnid", "name", "flags", "label here", "removed in")))
    _more(report.survivors, args, indent="")
    return 0


def cmd_trace(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.audit import trace, trace_all

    traces = trace_all(args.query, catalog=cat) if args.all else [trace(args.query, catalog=cat)]
    if args.json:
        docs = [t.to_dict() for t in traces]
        _emit_json(docs if args.all else docs[0])
        return 0
    for t in traces:
        print(f"{t.wnid} {t.name}: {t.gloss}")
        if t.flags:
            print(f"  flags: {', '.join(t.flags)}")
        print(f"  present in ({len(t.present_in)}): {', '.join(t.present_in) or '-'}")
        if t.relabelled_in:
            print(
                f"  relabelled in ({len(t.relabelled_in)}): "
                + ", ".join(f"{v} (as {lab})" for v, lab in t.relabelled_in.items())
            )
        print(f"  absent from ({len(t.absent_from)}): {', '.join(t.absent_from) or '-'}")
        if t.unknown_in:
            print(f"  unknown in ({len(t.unknown_in)}): {', '.join(t.unknown_in)}")
        for e in t.events:
            if e.effect == "kept" and not args.verbose:
                continue
            print(f"  {e.effect:10} {e.parent} -> {e.version} by {e.op}" + (f": {e.reason}" if e.reason else ""))
    return 0


def cmd_flags(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.flags import DEFAULT_FLAGS, flag_sources

    srcs = flag_sources()
    if args.json:
        _emit_json(
            {
                "default": list(DEFAULT_FLAGS),
                "sources": [
                    {
                        "name": s.name,
                        "flags": list(s.flags),
                        "description": s.description,
                        "citation": s.citation,
                        "licence": s.licence,
                        "url": s.url,
                        "shipped": s.shipped,
                        "sha256": s.sha256,
                    }
                    for s in srcs
                ],
            }
        )
        return 0
    print(f"default (unsafe) flags: {', '.join(DEFAULT_FLAGS)}")
    for s in srcs:
        how = "shipped" if s.shipped else f"fetched on demand, pinned sha256 {s.sha256}"
        print(f"\n{s.name}: {', '.join(s.flags)} ({how})")
        print(f"  {s.description}")
        print(f"  cite: {s.citation}")
        print(f"  licence: {s.licence}")
        print(f"  url: {s.url}")
    return 0


def cmd_subtree(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.audit import subtree

    st = subtree(args.root, args.version, catalog=cat)
    if args.json:
        _emit_json(st.to_dict())
        return 0
    print(f"{st.root} ({st.name}) in {st.version}: {len(st.present):,} of {len(st.members):,} synsets of the subtree")
    name = _namer(cat, args.show_offensive)
    for w in _head(st.present, args):
        print(f"    {w}  {name(w)}")
    _more(st.present, args)
    return 0


def cmd_manifest(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions import images

    if args.manifest_command == "ingest":
        m = images.ingest(args.path, version=args.version, split=args.split, catalog=cat, progress=not args.json)
        doc = {
            "version": m.version,
            "split": m.split,
            "images": len(m),
            "classes": len(m.classes),
            "unlabelled": m.unlabelled_count,
            "stored": str(images.user_manifest_path(m.version, m.split)),
        }
        if args.json:
            _emit_json(doc)
        else:
            print(
                f"{doc['version']}/{doc['split']}: {doc['images']:,} images in {doc['classes']:,} classes "
                f"({doc['unlabelled']:,} without a label), stored at {doc['stored']}"
            )
        return 0
    vids = [cat.resolve(args.version)] if args.version else [v.id for v in cat]
    rows = [(vid, split, origin) for vid in vids for split, origin in images.manifests_of(vid, catalog=cat).items()]
    if args.json:
        _emit_json([{"version": v, "split": sp, "origin": o} for v, sp, o in rows])
    else:
        print(_table(rows, ("version", "split", "manifest")))
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    shown = argparse.ArgumentParser(add_help=False)
    shown.add_argument("--limit", type=int, default=20, help="rows to show per list (default 20)")
    shown.add_argument("--all", action="store_true", help="show every row")
    shown.add_argument(
        "--show-offensive",
        action="store_true",
        help="print labels that Yang et al. 2020 found offensive (withheld by default)",
    )

    p = _Parser(prog=PROG, description="The ImageNet family as a lineage graph.")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("list", parents=[common], help="list every version")
    s.set_defaults(func=cmd_list)

    s = sub.add_parser("show", parents=[common, shown], help="show one version")
    s.add_argument("version", metavar="ID")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("diff", parents=[common, shown], help="category (and image) difference between two versions")
    s.add_argument("a", metavar="A")
    s.add_argument("b", metavar="B")
    s.add_argument("--images", action="store_true", help="also compare the images of a split")
    s.add_argument("--split", metavar="S", help="split to compare (default: the one with a manifest)")
    s.add_argument("--split-b", metavar="S", help="split of B, where it differs from A's")
    s.set_defaults(func=cmd_diff)

    s = sub.add_parser("label-map", parents=[common, shown], help="map label indices of A to B")
    s.add_argument("a", metavar="A")
    s.add_argument("b", metavar="B")
    s.set_defaults(func=cmd_label_map)

    select = argparse.ArgumentParser(add_help=False)
    select.add_argument("--ancestors", action="store_true", help="only ID and its ancestors")
    select.add_argument("--descendants", action="store_true", help="only ID and its descendants")
    select.add_argument("--to", metavar="B", help="only the path from ID to B")

    s = sub.add_parser("lineage", parents=[common, select], help="Mermaid or DOT text of the family or part of it")
    s.add_argument("version", metavar="ID", nargs="?", help="only this version's ancestors and descendants")
    s.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    s.add_argument(
        "--render",
        metavar="PATH",
        help="write the diagram to PATH instead; the format comes from the suffix: .svg, .png, .dot, .mmd",
    )
    s.add_argument(
        "--engine",
        choices=("auto", "graphviz", "matplotlib"),
        default="auto",
        help="how --render draws .svg/.png: Graphviz `dot` if on PATH, else matplotlib (default auto)",
    )
    s.add_argument(
        "--mark",
        metavar="ID",
        action="append",
        help="mark this version as still carrying unsafe classes (repeatable)",
    )
    s.set_defaults(func=cmd_lineage)

    s = sub.add_parser(
        "export",
        parents=[select],
        help="Croissant 1.1 JSON-LD of one version, or W3C PROV-JSON of the lineage",
        description=(
            "export croissant ID: Croissant 1.1 JSON-LD metadata of one version. "
            "export prov [ID]: W3C PROV-JSON of the whole lineage, or of ID's ancestors and descendants "
            "(--ancestors, --descendants, --to B select as for `lineage`)."
        ),
    )
    s.add_argument("kind", choices=("croissant", "prov"))
    s.add_argument("version", metavar="ID", nargs="?")
    s.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    s.add_argument(
        "--show-offensive",
        action="store_true",
        help="croissant: include class names that Yang et al. 2020 found offensive (withheld by default)",
    )
    s.add_argument(
        "--dataset-version",
        metavar="X.Y.Z",
        help="croissant: the `version` to write (the catalog records none)",
    )
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("verify", parents=[common], help="check every edge against the published lists")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser("survivors", parents=[common, shown], help="flagged classes present in a version")
    s.add_argument("version", metavar="VERSION")
    s.add_argument(
        "--flag", action="append", default=[], metavar="F", help="flag to check (repeatable; default: the unsafe set)"
    )
    s.add_argument("--user-flags", action="append", default=[], metavar="FILE", help="a wnid<TAB>flag file")
    s.add_argument(
        "--source-url", action="append", default=[], metavar="SOURCE=URL", help="mirror for an on-demand flag source"
    )
    s.set_defaults(func=cmd_survivors)

    s = sub.add_parser("trace", parents=[common], help="where a class lives and dies across the family")
    s.add_argument("query", metavar="WNID_OR_LEMMA")
    s.add_argument("--all", action="store_true", help="trace every synset a lemma names (JSON: an array)")
    s.add_argument("--verbose", action="store_true", help="also list the edges that keep it")
    s.set_defaults(func=cmd_trace)

    s = sub.add_parser("manifest", help="image manifests: list them, or ingest your own copy")
    msub = s.add_subparsers(dest="manifest_command", required=True, metavar="ACTION", parser_class=_Parser)
    m = msub.add_parser("ingest", parents=[common], help="read a list, CSV, directory tree or tar listing")
    m.add_argument("path", metavar="PATH")
    m.add_argument("--version", required=True, metavar="ID")
    m.add_argument("--split", required=True, metavar="S")
    m.set_defaults(func=cmd_manifest)
    m = msub.add_parser("list", parents=[common], help="which splits of which versions have a manifest")
    m.add_argument("version", metavar="ID", nargs="?")
    m.set_defaults(func=cmd_manifest)

    s = sub.add_parser("flags", parents=[common], help="list the flag sources with citation and licence")
    s.set_defaults(func=cmd_flags)

    s = sub.add_parser("subtree", parents=[common, shown], help="which part of a WordNet subtree a version holds")
    s.add_argument("root", metavar="WNID_OR_LEMMA")
    s.add_argument("version", metavar="VERSION")
    s.set_defaults(func=cmd_subtree)
    return p


def _version() -> str:
    from imagenet_versions import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return int(exc.code or 0)
    if args.command in ("lineage", "export") and (args.ancestors or args.descendants or args.to) and not args.version:
        sys.stderr.write(f"{PROG}: error: --ancestors, --descendants and --to need a version ID (see --help)\n")
        return 2
    try:
        return int(args.func(Catalog.default(), args))
    except Error as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return 2
    except KeyError as exc:  # unknown flag name
        sys.stderr.write(f"{PROG}: error: {exc.args[0] if exc.args else exc}\n")
        return 2
    except BrokenPipeError:  # e.g. `| head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
