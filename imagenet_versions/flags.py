"""Named flags on ImageNet synsets, each from a cited source with a known licence.

A *flag* is a name (``"offensive"``, ``"derogatory"``, ``"person"``, ...) that a
*source* puts on a wnid, with *evidence* saying why. :func:`flag_sources` lists the
sources; :data:`FLAGS` maps each flag to its source.

========================  ============================  ===========  ===================
flag                      source                        shipped?     rule
========================  ============================  ===========  ===================
offensive                 ``yang2020-safety``           shipped      safety label
sensitive                 ``yang2020-safety``           shipped      safety label
safe                      ``yang2020-safety``           shipped      safety label
not-imageable             ``yang2020-safety``           shipped      safe, score < 4
derogatory                ``wordnet30-usage``           shipped      see below
informal                  ``wordnet30-usage``           shipped      slang/colloquialism
person                    ``wordnet30-person``          shipped      below n00007846
ambiguous                 ``janouskova2025-groups``     on demand    in a problem group
nsfw-audit                ``prabhu-birhane2020-nsfw``   on demand    mean score > 0.5
========================  ============================  ===========  ===================

``derogatory`` (WordNet 3.0): a usage-domain marker ``disparagement``, ``ethnic slur``
or ``obscenity`` on the synset or on any one of its lemmas (406 of WordNet's 1,066
noun usage-domain pointers sit on single lemmas), or a gloss matching
:data:`DEROGATORY_GLOSS` ("offensive term", "(ethnic slur)", "derogatory", ...).
WordNet 3.0 has no "offensive" usage domain: the word appears only in glosses.
``informal``: a ``slang`` or ``colloquialism`` marker at either level.

On-demand sources are never shipped (their licences do not allow it, or they have
none). They are downloaded on first use from a URL pinned to a commit, checked
against a pinned sha256 and cached (:func:`imagenet_versions._fetch.fetch`). Each
has an environment variable (:attr:`FlagSource.url_env`) and a ``url=`` argument to
use a mirror instead. Nothing touches the network at import, and shipped flags never
do.

User flags come from a ``wnid<TAB>flag`` or ``wnid,flag`` file: :func:`load_user_flags`.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import attrs

from imagenet_versions import _data, wordnet
from imagenet_versions._types import check_name, frozen_mapping
from imagenet_versions.errors import (
    CatalogError,
    DataFileError,
    DownloadError,
    UnknownFlagError,
    UnknownSynsetError,
    WordNetUnavailableError,
)

__all__ = [
    "DEFAULT_FLAGS",
    "DEROGATORY_DOMAINS",
    "DEROGATORY_GLOSS",
    "FLAGS",
    "INFORMAL_DOMAINS",
    "MAX_USER_FILE",
    "NSFW_THRESHOLD",
    "Evidence",
    "FlagSource",
    "Marker",
    "NsfwScore",
    "ProblemGroup",
    "UserFlags",
    "ambiguous_groups",
    "check_source_urls",
    "flag_facts",
    "flag_sources",
    "flagged",
    "flagged_any",
    "flags_for",
    "get_source",
    "load_user_flags",
    "nsfw_scores",
    "shipped_flags",
    "shortest_person_path",
    "withheld_labels",
]

#: The "unsafe" flags: what a survivor audit checks by default.
DEFAULT_FLAGS = ("offensive", "sensitive", "derogatory")

#: WordNet 3.0 usage domains that make a synset ``derogatory`` (synset or lemma level).
DEROGATORY_DOMAINS = frozenset({"disparagement", "ethnic slur", "obscenity"})

#: WordNet 3.0 usage domains that make a synset ``informal``.
INFORMAL_DOMAINS = frozenset({"slang", "colloquialism"})

#: Gloss patterns (case-insensitive) that make a synset ``derogatory``. They match a
#: gloss that says the *term* is offensive or derogatory ("offensive term for",
#: "(ethnic slur)", "(sometimes offensive)", "a derogatory term for"), not glosses
#: where the word describes something else ("offensive play", "offensive smell",
#: "inoffensive", "derogatory rumors", "(usually in offensive language)").
DEROGATORY_GLOSS = (
    r"\(ethnic slur\)",
    r"\boffensive(?: and (?:insulting|disparaging|derogatory))? (?:term|name)s?\b",
    r"\b(?:considered|regarded as) offensive\b",
    r"\((?:sometimes |often )?offensive\b[^)]*\)",
    r"\bderogatory (?:term|name|reference)s?\b",
    r"\bdisparaging terms?\b",
    r"\(disparaging\) term",
    r"\binsulting terms?\b",
    r"\bcontemptuous term",
    r"\bterms? of (?:abuse|contempt)\b",
)
_DEROG_GLOSS = re.compile("|".join(DEROGATORY_GLOSS), re.IGNORECASE)

#: ``nsfw-audit``: a class is flagged when its mean NSFW score over its training
#: images is above this. The score of one image is the sum of the hentai, porn and
#: sexy probabilities of the GantMan nsfw_model (0-1), so above 0.5 means the model
#: puts most of its probability on those classes on average. With the real file,
#: 5 ILSVRC-2012 classes are above it.
NSFW_THRESHOLD = 0.5

Level = Literal["synset", "lemma", "gloss"]


@attrs.frozen
class FlagSource:
    """Where a flag comes from.

    Attributes:
        name: source id, e.g. ``"yang2020-safety"``.
        flags: the flags it provides.
        description: what it is and the rule that turns it into flags.
        citation: who to cite.
        licence: the licence of the data (or the lack of one).
        url: where the data is published (for on-demand sources: the pinned file).
        shipped: True if the package ships what it needs; False if it is fetched on
            demand (and cached) when first asked for.
        sha256: pinned digest of the fetched file (on-demand sources only).
        url_env: environment variable that replaces ``url`` (on-demand sources only).
        size: pinned size in bytes of the fetched file (on-demand sources only); a
            download that sends more is stopped.
    """

    name: str
    flags: tuple[str, ...]
    description: str
    citation: str
    licence: str
    url: str
    shipped: bool
    sha256: str | None = None
    url_env: str | None = None
    size: int | None = None

    @property
    def on_demand(self) -> bool:
        """True if the data is fetched when first needed (the opposite of ``shipped``)."""
        return not self.shipped

    def to_dict(self) -> dict[str, object]:
        """Every field as plain JSON values (the entries of the ``flags@1`` shape)."""
        return {
            "name": self.name,
            "flags": list(self.flags),
            "description": self.description,
            "citation": self.citation,
            "licence": self.licence,
            "url": self.url,
            "shipped": self.shipped,
            "sha256": self.sha256,
            "size": self.size,
            "url_env": self.url_env,
        }


@attrs.frozen
class Marker:
    """One WordNet reason for ``derogatory`` or ``informal``.

    ``level`` is ``"synset"`` (a usage-domain pointer on the whole synset),
    ``"lemma"`` (on one lemma, named in ``lemma``) or ``"gloss"`` (``what`` is the
    matched gloss text); for pointers ``what`` is the usage domain.
    """

    level: Level
    what: str
    lemma: str | None = None


@attrs.frozen
class Evidence:
    """Why a wnid carries a flag.

    Attributes:
        flag: the flag.
        source: the :class:`FlagSource` name (or ``"user:<file>"``).
        value: the source's own value: the safety label (``"offensive"``), the
            imageability score (``not-imageable``), a tuple of :class:`Marker`
            (``derogatory``/``informal``), the hyponym path from person.n.01
            (``person``), the group's category codes (``ambiguous``), the mean
            train NSFW score (``nsfw-audit``), or the user file line.
        detail: a short human-readable explanation.
    """

    flag: str
    source: str
    value: object
    detail: str = ""


_YANG = FlagSource(
    name="yang2020-safety",
    flags=("offensive", "sensitive", "safe", "not-imageable"),
    description=(
        "Safety labels (offensive / sensitive / safe) of the 2,832 ImageNet person-subtree "
        "synsets and crowd imageability scores (1-5) of the 2,395 non-offensive ones. "
        "'not-imageable' = safe with imageability < 4 (the rule that removes 1,081 safe "
        "synsets from winter21). Shipped as data/person_safety.tsv."
    ),
    citation=(
        "Kaiyu Yang, Klint Qinami, Li Fei-Fei, Jia Deng, Olga Russakovsky. Towards Fairer "
        "Datasets: Filtering and Balancing the Distribution of the People Subtree in the "
        "ImageNet Hierarchy. FAT* 2020. https://arxiv.org/abs/1912.07726"
    ),
    licence=(
        "published by image-net.org without a stated licence; copied from the MIT-licensed "
        "mirror Bernardo1998/FairGRAPE"
    ),
    url="https://image-net.org/data/synsets_safety.csv",
    shipped=True,
)
_WN_USAGE = FlagSource(
    name="wordnet30-usage",
    flags=("derogatory", "informal"),
    description=(
        "WordNet 3.0 usage-domain markers at synset or lemma level: 'derogatory' for "
        "disparagement / ethnic slur / obscenity or a derogatory gloss (DEROGATORY_GLOSS); "
        "'informal' for slang / colloquialism. Computed from the shipped snapshot."
    ),
    citation="Princeton University. WordNet 3.0 (2006). https://wordnet.princeton.edu/",
    licence="WordNet 3.0 licence (permissive, notice required; see data/SOURCES.md)",
    url="https://wordnet.princeton.edu/",
    shipped=True,
)
_WN_PERSON = FlagSource(
    name="wordnet30-person",
    flags=("person",),
    description=(
        "Below person.n.01 (n00007846) in WordNet 3.0 by hyponym links (not instance "
        "links, not the root): the subtree Yang et al. 2020 audited; fall11 holds 2,832 "
        "such synsets. Computed from the shipped snapshot."
    ),
    citation="Princeton University. WordNet 3.0 (2006). https://wordnet.princeton.edu/",
    licence="WordNet 3.0 licence (permissive, notice required; see data/SOURCES.md)",
    url="https://wordnet.princeton.edu/",
    shipped=True,
)
_JANOUSKOVA = FlagSource(
    name="janouskova2025-groups",
    flags=("ambiguous",),
    description=(
        "48 groups of overlapping or ambiguous ILSVRC-2012 classes (151 classes), each "
        "with problem codes 1-6 (upstream CATEGORIES.md: 1 easily distinguishable by "
        "non-experts, 2 literally similar for non-experts, 3 class is a subclass of another "
        "class, 4 class is a part of another class object, 5 near synonyms as understood by "
        "non-experts, 6 mostly occur together). "
        "'ambiguous' = in any group. Keys are ILSVRC-2012 label indices (sorted wnids)."
    ),
    citation=(
        "N. Kisel, I. Volkov, K. Hanzelková, K. Janoušková, J. Matas. Flaws of ImageNet, "
        "Computer Vision's Favourite Dataset. ICLR 2025 blog post. "
        "https://iclr-blogposts.github.io/2025/blog/imagenet-flaws/"
    ),
    licence="no licence file in the repository: not redistributed, fetched on demand",
    url=(
        "https://raw.githubusercontent.com/klarajanouskova/ImageNet/"
        "04fb51bbb74e286c7f42f1bd9171eed088a282b4/classes/problem_groups/clusters.json"
    ),
    shipped=False,
    sha256="3ed6c41ad3bc54ef78ecf81474bf4dbe2ffa526744a11e448b701efde4e911ea",
    url_env="IMAGENET_VERSIONS_JANOUSKOVA2025_URL",
    size=10628,
)
_NSFW = FlagSource(
    name="prabhu-birhane2020-nsfw",
    flags=("nsfw-audit",),
    description=(
        "Per-class mean and std of an NSFW classifier score over the ILSVRC-2012 train "
        "and val images (GantMan nsfw_model, hentai + porn + sexy probabilities). "
        f"'nsfw-audit' = mean train score > {NSFW_THRESHOLD} (NSFW_THRESHOLD)."
    ),
    citation=(
        "Vinay Uday Prabhu, Abeba Birhane. Large image datasets: A pyrrhic win for computer "
        "vision? WACV 2021. https://arxiv.org/abs/2006.16923"
    ),
    licence="GPL-2.0: not redistributed, fetched on demand",
    url=(
        "https://raw.githubusercontent.com/vinayprabhu/Dataset_audits/"
        "e055be2124d59362074f2aa39f57236ee03ca9f4/Data/csv/df_nsfw.csv"
    ),
    shipped=False,
    sha256="59d9b1036d4c45dbda9891940b9a9783677a2b6e67e860b0aef538666b036338",
    url_env="IMAGENET_VERSIONS_PRABHU_BIRHANE2020_URL",
    size=90495,
)
_SOURCES = (_YANG, _WN_USAGE, _WN_PERSON, _JANOUSKOVA, _NSFW)

#: Every named flag, mapped to the name of its source.
FLAGS: Mapping[str, str] = MappingProxyType({flag: src.name for src in _SOURCES for flag in src.flags})


def flag_sources() -> tuple[FlagSource, ...]:
    """Return every flag source, shipped ones first."""
    return _SOURCES


def get_source(name: str) -> FlagSource:
    """Return the flag source called ``name``.

    Raises:
        UnknownFlagError: no such source; the message lists the known ones.
    """
    for src in _SOURCES:
        if src.name == name:
            return src
    msg = f"unknown flag source: {_shown(name)!r}; known: {', '.join(s.name for s in _SOURCES)}"
    raise UnknownFlagError(msg)


def _shown(value: object) -> object:
    """``value`` cut to 80 characters for an error message."""
    return value[:77] + "..." if isinstance(value, str) and len(value) > 80 else value


def _check_flag(flag: str) -> FlagSource:
    if not isinstance(flag, str) or flag not in FLAGS:
        msg = f"unknown flag: {_shown(flag)!r}; known: {', '.join(FLAGS)}"
        raise UnknownFlagError(msg)
    return get_source(FLAGS[flag])


def check_source_urls(urls: Mapping[str, str] | None) -> dict[str, str]:
    """Check a ``{source name: mirror URL}`` mapping for the on-demand sources.

    Returns it as a plain dict.

    Raises:
        UnknownFlagError: a name is not an on-demand flag source; the message lists them.
        DownloadError: a URL is empty or not http(s).
    """
    out: dict[str, str] = {}
    if not urls:
        return out
    on_demand = [s.name for s in _SOURCES if s.on_demand]
    for name, url in urls.items():
        if name not in on_demand:
            kind = "a shipped flag source, never downloaded" if name in FLAGS.values() else "unknown flag source"
            msg = f"{kind}: {_shown(name)!r}; sources fetched on demand: {', '.join(on_demand)}"
            raise UnknownFlagError(msg)
        if not isinstance(url, str) or not url.strip():
            msg = f"empty URL for flag source {name!r}"
            raise DownloadError(msg)
        if url.split(":", 1)[0].lower() not in ("http", "https") or ":" not in url:
            msg = f"URL for flag source {name!r} is not http(s): {_shown(url)!r}"
            raise DownloadError(msg)
        out[name] = url
    return out


# --- shipped: Yang et al. 2020 ---------------------------------------------------


_SAFETY_FILE = "person_safety.tsv"


@functools.cache
def _safety() -> dict[str, tuple[str, float | None]]:
    # read_text checks the file against its provenance record: a truncated table is an
    # IntegrityError, never a smaller count
    rows = _data.read_text(_SAFETY_FILE).split("\n")
    try:  # one pass; the line-by-line loop below only to name a malformed line
        return {
            w: (label, float(score) if score else None) for w, label, score in (r.split("\t") for r in rows[1:] if r)
        }
    except ValueError:
        pass
    out: dict[str, tuple[str, float | None]] = {}
    for n, line in enumerate(rows[1:], start=2):
        if not line:
            continue
        try:
            wnid, label, score = line.split("\t")
            out[wnid] = (label, float(score) if score else None)
        except ValueError as exc:
            msg = f"imagenet_versions/data/{_SAFETY_FILE}, line {n}: malformed row {_shown(line)!r}"
            raise DataFileError(msg) from exc
    return out


def _yang(wnid: str) -> dict[str, Evidence]:
    if wnid not in _safety():
        return {}
    label, score = _safety()[wnid]
    found = {label: Evidence(label, _YANG.name, label, f"safety label {label!r}")}
    if label == "safe" and score is not None and score < 4:
        found["not-imageable"] = Evidence("not-imageable", _YANG.name, score, f"safe, imageability {score:.2f} < 4")
    return found


# --- shipped: WordNet 3.0 --------------------------------------------------------


def _markers(s: wordnet.Synset, domains: frozenset[str]) -> list[Marker]:
    found = [Marker("synset", d) for d in s.usage_domains if d in domains]
    found += [Marker("lemma", d, lemma) for lemma, d in s.lemma_usage_domains if d in domains]
    return found


def _wordnet(s: wordnet.Synset) -> dict[str, Evidence]:
    found: dict[str, Evidence] = {}
    derog = _markers(s, DEROGATORY_DOMAINS)
    match = _DEROG_GLOSS.search(s.gloss)
    if match:
        derog.append(Marker("gloss", match.group(0)))
    if derog:
        found["derogatory"] = Evidence("derogatory", _WN_USAGE.name, tuple(derog), _describe(derog))
    informal = _markers(s, INFORMAL_DOMAINS)
    if informal:
        found["informal"] = Evidence("informal", _WN_USAGE.name, tuple(informal), _describe(informal))
    return found


def _describe(markers: Iterable[Marker]) -> str:
    parts = []
    for m in markers:
        if m.level == "synset":
            parts.append(f"usage domain {m.what!r} on the synset")
        elif m.level == "lemma":
            parts.append(f"usage domain {m.what!r} on one lemma")
        else:
            parts.append(f"gloss says {m.what!r}")
    return "; ".join(parts)


@functools.cache
def _person() -> frozenset[str]:
    return wordnet.person_subtree()


def _person_path(wnid: str) -> tuple[str, ...]:
    """A shortest hyponym path from person.n.01 down to ``wnid`` (both included),
    as computed at build time (:func:`shortest_person_path`)."""
    facts = flag_facts(wnid)
    if facts is not None and facts[1]:
        return facts[1]
    return shortest_person_path(wnid, lambda w: wordnet.synset(w).hypernyms)


@functools.cache
def _facts() -> Any:
    from imagenet_versions import _blocks

    rel = "answers/flagged.blocks"
    return _blocks.BlockTable(_data.read_bytes(rel), f"imagenet_versions/data/{rel}")


def flag_facts(wnid: str) -> tuple[str, tuple[str, ...]] | None:
    """``(first lemma, person path)`` of a wnid that a shipped source flags, computed at
    build time (``data/answers/flagged.blocks``); None for other wnids. The path is
    empty outside the person subtree."""
    return _flag_facts(wnid) if isinstance(wnid, str) else None


@functools.lru_cache(maxsize=65_536)  # bounded: callers may pass any string
def _flag_facts(wnid: str) -> tuple[str, tuple[str, ...]] | None:
    row = _facts().row(wnid)
    if row is None:
        return None
    _w, name, path = row.split("\t")
    return name, tuple(path.split(";")) if path else ()


def shortest_person_path(wnid: str, hypernyms: Callable[[str], Iterable[str]]) -> tuple[str, ...]:
    """A shortest hyponym path from person.n.01 down to ``wnid`` (both included), by a
    breadth-first walk up ``hypernyms`` (frontiers in wnid order); empty if none."""
    frontier = [wnid]
    # walk up hypernyms (breadth first) until person.n.01 is reached
    parent: dict[str, str] = {}
    seen = {wnid}
    while frontier:
        nxt = []
        for w in frontier:
            for h in hypernyms(w):
                if h in seen:
                    continue
                seen.add(h)
                parent[h] = w
                if h == wordnet.PERSON:
                    path = [h]
                    while path[-1] != wnid:
                        path.append(parent[path[-1]])
                    return tuple(path)
                nxt.append(h)
        frontier = sorted(nxt)
    return ()  # not reached for wnids of person_subtree()


def _person_flag(wnid: str) -> dict[str, Evidence]:
    if wnid not in _person():
        return {}
    path = _person_path(wnid)
    return {"person": Evidence("person", _WN_PERSON.name, path, f"{len(path) - 1} hyponym links below n00007846")}


def _wordnet_flagged() -> dict[str, frozenset[str]]:
    """``derogatory`` and ``informal`` over the whole snapshot: :func:`_wordnet` applied to
    every synset when the package data is built (``tools/build_answers.py``)."""
    return {flag: wordnet.answer_set(flag) for flag in ("derogatory", "informal")}


# --- on demand -------------------------------------------------------------------


def _fetch_source(src: FlagSource, url: str | None) -> Path:
    from imagenet_versions._fetch import fetch

    if src.sha256 is None or src.url_env is None:  # pragma: no cover - shipped sources
        msg = f"flag source {src.name!r} is shipped, not fetched"
        raise UnknownFlagError(msg)
    if url is not None:
        where = check_source_urls({src.name: url})[src.name]
    elif os.environ.get(src.url_env):
        where = os.environ[src.url_env]
    else:
        where = src.url
    return fetch(where, src.sha256, name=check_name(src.url.rsplit("/", 1)[-1], "file name"), size=src.size)


@attrs.frozen
class NsfwScore:
    """Prabhu & Birhane 2020 NSFW scores of one ILSVRC-2012 class (0-1)."""

    mean_train: float
    mean_val: float
    std_train: float
    std_val: float


def nsfw_scores(*, url: str | None = None) -> dict[str, NsfwScore]:
    """Return the per-class NSFW scores of Prabhu & Birhane 2020, by wnid.

    Downloads ``df_nsfw.csv`` (GPL-2.0, not shipped) on first use from the pinned
    commit, or from ``url`` / ``$IMAGENET_VERSIONS_PRABHU_BIRHANE2020_URL``; the file
    must have the pinned sha256, and is cached.

    Raises:
        DownloadError: the file could not be downloaded.
        IntegrityError: the file does not have the pinned sha256.
    """
    return dict(_read_nsfw(str(_fetch_source(_NSFW, url))))


@functools.lru_cache(maxsize=4)
def _read_nsfw(path: str) -> dict[str, NsfwScore]:
    # cached files are named by their (verified) sha256, so a path is its content
    return _parse_nsfw(_read_user_text(Path(path), "NSFW score file"), path)


def _parse_nsfw(text: str, where: str) -> dict[str, NsfwScore]:
    import csv  # only a user's CSV file needs it

    rows = list(csv.reader(io.StringIO(text)))
    expected = ["", "mean_nsfw_train", "mean_nsfw_val", "std_nsfw_train", "std_nsfw_val"]
    if not rows or rows[0] != expected:
        msg = f"unexpected header in {where}: {rows[0] if rows else []!r}"
        raise CatalogError(msg)
    out = {}
    for n, row in enumerate(rows[1:], start=2):
        try:
            wnid, *nums = row
            out[wnid] = NsfwScore(*(float(x) for x in nums))
        except (TypeError, ValueError) as exc:
            msg = f"{where}, line {n}: malformed row {row!r}"
            raise CatalogError(msg) from exc
    return out


@attrs.frozen
class ProblemGroup:
    """One group of overlapping ILSVRC-2012 classes (Janoušková et al. 2025)."""

    codes: tuple[int, ...]
    wnids: tuple[str, ...]
    names: tuple[str, ...]


def ambiguous_groups(*, url: str | None = None) -> tuple[ProblemGroup, ...]:
    """Return the 48 problem groups of the "Flaws of ImageNet" post, with wnids.

    Downloads ``clusters.json`` (no licence file, not shipped) on first use from the
    pinned commit, or from ``url`` / ``$IMAGENET_VERSIONS_JANOUSKOVA2025_URL``; it must
    have the pinned sha256 and is cached. Label indices are mapped to wnids by the
    ILSVRC-2012 label order (sorted wnids).

    Raises:
        DownloadError: the file could not be downloaded.
        IntegrityError: the file does not have the pinned sha256.
    """
    return _read_groups(str(_fetch_source(_JANOUSKOVA, url)))


@functools.lru_cache(maxsize=4)
def _read_groups(path: str) -> tuple[ProblemGroup, ...]:
    return _parse_groups(_read_user_text(Path(path), "problem-group file"), path)


def _parse_groups(text: str, where: str) -> tuple[ProblemGroup, ...]:
    order = sorted(wordnet.listed("ilsvrc2012"))
    groups = []
    try:
        for item in json.loads(text):
            idx = sorted(item["classes"], key=int)
            groups.append(
                ProblemGroup(
                    codes=tuple(int(c) for c in item["category"]),
                    wnids=tuple(order[int(i)] for i in idx),
                    names=tuple(item["classes"][i] for i in idx),
                )
            )
    except (KeyError, ValueError, IndexError, TypeError, AttributeError) as exc:
        msg = f"unexpected structure in {where}: {exc}"
        raise CatalogError(msg) from exc
    # each class name must be one lemma, or all lemmas joined: guards the index mapping
    for g in groups:
        for wnid, name in zip(g.wnids, g.names, strict=True):
            lemmas = [lemma.replace("_", " ").casefold() for lemma in wordnet.synset(wnid).lemmas]
            if name.casefold() not in lemmas and name.casefold() != ", ".join(lemmas):
                msg = f"class name {name!r} in {where} does not match {wnid} ({', '.join(lemmas)})"
                raise CatalogError(msg)
    return tuple(groups)


def _on_demand(flag: str, url: str | None) -> dict[str, Evidence]:
    out: dict[str, Evidence] = {}
    if flag == "nsfw-audit":
        for wnid, sc in nsfw_scores(url=url).items():
            if sc.mean_train > NSFW_THRESHOLD:
                out[wnid] = Evidence(
                    flag,
                    _NSFW.name,
                    sc.mean_train,
                    f"mean train NSFW score {sc.mean_train:.3f} > {NSFW_THRESHOLD} (val {sc.mean_val:.3f})",
                )
    elif flag == "ambiguous":
        for g in ambiguous_groups(url=url):
            for wnid in g.wnids:
                others = ", ".join(w for w in g.wnids if w != wnid)
                out[wnid] = Evidence(flag, _JANOUSKOVA.name, g.codes, f"problem codes {list(g.codes)}; with {others}")
    return out


# --- user flags ------------------------------------------------------------------

#: The largest user flag file read (64 MiB; all of WordNet's nouns with a flag each is ~2 MB).
MAX_USER_FILE = 64 << 20

# C0 controls but tab, LF and CR; DEL; C1 controls; the Unicode line and paragraph separators


def _read_user_text(path: Path, what: str) -> str:
    """A user's text file, decoded as strict UTF-8 (a BOM is accepted), lines ending in LF.

    Raises:
        DataFileError: the file cannot be read, is not UTF-8, has CR-only line ends or
            holds a control character; the message names the file and the line.
    """
    from imagenet_versions._decode import read_user_text

    text = read_user_text(path, limit=MAX_USER_FILE, what=what)
    return text.replace("\r\n", "\n")


def _frozen_flags(items: Mapping[str, frozenset[str]]) -> Mapping[str, frozenset[str]]:
    return frozen_mapping(items)


def _frozen_lines(items: Mapping[tuple[str, str], int]) -> Mapping[tuple[str, str], int]:
    return frozen_mapping(items)


@attrs.frozen
class UserFlags:
    """Flags read from a user file by :func:`load_user_flags`.

    Attributes:
        path: the file.
        flags: flag -> wnids.
        lines: (wnid, flag) -> line number, for evidence.
        check: how wnids were checked: ``"snapshot"`` (all were in the shipped
            snapshot) or ``"snapshot+full corpus"`` (some needed the full corpus).
    """

    path: Path
    flags: Mapping[str, frozenset[str]] = attrs.field(converter=_frozen_flags)
    lines: Mapping[tuple[str, str], int] = attrs.field(converter=_frozen_lines)
    check: str

    @property
    def source(self) -> str:
        return f"user:{self.path.name}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (flag -> sorted wnids)."""
        return {
            "path": str(self.path),
            "source": self.source,
            "flags": {f: sorted(ws) for f, ws in self.flags.items()},
            "check": self.check,
        }

    def for_wnid(self, wnid: str) -> dict[str, Evidence]:
        return {
            flag: Evidence(flag, self.source, n, f"{self.path}, line {n}")
            for (w, flag), n in self.lines.items()
            if w == wnid
        }


