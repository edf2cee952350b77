#!/usr/bin/env python3
"""Cold import time of ``imagenet_versions`` and the first query, against what a user would
otherwise import or compute.

Each measurement is a fresh interpreter (``python -c``), repeated; the median is reported.
Compared in the same run:

- ``import imagenet_versions`` (reads nothing, imports neither networkx, nltk nor requests);
- ``import networkx`` and ``import nltk`` (for scale: what a user's own script would pay);
- first ``iv.diff("imagenet-fall11", "imagenet-winter21")`` in a fresh process, against the same
  category difference with plain Python sets over the shipped text files (no explanation).

Usage: ``uv run python benchmarks/bench_import.py [--repeat N]``; writes its section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _results import git_rev, write_section

DATA = Path(__file__).resolve().parent.parent / "imagenet_versions" / "data" / "categories"

CASES = {
    "python -c pass (interpreter start-up)": "pass",
    "import imagenet_versions": "import imagenet_versions",
    "import networkx": "import networkx",
    "import nltk": "import nltk",
    "iv.diff(fall11, winter21), first call": (
        "import imagenet_versions as iv; d = iv.diff('imagenet-fall11', 'imagenet-winter21'); "
        "assert len(d.categories.removed) == 2674"
    ),
    "same diff with Python sets over the text files": (
        f"a = set(open({str(DATA / 'imagenet-fall11.txt')!r}).read().split()); "
        f"b = set(open({str(DATA / 'imagenet-winter21.txt')!r}).read().split()); "
        "assert len(a - b) == 2674"
    ),
}


def measure(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    res = {name: measure(code, args.repeat) for name, code in CASES.items()}
    base = res["python -c pass (interpreter start-up)"]
    rows = ["| what (fresh process) | median wall time | minus interpreter start-up |", "|---|---:|---:|"]
    for name, t in res.items():
        rows.append(f"| {name} | {t * 1000:.0f} ms | {(t - base) * 1000:.0f} ms |")
    iv_t = res["import imagenet_versions"] - base
    nx_t = res["import networkx"] - base
    body = (
        "## Cold import and first query "
        f"(`benchmarks/bench_import.py`, commit {git_rev()}, median of {args.repeat})\n\n"
        + "\n".join(rows)
        + f"\n\n`import imagenet_versions` costs {iv_t / nx_t:.2f}x an `import networkx`; "
        "networkx is imported on the first graph query, nltk and requests only by the features that need them."
    )
    write_section("bench_import", body)
    print(body)


if __name__ == "__main__":
    main()
