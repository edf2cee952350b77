#!/usr/bin/env python3
"""Build time and size of the reference site (``iv.site.build``), against what a user
would otherwise reach for to get the same class facts: one ``iv.trace()`` per class.

Each build is a fresh interpreter (``python -c``) writing to a new temporary folder,
repeated; the median is reported with the size (bytes of all files, and disk usage)
and the budget of issue 13 (at most 60 MB, at most 30 s on this machine).

The comparison: the site computes every class's trace across the family in one pass
(``site._facts.family_facts`` then ``Family.trace`` per wnid). The alternative is
``iv.trace(wnid)`` for each of the ~22 K classes; it is timed on a seeded sample and
scaled to the whole union (it is too slow to run for all).

Usage: ``uv run python benchmarks/bench_site.py [--repeat N] [--sample N]``; writes its
section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _results import git_rev, write_section

cpus: list[float] = []  # CPU seconds (user + system) of each build process
loads: list[float] = []  # 1-minute load average before each build: the machine is shared

BUILD = "import json, sys, imagenet_versions as iv; r = iv.site.build(sys.argv[1]); print(json.dumps(r.to_dict()))"


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def build_once() -> tuple[float, dict[str, object], int]:
    loads.append(os.getloadavg()[0])
    cpu0 = _cpu()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        out = Path(tmp) / "site"
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", BUILD, str(out)], check=True, capture_output=True, text=True)
        wall = time.perf_counter() - t
        cpus.append(_cpu() - cpu0)
        du = subprocess.run(["du", "-sk", str(out)], check=True, capture_output=True, text=True)
        return wall, json.loads(r.stdout), int(du.stdout.split()[0]) * 1024


def traces(sample: int) -> tuple[float, float, int]:
    """(seconds for all classes in one pass, seconds per iv.trace() call, number of classes)."""
    import imagenet_versions as iv
    from imagenet_versions.catalog import Catalog
    from imagenet_versions.site._facts import family_facts

    t = time.perf_counter()
    fam = family_facts(Catalog.default())
    for w in fam.union:
        fam.trace(w)
    one_pass = time.perf_counter() - t
    wnids = random.Random(13).sample(fam.union, sample)
    iv.trace(wnids[0])  # warm: the catalog and lists are read once in either case
    t = time.perf_counter()
    for w in wnids:
        iv.trace(w)
    per_call = (time.perf_counter() - t) / len(wnids)
    return one_pass, per_call, len(fam.union)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", type=int, default=30)
    args = ap.parse_args()
    runs = [build_once() for _ in range(args.repeat)]
    wall = statistics.median(r[0] for r in runs)
    doc: dict[str, Any] = runs[0][1]
    disk = runs[0][2]
    inside = statistics.median(float(r[1]["seconds"]) for r in runs)  # type: ignore[arg-type]
    one_pass, per_call, n = traces(args.sample)
    rows = [
        "| what | measured | budget (issue 13) |",
        "|---|---:|---:|",
        f"| `iv.site.build(out)` in a fresh process, median wall time | {wall:.1f} s | 30 s |",
        f"| of which inside `build()` (its own report) | {inside:.1f} s | |",
        f"| CPU time of the build process (user + system), median | {statistics.median(cpus):.1f} s | |",
        f"| site size (bytes of all {int(doc['files']):,} files) | {int(doc['bytes']) / 1e6:.1f} MB | 60 MB |",
        f"| disk usage (`du -sk`, 4 KiB blocks) | {disk / 1e6:.1f} MB | |",
        f"| pages | {doc['version_pages']} versions, {int(doc['class_pages']):,} classes | |",
        f"| class traces, the site's one pass over all {n:,} classes | {one_pass:.2f} s | |",
        f"| class traces, one `iv.trace()` per class (sample of {args.sample}, scaled) | {per_call * n:.0f} s | |",
    ]
    body = (
        f"## Reference site (`benchmarks/bench_site.py`, commit {git_rev()}, median of {args.repeat} builds)\n\n"
        + "\n".join(rows)
        + f"\n\nThe one-pass traces are {per_call * n / one_pass:.0f}x faster than calling `iv.trace()` per class "
        f"({per_call * 1000:.0f} ms a call). The machine is shared: wall times include waiting for the CPU "
        "and the file system (the site is ~22 K files); the 1-minute load average before the builds was "
        + ", ".join(f"{x:.1f}" for x in loads)
        + f" on {os.cpu_count()} cores."
    )
    write_section("bench_site", body)
    print(body)


if __name__ == "__main__":
    main()
