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
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imagenet_versions import manifests as M  # noqa: E402
from imagenet_versions.manifests._ingest import _label_from_path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _provenance as provenance  # noqa: E402

DATA = ROOT / "imagenet_versions" / "data"
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


#: sha256 of every input, pinned here: a changed mirror stops the build.
PINS: dict[str, str] = {
    "ilsvrc2012/imagenet_synsets.txt": "70002b0ff5de60a3a17a82dbfcff291931f96225ddf941ad2e182fc39e183d15",
    "ilsvrc2012/tfds_validation_labels.txt": "313fc3f23c864dde9183c9a368809065765dd1b657a6904fded44e3e46d34604",
    "imagenet-dedup-facefree/duplicate_images.json": "a17787e388260421ab37a6a02dde5a95ab8029aab718ff9f54a13b9e6e68de04",
    "imagenet-lt/ImageNet_LT_test.txt": "d1590191cf8a71fada7b1aaedaa2d139a2aea93ff2f1b755319d0bd8dbaa55d5",
    "imagenet-lt/ImageNet_LT_val.txt": "9af7ba688acf9532ff5845a8fb14a1e97fdc4c51ac48bc72c08ea9c3f7ff142e",
    "imagenet-real/real.json": "d83e9bff374c631aae8439eb064c7019acc56e1b3bc3f56b8380c2a710b0220b",
    "imagenet-v2/imagenet-annotatedval20k-0.json": "970fee6ef203e622a84e87b9f1333d6d66cdb8a88dc5453155e02a0f1f15ea12",
    "imagenet-v2/imagenetv2-a-44.json": "6a7d6f805762c653b624e49ff15a65dc94672cf4a9f7fcae7aa04fedc1591c41",
    "imagenet-v2/imagenetv2-b-33.json": "ca1ebce4c2f450835a8640ed447304d3d4318647f3930d7ba752b12ee692728d",
    "imagenet-v2/imagenetv2-c-12.json": "1740edd79b830431423096ab8401df6a145c89c09696ce2d926aa59ddbb0e7a9",
    "imagenet2012-multilabel/flaws_multilabel.csv": "3d2068a392410a04cee532732c1f0c298e8c69535e1c391a062412ce9bc86602",
    "imagenet2012-subset-simclr/10percent.txt": "6d09de11e7bdaf5b1f3b1f249b6183695f97310cdd20f0c03e7235b6b9392091",
    "imagenet2012-subset-simclr/1percent.txt": "71e82a48ba78252683ae334c4d019ebd5c6e855b9599c1389fbe83eb9549cf17",
    "imagenette/noisy_imagenette.csv": "e4e5f1ab4dc5556a0d11a39c8f173b3c8d37950eee5cee41fadaf6cfea4cb37a",
    "imagewoof/noisy_imagewoof.csv": "e4fd945e470883e7f68a91fe6dfe946d271952eaba7e0cb154086e3c43ac518a",
    "mini-imagenet/ravi_test.csv": "2b7cfa78342995761a572a8158e539bc4e0a80f9bbd7d00c1e17a460fbbb93fa",
    "mini-imagenet/ravi_train.csv": "498519cd8e49ce97ed26a4a3638966698ae41ab35e9c68538319fc9b46ba7d2f",
    "mini-imagenet/ravi_val.csv": "5658a59921ca027ee76af92949869c5d6f41d77592ff3b18db325a9d10c893b9",
    "robustbench-imagenet-5k/imagenet_test_image_ids.txt": "d4121626d07722a0126c35b1563042e46a546f1a05ce705f2cdc635896d58574",
    "tiny-imagenet/val_annotations.txt": "c37765a8b40fce4f28962bf1847a2537e2781753974cbb2447eeb50ff31130a2",
}


class Sources(provenance.Sources):
    """The local mirror (see ``tools/_provenance.py``), checked against :data:`PINS`."""

    @property
    def records(self) -> dict[str, dict[str, Any]]:
        return self.manifest

    def path(self, rel: str, sha256: str | None = None) -> Path:
        return super().path(rel, sha256 or PINS[rel])

    def license(self, rel: str) -> str:
        return self.manifest[rel]["origin"].get("license", "unknown")


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
    labs = [_label_from_path(p.split("/")) for p in paths]
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
    ap.add_argument("--out", type=Path, default=DATA, help="data folder to write manifests/ and provenance/ into")
    args = ap.parse_args(argv)
    out_dir = args.out / "manifests"
    prov_path = args.out / "provenance" / "build_manifests.json"
    src = Sources(args.sources.resolve())
    built, remote = build(src)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.npz"):
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
        p = M.write_manifest(m, out_dir / fname)
        back = M.read_manifest(p)
        assert back.ids() == m.ids()
        assert back.classes == m.classes
        sha = provenance.sha256_file(p)
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
                "path": f"imagenet_versions/data/manifests/{fname}",
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
    (out_dir / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    outputs.append(
        {
            "path": "imagenet_versions/data/manifests/index.json",
            "sha256": provenance.sha256_file(out_dir / "index.json"),
            "bytes": (out_dir / "index.json").stat().st_size,
        }
    )
    prov_path.parent.mkdir(parents=True, exist_ok=True)
    prov = {
        "tool": "tools/build_manifests.py",
        "sources_mirror": "local mirror of the upstream public files (origin per input)",
        "inputs": sorted({r["path"]: r for r in src.used}.values(), key=lambda r: r["path"]),
        "outputs": outputs,
        "on_demand": [{k: r[k] for k in ("version", "split", "url", "sha256", "license")} for r in remote],
    }
    provenance.write_json(prov_path, prov)
    total = sum(o["bytes"] for o in outputs)
    print(f"shipped manifest data: {total:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
