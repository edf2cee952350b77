"""Write the site: every page and data file, into a fresh folder swapped into place."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any

from attrs import frozen

from imagenet_versions.catalog import Catalog, catalog_or_default
from imagenet_versions.errors import CategoriesUnknownError, Error, SiteError
from imagenet_versions.site import _shared
from imagenet_versions.site._classes import class_page, lemmas_of
from imagenet_versions.site._diagram import diagram_meta, diagram_svg
from imagenet_versions.site._facts import Family, family_facts
from imagenet_versions.site._html import Labeller, esc
from imagenet_versions.site._versions import version_page

__all__ = ["MARKER", "SiteReport", "build"]

#: The file that marks a folder as a site written by :func:`build` (which may then replace it).
MARKER = ".imagenet-versions-site"
_REFERENCE = "ilsvrc2012"


@frozen
class SiteReport:
    """What :func:`build` wrote: where, how many pages and bytes, and how long it took."""

    out: str
    version_pages: int
    class_pages: int
    files: int
    bytes: int
    seconds: float
    diagram: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "imagenet-versions/site@1",
            "out": os.fsencode(self.out).decode("utf-8", "backslashreplace"),
            "version_pages": self.version_pages,
            "class_pages": self.class_pages,
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "diagram": self.diagram,
        }


def _check_out(out: Path) -> None:
    try:
        _check_folder(out)
    except OSError as exc:  # e.g. a name too long for the file system
        msg = f"cannot write the site to {str(out)!r}: {exc.strerror or exc}"
        raise SiteError(msg) from exc


def _check_folder(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        msg = f"cannot write the site to {str(out)!r}: it exists and is not a folder (or is a symbolic link)"
        raise SiteError(msg)
    if out.is_dir() and not (out / MARKER).is_file() and next(out.iterdir(), None) is not None:
        msg = (
            f"cannot write the site to {str(out)!r}: the folder is not empty and holds no earlier site "
            f"(no {MARKER} file); choose a new or empty folder"
        )
        raise SiteError(msg)


def _footer() -> str:
    from imagenet_versions import __version__

    return f"imagenet_versions {esc(__version__)}"


class _Writer:
    """Writes files under ``root`` on a few threads: creating ~22 K files is mostly waiting
    on the file system, which threads overlap (the GIL is released while writing)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="site-write")
        self._pending: list[Future[None]] = []

    def write(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        self.files += 1
        self.bytes += len(data)
        self._pending.append(self._pool.submit((self.root / rel).write_bytes, data))  # type: ignore[arg-type]
        if len(self._pending) >= 512:
            self._drain()

    def _drain(self) -> None:
        pending, self._pending = self._pending, []
        for f in pending:
            f.result()  # re-raises an OSError of the write

    def close(self) -> None:
        try:
            self._drain()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _status(cat: Catalog, fam: Family) -> dict[str, str]:
    from imagenet_versions.audit import unsafe_versions

    unsafe = unsafe_versions(catalog=cat)
    return {v.id: "unknown" if v.id not in fam.members else "unsafe" if v.id in unsafe else "clean" for v in cat}


def _version_pages(cat: Catalog, fam: Family, labels: Labeller, w: _Writer, footer: str) -> int:
    from imagenet_versions.audit import survivors
    from imagenet_versions.diff import diff
    from imagenet_versions.export import to_croissant
    from imagenet_versions.images import manifests_of

    n = 0
    for v in cat:
        diffs: list[Any] = []
        reason = ""
        if v.id in fam.members:
            others = [e.parent for e in cat.parents(v.id) if e.parent in fam.members]
            if v.id != _REFERENCE and _REFERENCE in fam.members and _REFERENCE not in others:
                others.append(_REFERENCE)
            diffs = [diff(o, v.id, catalog=cat) for o in others]
            reason = "A root of the family, and the reference itself." if not diffs else ""
        else:
            reason = "Unknown: the categories of this version are not known."
        try:
            report = survivors(v.id, catalog=cat)
        except CategoriesUnknownError:
            report = None
        page = version_page(
            cat,
            v,
            diffs=diffs,
            diff_reason=reason,
            report=report,
            manifests=manifests_of(v.id, catalog=cat),
            croissant=_site_croissant(to_croissant(v.id, catalog=cat), v.id, w),
            labels=labels,
            footer=footer,
        )
        w.write(f"v/{v.id}.html", page)
        n += 1
    return n


def _site_croissant(doc: Mapping[str, Any], vid: str, w: _Writer) -> dict[str, Any]:
    """The Croissant to embed in a version page: the ``classes`` record set reads its
    rows from ``data/classes/<id>.csv`` (a ``cr:FileObject`` with its sha256) instead
    of holding them inline, which keeps the 21K versions' pages small. The CSV holds
    the same rows, labels withheld by the same policy."""
    import csv
    import hashlib
    import io

    out = dict(doc)
    sets = [dict(rs) for rs in out.get("recordSet", [])]
    classes = next((rs for rs in sets if rs.get("@id") == "classes" and rs.get("data")), None)
    if classes is None:
        return out
    rows = classes.pop("data")
    cols = [f["@id"] for f in classes["field"]]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.split("/", 1)[1] for c in cols])
    for row in rows:
        writer.writerow([row.get(c, "") for c in cols])
    text = buf.getvalue()
    (w.root / "data" / "classes").mkdir(parents=True, exist_ok=True)
    w.write(f"data/classes/{vid}.csv", text)
    file_id = "classes-csv"
    classes["field"] = [
        {**f, "source": {"fileObject": {"@id": file_id}, "extract": {"column": f["@id"].split("/", 1)[1]}}}
        for f in classes["field"]
    ]
    out["recordSet"] = [classes if rs.get("@id") == "classes" else rs for rs in sets]
    dist = list(out.get("distribution") or [])
    dist.append(
        {
            "@type": "cr:FileObject",
            "@id": file_id,
            "name": f"{vid}-classes.csv",
            "description": "The classes record set, one row per label index.",
            "contentUrl": f"../data/classes/{vid}.csv",
            "encodingFormat": "text/csv",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
    )
    out["distribution"] = dist
    return out


def _class_pages(fam: Family, labels: Labeller, flags: Mapping[str, Mapping[str, Any]], w: _Writer, footer: str) -> int:
    from imagenet_versions.flags import DEFAULT_FLAGS

    union = frozenset(fam.union)
    unsafe = frozenset(DEFAULT_FLAGS)
    bulk = fam.bulk_reasons()
    for wnid in fam.union:
        page = class_page(wnid, fam, labels, flags.get(wnid, {}), union=union, unsafe=unsafe, bulk=bulk, footer=footer)
        w.write(f"c/{wnid}.html", page)
    return len(fam.union)


def _flags(union: tuple[str, ...]) -> dict[str, Mapping[str, Any]]:
    from imagenet_versions.flags import flags_for

    out: dict[str, Mapping[str, Any]] = {}
    for wnid in union:
        try:
            out[wnid] = flags_for(wnid)
        except Error:
            out[wnid] = {}
    return out


def build(out: str | os.PathLike[str], *, catalog: Catalog | None = None, engine: str = "auto") -> SiteReport:
    """Write the reference site into the folder ``out`` and say what was written.

    ``out`` must be new, empty, or a site this function wrote before (it holds
    the ``MARKER`` file); the site is written next to it and swapped into
    place, so a failed build leaves the old one intact.

    Args:
        out: the folder to write.
        catalog: defaults to the shipped catalog.
        engine: how the home page's diagram is laid out: ``auto`` (Graphviz
            ``dot`` when on ``PATH``), ``graphviz`` or ``layered`` (no Graphviz).

    Raises:
        SiteError: ``out`` is a file, a folder holding something else, or not writable.
        RenderError: ``engine="graphviz"`` without Graphviz, or an unknown engine.
    """
    start = time.perf_counter()
    cat = catalog_or_default(catalog)
    target = Path(os.fspath(out)).absolute()
    _check_out(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        msg = f"cannot write the site to {str(target)!r}: {exc.strerror or exc}"
        raise SiteError(msg) from exc
    try:
        report = _generate(cat, tmp, engine)
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteReport(str(target), report[0], report[1], report[2], report[3], time.perf_counter() - start, report[4])


def _swap(tmp: Path, target: Path) -> None:
    old = None
    try:
        tmp.chmod(0o755)  # mkdtemp made it private; a site is for reading
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
        tmp.rename(target)
    except OSError as exc:
        if old is not None and not target.exists():
            old.rename(target)
        msg = f"cannot write the site to {str(target)!r}: {exc.strerror or exc}"
        raise SiteError(msg) from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _generate(cat: Catalog, root: Path, engine: str) -> tuple[int, int, int, int, str]:
    try:
        for sub in ("v", "c", "static", "data"):
            (root / sub).mkdir()
    except OSError as exc:
        msg = f"cannot write the site to {str(root)!r}: {exc.strerror or exc}"
        raise SiteError(msg) from exc
    w = _Writer(root)
    try:
        return _generate_into(cat, w, engine)
    except SiteError:
        raise
    except OSError as exc:
        msg = f"cannot write the site to {str(root)!r}: {exc.strerror or exc}"
        raise SiteError(msg) from exc
    finally:
        w.close()


def _generate_into(cat: Catalog, w: _Writer, engine: str) -> tuple[int, int, int, int, str]:
    from imagenet_versions import wordnet
    from imagenet_versions.flags import flag_sources, withheld_labels

    fam = family_facts(cat)
    hidden = frozenset(withheld_labels())
    union = fam.union
    lemmas = {x: lemmas_of(x, cat.name_of(x)) for x in union}
    labels = Labeller(lambda x: lemmas[x][0] if x in lemmas else lemmas_of(x, cat.name_of(x))[0], hidden)
    flags = _flags(union)
    footer = _footer()
    status = _status(cat, fam)
    svg, used = diagram_svg(cat, status, engine=engine)
    w.write("index.html", _shared.home_page(cat, fam, svg, diagram_meta(cat, status), status, flag_sources(), footer))
    w.write("search.html", _shared.search_page(footer))
    w.write("compare.html", _shared.compare_page(cat, fam, footer))
    nv = _version_pages(cat, fam, labels, w, footer)
    nc = _class_pages(fam, labels, flags, w, footer)
    gloss = {}
    for x in hidden & set(union):
        try:
            gloss[x] = wordnet.synset(x).gloss
        except Error:
            gloss[x] = ""
    w.write("data/search.js", _shared.data_js("search", _shared.search_data(cat, union, lemmas, hidden)))
    w.write("data/compare.js", _shared.data_js("compare", _shared.compare_data(cat, fam, hidden)))
    w.write("data/withheld.js", _shared.data_js("withheld", _shared.withheld_data(labels, lemmas, gloss, flags)))
    static = resources.files("imagenet_versions.site") / "static"
    for name in ("site.css", "site.js"):
        w.write(f"static/{name}", (static / name).read_text("utf-8"))
    w.write(MARKER, "imagenet-versions site: this folder is rewritten by `imagenet-versions site`\n")
    w.close()
    return nv, nc, w.files, w.bytes, used
