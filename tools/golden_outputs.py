"""Golden outputs of the category-level commands and queries, to keep answers byte-identical.

Usage::

    uv run python tools/golden_outputs.py            # (re)write tests/data/golden/
    uv run python tools/golden_outputs.py --check    # compare, print a readable diff, exit 1 on change
    uv run python tools/golden_outputs.py --check --only 'diff '   # only cases whose key contains this

Every case is one CLI invocation (run in-process through ``imagenet_versions.__main__.main``:
stdout, stderr and exit status) or one Python query (its ``repr``/``to_dict()``/sorted
result as JSON). Cases cover every category-level command on every version (``list``,
``show``, ``survivors``, ``flags``), representative pairs for ``diff`` and ``label-map``
(every lineage edge in both directions, plus cross-family pairs and bad ids), a set of
wnids and lemmas for ``trace`` and ``subtree``, and the Python queries underneath
(flag sets, flags per wnid, WordNet facts, member classes, lineage sets), and the
commands that start from a model (``identify`` of every version's label list and class
count, ``checkpoint`` of every row, ``cite`` of every version).

Stored per case (``tests/data/golden/*.jsonl.gz``, one JSON object per line):
``key``, ``sha256`` and length (``chars``) of the exact raw output, and ``text``: its first
:data:`TEXT_CAP` characters with the lemmas of offensive- or derogatory-flagged synsets
replaced by ``<withheld:WNID>``, so that the files and a failing test's diff never spell
a slur. The test checks the sha256 (the whole raw output, byte for byte) and shows the
redacted diff of the stored text when it differs.

Other branches change some outputs on purpose (a ``"schema"`` key, withheld labels in
``survivors``/``trace``, new catalog versions). After merging: run with ``--check``,
review that only the intended changes appear, then run without ``--check`` to
regenerate. Queries are referred to by wnid here, never by an offensive lemma.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gzip
import hashlib
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GOLDEN = REPO / "tests" / "data" / "golden"

#: Cross-family pairs for diff and label-map, besides every edge in both directions.
CROSS_PAIRS = (
    ("imagenet-fall11", "imagenet-winter21"),
    ("imagenet-winter21", "imagenet-fall11"),
    ("imagenet-22k-goog", "ilsvrc2012"),
    ("ilsvrc2012", "imagenet-22k-goog"),
    ("imagenet-22k-ms", "imagenet-22k-goog"),
    ("imagenet-22k-goog", "imagenet-22k-ms"),
    ("imagenet-a", "imagenet-r"),
    ("imagenet-o", "imagenet-a"),
    ("imagenet-12k", "ilsvrc2012"),
    ("imagenet-21k-p-winter21", "imagenet-21k-p-fall11"),
    ("imagenet-winter21", "imagenet-12k"),
    ("imagenet-12k", "imagenet-22k-ms"),
    ("breeds-entity13", "breeds-living17"),
    ("breeds-living17", "breeds-nonliving26"),
    ("imagenet-9", "breeds-entity30"),
    ("breeds-entity30", "imagenet-a"),
    ("imagenet-r", "breeds-entity13"),
    ("tiny-imagenet", "mini-imagenet"),
    ("imagenette", "imagewoof"),
    ("imagenet-100", "imagenet-r"),
    ("imagenet-real", "imagenet-v2-matched-frequency"),
    ("imagenet-sketch", "imagenet-a"),
    ("imagenet-fall11", "imagenet-22k-ms"),
    ("imagenet-lt", "imagenet2012-subset-1pct"),
    ("imagenet-downsampled", "imagenet-face-blurred"),
    ("robustbench-imagenet-5k", "imagenet-c"),
    ("imagenet-9", "imagenet-9"),
    ("in1k", "ImageNet-R"),
    ("imagenet-10k", "ilsvrc2012"),
    ("ilsvrc2012", "imagenet-10k"),
    ("imagenet-21k", "ilsvrc2012"),
    ("no-such-version", "ilsvrc2012"),
)

#: Wnids traced and used as subtree roots (offensive ones only by wnid).
WNIDS = (
    "n10513938",  # removed in winter21 (used in the trace doctest)
    "n04399382",  # teddy bear: ILSVRC-2012 but not fall11
    "n01440764",  # tench
    "n02084071",  # dog: a BREEDS / ImageNet-9 superclass
    "n02085620",  # Chihuahua: relabelled by BREEDS
    "n00007846",  # person.n.01
    "n09827683",  # a person synset
    "n10300303",
    "n10401829",
    "n09624168",
    "n00001740",  # entity
    "n03584829",
    "n04254680",
    "n15075141",
    "n00000000",  # well-formed, not in WordNet
    "x123",
)
#: Lemmas traced: none of them offensive.
LEMMAS = ("dog", "teddy bear", "Great Dane", "person", "tench", "bank", "no such lemma at all")
SUBTREE_VERSIONS = (
    "imagenet-fall11",
    "imagenet-winter21",
    "ilsvrc2012",
    "imagenet-12k",
    "breeds-living17",
    "imagenet-9",
)
SUBTREE_ROOTS = ("n00007846", "n02084071", "n00001740", "n01440764", "dog", "n09624168", "person")


def _cli(argv: list[str]) -> str:
    from imagenet_versions.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return f"exit {code}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}"


def _dump(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False, sort_keys=False, default=repr) + "\n"


def _py(fn: Callable[[], Any]) -> str:
    from imagenet_versions.errors import Error

    try:
        return _dump(fn())
    except (Error, KeyError) as exc:
        return f"raised {type(exc).__name__}: {exc}\n"


def cli_cases() -> Iterator[tuple[str, str, Callable[[], str]]]:
    """(file, key, producer) for every CLI case."""
    import imagenet_versions as iv

    cat = iv.Catalog.default()
    vids = [v.id for v in cat]
    yield "cli", "list --json", lambda: _cli(["list", "--json"])
    yield "cli", "list", lambda: _cli(["list"])
    yield "cli", "flags --json", lambda: _cli(["flags", "--json"])
    yield "cli", "flags", lambda: _cli(["flags"])
    for v in vids:
        yield "show", f"show {v} --json", lambda v=v: _cli(["show", v, "--json"])
        yield "show", f"show {v}", lambda v=v: _cli(["show", v])
    for bad in ("in1k", "imagenet-21k", "no-such-version", ""):
        yield "show", f"show {bad!r} --json", lambda bad=bad: _cli(["show", bad, "--json"])
    for v in vids:
        yield "survivors", f"survivors {v} --json", lambda v=v: _cli(["survivors", v, "--json"])
        yield "survivors", f"survivors {v}", lambda v=v: _cli(["survivors", v])
    for flag in ("offensive", "sensitive", "safe", "not-imageable", "derogatory", "informal", "person", "nope"):
        for v in ("imagenet-fall11", "imagenet-winter21", "ilsvrc2012", "breeds-living17"):
            key = f"survivors {v} --flag {flag} --json"
            yield "survivors", key, lambda v=v, f=flag: _cli(["survivors", v, "--flag", f, "--json"])
    pairs = []
    for e in cat.edges:
        pairs += [(e.parent, e.child), (e.child, e.parent)]
    pairs += list(CROSS_PAIRS)
    pairs = list(dict.fromkeys(pairs))
    for a, b in pairs:
        yield "diff", f"diff {a} {b} --json", lambda a=a, b=b: _cli(["diff", a, b, "--json"])
        yield "label_map", f"label-map {a} {b} --json", lambda a=a, b=b: _cli(["label-map", a, b, "--json"])
    for a, b in CROSS_PAIRS[:8]:
        yield "diff", f"diff {a} {b}", lambda a=a, b=b: _cli(["diff", a, b])
        yield "label_map", f"label-map {a} {b}", lambda a=a, b=b: _cli(["label-map", a, b])
    for q in (*WNIDS, *LEMMAS):
        yield "trace", f"trace {q} --json", lambda q=q: _cli(["trace", q, "--json"])
        yield "trace", f"trace {q} --all --json", lambda q=q: _cli(["trace", q, "--all", "--json"])
        yield "trace", f"trace {q} --verbose", lambda q=q: _cli(["trace", q, "--verbose"])
    for r in SUBTREE_ROOTS:
        for v in SUBTREE_VERSIONS:
            yield "subtree", f"subtree {r} {v} --json", lambda r=r, v=v: _cli(["subtree", r, v, "--json"])
        yield "subtree", f"subtree {r} imagenet-fall11", lambda r=r: _cli(["subtree", r, "imagenet-fall11"])


def py_cases() -> Iterator[tuple[str, str, Callable[[], str]]]:
    """(file, key, producer) for the Python queries under the commands."""
    import importlib

    import imagenet_versions as iv
    from imagenet_versions import audit

    lineage = importlib.import_module("imagenet_versions.lineage")  # iv.lineage is a function
    cat = iv.Catalog.default()
    vids = [v.id for v in cat]
    for v in vids:
        yield "py", f"categories({v})", lambda v=v: _py(lambda: list(iv.categories(v)))
        yield "py", f"member_classes({v})", lambda v=v: _py(lambda: audit.member_classes(v))
        yield "py", f"ancestors({v})", lambda v=v: _py(lambda: sorted(lineage.ancestors(v)))
        yield "py", f"descendants({v})", lambda v=v: _py(lambda: sorted(lineage.descendants(v)))
        yield "py", f"repr(survivors({v}))", lambda v=v: _py(lambda: repr(iv.survivors(v)))
    yield "py", "verify()", lambda: _py(lambda: [str(m) for m in iv.verify()])
    yield "py", "unsafe_versions()", lambda: _py(lambda: sorted(iv.unsafe_versions()))
    yield "py", "unsafe_versions(person)", lambda: _py(lambda: sorted(iv.unsafe_versions(["person"])))
    for a, b in CROSS_PAIRS:
        yield "py", f"repr(diff({a}, {b}))", lambda a=a, b=b: _py(lambda: repr(iv.diff(a, b)))
        yield "py", f"repr(label_map({a}, {b}))", lambda a=a, b=b: _py(lambda: repr(iv.label_map(a, b)))
    for w in WNIDS:
        yield "py", f"repr(trace({w}))", lambda w=w: _py(lambda: repr(iv.trace(w)))
    yield from flag_cases()
    yield from wordnet_cases()


def flag_cases() -> Iterator[tuple[str, str, Callable[[], str]]]:
    """(file, key, producer) for the flag queries."""
    from imagenet_versions import flags, wordnet

    for f in ("offensive", "sensitive", "safe", "not-imageable", "derogatory", "informal", "person", "nope"):
        yield "flags", f"flagged({f})", lambda f=f: _py(lambda: sorted(flags.flagged(f)))
    yield "flags", "withheld_labels()", lambda: _py(lambda: sorted(flags.withheld_labels()))
    yield "flags", "flagged_any()", lambda: _py(lambda: sorted(flags.flagged_any()))
    yield "flags", "flag_sources()", lambda: _py(lambda: [repr(s) for s in flags.flag_sources()])

    def every_flag() -> dict[str, Any]:
        out: dict[str, Any] = {}
        for w in sorted(wordnet.snapshot_wnids()):
            ev = flags.flags_for(w)
            if ev:
                out[w] = {f: repr(e) for f, e in ev.items()}
        return out

    yield "flags", "flags_for(every snapshot wnid)", lambda: _py(every_flag)
    for w in (*WNIDS, "n09827683"):
        yield "flags", f"flags_for({w})", lambda w=w: _py(lambda: {f: repr(e) for f, e in flags.flags_for(w).items()})


def wordnet_cases() -> Iterator[tuple[str, str, Callable[[], str]]]:
    """(file, key, producer) for the WordNet snapshot queries."""
    from imagenet_versions import wordnet

    def snapshot_facts() -> dict[str, Any]:
        return {w: repr(wordnet.synset(w)) for w in sorted(wordnet.snapshot_wnids())}

    yield "wordnet", "synset(every snapshot wnid)", lambda: _py(snapshot_facts)
    for code in wordnet.LISTS:
        yield "wordnet", f"listed({code})", lambda c=code: _py(lambda: sorted(wordnet.listed(c)))
    yield "wordnet", "person_subtree()", lambda: _py(lambda: sorted(wordnet.person_subtree()))
    yield (
        "wordnet",
        "person_subtree(instances, root)",
        lambda: _py(lambda: sorted(wordnet.person_subtree(instances=True, root=True))),
    )
    for w in WNIDS:
        yield "wordnet", f"ancestors({w})", lambda w=w: _py(lambda: sorted(wordnet.ancestors(w)))
        yield "wordnet", f"descendants({w})", lambda w=w: _py(lambda: sorted(wordnet.descendants(w)))
        yield "wordnet", f"children({w})", lambda w=w: _py(lambda: list(wordnet.children(w)))
    for lemma in LEMMAS:
        yield "wordnet", f"lookup({lemma})", lambda q=lemma: _py(lambda: [s.wnid for s in wordnet.lookup(q)])


def model_cases() -> Iterator[tuple[str, str, Callable[[], str]]]:
    """(file, key, producer) for identify, checkpoint and cite (the commands that start
    from a model): every version's default label list and class count, every checkpoint
    row, every version's citation."""
    import imagenet_versions as iv
    from imagenet_versions.orders import label_order

    cat = iv.Catalog.default()
    counts = sorted({n for v in cat if (n := v.num_categories) is not None} | {0, 1, 1001, 21843, 99999})
    for n in counts:
        yield "models", f"identify --count {n} --json", lambda n=n: _cli(["identify", "--count", str(n), "--json"])
    for v in cat:
        if cat.has_categories(v.id):
            wnids = list(label_order(v.id).wnids)
            yield "models", f"identify(labels of {v.id})", lambda w=wnids: _py(lambda: iv.identify(w).to_dict())
    names = list(iv.checkpoints())
    for name in names:
        yield "models", f"checkpoint {name} --json", lambda n=name: _cli(["checkpoint", n, "--json"])
    yield "models", "checkpoint --list --all --json", lambda: _cli(["checkpoint", "--list", "--all", "--json"])
    yield "models", "checkpoint no-such-model --json", lambda: _cli(["checkpoint", "no-such-model", "--json"])
    for v in cat:
        for fmt in ("text", "bibtex", "cff"):
            yield "models", f"cite {v.id} --format {fmt}", lambda v=v.id, f=fmt: _cli(["cite", v, "--format", f])
        yield "models", f"cite {v.id} --json", lambda v=v.id: _cli(["cite", v, "--json"])