_FLAG_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}")
_WNID = re.compile(r"n\d{8}")


def load_user_flags(path: str | os.PathLike[str]) -> UserFlags:
    """Read ``wnid<TAB>flag`` (or ``wnid,flag``) rows from a file.

    Blank lines and lines starting with ``#`` are skipped; so is a first line
    ``wnid<sep>flag``. A wnid may carry several flags (one per line). Every wnid must
    be a WordNet 3.0 noun synset: it is looked up in the shipped snapshot and, if not
    there, in the full WordNet 3.0 corpus (:func:`~imagenet_versions.wordnet.full_wordnet`).

    The file is read as strict UTF-8 (a byte-order mark is accepted); lines end in LF
    or CRLF.

    Raises:
        DataFileError: the file cannot be read, is not UTF-8, has CR-only line ends or
            a control character, a row is malformed, or a wnid is not in WordNet 3.0
            (or, when the full corpus is not installed, not in the snapshot); the
            message names the file, the line and the check used.
    """
    p = Path(path)
    text = _read_user_text(p, "user flag file")
    known = wordnet.snapshot_wnids()
    flags: dict[str, set[str]] = {}
    lines: dict[tuple[str, str], int] = {}
    used_corpus = False
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t" if "\t" in line else ",")]
        if n == 1 and [c.lower() for c in cells] == ["wnid", "flag"]:
            continue
        if len(cells) != 2 or not _WNID.fullmatch(cells[0]) or not _FLAG_NAME.fullmatch(cells[1]):
            msg = (
                f"{p}, line {n}: malformed row {_shown(raw)!r} "
                "(expected 'wnid<TAB>flag' or 'wnid,flag', e.g. 'n02084071<TAB>my-flag')"
            )
            raise DataFileError(msg)
        wnid, flag = cells
        if wnid not in known:
            used_corpus = True
            _check_in_corpus(wnid, p, n)
        flags.setdefault(flag, set()).add(wnid)
        lines.setdefault((wnid, flag), n)
    return UserFlags(
        path=p,
        flags={f: frozenset(ws) for f, ws in flags.items()},
        lines=lines,
        check="snapshot+full corpus" if used_corpus else "snapshot",
    )


