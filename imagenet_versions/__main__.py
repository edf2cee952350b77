"""Command-line interface: ``imagenet-versions`` / ``python -m imagenet_versions``.

Every subcommand prints a human-readable table by default and one JSON document
with ``--json``. Errors (an unknown or ambiguous version id, a damaged data file,
bad arguments) print one line on stderr and exit with status 2; with ``--json``
nothing is printed on stdout then. An unexpected exception (a bug) is reported
the same way, as an internal error; set ``IMAGENET_VERSIONS_DEBUG=1`` to see its
traceback instead.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from imagenet_versions._withhold import policy
from imagenet_versions.catalog import Catalog, catalog_or_default
from imagenet_versions.errors import Error

if TYPE_CHECKING:
    from imagenet_versions.render import Scope

PROG = "imagenet-versions"
T = TypeVar("T")

#: Set to ``1`` to let an unexpected exception (a bug) show its traceback.
DEBUG_ENV = "IMAGENET_VERSIONS_DEBUG"
_MAX_ERROR = 1000
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(message: str) -> str:
    """``message`` as one printable line of at most 1,000 characters."""
    line = _UNPRINTABLE.sub(lambda m: repr(m.group(0))[1:-1], message)
    line = line.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates from non-UTF-8 argv
    return line if len(line) <= _MAX_ERROR else line[: _MAX_ERROR - 20] + f"... ({len(line):,} characters)"


def _fail(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {_one_line(message)}\n")
    return 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see --help)\n")


def _split_name(text: str) -> str:
    """An argparse ``type``: a split name, checked before it can reach a path."""
    from imagenet_versions._types import check_name

    try:
        return check_name(text, "split")
    except Error as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _source_url(text: str) -> tuple[str, str]:
    """An argparse ``type``: ``SOURCE=URL``."""
    name, sep, url = text.partition("=")
    if not sep:
        msg = f"expected SOURCE=URL, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    if not name:
        msg = f"no flag source before '=' in {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return name, url


SCHEMA = "imagenet-versions/{}@1"


def _emit_json(doc: Any) -> None:
    from imagenet_versions._json import dumps  # json.dumps(doc, indent=2, ensure_ascii=False), faster

    sys.stdout.write(dumps(doc) + "\n")  # one write, not one per piece


def _emit(shape: str, doc: dict[str, Any]) -> None:
    """Print one ``--json`` document: an object whose first key, ``schema``, names its shape."""
    _emit_json({"schema": SCHEMA.format(shape), **doc})


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
    return policy(show_offensive).namer(cat)


# ---------------------------------------------------------------- subcommands


def cmd_list(cat: Catalog, args: argparse.Namespace) -> int:
    rows = []
    docs = []
    for v in cat:
        n = len(cat.categories(v.id)) if cat.has_categories(v.id) else None
        parents = list(cat._parent_ids(v.id))
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
        _emit("list", {"versions": docs})
    else:
        print(_table(rows, ("id", "classes", "categories", "parents", "name")))
    return 0


def cmd_show(cat: Catalog, args: argparse.Namespace) -> int:
    v = cat.get(args.version)
    cats = cat.categories(v.id) if cat.has_categories(v.id) else None
    parents = [e.to_dict() for e in cat.parents(v.id)]
    children = [child for parent, child in cat._edge_ends() if parent == v.id]
    doc = {
        **v.to_dict(),
        "categories": list(cats) if cats is not None else None,
        "counts": {
            "categories": len(cats) if cats is not None else None,
            "categories_declared": v.declared_num_categories,
            "categories_declared_source": v.num_categories_source,
            "images": dict(v.images),
            "images_source": v.images_source,
        },
        "parents": parents,
        "children": children,
        "label_orders": [o.to_dict() for o in cat.label_orders(v.id)] if cats is not None else [],
    }
    if args.json:
        _emit("version", doc)
        return 0
    name = _namer(cat, args.show_offensive)
    _print_version_facts(v, cats)
    for e in cat.parents(v.id):
        print(f"  derived from {e.parent} by {e.op}: {e.describe()}")
    if children:
        print(f"  children:   {', '.join(children)}")
    for o in doc["label_orders"]:
        print(f"  order {o['order']}{' (default)' if o['default'] else ''}: {o['source']}")
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


def _print_version_facts(v: Any, cats: Sequence[str] | None) -> None:
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
    if v.declared_num_categories is not None:
        print(f"  declared:   {v.num_categories:,} classes ({v.num_categories_source})")
    if v.images:
        imgs = ", ".join(f"{k} {n:,}" for k, n in v.images.items())
        print(f"  images:     {imgs} ({v.images_source})")
    for d in v.disagreements:
        vals = "; ".join(f"{x:,} ({s})" if isinstance(x, int) else f"{x} ({s})" for x, s in d.values)
        print(f"  sources disagree on {d.what}: {vals}" + (f". {d.note}" if d.note else ""))
    for n in v.notes:
        print(f"  note: {n}")


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
        _emit("diff", d.to_dict())
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

    m = label_map(args.a, args.b, order_a=args.order_a, order_b=args.order_b, catalog=cat)
    if args.format == "timm":
        return _write_timm_indices(m, args.output)
    if args.json:
        _emit("label-map", m.to_dict())
        return 0
    name = _namer(cat, args.show_offensive)
    la = cat.label_order(m.a, m.order_a).labels()
    n = sum(j is not None for _, j in m.mapping)
    print(f"{m.a} ({m.order_a}) -> {m.b} ({m.order_b}): {n:,} of {len(m.mapping):,} labels mapped")
    rows = [(i, "-" if j is None else j, la[i], name(la[i])) for i, j in _head(m.mapping, args)]
    print(_table(rows, (f"index in {m.a}", f"index in {m.b}", "wnid", "name")))
    _more(m.mapping, args, indent="")
    if m.unmapped:
        print(f"no counterpart in {m.b} ({len(m.unmapped):,}):")
        for w, why in _head(list(m.unmapped.items()), args):
            print(f"  {w}  {why}")
    if m.b_without_source:
        print(f"{len(m.b_without_source):,} classes of {m.b} have no source class in {m.a}")
    return 0


def _write_timm_indices(m: Any, output: str | None) -> int:
    """timm's ``*_indices.txt``: for each output of A, its index in B, one per line (-1 where none)."""
    text = "".join(f"{-1 if j is None else j}\n" for _, j in m.mapping)
    missing = sum(j is None for _, j in m.mapping)
    if missing:
        sys.stderr.write(f"{PROG}: warning: {missing:,} labels of {m.a} have no index in {m.b}; written as -1\n")
    if output is None:
        sys.stdout.write(text)
        return 0
    from pathlib import Path

    try:
        Path(output).write_text(text, "utf-8")
    except OSError as exc:
        sys.stderr.write(f"{PROG}: error: cannot write {output!r}: {exc.strerror or exc}\n")
        return 2
    sys.stderr.write(f"wrote {output}\n")
    return 0


