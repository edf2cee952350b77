"""WordNet 3.0 for ImageNet synsets: a shipped snapshot, and the full corpus when present.

This is the only module that imports nltk, and only inside functions: importing
``imagenet_versions`` (or this module) never imports nltk.

The snapshot
    ``data/wordnet_snapshot.tsv.gz`` is built by ``tools/build_wordnet.py`` from
    WordNet 3.0 read through NLTK. It holds every wnid of the fall11, Google 21k,
    Microsoft 22k and ILSVRC-2012 label lists, the ImageNet-9 and BREEDS superclasses,
    the Yang et al. 2020 person-subtree annotations, all their ancestors (in ImageNet's
    is-a graph and through WordNet hypernym and instance-hypernym links) and the whole
    WordNet person subtree below ``n00007846`` (hyponym and instance-hyponym links).
    Everything here works offline from it. Queries read it through the build-time
    answers of ``tools/build_answers.py`` (``data/answers/``: the same rows in block
    tables by wnid, by folded lemma and by is-a parent, and the person subtree), so a
    question about one synset decompresses one block of 128 rows, not the snapshot.

Lemmas
    Lemmas are kept exactly as WordNet 3.0 spells them: in WordNet order, with
    underscores for spaces and WordNet's capitalisation (``"Homo_sapiens"``).
    :func:`lookup` treats case, spaces and underscores as equivalent.

The full corpus
    :func:`full_wordnet` returns NLTK's reader over the full WordNet 3.0 corpus, for
    questions beyond the snapshot. It looks in NLTK's data path, then in
    ``$WNSEARCHDIR``, then in ``/usr/share/wordnet`` (Debian's ``wordnet-base``). The
    Debian data directory has no ``lexnames`` file; the reader supplies the 45 WordNet
    3.0 lexicographer file names (:data:`WORDNET30_LEXNAMES`) itself.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from imagenet_versions import _blocks, _data
from imagenet_versions.errors import UnknownFlagError, UnknownSynsetError, WordNetUnavailableError

__all__ = [
    "LISTS",
    "PERSON",
    "SNAPSHOT_COLUMNS",
    "WORDNET30_LEXNAMES",
    "Synset",
    "ancestors",
    "answer_set",
    "children",
    "descendants",
    "full_wordnet",
    "in_snapshot",
    "listed",
    "lookup",
    "person_subtree",
    "snapshot_wnids",
    "synset",
]

#: The wnid of ``person.n.01``, root of the person subtree audited by Yang et al. 2020.
PERSON = "n00007846"

#: Columns of ``data/wordnet_snapshot.tsv.gz``, in order. List-valued cells are
#: ``;``-separated; ``lemma_usage_domains`` cells are ``lemma>domain`` items.
SNAPSHOT_COLUMNS = (
    "wnid",
    "lexname",
    "lists",
    "lemmas",
    "parents",
    "hypernyms",
    "instance_hypernyms",
    "usage_domains",
    "lemma_usage_domains",
    "gloss",
)

#: The label lists the snapshot was built from, by the code used in :attr:`Synset.lists`.
LISTS = {
    "fall11": "ImageNet fall11 release, 21,841 synsets (timm imagenet22k_synsets.txt)",
    "goog21k": "Google's ImageNet-21k label space, 21,843 wnids (BiT / ViT)",
    "ms22k": "Microsoft's ImageNet-22K remapping for FocalNet, 21,842 wnids (timm imagenet-22k-ms)",
    "ilsvrc2012": "ILSVRC-2012 (ImageNet-1K), 1,000 synsets; label index = sorted order",
    "in9": "ImageNet-9 (Backgrounds Challenge) superclasses",
    "breeds": "BREEDS modified-hierarchy nodes that are WordNet ids",
    "yang2020": "person synsets annotated by Yang et al. 2020 (safety, imageability)",
}

#: The 45 WordNet 3.0 lexicographer file names, by file number (lexnames(5WN), as
#: shipped in WordNet 3.0's ``dict/lexnames`` and Debian's ``lexnames.5WN`` man page).
WORDNET30_LEXNAMES = (
    "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal",
    "noun.artifact", "noun.attribute", "noun.body", "noun.cognition",
    "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group",
    "noun.location", "noun.motive", "noun.object", "noun.person", "noun.phenomenon",
    "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
    "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body",
    "verb.change", "verb.cognition", "verb.communication", "verb.competition",
    "verb.consumption", "verb.contact", "verb.creation", "verb.emotion", "verb.motion",
    "verb.perception", "verb.possession", "verb.social", "verb.stative", "verb.weather",
    "adj.ppl",
)  # fmt: skip

_WNID = re.compile(r"n\d{8}")
_DEBIAN_DIR = Path("/usr/share/wordnet")
_SNAPSHOT = "wordnet_snapshot.tsv.gz"
_INSTALL_HINT = (
    "install it with `apt-get install wordnet-base wordnet-sense-index` (Debian/Ubuntu) "
    "or `python -m nltk.downloader wordnet`"
)
# Files NLTK's WordNetCorpusReader opens when it starts.
_REQUIRED = tuple(f"{kind}.{pos}" for kind in ("index", "data") for pos in ("noun", "verb", "adj", "adv")) + tuple(
    f"{pos}.exc" for pos in ("noun", "verb", "adj", "adv")
)


def _tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _pairs(value: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in value)


@attrs.frozen
class Synset:
    """One WordNet 3.0 noun synset, as the snapshot records it.

    Attributes:
        wnid: ``n`` + the 8-digit data.noun offset, e.g. ``"n02084071"``.
        lemmas: WordNet lemmas in WordNet order, spelt as WordNet has them
            (underscores for spaces).
        gloss: the WordNet definition (examples removed, as NLTK's ``definition()``).
        lexname: lexicographer file, e.g. ``"noun.person"``.
        parents: parents in ImageNet's is-a graph (``wordnet.is_a.txt``), sorted.
        hypernyms: WordNet hypernyms (``@`` pointers), sorted.
        instance_hypernyms: WordNet instance hypernyms (``@i`` pointers), sorted.
        usage_domains: usage-domain markers on the whole synset (``;u`` pointers with
            source/target ``0000``), as the first lemma of the domain synset with
            spaces, e.g. ``"ethnic slur"``, ``"disparagement"``, ``"slang"``.
        lemma_usage_domains: usage-domain markers on single lemmas, as
            ``(lemma, domain)`` pairs.
        lists: the source label lists of the snapshot that name this wnid (see
            :data:`LISTS`); empty for synsets kept only as ancestors or as persons.
    """

    wnid: str = attrs.field(validator=attrs.validators.matches_re(_WNID))
    lemmas: tuple[str, ...] = attrs.field(converter=_tuple)
    gloss: str
    lexname: str
    parents: tuple[str, ...] = attrs.field(converter=_tuple, default=())
    hypernyms: tuple[str, ...] = attrs.field(converter=_tuple, default=())
    instance_hypernyms: tuple[str, ...] = attrs.field(converter=_tuple, default=())
    usage_domains: tuple[str, ...] = attrs.field(converter=_tuple, default=())
    lemma_usage_domains: tuple[tuple[str, str], ...] = attrs.field(converter=_pairs, default=())
    lists: tuple[str, ...] = attrs.field(converter=_tuple, default=())

    @property
    def name(self) -> str:
        """The first lemma (WordNet spelling)."""
        return self.lemmas[0]

    @property
    def all_usage_domains(self) -> frozenset[str]:
        """Usage domains at synset level and at the level of any lemma."""
        return frozenset(self.usage_domains) | {d for _, d in self.lemma_usage_domains}

    def to_row(self) -> str:
        """Return the snapshot line for this synset (no newline)."""
        cells = (
            self.wnid,
            self.lexname,
            ";".join(self.lists),
            ";".join(self.lemmas),
            ";".join(self.parents),
            ";".join(self.hypernyms),
            ";".join(self.instance_hypernyms),
            ";".join(self.usage_domains),
            ";".join(f"{lemma}>{dom}" for lemma, dom in self.lemma_usage_domains),
            self.gloss,
        )
        return "\t".join(cells)

    @classmethod
    def from_row(cls, line: str) -> Synset:
        """Parse one snapshot line (see :data:`SNAPSHOT_COLUMNS`)."""
        wnid, lexname, lists, lemmas, parents, hyper, inst, dom, lemma_dom, gloss = line.split("\t")

        def split(cell: str) -> list[str]:
            return cell.split(";") if cell else []

        return cls(
            wnid=wnid,
            lemmas=split(lemmas),
            gloss=gloss,
            lexname=lexname,
            parents=split(parents),
            hypernyms=split(hyper),
            instance_hypernyms=split(inst),
            usage_domains=split(dom),
            lemma_usage_domains=[_lemma_domain(item) for item in split(lemma_dom)],
            lists=split(lists),
        )


def _lemma_domain(item: str) -> tuple[str, str]:
    lemma, domain = item.split(">", 1)
    return lemma, domain


def _norm(lemma: str) -> str:
    return " ".join(lemma.replace("_", " ").split()).casefold()


@attrs.frozen
class _Snapshot:
    synsets: dict[str, Synset]
    children: dict[str, tuple[str, ...]]
    hyponyms: dict[str, tuple[str, ...]]
    instance_hyponyms: dict[str, tuple[str, ...]]
    by_lemma: dict[str, tuple[str, ...]]

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> _Snapshot:
        lines = iter(lines)
        header = next(lines).rstrip("\n").split("\t")
        if tuple(header) != SNAPSHOT_COLUMNS:
            msg = f"unexpected wordnet snapshot header: {header!r}"
            raise ValueError(msg)
        synsets: dict[str, Synset] = {}
        for line in lines:
            s = Synset.from_row(line.rstrip("\n"))
            synsets[s.wnid] = s
        kids: dict[str, list[str]] = {}
        hypo: dict[str, list[str]] = {}
        inst: dict[str, list[str]] = {}
        lem: dict[str, list[str]] = {}
        for s in synsets.values():
            for p in s.parents:
                kids.setdefault(p, []).append(s.wnid)
            for p in s.hypernyms:
                hypo.setdefault(p, []).append(s.wnid)
            for p in s.instance_hypernyms:
                inst.setdefault(p, []).append(s.wnid)
            for lemma in s.lemmas:
                ids = lem.setdefault(_norm(lemma), [])
                if s.wnid not in ids:
                    ids.append(s.wnid)
        return cls(
            synsets=synsets,
            children={k: tuple(v) for k, v in kids.items()},
            hyponyms={k: tuple(v) for k, v in hypo.items()},
            instance_hyponyms={k: tuple(v) for k, v in inst.items()},
            by_lemma={k: tuple(v) for k, v in lem.items()},
        )

    def get(self, wnid: str) -> Synset:
        try:
            return self.synsets[wnid]
        except KeyError:
            raise _unknown(wnid, len(self.synsets)) from None


def _unknown(wnid: object, size: int) -> UnknownSynsetError:
    if not isinstance(wnid, str) or not _WNID.fullmatch(wnid):
        msg = f"not a WordNet noun id: {wnid!r} (expected 'n' and 8 digits, e.g. 'n02084071')"
    else:
        msg = (
            f"wnid not in the shipped wordnet snapshot: {wnid!r} (the snapshot holds the "
            f"{size:,} synsets of the ImageNet label lists, their ancestors and the person "
            "subtree); the full WordNet 3.0 corpus answers beyond the snapshot: "
            "use synset(wnid, full=True) or full_wordnet()"
        )
    return UnknownSynsetError(msg)


def snapshot_path() -> Path:
    """Return the path of the shipped snapshot file."""
    return Path(str(_data.root() / _SNAPSHOT))


@functools.cache
def _snapshot() -> _Snapshot:
    """The whole snapshot parsed into records (what ``tools/build_answers.py`` reads).

    Queries do not use it: they read single rows of the build-time answers
    (:func:`_table`), which hold the same facts.
    """
    from imagenet_versions import _data
    from imagenet_versions.errors import IntegrityError

    # read_bytes checks the file against its provenance record first
    raw = _data.read_bytes(_SNAPSHOT)
    try:
        import gzip  # the whole snapshot is read only by the full-table queries

        text = gzip.decompress(raw).decode("utf-8")
        return _Snapshot.from_lines(text.removesuffix("\n").split("\n"))
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        msg = f"shipped data file imagenet_versions/data/{_SNAPSHOT} cannot be read: {exc}; reinstall imagenet_versions"
        raise IntegrityError(msg) from exc


@functools.cache
def _table(name: str) -> _blocks.BlockTable:
    """One build-time answer table: ``synsets``, ``lemmas`` or ``children`` (``data/answers/``)."""
    rel = f"answers/{name}.blocks"
    return _blocks.BlockTable(_data.read_bytes(rel), f"imagenet_versions/data/{rel}")


@functools.cache
def _set_lines() -> dict[str, str]:
    """The lines of ``data/answers/sets.tsv`` by set name (derogatory, informal, person,
    person+instances), each split into a set only when asked for."""
    out: dict[str, str] = {}
    for line in _data.read_text("answers/sets.tsv").splitlines():
        name, _, ids = line.partition("\t")
        out[name] = ids
    return out


@functools.cache
def answer_set(name: str) -> frozenset[str]:
    """A set computed at build time over the whole snapshot (see ``tools/build_answers.py``).

    ``derogatory`` and ``informal`` (the WordNet usage-marker flags), ``person``
    (below n00007846 by hyponym links) and ``person+instances``.

    Raises:
        UnknownFlagError: no such set; the message names the known ones.
    """
    lines = _set_lines()
    if name not in lines:
        msg = f"no build-time set named {name!r}; known: {', '.join(lines)}"
        raise UnknownFlagError(msg)
    ids = lines[name]
    return frozenset(ids.split(";")) if ids else frozenset()


@functools.lru_cache(maxsize=65_536)  # bounded: callers may pass any string
def _record(wnid: str) -> Synset | None:
    row = _table("synsets").row(wnid)
    return None if row is None else Synset.from_row(row)


def _get(wnid: object) -> Synset:
    found = _record(wnid) if isinstance(wnid, str) else None
    if found is None:
        raise _unknown(wnid, len(snapshot_wnids()))
    return found


def in_snapshot(wnid: str) -> bool:
    """True when ``wnid`` is in the shipped snapshot (reads one block, not the snapshot)."""
    return isinstance(wnid, str) and _record(wnid) is not None


@functools.cache
def snapshot_wnids() -> frozenset[str]:
    """Return every wnid in the shipped snapshot."""
    return frozenset(row[: row.index("\t")] for row in _table("synsets"))


def synset(wnid: str, *, full: bool = False) -> Synset:
    """Return the synset ``wnid`` from the snapshot.

    Args:
        wnid: a WordNet 3.0 noun id such as ``"n02084071"``.
        full: if the wnid is not in the snapshot, build the record from the full
            corpus (:func:`full_wordnet`). Its ``parents`` are then the WordNet
            hypernyms and instance hypernyms, which is what ImageNet's is-a graph
            holds for every synset of the snapshot (checked by the build script).

    Raises:
        UnknownSynsetError: ``wnid`` is malformed, or not in the snapshot (and, with
            ``full=True``, not in WordNet 3.0).
        WordNetUnavailableError: ``full=True`` was needed but the corpus is missing.

    Example:
        >>> synset("n02084071").name
        'dog'
    """
    found = _record(wnid) if isinstance(wnid, str) else None
    if found is not None:
        return found
    if not full or not isinstance(wnid, str) or not _WNID.fullmatch(wnid):
        raise _unknown(wnid, len(snapshot_wnids()))
    return _from_corpus(full_wordnet(), wnid)


def listed(code: str) -> frozenset[str]:
    """Return the wnids of one snapshot source list (a key of :data:`LISTS`).

    Raises:
        KeyError: ``code`` is not a key of :data:`LISTS`.
    """
    if code not in LISTS:
        msg = f"unknown list: {code!r}; known: {', '.join(LISTS)}"
        raise KeyError(msg)
    return _lists()[code]


@functools.cache
def _lists() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {code: set() for code in LISTS}
    for row in _table("synsets"):
        wnid, _lex, lists, _rest = row.split("\t", 3)
        for code in lists.split(";") if lists else ():
            found[code].add(wnid)
    return {code: frozenset(ws) for code, ws in found.items()}


def lookup(lemma: str) -> list[Synset]:
    """Return the snapshot synsets with a lemma equal to ``lemma``.

    Case, spaces and underscores do not matter (``"Great Dane"`` finds
    ``Great_Dane``). Synsets are in snapshot (wnid) order; an empty list means no
    synset of the snapshot has that lemma (the full corpus may still have one).
    """
    key = _norm(lemma)
    row = _table("lemmas").row(key) if key and "\t" not in key and "\n" not in key else None
    if row is None:
        return []
    return [_get(w) for w in row.split("\t", 1)[1].split(";")]


def _children(wnid: str) -> tuple[str, ...]:
    row = _table("children").row(wnid)
    return () if row is None else tuple(row.split("\t", 1)[1].split(";"))


def children(wnid: str) -> tuple[str, ...]:
    """Return the children of ``wnid`` in ImageNet's is-a graph that are in the snapshot."""
    _get(wnid)
    return _children(wnid)


def ancestors(wnid: str) -> frozenset[str]:
    """Return every ancestor of ``wnid`` in ImageNet's is-a graph (``wnid`` excluded).

    Raises:
        UnknownSynsetError: ``wnid`` is not in the snapshot.
    """
    return frozenset(_walk(_get(wnid).parents, lambda w: _get(w).parents))


def descendants(wnid: str, within: Iterable[str] | None = None) -> frozenset[str]:
    """Return the descendants of ``wnid`` in ImageNet's is-a graph (``wnid`` excluded).

    Only synsets in the snapshot are known: every wnid of the shipped ImageNet lists
    is, but WordNet synsets that are in no ImageNet list and are not persons are not.

    Args:
        wnid: the root.
        within: if given, keep only these wnids (e.g. one version's categories).

    Raises:
        UnknownSynsetError: ``wnid`` is not in the snapshot.
    """
    _get(wnid)
    found = _descendants(wnid)
    return found if within is None else found & frozenset(within)


@functools.lru_cache(maxsize=256)
def _descendants(wnid: str) -> frozenset[str]:
    return frozenset(_walk(_children(wnid), _children))


def person_subtree(*, instances: bool = False, root: bool = False) -> frozenset[str]:
    """Return the WordNet person subtree below ``n00007846`` (person.n.01).

    Args:
        instances: also follow instance-hyponym links (named individuals such as
            ``n11196627``); by default only hyponym links, as Yang et al. 2020.
        root: include ``n00007846`` itself.

    The whole subtree is in the snapshot, so this needs no corpus; it is computed
    when the package data is built (``tools/build_answers.py``).
    """
    found = answer_set("person+instances" if instances else "person")
    return found | {PERSON} if root else found


def _walk(start: Iterable[str], step: Any) -> Iterator[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        w = stack.pop()
        if w in seen:
            continue
        seen.add(w)
        yield w
        stack.extend(step(w))


# ---------------------------------------------------------------------------
# the full corpus, through NLTK


def _usable(path: Path) -> bool:
    return path.is_dir() and all((path / f).is_file() for f in _REQUIRED)


def _nltk_root() -> Any | None:
    """NLTK's own ``wordnet`` data (folder or zip), or None."""
    import nltk.data  # type: ignore[import-untyped,unused-ignore]

    for name in ("corpora/wordnet.zip/wordnet/", "corpora/wordnet"):
        try:
            return nltk.data.find(name)
        except LookupError:
            continue
    return None


def corpus_locations() -> list[tuple[str, str | None]]:
    """Return where :func:`full_wordnet` looks, in order, as ``(label, path)`` pairs.

    ``path`` is None for an unset ``$WNSEARCHDIR``; NLTK's data path is searched by
    nltk itself and listed as ``"nltk data path"``.
    """
    return [
        ("nltk data (corpora/wordnet)", "nltk data path"),
        ("$WNSEARCHDIR", os.environ.get("WNSEARCHDIR") or None),
        ("Debian wordnet-base", str(_DEBIAN_DIR)),
    ]


def find_corpus() -> tuple[str, Any]:
    """Return ``(kind, root)`` of the WordNet corpus :func:`full_wordnet` would use.

    ``kind`` is ``"nltk"``, ``"WNSEARCHDIR"`` or ``"debian"``; ``root`` is an NLTK
    path pointer (``"nltk"``) or a :class:`~pathlib.Path`.

    Raises:
        WordNetUnavailableError: no corpus was found; the message says how to install one.
    """
    root = _nltk_root()
    if root is not None:
        return "nltk", root
    env = os.environ.get("WNSEARCHDIR")
    if env and _usable(Path(env)):
        return "WNSEARCHDIR", Path(env)
    if _usable(_DEBIAN_DIR):
        return "debian", _DEBIAN_DIR
    where = f"$WNSEARCHDIR={env!r}" if env else "$WNSEARCHDIR (unset)"
    msg = (
        "the full WordNet 3.0 corpus was not found (looked in nltk's data path for "
        f"corpora/wordnet, {where}, {_DEBIAN_DIR}); {_INSTALL_HINT}"
    )
    raise WordNetUnavailableError(msg)


def open_corpus(root: Any) -> Any:
    """Return NLTK's ``WordNetCorpusReader`` over ``root`` (a folder or NLTK path pointer).

    A folder without a ``lexnames`` file (Debian's ``/usr/share/wordnet``) gets the
    WordNet 3.0 list from :data:`WORDNET30_LEXNAMES`.

    Raises:
        WordNetUnavailableError: the folder lacks WordNet files or is not WordNet 3.0.
    """
    import warnings

    from nltk.corpus.reader.wordnet import WordNetCorpusReader  # type: ignore[import-untyped,unused-ignore]

    if isinstance(root, str | os.PathLike):
        path = Path(root)
        if not _usable(path):
            missing = [f for f in _REQUIRED if not (path / f).is_file()]
            msg = f"not a WordNet dict folder: {str(path)!r} lacks {', '.join(missing)}"
            raise WordNetUnavailableError(msg)
        root = str(path)
        _trust(root)

    need_lexnames = isinstance(root, str) and not (Path(root) / "lexnames").is_file()

    class _Reader(WordNetCorpusReader):  # type: ignore[misc]
        def open(self, file: str) -> Any:
            if file == "lexnames" and need_lexnames:
                lines = "".join(
                    f"{i:02d}\t{name}\t{_LEX_POS[name.split('.')[0]]}\n" for i, name in enumerate(WORDNET30_LEXNAMES)
                )
                return io.StringIO(lines)
            return super().open(file)

        def map_wn(self, version: str = "wordnet") -> None:
            # nltk maps this corpus onto its own "wordnet" package for the
            # multilingual (OMW) functions, which we never use; without the
            # package that mapping fails. This corpus *is* WordNet 3.0.
            return None

    with warnings.catch_warnings():
        # "The multilingual functions are not available": we never use OMW.
        warnings.simplefilter("ignore", UserWarning)
        reader = _Reader(root, None)
    version = reader.get_version()
    if version != "3.0":
        msg = f"the WordNet corpus at {root!s} is version {version!r}, not 3.0"
        raise WordNetUnavailableError(msg)
    return reader


_LEX_POS = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


def _trust(folder: str) -> None:
    """Let nltk read ``folder``.

    nltk >= 3.9.3 opens files only below the folders of ``nltk.data.path``; a
    WordNet dict folder outside them (``/usr/share/wordnet``, ``$WNSEARCHDIR``) is
    appended to that list, which is nltk's documented way to add a data folder.
    """
    import nltk.data

    if folder not in nltk.data.path:
        nltk.data.path.append(folder)


@functools.cache
def full_wordnet() -> Any:
    """Return NLTK's reader over the full WordNet 3.0 corpus (loaded once).

    Looks in NLTK's data path (``python -m nltk.downloader wordnet``), then in
    ``$WNSEARCHDIR``, then in ``/usr/share/wordnet`` (Debian's ``wordnet-base`` and
    ``wordnet-sense-index``).

    Raises:
        WordNetUnavailableError: no WordNet 3.0 corpus was found; the message says
            how to install one.
    """
    _kind, root = find_corpus()
    return open_corpus(root)


def _as_synset(target: Any) -> Any:
    # lemma-level pointers may point at a lemma of the domain synset
    return target.synset() if callable(getattr(target, "synset", None)) else target


def _domain_name(domain: Any) -> str:
    return str(_as_synset(domain).lemmas()[0].name()).replace("_", " ")


def wnid_of(nltk_synset: Any) -> str:
    """Return the wnid (``n`` + 8-digit offset) of an NLTK noun synset."""
    return f"{nltk_synset.pos()}{nltk_synset.offset():08d}"


def from_nltk(nltk_synset: Any, parents: Iterable[str] | None = None) -> Synset:
    """Build a :class:`Synset` record from an NLTK noun synset.

    Args:
        nltk_synset: a synset of :func:`full_wordnet`.
        parents: ImageNet is-a parents; by default the WordNet hypernyms and
            instance hypernyms.
    """
    hyper = sorted(wnid_of(h) for h in nltk_synset.hypernyms())
    inst = sorted(wnid_of(h) for h in nltk_synset.instance_hypernyms())
    lemma_domains = [
        (lemma.name(), _domain_name(d))
        for lemma in nltk_synset.lemmas()
        for d in sorted(lemma.usage_domains(), key=lambda t: wnid_of(_as_synset(t)))
    ]
    return Synset(
        wnid=wnid_of(nltk_synset),
        lemmas=[lemma.name() for lemma in nltk_synset.lemmas()],
        gloss=nltk_synset.definition(),
        lexname=nltk_synset.lexname(),
        parents=sorted(parents) if parents is not None else sorted({*hyper, *inst}),
        hypernyms=hyper,
        instance_hypernyms=inst,
        usage_domains=[_domain_name(d) for d in sorted(nltk_synset.usage_domains(), key=wnid_of)],
        lemma_usage_domains=lemma_domains,
    )


def _from_corpus(wn: Any, wnid: str) -> Synset:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = wn.synset_from_pos_and_offset("n", int(wnid[1:]))
    except Exception as exc:  # nltk raises WordNetError or an IndexError-like error
        msg = f"wnid not in WordNet 3.0: {wnid!r}"
        raise UnknownSynsetError(msg) from exc
    if s is None:
        msg = f"wnid not in WordNet 3.0: {wnid!r}"
        raise UnknownSynsetError(msg)
    return from_nltk(s)