def _check_in_corpus(wnid: str, path: Path, n: int) -> None:
    try:
        wordnet.synset(wnid, full=True)
    except WordNetUnavailableError as exc:
        msg = (
            f"{path}, line {n}: wnid {wnid!r} is not in the shipped WordNet snapshot, and "
            f"the full WordNet 3.0 corpus to check it is not installed ({exc})"
        )
        raise DataFileError(msg) from exc
    except UnknownSynsetError as exc:
        msg = (
            f"{path}, line {n}: unknown wnid {wnid!r}: not in WordNet 3.0 "
            "(checked against the snapshot and the full corpus)"
        )
        raise DataFileError(msg) from exc


# --- queries ---------------------------------------------------------------------


def shipped_flags(wnid: str) -> Mapping[str, Evidence] | None:
    """The flags the shipped sources put on a snapshot wnid, with their evidence (read-only,
    computed once); ``None`` for a wnid outside the snapshot. :func:`flags_for` without
    on-demand sources, user flags or the full corpus, without its checks and copies."""
    return _shipped(wnid) if isinstance(wnid, str) else None


@functools.lru_cache(maxsize=65_536)  # bounded: callers may pass any string
def _shipped(wnid: str) -> Mapping[str, Evidence] | None:
    """The shipped flags of a snapshot wnid with their evidence (None outside the snapshot).

    Reads the synset only where the build-time sets say a WordNet flag is on it.
    """
    if flag_facts(wnid) is None and not wordnet.in_snapshot(wnid):
        return None
    found = _yang(wnid)
    if wnid in _wordnet_flagged()["derogatory"] or wnid in _wordnet_flagged()["informal"]:
        found.update(_wordnet(wordnet.synset(wnid)))
    found.update(_person_flag(wnid))
    return MappingProxyType(found)


