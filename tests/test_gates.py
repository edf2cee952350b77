"""The gates .ci/run applies: mypy --strict on the package, ruff with complexity (C901) at 12."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_gates_are_configured() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert conf["tool"]["mypy"]["strict"] is True and conf["tool"]["mypy"]["files"] == ["imagenet_versions"]
    assert "C90" in conf["tool"]["ruff"]["lint"]["select"]
    assert conf["tool"]["ruff"]["lint"]["mccabe"]["max-complexity"] == 12
    run = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "uv run mypy" in run and "uv run ruff check" in run


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is missing: it comes with the test group")
def test_the_package_is_mypy_strict_clean() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "Success: no issues found" in r.stdout


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is missing: it comes with the test group")
def test_no_function_is_above_complexity_12() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "C901", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout[-3000:]


def test_progress_bars_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from imagenet_versions import _fetch
    from imagenet_versions.manifests import _text as manifests

    class Pipe:
        def isatty(self) -> bool:
            return False

        def write(self, s: str) -> int:
            return len(s)

        def flush(self) -> None:
            pass

    class Tty(Pipe):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Pipe())
    assert _fetch._progress(100, "x") is None
    assert manifests._bar(100, "x", None) is None
    assert manifests._bar(100, "x", False) is None
    monkeypatch.setattr(sys, "stderr", Tty())
    bar = manifests._bar(100, "x", None)
    assert bar is not None
    bar.close()
    assert manifests._bar(100, "x", False) is None


def test_tqdm_and_pyarrow_are_declared_and_the_sdist_ships_the_docs() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert any(d.startswith("tqdm") for d in conf["project"]["dependencies"])
    assert conf["project"]["optional-dependencies"]["parquet"] == ["pyarrow>=14"]
    include = conf["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert {"docs", "notebooks", "benchmarks"} <= set(include)
