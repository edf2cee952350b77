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
  person-subtree filter with a reason per wnid, and SSB's 20 winter21 drops with
  the same reasons; the BREEDS, ImageNet-9, 16-class, ImageNet-Vid-Robust and
  ImageNet-D many-to-one relabels; tieredImageNet's superclasses);
- ``evidence/*.txt``: published index files that the tests check our label
  maps against (timm's ImageNet-A / -R indices into the 1K head);
- ``names.tsv``: wnid -> lemmas for every id used above (namespaced labels such as
  ``geirhos16:knife`` too);
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
    # ---- second gathering (issue 11): the long tail
    "ssb-imagenet/imagenet_osr_splits.pkl": {
        "sha256": "f175aef5a57f56140540033ee8e7dc321dad289f8291ec7795105c6021665350",
        "licence": "MIT",
        "origin": "github:sgvaze/osr_closed_set_all_you_need@3258f058d4fd75cb88e23d0bd638d24b629e60d3:data/open_set_splits/imagenet_osr_splits.pkl",
    },
    "ssb-imagenet/imagenet_osr_splits_winter21.pkl": {
        "sha256": "0455f2e38dc0e3db64faabdfca662f551dbdd67e3d2164ce56a07d586221c985",
        "licence": "MIT",
        "origin": "github:sgvaze/osr_closed_set_all_you_need@3258f058d4fd75cb88e23d0bd638d24b629e60d3:data/open_set_splits/imagenet_osr_splits_winter21.pkl",
    },
    "ssb-imagenet/imagenet_ssb_splits.json": {
        "sha256": "90644c5a2c267800e22bf660cc56fd58e4683fac42f27923dc10189e8a08666d",
        "licence": "no licence file (read to check the known-class order; not shipped)",
        "origin": "github:sgvaze/SSB@615320bebdcc355914680bce820bbd48347c74bb:SSB/splits/imagenet_ssb_splits.json",
    },
    "ssb-imagenet/imagenet_ssb_splits_ffded7c_devkit_order.json": {
        "sha256": "78ffe6ff526402fc1ff307b50f40eae4c6508ef06436daa9bf65e3abab575389",
        "licence": "no licence file (read to check the known-class order; not shipped)",
        "origin": "github:sgvaze/SSB@ffded7c76f6d0b44164093e15cf104bc7bb0d288:SSB/splits/imagenet_ssb_splits.json",
    },
    "imagenet-100-variants/podnet_val_100.txt": {
        "sha256": "6753a92117737f36227002079b92e37a3670c719d59d363af3d4bece15d8f073",
        "licence": "MIT",
        "origin": "github:arthurdouillard/incremental_learning.pytorch@c09fc54dc4e9b03f5ea209397bd7ac09d6f27eb1:imagenet_split/val_100.txt",
    },
    "imagenet-100-variants/foster_imagenet-sub_eval.txt": {
        "sha256": "59a29b2cd743cb9491c6cce10797bf107eb22acc6befc792ad7de48b9a095d97",
        "licence": "MIT",
        "origin": "github:G-U-N/ECCV22-FOSTER@555c7f05d8aa2ef199d6a074feb48566836ae892:imagenet-sub/eval.txt",
    },
    "tiered-imagenet/train.csv": {
        "sha256": "6b87c8440f610d406bce85ac70db018485cc1b036a9106d512e75e4988eb3e15",
        "licence": "MIT",
        "origin": "github:renmengye/few-shot-ssl-public@4ce8726c036ae2811050e9571e8d2b4b46b2acac:fewshot/data/tiered_imagenet_split/train.csv",
    },
    "tiered-imagenet/val.csv": {
        "sha256": "e63540c17e82c2de98df9244b03cdb7e214ea513ae543d6dbc29998f9597cfc5",
        "licence": "MIT",
        "origin": "github:renmengye/few-shot-ssl-public@4ce8726c036ae2811050e9571e8d2b4b46b2acac:fewshot/data/tiered_imagenet_split/val.csv",
    },
    "tiered-imagenet/test.csv": {
        "sha256": "a478b4481aae4003b6b3c7a09f9ddc56b36f54652e01b83d07a8e6ee1b789d56",
        "licence": "MIT",
        "origin": "github:renmengye/few-shot-ssl-public@4ce8726c036ae2811050e9571e8d2b4b46b2acac:fewshot/data/tiered_imagenet_split/test.csv",
    },
    "geirhos-16-class/mvh_human_categories.py": {
        "sha256": "cd65942738260574b3bba9de42c1e5b292c3e29f67758589af1e14a4efe10531",
        "licence": "MIT (licenses/CODE_LICENSE)",
        "origin": "github:bethgelab/model-vs-human@79ed7cd1d9ac3a114e71b6638f0a98bdd627316c:modelvshuman/helper/human_categories.py",
    },
    "imagenet-vid-robust/vid_class_idx_map.json": {
        "sha256": "665fdc1c6e090ac976ccf35ca2eb91416ec1d8dcde45d1eb95ed008eab166729",
        "licence": "MIT",
        "origin": "github:modestyachts/imagenet-testbed@0170eec658d664289d9f61de8f90f967f49abca0:src/eval_settings/imagenet-vid-robust_metadata/class_idx_map.json",
    },
    "imagenet-ood-variants/zhang_imgnet_d2imgnet_id.txt": {
        "sha256": "ac4935ba6daee7d30f1e0bcd7617d574eda2dccefe7db7054c9f205e2fbdf47e",
        "licence": "MIT",
        "origin": "github:chenshuang-zhang/imagenet_d@d8bb2dfdc91dc56ce8d39ae639b1f9cc1a663aac:preprocessing/imgnet_d2imgnet_id.txt",
    },
    "wordnet-hierarchy/words.txt": {
        "sha256": "55df3c6ee75859de344e2834ef65d88d61cec389d57e787be59e942c9b73e9aa",
        "licence": "MIT (the same git blob a2403d12 ships as words.txt in renmengye/few-shot-ssl-public); data from image-net.org",
        "origin": "github:renmengye/few-shot-ssl-public@4ce8726c036ae2811050e9571e8d2b4b46b2acac:fewshot/data/tiered_imagenet_split/words.txt",
        "transformation": "used only for the names of tieredImageNet superclasses outside fall11",
    },
    "imagenet-ood-variants/rusak_show_mappings.ipynb": {
        "sha256": "df42b0c8d79504096f7558c4a219e58c76aeea6be66b3f7fb07737dbd2bdd78a",
        "licence": "Apache-2.0",
        "origin": "github:bethgelab/robustness@0ef82b178e3526f63d8017dc870072d611d883e9:examples/imagenet_d/show_mappings.ipynb",
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


# ---------------------------------------------------------------- the long tail (issue 11)


def _unpickle(data: bytes) -> dict[str, object]:
    """Load one of the pinned SSB pickles (numpy arrays inside; trusted by its pinned sha256)."""
    import pickle

    import numpy as np

    class _Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> object:
            # the pickles name numpy 1.x's private module; numpy 2 moved it
            if module.startswith("numpy.core"):
                module = module.replace("numpy.core", "numpy._core", 1)
            if module.split(".")[0] not in ("numpy", "builtins", "collections", "copyreg"):
                raise SystemExit(f"unexpected global {module}.{name} in an SSB pickle")
            return super().find_class(module, name)

    _ = np  # imported so that numpy's pickle helpers are importable
    out = _Unpickler(io.BytesIO(data)).load()
    if not isinstance(out, dict):
        raise SystemExit("an SSB pickle is not a dict")
    return out


def ssb(
    inp: Inputs, removed_from_winter21: dict[str, str], ilsvrc: list[str], devkit: list[str]
) -> dict[str, list[str]]:
    """SSB Hard (fall11, winter21) and Easy unknown classes, from the authors' MIT pickles.

    Checks what the catalog states about them: winter21 Hard is fall11 Hard minus
    20 wnids, order kept, each removed by the winter21 person filter; Easy is the
    same in both; the SSB repository's known classes were first in devkit order,
    now sorted; its unknown lists equal the winter21 pickle's.
    """
    f11 = _unpickle(inp.bytes("ssb-imagenet/imagenet_osr_splits.pkl"))
    w21 = _unpickle(inp.bytes("ssb-imagenet/imagenet_osr_splits_winter21.pkl"))
    hard11 = [str(w) for w in f11["hard_i21k_classes"]]  # type: ignore[attr-defined]
    hard21 = [str(w) for w in w21["hard_i21k_classes"]]  # type: ignore[attr-defined]
    easy11 = [str(w) for w in f11["easy_i21k_classes"]]  # type: ignore[attr-defined]
    easy21 = [str(w) for w in w21["easy_i21k_classes"]]  # type: ignore[attr-defined]
    dropped = [w for w in hard11 if w not in set(hard21)]
    if easy11 != easy21 or [w for w in hard11 if w in set(hard21)] != hard21 or len(dropped) != 20:
        raise SystemExit("SSB: winter21 is no longer fall11 minus 20 Hard classes")
    unexplained = [w for w in dropped if w not in removed_from_winter21]
    if unexplained:
        raise SystemExit(f"SSB: dropped Hard classes not removed by the winter21 filter: {unexplained}")
    current = json.loads(inp.text("ssb-imagenet/imagenet_ssb_splits.json"))
    first = json.loads(inp.text("ssb-imagenet/imagenet_ssb_splits_ffded7c_devkit_order.json"))
    for state, order in ((current, ilsvrc), (first, devkit)):
        if state["known_classes"] != order:
            raise SystemExit("SSB: known-class order is not the one the catalog states")
        if state["unknown_classes"]["Hard"] != hard21 or state["unknown_classes"]["Easy"] != easy21:
            raise SystemExit("SSB: the repository's unknown classes differ from the winter21 pickle")
    return {"hard11": hard11, "hard21": hard21, "easy": easy11}


def imagenet_100s(inp: Inputs, ilsvrc: list[str], devkit: list[str]) -> dict[str, list[str]]:
    """The three other ImageNet-100s, each from its authors' file or rule."""
    import numpy as np

    podnet: dict[int, set[str]] = {}
    for line in inp.lines("imagenet-100-variants/podnet_val_100.txt"):
        path, label = line.split()
        podnet.setdefault(int(label), set()).add(path.split("/")[1])
    if sorted(podnet) != list(range(100)) or any(len(v) != 1 for v in podnet.values()):
        raise SystemExit("PODNet val_100.txt: labels are not 0-99 with one class each")
    podnet_list = [podnet[i].pop() for i in range(100)]
    if podnet_list != ilsvrc[:100]:
        raise SystemExit("PODNet/BiC ImageNet-100 is no longer the first 100 sorted classes")
    # UCIR gen_imagenet_subset.py: np.random.seed(1993); np.random.choice(sorted classes, 100, replace=False);
    # legacy RandomState, whose stream NumPy's compatibility policy freezes.
    rng = np.random.RandomState(1993)
    ucir = [str(w) for w in rng.choice(ilsvrc, 100, replace=False)]
    foster = {ln for ln in inp.lines("imagenet-100-variants/foster_imagenet-sub_eval.txt") if "/" not in ln}
    if set(ucir) != foster:
        raise SystemExit("UCIR seed-1993 subset does not equal FOSTER's imagenet-sub classes")
    return {
        "imagenet-100-podnet": podnet_list,
        "imagenet-100-ucir": sorted(ucir),  # read back with ImageFolder: sorted label order
        "imagenet-100-icarl": devkit[:100],  # devkit IDs 1-100 (meta.mat order = map_clsloc.txt order, inferred)
    }


def tiered(inp: Inputs) -> list[tuple[str, str, str]]:
    rows = []
    for split in ("train", "val", "test"):
        for line in inp.lines(f"tiered-imagenet/{split}.csv"):
            wnid, sup = line.split(",")
            rows.append((wnid, sup, split))
    if len({r[0] for r in rows}) != 608 or len({r[1] for r in rows}) != 34:
        raise SystemExit("tieredImageNet: not 608 classes in 34 superclasses")
    return rows


def geirhos16(inp: Inputs, ilsvrc: list[str]) -> list[tuple[str, str]]:
    """(wnid, category) from model-vs-human's *_indices lists (207 ILSVRC-2012 classes)."""
    tree = ast.parse(inp.text("geirhos-16-class/mvh_human_categories.py"))
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "HumanCategories"]
    rows = []
    for st in cls.body:
        if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name) and st.targets[0].id.endswith("_indices"):
            category = st.targets[0].id.removesuffix("_indices")
            rows += [(ilsvrc[i], category) for i in ast.literal_eval(st.value)]
    rows.sort(key=lambda r: (r[1], ilsvrc.index(r[0])))
    if len(rows) != 207 or len({r[1] for r in rows}) != 16:
        raise SystemExit("16-class-ImageNet: not 207 classes in 16 categories")
    return rows


def vid_robust(inp: Inputs, ilsvrc: list[str]) -> list[tuple[str, str]]:
    m = json.loads(inp.text("imagenet-vid-robust/vid_class_idx_map.json"))
    rows = [(ilsvrc[int(i)], f"imagenet-vid:{int(j)}") for i, j in sorted(m.items(), key=lambda kv: int(kv[0]))]
    if len(rows) != 288 or len({r[1] for r in rows}) != 30:
        raise SystemExit("ImageNet-Vid-Robust: not 288 classes onto 30")
    return rows


def imagenet_d_zhang(inp: Inputs, ilsvrc: list[str]) -> list[tuple[str, str]]:
    m = json.loads(inp.text("imagenet-ood-variants/zhang_imgnet_d2imgnet_id.txt"))
    rows = sorted(((ilsvrc[i], f"imagenet-d:{k.lower()}") for k, idx in m.items() for i in idx), key=lambda r: r[0])
    if len(m) != 113 or len({r[0] for r in rows}) != 125 or len(rows) != 125:
        raise SystemExit("ImageNet-D (Zhang): not 113 categories over 125 distinct ILSVRC-2012 classes")
    return rows


def imagenet_d_rusak(inp: Inputs, ilsvrc: list[str]) -> list[str]:
    """The ILSVRC-2012 classes Rusak et al.'s mapping assigns a VisDA class to: the
    complement of the unmapped indices the notebook prints in cell 4."""
    nb = json.loads(inp.text("imagenet-ood-variants/rusak_show_mappings.ipynb"))
    text = "".join(nb["cells"][4]["outputs"][0]["text"])
    unmapped = {int(ln.split(" ", 1)[0]) for ln in text.splitlines() if ln.strip()}
    kept = [w for i, w in enumerate(ilsvrc) if i not in unmapped]
    if len(unmapped) != 536 or len(kept) != 464:
        raise SystemExit("ImageNet-D (Rusak): not 536 unmapped / 464 mapped classes")
    return kept


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
        "imagenet-100-cmc": "imagenet-100-cmc/imagenet100.txt",
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

    # ---- the long tail (issue 11)
    devkit = [
        ln.split()[0]
        for ln in sorted(inp.lines("downsampled-imagenet/map_clsloc.txt"), key=lambda s: int(s.split()[1]))
    ]
    reasons = {r[0]: r[1] for r in removed}
    s = ssb(inp, reasons, ilsvrc, devkit)
    cats("ssb-imagenet-hard-fall11", s["hard11"])
    cats("ssb-imagenet-hard-winter21", s["hard21"])
    cats("ssb-imagenet-easy", s["easy"])
    dropped = [w for w in s["hard11"] if w not in set(s["hard21"])]
    put(
        "operations/ssb-imagenet-hard-winter21.filter.tsv",
        ["wnid\treason"] + [f"{w}\t{reasons[w]}" for w in dropped],
    )
    for vid, wnids in imagenet_100s(inp, ilsvrc, devkit).items():
        cats(vid, wnids)
    put("operations/tiered-imagenet.subset.tsv", ["wnid\tsuperclass\tsplit"] + ["\t".join(r) for r in tiered(inp)])
    g16 = geirhos16(inp, ilsvrc)
    put(
        "operations/imagenet-16-class.relabel.tsv",
        ["wnid\tlabel"] + [f"{w}\tgeirhos16:{c}" for w, c in g16],
    )
    put("operations/imagenet-16-class.labels.txt", sorted({f"geirhos16:{c}" for _, c in g16}))
    vid = vid_robust(inp, ilsvrc)
    put("operations/imagenet-vid-robust.relabel.tsv", ["wnid\tlabel"] + ["\t".join(r) for r in vid])
    put("operations/imagenet-vid-robust.labels.txt", [f"imagenet-vid:{i}" for i in range(30)])
    zd = imagenet_d_zhang(inp, ilsvrc)
    put("operations/imagenet-d-zhang.relabel.tsv", ["wnid\tlabel"] + ["\t".join(r) for r in zd])
    put("operations/imagenet-d-zhang.labels.txt", sorted({r[1] for r in zd}))
    put(
        "operations/imagenet-d-rusak.subset.tsv",
        ["wnid\tnote"] + [f"{w}\tmapped to a VisDA-2019 class" for w in imagenet_d_rusak(inp, ilsvrc)],
    )
    for _w, c in g16:
        names[f"geirhos16:{c}"] = c
    for i in range(30):
        names[f"imagenet-vid:{i}"] = f"ImageNet-VID class {i} (name not in the published map)"
    for _, lab in zd:
        names[lab] = lab.split(":", 1)[1].replace("_", " ")

    used: set[str] = set()
    for rel, data in files.items():
        if rel.startswith(("categories/", "operations/")) and rel.endswith(".txt"):
            used.update(data.decode().split())
        elif rel.endswith(".tsv"):
            for line in data.decode().splitlines()[1:]:
                used.update(
                    c
                    for c in line.split("\t")[:2]
                    if c.startswith(("n0", "n1", "dummy")) or (":" in c and rel.endswith(".relabel.tsv"))
                )
    words = dict(ln.split("\t", 1) for ln in inp.lines("wordnet-hierarchy/words.txt"))
    for w in used:
        if w not in names and w in words:
            names[w] = words[w].strip()
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