def flags_for(
    wnid: str,
    *,
    on_demand: bool = False,
    user: UserFlags | Iterable[UserFlags] = (),
    urls: Mapping[str, str] | None = None,
    full: bool = False,
) -> dict[str, Evidence]:
    """Return every flag on ``wnid``, with its evidence.

    Args:
        wnid: a wnid of the shipped snapshot.
        on_demand: also consult the on-demand sources (downloads them on first use).
        user: flags loaded with :func:`load_user_flags`.
        urls: source name -> URL, to fetch on-demand sources from a mirror.
        full: for a wnid outside the snapshot, read it from the full WordNet 3.0
            corpus (``derogatory`` and ``informal`` are then computed from it; such a
            wnid is never a ``person``, as the snapshot holds the whole subtree).

    Raises:
        UnknownSynsetError: ``wnid`` is not in the snapshot (nor, with ``full=True``,
            in WordNet 3.0).
        WordNetUnavailableError: ``full=True`` was needed but the corpus is missing.
        UnknownFlagError: a key of ``urls`` is not an on-demand flag source.
        DownloadError: a URL of ``urls`` is empty or not http(s).

    Example:
        >>> sorted(flags_for("n02084071"))
        []
    """
    urls = check_source_urls(urls)
    shipped = _shipped(wnid) if isinstance(wnid, str) else None
    if shipped is not None:
        found = dict(shipped)
    else:
        s = wordnet.synset(wnid, full=full)
        found = {**_yang(wnid), **_wordnet(s), **_person_flag(wnid)}
    if on_demand:
        for flag in ("ambiguous", "nsfw-audit"):
            url = urls.get(FLAGS[flag])
            ev = _on_demand(flag, url).get(wnid)
            if ev is not None:
                found[flag] = ev
    for table in [user] if isinstance(user, UserFlags) else user:
        found.update(table.for_wnid(wnid))
    return found


