"""Build imagenet_versions/data/wordnet_snapshot.tsv.gz from WordNet 3.0 (through NLTK).

Usage::

    uv run python tools/build_wordnet.py [--sources DIR] [--wordnet DIR] [--check]

``--sources`` is a local mirror of the upstream public files (default
``$IMAGENET_VERSIONS_SOURCES`` or ``../shared/data/sources``); every input is checked
against the sha256 pinned below. ``--wordnet`` is a WordNet 3.0 dict folder (default:
what ``imagenet_versions.wordnet.full_wordnet`` finds: NLTK data, ``$WNSEARCHDIR``,
``/usr/share/wordnet``). ``--check`` rebuilds in memory and fails unless the result
is byte-identical to the shipped snapshot (nothing is written).

Which synsets
    every wnid of the fall11, Google 21k, Microsoft 22k and ILSVRC-2012 label lists,
    the ImageNet-9 superclasses, the BREEDS superclass nodes that are WordNet ids
    (BREEDS' artificial ``dummyNN`` nodes are skipped), the Yang et al. 2020 safety and
    imageability CSVs; plus all their ancestors in ImageNet's is-a graph
    (``wordnet.is_a.txt``) and through WordNet hypernym and instance-hypernym links;
    plus the whole WordNet person subtree below n00007846 (hyponym and
    instance-hyponym links) and, again, all ancestors of what that adds.

Output (see ``imagenet_versions.wordnet.SNAPSHOT_COLUMNS``)
    one tab-separated line per synset, sorted by wnid, under a header line; UTF-8,
    gzip level 9 with mtime 0 and no file name, so a rebuild is byte-identical. The
    provenance record goes to ``imagenet_versions/data/provenance/build_wordnet.json``.

Queries read the snapshot through the build-time answers of ``tools/build_answers.py``:
after a rebuild that changes the snapshot, run it too (``tests/test_answers.py`` fails
until the answers match).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _provenance as prov
import attrs

from imagenet_versions import wordnet as iw

OUT = prov.DATA / "wordnet_snapshot.tsv.gz"
PROV_OUT = prov.PROVENANCE / "build_wordnet.json"

#: (list code, path in the mirror, pinned sha256, how to read wnids)
LISTS = (
    ("fall11", "imagenet-fall11/imagenet22k_synsets.txt",
     "0ae24538751973797b29d8dec412b2bdc61bc4ec3ecd081eba0735804236bbd2", "lines"),
    ("goog21k", "imagenet-22k-goog/imagenet21k_goog_synsets.txt",
     "66362bdedf36d933382edca5493fc562dcc17128ce36403c9e730a75f48cb2f2", "lines"),
    ("ms22k", "imagenet-22k-ms/imagenet22k_ms_synsets.txt",
     "f2c7ac47500e1d1d70432d3cb2e2b2187c6880125439832bf4b4038f716ca278", "lines"),
    ("ilsvrc2012", "ilsvrc2012/imagenet_synsets.txt",
     "70002b0ff5de60a3a17a82dbfcff291931f96225ddf941ad2e182fc39e183d15", "lines"),
    ("in9", "imagenet-9-backgrounds/in9_classes.txt",
     "3fba913f1b7d60204437d1e12b8c2a30c68d7c8f4a697f154ecc4a3db9c00c16", "second"),
    ("breeds", "breeds/modified_class_hierarchy.txt",
     "039cfaddf9732855b93f7899ba4b5ba6d80f8dbe15cfaad566f575b6c8ce0216", "edges"),
    ("yang2020", "imagenet-winter21/synsets_safety.csv",
     "f984013df469a7dae9266a92c5aa7f23afa65363b5a94c7bc5ed9fb67861e452", "csv"),
    ("yang2020", "imagenet-winter21/imageability_scores.csv",
     "3ac70be4db3f87063d860c228ba1caf885e97f80d5adde0ad67a1492a35f21e4", "csv"),
)  # fmt: skip
IS_A = (
    "wordnet-hierarchy/wordnet.is_a.txt",
    "ff7206572ae989d1de8acbd6cbd921854fefd32dcdcb50eab11b81e797e28cd1",
)


def read_wnids(text: str, how: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if how == "lines":
        return [ln.strip() for ln in lines]
    if how == "second":
        return [ln.split()[1] for ln in lines]
    if how == "csv":
        return [ln.split(",", 1)[0] for ln in lines[1:]]
    if how == "edges":
        # BREEDS modified hierarchy: every node that is a WordNet id (dummyNN skipped)
        return sorted({w for ln in lines for w in ln.split() if iw._WNID.fullmatch(w)})
    raise ValueError(how)


def corpus(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    """Open WordNet 3.0 and describe where it came from."""
    import nltk

    if args.wordnet:
        kind, root = "dir", Path(args.wordnet)
    else:
        kind, root = iw.find_corpus()
    wn = iw.open_corpus(root)
    info: dict[str, Any] = {
        "kind": kind,
        "nltk_version": nltk.__version__,
        "version": wn.get_version(),
    }
    if isinstance(root, Path):
        info["dir"] = str(root)
        files = []
        for name in (*iw._REQUIRED, "lexnames"):
            path = root / name
            if not path.is_file():
                continue
            rec = {"name": name, "sha256": prov.sha256_file(path), "bytes": path.stat().st_size}
            pkg = prov.debian_package(path)
            if pkg:
                rec.update(pkg)
            files.append(rec)
        info["files"] = files
        if not (root / "lexnames").is_file():
            info["lexnames"] = (
                "absent from the folder (Debian does not ship it); the 45 WordNet 3.0 "
                "names of imagenet_versions.wordnet.WORDNET30_LEXNAMES were used"
            )
        pkgs = sorted({(f["package"], f["version"]) for f in files if "package" in f})
        info["debian_packages"] = [{"package": p, "version": v} for p, v in pkgs]
        if pkgs:
            info["origin"] = (
                "Princeton WordNet 3.0 (https://wordnet.princeton.edu/), as packaged by "
                "Debian: " + ", ".join(f"{p} {v}" for p, v in pkgs)
            )
    else:  # an NLTK path pointer (folder or zip)
        info["nltk_resource"] = str(root)
        info["origin"] = "NLTK data package 'wordnet' (Princeton WordNet 3.0)"
        path = Path(getattr(root, "path", "") or str(root))
        zip_path = getattr(root, "zipfile", None)
        if zip_path is not None:
            zpath = Path(zip_path.filename)
            info["zip"] = str(zpath)
            info["zip_sha256"] = prov.sha256_file(zpath)
        elif path.is_dir():
            info["dir"] = str(path)
            info["files"] = [
                {
                    "name": n,
                    "sha256": prov.sha256_file(path / n),
                    "bytes": (path / n).stat().st_size,
                }
                for n in (*iw._REQUIRED, "lexnames")
                if (path / n).is_file()
            ]
    return wn, info


def build(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:  # noqa: C901  (one linear build recipe)
    src = prov.Sources(Path(args.sources))
    lists: dict[str, set[str]] = defaultdict(set)
    for code, rel, sha, how in LISTS:
        lists[code].update(read_wnids(src.text(rel, sha), how))
    parents: dict[str, set[str]] = defaultdict(set)
    for line in src.text(*IS_A).splitlines():
        if line.strip():
            p, c = line.split()
            parents[c].add(p)

    wn, wn_info = corpus(args)

    def nltk_synset(wnid: str) -> Any:
        s = wn.synset_from_pos_and_offset("n", int(wnid[1:]))
        if s is None or iw.wnid_of(s) != wnid:
            msg = f"wnid not in WordNet 3.0: {wnid}"
            raise SystemExit(msg)
        return s

    def up(wnid: str) -> set[str]:
        s = nltk_synset(wnid)
        return parents.get(wnid, set()) | {iw.wnid_of(h) for h in (*s.hypernyms(), *s.instance_hypernyms())}

    seeds = set().union(*lists.values())
    person = {iw.PERSON}
    stack = [iw.PERSON]
    while stack:
        s = nltk_synset(stack.pop())
        for h in (*s.hyponyms(), *s.instance_hyponyms()):
            w = iw.wnid_of(h)
            if w not in person:
                person.add(w)
                stack.append(w)

    keep: set[str] = set()
    stack = sorted(seeds | person)
    while stack:
        w = stack.pop()
        if w in keep:
            continue
        keep.add(w)
        stack.extend(up(w) - keep)

    rows = []
    is_a_vs_wordnet = {"same": 0, "differs": []}
    for wnid in sorted(keep):
        s = nltk_synset(wnid)
        rec = iw.from_nltk(s, parents=sorted(parents.get(wnid, ())))
        for lemma in rec.lemmas:
            if any(ch in lemma for ch in "\t\n;>"):
                msg = f"lemma with a separator character in {wnid}: {lemma!r}"
                raise SystemExit(msg)
        if any(ch in rec.gloss for ch in "\t\n"):
            msg = f"gloss with a tab or newline in {wnid}"
            raise SystemExit(msg)
        if wnid in parents:
            if set(rec.parents) == {*rec.hypernyms, *rec.instance_hypernyms}:
                is_a_vs_wordnet["same"] += 1
            else:
                is_a_vs_wordnet["differs"].append(wnid)
        codes = sorted(code for code, ws in lists.items() if wnid in ws)
        rows.append(attrs.evolve(rec, lists=codes).to_row())

    text = "\t".join(iw.SNAPSHOT_COLUMNS) + "\n" + "".join(r + "\n" for r in rows)
    usage = sum(1 for r in rows if r.split("\t")[7] or r.split("\t")[8])
    summary = {
        "synsets": len(rows),
        "seed_wnids": len(seeds),
        "per_list": {code: len(ws) for code, ws in sorted(lists.items())},
        "person_subtree_with_instances_and_root": len(person),
        "added_as_ancestors": len(keep - seeds - person),
        "in_is_a_graph": sum(1 for w in keep if w in parents),
        "not_in_is_a_graph": sorted(w for w in seeds if w not in parents and w != "n00001740"),
        "is_a_parents_equal_wordnet_hypernyms_and_instance_hypernyms": is_a_vs_wordnet["same"],
        "is_a_parents_differ_from_wordnet": is_a_vs_wordnet["differs"],
        "synsets_with_a_usage_domain": usage,
    }
    record = {
        "tool": "tools/build_wordnet.py",
        "description": "WordNet 3.0 snapshot for the synsets of the ImageNet label lists",
        "inputs": src.used,
        "wordnet": wn_info,
        "summary": summary,
    }
    return text, record


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", default=str(prov.default_sources()))
    ap.add_argument("--wordnet", default=None, help="a WordNet 3.0 dict folder")
    ap.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = ap.parse_args(argv)
    text, record = build(args)
    data = prov.gzip_bytes(text)
    if args.check:
        same = OUT.is_file() and OUT.read_bytes() == data
        print(f"{OUT.relative_to(prov.REPO)}: {'identical' if same else 'DIFFERS'}")
        return 0 if same else 1
    OUT.write_bytes(data)
    record["outputs"] = [prov.output_record(OUT, data, text=text, rows=text.count("\n") - 1)]
    prov.write_json(PROV_OUT, record)
    rows = text.count("\n") - 1
    print(f"wrote {OUT.relative_to(prov.REPO)}: {len(data):,} bytes, {rows:,} synsets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
