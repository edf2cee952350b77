"""Manifests as Parquet: DuckDB reads them back and finds the library's image diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions.__main__ import main
from imagenet_versions.errors import ManifestError

pq = pytest.importorskip(
    "pyarrow.parquet", reason="pyarrow is missing: install the parquet extra (uv sync --extra parquet)"
)
duckdb = pytest.importorskip("duckdb", reason="duckdb is missing: it comes with the test group")

DIFF_SQL = """
WITH a AS (SELECT id, list(label ORDER BY label) FILTER (WHERE label IS NOT NULL) AS labs FROM read_parquet($a) GROUP BY id),
     b AS (SELECT id, list(label ORDER BY label) FILTER (WHERE label IS NOT NULL) AS labs FROM read_parquet($b) GROUP BY id)
SELECT
  (SELECT count(*) FROM b ANTI JOIN a USING (id)) AS added,
  (SELECT count(*) FROM a ANTI JOIN b USING (id)) AS removed,
  (SELECT count(*) FROM a JOIN b USING (id)) AS common,
  (SELECT count(*) FROM a JOIN b USING (id) WHERE coalesce(a.labs, []) <> coalesce(b.labs, [])) AS relabelled
"""


def export(capsys: pytest.CaptureFixture[str], tmp_path: Path, version: str, split: str) -> Path:
    out = tmp_path / f"{version}-{split}.parquet"
    assert main(["manifest", "export", version, "--split", split, "--format", "parquet", "-o", str(out)]) == 0
    cap = capsys.readouterr()
    assert (cap.out, cap.err) == ("", f"wrote {out}\n")
    return out


@pytest.mark.parametrize(
    ("a", "b", "split"),
    [
        ("ilsvrc2012", "imagenet-real", "val"),  # multi-label relabels, same images
        ("imagenette", "imagewoof", "val"),  # different images
    ],
)
def test_duckdb_finds_the_library_s_image_diff(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, a: str, b: str, split: str
) -> None:
    pa_, pb_ = export(capsys, tmp_path, a, split), export(capsys, tmp_path, b, split)
    got = duckdb.execute(DIFF_SQL, {"a": str(pa_), "b": str(pb_)}).fetchone()
    d = iv.diff(a, b, images=True, split=split).images
    assert got == (len(d.added), len(d.removed), len(d.common), len(d.relabelled))


def test_columns_rows_and_labels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    m = iv.load_manifest("imagenette", "val")
    t = pq.read_table(export(capsys, tmp_path, "imagenette", "val"))
    assert t.column_names == ["id", "label", "split", "version"]
    assert t.num_rows == len(m)  # single-label: one row per image
    rows = t.to_pylist()
    assert {r["split"] for r in rows} == {"val"} and {r["version"] for r in rows} == {"imagenette"}
    assert sorted(r["id"] for r in rows) == sorted(m.ids())
    first = rows[0]
    assert (first["label"],) == m.labels_of(first["id"])
    real = pq.read_table(export(capsys, tmp_path, "imagenet-real", "val")).to_pylist()
    unlabelled = {r["id"] for r in real if r["label"] is None}
    assert len(unlabelled) == iv.load_manifest("imagenet-real", "val").unlabelled_count > 0


def test_json_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    assert main(["manifest", "export", "in1k", "--split", "val", "-o", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "imagenet-versions/manifest-export@1" and doc["images"] == 50000
    # no such split, an unwritable path, an unknown format: one line, status 2, nothing on stdout
    for argv in (
        ["manifest", "export", "in1k", "--split", "nope", "-o", str(out)],
        ["manifest", "export", "in1k", "--split", "val", "-o", str(tmp_path / "no" / "dir" / "x.parquet")],
        ["manifest", "export", "in1k", "--split", "val", "--format", "csv", "-o", str(out)],
        ["manifest", "export", "../../etc/passwd", "--split", "val", "-o", str(out)],  # hostile id
        ["manifest", "export", "", "--split", "val", "-o", str(out)],  # empty id
        ["manifest", "export", "in1k", "--split", "../val", "-o", str(out)],  # hostile split
        ["manifest", "export", "in1k", "--split", "val" * 10_000, "-o", str(out)],  # huge split
        ["manifest", "export", "in1k", "--split", "val", "-o", str(tmp_path)],  # a directory
    ):
        assert main(argv) == 2, argv
        cap = capsys.readouterr()
        assert cap.out == "" and cap.err.count("\n") == 1 and "Traceback" not in cap.err, argv[:4]
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written file left behind


def test_missing_pyarrow_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys

    from imagenet_versions.parquet import to_parquet

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ManifestError, match=r"parquet extra"):
        to_parquet(iv.load_manifest("imagenette", "val"), tmp_path / "x.parquet")
