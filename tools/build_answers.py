"""Build imagenet_versions/data/answers/ from the shipped WordNet snapshot: the facts
category queries need, computed once at build time so the runtime reads answers.

Usage::

    uv run python tools/build_answers.py [--check]

Inputs: ``imagenet_versions/data/wordnet_snapshot.tsv.gz`` (built by
``tools/build_wordnet.py`` from WordNet 3.0), ``imagenet_versions/data/person_safety.tsv``
(built by ``tools/build_flags.py``; only its wnids are used) and the flag rules of ``imagenet_versions.flags``
(``DEROGATORY_DOMAINS``, ``INFORMAL_DOMAINS``, ``DEROGATORY_GLOSS``), recorded verbatim.

Outputs (block tables: sorted rows in zlib blocks, see ``imagenet_versions/_blocks.py``):

- ``answers/synsets.blocks``: the snapshot rows, keyed by wnid (one synset is read by
  decompressing one block of 128 rows, not 30,458 rows);
- ``answers/lemmas.blocks``: ``lemma<TAB>wnid;...``, every lemma folded as
  ``imagenet_versions.wordnet.lookup`` folds it (case, spaces, underscores), with its
  synsets in snapshot order;
- ``answers/children.blocks``: ``wnid<TAB>child;...``, children in ImageNet's is-a graph;
- ``answers/flagged.blocks``: ``wnid<TAB>first lemma<TAB>person path`` for every wnid a
  shipped source flags (Yang et al. 2020, derogatory, informal, person): what a survivor
  report needs, the path being the shortest hyponym path from n00007846
  (``imagenet_versions.flags.shortest_person_path``);

and ``answers/sets.tsv`` (``name<TAB>wnid;...``): the wnids flagged ``derogatory`` and
``informal`` by the WordNet usage markers and gloss rule, the person subtree below
n00007846 (hyponym links; and with instance links too). ``--check`` rebuilds in memory
and fails unless every output is byte-identical. Provenance:
``imagenet_versions/data/provenance/build_answers.json``.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _provenance as prov

from imagenet_versions import _blocks, _data
from imagenet_versions import flags as fl
from imagenet_versions import wordnet as wn

SNAPSHOT = prov.DATA / "wordnet_snapshot.tsv.gz"
SAFETY = prov.DATA / "person_safety.tsv"
OUT_DIR = prov.DATA / "answers"
PROV_OUT = prov.PROVENANCE / "build_answers.json"


def _walk(start: Sequence[str], step: Mapping[str, Sequence[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        w = stack.pop()
        if w not in seen:
            seen.add(w)
            stack.extend(step.get(w, ()))
    return seen


def build() -> tuple[dict[str, bytes], dict[str, Any]]:
    """``({file name: bytes}, provenance record)``."""
    raw = _data.read_bytes("wordnet_snapshot.tsv.gz")  # checked against build_wordnet.json
    text = gzip.decompress(raw).decode("utf-8")
    header, *rows = text.rstrip("\n").split("\n")
    if tuple(header.split("\t")) != wn.SNAPSHOT_COLUMNS:
        msg = f"unexpected snapshot header: {header!r}"
        raise SystemExit(msg)
    # the same parse and indexes (children, hyponyms, instance hyponyms, folded lemmas)
    # that the library's full-snapshot reader builds
    snap = wn._snapshot()
    synsets = list(snap.synsets.values())
    if [s.wnid for s in synsets] != sorted(s.wnid for s in synsets):
        msg = "the snapshot is not sorted by wnid"
        raise SystemExit(msg)
    kids, hypo, inst, lemmas = snap.children, snap.hyponyms, snap.instance_hyponyms, snap.by_lemma
    for key in lemmas:
        if "\t" in key or "\n" in key:
            msg = f"lemma with a tab or newline: {key!r}"
            raise SystemExit(msg)
    person = _walk(hypo.get(wn.PERSON, ()), hypo)
    both = {k: hypo.get(k, ()) + inst.get(k, ()) for k in {*hypo, *inst}}
    person_all = _walk(both.get(wn.PERSON, ()), both)
    flagged: dict[str, set[str]] = {"derogatory": set(), "informal": set()}
    for s in synsets:
        for flag in fl._wordnet(s):
            flagged[flag].add(s.wnid)
    sets = {
        "derogatory": flagged["derogatory"],
        "informal": flagged["informal"],
        "person": person,
        "person+instances": person_all,
    }
    by_id = {s.wnid: s for s in synsets}
    safety_raw = _data.read_bytes("person_safety.tsv")  # checked against build_flags.json
    yang = {line.split("\t", 1)[0] for line in safety_raw.decode("utf-8").splitlines()[1:]}
    facts = []
    for w in sorted(yang | flagged["derogatory"] | flagged["informal"] | person):
        path = fl.shortest_person_path(w, lambda x: by_id[x].hypernyms) if w in person else ()
        if w in person and not path:
            msg = f"no hyponym path from {wn.PERSON} to {w}"
            raise SystemExit(msg)
        facts.append(f"{w}\t{by_id[w].lemmas[0]}\t{';'.join(path)}")
    files = {
        "synsets.blocks": _blocks.encode(rows),
        "lemmas.blocks": _blocks.encode(f"{k}\t{';'.join(v)}" for k, v in sorted(lemmas.items())),
        "children.blocks": _blocks.encode(f"{k}\t{';'.join(v)}" for k, v in sorted(kids.items())),
        "flagged.blocks": _blocks.encode(facts),
        "sets.tsv": "".join(f"{k}\t{';'.join(sorted(v))}\n" for k, v in sets.items()).encode("utf-8"),
    }
    record = {
        "tool": "tools/build_answers.py",
        "description": (
            "build-time answers for category queries: the WordNet snapshot in block tables "
            "(by wnid, by folded lemma, children in the is-a graph) and the derogatory / "
            "informal / person sets, so the runtime reads rows instead of parsing the snapshot"
        ),
        "inputs": [
            {
                "path": SNAPSHOT.relative_to(prov.REPO).as_posix(),
                "sha256": prov.sha256_bytes(raw),
                "bytes": len(raw),
                "origin": "built by tools/build_wordnet.py from WordNet 3.0 (see build_wordnet.json)",
            },
            {
                "path": SAFETY.relative_to(prov.REPO).as_posix(),
                "sha256": prov.sha256_bytes(safety_raw),
                "bytes": len(safety_raw),
                "origin": "built by tools/build_flags.py from Yang et al. 2020 (see build_flags.json)",
            },
        ],
        "rules": {
            "DEROGATORY_DOMAINS": sorted(fl.DEROGATORY_DOMAINS),
            "INFORMAL_DOMAINS": sorted(fl.INFORMAL_DOMAINS),
            "DEROGATORY_GLOSS": list(fl.DEROGATORY_GLOSS),
            "person": f"below {wn.PERSON} by hyponym links (person+instances: and instance-hyponym links)",
        },
        "summary": {
            "synsets": len(rows),
            "lemmas": len(lemmas),
            "with_children": len(kids),
            "flagged_facts": len(facts),
            **{k: len(v) for k, v in sets.items()},
        },
    }
    return files, record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the shipped files")
    args = ap.parse_args(argv)
    files, record = build()
    if args.check:
        bad = [n for n, data in files.items() if not (OUT_DIR / n).is_file() or (OUT_DIR / n).read_bytes() != data]
        for n in files:
            print(f"{(OUT_DIR / n).relative_to(prov.REPO)}: {'DIFFERS' if n in bad else 'identical'}")
        return 1 if bad else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    outputs = []
    for name, data in files.items():
        path = OUT_DIR / name
        path.write_bytes(data)
        rows = data.count(b"\n") if name.endswith(".tsv") else int(record["summary"]["synsets"])
        if name == "lemmas.blocks":
            rows = int(record["summary"]["lemmas"])
        elif name == "children.blocks":
            rows = int(record["summary"]["with_children"])
        elif name == "flagged.blocks":
            rows = int(record["summary"]["flagged_facts"])
        outputs.append(prov.output_record(path, data, rows=rows))
        print(f"wrote {path.relative_to(prov.REPO)}: {len(data):,} bytes")
    record["outputs"] = outputs
    prov.write_json(PROV_OUT, record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
