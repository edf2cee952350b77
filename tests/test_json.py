"""imagenet_versions._json writes exactly what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import enum
import json
import math

import pytest

import imagenet_versions as iv
from imagenet_versions import _json


class _Index(enum.IntEnum):
    ONE = 1


class _Name(str):
    pass


CASES = [
    {},
    [],
    "",
    0,
    None,
    True,
    -0.0,
    math.nan,
    math.inf,
    -math.inf,
    10**40,
    1e-300,
    {"a": [], "b": {}, "c": [[], {}], "d": (1, (2, 3)), "e": [None, True, False, 1.5]},
    {3: "int key", 2.5: "float key", None: "none key", True: "bool key", False: "b", "é": '"\\\n\x00\u2028\udcff'},
    ["\t", "\x7f", "ü" * 1000, "slash / and \\ backslash"],
    {"nested": {"deeper": {"deepest": [[[["x"]]]]}}},
    # the fast paths: lists and dicts of plain scalars, and scalar subclasses beside them
    [[0, None], [1, 2], [3, "x"]],
    [[0, None], [], (1, 2)],
    [[0, [1]], [2, 3]],
    [(1, _Index.ONE), ["a"]],
    [[1, 2, 3], (4, None, "x"), ["y", True, 1.5]],
    [["only"]],
    [[1, 2], [3]],
    [1, "a", None, True, 2.5, -0.0, math.nan],
    {"a": 1, "b": None, "c": "x", "d": 1.5, "e": True, "f": [], "g": {}},
    [_Index.ONE, _Name("n01440764"), 2],
    {"k": _Index.ONE, "n": _Name("x"), "s": "\u2028"},
]


@pytest.mark.parametrize("doc", CASES)
def test_same_text_as_the_standard_library(doc: object) -> None:
    assert _json.dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


def test_same_text_for_the_largest_documents() -> None:
    docs = [
        iv.diff("imagenet-fall11", "ilsvrc2012").to_dict(),
        iv.label_map("imagenet-22k-goog", "ilsvrc2012").to_dict(),
        iv.survivors("imagenet-fall11").to_list(),
    ]
    for doc in docs:
        assert _json.dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False)


def test_other_values_fall_back_to_the_standard_library() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        _json.dumps({"a": {1, 2}})
    with pytest.raises(TypeError, match="keys must be"):
        _json.dumps({(1, 2): "tuple key"})
    deep: list[object] = []
    node = deep
    for _ in range(5000):
        child: list[object] = []
        node.append(child)
        node = child
    with pytest.raises(RecursionError):
        _json.dumps(deep)
