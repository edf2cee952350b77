#!/usr/bin/env python3
"""Rebuild the category data that imagenet_versions ships.

Reads every input from a local mirror of the upstream public files
(default: ``../shared/data/sources`` next to the project) or, with ``--upstream``,
from the upstream itself (PyPI distributions through ``pip download``, GitHub
raw files at the pinned commit). Every input is checked against the sha256
pinned below before use; the script stops on any mismatch.

Writes, under ``imagenet_versions/data/``:

- ``categories/<version id>.txt``: one wnid per line, in label-index order, for
  every version whose category list is published (or, for winter21,
  reconstructed);
- ``operations/*.tsv``: the evidence that some edges need (the winter21
  person-subtree filter with a reason per wnid; the BREEDS and ImageNet-9
  many-to-one relabels);
- ``evidence/*.txt``: published index files that the tests check our label
  maps against (timm's ImageNet-A / -R indices into the 1K head);
- ``names.tsv``: wnid -> lemmas for every id used above;
- ``provenance/build_data.json``: origin, licence and sha256 of every input and
  the sha256 of every output.

The output is deterministic: running the script twice gives identical bytes.

Usage::

    python tools/build_data.py [--mirror DIR | --upstream] [--out DIR]
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import json
import lzma
import subprocess
import sys
import tempfile
import types
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MIRROR = ROOT.parent / "shared" / "data" / "sources"
DEFAULT_OUT = ROOT / "imagenet_versions" / "data"

# BREEDS splits are recomputed with the authors' own code (robustness' breeds_helpers).
ROBUSTNESS_WHEEL = "robustness==1.2.1.post2"
ROBUSTNESS_SHA256 = "a263950768a44f756e5d09bf32425c59d479e75ab036dff4f06298a7700c13b1"

PINS: dict[str, dict[str, str]] = {
    "imagenet-fall11/imagenet22k_synsets.txt": {
        "sha256": "0ae24538751973797b29d8dec412b2bdc61bc4ec3ecd081eba0735804236bbd2",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet22k_synsets.txt",
    },
    "imagenet-fall11/imagenet_synset_to_lemma.txt": {
        "sha256": "1b8babda187421a4bde0c9c5a197c36f6bdda962f7ca11ffb2813806cbb2178f",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet_synset_to_lemma.txt",
    },
    "imagenet-winter21/synsets_safety.csv": {
        "sha256": "f984013df469a7dae9266a92c5aa7f23afa65363b5a94c7bc5ed9fb67861e452",
        "licence": "MIT (repository); data from image-net.org",
        "origin": "github:Bernardo1998/FairGRAPE@b677eb974bf9fee2e9bccd7a31fca6bdb0858a64:csv/synsets_safety.csv",
    },
    "imagenet-winter21/imageability_scores.csv": {
        "sha256": "3ac70be4db3f87063d860c228ba1caf885e97f80d5adde0ad67a1492a35f21e4",
        "licence": "MIT (repository); data from image-net.org",
        "origin": "github:Bernardo1998/FairGRAPE@b677eb974bf9fee2e9bccd7a31fca6bdb0858a64:csv/imageability_scores.csv",
    },
    "ilsvrc2012/imagenet_synsets.txt": {
        "sha256": "70002b0ff5de60a3a17a82dbfcff291931f96225ddf941ad2e182fc39e183d15",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet_synsets.txt",
    },
    "imagenet-21k-p-fall11/imagenet21k_miil_synsets.txt": {
        "sha256": "cd76d977daaa2f13a4a91fca0f53713f2f29675308d4ce0f0ee0e5b07a3164c6",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet21k_miil_synsets.txt",
    },
    "imagenet-21k-p-winter21/imagenet21k_miil_w21_synsets.txt": {
        "sha256": "f49dde3d69946b8635586432f34f35985f807d168286ce5fde746aac3a7d94c8",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet21k_miil_w21_synsets.txt",
    },
    "imagenet-12k/imagenet12k_synsets.txt": {
        "sha256": "f6483e79f18a9b670d43d915ddba40bbcaf82cfc4e92a07bd44057b9d44935f3",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet12k_synsets.txt",
    },
    "imagenet-22k-goog/imagenet21k_goog_synsets.txt": {
        "sha256": "66362bdedf36d933382edca5493fc562dcc17128ce36403c9e730a75f48cb2f2",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet21k_goog_synsets.txt",
    },
    "imagenet-22k-ms/imagenet22k_ms_synsets.txt": {
        "sha256": "f2c7ac47500e1d1d70432d3cb2e2b2187c6880125439832bf4b4038f716ca278",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet22k_ms_synsets.txt",
    },
    "imagenet-a/imagenet_a_synsets.txt": {
        "sha256": "9826a24166e74ce62fb87b27889874ca26917542c745712309d6e25855d63bc2",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet_a_synsets.txt",
    },
    "imagenet-r/imagenet_r_synsets.txt": {
        "sha256": "a6a0729f7a99230280639cab6e51e01485a3b41a676ea35621a501c9d6e83ca4",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet_r_synsets.txt",
    },
    "imagenet-o/nae_imagenet_o_wnids.txt": {
        "sha256": "29575307f17b6cb040fcd04fee2b5b7b0e43f7c55072fb05d4b33cc39fc60978",
        "licence": "MIT",
        "origin": "extracted:hendrycks/natural-adv-examples@07770705658c3a1c8acce31fd9dbd68f06e297c3:eval_many_models.py#imagenet_o_wnids",
        "transformation": "Python literal parsed with ast.literal_eval; one wnid per line (source order kept)",
    },
    "imagenet-face-blurred/sorted_wnids.json": {
        "sha256": "88fccf9edba21b4c4c4012b96e5bb63b8256bb83435e344a7db05c6ed7df9b93",
        "licence": "BSD-2-Clause",
        "origin": "github:princetonvisualai/imagenet-face-obfuscation@83f027962c41e11517d40f9c9f183621bedc4ed4:data/sorted_wnids.json",
    },
    "tiny-imagenet/nbdt_TinyImagenet200.txt": {
        "sha256": "a36eb4b603007f1985cdfbfc5987166a2710b3c6f0f6d3e29636fc129bba527b",
        "licence": "MIT (package)",
        "origin": "pypi:nbdt==0.0.4:nbdt/wnids/TinyImagenet200.txt",
    },
    "mini-imagenet/mini_imagenet_synsets.txt": {
        "sha256": "01be89a8f69ce3bf1f361d701c84ba5eb3b73993fdc56f30641256103dc45e57",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/mini_imagenet_synsets.txt",
    },
    "imagenette/tfds_imagenette_labels.txt": {
        "sha256": "bbf5739ac32da1a75c7279e5d0df6b14017de2a5f5e99a3ddba915ede171741b",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:tensorflow-datasets==4.9.10:tensorflow_datasets/image_classification/imagenette_labels.txt",
    },
    "imagewoof/noisy_imagewoof.csv": {
        "sha256": "e4fd945e470883e7f68a91fe6dfe946d271952eaba7e0cb154086e3c43ac518a",
        "licence": "Apache-2.0",
        "origin": "github:fastai/imagenette@ba8db39559154607fecd46bfff9068f074082af4:noisy_imagewoof.csv",
    },
    "imagenet-100-cmc/imagenet100.txt": {
        "sha256": "79f3f1552ccc478ce24bd934b4573625db584ddc1f4643ae23c994a94cb11397",
        "licence": "BSD-2-Clause",
        "origin": "github:HobbitLong/CMC@7b227be0b10ef4e526c72af07664f5079ed9ee09:imagenet100.txt",
    },
    "downsampled-imagenet/map_clsloc.txt": {
        "sha256": "1dd44b44b70cbdb05781d3b49851bfa25a82486f47b2957a29eac1f98da4441d",
        "licence": "MIT",
        "origin": "github:PatrykChrabaszcz/Imagenet32_Scripts@108b12098cdd7129de0e3b1dbacab2a483b0e729:map_clsloc.txt",
    },
    "breeds/modified_class_hierarchy.txt": {
        "sha256": "039cfaddf9732855b93f7899ba4b5ba6d80f8dbe15cfaad566f575b6c8ce0216",
        "licence": "no license file",
        "origin": "github:MadryLab/BREEDS-Benchmarks@f83be509107e89f41dde0e4e8e7f8be051fbb891:imagenet_class_hierarchy/modified/class_hierarchy.txt",
    },
    "breeds/modified_node_names.txt": {
        "sha256": "322af45711ed69a7b199f11225bd964c7dae71df3c586498bef2f7c9e031dedb",
        "licence": "no license file",
        "origin": "github:MadryLab/BREEDS-Benchmarks@f83be509107e89f41dde0e4e8e7f8be051fbb891:imagenet_class_hierarchy/modified/node_names.txt",
    },
    "breeds/modified_dataset_class_info.json": {
        "sha256": "be90503d57a001f95e094a81dc4de90772bfc58546ca58061d6474799829afd0",
        "licence": "no license file",
        "origin": "github:MadryLab/BREEDS-Benchmarks@f83be509107e89f41dde0e4e8e7f8be051fbb891:imagenet_class_hierarchy/modified/dataset_class_info.json",
    },
    "imagenet-9-backgrounds/in9_classes.txt": {
        "sha256": "3fba913f1b7d60204437d1e12b8c2a30c68d7c8f4a697f154ecc4a3db9c00c16",
        "licence": "no license file",
        "origin": "github:MadryLab/backgrounds_challenge@46d224bb02a296681eddbae44a49da9abb5ba038:in9_classes.txt",
    },
    "imagenet-9-backgrounds/in_to_in9.json": {
        "sha256": "5b72ab44c804129744f5dff9372d8048c3b85da38d48385d73686ee0b0e7b638",
        "licence": "no license file",
        "origin": "github:MadryLab/backgrounds_challenge@46d224bb02a296681eddbae44a49da9abb5ba038:in_to_in9.json",
    },
    "imagenet-a/imagenet_a_indices.txt": {
        "sha256": "e81223a35add6e78f9afe6f215652c1926ebefe1d8efc26c6e923d7ac9143937",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet_a_indices.txt",
    },
    "imagenet-r/imagenet_r_indices.txt": {
        "sha256": "91e09d2ff0a002104bc0d37a892a7e75ffc2cc0db47b2b506047a3493b9116d2",
        "licence": "Apache-2.0 (package)",
        "origin": "pypi:timm==1.0.31:timm/data/_info/imagenet_r_indices.txt",
    },
}


# ---------------------------------------------------------------- inputs


class Inputs:
    """Reads pinned inputs from a mirror or from upstream, recording provenance."""

    def __init__(self, mirror: Path | None, upstream: bool) -> None:
        self.mirror = mirror
        self.upstream = upstream
        self.used: dict[str, dict[str, str]] = {}
        self._wheels: dict[str, Path] = {}
        self._tmp = Path(tempfile.mkdtemp(prefix="iv-build-"))

    def bytes(self, rel: str) -> bytes:
        pin = PINS[rel]
        if self.upstream:
            data = self._from_upstream(pin)
            where = "upstream"
        else:
            assert self.mirror is not None
            data = (self.mirror / rel).read_bytes()
            where = f"mirror:{rel}"
        got = hashlib.sha256(data).hexdigest()
        if got != pin["sha256"]:
            sys.exit(f"sha256 mismatch for {rel} ({where}): got {got}, pinned {pin['sha256']}")
        self.used[rel] = {"path": f"data/sources/{rel}", "bytes": len(data), **pin, "read_from": where}
        return data

    def text(self, rel: str) -> str:
        return self.bytes(rel).decode("utf-8")

    def lines(self, rel: str) -> list[str]:
        return [ln.strip() for ln in self.text(rel).splitlines() if ln.strip()]

    def _from_upstream(self, pin: dict[str, str]) -> bytes:
        kind, _, rest = pin["origin"].partition(":")
        if kind == "pypi":
            req, _, member = rest.partition(":")
            data = zipfile.ZipFile(self._wheel(req)).read(member)
            if member.endswith(".xz"):
                data = lzma.decompress(data)
            return data
        if kind in ("github", "extracted"):
            repo_commit, _, path = rest.partition(":")
            repo, _, commit = repo_commit.partition("@")
            path, _, variable = path.partition("#")
            url = f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"
            with urllib.request.urlopen(url, timeout=60) as resp:
                data = resp.read()
            if variable:
                data = _extract_literal(data.decode(), variable)
            return data
        raise SystemExit(f"unknown origin kind in {pin['origin']!r}")

    def _wheel(self, req: str) -> Path:
        if req not in self._wheels:
            dest = self._tmp / req.replace("=", "_")
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(dest), req],
                check=True,
            )
            self._wheels[req] = next(dest.iterdir())
        return self._wheels[req]


def _extract_literal(source: str, variable: str) -> bytes:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets):
            value = ast.literal_eval(node.value)
            items = sorted(value) if isinstance(value, set) else list(value)
            return ("\n".join(items) + "\n").encode()
    raise SystemExit(f"variable {variable!r} not found")


# ---------------------------------------------------------------- builders


def winter21_filter(inp: Inputs, fall11: list[str]) -> tuple[list[str], list[tuple[str, str, str, str]]]:
    """Reconstruct winter21: fall11 minus the person-subtree synsets that Yang et al.

    2020 found unsafe (offensive or sensitive) or safe but not imageable
    (imageability score < 4). Returns the kept list (fall11 order) and the removed
    rows (wnid, reason, safety, imageability).
    """
    safety = {
        r["wnid"]: r["safety"] for r in csv.DictReader(io.StringIO(inp.text("imagenet-winter21/synsets_safety.csv")))
    }
    score = {
        r["wnid"]: r["imageability score"]
        for r in csv.DictReader(io.StringIO(inp.text("imagenet-winter21/imageability_scores.csv")))
    }
    removed: list[tuple[str, str, str, str]] = []
    kept: list[str] = []
    for w in fall11:
        s = safety.get(w)
        if s is None:
            kept.append(w)
        elif s in ("offensive", "sensitive"):
            removed.append((w, f"unsafe:{s}", s, score.get(w, "")))
        elif s == "safe" and float(score[w]) < 4:
            removed.append((w, "not-imageable", s, score[w]))
        elif s == "safe":
            kept.append(w)
        else:
            raise SystemExit(f"unexpected safety label {s!r} for {w}")
    return kept, removed


def breeds(inp: Inputs, wheel: Path | None) -> dict[str, dict[str, object]]:
    """Recompute the four BREEDS datasets with the authors' breeds_helpers."""
    tmp = Path(tempfile.mkdtemp(prefix="iv-breeds-"))
    for name in ("class_hierarchy.txt", "node_names.txt", "dataset_class_info.json"):
        (tmp / name).write_bytes(inp.bytes(f"breeds/modified_{name}"))
    if wheel is None:
        dest = tmp / "wheel"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(dest), ROBUSTNESS_WHEEL],
            check=True,
        )
        wheel = next(dest.iterdir())
    got = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if got != ROBUSTNESS_SHA256:
        sys.exit(f"sha256 mismatch for {wheel}: got {got}, pinned {ROBUSTNESS_SHA256}")
    src = zipfile.ZipFile(wheel).read("robustness/tools/breeds_helpers.py").decode()
    # The helpers import the torch-based dataset registry only for a constant we do not use.
    src = src.replace("from ..datasets import DATASETS", "DATASETS = {}")
    mod = types.ModuleType("breeds_helpers")
    exec(compile(src, "robustness/tools/breeds_helpers.py", "exec"), mod.__dict__)
    num_to_wnid = {int(num): wnid for num, wnid, _name in json.loads((tmp / "dataset_class_info.json").read_text())}
    names = {}
    for line in (tmp / "node_names.txt").read_text().splitlines():
        k, _, v = line.partition("\t")
        names[k] = v
    out: dict[str, dict[str, object]] = {}
    for key, func in (
        ("breeds-entity13", "make_entity13"),
        ("breeds-entity30", "make_entity30"),
        ("breeds-living17", "make_living17"),
        ("breeds-nonliving26", "make_nonliving26"),
    ):
        supers, (source, target), _label_map = getattr(mod, func)(str(tmp), split="rand")
        # breeds_helpers returns subclasses as ILSVRC-2012 label numbers, one list per
        # superclass in *sorted* superclass order; that position is the BREEDS label.
        supers = sorted(supers)
        source = [[num_to_wnid[int(n)] for n in group] for group in source]
        target = [[num_to_wnid[int(n)] for n in group] for group in target]
        rows = []
        for i, sup in enumerate(supers):
            rows += [(w, sup, "source") for w in source[i]]
            rows += [(w, sup, "target") for w in target[i]]
        out[key] = {"superclasses": list(supers), "rows": rows, "names": {s: names[s] for s in supers}}
    inp.used["robustness wheel"] = {
        "path": wheel.name,
        "bytes": wheel.stat().st_size,
        "origin": f"pypi:{ROBUSTNESS_WHEEL}:robustness/tools/breeds_helpers.py",
        "sha256": ROBUSTNESS_SHA256,
        "licence": "MIT (package)",
        "read_from": str(wheel.name),
    }
    return out


