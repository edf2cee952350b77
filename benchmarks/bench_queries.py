#!/usr/bin/env python3
"""Category queries: fresh-process CLI commands, first and warm answers, whole-catalog loops,
peak memory; against Python sets over the shipped text files, in the same run.

Measured (medians, bytecode compiled first; each CLI run is a fresh
``python -m imagenet_versions`` process, its peak RSS read with ``os.wait4``):

- every category-level command, with ``python -c pass`` beside it and, where one exists,
  the same answer computed with plain Python sets over the shipped text files (no
  explanations, no evidence, no withholding: a lower bound a user would reach for);
- ``import imagenet_versions`` and the first and the warm (second) answer of each query,
  timed inside a fresh process;
- every ordered category diff between the versions with known categories, and
  ``survivors`` of every such version, in one process.

Usage: ``uv run python benchmarks/bench_queries.py [--repeat N]``; writes its section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _results import git_rev, write_section

DATA = Path(__file__).resolve().parent.parent / "imagenet_versions" / "data"
CATS = DATA / "categories"

#: (label, argv of the command, Python-sets equivalent or None)
COMMANDS: tuple[tuple[str, list[str], str | None], ...] = (
    (
        "list",
        ["list", "--json"],
        "import pathlib; "
        f"print(sum(len(set(p.read_text().split())) for p in pathlib.Path({str(CATS)!r}).glob('*.txt')))",
    ),
    (
        "show ilsvrc2012",
        ["show", "ilsvrc2012", "--json"],
        f"print(len(open({str(CATS / 'ilsvrc2012.txt')!r}).read().split()))",
    ),
    (
        "diff fall11 winter21",
        ["diff", "imagenet-fall11", "imagenet-winter21", "--json"],
        f"a = set(open({str(CATS / 'imagenet-fall11.txt')!r}).read().split()); "
        f"b = set(open({str(CATS / 'imagenet-winter21.txt')!r}).read().split()); print(len(a - b), len(b - a))",
    ),
    (
        "label-map 22k-goog ilsvrc2012",
        ["label-map", "imagenet-22k-goog", "ilsvrc2012", "--json"],
        f"a = open({str(CATS / 'imagenet-22k-goog.txt')!r}).read().split(); "
        f"b = {{w: j for j, w in enumerate(open({str(CATS / 'ilsvrc2012.txt')!r}).read().split())}}; "
        "print(sum(b.get(w) is not None for w in a))",
    ),
    (
        "survivors imagenet-12k",
        ["survivors", "imagenet-12k", "--json"],
        f"c = set(open({str(CATS / 'imagenet-12k.txt')!r}).read().split()); "
        f"rows = [l.split('\\t') for l in open({str(DATA / 'person_safety.tsv')!r}).read().splitlines()[1:]]; "
        "print(len({r[0] for r in rows if r[1] in ('offensive', 'sensitive')} & c))",
    ),
    (
        "trace n10513938",
        ["trace", "n10513938", "--json"],
        f"import pathlib; print([p.stem for p in sorted(pathlib.Path({str(CATS)!r}).glob('*.txt')) "
        "if 'n10513938' in set(p.read_text().split())])",
    ),
    ("subtree n00007846 imagenet-winter21", ["subtree", "n00007846", "imagenet-winter21", "--json"], None),
    ("flags", ["flags", "--json"], None),
    (
        "identify <ILSVRC-2012 label list>",
        ["identify", str(CATS / "ilsvrc2012.txt"), "--json"],
        f"import pathlib; mine = open({str(CATS / 'ilsvrc2012.txt')!r}).read().split(); "
        f"print([p.stem for p in sorted(pathlib.Path({str(CATS)!r}).glob('*.txt')) if p.read_text().split() == mine])",
    ),
    ("checkpoint resnet50.a1_in1k", ["checkpoint", "resnet50.a1_in1k", "--json"], None),
    ("cite ilsvrc2012", ["cite", "ilsvrc2012", "--json"], None),
)

#: (label, setup, first query): timed in a fresh process after import
QUERIES = (
    ("iv.diff(fall11, winter21)", "iv.diff('imagenet-fall11', 'imagenet-winter21')"),
    ("iv.label_map(22k-goog, ilsvrc2012)", "iv.label_map('imagenet-22k-goog', 'ilsvrc2012')"),
    ("iv.survivors(imagenet-12k)", "iv.survivors('imagenet-12k')"),
    ("iv.trace(n10513938)", "iv.trace('n10513938')"),
    ("iv.subtree(n00007846, winter21)", "iv.subtree('n00007846', 'imagenet-winter21')"),
    ("iv.categories(ilsvrc2012)", "iv.categories('ilsvrc2012')"),
    ("iv.flagged('offensive')", "iv.flagged('offensive')"),
    ("iv.identify(<ILSVRC-2012 label list>)", f"iv.identify(open({str(CATS / 'ilsvrc2012.txt')!r}).read().split())"),
    ("iv.checkpoint('resnet50.a1_in1k')", "iv.checkpoint('resnet50.a1_in1k')"),
    ("iv.cite('ilsvrc2012')", "iv.cite('ilsvrc2012')"),
)

INSIDE = """
import json, sys, time
t0 = time.perf_counter()
import imagenet_versions as iv
t1 = time.perf_counter()
out = {"import": t1 - t0}
q = sys.argv[1]
if q:
    t = time.perf_counter(); eval(q); out["first"] = time.perf_counter() - t
    t = time.perf_counter(); eval(q); out["warm"] = time.perf_counter() - t
