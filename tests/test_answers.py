"""Build-time answers (data/answers/, tools/build_answers.py) and the fast paths that read them:
each must give exactly what the whole snapshot, parsed the old way, gives."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from imagenet_versions import _blocks, _data, flags, wordnet
from imagenet_versions.errors import DataFileError, UnknownSynsetError

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import build_answers  # noqa: E402


@pytest.fixture(scope="module")
def snapshot() -> wordnet._Snapshot:
    return wordnet._snapshot()


def test_build_script_rebuilds_every_answer_byte_identically() -> None:
    files, record = build_answers.build()
    assert set(files) == {"synsets.blocks", "lemmas.blocks", "children.blocks", "flagged.blocks", "sets.tsv"}
    prov = json.loads((REPO / "imagenet_versions/data/provenance/build_answers.json").read_text())
    recorded = {Path(o["path"]).name: o["sha256"] for o in prov["outputs"]}
    for name, data in files.items():
        shipped = (build_answers.OUT_DIR / name).read_bytes()
        assert shipped == data, name
        assert recorded[name] == hashlib.sha256(data).hexdigest(), name
    inputs = {Path(i["path"]).name: i["sha256"] for i in prov["inputs"]}
    assert inputs["wordnet_snapshot.tsv.gz"] == _data.recorded()["wordnet_snapshot.tsv.gz"]
    assert inputs["person_safety.tsv"] == _data.recorded()["person_safety.tsv"]
    assert prov["summary"] == record["summary"]


def test_every_synset_row_equals_the_snapshot(snapshot: wordnet._Snapshot) -> None:
    assert wordnet.snapshot_wnids() == frozenset(snapshot.synsets)
    for wnid, s in snapshot.synsets.items():
        assert wordnet.synset(wnid) == s


def test_every_lemma_and_children_list_equals_the_snapshot(snapshot: wordnet._Snapshot) -> None:
    for key, wnids in snapshot.by_lemma.items():
        assert [s.wnid for s in wordnet.lookup(key)] == list(wnids), key
    for wnid in snapshot.synsets:
        assert wordnet.children(wnid) == snapshot.children.get(wnid, ()), wnid
    for code in wordnet.LISTS:
        assert wordnet.listed(code) == frozenset(w for w, s in snapshot.synsets.items() if code in s.lists)


def test_build_time_sets_equal_the_rules_applied_to_every_synset(snapshot: wordnet._Snapshot) -> None:
    derog = {w for w, s in snapshot.synsets.items() if "derogatory" in flags._wordnet(s)}
    informal = {w for w, s in snapshot.synsets.items() if "informal" in flags._wordnet(s)}
    assert flags.flagged("derogatory") == derog and len(derog) == 53
    assert flags.flagged("informal") == informal and len(informal) == 80

    def below(w: str, instances: bool) -> list[str]:
        return [*snapshot.hyponyms.get(w, ()), *(snapshot.instance_hyponyms.get(w, ()) if instances else ())]

    for instances in (False, True):
        seen: set[str] = set()
        stack = below(wordnet.PERSON, instances)
        while stack:
            w = stack.pop()
            if w not in seen:
                seen.add(w)
                stack.extend(below(w, instances))
        assert wordnet.person_subtree(instances=instances) == seen
        assert wordnet.person_subtree(instances=instances, root=True) == seen | {wordnet.PERSON}


def test_person_paths_and_names_equal_a_walk_of_the_snapshot(snapshot: wordnet._Snapshot) -> None:
    person = wordnet.person_subtree()
    for w in sorted(person)[::7]:
        path = flags.shortest_person_path(w, lambda x: snapshot.synsets[x].hypernyms)
        facts = flags.flag_facts(w)
        assert facts is not None and facts == (snapshot.synsets[w].lemmas[0], path)
        assert path[0] == wordnet.PERSON and path[-1] == w
    assert flags.flag_facts("n02084071") is None  # dog: no shipped flag
    assert flags.flag_facts("n99999999") is None


@pytest.mark.parametrize(
    "query",
    ["", " ", "\t", "a\tb", "x\n", "\x00", "é" * 10, "dog" * 100_000, "\udcff"],
)
def test_lookup_of_hostile_lemmas_finds_nothing_and_raises_nothing(query: str) -> None:
    assert wordnet.lookup(query) == []


@pytest.mark.parametrize("wnid", ["", "n0208407", "n020840711", None, 2084071, "n02084071\n", "N02084071"])
def test_synset_of_a_malformed_wnid_is_an_unknown_synset(wnid: object) -> None:
    with pytest.raises(UnknownSynsetError):
        wordnet.synset(wnid)  # type: ignore[arg-type]
    assert not wordnet.in_snapshot(wnid)  # type: ignore[arg-type]


def test_block_table_round_trip_and_misses() -> None:
    rows = [f"k{i:04d}\tvalue {i}" for i in range(1000)]
    table = _blocks.BlockTable(_blocks.encode(rows, rows_per_block=64), "test")
    assert table.row("k0000") == rows[0] and table.row("k0999") == rows[-1] and table.row("k0500") == rows[500]
    assert table.row("a") is None and table.row("k1000") is None and table.row("") is None
    # a key is the whole first column: no prefix, no row text, no line breaks
    assert table.row("k000") is None and table.row("k0001\tvalue 1") is None and table.row("k0001\nk0002") is None
    assert list(table) == rows
    # every row, so each block is searched a few times and then split into a dict
    assert [table.row(r.split("\t")[0]) for r in rows] == rows
    assert table.row("k000") is None and table.row("k0001\tvalue 1") is None and table.row("k0500x") is None


def test_block_table_rejects_unsorted_or_repeated_keys() -> None:
    with pytest.raises(ValueError, match="sorted"):
        _blocks.encode(["b\t1", "a\t2"])
    with pytest.raises(ValueError, match="sorted"):
        _blocks.encode(["a\t1", "a\t2"])


def test_damaged_block_tables_are_data_file_errors() -> None:
    data = _blocks.encode([f"k{i:03d}\tv" for i in range(300)], rows_per_block=100)
    with pytest.raises(DataFileError, match="not a block table"):
        _blocks.BlockTable(b"garbage", "x.blocks")
    end = data.index(b"\n\n") + 2
    broken = data[:end] + b"\x00" * 20 + data[end + 20 :]
    table = _blocks.BlockTable(broken, "x.blocks")
    with pytest.raises(DataFileError, match=r"x\.blocks: damaged block 0"):
        table.row("k000")
    assert table.row("k150") == "k150\tv"  # other blocks still read


def test_a_damaged_answers_file_is_refused_by_its_sha256(tmp_path: Path) -> None:
    code = (
        "import imagenet_versions._data as d, sys\n"
        "real = d.read_bytes\n"
        "d.root = lambda: __import__('pathlib').Path(sys.argv[1])\n"
        "from imagenet_versions import wordnet, errors\n"
        "try:\n    wordnet.synset('n02084071')\nexcept errors.IntegrityError as e:\n    print('refused:', e)\n"
    )
    data = tmp_path / "data"
    (data / "answers").mkdir(parents=True)
    (data / "provenance").mkdir()
    src = REPO / "imagenet_versions" / "data"
    (data / "provenance" / "build_answers.json").write_bytes((src / "provenance" / "build_answers.json").read_bytes())
    blob = bytearray((src / "answers" / "synsets.blocks").read_bytes())
    blob[-1] ^= 0xFF
    (data / "answers" / "synsets.blocks").write_bytes(bytes(blob))
    out = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True, check=True).stdout
    assert out.startswith("refused: shipped data file imagenet_versions/data/answers/synsets.blocks is damaged")


def test_queries_read_rows_not_the_snapshot() -> None:
    code = (
        "import imagenet_versions as iv, imagenet_versions.wordnet as wn, sys\n"
        "iv.trace('n10513938'); iv.survivors('imagenet-12k'); iv.subtree('n00007846', 'imagenet-winter21')\n"
        "print(wn._snapshot.cache_info().currsize, 'networkx' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False", "False"]


def test_an_unknown_answer_set_is_an_unknown_flag_error() -> None:
    from imagenet_versions.errors import UnknownFlagError

    with pytest.raises(UnknownFlagError, match="no build-time set named 'nope'; known: derogatory"):
        wordnet.answer_set("nope")
    assert len(wordnet.answer_set("person")) == 6978
