"""Generate a SYNTHETIC fall11 / winter21 manifest pair at full scale.

THE IMAGE IDS AND COUNTS PRODUCED HERE ARE SYNTHETIC. No public per-image list
of fall11 or winter21 exists under our size limits, so the benchmark uses
real-looking ids (``nXXXXXXXX_N.JPEG``) drawn from a seeded distribution:

- class names: the real fall11 list (21,841 wnids) and the reconstructed
  winter21 list (19,167 wnids), as the package ships them
  (``imagenet_versions/data/categories/``); they are read only as class-name input;
- images per class: seeded log-normal counts (kept classes around 620 per
  class, removed person classes around 390), scaled so that fall11 has
  14,197,122 images and winter21 about 13.15 million;
- image numbers: increasing with random gaps, written in the lexicographic
  order a tar listing has (``n.._10026`` before ``n.._1003``);
- winter21 = fall11 minus the 2,674 removed classes, plus seeded noise in the
  kept classes: 60 classes lose 5 % of their images, 40 classes gain new
  images, 1,000 images change label.

Writes ``benchmarks/_work/fall11.txt`` and ``winter21.txt`` (``<file> <wnid>``
per line) and ``removed_classes.txt``; ``_work/`` is git-ignored.

Usage: ``uv run python benchmarks/make_synthetic.py [--seed 2021] [--scale 1.0]``
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
CATEGORIES = HERE.parent / "imagenet_versions" / "data" / "categories"
FALL11 = CATEGORIES / "imagenet-fall11.txt"
WINTER21 = CATEGORIES / "imagenet-winter21.txt"
FALL11_IMAGES = 14_197_122  # published fall11 size (image-net.org)


def lexicographic(nums: np.ndarray) -> np.ndarray:
    """Order of the decimal strings of ``nums`` (all < 10**7), as a tar listing sorts."""
    s = nums.astype(str)
    return np.argsort(s, kind="stable")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    fall11 = FALL11.read_text().split()
    winter21 = set(WINTER21.read_text().split())
    assert len(fall11) == 21_841
    assert len(winter21) == 19_167
    removed = np.array([w not in winter21 for w in fall11])
    # per-class counts: log-normal, smaller for the removed person classes
    counts = np.where(
        removed,
        rng.lognormal(np.log(330), 0.6, len(fall11)),
        rng.lognormal(np.log(560), 0.5, len(fall11)),
    )
    counts = np.clip(counts, 1, 3000)
    counts = np.maximum(1, np.round(counts * FALL11_IMAGES * args.scale / counts.sum()))
    counts = counts.astype(np.int64)
    counts[np.argmax(counts)] += int(FALL11_IMAGES * args.scale) - int(counts.sum())
    WORK.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    kept_idx = np.flatnonzero(~removed)
    shrink = set(rng.choice(kept_idx, 60, replace=False).tolist())
    grow = set(rng.choice(kept_idx, 40, replace=False).tolist())
    n_relabel = 1000
    relabel_cls = rng.choice(kept_idx, n_relabel, replace=True)
    relabel_at: dict[int, int] = {}
    for c in relabel_cls.tolist():
        relabel_at[c] = relabel_at.get(c, 0) + 1
    totals = {"fall11": 0, "winter21": 0}
    with open(WORK / "fall11.txt", "w") as fa, open(WORK / "winter21.txt", "w") as fb:
        for c, wnid in enumerate(fall11):
            n = int(counts[c])
            nums = np.cumsum(rng.integers(1, 4, n))
            nums = nums[lexicographic(nums)]
            lines_a = [f"{wnid}_{k}.JPEG {wnid}\n" for k in nums.tolist()]
            fa.writelines(lines_a)
            totals["fall11"] += n
            if removed[c]:
                continue
            lines_b = lines_a
            if c in shrink:
                keep = rng.random(n) >= 0.05
                lines_b = [ln for ln, k in zip(lines_a, keep.tolist(), strict=True) if k]
            if c in grow:
                extra = int(nums.max()) + np.cumsum(rng.integers(1, 4, max(1, n // 20)))
                lines_b = lines_b + [f"{wnid}_{k}.JPEG {wnid}\n" for k in extra.tolist()]
            if c in relabel_at:
                lines_b = list(lines_b)
                other = fall11[int(rng.choice(kept_idx))]
                for j in rng.choice(len(lines_b), min(relabel_at[c], len(lines_b)), replace=False).tolist():
                    lines_b[j] = lines_b[j].split(" ")[0] + f" {other}\n"
            fb.writelines(lines_b)
            totals["winter21"] += len(lines_b)
    (WORK / "removed_classes.txt").write_text("\n".join(w for w, r in zip(fall11, removed, strict=True) if r) + "\n")
    meta = {
        "synthetic": True,
        "seed": args.seed,
        "scale": args.scale,
        "fall11_images": totals["fall11"],
        "winter21_images": totals["winter21"],
        "fall11_classes": len(fall11),
        "winter21_classes": int((~removed).sum()),
        "removed_classes": int(removed.sum()),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (WORK / "synthetic.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