print(json.dumps(out))
"""

LOOPS = """
import json, time
t0 = time.perf_counter()
import imagenet_versions as iv
cat = iv.Catalog.default()
ids = [v.id for v in cat if cat.has_categories(v.id)]
t1 = time.perf_counter()
n = 0
for a in ids:
    for b in ids:
        if a != b:
            iv.diff(a, b); n += 1
t2 = time.perf_counter()
for v in ids:
    iv.survivors(v)
t3 = time.perf_counter()
for a in ids:
    for b in ids:
        if a != b:
            iv.diff(a, b)
t4 = time.perf_counter()
for v in ids:
    iv.survivors(v)
t5 = time.perf_counter()
print(json.dumps({"versions": len(ids), "diffs": n, "load": t1 - t0, "all_diffs": t2 - t1,
                  "all_survivors": t3 - t2, "all_diffs_again": t4 - t3, "all_survivors_again": t5 - t4}))
"""

SETS_LOOP = f"""
import json, pathlib, time
t0 = time.perf_counter()
lists = {{p.stem: set(p.read_text().split()) for p in pathlib.Path({str(CATS)!r}).glob('*.txt')}}
t1 = time.perf_counter()
n = 0
for a in lists:
    for b in lists:
        if a != b:
            lists[a] - lists[b]; lists[b] - lists[a]; lists[a] & lists[b]; n += 1
t2 = time.perf_counter()
print(json.dumps({{"lists": len(lists), "diffs": n, "load": t1 - t0, "all_diffs": t2 - t1}}))
"""


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak RSS (KB) of one fresh process (with ``env``: a baseline, run from
    its own folder, since ``python -m`` puts the working folder first on ``sys.path``)."""
    cwd = env["PYTHONPATH"] if env is not None else None
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        msg = f"{argv} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        raise SystemExit(msg)
    return wall, usage.ru_maxrss


