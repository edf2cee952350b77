"""Shared helpers for the tools/ build scripts: inputs, sha256, provenance records.

The build scripts read a local mirror of the upstream public files (the layout of
``shared/data/sources``: ``<slug>/<file>`` plus a ``MANIFEST.json`` that records
each file's upstream origin). Every input is checked against the sha256 pinned in
the script that uses it, so a changed mirror stops the build instead of silently
changing what the package ships.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "imagenet_versions" / "data"
PROVENANCE = DATA / "provenance"


def default_sources() -> Path:
    """``$IMAGENET_VERSIONS_SOURCES``, else ``<repo>/../shared/data/sources``."""
    env = os.environ.get("IMAGENET_VERSIONS_SOURCES")
    return Path(env) if env else REPO.parent / "shared" / "data" / "sources"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


class Sources:
    """The local mirror: checks pinned sha256s and records what was read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        manifest = root / "MANIFEST.json"
        self.manifest: dict[str, dict[str, Any]] = {}
        if manifest.is_file():
            for entry in json.loads(manifest.read_text(encoding="utf-8")):
                # manifest paths are "data/sources/<slug>/<file>"
                rel = entry["file"].split("data/sources/", 1)[-1]
                self.manifest[rel] = entry
        self.used: list[dict[str, Any]] = []

    def path(self, rel: str, sha256: str) -> Path:
        """Return the mirror path of ``rel`` after checking its pinned sha256."""
        path = self.root / rel
        if not path.is_file():
            msg = f"input file not found: {path} (point --sources at the mirror)"
            raise SystemExit(msg)
        got = sha256_file(path)
        if got != sha256:
            msg = f"sha256 of {path} is {got}, expected {sha256}; the mirror changed"
            raise SystemExit(msg)
        entry = self.manifest.get(rel, {})
        self.used.append(
            {
                "path": f"data/sources/{rel}",
                "sha256": got,
                "bytes": path.stat().st_size,
                "origin": entry.get("origin", "not in the mirror's MANIFEST.json"),
                "description": entry.get("description", ""),
            }
        )
        return path

    def text(self, rel: str, sha256: str) -> str:
        return self.path(rel, sha256).read_text(encoding="utf-8")


def gzip_bytes(text: str) -> bytes:
    """Deterministic gzip: no file name, mtime 0, level 9."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


def output_record(path: Path, data: bytes, *, text: str | None = None, rows: int) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "path": path.relative_to(REPO).as_posix(),
        "sha256": sha256_bytes(data),
        "bytes": len(data),
        "rows": rows,
    }
    if text is not None:
        rec["uncompressed_sha256"] = sha256_bytes(text.encode("utf-8"))
        rec["uncompressed_bytes"] = len(text.encode("utf-8"))
    return rec


def write_json(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def debian_package(path: Path) -> dict[str, str] | None:
    """Return the Debian package (name, version) that installed ``path``, if any."""
    try:
        owner = subprocess.run(
            ["dpkg-query", "-S", str(path)], capture_output=True, text=True, check=True
        ).stdout.split(":", 1)[0]
        version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", owner], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"package": owner, "version": version}
