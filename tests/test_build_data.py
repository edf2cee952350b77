"""The shipped category data is exactly what tools/build_data.py rebuilds from the pinned sources."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "imagenet_versions" / "data"
MIRROR = Path(os.environ.get("IMAGENET_VERSIONS_MIRROR", ROOT.parent / "shared" / "data" / "sources"))
if "IMAGENET_VERSIONS_MIRROR" not in os.environ and not MIRROR.is_dir():
    MIRROR = ROOT.parent.parent / "shared" / "data" / "sources"  # a git worktree under <project>/wt/<name>
WHEEL = os.environ.get("IMAGENET_VERSIONS_ROBUSTNESS_WHEEL", "")


def test_provenance_records_every_input_and_output() -> None:
    import hashlib

    prov = json.loads((DATA / "provenance" / "build_data.json").read_text())
    assert prov["tool"] == "tools/build_data.py"
    for rec in prov["inputs"]:
        assert len(rec["sha256"]) == 64, rec["path"]
        assert rec["origin"] and rec["licence"], rec["path"]
    outputs = {r["path"].removeprefix("imagenet_versions/data/"): r["sha256"] for r in prov["outputs"]}
    for rel, digest in outputs.items():
        assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == digest, rel
    shipped = {str(p.relative_to(DATA)) for d in ("categories", "operations", "evidence") for p in (DATA / d).iterdir()}
    assert shipped | {"names.tsv"} == set(outputs)


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"source mirror not found at {MIRROR} (set IMAGENET_VERSIONS_MIRROR)")
@pytest.mark.skipif(
    not WHEEL or not Path(WHEEL).is_file(),
    reason="set IMAGENET_VERSIONS_ROBUSTNESS_WHEEL to a copy of robustness-1.2.1.post2-py3-none-any.whl "
    "(`pip download --no-deps robustness==1.2.1.post2`); .ci/run does this",
)
def test_rebuild_from_the_mirror_is_byte_identical(tmp_path: Path) -> None:
    pytest.importorskip("pandas", reason="the tools dependency group is needed: `uv sync --group tools`")
    out = tmp_path / "data"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_data.py"),
            "--mirror",
            str(MIRROR),
            "--out",
            str(out),
            "--robustness-wheel",
            WHEEL,
        ],
        check=True,
        capture_output=True,
    )
    rebuilt = json.loads((out / "provenance" / "build_data.json").read_text())
    shipped = json.loads((DATA / "provenance" / "build_data.json").read_text())
    assert rebuilt == shipped
    for rec in rebuilt["outputs"]:
        rel = rec["path"].removeprefix("imagenet_versions/data/")
        assert (out / rel).read_bytes() == (DATA / rel).read_bytes(), rel
