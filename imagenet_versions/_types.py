"""Shared aliases, the one wnid pattern, the one name pattern, and read-only mappings.

Everything a user brings that may reach a file path (a version id, a split, the
name of a user version, a flag source name) is checked here, by one pattern,
before it touches the file system.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import Any, TypeVar

from imagenet_versions.errors import InvalidNameError

VersionId = str
Wnid = str

K = TypeVar("K")
V = TypeVar("V")

#: A WordNet 3.0 noun offset as ImageNet writes it: ``n`` and eight digits.
WNID_RE = re.compile(r"n\d{8}")

#: Names that may become part of a file path: a letter or digit first, then
#: letters, digits, ``.``, ``_``, ``+`` or ``-``; at most 64 characters; never
#: ``..``. No separators, no spaces, no control characters.
NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}"
NAME_RE = re.compile(NAME_PATTERN)


def is_wnid(text: str) -> bool:
    """True when ``text`` is exactly a wnid such as ``n01440764``."""
    return WNID_RE.fullmatch(text) is not None


def check_name(name: object, what: str = "name") -> str:
    """Return ``name`` if it may safely become part of a file path, else raise.

    >>> check_name("val")
    'val'
    >>> check_name("../etc")
    Traceback (most recent call last):
    ...
    imagenet_versions.InvalidNameError: invalid name: '../etc'; a name is 1-64 letters, ...
    """
    if not isinstance(name, str) or NAME_RE.fullmatch(name) is None or ".." in name:
        shown: object = name
        if isinstance(name, str) and len(name) > 80:
            shown = name[:77] + "..."
        label = what
        msg = (
            f"invalid {label}: {shown!r}; a {label} is 1-64 letters, digits, '.', '_', '+' or '-', "
            "starting with a letter or digit, without '..'"
        )
        raise InvalidNameError(msg)
    return name


class FrozenDict(Mapping[K, V]):
    """A read-only mapping over a private dict that, unlike ``types.MappingProxyType``,
    pickles and deep-copies (records cross process boundaries).

    >>> m = frozen_mapping({"train": 1})
    >>> m["train"] = 0
    Traceback (most recent call last):
    ...
    TypeError: 'FrozenDict' object does not support item assignment
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._data: dict[K, V] = dict(data)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: K, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (self._data,))


def frozen_mapping(items: Any = None) -> Mapping[Any, Any]:
    """A read-only copy of a mapping (a :class:`FrozenDict` over a private dict).

    Use as an attrs converter so that a frozen record is frozen all the way down.
    ``items`` is a mapping or an iterable of ``(key, value)`` pairs (typed ``Any``
    so that mypy's attrs plugin accepts it as a converter of any mapping field).
    """
    if items is None:
        return FrozenDict()
    if isinstance(items, (FrozenDict, types.MappingProxyType)):
        return items
    if isinstance(items, Mapping) and not isinstance(items, MutableMapping):
        # already read-only (e.g. a lazily built mapping of explanations): copying it would
        # build every value now
        return items
    return FrozenDict(items)


def json_ready(value: Any) -> Any:
    """Turn read-only mappings (and tuples) back into plain JSON-ready values."""
    if isinstance(value, Mapping):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value
