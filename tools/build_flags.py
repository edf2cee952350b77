"""Build imagenet_versions/data/person_safety.tsv from the Yang et al. 2020 CSVs.

Usage::

    uv run python tools/build_flags.py [--sources DIR] [--check]

Inputs (local mirror of the upstream files, sha256 pinned below): the person-subtree
safety labels ``synsets_safety.csv`` and imageability scores
``imageability_scores.csv`` of Yang, Qinami, Fei-Fei, Deng, Russakovsky, "Towards
Fairer Datasets", FAT* 2020 (https://image-net.org/data/synsets_safety.csv,
https://image-net.org/data/imageability_scores.csv).

Output: ``wnid<TAB>safety<TAB>imageability`` under a header, sorted by wnid; the
imageability score is copied exactly as published (empty where none was collected:
the 437 offensive synsets). Lemmas and glosses are not copied: they come from
WordNet (the snapshot). Provenance: ``imagenet_versions/data/provenance/build_flags.json``.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _provenance as prov

OUT = prov.DATA / "person_safety.tsv"
PROV_OUT = prov.PROVENANCE / "build_flags.json"
SAFETY = (
    "imagenet-winter21/synsets_safety.csv",
    "f984013df469a7dae9266a92c5aa7f23afa65363b5a94c7bc5ed9fb67861e452",
)
IMAGEABILITY = (
    "imagenet-winter21/imageability_scores.csv",
    "3ac70be4db3f87063d860c228ba1caf885e97f80d5adde0ad67a1492a35f21e4",
)
LABELS = ("offensive", "sensitive", "safe")


def build(sources: Path) -> tuple[str, dict[str, object]]:
    src = prov.Sources(sources)
    safety: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(src.text(*SAFETY))):
        wnid, label = row["wnid"], row["safety"]
        if label not in LABELS or wnid in safety:
            msg = f"unexpected safety row: {wnid!r} {label!r}"
            raise SystemExit(msg)
        safety[wnid] = label
    score: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(src.text(*IMAGEABILITY))):
        wnid, value = row["wnid"], row["imageability score"]
        float(value)  # must parse
        if wnid in score or wnid not in safety:
            msg = f"unexpected imageability row: {wnid!r}"
            raise SystemExit(msg)
        score[wnid] = value
    lines = ["wnid\tsafety\timageability\n"]
    lines += [f"{w}\t{safety[w]}\t{score.get(w, '')}\n" for w in sorted(safety)]
    text = "".join(lines)
    counts = Counter(safety.values())
    summary = {
        "rows": len(safety),
        "safety": dict(sorted(counts.items())),
        "with_imageability": len(score),
        "offensive_with_imageability": sum(1 for w in score if safety[w] == "offensive"),
        "safe_imageability_below_4": sum(1 for w, lab in safety.items() if lab == "safe" and float(score[w]) < 4),
        "safe_imageability_4_or_more": sum(1 for w, lab in safety.items() if lab == "safe" and float(score[w]) >= 4),
    }
    record = {
        "tool": "tools/build_flags.py",
        "description": "Yang et al. 2020 person-subtree safety labels and imageability scores",
        "inputs": src.used,
        "summary": summary,
    }
    return text, record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", default=str(prov.default_sources()))
    ap.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = ap.parse_args(argv)
    text, record = build(Path(args.sources))
    data = text.encode("utf-8")
    if args.check:
        same = OUT.is_file() and OUT.read_bytes() == data
        print(f"{OUT.relative_to(prov.REPO)}: {'identical' if same else 'DIFFERS'}")
        return 0 if same else 1
    OUT.write_bytes(data)
    record["outputs"] = [prov.output_record(OUT, data, rows=text.count("\n") - 1)]
    prov.write_json(PROV_OUT, record)
    print(f"wrote {OUT.relative_to(prov.REPO)}: {len(data):,} bytes, {text.count(chr(10)) - 1:,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