def median_run(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> tuple[float, int]:
    runs = [run(argv, env) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def inside(query: str, repeat: int) -> dict[str, float]:
    docs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", INSIDE, query], capture_output=True, text=True, check=True).stdout
        docs.append(json.loads(out))
    return {k: statistics.median(d[k] for d in docs) for k in docs[0]}


def import_breakdown(repeat: int) -> dict[str, float]:
    """Median ``-X importtime`` shares of ``import imagenet_versions``: the package's own
    modules (self time), attrs and importlib.resources (cumulative), and the rest."""
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import imagenet_versions"],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        ours = attrs_t = res_t = total = 0.0
        for line in err.splitlines():
            if not line.startswith("import time:") or "|" not in line or "self" in line:
                continue
            self_us, cum_us, name = line.replace("import time:", "").split("|", 2)
            mod = name.strip()
            depth = len(name) - len(name.lstrip())
            if mod.startswith("imagenet_versions"):
                ours += float(self_us)
            if mod == "imagenet_versions":
                total = float(cum_us)
            if mod == "attrs" and depth <= 5:
                attrs_t = max(attrs_t, float(cum_us))
            if mod == "importlib.resources" and depth <= 5:
                res_t = max(res_t, float(cum_us))
        runs.append({"total": total, "ours": ours, "attrs": attrs_t, "importlib.resources": res_t})
    return {k: statistics.median(r[k] for r in runs) / 1e6 for k in runs[0]}


def site_packages() -> list[str]:
    """The folders the package's dependencies are imported from."""
    import site
    import sysconfig

    found = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    return sorted(p for p in found if Path(p).is_dir())


def ms(t: float) -> str:
    return f"{t * 1000:.0f} ms" if t >= 0.01 else f"{t * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument(
        "--baseline",
        metavar="DIR",
        help="also time each command with the package in DIR (e.g. `git archive <commit> imagenet_versions`)",
    )
    ap.add_argument("--baseline-name", default="before", help="the baseline's column heading")
    args = ap.parse_args()
    base_env = None
    if args.baseline:
        base_env = {**os.environ, "PYTHONPATH": args.baseline}
        subprocess.run([sys.executable, "-m", "compileall", "-q", args.baseline], check=True)
    py = sys.executable
    # bytecode compiled first, as an installed package and its dependencies are (pip
    # compiles at install; uv only with --compile-bytecode, and PYTHONDONTWRITEBYTECODE
    # stops Python caching it later: then attrs alone is compiled again in every process)
    subprocess.run([py, "-m", "compileall", "-q", str(DATA.parent)], check=True)
    subprocess.run([py, "-m", "compileall", "-q", "-j", "0", *site_packages()], check=True)
    load_before = os.getloadavg()
    base, base_rss = median_run([py, "-c", "pass"], args.repeat)

    cli_rows = []
    verdicts = []
    worst_rss = 0
    for label, argv, sets_code in COMMANDS:
        wall, rss = median_run([py, "-m", "imagenet_versions", *argv], args.repeat)
        worst_rss = max(worst_rss, rss)
        if sets_code is not None:
            sets_wall, _ = median_run([py, "-c", sets_code], args.repeat)
            ratio = f"{sets_wall * 1000:.0f} ms | {wall / sets_wall:.1f}x"
        else:
            ratio = "- | -"
        before = ""
        if base_env is not None:
            b_wall, b_rss = median_run([py, "-m", "imagenet_versions", *argv], args.repeat, base_env)
            before = f" {ms(b_wall)}, {b_rss / 1024:.0f} MB | {b_wall / wall:.1f}x |"
        cli_rows.append(
            f"| `{' '.join(argv)}` | {ms(wall)} | {ms(wall - base)} | {rss / 1024:.0f} MB | {ratio} |{before}"
        )
        verdicts.append((f"`{label}` <= 150 ms (fresh process, median)", wall <= 0.150, ms(wall)))
        verdicts.append((f"`{label}` peak RSS <= 80 MB", rss <= 80 * 1024, f"{rss / 1024:.0f} MB"))

    q_rows = []
    imports = []
    for label, code in QUERIES:
        r = inside(code, args.repeat)
        imports.append(r["import"])
        q_rows.append(f"| `{label}` | {ms(r['first'])} | {ms(r['warm'])} |")
        verdicts.append((f"first `{label}` after import <= 50 ms", r["first"] <= 0.050, ms(r["first"])))
        verdicts.append((f"warm `{label}` <= 5 ms", r["warm"] <= 0.005, ms(r["warm"])))
    imp = statistics.median(imports)
    verdicts.append(("`import imagenet_versions` <= 100 ms", imp <= 0.100, ms(imp)))
    parts = import_breakdown(args.repeat)

    loops = json.loads(subprocess.run([py, "-c", LOOPS], capture_output=True, text=True, check=True).stdout)
    sets_loop = json.loads(subprocess.run([py, "-c", SETS_LOOP], capture_output=True, text=True, check=True).stdout)
    verdicts.append(
        (
            f"all {loops['diffs']:,} ordered category diffs <= 2 s",
            loops["all_diffs"] <= 2,
            f"{loops['all_diffs']:.2f} s",
        )
    )
    verdicts.append(
        (
            f"survivors of all {loops['versions']} versions <= 0.2 s",
            loops["all_survivors"] <= 0.2,
            f"{loops['all_survivors']:.2f} s",
        )
    )
    load_after = os.getloadavg()

    body = [
        f"## Category queries (`benchmarks/bench_queries.py`, commit {git_rev()}, median of {args.repeat})",
        "",
        f"Load average before/after the run: {load_before[0]:.2f} / {load_after[0]:.2f} "
        f"(this machine is shared; `python -c pass` took {ms(base)}, peak RSS {base_rss / 1024:.0f} MB).",
        "",
        "### CLI, each run a fresh process",
        "",
        "| command | wall | minus `python -c pass` | peak RSS | Python sets over the text files | ratio |"
        + (f" {args.baseline_name}: wall, peak RSS | speed-up |" if base_env else ""),
        "|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if base_env else ""),
        *cli_rows,
        "",
        "The sets column computes only the bare answer (counts or ids) from the shipped text files; "
        "the command also resolves aliases, explains each difference by the operations on the "
        "lineage path, attaches evidence to each flag and prints the whole JSON document.",
        "",
        "### Python, inside a fresh process",
        "",
        f"`import imagenet_versions`: {ms(imp)} (median over the runs below). Under `-X importtime` "
        f"(which adds its own overhead): {ms(parts['total'])} in all, of which attrs {ms(parts['attrs'])}, "
        f"importlib.resources {ms(parts['importlib.resources'])}, the package's own modules "
        f"{ms(parts['ours'])} (self time); every command pays this, and the catalog load, before it starts.",
        "",
        "| query | first answer after import | warm (second) answer |",
        "|---|---:|---:|",
        *q_rows,
        "",
        "### Whole catalog, one process",
        "",
        f"- catalog load and the list of the {loops['versions']} versions with known categories: "
        f"{ms(loops['load'])} (includes the import)",
        f"- all {loops['diffs']:,} ordered category diffs: {loops['all_diffs']:.2f} s "
        f"({loops['all_diffs'] / loops['diffs'] * 1000:.2f} ms each; again, warm: {loops['all_diffs_again']:.2f} s); "
        f"explanations are built when first read, so this is the diff itself",
        f"- Python sets, all {sets_loop['diffs']:,} ordered pairs of the {sets_loop['lists']} shipped text lists "
        f"(a - b, b - a, a & b): {sets_loop['all_diffs']:.2f} s after {ms(sets_loop['load'])} of reading; "
        f"per pair ours/sets = "
        f"{(loops['all_diffs'] / loops['diffs']) / (sets_loop['all_diffs'] / sets_loop['diffs']):.1f}x",
        f"- survivors of every version: {loops['all_survivors']:.2f} s "
        f"(again, warm: {loops['all_survivors_again']:.2f} s)",
        "",
        "### Targets (issue 10)",
        "",
        *[f"- {'met' if ok else 'NOT met'}: {what}: {got}" for what, ok, got in verdicts],
    ]
    text = "\n".join(body)
    write_section("bench_queries", text)
    print(text)


if __name__ == "__main__":
    main()
