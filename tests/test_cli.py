from __future__ import annotations

import json
import subprocess
import sys

import pytest

import imagenet_versions as iv
from imagenet_versions.__main__ import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    docs = json.loads(out)
    by_id = {d["id"]: d for d in docs}
    assert len(docs) >= 30
    assert by_id["imagenet-winter21"]["num_categories"] == 19167
    assert by_id["imagenet-winter21"]["category_status"] == "reconstructed"
    assert by_id["imagenet-winter21"]["parents"] == ["imagenet-fall11"]
    assert by_id["imagenet-10k"]["num_categories"] is None
    assert "in1k" in by_id["ilsvrc2012"]["aliases"]
    assert {"id", "name", "aliases", "num_categories", "category_status", "parents"} <= set(docs[0])


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "ImageNet-1K", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] == "ilsvrc2012"
    assert doc["categories"][:2] == ["n01440764", "n01443537"] and len(doc["categories"]) == 1000
    assert doc["counts"]["images"] == {"train": 1281167, "val": 50000, "test": 100000}
    assert "Russakovsky" in doc["citation"]


def test_diff_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "fall11", "winter21", "--json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["a"], doc["b"]) == ("imagenet-fall11", "imagenet-winter21")
    assert len(doc["categories"]["removed"]) == 2674 and doc["categories"]["added"] == []
    assert doc["categories"]["common_count"] == 19167
    assert [(e["from"], e["to"], e["op"]) for e in doc["path"]] == [("imagenet-fall11", "imagenet-winter21", "filter")]


def test_label_map_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "label-map", "ilsvrc2012", "imagenet-22k-goog", "--json")
    doc = json.loads(out)
    assert code == 0 and len(doc["mapping"]) == 1000
    teddy = [p for p in doc["mapping"] if p[1] is None]
    assert teddy == [[850, None]]  # n04399382 is label 850 of ILSVRC-2012


def test_lineage_mermaid_and_dot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lineage", "imagenet-winter21", "--ancestors")
    assert code == 0 and out.startswith("flowchart TD")
    assert "imagenet-fall11" in out and "imagenet-21k-p-winter21" not in out
    assert "filter \u22122,674 classes" in out
    code, out, _ = run(capsys, "lineage", "--format", "dot")
    assert out.startswith("digraph") and out.count(" -> ") == len(iv.Catalog.default().edges)


def test_verify_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify")
    assert code == 0
    assert "1 mismatch" in out and "n04399382" in out


def test_human_diff_withholds_offensive_labels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "fall11", "winter21", "--all")
    assert code == 0
    assert out.count("[label withheld: offensive]") == 437
    assert "n10513938" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["show", "imagenet-21k"], "imagenet-fall11 (21,841 classes)"),
        (["diff", "in1k", "nope-version"], "unknown version: 'nope-version'"),
        (["show", "imagenet-10k", "--json", "--limit", "x"], "invalid int value"),
        (["frobnicate"], "invalid choice"),
        (["lineage", "--ancestors"], "need a version ID"),
    ],
)
def test_errors_are_one_line_with_status_2(capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert needle in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_console_entry_point_runs_as_a_module() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "imagenet_versions", "show", "imagenet-21k"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 2
    assert r.stderr.startswith("imagenet-versions: error: ambiguous version")
    assert "Traceback" not in r.stderr
