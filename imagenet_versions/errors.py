"""The exceptions that imagenet_versions raises.

Every error the library raises on purpose is an :class:`Error`; each subclass
also derives from the built-in exception it resembles, so ``except LookupError``
keeps working in code that does not know this library.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousLemmaError",
    "AmbiguousVersionError",
    "CatalogError",
    "CategoriesUnknownError",
    "DataFileError",
    "DownloadError",
    "Error",
    "IntegrityError",
    "InvalidNameError",
    "LabelListError",
    "LineageError",
    "ManifestError",
    "ManifestWarning",
    "RenderError",
    "SiteError",
    "UnknownCheckpointError",
    "UnknownClassError",
    "UnknownFlagError",
    "UnknownOrderError",
    "UnknownSynsetError",
    "UnknownVersionError",
    "WordNetUnavailableError",
]


class Error(Exception):
    """Base class of every error raised by imagenet_versions."""

    __module__ = "imagenet_versions"


class UnknownVersionError(Error, LookupError):
    """No version in the catalog has this id or alias.

    The message names the closest known ids.
    """

    __module__ = "imagenet_versions"

    def __init__(self, query: str, candidates: tuple[str, ...] = (), known: tuple[str, ...] = ()) -> None:
        self.query = query
        self.candidates = candidates
        msg = f"unknown version: {query!r}"
        if candidates:
            msg += f"; did you mean: {', '.join(candidates)}"
        elif known:
            msg += f"; known versions: {', '.join(known)}"
        super().__init__(msg)


class AmbiguousVersionError(Error, LookupError):
    """An alias names several versions (e.g. ``imagenet-21k``).

    ``candidates`` holds ``(version id, number of categories)`` pairs.
    """

    __module__ = "imagenet_versions"

    def __init__(self, query: str, candidates: tuple[tuple[str, int | None], ...], why: str = "") -> None:
        self.query = query
        self.candidates = candidates
        listed = ", ".join(
            f"{vid} ({n:,} classes)" if n is not None else f"{vid} (class count unknown)" for vid, n in candidates
        )
        msg = f"ambiguous version: {query!r} may mean {listed}"
        if why:
            msg += f"; {why}"
        super().__init__(msg)


class AmbiguousLemmaError(Error, LookupError):
    """A lemma names several synsets (``"dog"``); pass a wnid instead.

    ``candidates`` holds ``(wnid, first lemma, gloss)`` triples.
    """

    __module__ = "imagenet_versions"

    def __init__(self, query: str, candidates: tuple[tuple[str, str, str], ...]) -> None:
        self.query = query
        self.candidates = candidates
        listed = "; ".join(f"{w} ({name}: {gloss[:60]})" for w, name, gloss in candidates)
        msg = f"ambiguous lemma: {query!r} names {len(candidates)} synsets: {listed}; give a wnid"
        super().__init__(msg)


class CatalogError(Error, ValueError):
    """A catalog file (shipped or user-supplied) is malformed."""

    __module__ = "imagenet_versions"


class CategoriesUnknownError(Error, LookupError):
    """A version's category list is not published and cannot be derived."""

    __module__ = "imagenet_versions"


class LineageError(Error):
    """The lineage graph has no derivation path for the request."""

    __module__ = "imagenet_versions"


class IntegrityError(Error, OSError):
    """A downloaded or cached file does not match its pinned sha256."""

    __module__ = "imagenet_versions"


class DownloadError(Error, OSError):
    """A download failed; nothing partial is left in the cache."""

    __module__ = "imagenet_versions"


class ManifestError(Error, ValueError):
    """An image manifest is malformed; the message names file and line."""

    __module__ = "imagenet_versions"


class WordNetUnavailableError(Error, LookupError):
    """The full WordNet 3.0 corpus is needed but not installed."""

    __module__ = "imagenet_versions"


class UnknownSynsetError(Error, LookupError):
    """A wnid is malformed, or not known to the shipped WordNet snapshot.

    The message says whether the full WordNet 3.0 corpus (``full_wordnet()``) was
    consulted, and how to ask it when it was not.
    """

    __module__ = "imagenet_versions"


class RenderError(Error, RuntimeError):
    """A diagram could not be written: unknown format or engine, Graphviz failed,
    or neither Graphviz ``dot`` nor matplotlib is installed (the message says
    what to install).
    """

    __module__ = "imagenet_versions"


class InvalidNameError(Error, ValueError):
    """A version, split, user-version or source name that may not become part of a path.

    Names match ``[A-Za-z0-9][A-Za-z0-9._+-]{0,63}`` and never contain ``..``
    (see :data:`imagenet_versions._types.NAME_PATTERN`).
    """

    __module__ = "imagenet_versions"


class DataFileError(Error, ValueError):
    """A data file (a user's list, CSV or flag file, or a shipped data file) cannot be
    read: it is not strict UTF-8, has CR-only line ends or control characters, or is
    malformed. The message names the file and the line.
    """

    __module__ = "imagenet_versions"


class UnknownFlagError(Error, LookupError):
    """No flag or flag source has this name; the message lists the known ones."""

    __module__ = "imagenet_versions"


class SiteError(Error, OSError):
    """The reference site cannot be written where asked: the output path is a file,
    a folder that holds something other than an earlier site, or not writable.
    """

    __module__ = "imagenet_versions"


class UnknownOrderError(Error, LookupError):
    """A version has no label order of this name; the message lists its orders."""

    __module__ = "imagenet_versions"


class UnknownClassError(Error, LookupError):
    """A version has no class with this wnid or name, or the name names several
    (the message lists them by wnid and index)."""

    __module__ = "imagenet_versions"


class UnknownCheckpointError(Error, LookupError):
    """No checkpoint of the shipped table has this name; the message names the closest."""

    __module__ = "imagenet_versions"


class LabelListError(Error, ValueError):
    """A label list given to :func:`~imagenet_versions.models.identify` is empty, too long,
    not text, or malformed; the message says which entry (and, for a file, which line)."""

    __module__ = "imagenet_versions"


class ManifestWarning(UserWarning):
    """An ingest left something out that the user should know about (a folder or
    file that could not be read); the ingest report lists each one."""

    __module__ = "imagenet_versions"
