"""``json.dumps(doc, indent=2, ensure_ascii=False)``, byte for byte, in less time.

With ``indent`` set, the standard library encodes in pure Python through nested
generators; the CLI's largest documents (a diff's explanations, a survivor report)
spend most of their time there. This encoder writes the same text for the values
the CLI prints (dicts with str keys, lists, tuples, str, int, float, bool, None),
and hands anything else to :func:`json.dumps` itself.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C version where available
from typing import Any

__all__ = ["dumps"]


class _Unsupported(Exception):
    pass


def _float(x: float) -> str:
    if x != x:
        return "NaN"
    if x == float("inf"):
        return "Infinity"
    if x == -float("inf"):
        return "-Infinity"
    return float.__repr__(x)


def _key(k: object) -> str:
    if isinstance(k, str):
        return encode_basestring(k)
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return '"' + int.__repr__(k) + '"'
    if isinstance(k, float):
        return '"' + _float(k) + '"'
    raise _Unsupported


def _encode(v: Any, out: list[str], nl: str) -> None:
    if isinstance(v, str):
        out.append(encode_basestring(v))
    elif v is None or v is True or v is False:
        out.append(_CONSTANTS[v])
    elif isinstance(v, int):
        out.append(int.__repr__(v))
    elif isinstance(v, float):
        out.append(_float(v))
    elif isinstance(v, (list, tuple)):
        _encode_list(v, out, nl)
    elif isinstance(v, dict):
        _encode_dict(v, out, nl)
    else:
        raise _Unsupported


_CONSTANTS = {None: "null", True: "true", False: "false"}


def _encode_list(v: list[Any] | tuple[Any, ...], out: list[str], nl: str) -> None:
    if not v:
        out.append("[]")
        return
    inner = nl + "  "
    out.append("[" + inner)
    first = True
    for item in v:
        if not first:
            out.append("," + inner)
        first = False
        _encode(item, out, inner)
    out.append(nl + "]")


def _encode_dict(v: dict[Any, Any], out: list[str], nl: str) -> None:
    if not v:
        out.append("{}")
        return
    inner = nl + "  "
    out.append("{" + inner)
    first = True
    for k, item in v.items():
        if not first:
            out.append("," + inner)
        first = False
        out.append(_key(k) + ": ")
        _encode(item, out, inner)
    out.append(nl + "}")


def dumps(doc: Any) -> str:
    """The text of ``json.dumps(doc, indent=2, ensure_ascii=False)``."""
    out: list[str] = []
    try:
        _encode(doc, out, "\n")
    except (_Unsupported, RecursionError):
        return json.dumps(doc, indent=2, ensure_ascii=False)
    return "".join(out)
