from __future__ import annotations

import hashlib
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagenet_versions import _fetch
from imagenet_versions.errors import DownloadError, IntegrityError, InvalidNameError


def test_fetch_downloads_verifies_and_caches(local_http: tuple[str, Path], cache_root: Path) -> None:
    base, root = local_http
    payload = b"n01440764\nn01443537\n"
    (root / "list.txt").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()

    path = _fetch.fetch(f"{base}/list.txt", digest, size=len(payload))
    assert path.read_bytes() == payload
    assert path.parent == cache_root
    # served again from the cache, even when the server no longer has it
    (root / "list.txt").unlink()
    assert _fetch.fetch(f"{base}/list.txt", digest) == path
    assert _fetch.list_cache() == [path]


def test_fetch_hash_mismatch_leaves_nothing(local_http: tuple[str, Path], cache_root: Path) -> None:
    base, root = local_http
    (root / "list.txt").write_bytes(b"tampered\n")
    with pytest.raises(IntegrityError, match=r"expected 0{64}; the download was deleted"):
        _fetch.fetch(f"{base}/list.txt", "0" * 64)
    assert list(cache_root.iterdir()) == []


def test_fetch_http_error_leaves_nothing(local_http: tuple[str, Path], cache_root: Path) -> None:
    base, _ = local_http
    with pytest.raises(DownloadError, match="404"):
        _fetch.fetch(f"{base}/missing.txt", "0" * 64)
    assert list(cache_root.iterdir()) == []


def test_corrupted_cache_entry_is_fetched_again(local_http: tuple[str, Path]) -> None:
    base, root = local_http
    payload = b"abc\n"
    (root / "f.txt").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    path = _fetch.fetch(f"{base}/f.txt", digest)
    path.write_bytes(b"corrupted")
    assert _fetch.fetch(f"{base}/f.txt", digest).read_bytes() == payload
    assert _fetch.clear_cache() == 1
    assert _fetch.list_cache() == []


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("", "empty download URL"),
        ("   ", "empty download URL"),
        ("file:///etc/passwd", r"not an http\(s\) URL: 'file:///etc/passwd'"),
        ("ftp://127.0.0.1/x", r"not an http\(s\) URL"),
        ("127.0.0.1/x", r"not an http\(s\) URL"),
    ],
)
def test_bad_urls_are_download_errors(url: str, needle: str, cache_root: Path) -> None:
    with pytest.raises(DownloadError, match=needle):
        _fetch.fetch(url, "0" * 64)
    assert not cache_root.exists()


def test_bad_digest_and_name_are_refused(cache_root: Path) -> None:
    with pytest.raises(IntegrityError, match="not a sha256 hex digest"):
        _fetch.fetch("http://127.0.0.1:9/x", "abc")
    with pytest.raises(InvalidNameError, match=r"invalid file name: '\.\./\.\./x'"):
        _fetch.fetch("http://127.0.0.1:9/x", "0" * 64, name="../../x")
    assert not cache_root.exists()


def test_default_name_never_escapes_the_cache() -> None:
    assert _fetch._default_name("http://h/a/b/list.txt?x=1") == "list.txt"
    assert _fetch._default_name("http://h/%2e%2e") == "download"
    assert _fetch._default_name("http://h/..") == "download"
    assert _fetch._default_name("http://h/") == "h"


# ------------------------------------------------------------ hostile servers


class _Hostile(http.server.BaseHTTPRequestHandler):
    stop: threading.Event

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        try:
            if self.path == "/endless":
                self._endless()
            elif self.path == "/announced-huge":
                self.send_response(200)
                self.send_header("Content-Length", str(10**12))
                self.end_headers()
                self.wfile.write(b"x" * 1024)
            elif self.path == "/drip":
                self._drip()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _endless(self) -> None:
        # no Content-Length: the body ends only when the client hangs up;
        # bounded at 256 MiB in case the client never does
        self.send_response(200)
        self.end_headers()
        block = b"n01440764\n" * 6554
        for _ in range(4096):
            if self.stop.is_set():
                return
            self.wfile.write(block)

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        for _ in range(100000):
            if self.stop.wait(0.1):
                return
            self.wfile.write(b"x")
            self.wfile.flush()


@pytest.fixture
def hostile() -> Iterator[str]:
    stop = threading.Event()
    handler = type("H", (_Hostile,), {"stop": stop})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_pinned_size_caps_an_endless_body(hostile: str, cache_root: Path) -> None:
    t0 = time.monotonic()
    with pytest.raises(DownloadError, match=r"more bytes arrived, more than its pinned size, 100,000 bytes"):
        _fetch.fetch(f"{hostile}/endless", "0" * 64, size=100_000)
    assert time.monotonic() - t0 < 10
    assert _fetch.list_cache() == []


def test_unpinned_download_is_capped_too(hostile: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fetch, "DEFAULT_MAX_BYTES", 3 << 20)
    with pytest.raises(DownloadError, match="more than the 3,145,728-byte limit for a download without a pinned size"):
        _fetch.fetch(f"{hostile}/endless", "0" * 64)
    assert _fetch.list_cache() == []


def test_announced_size_beyond_the_pin_fails_before_reading(hostile: str) -> None:
    with pytest.raises(DownloadError, match=r"server announced 1,000,000,000,000 bytes, more than its pinned size"):
        _fetch.fetch(f"{hostile}/announced-huge", "0" * 64, size=1024)
    assert _fetch.list_cache() == []


def test_deadline_stops_a_slow_drip(hostile: str) -> None:
    # a byte every 0.1 s never trips the 2 s read timeout; the 1 s deadline stops it
    t0 = time.monotonic()
    with pytest.raises(DownloadError, match=r"not finished after 1 s \(the deadline\)"):
        _fetch.fetch(f"{hostile}/drip", "0" * 64, timeout=2, deadline=1)
    assert time.monotonic() - t0 < 4
    assert _fetch.list_cache() == []


_KILLED = """
import sys
from imagenet_versions import _fetch
_fetch.fetch(sys.argv[1], "0" * 64, timeout=30, deadline=60)
"""


def test_killed_download_is_visible_then_cleaned(hostile: str, local_http: tuple[str, Path], cache_root: Path) -> None:
    env = {**os.environ, "IMAGENET_VERSIONS_CACHE": str(cache_root)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, f"{hostile}/drip"], env=env)
    try:
        for _ in range(200):
            if list(cache_root.glob("*.part")):
                break
            time.sleep(0.05)
        (part,) = cache_root.glob("*.part")
        # a live download's .part is listed but never cleaned from under it
        assert _fetch.list_cache() == [part]
        assert _fetch._clean_stale_parts(cache_root) == 0
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert part.exists() and _fetch.list_cache() == [part]

    # the next download cleans the stale .part
    base, root = local_http
    (root / "ok.txt").write_bytes(b"ok\n")
    got = _fetch.fetch(f"{base}/ok.txt", hashlib.sha256(b"ok\n").hexdigest())
    assert _fetch.list_cache() == [got]


def test_clear_cache_counts_what_it_removes(cache_root: Path) -> None:
    (cache_root / "manifests").mkdir(parents=True)
    (cache_root / "manifests" / "a.npz").write_bytes(b"x")
    (cache_root / "0123456789abcdef-f.txt.x1y2.part").write_bytes(b"x")
    (cache_root / "0123456789abcdef-f.txt").write_bytes(b"x")
    assert len(_fetch.list_cache()) == 3
    assert _fetch.clear_cache() == 3
    assert not cache_root.exists()
