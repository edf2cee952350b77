"""Every category-level answer stays byte-identical to tests/data/golden/.

The golden files are written by ``tools/golden_outputs.py`` (see its docstring):
to review an intended change run ``python tools/golden_outputs.py --check``, then
regenerate with ``python tools/golden_outputs.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

import golden_outputs as golden


@pytest.fixture(scope="module")
def stored() -> dict[str, dict[str, object]]:
    return golden.read_golden()


def test_golden_files_cover_every_case(stored: dict[str, dict[str, object]]) -> None:
    keys = [key for _, key, _ in golden.all_cases()]
    assert len(stored) > 800
    assert sorted(stored) == sorted(set(keys)), "run python tools/golden_outputs.py --check, then regenerate"


@pytest.mark.parametrize(
    "part", ["cli", "show", "survivors", "diff", "label_map", "trace", "subtree", "py", "flags", "wordnet"]
)
def test_outputs_are_byte_identical(part: str, stored: dict[str, dict[str, object]]) -> None:
    results = _part(part)
    assert results, part
    reports = golden.compare(results, stored)
    assert not reports, "\n".join(reports[:10]) + f"\n({len(reports)} cases differ; see tools/golden_outputs.py)"


def _part(part: str) -> dict[str, tuple[str, str, str]]:
    import hashlib

    out = {}
    for name, key, produce in golden.all_cases():
        if name == part and key not in out:
            raw = produce()
            out[key] = (name, hashlib.sha256(raw.encode("utf-8")).hexdigest(), raw)
    return out


def test_a_changed_output_is_reported_readably(stored: dict[str, dict[str, object]]) -> None:
    key = "diff imagenet-a imagenet-r --json"
    name, sha, raw = golden.compute(key)[key]
    changed = raw.replace("{\n", '{\n  "schema": "x",\n', 1)
    reports = golden.compare({key: (name, "0" * 64, changed)}, stored)
    assert len(reports) == 1 and "CHANGED" in reports[0] and '+  "schema": "x",' in reports[0]
    assert golden.compare({key: (name, sha, raw)}, stored) == []


def test_redaction_hides_offensive_lemmas_by_wnid() -> None:
    from imagenet_versions import flags, wordnet

    redact = golden._redactor()
    w = sorted(flags.flagged("offensive"))[0]
    lemma = wordnet.synset(w).lemmas[0].replace("_", " ")
    assert redact(f'"name": "{lemma}"') == f'"name": "<withheld:{w}>"'
    assert redact("a tench, not withheld") == "a tench, not withheld"
