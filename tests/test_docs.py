"""The documentation site builds with warnings as errors, and its generated pages are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx", reason="install the test dependency group: `uv sync --group test`")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-D",
            "imagenet_versions_site=0",  # tests/test_site.py builds and browses the site
            str(ROOT / "docs"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    catalog = (tmp_path / "_generated" / "catalog.html").read_text()
    for vid in ("imagenet-fall11", "imagenet-winter21", "breeds-living17", "imagenet-10k"):
        assert f'id="{vid}"' in catalog, vid
    assert "19,127" in catalog  # the recorded disagreement about winter21
    assert 'href="site/index.html"' in (tmp_path / "site.html").read_text()  # the docs link to the site
    cli = (tmp_path / "_generated" / "cli.html").read_text()
    assert "label-map" in cli
