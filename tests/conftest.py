from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty download cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(cache))
    return cache


@pytest.fixture(autouse=True)
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty user data folder (where user versions live)."""
    data = tmp_path / "user-data"
    monkeypatch.setenv("IMAGENET_VERSIONS_DATA", str(data))
    return data


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_http(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Serve a temporary folder on 127.0.0.1; yields (base URL, folder)."""
    root = tmp_path / "served"
    root.mkdir()

    def handler(*args: object, **kwargs: object) -> _Quiet:
        return _Quiet(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def docs_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation built once per session with ``sphinx-build -n -W`` (notebooks executed)."""
    import subprocess
    import sys

    pytest.importorskip("sphinx", reason="install the test dependency group: `uv sync --group test`")
    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("docs")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-E",
            "-n",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-D",
            "imagenet_versions_site=0",  # tests/test_site.py builds and browses the site
            str(root / "docs"),
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, "\n".join(line for line in r.stderr.splitlines() if "WARNING:" in line or "ERROR" in line)
    return out
