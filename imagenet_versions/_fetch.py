"""Hash-verified, size-capped, deadline-bounded, atomic, cached downloads.

Nothing here touches the network or the disk at import time. Files are cached
under :func:`cache_dir` and named by their sha256 so that two pinned sources
never collide. A download is written to a ``<final name>.<random>.part`` file
beside its final place, its size capped and its sha256 checked, and only then
moved into place with :func:`os.replace`: a failed, oversized, too slow or
corrupted download leaves nothing behind.

Only a process killed outright (``SIGKILL``, a power cut) can leave a ``.part``
file. It is visible to :func:`list_cache`, removed by :func:`clear_cache`, and
removed by the next :func:`fetch` once no live download holds it (a download
holds an exclusive ``flock`` on its ``.part`` file while it writes; where
``flock`` does not exist, a ``.part`` file untouched for ``STALE_PART_SECONDS``
counts as stale).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagenet_versions.errors import DownloadError, IntegrityError

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "cache_dir",
    "clear_cache",
    "fetch",
    "list_cache",
    "sha256_file",
]

ENV_VAR = "IMAGENET_VERSIONS_CACHE"
_CHUNK = 1 << 20
_PART = ".part"

#: Seconds a whole download may take (beside the per-read ``timeout``), unless the
#: caller passes ``deadline=``.
DEFAULT_DEADLINE = 1800.0

#: The most bytes a download without a pinned ``size`` may have (1 GiB).
DEFAULT_MAX_BYTES = 1 << 30

#: Where ``flock`` is missing (Windows), a ``.part`` file untouched this long is stale.
STALE_PART_SECONDS = 3600.0


def cache_dir() -> Path:
    """Return the cache folder (not created until the first download).

    ``$IMAGENET_VERSIONS_CACHE`` wins; otherwise platformdirs' user cache dir. The
    cache holds only what can be downloaded again; :func:`clear_cache` may delete
    all of it.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    from imagenet_versions._dirs import user_dir

    return user_dir("cache")


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _target(name: str, sha256: str) -> Path:
    from imagenet_versions._types import check_name

    return cache_dir() / f"{sha256[:16]}-{check_name(name, 'file name')}"


def _default_name(url: str) -> str:
    from imagenet_versions._types import NAME_RE

    last = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return last if NAME_RE.fullmatch(last) and ".." not in last else "download"


def _check_request(url: object, sha256: object, size: object) -> tuple[str, str]:
    if not isinstance(url, str) or not url.strip():
        msg = f"empty download URL: {url!r}"
        raise DownloadError(msg)
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        shown = url if len(url) <= 80 else url[:77] + "..."
        msg = f"not an http(s) URL: {shown!r}"
        raise DownloadError(msg)
    if not isinstance(sha256, str) or len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256.lower()):
        msg = f"not a sha256 hex digest: {sha256!r}"
        raise IntegrityError(msg)
    if size is not None and (not isinstance(size, int) or size < 0):
        msg = f"not a byte count: {size!r}"
        raise DownloadError(msg)
    return url, sha256.lower()


