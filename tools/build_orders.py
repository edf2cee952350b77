"""Build the label orders under imagenet_versions/data/orders/ from the mirror.

Usage::

    uv run python tools/build_orders.py [--sources DIR] [--check]

A version's categories are a set; a model head's outputs are an *order* of them.
Orders that follow from a rule (sorted wnids, as torchvision's ``ImageFolder``
makes them; the order of the version's shipped category list; a background class
at index 0) are computed at run time and only declared here. Orders that are
data are written as files, one wnid a line:

- ``ilsvrc2012__devkit.txt``: the ILSVRC CLS-LOC devkit order, from
  ``map_clsloc.txt`` of the ILSVRC2015 CLS-LOC devkit as published by Chrabaszcz
  et al. 2017 (1-based ids 1..1000). The ILSVRC-2012 devkit's ``meta.mat``
  (``ILSVRC2012_ID``) is not in the mirror, so its equality with this order is not
  checked here; the record says so.
- ``imagenet-fall11__swin.txt``: a *reconstruction* of the 21,841-output head of
  Microsoft's Swin-Transformer code: Google's 21,843 sorted list with the slots of
  the two image-less ids (9205 and 15027) given to the last two classes, as the
  comment in Swin's ``data/imagenet22k_dataset.py`` says ("map 21841->9205;
  21842->15027"). Cross-checked against Swin's ``map22kto1k.txt`` (999 of 1,000
  indices agree; the odd one is teddy bear, absent from fall11).

``index.json`` names, for each version that has more than the generic orders, its
orders, its default order and each order's source (with the sha256 of every file).
Provenance: ``imagenet_versions/data/provenance/build_orders.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _provenance as prov

OUT = prov.DATA / "orders"
PROV_OUT = prov.PROVENANCE / "build_orders.json"

CLSLOC = ("downsampled-imagenet/map_clsloc.txt", "1dd44b44b70cbdb05781d3b49851bfa25a82486f47b2957a29eac1f98da4441d")
IN1K = ("ilsvrc2012/imagenet_synsets.txt", "70002b0ff5de60a3a17a82dbfcff291931f96225ddf941ad2e182fc39e183d15")
GOOG = (
    "imagenet-22k-goog/imagenet21k_goog_synsets.txt",
    "66362bdedf36d933382edca5493fc562dcc17128ce36403c9e730a75f48cb2f2",
)
FALL11 = ("imagenet-fall11/imagenet22k_synsets.txt", "0ae24538751973797b29d8dec412b2bdc61bc4ec3ecd081eba0735804236bbd2")
MS = ("imagenet-22k-ms/imagenet22k_ms_synsets.txt", "f2c7ac47500e1d1d70432d3cb2e2b2187c6880125439832bf4b4038f716ca278")
_EV = "audit-evidence/focalnet-21842-head/"
SWIN_DATASET = (
    _EV + "swin_data_imagenet22k_dataset.py",
    "b529159f2b6814cb5b697272b78761572a68ef31267d37fb5d19729820e27356",
)
SWIN_MAP = (_EV + "swin_map22kto1k.txt", "4fff66d6f337db6dd0b41d1b6c863e617f9400d37892df630eecfcfa50131aab")
FOCALNET = (
    _EV + "focalnet_labelmap_22k_reorder.txt",
    "cbc4dc1dbf9d43fb95e6feb000b2d6ab4413b897372d93a2be1d49b284dfa2a3",
)
TINY = ("tiny-imagenet/nbdt_TinyImagenet200.txt", "a36eb4b603007f1985cdfbfc5987166a2710b3c6f0f6d3e29636fc129bba527b")
CMC = ("imagenet-100-cmc/imagenet100.txt", "79f3f1552ccc478ce24bd934b4573625db584ddc1f4643ae23c994a94cb11397")

IMAGEFOLDER = "sorted wnids: torchvision's ImageFolder sorts the class folders (named by wnid) and numbers them from 0"


def _wnids(text: str) -> list[str]:
    out = text.split()
    if not all(re.fullmatch(r"n\d{8}", w) for w in out) or len(set(out)) != len(out):
        msg = "a wnid list holds something other than distinct wnids"
        raise SystemExit(msg)
    return out


def _devkit(src: prov.Sources) -> list[str]:
    rows = [line.split() for line in src.text(*CLSLOC).splitlines() if line.strip()]
    if [int(r[1]) for r in rows] != list(range(1, 1001)):
        msg = "map_clsloc.txt: ids are not 1..1000 in file order"
        raise SystemExit(msg)
    order = [r[0] for r in rows]
    if sorted(order) != _wnids(src.text(*IN1K)):
        msg = "map_clsloc.txt: not the 1,000 ILSVRC-2012 classes"
        raise SystemExit(msg)
    return order


def _swin(src: prov.Sources) -> tuple[list[str], dict[str, object]]:
    goog = _wnids(src.text(*GOOG))
    comment = re.search(r"map (\d+)->(\d+); (\d+)->(\d+)", src.text(*SWIN_DATASET))
    if comment is None:
        msg = "swin imagenet22k_dataset.py: the 'map 21841->9205; 21842->15027' comment is gone"
        raise SystemExit(msg)
    a_from, a_to, b_from, b_to = (int(x) for x in comment.groups())
    order = goog[:21841]
    order[a_to], order[b_to] = goog[a_from], goog[b_from]
    if sorted(order) != _wnids(src.text(*FALL11)):
        msg = "reconstructed swin order is not a permutation of fall11"
        raise SystemExit(msg)
    one = _wnids(src.text(*IN1K))
    swin_map = [int(x) for x in src.text(*SWIN_MAP).split()]
    pos = {w: i for i, w in enumerate(order)}
    agree = sum(pos.get(w) == swin_map[i] for i, w in enumerate(one))
    odd = [w for i, w in enumerate(one) if pos.get(w) != swin_map[i]]
    if agree != 999 or odd != ["n04399382"]:
        msg = f"swin map22kto1k cross-check failed: {agree} agree, odd {odd}"
        raise SystemExit(msg)
    check = {
        "swin_map22kto1k_agree": agree,
        "swin_map22kto1k_disagree": odd,
        "slots_moved": {str(a_from): a_to, str(b_from): b_to},
        "differs_from_sorted_fall11_at": sum(1 for a, b in zip(order, sorted(order), strict=True) if a != b),
    }
    return order, check


def _focalnet_check(src: prov.Sources) -> dict[str, object]:
    ms = _wnids(src.text(*MS))
    rows = [line.split("\t") for line in src.text(*FOCALNET).splitlines() if line.strip()]
    at = {int(i): w for w, i in rows}
    if any(ms[i] != w for i, w in at.items()) or set(range(len(ms))) - set(at) != {850}:
        msg = "focalnet labelmap_22k_reorder.txt does not match timm's imagenet22k_ms_synsets.txt"
        raise SystemExit(msg)
    return {
        "focalnet_indices_agreeing_with_timm_ms": len(at),
        "focalnet_index_without_class": 850,
        "timm_ms_850": ms[850],
    }


def _file(name: str, order: list[str]) -> tuple[str, str]:
    return name, "".join(f"{w}\n" for w in order)


def build(sources: Path) -> tuple[dict[str, str], dict[str, object]]:
    src = prov.Sources(sources)
    devkit = _devkit(src)
    swin, swin_check = _swin(src)
    focal = _focalnet_check(src)
    tiny, cmc = _wnids(src.text(*TINY)), _wnids(src.text(*CMC))
    files = dict([_file("ilsvrc2012__devkit.txt", devkit), _file("imagenet-fall11__swin.txt", swin)])
    sha = {n: prov.sha256_bytes(t.encode("utf-8")) for n, t in files.items()}
    index = {
        "_doc": (
            "Label orders per version (keys are version ids or aliases). kind: sorted (rule), listed (the order of the version's shipped "
            "category list), file (orders/<file>, sha256 given), offset (a base order after `offset` "
            "non-class outputs named `background`). Versions not listed have the generic orders "
            "`listed` (default) and `sorted`. Orders with the same sequence as an earlier one are shown once."
        ),
        "versions": {
            "ilsvrc2012": {
                "default": "sorted",
                "orders": {
                    "sorted": {
                        "kind": "sorted",
                        "status": "published",
                        "source": IMAGEFOLDER
                        + "; timm imagenet_synsets.txt, TFDS, datadings and ImageNetV2 use the same order",
                    },
                    "devkit": {
                        "kind": "file",
                        "file": "ilsvrc2012__devkit.txt",
                        "sha256": sha["ilsvrc2012__devkit.txt"],
                        "status": "published",
                        "source": "ILSVRC2015 CLS-LOC devkit map_clsloc.txt (ids 1..1000 -> indices 0..999), "
                        "github:PatrykChrabaszcz/Imagenet32_Scripts@108b12098cdd; the ILSVRC-2012 devkit meta.mat "
                        "(ILSVRC2012_ID) is not in the mirror, so its equality with this order is not verified",
                    },
                    "tf-slim": {
                        "kind": "offset",
                        "base": "sorted",
                        "offset": 1,
                        "background": "background",
                        "status": "published",
                        "source": "TF-slim 1,001-output heads: a background class at index 0, then the sorted 1K "
                        "order; github:tensorflow/models@a697a43cab6f research/slim/datasets/imagenet.py: "
                        "_NUM_CLASSES = 1001, 'We assign each synset (in alphabetical order) an integer, starting "
                        "from 1 (since 0 is reserved for the background class)' (cited, not mirrored)",
                    },
                },
            },
            "imagenet-fall11": {
                "default": "sorted",
                "orders": {
                    "sorted": {
                        "kind": "sorted",
                        "status": "published",
                        "source": IMAGEFOLDER
                        + "; timm imagenet22k_synsets.txt ('as in fall11.tar'), the order timm gives every 21,841-output head",
                    },
                    "swin": {
                        "kind": "file",
                        "file": "imagenet-fall11__swin.txt",
                        "sha256": sha["imagenet-fall11__swin.txt"],
                        "status": "reconstructed",
                        "source": "reconstruction of Swin-Transformer's 21,841-output head: Google's 21,843 sorted list "
                        "with slots 9205 and 15027 (the two image-less ids) given to its last two classes, per "
                        "github:microsoft/Swin-Transformer@f82860bfb522 data/imagenet22k_dataset.py line 21; "
                        "agrees with Swin's map22kto1k.txt on 999 of 1,000 indices (the 1,000th is teddy bear, "
                        "absent from fall11)",
                    },
                },
            },
            "imagenet-22k-ms": {
                "default": "focalnet",
                "orders": {
                    "focalnet": {
                        "kind": "listed",
                        "status": "published",
                        "source": "FocalNet labelmap_22k_reorder.txt (github:microsoft/FocalNet@e8514bdcfe1e): the 1K "
                        "classes first in ILSVRC-2012 order, then the rest of fall11; its map leaves index 850 (teddy "
                        "bear, absent from fall11) without a class; timm imagenet22k_ms_synsets.txt puts n04399382 there",
                    },
                    "sorted": {"kind": "sorted", "status": "computed", "source": IMAGEFOLDER},
                },
            },
            "imagenet-22k-goog": {
                "default": "google",
                "orders": {
                    "google": {
                        "kind": "listed",
                        "status": "published",
                        "source": "Google's 21,843 sorted list (BiT/ViT in21k heads; timm imagenet21k_goog_synsets.txt)",
                    },
                },
            },
            "tiny-imagenet": {
                "default": "wnids-txt",
                "orders": {
                    "wnids-txt": {
                        "kind": "listed",
                        "status": "published",
                        "source": "the file order of tiny-imagenet-200/wnids.txt (nbdt copy)",
                    },
                    "sorted": {"kind": "sorted", "status": "computed", "source": IMAGEFOLDER},
                },
            },
            "imagenet-100-cmc": {
                "default": "cmc",
                "orders": {
                    "cmc": {
                        "kind": "listed",
                        "status": "published",
                        "source": "the file order of CMC's imagenet100.txt (github:HobbitLong/CMC@7b227be0b10e)",
                    },
                    "sorted": {
                        "kind": "sorted",
                        "status": "computed",
                        "source": IMAGEFOLDER,
                    },
                },
            },
            "imagenet-downsampled": {
                "default": "devkit",
                "orders": {
                    "devkit": {
                        "kind": "listed",
                        "status": "published",
                        "source": "map_clsloc.txt order of Chrabaszcz et al. 2017 (1-based labels; TFDS subtracts 1)",
                    },
                    "sorted": {"kind": "sorted", "status": "computed", "source": IMAGEFOLDER},
                },
            },
        },
    }
    index_text = json.dumps(index, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    files["index.json"] = index_text
    record = {
        "tool": "tools/build_orders.py",
        "description": "label orders that are data (devkit, reconstructed Swin 22k) and the per-version order index",
        "inputs": src.used,
        "summary": {
            "devkit_differs_from_sorted_at": sum(1 for a, b in zip(devkit, sorted(devkit), strict=True) if a != b),
            "swin": swin_check,
            "focalnet": focal,
            "tiny_wnids_txt_is_sorted": tiny == sorted(tiny),
            "cmc_list_is_sorted": cmc == sorted(cmc),
        },
    }
    return files, record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", default=str(prov.default_sources()))
    ap.add_argument("--out", default=str(OUT), help="output folder (default: the package's data/orders)")
    ap.add_argument("--check", action="store_true", help="compare with the shipped files")
    args = ap.parse_args(argv)
    files, record = build(Path(args.sources))
    out = Path(args.out)
    if args.check:
        same = all((out / n).is_file() and (out / n).read_bytes() == t.encode("utf-8") for n, t in files.items())
        print(f"data/orders: {'identical' if same else 'DIFFERS'}")
        return 0 if same else 1
    out.mkdir(parents=True, exist_ok=True)
    outputs = []
    for name, text in sorted(files.items()):
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        rec = prov.output_record(OUT / name, data, rows=text.count("\n"))
        outputs.append(rec)
    record["outputs"] = outputs
    prov.write_json(PROV_OUT if out == OUT else out / "build_orders.json", record)
    print(f"wrote {len(files)} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