def build(inp: Inputs, out: Path, robustness_wheel: Path | None) -> dict[str, str]:  # noqa: C901  (one linear build recipe)
    files: dict[str, bytes] = {}

    def put(rel: str, lines: list[str]) -> None:
        files[rel] = ("\n".join(lines) + "\n").encode()

    def cats(vid: str, wnids: list[str]) -> None:
        if len(set(wnids)) != len(wnids):
            raise SystemExit(f"duplicate wnids in {vid}")
        put(f"categories/{vid}.txt", wnids)

    fall11 = inp.lines("imagenet-fall11/imagenet22k_synsets.txt")
    cats("imagenet-fall11", fall11)
    kept, removed = winter21_filter(inp, fall11)
    cats("imagenet-winter21", kept)
    put(
        "operations/imagenet-winter21.filter.tsv",
        ["wnid\treason\tsafety\timageability"] + ["\t".join(r) for r in removed],
    )
    simple = {
        "ilsvrc2012": "ilsvrc2012/imagenet_synsets.txt",
        "imagenet-21k-p-fall11": "imagenet-21k-p-fall11/imagenet21k_miil_synsets.txt",
        "imagenet-21k-p-winter21": "imagenet-21k-p-winter21/imagenet21k_miil_w21_synsets.txt",
        "imagenet-12k": "imagenet-12k/imagenet12k_synsets.txt",
        "imagenet-22k-goog": "imagenet-22k-goog/imagenet21k_goog_synsets.txt",
        "imagenet-22k-ms": "imagenet-22k-ms/imagenet22k_ms_synsets.txt",
        "imagenet-a": "imagenet-a/imagenet_a_synsets.txt",
        "imagenet-r": "imagenet-r/imagenet_r_synsets.txt",
        "imagenet-o": "imagenet-o/nae_imagenet_o_wnids.txt",
        "tiny-imagenet": "tiny-imagenet/nbdt_TinyImagenet200.txt",
        "mini-imagenet": "mini-imagenet/mini_imagenet_synsets.txt",
        "imagenette": "imagenette/tfds_imagenette_labels.txt",
        "imagenet-100": "imagenet-100-cmc/imagenet100.txt",
    }
    for vid, rel in simple.items():
        cats(vid, inp.lines(rel))
    cats("imagenet-face-blurred", json.loads(inp.text("imagenet-face-blurred/sorted_wnids.json")))
    cats(
        "imagenet-downsampled",
        [
            ln.split()[0]
            for ln in sorted(inp.lines("downsampled-imagenet/map_clsloc.txt"), key=lambda s: int(s.split()[1]))
        ],
    )
    # Imagewoof publishes no label list: its classes are the folders of its image list;
    # label order = sorted folder names, as torchvision's ImageFolder (fastai's loaders) reads them.
    woof = sorted(
        {r["path"].split("/")[1] for r in csv.DictReader(io.StringIO(inp.text("imagewoof/noisy_imagewoof.csv")))}
    )
    cats("imagewoof", woof)

    names: dict[str, str] = {}
    for line in inp.text("imagenet-fall11/imagenet_synset_to_lemma.txt").splitlines():
        w, _, lemmas = line.partition("\t")
        names[w] = lemmas.strip()

    for vid, spec in breeds(inp, robustness_wheel).items():
        put(f"operations/{vid}.relabel.tsv", ["wnid\tlabel\tdomain"] + ["\t".join(r) for r in spec["rows"]])  # type: ignore[index]
        put(f"operations/{vid}.labels.txt", spec["superclasses"])  # type: ignore[arg-type]
        for s, n in spec["names"].items():  # type: ignore[union-attr]
            names.setdefault(s, n)

    in9 = [ln.split() for ln in inp.lines("imagenet-9-backgrounds/in9_classes.txt")]
    in9_wnids = [w for _name, w in in9]
    mapping = json.loads(inp.text("imagenet-9-backgrounds/in_to_in9.json"))
    ilsvrc = inp.lines("ilsvrc2012/imagenet_synsets.txt")
    rows = [
        f"{ilsvrc[int(i)]}\t{in9_wnids[j]}\t" for i, j in sorted(mapping.items(), key=lambda kv: int(kv[0])) if j >= 0
    ]
    put("operations/imagenet-9.relabel.tsv", ["wnid\tlabel\tdomain", *rows])
    put("operations/imagenet-9.labels.txt", in9_wnids)

    put("evidence/timm_imagenet_a_indices.txt", inp.lines("imagenet-a/imagenet_a_indices.txt"))
    put("evidence/timm_imagenet_r_indices.txt", inp.lines("imagenet-r/imagenet_r_indices.txt"))

    used: set[str] = set()
    for rel, data in files.items():
        if rel.startswith(("categories/", "operations/")) and rel.endswith(".txt"):
            used.update(data.decode().split())
        elif rel.endswith(".tsv"):
            for line in data.decode().splitlines()[1:]:
                used.update(c for c in line.split("\t")[:2] if c.startswith(("n0", "n1", "dummy")))
    missing = sorted(w for w in used if w not in names)
    if missing:
        raise SystemExit(f"no name for {missing}")
    put("names.tsv", [f"{w}\t{names[w]}" for w in sorted(used)])

    outputs: dict[str, str] = {}
    records = []
    for rel, data in sorted(files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        outputs[rel] = hashlib.sha256(data).hexdigest()
        records.append(
            {
                "path": f"imagenet_versions/data/{rel}",
                "sha256": outputs[rel],
                "bytes": len(data),
                "rows": data.count(b"\n"),
            }
        )
    # the same record layout as tools/_provenance.py writes for the other build scripts
    prov = {
        "tool": "tools/build_data.py",
        "description": "category lists, operation evidence and class names of the catalog",
        "inputs": [inp.used[k] for k in sorted(inp.used)],
        "outputs": records,
    }
    p = out / "provenance" / "build_data.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(prov, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return outputs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="local mirror of the sources")
    src.add_argument("--upstream", action="store_true", help="fetch every input from its upstream origin")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output data folder")
    ap.add_argument("--robustness-wheel", type=Path, help="local copy of the robustness wheel (else pip download)")
    args = ap.parse_args(argv)
    inp = Inputs(None if args.upstream else args.mirror, args.upstream)
    outputs = build(inp, args.out, args.robustness_wheel)
    print(f"wrote {len(outputs)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
