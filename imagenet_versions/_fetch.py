"""Hash-verified, atomic, cached downloads (the pooch way, with requests).

Nothing here touches the network or the disk at import time. Files are cached
under :func:`cache_dir` and named by their sha256 so that two pinned sources
never collide. A download is written to a temporary file beside its final place,
its sha256 checked, and only then moved into place with :func:`os.replace`: a
failed or corrupted download leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from imagenet_versions.errors import DownloadError, IntegrityError

__all__ = ["cache_dir", "clear_cache", "fetch", "list_cache", "sha256_file"]

ENV_VAR = "IMAGENET_VERSIONS_CACHE"
_CHUNK = 1 << 20


def cache_dir() -> Path:
    """Return the cache folder (not created until the first download).

    ``$IMAGENET_VERSIONS_CACHE`` wins; otherwise platformdirs' user cache dir.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("imagenet_versions"))


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _target(name: str, sha256: str) -> Path:
    return cache_dir() / f"{sha256[:16]}-{name}"


def fetch(
    url: str,
    sha256: str,
    *,
    name: str | None = None,
    timeout: float = 60.0,
    progress: bool = False,
) -> Path:
    """Return the local path of ``url``, downloading it once and checking its sha256.

    Args:
        url: where to get the file.
        sha256: the pinned hex digest the file must have.
        name: file name in the cache (default: last part of the URL).
        timeout: seconds before a stalled connection fails.
        progress: show a tqdm progress bar (when tqdm is installed).

    Raises:
        DownloadError: the server could not be reached or answered with an error.
        IntegrityError: the downloaded bytes do not have the pinned sha256.

    In both cases nothing is left in the cache.
    """
    sha256 = sha256.lower()
    name = name or url.rstrip("/").rsplit("/", 1)[-1] or "download"
    target = _target(name, sha256)
    if target.exists():
        if sha256_file(target) == sha256:
            return target
        target.unlink()  # corrupted cache entry: fetch again
    target.parent.mkdir(parents=True, exist_ok=True)

    import requests

    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        h = hashlib.sha256()
        try:
            with requests.get(url, stream=True, timeout=timeout) as resp:
                resp.raise_for_status()
                total = int(resp.headers.get("content-length") or 0) or None
                bar = _progress(total, name) if progress else None
                with os.fdopen(fd, "wb") as out:
                    for chunk in resp.iter_content(_CHUNK):
                        out.write(chunk)
                        h.update(chunk)
                        if bar is not None:
                            bar.update(len(chunk))
                if bar is not None:
                    bar.close()
        except requests.RequestException as exc:
            msg = f"could not download {url}: {exc}"
            raise DownloadError(msg) from exc
        got = h.hexdigest()
        if got != sha256:
            msg = (
                f"sha256 of {url} is {got}, expected {sha256}; the download was deleted. "
                "The file may have been corrupted in transit or changed upstream."
            )
            raise IntegrityError(msg)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def _progress(total: int | None, name: str) -> Any:
    """A tqdm bar on a terminal; ``None`` where stderr is a file or a pipe (logs stay clean)."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a declared dependency
        return None
    return tqdm(total=total, unit="B", unit_scale=True, desc=name, leave=False)


def list_cache() -> list[Path]:
    """Return the files in the cache (empty if it does not exist yet)."""
    d = cache_dir()
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.is_file() and not p.name.startswith("."))


def clear_cache() -> int:
    """Delete the cache folder; return the number of files removed."""
    d = cache_dir()
    n = len(list_cache())
    if d.is_dir():
        shutil.rmtree(d)
    return n