def flagged(flag: str, *, url: str | None = None) -> frozenset[str]:
    """Return the wnids carrying ``flag``.

    Shipped flags cover the snapshot and need no network. On-demand flags
    (``ambiguous``, ``nsfw-audit``) download their source on first use (``url``
    replaces the pinned URL; the sha256 must still match).

    Raises:
        UnknownFlagError: ``flag`` is not one of :data:`FLAGS`; the message lists them.

    Example:
        >>> len(flagged("offensive"))
        437
    """
    src = _check_flag(flag)
    if src is _YANG:
        return _yang_flagged(flag)
    if src is _WN_USAGE:
        return _wordnet_flagged()[flag]
    if src is _WN_PERSON:
        return _person()
    return frozenset(_on_demand(flag, url))


@functools.cache
def _yang_flagged(flag: str) -> frozenset[str]:
    if flag == "not-imageable":
        return frozenset(w for w, (lab, sc) in _safety().items() if lab == "safe" and sc is not None and sc < 4)
    return frozenset(w for w, (lab, _) in _safety().items() if lab == flag)


def withheld_labels() -> frozenset[str]:
    """Wnids whose labels every output withholds by default (``show_offensive`` shows them).

    The synsets Yang et al. 2020 found offensive and those WordNet 3.0 marks
    derogatory; the one policy is :mod:`imagenet_versions._withhold`.
    """
    from imagenet_versions._withhold import withheld

    return withheld()


def flagged_any(flags: Iterable[str] = DEFAULT_FLAGS) -> frozenset[str]:
    """Return the wnids carrying any of ``flags`` (default: the "unsafe" set)."""
    out: set[str] = set()
    for flag in flags:
        out |= flagged(flag)
    return frozenset(out)
