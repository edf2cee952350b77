"""One policy for labels the audits found offensive, on every output: withheld unless asked.

Offensive labels appear here only as data read from the shipped files, never typed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions import wordnet
from imagenet_versions.__main__ import main
from imagenet_versions._withhold import WITHHELD, LabelPolicy, withheld
from imagenet_versions.errors import UnknownSynsetError

ROOT = Path(__file__).resolve().parent.parent
# offensive (Yang et al.) and derogatory (WordNet) in ImageNet-12k: the 12k survivors leaked them on 1d36834
OFFENSIVE_12K = "n09643799"


@cache
def innocent_lemmas() -> frozenset[str]:
    """Lemmas that also name a synset whose label is not withheld (e.g. a neutral lemma of a marked synset)."""
    out = set()
    for line in (ROOT / "imagenet_versions" / "data" / "names.tsv").read_text("utf-8").splitlines():
        w, _, names = line.partition("\t")
        if w not in withheld():
            out |= {names, *(n.strip() for n in names.split(","))}
    for w in wordnet.snapshot_wnids() - withheld():
        s = wordnet.synset(w)
        out |= {s.name.replace("_", " "), *(lem.replace("_", " ") for lem in s.lemmas)}
    return frozenset(out)


# The library's own words (flag names, category statuses): a synset whose lemma is one of them is not
# named where the word is used in its ordinary sense.
VOCABULARY = frozenset(iv.flags.FLAGS) | {"unknown", "published", "reconstructed", "derived"}


@cache
def forbidden() -> dict[str, tuple[str, ...]]:
    """wnid -> the label strings of a withheld synset.

    Its catalog name and its lemmas, where no other synset has them; but of a synset
    withheld only because WordNet marks one lemma derogatory, just that lemma.
    """
    cat = iv.Catalog.default()
    out = {}
    for w in withheld():
        names = {cat.name_of(w)} - {w} - innocent_lemmas()  # a homonym of a neutral synset is not a leak
        try:
            s = wordnet.synset(w)
            lemmas = {s.name.replace("_", " "), *(lem.replace("_", " ") for lem in s.lemmas)}
        except UnknownSynsetError:
            lemmas = set()
        ev = iv.flags_for(w).get("derogatory")
        if w not in iv.flagged("offensive") and ev is not None:
            marks = [m for m in ev.value if m.level == "lemma"]
            if marks and len(marks) == len(ev.value):
                lemmas = {m.lemma.replace("_", " ") for m in marks}
        names |= {n for n in lemmas if n not in innocent_lemmas() and n not in VOCABULARY}
        out[w] = tuple(sorted(n for n in names if n))
    return out


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    by_name: dict[str, set[str]] = {}
    for w, names in forbidden().items():
        for n in names:
            by_name.setdefault(n, set()).add(w)
    alt = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?<![\w-] )(?:{alt})(?![\w-])(?! [\w-])")
    return pattern, {n: frozenset(ws) for n, ws in by_name.items()}


def leaked(text: str, wnids: set[str] | None = None) -> list[str]:
    """Withheld labels found in ``text``, returned by wnid only (sorted).

    A label counts where it stands alone (exact case, not joined to another word by a space or a
    hyphen: ``beer X`` is another synset's lemma, not ``X``), as it does in a table cell, a JSON
    string or a list of lemmas.
    """
    text = re.sub(r"n\d{8}\s+", "\n", text)  # a label after its wnid stands alone
    pattern, by_name = _pattern()
    found: set[str] = set()
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        found |= by_name[m.group(0)]
        pos = m.start() + 1
    return sorted(found if wnids is None else found & wnids)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


def test_the_withheld_set_is_the_offensive_and_derogatory_synsets() -> None:
    assert withheld() == iv.flagged("offensive") | iv.flagged("derogatory")
    assert len(iv.flagged("offensive")) == 437
    assert OFFENSIVE_12K in withheld()
    assert iv.flags.withheld_labels() == withheld()


def test_survivors_withhold_names_and_marked_lemmas_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    r = iv.survivors("imagenet-12k")
    hit = {s.wnid for s in r} & withheld()
    assert len(hit) >= 74
    assert {s.wnid for s in r if s.name == WITHHELD} == hit
    assert leaked(repr(r.survivors) + json.dumps(r.to_list()), hit) == []
    shown = iv.survivors("imagenet-12k", show_offensive=True)
    assert [s.wnid for s in shown] == [s.wnid for s in r]
    assert WITHHELD not in json.dumps(shown.to_list())
    assert len(leaked(json.dumps(shown.to_list()), hit)) >= 50  # (some are homonyms of neutral lemmas)
    for argv in (["survivors", "imagenet-12k", "--all"], ["survivors", "imagenet-12k", "--json"]):
        code, out = run(capsys, *argv)
        ok = code == 0 and OFFENSIVE_12K in out and out.count(WITHHELD) >= len(hit)
        assert ok and leaked(out, hit) == [], argv
        code, out = run(capsys, *argv, "--show-offensive")
        ok = code == 0 and WITHHELD not in out and len(leaked(out, hit)) >= 50
        assert ok, argv


def test_trace_withholds_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    t = iv.trace(OFFENSIVE_12K)
    assert (t.name, t.gloss) == (WITHHELD, WITHHELD) and "imagenet-12k" in t.present_in
    assert leaked(repr(t) + json.dumps(t.to_dict()), {OFFENSIVE_12K}) == []
    assert leaked(iv.trace(OFFENSIVE_12K, show_offensive=True).name, {OFFENSIVE_12K}) == [OFFENSIVE_12K]
    for argv in (["trace", OFFENSIVE_12K], ["trace", OFFENSIVE_12K, "--json"]):
        code, out = run(capsys, *argv)
        ok = code == 0 and WITHHELD in out
        assert ok and leaked(out, {OFFENSIVE_12K}) == [], argv
        code, out = run(capsys, *argv, "--show-offensive")
        ok = code == 0 and WITHHELD not in out
        assert ok and leaked(out, {OFFENSIVE_12K}) == [OFFENSIVE_12K], argv


def test_subtree_show_diff_and_label_map_withhold(capsys: pytest.CaptureFixture[str]) -> None:
    hit = set(iv.categories("imagenet-fall11")) & withheld()
    for argv in (
        ["subtree", "n00007846", "imagenet-fall11", "--all"],
        ["show", "imagenet-fall11", "--all"],
        ["diff", "imagenet-fall11", "imagenet-winter21", "--all"],
        ["label-map", "imagenet-fall11", "imagenet-winter21", "--all"],
    ):
        code, out = run(capsys, *argv)
        ok = code == 0 and out.count(WITHHELD) >= 437
        assert ok and leaked(out, hit) == [], argv
        code, out = run(capsys, *argv, "--show-offensive")
        ok = code == 0 and WITHHELD not in out and len(leaked(out, hit)) >= 300
        assert ok, argv


def test_exports_and_diagrams_withhold(capsys: pytest.CaptureFixture[str]) -> None:
    hit = set(iv.categories("imagenet-fall11")) & withheld()
    doc = json.dumps(iv.to_croissant("imagenet-fall11"))
    assert doc.count(WITHHELD) >= len(hit) and leaked(doc, hit) == []
    shown = json.dumps(iv.to_croissant("imagenet-fall11", show_offensive=True))
    assert len(leaked(shown, hit)) >= 300
    code, out = run(capsys, "export", "croissant", "imagenet-12k")
    assert code == 0 and leaked(out) == []
    code, out = run(capsys, "export", "croissant", "imagenet-12k", "--show-offensive")
    assert code == 0 and len(leaked(out)) >= 50
    for text in (iv.to_mermaid(), iv.to_dot(), json.dumps(iv.to_prov())):
        assert leaked(text) == []


def test_the_policy_object() -> None:
    cat = iv.Catalog.default()
    hide, show = LabelPolicy(), LabelPolicy(show_offensive=True)
    assert hide.hides(OFFENSIVE_12K) and not show.hides(OFFENSIVE_12K)
    assert hide.namer(cat)(OFFENSIVE_12K) == WITHHELD
    assert show.namer(cat)(OFFENSIVE_12K) == cat.name_of(OFFENSIVE_12K) != WITHHELD
    assert hide.namer(cat)("n01440764") == cat.name_of("n01440764")


@pytest.mark.parametrize(
    "path",
    sorted(
        [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "notebooks").glob("*.ipynb")],
        key=str,
    ),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_docs_notebooks_and_readme_name_no_withheld_label(path: Path) -> None:
    assert leaked(path.read_text("utf-8")) == [], path


def test_the_built_docs_and_executed_notebooks_name_no_withheld_label(docs_html: Path) -> None:
    pages = sorted(docs_html.rglob("*.html"))
    assert any("notebooks" in str(p) for p in pages)
    for page in pages:
        text = re.sub(r"<[^>]+>", " ", page.read_text("utf-8"))
        assert leaked(text) == [], page.relative_to(docs_html)


def test_an_ambiguous_lemma_error_withholds_the_candidates_labels(capsys: pytest.CaptureFixture[str]) -> None:
    # a lemma (read from the data, not typed) that names a withheld synset and a neutral one
    target = "n09638009"
    lemma = next(lem for lem in wordnet.synset(target).lemmas if len(wordnet.lookup(lem)) > 1)
    with pytest.raises(iv.AmbiguousLemmaError) as err:
        iv.trace(lemma)
    cands = {w: (name, gloss) for w, name, gloss in err.value.candidates}
    assert cands[target] == (WITHHELD, WITHHELD)
    assert any(name != WITHHELD for name, _ in cands.values())
    assert main(["trace", lemma]) == 2
    msg = capsys.readouterr().err
    assert target in msg and WITHHELD in msg and msg.count("\n") == 1
