from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import imagenet_versions


@pytest.fixture(autouse=True)
def _iv(doctest_namespace: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doctest_namespace["iv"] = imagenet_versions
    # pages that ingest a copy work in a fresh user data folder and cache
    doctest_namespace["tmp"] = str(tmp_path)
    monkeypatch.setenv("IMAGENET_VERSIONS_DATA", str(tmp_path / "user-data"))
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