def all_cases() -> Iterator[tuple[str, str, Callable[[], str]]]:
    yield from cli_cases()
    yield from py_cases()
    yield from model_cases()


# ------------------------------------------------------------------ redaction


def _redactor() -> Callable[[str], str]:
    """Replace each lemma of an offensive- or derogatory-flagged synset by ``<withheld:WNID>``.

    Built from the shipped data (the safety labels and the WordNet snapshot), so the
    golden files never spell those labels. Longer lemmas are replaced first.
    """
    from imagenet_versions import flags, wordnet

    hidden = flags.flagged("offensive") | flags.flagged("derogatory")
    forms: dict[str, str] = {}
    for w in sorted(hidden):
        s = wordnet.synset(w)
        for lemma in s.lemmas:
            for form in {lemma, lemma.replace("_", " ")}:
                forms.setdefault(form, w)
    # lemma-level usage markers may sit on synsets that carry no flag of their own
    for w in sorted(wordnet.snapshot_wnids()):
        s = wordnet.synset(w)
        for lemma, dom in s.lemma_usage_domains:
            if dom in flags.DEROGATORY_DOMAINS:
                for form in {lemma, lemma.replace("_", " ")}:
                    forms.setdefault(form, w)
    pattern = re.compile(r"(?<![\w-])" + _trie_regex(forms) + r"(?![\w-])")
    return lambda text: pattern.sub(lambda m: f"<withheld:{forms[m.group(0)]}>", text)


