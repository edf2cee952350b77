"""Build imagenet_versions/data/checkpoints.tsv from the pretrained configs in the timm
and torchvision wheels, without importing torch (or timm, or torchvision).

Usage::

    uv run python tools/build_checkpoints.py --timm-wheel WHEEL --torchvision-wheel WHEEL [--check]

Both wheels are pinned by sha256 below (``pip download --no-deps timm==1.0.31``;
``pip download --no-deps --only-binary=:all: --platform manylinux1_x86_64
--python-version 3.11 torchvision==0.20.1``).

timm: every ``timm/models/*.py`` declares ``default_cfgs = generate_default_cfgs({...})``
keyed ``'arch.tag'``. The script parses each file with ``ast`` and evaluates only the
module-level assignments and function definitions (the ``_cfg`` helpers), with every
import replaced by an inert stub and ``generate_default_cfgs`` by the identity, so no
model code runs. A tag is a *pretrained tag* as timm's registry counts it: it has
weights (``url``, ``file`` or ``hf_hub_id``) and its architecture is registered with
``@register_model``. The label space comes from ``num_classes`` through timm's own
``_NUM_CLASSES_TO_SUBSET`` table (``timm/data/imagenet_info.py``, parsed from the same
wheel); the pretraining path from the tag's ``_ft_`` stages (each stage's space from
the same architecture's tag of that name where there is one, else from timm's tag
token convention: ``in1k``, ``in12k``, ``in21k`` = Google's 21,843 (``miil_in21k`` =
ImageNet-21K-P), ``in22k`` = fall11, ``inw21k`` = winter21).

torchvision: every ``*Weights`` enum member whose ``meta`` carries
``_IMAGENET_CATEGORIES`` (1,000 names in sorted-wnid order, from ``models/_meta.py``).
The category names are also written to ``data/torchvision_categories.txt``: they are
the source of the unique display names for ILSVRC-2012 ("crane bird"/"crane",
"maillot"/"maillot tank suit").

Provenance: ``imagenet_versions/data/provenance/build_checkpoints.json``.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _provenance as prov

OUT = prov.DATA / "checkpoints.tsv"
TV_NAMES = prov.DATA / "torchvision_categories.txt"
PROV_OUT = prov.PROVENANCE / "build_checkpoints.json"

TIMM_WHEEL = ("timm-1.0.31-py3-none-any.whl", "5bd50f7d0fe6d09bf9285ac2523234a1b7e6bf075c0be3e7aed09139fcb617c7")
TV_WHEEL = (
    "torchvision-0.20.1-cp311-cp311-manylinux1_x86_64.whl",
    "86f6523dee420000fe14c3527f6c8e0175139fda7d995b187f54a0b0ebec7eb6",
)
IN1K = ("ilsvrc2012/imagenet_synsets.txt", "70002b0ff5de60a3a17a82dbfcff291931f96225ddf941ad2e182fc39e183d15")

#: timm's subset names (imagenet_info._NUM_CLASSES_TO_SUBSET values) -> (version id, order name)
TIMM_SUBSETS = {
    "imagenet-1k": ("ilsvrc2012", "sorted"),
    "imagenet-21k-miil": ("imagenet-21k-p-fall11", "listed"),
    "imagenet-12k": ("imagenet-12k", "listed"),
    "imagenet-22k": ("imagenet-fall11", "sorted"),
    "imagenet-22k-ms": ("imagenet-22k-ms", "focalnet"),
    "imagenet-21k-goog": ("imagenet-22k-goog", "google"),
}
#: tag tokens -> version, used only where no tag of the same name says more
TOKENS = {
    "in1k": "ilsvrc2012",
    "in12k": "imagenet-12k",
    "in21k": "imagenet-22k-goog",
    "miil_in21k": "imagenet-21k-p-fall11",
    "in22k": "imagenet-fall11",
    "inw21k": "imagenet-winter21",
}
HEADER = "checkpoint\tsource\tnum_classes\tversion\torder\tpretraining\tother_pretraining\tderivation\n"


class _Stub:
    """Stands in for every imported name: callable, indexable, attribute-rich, inert."""

    def __call__(self, *a: Any, **k: Any) -> _Stub:
        return self

    def __getattr__(self, k: str) -> _Stub:
        if k.startswith("__"):
            raise AttributeError(k)
        return self

    def __getitem__(self, k: Any) -> _Stub:
        return self

    def __iter__(self) -> Any:
        return iter(())

    def _same(self, *a: Any) -> _Stub:
        return self

    __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__ = __or__ = _same


def _is_register(d: ast.expr) -> bool:
    f = d.func if isinstance(d, ast.Call) else d
    return isinstance(f, ast.Name) and f.id == "register_model"


def _timm_cfgs(src: str, fname: str) -> tuple[dict[str, Any], set[str]]:
    """The ``default_cfgs`` dict of one timm model file and its registered architectures."""
    tree = ast.parse(src, fname)
    ns: dict[str, Any] = {"__name__": "timm_cfg_probe", "generate_default_cfgs": lambda d: d}
    registered: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                name = (a.asname or a.name).split(".")[0]
                if name not in ("*", "generate_default_cfgs"):
                    ns[name] = _Stub()
            continue
        if isinstance(node, ast.FunctionDef):
            if any(_is_register(d) for d in node.decorator_list):
                registered.add(node.name)
            node.decorator_list = []
        elif not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        module = ast.fix_missing_locations(ast.Module([node], []))
        try:
            exec(compile(module, fname, "exec"), ns)
        except Exception:
            if "default_cfgs" in ast.unparse(node)[:40]:
                msg = f"{fname}: cannot evaluate {ast.unparse(node)[:60]!r}"
                raise SystemExit(msg) from None
    cfgs = ns.get("default_cfgs", {})
    return (cfgs if isinstance(cfgs, dict) else {}), registered


def _timm_subsets(z: zipfile.ZipFile) -> dict[int, str]:
    tree = ast.parse(z.read("timm/data/imagenet_info.py").decode("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_NUM_CLASSES_TO_SUBSET":
            table: dict[int, str] = ast.literal_eval(node.value)
            return table
    msg = "timm/data/imagenet_info.py: _NUM_CLASSES_TO_SUBSET not found"
    raise SystemExit(msg)


def _stage_token(stage: str) -> str | None:
    m = list(re.finditer(r"(in1k|in12k|in21k|in22k|inw21k)", stage))  # last token of the stage
    if not m:
        return None
    tok = m[-1].group(1)
    return "miil_in21k" if tok == "in21k" and "miil" in stage else tok


def _timm_rows(z: zipfile.ZipFile) -> tuple[list[list[str]], dict[str, Any]]:
    subsets = _timm_subsets(z)
    space = {n: TIMM_SUBSETS[s] for n, s in subsets.items()}
    tags: dict[str, int] = {}
    no_weights = unregistered = 0
    for name in sorted(z.namelist()):
        if not (name.startswith("timm/models/") and name.endswith(".py") and name.count("/") == 2):
            continue
        text = z.read(name).decode("utf-8")
        if "default_cfgs" not in text:
            continue
        cfgs, registered = _timm_cfgs(text, name)
        for key, cfg in cfgs.items():
            if not isinstance(cfg, dict):
                continue
            if not (cfg.get("url") or cfg.get("file") or cfg.get("hf_hub_id")):
                no_weights += 1
                continue
            arch = key.split(".", 1)[0]
            if arch not in registered:
                unregistered += 1
                continue
            tags[key.rstrip("*")] = int(cfg.get("num_classes", 1000))
    by_tag: dict[str, Counter[int]] = {}
    for key, n in tags.items():
        by_tag.setdefault(key.partition(".")[2], Counter())[n] += 1
    rows = []
    skipped: Counter[str] = Counter()
    for key in sorted(tags):
        n = tags[key]
        arch, _, tag = key.partition(".")
        if n in space:
            vid, order = space[n]
            how = f"num_classes {n} -> timm imagenet_info._NUM_CLASSES_TO_SUBSET {subsets[n]!r}"
        elif _stage_token(tag) is not None:
            vid, order = "", ""
            how = f"num_classes {n} is no ImageNet label space known here (the tag names {_stage_token(tag)})"
        else:
            skipped["no ImageNet head or tag" if n not in space else ""] += 1
            continue
        path, other, notes = _pretraining(arch, tag, vid, tags, by_tag, space)
        rows.append([key, "timm", str(n), vid, order, " -> ".join(path), ", ".join(other), "; ".join([how, *notes])])
    counts = Counter(tags.values())
    summary = {
        "timm_pretrained_tags": len(tags),
        "timm_cfgs_without_weights": no_weights,
        "timm_cfgs_of_unregistered_architectures": unregistered,
        "timm_rows": len(rows),
        "timm_rows_with_known_label_space": sum(1 for r in rows if r[3]),
        "timm_rows_with_unknown_label_space": sum(1 for r in rows if not r[3]),
        "timm_tags_without_imagenet_head_or_tag": sum(skipped.values()),
        "timm_num_classes": {str(k): v for k, v in sorted(counts.items())},
        "timm_num_classes_to_subset": {str(k): v for k, v in subsets.items()},
    }
    return rows, summary


def _pretraining(
    arch: str, tag: str, final: str, tags: dict[str, int], by_tag: dict[str, Counter[int]], space: dict[int, Any]
) -> tuple[list[str], list[str], list[str]]:
    """The versions a tag's stages were trained on, in order (``_ft_`` separates stages;
    ``in22k_in1k`` within one stage is two), other (non-ImageNet) stages, and how."""
    stages: list[str] = []
    other: list[str] = []
    for seg in tag.split("_ft_"):
        found = list(re.finditer(r"(?:miil_)?in(?:1k|12k|21k|22k|w21k)", seg))
        if not found:
            other.append(seg)
        for k, m in enumerate(found):
            stages.append(seg[: m.end()] if k == 0 else m.group(0))
    path: list[str] = []
    notes: list[str] = []
    for i, stage in enumerate(stages):
        tok = _stage_token(stage) or ""
        if i == len(stages) - 1 and final:
            vid = final
        elif tags.get(f"{arch}.{stage}") in space:
            vid = space[tags[f"{arch}.{stage}"]][0]
            notes.append(f"stage {stage!r}: num_classes of {arch}.{stage}")
        elif len(by_tag.get(stage, {})) == 1 and next(iter(by_tag[stage])) in space:
            vid = space[next(iter(by_tag[stage]))][0]
            notes.append(f"stage {stage!r}: num_classes of the other tags named {stage!r}")
        else:
            vid = TOKENS[tok]
            notes.append(f"stage {stage!r}: timm tag token {tok!r}")
        if not path or path[-1] != vid:
            path.append(vid)
    if final and (not path or path[-1] != final):
        path.append(final)
    if arch.startswith("swin") and final == "imagenet-fall11":
        notes.append(
            "Swin-Transformer's own 21,841 head is in the order reconstructed as imagenet-fall11 'swin'; "
            "whether timm's copy of these weights keeps it is not verified here"
        )
    return path, other, notes


def _tv_categories(z: zipfile.ZipFile) -> list[str]:
    tree = ast.parse(z.read("torchvision/models/_meta.py").decode("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_IMAGENET_CATEGORIES":
            cats: list[str] = ast.literal_eval(node.value)
            return cats
    msg = "torchvision/models/_meta.py: _IMAGENET_CATEGORIES not found"
    raise SystemExit(msg)


def _uses_imagenet(meta: ast.expr | None, common: set[str]) -> bool:
    """Whether a ``meta`` dict literal ends up with ``"categories": _IMAGENET_CATEGORIES``
    (directly, or through ``**`` of a module-level dict that has it; later keys win)."""
    if not isinstance(meta, ast.Dict):
        return False
    found = False
    for k, v in zip(meta.keys, meta.values, strict=True):
        if k is None and isinstance(v, ast.Name):
            found = found or v.id in common
        elif isinstance(k, ast.Constant) and k.value == "categories":
            found = isinstance(v, ast.Name) and v.id == "_IMAGENET_CATEGORIES"
    return found


def _module_dicts(tree: ast.Module) -> list[tuple[str, ast.expr | None]]:
    out: list[tuple[str, ast.expr | None]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            out.append((node.targets[0].id, node.value))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.append((node.target.id, node.value))
    return out


def _tv_rows(z: zipfile.ZipFile) -> list[list[str]]:
    rows = []
    for name in sorted(z.namelist()):
        if not re.fullmatch(r"torchvision/models/(quantization/)?[a-z0-9_]+\.py", name):
            continue
        tree = ast.parse(z.read(name).decode("utf-8"))
        common: set[str] = set()
        for target, value in _module_dicts(tree):  # in file order: a dict may build on an earlier one
            if _uses_imagenet(value, common):
                common.add(target)
        for node in tree.body:
            if not (isinstance(node, ast.ClassDef) and node.name.endswith("Weights")):
                continue
            for item in node.body:
                if not (isinstance(item, ast.Assign) and isinstance(item.value, ast.Call)):
                    continue
                meta = next((kw.value for kw in item.value.keywords if kw.arg == "meta"), None)
                if not _uses_imagenet(meta, common):
                    continue
                member = item.targets[0].id  # type: ignore[attr-defined]
                other = ["SWAG (IG-3.6B weakly supervised)"] if "SWAG" in member else []
                how = f"meta['categories'] is torchvision _IMAGENET_CATEGORIES (1,000, sorted-wnid order); {name}"
                rows.append(
                    [
                        f"{node.name}.{member}",
                        "torchvision",
                        "1000",
                        "ilsvrc2012",
                        "sorted",
                        "ilsvrc2012",
                        ", ".join(other),
                        how,
                    ]
                )
    return rows


def _wheel(path: Path, want: tuple[str, str]) -> zipfile.ZipFile:
    if not path.is_file():
        msg = f"wheel not found: {path}"
        raise SystemExit(msg)
    got = prov.sha256_file(path)
    if got != want[1]:
        msg = f"sha256 of {path} is {got}, expected {want[1]} ({want[0]})"
        raise SystemExit(msg)
    return zipfile.ZipFile(path)


def build(timm_wheel: Path, tv_wheel: Path, sources: Path | None) -> tuple[dict[str, str], dict[str, Any]]:
    tz, vz = _wheel(timm_wheel, TIMM_WHEEL), _wheel(tv_wheel, TV_WHEEL)
    rows, summary = _timm_rows(tz)
    tv = _tv_rows(vz)
    cats = _tv_categories(vz)
    if len(cats) != 1000:
        msg = f"torchvision _IMAGENET_CATEGORIES has {len(cats)} names"
        raise SystemExit(msg)
    summary["torchvision_rows"] = len(tv)
    summary["torchvision_duplicate_categories"] = len(cats) - len(set(cats))
    text = HEADER + "".join("\t".join(r) + "\n" for r in rows + tv)
    inputs: list[dict[str, Any]] = [
        {
            "path": f"pypi:{TIMM_WHEEL[0]}",
            "sha256": TIMM_WHEEL[1],
            "origin": "PyPI timm 1.0.31",
            "licence": "Apache-2.0",
            "read": "timm/models/*.py default_cfgs, timm/data/imagenet_info.py",
        },
        {
            "path": f"pypi:{TV_WHEEL[0]}",
            "sha256": TV_WHEEL[1],
            "origin": "PyPI torchvision 0.20.1",
            "licence": "BSD-3-Clause",
            "read": "torchvision/models/**.py *Weights enums, torchvision/models/_meta.py _IMAGENET_CATEGORIES",
        },
    ]
    record: dict[str, Any] = {
        "tool": "tools/build_checkpoints.py",
        "description": "pretrained checkpoints and their label spaces (timm and torchvision), torchvision's 1K names",
        "inputs": inputs,
        "summary": summary,
    }
    return {"checkpoints.tsv": text, "torchvision_categories.txt": "".join(f"{c}\n" for c in cats)}, record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timm-wheel", required=True, type=Path)
    ap.add_argument("--torchvision-wheel", required=True, type=Path)
    ap.add_argument("--out", type=Path, default=prov.DATA, help="output folder (default: the package's data/)")
    ap.add_argument("--check", action="store_true", help="compare with the shipped files")
    args = ap.parse_args(argv)
    files, record = build(args.timm_wheel, args.torchvision_wheel, None)
    if args.check:
        same = all((args.out / n).is_file() and (args.out / n).read_bytes() == t.encode() for n, t in files.items())
        print(f"checkpoints: {'identical' if same else 'DIFFERS'}")
        return 0 if same else 1
    args.out.mkdir(parents=True, exist_ok=True)
    outputs = []
    for name, text in sorted(files.items()):
        data = text.encode("utf-8")
        (args.out / name).write_bytes(data)
        outputs.append(prov.output_record(prov.DATA / name, data, rows=text.count("\n") - (name.endswith(".tsv"))))
    record["outputs"] = outputs
    prov.write_json(PROV_OUT if args.out == prov.DATA else args.out / "build_checkpoints.json", record)
    print(f"wrote {', '.join(sorted(files))} to {args.out}: {record['summary']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
