"""The one reader of the package's shipped data files.

Every shipped data file is recorded, with its sha256, in a provenance record
under ``data/provenance/`` (written by the ``tools/`` script that built it, or by
``tools/record_curated.py`` for the hand-curated ``catalog.toml``). The first
read of each file in a process checks its sha256 against that record and raises
:class:`~imagenet_versions.IntegrityError` naming the file when they differ, so a
truncated or edited data file is noticed instead of giving wrong answers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from imagenet_versions.errors import DataFileError, IntegrityError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

_PREFIX = "imagenet_versions/data/"
_verified: set[str] = set()
_lock = threading.Lock()


@functools.cache
def root() -> Traversable:
    """The package's data folder, looked up once.

    A package installed as files (every usual install) is read from its folder;
    ``importlib.resources``, which also reads a zipped package, is imported only
    where there is no such folder (its import takes about 5 ms of every command).
    """
    here = Path(__file__).parent / "data"
    if here.is_dir():
        return here
    from importlib import resources

    return resources.files("imagenet_versions") / "data"


@functools.cache
def recorded() -> dict[str, str]:
    """``{path relative to data/: sha256}`` from every provenance record."""
    out: dict[str, str] = {}
    prov = root() / "provenance"
    for entry in sorted(prov.iterdir(), key=lambda t: t.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            doc = json.loads(entry.read_bytes().decode("utf-8"))
            for rec in doc["outputs"]:
                path = rec["path"]
                rel = path[len(_PREFIX) :] if path.startswith(_PREFIX) else path
                out[rel] = rec["sha256"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            msg = f"damaged provenance record {_PREFIX}provenance/{entry.name}: {exc}"
            raise IntegrityError(msg) from exc
    return out


def read_bytes(rel: str) -> bytes:
    """The bytes of ``data/<rel>``, checked against the provenance record on first read."""
    target = root()
    for part in rel.split("/"):
        target = target / part
    try:
        data = target.read_bytes()
    except OSError as exc:
        msg = f"shipped data file {_PREFIX}{rel} cannot be read ({exc.strerror or exc}); reinstall imagenet_versions"
        raise IntegrityError(msg) from exc
    if rel in _verified:
        return data
    want = recorded().get(rel)
    if want is None:
        msg = f"shipped data file {_PREFIX}{rel} has no provenance record"
        raise IntegrityError(msg)
    got = hashlib.sha256(data).hexdigest()
    if got != want:
        msg = (
            f"shipped data file {_PREFIX}{rel} is damaged: sha256 {got[:12]}… "
            f"but its provenance record says {want[:12]}…; reinstall imagenet_versions"
        )
        raise IntegrityError(msg)
    with _lock:
        _verified.add(rel)
    return data


def read_text(rel: str) -> str:
    """``read_bytes`` decoded as strict UTF-8."""
    data = read_bytes(rel)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        msg = f"{_PREFIX}{rel}, line {line}: not UTF-8 ({exc.reason})"
        raise DataFileError(msg) from exc