def _trie_regex(words: Iterable[str]) -> str:
    """One regex matching any of ``words``, longest first, shaped as a trie (fast in ``re``)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + build(trie) + ")"


# ------------------------------------------------------------------ files


def _path(name: str) -> Path:
    return GOLDEN / f"{name}.jsonl.gz"


def read_golden() -> dict[str, dict[str, Any]]:
    """``{key: {"file", "key", "sha256", "chars", "text"}}`` from every golden file."""
    out: dict[str, dict[str, Any]] = {}
    for p in sorted(GOLDEN.glob("*.jsonl.gz")):
        with gzip.open(p, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                out[rec["key"]] = {"file": p.name, **rec}
    return out


def _gzip(text: str) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return buf.getvalue()


#: At most this many characters of each (redacted) output are stored for readable diffs;
#: the sha256 always covers the whole raw output.
TEXT_CAP = 64_000


def compute(only: str | None = None, *, verbose: bool = False) -> dict[str, tuple[str, str, str]]:
    """``{key: (file, sha256 of the raw output, raw output)}`` for the current code."""
    out: dict[str, tuple[str, str, str]] = {}
    for name, key, produce in all_cases():
        if only is not None and only not in key:
            continue
        if key in out:
            continue
        t = time.perf_counter()
        raw = produce()
        if verbose:
            print(f"{time.perf_counter() - t:7.3f} s  {key}", file=sys.stderr)
        out[key] = (name, hashlib.sha256(raw.encode("utf-8")).hexdigest(), raw)
    return out


def _stored(text: str, redact: Callable[[str], str]) -> str:
    return redact(text)[:TEXT_CAP]


def write(results: dict[str, tuple[str, str, str]]) -> None:
    redact = _redactor()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.jsonl.gz"):
        old.unlink()
    files: dict[str, list[str]] = {}
    for key, (name, sha, raw) in results.items():
        rec = {"key": key, "sha256": sha, "chars": len(raw), "text": _stored(raw, redact)}
        files.setdefault(name, []).append(json.dumps(rec, ensure_ascii=False) + "\n")
    for name, lines in files.items():
        _path(name).write_bytes(_gzip("".join(lines)))


def compare(
    results: dict[str, tuple[str, str, str]], golden: dict[str, dict[str, Any]], *, max_lines: int = 40
) -> list[str]:
    """One readable report per changed or new case (empty when all match)."""
    reports = []
    redact: Callable[[str], str] | None = None
    for key, (_name, sha, raw) in results.items():
        want = golden.get(key)
        if want is None:
            reports.append(f"NEW case {key!r} (not in the golden files)")
            continue
        if want["sha256"] == sha:
            continue
        redact = redact or _redactor()
        text = _stored(raw, redact)
        if want["text"] == text:
            reports.append(
                f"CHANGED {key!r} ({want['file']}): the stored (redacted, first {TEXT_CAP:,} characters) "
                f"text is identical; the change is inside a withheld label or further on "
                f"({want['chars']:,} -> {len(raw):,} characters)"
            )
            continue
        lines = list(
            difflib.unified_diff(want["text"].splitlines(), text.splitlines(), "golden", "now", lineterm="", n=2)
        )
        shown = lines[:max_lines]
        more = f"\n  ... {len(lines) - max_lines} more diff lines" if len(lines) > max_lines else ""
        reports.append(f"CHANGED {key!r} ({want['file']}):\n  " + "\n  ".join(shown) + more)
    return reports


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with tests/data/golden/ instead of writing")
    ap.add_argument("--verbose", action="store_true", help="print each case's time on stderr")
    ap.add_argument("--only", metavar="TEXT", help="only cases whose key contains TEXT (with --check)")
    args = ap.parse_args(argv)
    if args.only and not args.check:
        ap.error("--only needs --check (writing always regenerates every case)")
    results = compute(args.only, verbose=args.verbose)
    if args.check:
        golden = read_golden()
        reports = compare(results, golden)
        if not args.only:
            reports += [
                f"MISSING case {k!r} (in the golden files, no longer produced)" for k in golden if k not in results
            ]
        for r in reports:
            print(r)
        print(f"{len(results)} cases checked, {len(reports)} differ")
        return 1 if reports else 0
    write(results)
    sizes = ", ".join(f"{p.name} {p.stat().st_size:,} B" for p in sorted(GOLDEN.glob("*.jsonl.gz")))
    print(f"wrote {len(results)} cases: {sizes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
