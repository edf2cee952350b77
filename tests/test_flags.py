"""Flag sources against the real shipped data; on-demand sources through a local server."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from imagenet_versions import flags, wordnet
from imagenet_versions.errors import (
    CatalogError,
    DataFileError,
    DownloadError,
    IntegrityError,
    UnknownFlagError,
    UnknownSynsetError,
    WordNetUnavailableError,
)

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
PROBLEMATIC = SHARED / "sources" / "problematic"
NSFW_CSV = PROBLEMATIC / "prabhu-birhane-2020-dataset-audits" / "df_nsfw.csv"
CLUSTERS = PROBLEMATIC / "janouskova-2025-imagenet-flaws" / "clusters.json"
DERIVED_FLAGS = SHARED / "derived" / "wordnet_person_flags.tsv"
INSTALL = "apt-get install wordnet-base wordnet-sense-index"
NSFW_HEADER = ",mean_nsfw_train,mean_nsfw_val,std_nsfw_train,std_nsfw_val\n"

FALL11 = wordnet.listed("fall11")


def _has_corpus() -> bool:
    try:
        wordnet.full_wordnet()
    except WordNetUnavailableError:
        return False
    return True


def _real(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"real file {path.name} not present (expected at {path})")
    return path


# --- sources ---------------------------------------------------------------------


def test_flag_sources_are_described() -> None:
    sources = flags.flag_sources()
    assert [s.name for s in sources] == [
        "yang2020-safety",
        "wordnet30-usage",
        "wordnet30-person",
        "janouskova2025-groups",
        "prabhu-birhane2020-nsfw",
    ]
    for src in sources:
        assert src.description
        assert src.citation
        assert src.licence
        assert src.url.startswith("https://")
        assert src.on_demand == (src.sha256 is not None) == (src.url_env is not None)
    nsfw = flags.get_source("prabhu-birhane2020-nsfw")
    assert not nsfw.shipped
    assert nsfw.licence.startswith("GPL-2.0")
    assert "e055be2124d59362074f2aa39f57236ee03ca9f4" in nsfw.url
    groups = flags.get_source("janouskova2025-groups")
    assert not groups.shipped
    assert "04fb51bbb74e286c7f42f1bd9171eed088a282b4" in groups.url
    assert groups.sha256 == "3ed6c41ad3bc54ef78ecf81474bf4dbe2ffa526744a11e448b701efde4e911ea"
    assert dict(flags.FLAGS) == {
        "offensive": "yang2020-safety",
        "sensitive": "yang2020-safety",
        "safe": "yang2020-safety",
        "not-imageable": "yang2020-safety",
        "derogatory": "wordnet30-usage",
        "informal": "wordnet30-usage",
        "person": "wordnet30-person",
        "ambiguous": "janouskova2025-groups",
        "nsfw-audit": "prabhu-birhane2020-nsfw",
    }
    assert flags.DEFAULT_FLAGS == ("offensive", "sensitive", "derogatory")
    with pytest.raises(UnknownFlagError, match="unknown flag source: 'real'; known: yang2020-safety, "):
        flags.get_source("real")
    with pytest.raises(UnknownFlagError, match="unknown flag: 'unsafe'; known: offensive, sensitive"):
        flags.flagged("unsafe")


# --- Yang et al. 2020 --------------------------------------------------------------


def test_yang2020_counts() -> None:
    offensive = flags.flagged("offensive")
    sensitive = flags.flagged("sensitive")
    safe = flags.flagged("safe")
    not_imageable = flags.flagged("not-imageable")
    assert (len(offensive), len(sensitive), len(safe)) == (437, 1_156, 1_239)
    assert len(not_imageable) == 1_081
    assert not_imageable <= safe
    assert len(safe - not_imageable) == 158
    annotated = offensive | sensitive | safe
    assert len(annotated) == 2_832
    assert annotated <= FALL11
    assert annotated == wordnet.listed("yang2020")
    # winter21 = fall11 minus every annotated synset but the 158 safe, imageable ones
    assert len(FALL11 - (annotated - (safe - not_imageable))) == 19_167


def test_yang2020_evidence() -> None:
    # n10506915: reported missing from winter21; safe with imageability 1.4
    ev = flags.flags_for("n10506915")
    assert ev["safe"].value == "safe"
    assert ev["not-imageable"].value == pytest.approx(1.4)
    assert ev["not-imageable"].detail == "safe, imageability 1.40 < 4"
    assert ev["person"].source == "wordnet30-person"
    assert flags.flags_for("n02084071") == {}


def test_default_flags_in_fall11() -> None:
    unsafe = flags.flagged_any()
    assert len(unsafe & FALL11) == 1_593
    # every derogatory fall11 synset is already offensive or sensitive in Yang et al.
    derog = flags.flagged("derogatory") & FALL11
    assert derog <= flags.flagged("offensive") | flags.flagged("sensitive")
    assert not unsafe & wordnet.listed("ilsvrc2012")


def test_shipped_table_matches_provenance() -> None:
    record = json.loads((REPO / "imagenet_versions/data/provenance/build_flags.json").read_text(encoding="utf-8"))
    (out,) = record["outputs"]
    data = (REPO / out["path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == out["sha256"]
    assert record["summary"]["safety"] == {"offensive": 437, "safe": 1_239, "sensitive": 1_156}
    assert {i["sha256"] for i in record["inputs"]} == {
        "f984013df469a7dae9266a92c5aa7f23afa65363b5a94c7bc5ed9fb67861e452",
        "3ac70be4db3f87063d860c228ba1caf885e97f80d5adde0ad67a1492a35f21e4",
    }


def test_build_flags_reproduces_the_table() -> None:
    if not (SHARED / "sources").is_dir():
        pytest.skip(f"source mirror {SHARED / 'sources'} missing (needed by tools/build_flags.py)")
    out = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_flags.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        env={"IMAGENET_VERSIONS_SOURCES": str(SHARED / "sources"), "PATH": ""},
    )
    assert out.returncode == 0, out.stdout + out.stderr


# --- WordNet markers --------------------------------------------------------------


def test_derogatory_and_informal_counts() -> None:
    derog = flags.flagged("derogatory")
    informal = flags.flagged("informal")
    assert len(derog) == 53
    assert len(derog & FALL11) == 7
    assert len(informal) == 80
    assert len(informal & FALL11) == 40
    assert derog <= flags.flagged("person")


def test_lemma_level_marker_flags_a_synset() -> None:
    ev = flags.flags_for("n09636339")["derogatory"]
    assert ev.source == "wordnet30-usage"
    assert [(m.level, m.what) for m in ev.value] == [("lemma", "ethnic slur")]
    assert wordnet.synset("n09636339").usage_domains == ()
    assert ev.detail == "usage domain 'ethnic slur' on one lemma"


def test_gloss_marker_flags_a_synset() -> None:
    # n10717196: no usage-domain pointer; its gloss calls the words "terms of abuse"
    ev = flags.flags_for("n10717196")["derogatory"]
    assert [(m.level, m.what) for m in ev.value] == [("gloss", "terms of abuse")]
    assert wordnet.synset("n10717196").all_usage_domains == frozenset()


def test_gloss_patterns_skip_other_senses_of_offensive() -> None:
    # "offensive play", "offensive team", "offensive smell", "inoffensive"
    for wnid in ("n09834378", "n10115430", "n12810151", "n02393580"):
        assert "derogatory" not in flags.flags_for(wnid), wnid


def test_cross_check_with_derived_person_flags() -> None:
    path = _real(DERIVED_FLAGS)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = {r["wnid"]: r for r in csv.DictReader(fh, delimiter="\t")}
    snap = wordnet.snapshot_wnids()

    def ref(col: str) -> set[str]:
        return {w for w, r in rows.items() if r[col] == "1" and w in snap}

    assert flags.flagged("informal") == ref("register_domain")
    # our gloss rule also reads "term(s) of abuse" as derogatory: two more synsets
    assert flags.flagged("derogatory") - ref("derogatory") == {"n10133458", "n10717196"}
    assert ref("derogatory") <= flags.flagged("derogatory")
    assert {w for w, r in rows.items() if r["in_person_subtree"] == "1"} == (
        wordnet.person_subtree(instances=True, root=True)
    )


# --- person ------------------------------------------------------------------------


def test_person_flag_is_yang2020_annotated_set_in_fall11() -> None:
    person = flags.flagged("person")
    assert len(person & FALL11) == 2_832
    assert person & FALL11 == wordnet.listed("yang2020")
    assert wordnet.PERSON not in person
    # Google's extra id n09859684 is a person synset without images in fall11
    assert (person & wordnet.listed("goog21k")) - FALL11 == {"n09859684"}


def test_person_evidence_is_a_hyponym_path() -> None:
    path = flags.flags_for("n10506915")["person"].value
    assert path[0] == wordnet.PERSON
    assert path[-1] == "n10506915"
    for up, down in itertools.pairwise(path):
        assert up in wordnet.synset(down).hypernyms


def test_flags_for_unknown_wnid() -> None:
    with pytest.raises(UnknownSynsetError, match="'n06717170'"):
        flags.flags_for("n06717170")


# --- on demand: Prabhu & Birhane 2020 ------------------------------------------------


def _tiny_nsfw(root: Path) -> str:
    body = NSFW_HEADER + "n02837789,0.86,0.80,0.1,0.1\nn02084071,0.01,0.02,0.01,0.01\n"
    (root / "df_nsfw.csv").write_text(body, encoding="utf-8")
    return hashlib.sha256(body.encode()).hexdigest()


def test_nsfw_pinned_sha256_rejects_other_bytes(local_http: tuple[str, Path]) -> None:
    base, root = local_http
    _tiny_nsfw(root)
    with pytest.raises(IntegrityError, match="expected 59d9b1036d4c45db"):
        flags.flagged("nsfw-audit", url=f"{base}/df_nsfw.csv")


def test_nsfw_mechanics_with_a_tiny_file(local_http: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    base, root = local_http
    digest = _tiny_nsfw(root)
    monkeypatch.setattr(flags, "_NSFW", attrs.evolve(flags._NSFW, sha256=digest))
    monkeypatch.setenv("IMAGENET_VERSIONS_PRABHU_BIRHANE2020_URL", f"{base}/df_nsfw.csv")
    assert flags.flagged("nsfw-audit") == {"n02837789"}
    scores = flags.nsfw_scores()
    assert scores["n02084071"].mean_val == pytest.approx(0.02)
    # cached: the server no longer needs the file
    (root / "df_nsfw.csv").unlink()
    assert flags.flagged("nsfw-audit") == {"n02837789"}
    # flags_for(on_demand=True) consults both on-demand sources
    groups = json.dumps([{"category": [5], "classes": {"0": "tench", "1": "goldfish"}}])
    (root / "g.json").write_text(groups, encoding="utf-8")
    digest = hashlib.sha256(groups.encode()).hexdigest()
    monkeypatch.setattr(flags, "_JANOUSKOVA", attrs.evolve(flags._JANOUSKOVA, sha256=digest))
    urls = {"janouskova2025-groups": f"{base}/g.json"}
    ev = flags.flags_for("n02837789", on_demand=True, urls=urls)
    assert ev["nsfw-audit"].value == pytest.approx(0.86)
    assert "ambiguous" not in ev
    assert "nsfw-audit" not in flags.flags_for("n02837789")  # off by default
    tench = flags.flags_for("n01440764", on_demand=True, urls=urls)["ambiguous"]
    assert tench.value == (5,)
    assert tench.detail == "problem codes [5]; with n01443537"


def test_nsfw_download_error(local_http: tuple[str, Path]) -> None:
    base, _ = local_http
    with pytest.raises(DownloadError, match="404"):
        flags.nsfw_scores(url=f"{base}/missing.csv")


def test_nsfw_real_file(local_http: tuple[str, Path]) -> None:
    base, root = local_http
    shutil.copy(_real(NSFW_CSV), root / "df_nsfw.csv")
    scores = flags.nsfw_scores(url=f"{base}/df_nsfw.csv")
    assert len(scores) == 1_000
    assert set(scores) == wordnet.listed("ilsvrc2012")
    hit = flags.flagged("nsfw-audit", url=f"{base}/df_nsfw.csv")
    assert hit == {"n02837789", "n03710637", "n03710721", "n03770439", "n02892767"}
    assert scores["n02837789"].mean_train == pytest.approx(0.8594, abs=1e-4)


# --- on demand: Janouskova et al. 2025 groups -----------------------------------------


def test_groups_real_file(local_http: tuple[str, Path]) -> None:
    base, root = local_http
    shutil.copy(_real(CLUSTERS), root / "clusters.json")
    groups = flags.ambiguous_groups(url=f"{base}/clusters.json")
    assert len(groups) == 48
    members = [w for g in groups for w in g.wnids]
    assert len(members) == len(set(members)) == 151
    assert set(members) <= wordnet.listed("ilsvrc2012")
    assert max(len(g.wnids) for g in groups) == 10
    assert flags.flagged("ambiguous", url=f"{base}/clusters.json") == set(members)


def test_groups_mapping_is_checked_against_lemmas(
    local_http: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, root = local_http
    order = sorted(wordnet.listed("ilsvrc2012"))
    good = [{"category": [5], "classes": {"0": "tench", "1": "goldfish"}}]
    bad = [{"category": [5], "classes": {"1": "tench"}}]
    for name, payload in (("good.json", good), ("bad.json", bad)):
        (root / name).write_text(json.dumps(payload), encoding="utf-8")
    for name, payload in (("good.json", good), ("bad.json", bad)):
        digest = hashlib.sha256(json.dumps(payload).encode()).hexdigest()
        monkeypatch.setattr(flags, "_JANOUSKOVA", attrs.evolve(flags._JANOUSKOVA, sha256=digest))
        if name == "good.json":
            (group,) = flags.ambiguous_groups(url=f"{base}/{name}")
            assert group.wnids == (order[0], order[1])
            assert group.codes == (5,)
        else:
            with pytest.raises(CatalogError, match=r"class name 'tench' .* does not match n01443537"):
                flags.ambiguous_groups(url=f"{base}/{name}")


# --- user flags ----------------------------------------------------------------------


def test_user_flags(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(
        "wnid\tflag\n# my review\nn02084071\tto-review\n\nn02109047,to-review\nn02109047\tbig\n",
        encoding="utf-8",
    )
    table = flags.load_user_flags(path)
    assert table.check == "snapshot"
    assert table.flags == {"to-review": {"n02084071", "n02109047"}, "big": {"n02109047"}}
    ev = flags.flags_for("n02109047", user=table)
    assert set(ev) == {"to-review", "big"}
    assert ev["big"].source == "user:mine.tsv"
    assert ev["big"].detail == f"{path}, line 6"


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("n02084071", "malformed row 'n02084071'"),
        ("n02084071\tflag\textra", "malformed row"),
        ("dog\tflag", "malformed row 'dog\\\\tflag'"),
        ("n02084071\tbad flag", "malformed row"),
    ],
)
def test_user_flags_malformed(tmp_path: Path, line: str, why: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(f"n02084071\tok\n{line}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"bad\.tsv, line 2: {why}"):
        flags.load_user_flags(path)


def test_user_flags_without_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        msg = "no corpus (test)"
        raise WordNetUnavailableError(msg)

    monkeypatch.setattr(wordnet, "full_wordnet", missing)
    path = tmp_path / "u.csv"
    path.write_text("n02084071,a\nn06717170,b\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"u\.csv, line 2: wnid 'n06717170' is not in the shipped"):
        flags.load_user_flags(path)
    with pytest.raises(DataFileError, match="corpus to check it is not installed"):
        flags.load_user_flags(path)


def test_user_flags_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read user flag file"):
        flags.load_user_flags(tmp_path / "absent.tsv")


@pytest.mark.wordnet
def test_user_flags_checked_against_full_corpus(tmp_path: Path) -> None:
    if not _has_corpus():
        pytest.skip(f"full WordNet 3.0 corpus missing: run `{INSTALL}`")
    path = tmp_path / "u.tsv"
    path.write_text("n06717170\tdomain\n", encoding="utf-8")
    table = flags.load_user_flags(path)
    assert table.check == "snapshot+full corpus"
    assert table.flags == {"domain": {"n06717170"}}
    path.write_text("n06717170\tdomain\nn06717171\tdomain\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"line 2: unknown wnid 'n06717171': not in WordNet 3\.0"):
        flags.load_user_flags(path)


@pytest.mark.wordnet
def test_flags_for_beyond_the_snapshot() -> None:
    if not _has_corpus():
        pytest.skip(f"full WordNet 3.0 corpus missing: run `{INSTALL}`")
    assert flags.flags_for("n06717170", full=True) == {}  # disparagement (the concept)
    # the non-person synsets with a derogatory marker are outside the snapshot
    corpus = wordnet.full_wordnet()
    snap = wordnet.snapshot_wnids()
    outside = set()
    for s in corpus.all_synsets("n"):
        wnid = wordnet.wnid_of(s)
        if wnid not in snap and "derogatory" in flags.flags_for(wnid, full=True):
            outside.add(wnid)
    assert len(outside) == 14
    assert not outside & wordnet.person_subtree(instances=True, root=True)
    # gloss rules that would over-reach outside the person subtree
    for wnid in ("n00801450", "n08463509"):  # "derogatory rumors", "in offensive language"
        assert "derogatory" not in flags.flags_for(wnid, full=True), wnid
    if DERIVED_FLAGS.is_file():
        with DERIVED_FLAGS.open(encoding="utf-8", newline="") as fh:
            ref = {
                r["wnid"]
                for r in csv.DictReader(fh, delimiter="\t")
                if r["derogatory"] == "1" and r["wnid"] not in snap
            }
        # "a derogatory reference to priests": flagged here, not in the derived table
        assert outside - ref == {"n05908727"}
        assert ref <= outside
