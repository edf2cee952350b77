"""Build the shipped image manifests from the upstream public files.

Usage (from the repository root)::

    uv run python tools/build_manifests.py [--sources ../shared/data/sources]

``--sources`` is a local mirror of the upstream files, laid out as
``<slug>/<file>`` with a ``MANIFEST.json`` that records, per file, its origin
(package or repository, commit, path), licence and sha256. Every input is
hashed and checked against that record before it is read.

Writes:

- ``imagenet_versions/data/manifests/<version>__<split>.npz``: one manifest each;
- ``imagenet_versions/data/manifests/index.json``: what ``load_manifest`` knows,
  including the on-demand manifests (pinned URL + sha256) whose sources carry
  no licence file and are therefore not shipped;
- ``imagenet_versions/data/provenance/build_manifests.json``: origin, licence and
  sha256 of every input and of every output.

Only sources whose licence allows redistribution (Apache-2.0, MIT, BSD) are
shipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imagenet_versions import manifests as M  # noqa: E402

OUT = ROOT / "imagenet_versions" / "data" / "manifests"
PROV = ROOT / "imagenet_versions" / "data" / "provenance" / "build_manifests.json"
SHIPPABLE = ("Apache-2.0", "MIT", "BSD")

CITATIONS = {
    "ilsvrc2012": "Russakovsky et al., ImageNet Large Scale Visual Recognition Challenge, IJCV 2015",
    "imagenet-real": "Beyer et al., Are we done with ImageNet?, arXiv:2006.07159, 2020",
    "imagenet-v2": "Recht et al., Do ImageNet Classifiers Generalize to ImageNet?, ICML 2019",
    "simclr": "Chen et al., A Simple Framework for Contrastive Learning of Visual "
    "Representations, ICML 2020 (TFDS imagenet2012_subset)",
    "imagenette": "Howard, Imagenette / Imagewoof, https://github.com/fastai/imagenette",
    "mini-imagenet": "Vinyals et al., Matching Networks, NeurIPS 2016; split of Ravi & "
    "Larochelle, Optimization as a Model for Few-Shot Learning, ICLR 2017",
    "imagenet-lt": "Liu et al., Large-Scale Long-Tailed Recognition in an Open World, CVPR 2019",
    "robustbench": "Croce et al., RobustBench, NeurIPS 2021 Datasets and Benchmarks",
    "dedup": "Jain, Cretu et al., Adversarial Detection Avoidance Attacks, USENIX Security 2022",
    "multilabel": "Shankar et al., Evaluating Machine Accuracy on ImageNet, ICML 2020; "
    "Vasudevan et al., When does dough become a bagel?, NeurIPS 2022",
    "tiny-imagenet": "Stanford CS231n Tiny ImageNet (Le & Yang, 2015)",
}


class Sources:
    def __init__(self, root: Path) -> None:
        self.root = root
        records = json.loads((root / "MANIFEST.json").read_text())
        self.records = {r["file"].removeprefix("data/sources/"): r for r in records}
        self.used: dict[str, dict[str, Any]] = {}

    def path(self, rel: str) -> Path:
        rec = self.records[rel]
        p = self.root / rel
        got = sha256_of(p)
        if got != rec["sha256"]:
            msg = f"sha256 of {p} is {got}, MANIFEST.json says {rec['sha256']}"
            raise SystemExit(msg)
        origin = dict(rec["origin"])
        self.used[rel] = {
            "file": rel,
            "sha256": got,
            "bytes": p.stat().st_size,
            "license": origin.get("license", "unknown"),
            "origin": origin,
            "description": rec.get("description", ""),
        }
        return p

    def license(self, rel: str) -> str:
        return self.records[rel]["origin"].get("license", "unknown")


def sha256_of(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def shippable(lic: str) -> bool:
    return any(lic.startswith(x) for x in SHIPPABLE)


def raw_url(origin: dict[str, Any]) -> str:
    return f"https://raw.githubusercontent.com/{origin['repository']}/{origin['snapshot_commit']}/{origin['path']}"


def build(src: Sources) -> tuple[list[tuple[M.Manifest, list[str], str]], list[dict[str, Any]]]:
    """Return ([(manifest, input files, citation key)], [on-demand entries])."""
    out: list[tuple[M.Manifest, list[str], str]] = []
    synsets_rel = "ilsvrc2012/imagenet_synsets.txt"
    classes = src.path(synsets_rel).read_text().split()
    assert len(classes) == 1000

    # ILSVRC-2012 val ground truth (TFDS, Apache-2.0): line i = wnid of image i
    rel = "ilsvrc2012/tfds_validation_labels.txt"
    wnids = src.path(rel).read_text().split()
    ids = [f"ILSVRC2012_val_{i:08d}" for i in range(1, len(wnids) + 1)]
    val = M.Manifest.from_ids(ids, wnids, version="ilsvrc2012", split="val", source=rel)
    out.append((val, [rel], "ilsvrc2012"))

    # ReaL: list of label-index lists in val file order; [] = no valid label
    rel = "imagenet-real/real.json"
    real = json.loads(src.path(rel).read_text())
    labels = [[classes[k] for k in row] for row in real]
    m = M.Manifest.from_ids(ids, labels, version="imagenet-real", split="val", source=rel)
    out.append((m, [rel, synsets_rel], "imagenet-real"))

    # ImageNetV2: [candidate sha1, wnid] pairs
    for name, vid in (
        ("imagenetv2-b-33", "imagenet-v2-matched-frequency"),
        ("imagenetv2-a-44", "imagenet-v2-threshold0.7"),
        ("imagenetv2-c-12", "imagenet-v2-top-images"),
    ):
        rel = f"imagenet-v2/{name}.json"
        pairs = json.loads(src.path(rel).read_text())["image_filenames"]
        m = M.Manifest.from_ids([p[0] for p in pairs], [p[1] for p in pairs], version=vid, split="test", source=rel)
        out.append((m, [rel], "imagenet-v2"))
    rel = "imagenet-v2/imagenet-annotatedval20k-0.json"
    pairs = json.loads(src.path(rel).read_text())["image_filenames"]
    m = M.Manifest.from_ids(
        [p[0] for p in pairs], [p[1] for p in pairs], version="imagenet-v2-annotated-val20k", split="val", source=rel
    )
    out.append((m, [rel], "imagenet-v2"))

    # SimCLR subsets: train file names; the label is the wnid in the name
    for pct, vid in (("1percent", "imagenet2012-subset-1pct"), ("10percent", "imagenet2012-subset-10pct")):
        rel = f"imagenet2012-subset-simclr/{pct}.txt"
        m = M.ingest_text(src.path(rel), version=vid, split="train", progress=False)
        out.append((m, [rel], "simclr"))

    # Imagenette / Imagewoof: path keeps the ILSVRC train file name
    for vid, rel in (("imagenette", "imagenette/noisy_imagenette.csv"), ("imagewoof", "imagewoof/noisy_imagewoof.csv")):
        p = src.path(rel)
        for split, flag in (("train", "False"), ("val", "True")):
            m = M.ingest_csv(
                p,
                id_column="path",
                label_column="noisy_labels_0",
                where=lambda r, f=flag: r["is_valid"] == f,
                version=vid,
                split=split,
                progress=False,
            )
            out.append((m, [rel], "imagenette"))

    # mini-ImageNet (Ravi & Larochelle split)
    for split in ("train", "val", "test"):
        rel = f"mini-imagenet/ravi_{split}.csv"
        m = M.ingest_csv(
            src.path(rel),
            id_column="filename",
            label_column="label",
            version="mini-imagenet",
            split=split,
            progress=False,
        )
        out.append((m, [rel], "mini-imagenet"))

    # ImageNet-LT: "<dir>/<wnid>/<file> <label index>"
    for split, name in (("val", "ImageNet_LT_val.txt"), ("test", "ImageNet_LT_test.txt")):
        rel = f"imagenet-lt/{name}"
        m = M.ingest_text(src.path(rel), classes=classes, version="imagenet-lt", split=split, progress=False)
        # the label index must agree with the wnid folder of every line
        for line in src.path(rel).read_text().splitlines():
            path, idx = line.split()
            assert path.split("/")[1] == classes[int(idx)], line
        out.append((m, [rel, synsets_rel], "imagenet-lt"))

    # RobustBench 5k: "<wnid>/<val file>"
    rel = "robustbench-imagenet-5k/imagenet_test_image_ids.txt"
    lines = [ln for ln in src.path(rel).read_text().splitlines() if ln.strip()]
    m = M.Manifest.from_ids(
        lines, [ln.split("/")[0] for ln in lines], version="robustbench-imagenet-5k", split="val", source=rel
    )
    out.append((m, [rel], "robustbench"))

    # Dedup list: train/val/test paths removed by Jain, Cretu et al.
    rel = "imagenet-dedup-facefree/duplicate_images.json"
    paths = json.loads(src.path(rel).read_text())["duplicate_images"]
    labs = [M._label_from_path(p.split("/")) for p in paths]
    m = M.Manifest.from_ids(paths, labs, version="imagenet-dedup-facefree", split="duplicates", source=rel)
    out.append((m, [rel], "dedup"))

    # On-demand (no licence file upstream: not shipped)
    remote: list[dict[str, Any]] = []
    rel = "imagenet2012-multilabel/flaws_multilabel.csv"
    rec = src.records[rel]
    assert not shippable(src.license(rel))
    ml = M.ingest_csv(
        src.path(rel),
        id_column="id",
        label_column="proposed_labels",
        multilabel=True,
        classes=classes,
        version="imagenet2012-multilabel",
        split="val",
        progress=False,
    )
    remote.append(
        {
            "version": "imagenet2012-multilabel",
            "split": "val",
            "count": len(ml),
            "classes": len(ml.classes),
            "url": raw_url(rec["origin"]),
            "sha256": rec["sha256"],
            "name": "imagenet2012_multilabel.csv",
            "parser": "multilabel_csv",
            "license": rec["origin"]["license"],
            "origin": rec["origin"],
            "citation": CITATIONS["multilabel"],
            "note": "not shipped: the repository has no licence file; fetched on demand",
        }
    )
    rel = "tiny-imagenet/val_annotations.txt"
    rec = src.records[rel]
    assert not shippable(src.license(rel))
    tiny = M.ingest_text(src.path(rel), version="tiny-imagenet", split="val", max_lines=10_000, progress=False)
    published = rec["origin"]["transformation"].rsplit("sha256 ", 1)[1].strip()
    remote.append(
        {
            "version": "tiny-imagenet",
            "split": "val",
            "count": len(tiny),
            "classes": len(tiny.classes),
            "url": raw_url(rec["origin"]),
            "sha256": published,
            "name": "tiny_imagenet_val_annotations.txt",
            "parser": "tiny_val",
            "license": rec["origin"]["license"],
            "origin": rec["origin"],
            "citation": CITATIONS["tiny-imagenet"],
            "note": "not shipped: the repository has no licence file; fetched on demand. "
            "The only public copy appends 100 lines for two classes that are not part of "
            "Tiny ImageNet; the parser keeps the first 10,000 lines.",
        }
    )
    return out, remote


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "data" / "sources")
    args = ap.parse_args(argv)
    src = Sources(args.sources.resolve())
    built, remote = build(src)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.npz"):
        old.unlink()
    entries = []
    outputs = []
    for m, inputs, cite in built:
        for rel in inputs:
            lic = src.license(rel)
            if not shippable(lic):
                msg = f"{rel}: licence {lic!r} does not allow shipping"
                raise SystemExit(msg)
        fname = f"{m.version}__{m.split}.npz"
        p = M.write_manifest(m, OUT / fname)
        back = M.read_manifest(p)
        assert back.ids() == m.ids()
        assert back.classes == m.classes
        sha = sha256_of(p)
        entry = {
            "version": m.version,
            "split": m.split,
            "file": fname,
            "count": len(m),
            "classes": len(m.classes),
            "multilabel": m.multilabel,
            "unlabelled": m.unlabelled_count,
            "sha256": sha,
            "inputs": inputs,
            "license": "; ".join(sorted({src.license(r) for r in inputs})),
            "citation": CITATIONS[cite],
        }
        entries.append(entry)
        outputs.append(
            {
                "file": f"imagenet_versions/data/manifests/{fname}",
                "sha256": sha,
                "bytes": p.stat().st_size,
                "count": len(m),
            }
        )
        print(
            f"{m.version:32s} {m.split:10s} {len(m):>8,} images {len(m.classes):>5} classes "
            f"{p.stat().st_size:>9,} bytes"
        )
    for r in remote:
        entries.append(r)
        print(f"{r['version']:32s} {r['split']:10s} {r['count']:>8,} images (on demand)")
    index = {"format": M.FORMAT_VERSION, "manifests": entries}
    (OUT / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    outputs.append(
        {
            "file": "imagenet_versions/data/manifests/index.json",
            "sha256": sha256_of(OUT / "index.json"),
            "bytes": (OUT / "index.json").stat().st_size,
        }
    )
    PROV.parent.mkdir(parents=True, exist_ok=True)
    prov = {
        "tool": "tools/build_manifests.py",
        "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sources_mirror": "local mirror of the upstream public files (origin per input)",
        "inputs": sorted(src.used.values(), key=lambda r: r["file"]),
        "outputs": outputs,
        "on_demand": [{k: r[k] for k in ("version", "split", "url", "sha256", "license")} for r in remote],
    }
    PROV.write_text(json.dumps(prov, indent=1) + "\n")
    total = sum(o["bytes"] for o in outputs)
    print(f"shipped manifest data: {total:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
