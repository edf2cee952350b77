from __future__ import annotations

from typing import Any

import pytest

import imagenet_versions


@pytest.fixture(autouse=True)
def _iv(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["iv"] = imagenet_versions
