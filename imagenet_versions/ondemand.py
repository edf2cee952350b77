"""Lists that a version's licence does not let the package ship: pinned, cached, on demand.

A catalog version may carry an ``on_demand`` table instead of (or beside) a shipped
list: the upstream files, each pinned by sha256, and the name of the parser that
turns them into what the version needs. Nothing is downloaded until
:meth:`imagenet_versions.catalog.Catalog.fetch_on_demand` is called; after that the files
live in the cache (:func:`imagenet_versions._fetch.cache_dir`) and are re-checked
against their sha256 on every read.

``what`` says what the files hold: ``categories`` (the version's class list, parsed
here) or ``image labels`` (per-image relabels, kept as files for the caller).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import field, frozen

from imagenet_versions._types import WNID_RE, check_name
from imagenet_versions.errors import CatalogError, DataFileError

__all__ = ["OnDemand", "PinnedFile", "parse_categories"]

_WHAT = ("categories", "image labels")


@frozen
class PinnedFile:
    """One upstream file: where it is, and the sha256 it must have."""

    name: str
    url: str
    sha256: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "url": self.url, "sha256": self.sha256}


def _files(items: Sequence[Any]) -> tuple[PinnedFile, ...]:
    return tuple(x if isinstance(x, PinnedFile) else PinnedFile(**x) for x in items)


@frozen
class OnDemand:
    """How to get a list the package does not ship (see the module docstring)."""

    what: str
    files: tuple[PinnedFile, ...] = field(converter=_files)
    format: str = ""
    licence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "format": self.format,
            "licence": self.licence,
            "files": [f.to_dict() for f in self.files],
        }


def from_record(rec: Mapping[str, Any], where: str) -> OnDemand:
    """Build an :class:`OnDemand` from a catalog table, or raise :class:`CatalogError`."""
    try:
        od = OnDemand(**rec)
    except TypeError as exc:
        msg = f"{where}: bad on_demand table: {exc}"
        raise CatalogError(msg) from exc
    if od.what not in _WHAT:
        msg = f"{where}: on_demand.what must be one of {', '.join(_WHAT)}, not {od.what!r}"
        raise CatalogError(msg)
    if od.what == "categories" and od.format not in PARSERS:
        msg = f"{where}: unknown on_demand.format {od.format!r}; known: {', '.join(PARSERS)}"
        raise CatalogError(msg)
    for f in od.files:
        check_name(f.name, "on_demand file name")
        if len(f.sha256) != 64 or not f.url.startswith(("https://", "http://")):
            msg = f"{where}: on_demand file {f.name!r} needs an http(s) url and a 64-hex sha256"
            raise CatalogError(msg)
    return od


def _text(path: Path) -> str:
    from imagenet_versions._decode import read_user_text

    return read_user_text(path)


def _wnid_lines(paths: Sequence[Path], context: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """One wnid a line (ImageNet-S); blank lines skipped, anything else is an error."""
    out: list[str] = []
    for n, line in enumerate(_text(paths[0]).splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if not WNID_RE.fullmatch(line):
            msg = f"{paths[0]}, line {n}: not a wnid: {line[:40]!r}"
            raise DataFileError(msg)
        out.append(line)
    return tuple(out)


def _objectnet_testbed(paths: Sequence[Path], context: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """imagenet-testbed's ObjectNet -> ILSVRC-2012 map, resolved to wnids in ILSVRC-2012 label order.

    ``objectnet_to_imagenet_1k.json`` maps an ObjectNet class to ``"name; name"``;
    ``imagenet_to_labels.json`` maps an ILSVRC-2012 index to its name. The names are
    resolved as imagenet-testbed's ``objectnet.py`` does.
    """
    try:
        onet = json.loads(_text(paths[0]))
        labels = json.loads(_text(paths[1]))
    except json.JSONDecodeError as exc:
        msg = f"ObjectNet mapping: not valid JSON: {exc}"
        raise DataFileError(msg) from exc
    in1k = context["ilsvrc2012"]
    index: dict[str, int] = {}
    for k, name in labels.items():
        index.setdefault(str(name), int(k))
    wanted: set[int] = set()
    for cls, names in onet.items():
        for name in str(names).split("; "):
            if name not in index:
                msg = f"{paths[0]}: ObjectNet class {cls!r} maps to an unknown ILSVRC-2012 name {name!r}"
                raise DataFileError(msg)
            wanted.add(index[name])
    return tuple(in1k[i] for i in sorted(wanted))


PARSERS: dict[str, Callable[[Sequence[Path], Mapping[str, tuple[str, ...]]], tuple[str, ...]]] = {
    "wnid-lines": _wnid_lines,
    "objectnet-testbed": _objectnet_testbed,
}

#: the shipped versions a parser needs as context
NEEDS: dict[str, tuple[str, ...]] = {"objectnet-testbed": ("ilsvrc2012",)}


def cached(od: OnDemand) -> tuple[Path, ...] | None:
    """The cached copies of ``od``'s files, or ``None`` if any is missing or damaged."""
    from imagenet_versions._fetch import _target, sha256_file

    out = []
    for f in od.files:
        p = _target(f.name, f.sha256)
        if not p.is_file() or sha256_file(p) != f.sha256:
            return None
        out.append(p)
    return tuple(out)


def fetch(od: OnDemand, *, mirror: str | None = None) -> tuple[Path, ...]:
    """Download (once) every file of ``od``, checking each sha256.

    ``mirror`` is a base URL to fetch the files from instead (``<mirror>/<name>``).
    """
    from imagenet_versions._fetch import fetch as _fetch

    return tuple(_fetch(f"{mirror.rstrip('/')}/{f.name}" if mirror else f.url, f.sha256, name=f.name) for f in od.files)


def parse_categories(od: OnDemand, paths: Sequence[Path], context: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Turn the fetched files into a category list with the parser ``od.format`` names."""
    cats = PARSERS[od.format](paths, context)
    if len(set(cats)) != len(cats):
        msg = f"{paths[0]}: the on-demand list repeats a category"
        raise DataFileError(msg)
    return cats
