"""The WordNet layer: the shipped snapshot (offline) and the full corpus (marked `wordnet`)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imagenet_versions import wordnet as wn
from imagenet_versions._fetch import sha256_file
from imagenet_versions.errors import UnknownSynsetError, WordNetUnavailableError

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO.parent / "shared" / "data" / "sources"
PROVENANCE = REPO / "imagenet_versions" / "data" / "provenance" / "build_wordnet.json"
INSTALL = "apt-get install wordnet-base wordnet-sense-index"


def _corpus_or_skip() -> object:
    try:
        return wn.full_wordnet()
    except WordNetUnavailableError:
        pytest.skip(f"full WordNet 3.0 corpus missing: run `{INSTALL}`")


def test_import_does_not_import_nltk() -> None:
    code = "import sys, imagenet_versions, imagenet_versions.wordnet\nprint('nltk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_snapshot_queries_do_not_import_nltk() -> None:
    code = (
        "import sys\n"
        "from imagenet_versions import wordnet as wn\n"
        "wn.synset('n02084071'); wn.lookup('dog'); wn.person_subtree(); wn.ancestors('n02084071')\n"
        "from imagenet_versions import flags\n"
        "flags.flagged_any(flags.FLAGS.keys() - {'ambiguous', 'nsfw-audit'})\n"
        "flags.flags_for('n10506915')\n"
        "print('nltk' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_snapshot_size_and_lists() -> None:
    assert len(wn.snapshot_wnids()) == 30_458
    counts = {code: len(wn.listed(code)) for code in wn.LISTS}
    assert counts == {
        "fall11": 21_841,
        "goog21k": 21_843,
        "ms22k": 21_842,
        "ilsvrc2012": 1_000,
        "in9": 9,
        "breeds": 1_282,
        "yang2020": 2_832,
    }
    # teddy bear: an ILSVRC-2012 class that fall11 lacks; Google's two extra ids
    assert "n04399382" in wn.listed("ilsvrc2012") - wn.listed("fall11")
    assert wn.listed("goog21k") - wn.listed("fall11") == {"n03931044", "n09859684"}
    assert wn.listed("ms22k") - wn.listed("fall11") == {"n04399382"}
    assert wn.listed("yang2020") <= wn.listed("fall11")
    with pytest.raises(KeyError, match="unknown list: 'imagenet-21k'"):
        wn.listed("imagenet-21k")


def test_snapshot_is_closed_under_parents_and_hypernyms() -> None:
    known = wn.snapshot_wnids()
    for wnid in known:
        s = wn.synset(wnid)
        assert set(s.parents) <= known, wnid
        assert set(s.hypernyms) | set(s.instance_hypernyms) <= known, wnid


def test_synset_record() -> None:
    dog = wn.synset("n02084071")
    assert dog.name == "dog"
    assert dog.lemmas == ("dog", "domestic_dog", "Canis_familiaris")
    assert dog.lexname == "noun.animal"
    assert dog.gloss.startswith("a member of the genus Canis")
    assert dog.parents == ("n01317541", "n02083346")
    assert dog.hypernyms == ("n01317541", "n02083346")
    assert dog.instance_hypernyms == ()
    assert dog.usage_domains == ()
    assert dog.lists == ("breeds", "fall11", "goog21k", "in9", "ms22k")
    assert wn.synset("n00007846").lexname == "noun.Tops"


def test_unknown_and_malformed_wnids() -> None:
    # n06717170 (a WordNet 3.0 synset, "disparagement") is in no ImageNet list
    with pytest.raises(UnknownSynsetError, match=r"not in the shipped wordnet snapshot: 'n06717170'"):
        wn.synset("n06717170")
    with pytest.raises(LookupError, match=r"full WordNet 3\.0 corpus answers beyond the snapshot"):
        wn.ancestors("n06717170")
    with pytest.raises(UnknownSynsetError, match=r"not a WordNet noun id: 'dog'"):
        wn.synset("dog")
    with pytest.raises(UnknownSynsetError, match=r"not a WordNet noun id: 'n0208407'"):
        wn.descendants("n0208407")


def test_lookup_ignores_case_spaces_and_underscores() -> None:
    assert [s.wnid for s in wn.lookup("Great Dane")] == ["n02109047"]
    assert [s.wnid for s in wn.lookup("great_dane")] == ["n02109047"]
    assert wn.synset("n02109047").lemmas == ("Great_Dane",)
    assert "n02084071" in {s.wnid for s in wn.lookup("DOG")}
    assert wn.lookup("no such lemma anywhere") == []


def test_ancestors_and_descendants_over_imagenet_is_a() -> None:
    anc = wn.ancestors("n02084071")
    assert "n00001740" in anc  # entity
    assert {"n01317541", "n02083346"} <= anc
    assert "n02084071" not in anc
    assert len(anc) == 14
    dogs = wn.descendants("n02084071", within=wn.listed("ilsvrc2012"))
    assert len(dogs) == 118
    assert "n02109047" in dogs
    assert wn.descendants("n00001740") >= wn.listed("ilsvrc2012")
    assert "n02109047" in wn.children("n02103406")  # working dog -> Great Dane


def test_four_fall11_wnids_outside_the_is_a_graph() -> None:
    # SOURCES.md: these fall11 wnids are in no edge of wordnet.is_a.txt
    for wnid in ("n09450163", "n10994097", "n11196627", "n11318824"):
        s = wn.synset(wnid)
        assert s.parents == ()
        assert wn.ancestors(wnid) == frozenset()
        assert s.hypernyms or s.instance_hypernyms  # WordNet still knows a parent


def test_person_subtree() -> None:
    below = wn.person_subtree()
    assert wn.PERSON not in below
    assert len(below) == 6_978
    assert len(wn.person_subtree(instances=True, root=True)) == 10_297
    # Yang et al. 2020 annotated exactly the fall11 synsets below person.n.01
    assert below & wn.listed("fall11") == wn.listed("yang2020")
    assert len(below & wn.listed("fall11")) == 2_832
    # three named individuals reach it only through instance links
    extra = (wn.person_subtree(instances=True) - below) & wn.listed("fall11")
    assert len(extra) == 3


def test_lemma_level_usage_domain() -> None:
    s = wn.synset("n09636339")
    assert s.usage_domains == ()
    assert "ethnic slur" in {dom for _, dom in s.lemma_usage_domains}
    assert "ethnic slur" in s.all_usage_domains


def test_snapshot_file_is_deterministic_gzip() -> None:
    path = wn.snapshot_path()
    raw = path.read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip mtime 0
    assert raw[3] & 0x08 == 0  # no file name stored
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
    assert tuple(header) == wn.SNAPSHOT_COLUMNS
    assert path.stat().st_size < 2_000_000


def test_provenance_matches_shipped_snapshot() -> None:
    record = json.loads(PROVENANCE.read_text(encoding="utf-8"))
    (out,) = record["outputs"]
    assert out["path"] == "imagenet_versions/data/wordnet_snapshot.tsv.gz"
    assert out["sha256"] == sha256_file(wn.snapshot_path())
    assert out["rows"] == 30_458
    paths = {i["path"] for i in record["inputs"]}
    assert "data/sources/wordnet-hierarchy/wordnet.is_a.txt" in paths
    assert all(len(i["sha256"]) == 64 for i in record["inputs"])
    assert record["wordnet"]["version"] == "3.0"
    summary = record["summary"]
    assert summary["is_a_parents_differ_from_wordnet"] == []


def test_missing_corpus_error_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wn, "_nltk_root", lambda: None)
    monkeypatch.setattr(wn, "_DEBIAN_DIR", tmp_path / "nowhere")
    monkeypatch.setenv("WNSEARCHDIR", str(tmp_path))
    with pytest.raises(WordNetUnavailableError) as err:
        wn.find_corpus()
    msg = str(err.value)
    assert INSTALL in msg
    assert "python -m nltk.downloader wordnet" in msg
    assert str(tmp_path) in msg


def test_open_corpus_rejects_a_folder_without_wordnet(tmp_path: Path) -> None:
    (tmp_path / "data.noun").write_text("")
    with pytest.raises(WordNetUnavailableError, match=r"not a WordNet dict folder: .* lacks index\.noun"):
        wn.open_corpus(tmp_path)


# --- tests that need the full corpus ---------------------------------------------


@pytest.mark.wordnet
def test_usage_domain_pointer_counts() -> None:
    corpus = _corpus_or_skip()
    synset_level = lemma_level = 0
    for s in corpus.all_synsets("n"):  # type: ignore[attr-defined]
        synset_level += len(s.usage_domains())
        lemma_level += sum(len(lemma.usage_domains()) for lemma in s.lemmas())
    assert synset_level + lemma_level == 1_066
    assert lemma_level == 406


@pytest.mark.wordnet
def test_snapshot_records_equal_the_corpus() -> None:
    corpus = _corpus_or_skip()
    for wnid in ("n02084071", "n09636339", "n00007846", "n11196627"):
        s = wn.synset(wnid)
        nl = corpus.synset_from_pos_and_offset("n", int(wnid[1:]))  # type: ignore[attr-defined]
        assert wn.from_nltk(nl, parents=s.parents) == wn.Synset(**{**_fields(s), "lists": ()})


def _fields(s: wn.Synset) -> dict[str, object]:
    import attrs

    return attrs.asdict(s, recurse=False)


@pytest.mark.wordnet
def test_full_synset_beyond_the_snapshot() -> None:
    _corpus_or_skip()
    s = wn.synset("n06717170", full=True)
    assert s.name == "disparagement"
    assert s.parents == tuple(sorted({*s.hypernyms, *s.instance_hypernyms}))
    with pytest.raises(UnknownSynsetError, match=r"wnid not in WordNet 3.0: 'n06717171'"):
        wn.synset("n06717171", full=True)


@pytest.mark.wordnet
def test_lexnames_match_debian_man_page() -> None:
    page = Path("/usr/share/man/man5/lexnames.5WN.gz")
    if not page.is_file():
        pytest.skip(f"{page} missing: run `{INSTALL}`")
    with gzip.open(page, "rt", encoding="utf-8") as fh:
        text = fh.read()
    rows = [line.split("\t") for line in text.splitlines() if line[:2].isdigit() and "\t" in line]
    assert tuple(r[1].strip() for r in rows) == wn.WORDNET30_LEXNAMES
    assert [int(r[0]) for r in rows] == list(range(45))


@pytest.mark.wordnet
def test_build_script_reproduces_the_snapshot() -> None:
    _corpus_or_skip()
    if not SOURCES.is_dir():
        pytest.skip(f"source mirror {SOURCES} missing (needed by tools/build_wordnet.py)")
    env = {**os.environ, "IMAGENET_VERSIONS_SOURCES": str(SOURCES)}
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_wordnet.py"), "--check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "identical" in out.stdout


def test_find_corpus_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_dir, deb_dir = tmp_path / "env", tmp_path / "deb"
    for d in (env_dir, deb_dir):
        d.mkdir()
        for name in wn._REQUIRED:
            (d / name).write_text("")
    monkeypatch.setattr(wn, "_nltk_root", lambda: None)
    monkeypatch.setattr(wn, "_DEBIAN_DIR", deb_dir)
    monkeypatch.setenv("WNSEARCHDIR", str(env_dir))
    assert wn.find_corpus() == ("WNSEARCHDIR", env_dir)
    (env_dir / "data.noun").unlink()  # an incomplete $WNSEARCHDIR is passed over
    assert wn.find_corpus() == ("debian", deb_dir)
    monkeypatch.setattr(wn, "_nltk_root", lambda: "nltk-pointer")
    assert wn.find_corpus() == ("nltk", "nltk-pointer")


@pytest.mark.wordnet
def test_nltk_data_layout_builds_the_same_snapshot(tmp_path: Path) -> None:
    """NLTK's own layout (nltk_data/corpora/wordnet, with a lexnames file) is found first."""
    _corpus_or_skip()
    kind, root = wn.find_corpus()
    if kind == "nltk":
        pytest.skip("NLTK's own wordnet data is installed; the build test covers it")
    if not SOURCES.is_dir():
        pytest.skip(f"source mirror {SOURCES} missing (needed by tools/build_wordnet.py)")
    corpus = tmp_path / "nltk_data" / "corpora" / "wordnet"
    corpus.mkdir(parents=True)
    for name in wn._REQUIRED:
        (corpus / name).write_bytes((Path(root) / name).read_bytes())
    (corpus / "lexnames").write_text(
        "".join(f"{i:02d}\t{n}\t{wn._LEX_POS[n.split('.')[0]]}\n" for i, n in enumerate(wn.WORDNET30_LEXNAMES))
    )
    env = {
        **os.environ,
        "IMAGENET_VERSIONS_SOURCES": str(SOURCES),
        "NLTK_DATA": str(tmp_path / "nltk_data"),
    }
    code = "from imagenet_versions import wordnet as wn; print(wn.find_corpus()[0])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "nltk"
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_wordnet.py"), "--check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