def _scope(args: argparse.Namespace) -> Scope:
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
        import networkx as nx

        from imagenet_versions.lineage import to_networkx

        ids = select_versions(args.version, scope=scope, to=args.to, catalog=cat)
        _emit("lineage", nx.node_link_data(to_networkx(cat).subgraph(ids), edges="edges"))
        return 0
    marked = args.mark or None
    if args.render:
        from imagenet_versions.render import render

        path = render(
            args.render, args.version, scope=scope, to=args.to, catalog=cat, marked=marked, engine=args.engine
        )
        sys.stderr.write(f"wrote {path}\n")
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
    sys.stderr.write(f"wrote {output}\n")
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
        _emit("verify", {"edges_checked": checked, "mismatches": [m.to_dict() for m in ms]})
    else:
        print(f"checked {checked} edges whose child has a published list: {len(ms)} mismatch(es)")
        for m in ms:
            print(f"  {m}")
    undocumented = [m for m in ms if not m.documented]
    return 1 if undocumented else 0


def cmd_survivors(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.audit import survivors
    from imagenet_versions.flags import DEFAULT_FLAGS, check_source_urls, load_user_flags

    urls = check_source_urls(dict(args.source_url))
    users = [load_user_flags(p) for p in args.user_flags]
    report = survivors(
        args.version,
        args.flag or DEFAULT_FLAGS,
        user=users,
        urls=urls,
        order=args.order,
        catalog=cat,
        show_offensive=args.show_offensive,
    )
    if args.json:
        doc: dict[str, Any] = {
            "version": report.version,
            "flags": list(report.flags),
            "num_classes": report.num_classes,
            "counts": report.counts(),
            "survivors": report.to_list(),
        }
        if args.order is not None:  # each survivor then carries its "index"
            doc = {"version": report.version, "order": report.order, **doc}
        _emit("survivors", doc)
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
        index = () if args.order is None else (s.index if s.index is not None else "-",)
        rows.append((*index, s.wnid, s.name, ",".join(s.flags), label, removed or "-"))
    index_head = () if args.order is None else (f"index ({report.order})",)
    print(_table(rows, (*index_head, "wnid", "name", "flags", "label here", "removed in")))
    _more(report.survivors, args, indent="")
    return 0


def cmd_trace(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.audit import trace, trace_all

    show = args.show_offensive
    traces = (
        trace_all(args.query, catalog=cat, show_offensive=show)
        if args.all
        else [trace(args.query, catalog=cat, show_offensive=show)]
    )
    if args.json:
        docs = [t.to_dict() for t in traces]
        if args.all:
            _emit("traces", {"traces": docs})
        else:
            _emit("trace", docs[0])
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
        _emit("flags", {"default": list(DEFAULT_FLAGS), "sources": [s.to_dict() for s in srcs]})
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

    st = subtree(args.root, args.version, order=args.order, catalog=cat, show_offensive=args.show_offensive)
    if args.json:
        _emit("subtree", st.to_dict())
        return 0
    print(f"{st.root} ({st.name}) in {st.version}: {len(st.present):,} of {len(st.members):,} synsets of the subtree")
    name = _namer(cat, args.show_offensive)
    indices = st.indices or {}
    for w in _head(st.present, args):
        at = f"{indices[w]:>6}  " if w in indices else ""
        print(f"    {at}{w}  {name(w)}")
    _more(st.present, args)
    return 0


def cmd_manifest(cat: Catalog, args: argparse.Namespace) -> int:
    action: Callable[[Catalog, argparse.Namespace], int] = {
        "ingest": _manifest_ingest,
        "list": _manifest_list,
        "remove": _manifest_remove,
        "export": _manifest_export,
    }[args.manifest_command]
    return action(cat, args)


def _manifest_ingest(cat: Catalog, args: argparse.Namespace) -> int:
    import warnings

    from imagenet_versions.manifests._user import ingest_user_version

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = ingest_user_version(
            args.path,
            name=args.name,
            copy_of=args.copy_of,
            split=args.split,
            label_column=args.label_column,
            allow_empty=args.allow_empty,
            replace=args.replace,
            progress=False if args.json else None,
        )
    for w in caught:
        sys.stderr.write(f"{PROG}: warning: {' '.join(str(w.message).split())}\n")
    if args.json:
        _emit_json(res.to_dict())
        return 0
    r = res.report
    print(
        f"{res.user_version.name}: user copy of {res.user_version.copy_of}/{res.split}: {r.images:,} images "
        f"in {r.classes:,} classes ({r.unlabelled:,} without a label), {r.layout} layout"
    )
    print(f"  stored in {res.user_version.folder}")
    for line in (*r.problems, *r.notes):
        print(f"  note: {line}")
    if r.qualified:
        print(f"  note: {r.qualified:,} ids are path-qualified (file names repeat across class folders)")
    return 0


def _manifest_list(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.manifests._images import manifests_of
    from imagenet_versions.manifests._user import user_versions

    vids = [cat.resolve(args.version)] if args.version else [v.id for v in cat]
    rows = [(vid, split, origin) for vid in vids for split, origin in manifests_of(vid, catalog=cat).items()]
    users = [u for u in user_versions() if not args.version or u.name in vids]
    if args.json:
        _emit_json(
            {
                "schema": "imagenet-versions/manifest-list@1",
                "manifests": [{"version": v, "split": sp, "origin": o} for v, sp, o in rows],
                "user_versions": [u.to_dict() for u in users],
            }
        )
        return 0
    print(_table(rows, ("version", "split", "manifest")))
    if users:
        print()
        urows = [
            (u.name, u.copy_of, s.split, f"{s.images:,}", s.layout, s.source) for u in users for s in u.splits.values()
        ]
        print(_table(urows, ("user version", "copy of", "split", "images", "layout", "source")))
    return 0


def _manifest_remove(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.manifests._user import remove_user_version

    uv = remove_user_version(args.name)
    if args.json:
        _emit_json({"schema": "imagenet-versions/manifest-remove@1", "removed": uv.to_dict()})
    else:
        print(f"removed user version {uv.name} (copy of {uv.copy_of}; splits: {', '.join(uv.splits)})")
    return 0


def cmd_fetch(cat: Catalog, args: argparse.Namespace) -> int:
    """Download the pinned files of a version the package may not ship (issue 11)."""
    vid = cat.resolve(args.version)
    paths = cat.fetch_on_demand(vid, mirror=args.mirror)
    od = cat.get(vid).on_demand
    assert od is not None  # fetch_on_demand raised otherwise
    n = len(cat.categories(vid)) if od.what == "categories" else None
    doc: dict[str, Any] = {
        "schema": "imagenet-versions/fetch@1",
        "version": vid,
        "what": od.what,
        "licence": od.licence,
        "categories": n,
        "files": [{**f.to_dict(), "path": str(p)} for f, p in zip(od.files, paths, strict=True)],
    }
    if args.json:
        _emit_json(doc)
        return 0
    for f in doc["files"]:
        print(f"{f['name']}: {f['path']} (sha256 {f['sha256'][:12]}... checked)")
    if n is not None:
        print(f"{vid}: {n:,} categories, now available offline")
    return 0


def cmd_site(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.site import build

    r = build(args.out, catalog=cat, engine=args.diagram)
    doc = r.to_dict()
    if args.json:
        _emit_json(doc)
        return 0
    print(
        f"wrote {r.version_pages} version pages and {r.class_pages:,} class pages "
        f"({r.bytes / 1e6:.1f} MB in {r.files:,} files) to {doc['out']} in {r.seconds:.1f} s; "
        f"open {doc['out']}/index.html"
    )
    return 0


def cmd_identify(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.models import identify, read_labels

    if args.file is None and args.count is None:
        sys.stderr.write(f"{PROG}: error: identify needs a label FILE (or -) or --count N (see --help)\n")
        return 2
    labels: Any = read_labels(args.file) if args.file is not None else args.count
    r = identify(labels, limit=args.limit, catalog=cat)
    if args.count is not None and args.file is not None and r.input.count != args.count:
        sys.stderr.write(f"{PROG}: error: --count {args.count} but the file holds {r.input.count:,} labels\n")
        return 2
    if args.json:
        _emit_json(r.to_dict())
        return 0
    inp = r.input
    extra = f", {inp.offset} background output(s) first" if inp.offset else ""
    unres = f", {len(inp.unresolved):,} names not recognised" if inp.unresolved else ""
    print(f"input: {inp.count:,} {inp.kind}{extra}{unres}")
    if not r.candidates:
        print("no candidate: no version of the catalog shares these classes")
        return 0
    rows = [
        (k + 1, c.version, c.order, c.match, c.offset or "", f"{c.jaccard:.3f}", c.missing_count, c.extra_count)
        for k, c in enumerate(r.candidates)
    ]
    print(_table(rows, ("#", "version", "order", "match", "offset", "jaccard", "missing", "extra")))
    gaps = dict.fromkeys(g for c in r.candidates for g in c.gaps)
    for g in gaps:
        print(f"known gap: {g}")
    return 0


def cmd_checkpoint(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.models import checkpoint, checkpoints

    if args.list:
        table = list(checkpoints().values())
        if args.json:
            docs = [{k: v for k, v in c.to_dict(survivors=False).items() if k != "schema"} for c in table]
            _emit_json({"schema": "imagenet-versions/checkpoints@1", "checkpoints": docs})
            return 0
        rows = [(c.name, c.source, c.num_classes, c.version or "?", c.order or "?", " -> ".join(c.pretraining))
                for c in _head(table, args)]  # fmt: skip
        print(_table(rows, ("checkpoint", "source", "outputs", "version", "order", "pretraining")))
        _more(table, args, indent="")
        return 0
    if args.name is None:
        sys.stderr.write(f"{PROG}: error: checkpoint needs a NAME or --list (see --help)\n")
        return 2
    c = checkpoint(args.name)
    doc = c.to_dict(catalog=cat)
    if args.json:
        _emit_json(doc)
        return 0
    space = f"{c.version}, order {c.order}" if c.version else "not an ImageNet label space known here"
    print(f"{c.name} ({c.source}): {c.num_classes:,} outputs")
    print(f"  label space: {space}")
    print(f"  pretraining: {' -> '.join(c.pretraining) or '-'}")
    if c.other_pretraining:
        print(f"  other data:  {', '.join(c.other_pretraining)}")
    sv = doc["survivors"]
    if sv["version"] is not None:
        print(f"  flagged classes of {sv['version']}: {sv['offensive']:,} offensive, {sv['sensitive']:,} sensitive")
    print(f"  derived:     {c.derivation}")
    return 0


def cmd_cite(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.citation import cite

    c = cite(args.version, order=args.order, catalog=cat)
    if args.json:
        _emit_json(c.to_dict())
        return 0
    sys.stdout.write(c.format(args.format).rstrip("\n") + "\n")
    return 0


def _manifest_export(cat: Catalog, args: argparse.Namespace) -> int:
    from imagenet_versions.manifests import load_manifest
    from imagenet_versions.parquet import to_parquet

    m = load_manifest(cat.resolve(args.version), args.split)
    path = to_parquet(m, args.output)
    sys.stderr.write(f"wrote {path}\n")
    if args.json:
        _emit("manifest-export", {"version": m.version, "split": m.split, "images": len(m), "path": str(path)})
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    offensive = _Parser(add_help=False)
    offensive.add_argument(
        "--show-offensive",
        action="store_true",
        help="show labels that Yang et al. 2020 found offensive or WordNet 3.0 marks derogatory (withheld by default)",
    )
    shown = _Parser(add_help=False, parents=[offensive])
    shown.add_argument("--limit", type=int, default=20, help="rows to show per list (default 20)")
    shown.add_argument("--all", action="store_true", help="show every row")

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
    s.add_argument("--split", metavar="S", type=_split_name, help="split to compare (default: the one with a manifest)")
    s.add_argument("--split-b", metavar="S", type=_split_name, help="split of B, where it differs from A's")
    s.set_defaults(func=cmd_diff)

    s = sub.add_parser("label-map", parents=[common, shown], help="map label indices of A to B")
    s.add_argument("a", metavar="A")
    s.add_argument("b", metavar="B")
    s.add_argument("--order-a", metavar="ORDER", help="label order of A's head (default: A's default order)")
    s.add_argument("--order-b", metavar="ORDER", help="label order of B's head (default: B's default order)")
    s.add_argument(
        "--format",
        choices=("table", "timm"),
        default="table",
        help="timm: write timm-style *_indices.txt (for each output of A its index in B; -1 where none)",
    )
    s.add_argument("-o", "--output", metavar="FILE", help="--format timm: write to FILE instead of stdout")
    s.set_defaults(func=cmd_label_map)

    select = _Parser(add_help=False)
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
        parents=[select, offensive],
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
        "--dataset-version",
        metavar="X.Y.Z",
        help="croissant: the `version` to write (the catalog records none)",
    )
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("verify", parents=[common], help="check every edge against the published lists")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser("survivors", parents=[common, shown], help="flagged classes present in a version")
    s.add_argument("version", metavar="VERSION")
    s.add_argument("--order", metavar="ORDER", help="report each survivor's output index in this label order")
    s.add_argument(
        "--flag", action="append", default=[], metavar="F", help="flag to check (repeatable; default: the unsafe set)"
    )
    s.add_argument("--user-flags", action="append", default=[], metavar="FILE", help="a wnid<TAB>flag file")
    s.add_argument(
        "--source-url",
        action="append",
        default=[],
        type=_source_url,
        metavar="SOURCE=URL",
        help="mirror (http or https) for an on-demand flag source",
    )
    s.set_defaults(func=cmd_survivors)

    s = sub.add_parser("trace", parents=[common, offensive], help="where a class lives and dies across the family")
    s.add_argument("query", metavar="WNID_OR_LEMMA")
    s.add_argument("--all", action="store_true", help="trace every synset a lemma names (JSON: an array)")
    s.add_argument("--verbose", action="store_true", help="also list the edges that keep it")
    s.set_defaults(func=cmd_trace)

    s = sub.add_parser("manifest", help="image manifests: list them; ingest or remove your own copy")
    msub = s.add_subparsers(dest="manifest_command", required=True, metavar="ACTION", parser_class=_Parser)
    m = msub.add_parser(
        "ingest",
        parents=[common],
        help="register your copy (a list, CSV, directory tree or tar) as a user version",
        description=(
            "Read PATH and register it as the user version NAME, a copy of VERSION's SPLIT, in the user data "
            "folder ($IMAGENET_VERSIONS_DATA). Compare it with `diff VERSION NAME --images --split SPLIT`."
        ),
    )
    m.add_argument("path", metavar="PATH")
    m.add_argument("--as", dest="name", required=True, metavar="NAME", help="name of the user version")
    m.add_argument("--copy-of", required=True, metavar="VERSION", help="the catalog version it claims to copy")
    m.add_argument("--split", required=True, metavar="SPLIT")
    m.add_argument("--label-column", metavar="COL", help="CSV only: the column holding the label")
    m.add_argument("--allow-empty", action="store_true", help="register a copy with zero images")
    m.add_argument("--replace", action="store_true", help="replace this split of an existing user version")
    m.set_defaults(func=cmd_manifest)
    m = msub.add_parser("export", parents=[common], help="write a manifest as Parquet (id, label, split, version)")
    m.add_argument("version", metavar="ID")
    m.add_argument("--split", required=True, metavar="S")
    m.add_argument("--format", choices=("parquet",), default="parquet", help="file format (default parquet)")
    m.add_argument("-o", "--output", required=True, metavar="FILE")
    m.set_defaults(func=cmd_manifest)
    m = msub.add_parser("list", parents=[common], help="which splits of which versions have a manifest")
    m.add_argument("version", metavar="ID", nargs="?")
    m.set_defaults(func=cmd_manifest)
    m = msub.add_parser("remove", parents=[common], help="remove a user version")
    m.add_argument("name", metavar="NAME")
    m.set_defaults(func=cmd_manifest)

    s = sub.add_parser("flags", parents=[common], help="list the flag sources with citation and licence")
    s.set_defaults(func=cmd_flags)

    s = sub.add_parser("subtree", parents=[common, shown], help="which part of a WordNet subtree a version holds")
    s.add_argument("root", metavar="WNID_OR_LEMMA")
    s.add_argument("version", metavar="VERSION")
    s.add_argument("--order", metavar="ORDER", help="report each class's output index in this label order")
    s.set_defaults(func=cmd_subtree)

    s = sub.add_parser(
        "fetch", parents=[common], help="download the pinned lists a version's licence keeps out of the package"
    )
    s.add_argument("version", metavar="VERSION")
    s.add_argument("--mirror", metavar="URL", help="fetch the files from <URL>/<name> instead of upstream")
    s.set_defaults(func=cmd_fetch)

    s = sub.add_parser(
        "site",
        parents=[common],
        help="write the static reference site (HTML, CSS, a little JS; no server) to OUT",
        description=(
            "Write a static, offline reference site of the whole family to the folder OUT: the family "
            "diagram, one page per version and per class, search and compare. OUT must be new, empty, "
            "or a site written before. Offensive labels are withheld on every page."
        ),
    )
    s.add_argument("out", metavar="OUT")
    s.add_argument(
        "--diagram",
        choices=("auto", "graphviz", "layered"),
        default="auto",
        help="lay out the home page's diagram with Graphviz `dot` (auto: when on PATH) or without it",
    )
    s.set_defaults(func=cmd_site)

    s = sub.add_parser(
        "identify",
        parents=[common],
        help="which version and label order is this head (from a label list or a count)",
        description=(
            "FILE holds one label per line in output order: wnids or class names (a leading 'background' "
            "counts as an offset), or a JSON config (id2label, label_names, class_to_idx); '-' reads stdin."
        ),
    )
    s.add_argument("file", metavar="FILE", nargs="?", help="label file, or - for stdin")
    s.add_argument("--count", type=int, metavar="N", help="the number of outputs (alone, or to check FILE)")
    s.add_argument("--limit", type=int, default=10, help="subset/superset/overlap candidates to keep (default 10)")
    s.set_defaults(func=cmd_identify)

    s = sub.add_parser("checkpoint", parents=[common], help="a pretrained checkpoint's label space and pretraining")
    s.add_argument("name", metavar="NAME", nargs="?", help="timm arch.tag or torchvision Weights member")
    s.add_argument("--list", action="store_true", help="print the whole checkpoint table")
    s.add_argument("--limit", type=int, default=20, help="--list: rows to show (default 20)")
    s.add_argument("--all", action="store_true", help="--list: show every row")
    s.set_defaults(func=cmd_checkpoint)

    s = sub.add_parser("cite", parents=[common], help="fingerprint, BibTeX and a methods sentence for a version")
    s.add_argument("version", metavar="ID")
    s.add_argument("--order", metavar="ORDER", help="label order to fingerprint (default: the version's default)")
    s.add_argument("--format", choices=("text", "bibtex", "cff"), default="text")
    s.set_defaults(func=cmd_cite)
    return p


def _version() -> str:
    from imagenet_versions import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 verify found undocumented
    mismatches, 2 error). Never raises, except with ``IMAGENET_VERSIONS_DEBUG=1``."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else 2
    if args.command in ("lineage", "export") and (args.ancestors or args.descendants or args.to) and not args.version:
        return _fail("--ancestors, --descendants and --to need a version ID (see --help)")
    as_json = bool(getattr(args, "json", False))
    real_stdout = sys.stdout
    buffer = io.StringIO()
    if as_json:  # nothing reaches stdout unless the command succeeds
        sys.stdout = buffer
    try:
        code = int(args.func(catalog_or_default(None), args))
        if as_json:
            real_stdout.write(buffer.getvalue())
        return code
    except Error as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # e.g. `| head`
        return 0
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except Exception as exc:
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        return _fail(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in imagenet_versions; please report it "
            f"with the command line (run with {DEBUG_ENV}=1 to see the traceback)"
        )
    finally:
        sys.stdout = real_stdout


def run() -> None:
    """The console entry point: :func:`main`, then exit with its status.

    Output is flushed and ``atexit`` handlers run as on a normal exit; only the
    interpreter's freeing of every object is skipped, which takes 10-20 ms after
    the largest answers (a label map of 21,843 classes), once no other thread runs.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # e.g. `| head`: nothing more can be written
        pass
    if "threading" in sys.modules and sys.modules["threading"].active_count() > 1:
        sys.exit(code)  # let the interpreter join them
    import atexit

    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    run()