def fetch(
    url: str,
    sha256: str,
    *,
    name: str | None = None,
    size: int | None = None,
    timeout: float = 60.0,
    deadline: float | None = DEFAULT_DEADLINE,
    progress: bool = False,
) -> Path:
    """Return the local path of ``url``, downloading it once and checking its sha256.

    Args:
        url: where to get the file (``http`` or ``https``).
        sha256: the pinned hex digest the file must have.
        name: file name in the cache (default: last part of the URL); it must match
            :data:`imagenet_versions._types.NAME_PATTERN`.
        size: the pinned size in bytes. The download stops and fails as soon as more
            bytes arrive (or the server announces more). Without it the cap is
            :data:`DEFAULT_MAX_BYTES`.
        timeout: seconds a single connect or read may stall.
        deadline: seconds the whole download may take (``None``: no limit). A server
            that drips a byte at a time cannot hold a download past it.
        progress: show a tqdm progress bar (when tqdm is installed).

    Raises:
        DownloadError: the URL is empty or not http(s); the server could not be
            reached, answered with an error, sent more than the pinned size, or did
            not finish before the deadline.
        IntegrityError: the downloaded bytes do not have the pinned sha256 (or
            ``sha256`` is not a digest).
        InvalidNameError: ``name`` may not become a file name.

    In every case nothing is left in the cache.
    """
    url, sha256 = _check_request(url, sha256, size)
    target = _target(name or _default_name(url), sha256)
    if target.exists():
        if sha256_file(target) == sha256:
            return target
        target.unlink()  # corrupted cache entry: fetch again
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"cannot create the cache folder {str(target.parent)!r}: {exc.strerror or exc}"
        raise DownloadError(msg) from exc
    _clean_stale_parts(target.parent)
    cap = DEFAULT_MAX_BYTES if size is None else size
    import tempfile  # here, not at import: asking whether a file is cached needs neither

    fd, tmp_name = tempfile.mkstemp(prefix=f"{target.name}.", suffix=_PART, dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _lock(out.fileno())
            got = _download(
                url, out, cap=cap, pinned=size is not None, timeout=timeout, deadline=deadline, bar=progress
            )
        if got != sha256:
            msg = (
                f"sha256 of {url} is {got}, expected {sha256}; the download was deleted. "
                "The file may have been corrupted in transit or changed upstream."
            )
            raise IntegrityError(msg)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            msg = f"could not move the download of {url} into the cache: {exc.strerror or exc}"
            raise DownloadError(msg) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _download(url: str, out: Any, *, cap: int, pinned: bool, timeout: float, deadline: float | None, bar: bool) -> str:
    """Stream ``url`` into ``out``; return the sha256 of what was written."""
    import requests

    start = time.monotonic()
    try:
        with requests.get(url, stream=True, timeout=timeout) as resp:
            resp.raise_for_status()
            announced = int(resp.headers.get("content-length") or 0) or None
            if announced is not None and announced > cap and "content-encoding" not in resp.headers:
                raise _too_big(url, cap, pinned, announced)
            shown = _progress(announced, url.rsplit("/", 1)[-1]) if bar else None
            try:
                return _copy(url, _reader(resp), out, cap=cap, pinned=pinned, start=start, deadline=deadline, bar=shown)
            finally:
                if shown is not None:
                    shown.close()
    except requests.RequestException as exc:
        msg = f"could not download {url}: {exc}"
        raise DownloadError(msg) from exc
    except OSError as exc:
        if isinstance(exc, DownloadError):
            raise
        msg = f"could not download {url}: {exc}"
        raise DownloadError(msg) from exc


def _copy(
    url: str,
    read: Callable[[int], bytes],
    out: Any,
    *,
    cap: int,
    pinned: bool,
    start: float,
    deadline: float | None,
    bar: Any,
) -> str:
    h = hashlib.sha256()
    total = 0
    while chunk := read(_CHUNK):
        total += len(chunk)
        if total > cap:
            raise _too_big(url, cap, pinned, None)
        out.write(chunk)
        h.update(chunk)
        if bar is not None:
            bar.update(len(chunk))
        if deadline is not None and time.monotonic() - start > deadline:
            msg = f"could not download {url}: not finished after {deadline:g} s (the deadline); {total:,} bytes so far"
            raise DownloadError(msg)
    return h.hexdigest()


def _reader(resp: Any) -> Callable[[int], bytes]:
    """A read that returns as soon as some bytes arrive (urllib3 2's ``read1``).

    ``requests``' ``iter_content`` blocks until a whole chunk has arrived, so a server
    dripping a byte at a time would hold it past any deadline.
    """
    raw = resp.raw
    if hasattr(raw, "read1"):

        def read1(n: int) -> bytes:
            return bytes(raw.read1(n, decode_content=True) or b"")

        return read1

    def read(n: int) -> bytes:  # pragma: no cover - urllib3 1.x
        return bytes(raw.read(min(n, 1 << 14), decode_content=True) or b"")

    return read


def _too_big(url: str, cap: int, pinned: bool, announced: int | None) -> DownloadError:
    what = (
        f"its pinned size, {cap:,} bytes" if pinned else f"the {cap:,}-byte limit for a download without a pinned size"
    )
    got = f"the server announced {announced:,} bytes" if announced is not None else "more bytes arrived"
    msg = f"could not download {url}: {got}, more than {what}; the download was deleted"
    return DownloadError(msg)


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: staleness by age
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # pragma: no cover - a file system without flock: staleness by age
        return


def _is_stale(part: Path) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return _old(part)
    try:
        fd = os.open(part, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a live download holds it
    except OSError:  # pragma: no cover - a file system without flock
        return _old(part)
    finally:
        os.close(fd)
    return True


def _old(part: Path) -> bool:
    try:
        return time.time() - part.stat().st_mtime > STALE_PART_SECONDS
    except OSError:
        return False


def _clean_stale_parts(folder: Path) -> int:
    """Delete the ``.part`` files in ``folder`` that no live download holds."""
    n = 0
    for part in folder.glob(f"*{_PART}"):
        if part.is_file() and _is_stale(part):
            part.unlink(missing_ok=True)
            n += 1
    return n


def _progress(total: int | None, name: str) -> Any:
    """A tqdm bar on a terminal; ``None`` where stderr is a file or a pipe (logs stay
    clean), or where tqdm is missing (a declared dependency, which nltk brings too)."""
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - tqdm comes with nltk
        return None
    return tqdm(total=total, unit="B", unit_scale=True, desc=name, leave=False)


def list_cache() -> list[Path]:
    """Return every file in the cache, in sub-folders too, ``.part`` files of
    interrupted downloads included (empty if the cache does not exist yet)."""
    d = cache_dir()
    if not d.is_dir():
        return []
    return sorted(p for p in d.rglob("*") if p.is_file())


def clear_cache() -> int:
    """Delete the cache folder; return the number of files removed (as :func:`list_cache` counts them).

    The cache holds only downloads and what is built from them; nothing a user made
    is stored there.
    """
    d = cache_dir()
    n = len(list_cache())
    if d.is_dir():
        import shutil

        shutil.rmtree(d)
    return n
