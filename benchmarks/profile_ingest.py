#!/usr/bin/env python3
"""Where the time of ingesting a 14.2 M-line list goes, beside DuckDB's reader on the same file.

Issue 10 asks for ingest at >= 1.0x DuckDB's CSV reader, or a profile showing why the
remaining gap is not where it could be closed. This script measures, on the SYNTHETIC
fall11 list of ``make_synthetic.py``:

1. one 4 MiB chunk (about 143,000 lines) parsed single-threaded, repeated, with the time
   of each stage of the vectorised parser (line ends, field split, id encoding and its
   gathers, label check, per-chunk sort);
2. the whole file: wall time of ``ingest_text``, the summed parse time of its chunks
   on the two worker threads, and what remains (reading the memory map, gathering the
   results, the class table), in fresh processes alternating with DuckDB's
   ``read_csv`` of the same file (imports outside the timed region for both).

Usage: ``uv run python benchmarks/make_synthetic.py && uv run --group bench python benchmarks/profile_ingest.py``
Writes the ``profile_ingest`` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from _results import git_rev, write_section  # noqa: E402

LIST = HERE / "_work" / "fall11.txt"

#: the parser's stages, timed by wrapping the module's functions (nested ones count in both)
STAGES = ("_line_ends", "_split_fields", "_fast_ids", "_fast_stems", "_swar8", "_explicit_labels", "_settle_slow")


def chunk_profile(repeat: int) -> dict[str, Any]:
    import mmap

    import numpy as np

    from imagenet_versions.manifests import _text as T

    with open(LIST, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        end = mm.rfind(b"\n", 0, T._CHUNK) + 1
        buf = np.array(np.frombuffer(mm, np.uint8, count=end + 32, offset=0))  # a copy: the map can close
    spent: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def inner(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

        return inner

    originals = {name: getattr(T, name) for name in STAGES}
    argsort = T.np.argsort
    try:
        for name, fn in originals.items():
            setattr(T, name, timed(name, fn))
        T.np.argsort = timed("argsort (per-chunk sort)", argsort)
        T._parse_chunk(buf, end, None, None, None, lambda: None)  # warm up
        spent.clear()
        t = time.perf_counter()
        for _ in range(repeat):
            out = T._parse_chunk(buf, end, None, None, None, lambda: None)
        total = (time.perf_counter() - t) / repeat
    finally:
        for name, fn in originals.items():
            setattr(T, name, fn)
        T.np.argsort = argsort
    return {"lines": out[2], "total": total, "stages": {k: v / repeat for k, v in spent.items()}}


def run_ours() -> dict[str, Any]:
    import threading

    from imagenet_versions.manifests import _text as T

    parse = T._parse_chunk
    lock = threading.Lock()
    acc = {"parse": 0.0, "chunks": 0}

    def counted(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return parse(*a, **k)
        finally:
            with lock:
                acc["parse"] += time.perf_counter() - t
                acc["chunks"] += 1

    T._parse_chunk = counted
    t0, c0 = time.perf_counter(), time.process_time()
    T.ingest_text(LIST, progress=False)
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, **acc}


def run_duckdb() -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute(
        f"CREATE TABLE a AS SELECT * FROM read_csv('{LIST}', delim=' ', header=false, "
        "columns={'id': 'VARCHAR', 'label': 'VARCHAR'})"
    )
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=20, help="parses of the one chunk")
    ap.add_argument("--step", choices=("ours", "duckdb"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        print(json.dumps(run_ours() if args.step == "ours" else run_duckdb()))
        return
    if not LIST.exists():
        msg = "run benchmarks/make_synthetic.py first"
        raise SystemExit(msg)
    chunk = chunk_profile(args.repeat)
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "duckdb": []}
    for _ in range(args.rounds):
        for who in ("ours", "duckdb"):
            out = subprocess.run(
                [sys.executable, __file__, "--step", who], capture_output=True, text=True, check=True
            ).stdout
            runs[who].append(json.loads(out.strip().splitlines()[-1]))

    def med(who: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[who])

    ours_wall, duck_wall = med("ours", "wall"), med("duckdb", "wall")
    parse_sum, chunks = med("ours", "parse"), int(med("ours", "chunks"))
    per_chunk_threaded = parse_sum / chunks
    rows = [
        f"| {name} | {t * 1000:.2f} ms | {t / chunk['total'] * 100:.0f} % |"
        for name, t in sorted(chunk["stages"].items(), key=lambda kv: -kv[1])
    ]
    body = [
        f"## Ingest profile (`benchmarks/profile_ingest.py`, commit {git_rev()})",
        "",
        f"The SYNTHETIC fall11 list (14,197,122 lines, {LIST.stat().st_size / 1e6:.0f} MB), "
        f"medians of {args.rounds} fresh processes alternating with DuckDB; imports outside the timed region for both.",
        "",
        "| | wall | CPU (both threads) |",
        "|---|---:|---:|",
        f"| `ingest_text` (ours) | {ours_wall:.2f} s | {med('ours', 'cpu'):.2f} s |",
        f"| DuckDB `read_csv` into a table | {duck_wall:.2f} s | {med('duckdb', 'cpu'):.2f} s |",
        f"| ours / DuckDB | {duck_wall / ours_wall:.2f}x speed | |",
        "",
        f"Of our wall time, the {chunks} chunks take {parse_sum:.2f} s of parse time summed over the two "
        f"worker threads ({parse_sum / 2:.2f} s if perfectly parallel, {parse_sum / 2 / ours_wall * 100:.0f} % of "
        f"the wall time); the rest ({ours_wall - parse_sum / 2:.2f} s) is mapping the file, gathering each "
        f"chunk's arrays in order, the boundary repair and the class table. A chunk takes "
        f"{per_chunk_threaded * 1000:.1f} ms on a worker while the other worker runs, against "
        f"{chunk['total'] * 1000:.1f} ms alone:",
        "",
        f"One 4 MiB chunk ({chunk['lines']:,} lines), parsed alone, {args.repeat} times "
        "(nested stages count in their callers too):",
        "",
        "| stage | per chunk | share |",
        "|---|---:|---:|",
        *rows,
        f"| whole chunk | {chunk['total'] * 1000:.2f} ms | 100 % |",
        "",
        "Reading the table: the chunk's parse is a few dozen whole-array numpy passes "
        "(compares, gathers of 8-byte windows at each line's id and label, SWAR digit "
        "arithmetic), so its cost grows with the number of passes times the lines; "
        "DuckDB's C++ reader goes over each byte once. The remaining gap is therefore in "
        "our parser, by its design, not in the file system or the interpreter: closing it "
        "would take a compiled parser (a C extension or numba), which the package's "
        "dependency rules (networkx, nltk, attrs, requests, platformdirs, numpy) leave "
        "out. Within numpy: one pass finds every control byte, the usual "
        "`nXXXXXXXX_N.JPEG <wnid>` line is settled by speculation with no per-line "
        "Python, digits are parsed eight at a time in place, each class's wnid once per "
        "run of its images, and the chunks run on both cores.",
    ]
    text = "\n".join(body)
    write_section("profile_ingest", text)
    print(text)


if __name__ == "__main__":
    main()
