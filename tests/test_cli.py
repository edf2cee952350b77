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
    doc = json.loads(out)
    assert list(doc) == ["schema", "versions"] and doc["schema"] == "imagenet-versions/list@1"
    docs = doc["versions"]
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
    assert next(iter(doc)) == "schema" and doc["schema"] == "imagenet-versions/version@1"
    assert {k: doc[k] for k in iv.get("in1k").to_dict()} == iv.get("in1k").to_dict()
    assert doc["categories"][:2] == ["n01440764", "n01443537"] and len(doc["categories"]) == 1000
    assert doc["counts"]["images"] == {"train": 1281167, "val": 50000, "test": 100000}
    assert "Russakovsky" in doc["citation"]


def test_diff_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "fall11", "winter21", "--json")
    doc = json.loads(out)
    assert code == 0
    assert doc["schema"] == "imagenet-versions/diff@1"
    assert (doc["a"], doc["b"]) == ("imagenet-fall11", "imagenet-winter21")
    assert len(doc["categories"]["removed"]) == 2674 and doc["categories"]["added"] == []
    assert doc["categories"]["common_count"] == 19167
    assert [(e["from"], e["to"], e["op"]) for e in doc["path"]] == [("imagenet-fall11", "imagenet-winter21", "filter")]


def test_label_map_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "label-map", "ilsvrc2012", "imagenet-22k-goog", "--json")
    doc = json.loads(out)
    assert code == 0 and len(doc["mapping"]) == 1000 and doc["schema"] == "imagenet-versions/label-map@1"
    teddy = [p for p in doc["mapping"] if p[1] is None]
    assert teddy == [[850, None]]  # n04399382 is label 850 of ILSVRC-2012


def test_lineage_mermaid_and_dot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lineage", "imagenet-winter21", "--ancestors")
    assert code == 0 and out.startswith("flowchart LR")
    assert "imagenet-fall11" in out and "imagenet-21k-p-winter21" not in out
    assert "filter<br/>\u22122,674 classes" in out
    code, out, _ = run(capsys, "lineage", "--format", "dot")
    assert out.startswith("digraph") and out.count(" -> ") == len(iv.Catalog.default().edges)


def test_verify_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify")
    assert code == 0
    assert "1 mismatch" in out and "n04399382" in out


def test_human_diff_withholds_offensive_labels(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "fall11", "winter21", "--all")
    assert code == 0
    assert out.count("[label withheld: offensive]") == len(
        set(iv.diff("fall11", "winter21").categories.removed) & iv.flags.withheld_labels()
    )
    assert out.count("[label withheld: offensive]") > 437  # the offensive ones and those WordNet marks derogatory
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


JSON_COMMANDS = [
    (["list"], "list"),
    (["show", "in1k"], "version"),
    (["diff", "in1k", "imagenet-a"], "diff"),
    (["label-map", "imagenet-a", "in1k"], "label-map"),
    (["lineage", "imagenet-a"], "lineage"),
    (["verify"], "verify"),
    (["survivors", "imagenet-12k"], "survivors"),
    (["trace", "n04399382"], "trace"),
    (["trace", "dog", "--all"], "traces"),
    (["flags"], "flags"),
    (["subtree", "n02084071", "in1k"], "subtree"),
    (["manifest", "list", "in1k"], "manifest-list"),
]


@pytest.mark.parametrize(("argv", "shape"), JSON_COMMANDS, ids=[s for _, s in JSON_COMMANDS])
def test_every_json_output_is_an_object_whose_first_key_names_its_schema(
    capsys: pytest.CaptureFixture[str], argv: list[str], shape: str
) -> None:
    code, out, _ = run(capsys, *argv, "--json")
    assert code in (0, 1)  # verify exits 1 only on an undocumented mismatch
    doc = json.loads(out)
    assert isinstance(doc, dict) and next(iter(doc)) == "schema"
    assert doc["schema"] == f"imagenet-versions/{shape}@1"


def test_records_own_their_json() -> None:
    v = iv.get("imagenet-winter21")
    doc = v.to_dict()
    assert json.loads(json.dumps(doc)) == doc
    assert (doc["id"], doc["category_status"], doc["aliases"]) == (
        "imagenet-winter21",
        "reconstructed",
        list(v.aliases),
    )
    assert doc["disagreements"] and doc["disagreements"][0]["values"][0].keys() == {"value", "source"}
    (m,) = iv.verify()
    assert m.to_dict() == {
        "from": m.parent,
        "to": m.child,
        "kind": m.kind,
        "wnid": "n04399382",
        "documented": m.documented,
        "note": m.note,
    }
    src = iv.flag_sources()[0].to_dict()
    assert json.loads(json.dumps(src)) == src and src["name"] == "yang2020-safety"


def test_version_diff_images_is_typed() -> None:
    import attrs

    assert attrs.fields(iv.VersionDiff).images.type == "ImageDiff | UnknownImages | None"


def test_lineage_json_is_networkx_node_link(capsys: pytest.CaptureFixture[str]) -> None:
    import networkx as nx

    code, out, _ = run(capsys, "lineage", "imagenet-a", "--ancestors", "--json")
    assert code == 0
    doc = json.loads(out)
    g = nx.node_link_graph({k: v for k, v in doc.items() if k != "schema"}, edges="edges")
    assert set(g) == {"imagenet-a", "ilsvrc2012", "imagenet-fall11"}
    assert g.edges["ilsvrc2012", "imagenet-a"]["op"] == iv.Catalog.default().parents("imagenet-a")[0].op
    assert g.nodes["ilsvrc2012"]["num_categories"] == 1000
