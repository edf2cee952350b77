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


def _null(_: object) -> str:
    return "null"


def _bool(b: bool) -> str:
    return "true" if b else "false"


#: The encoder of each plain scalar type, looked up by exact type: most of a large
#: document is scalars in lists and dicts, and one look-up beats a chain of isinstance.
_SCALARS: dict[type, Any] = {str: encode_basestring, int: int.__repr__, type(None): _null, bool: _bool, float: _float}


def _encode(v: Any, out: list[str], nl: str) -> None:
    scalar = _SCALARS.get(type(v))
    if scalar is not None:
        out.append(scalar(v))
    elif isinstance(v, str):
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
_SEQUENCES = (list, tuple)


def _encode_list(v: list[Any] | tuple[Any, ...], out: list[str], nl: str) -> None:
    if not v:
        out.append("[]")
        return
    inner = nl + "  "
    sep = "," + inner
    try:  # a list of plain scalars (ids, indices): one join
        parts = [_SCALARS[type(item)](item) for item in v]
    except KeyError:
        pass
    else:
        out.append("[" + inner + sep.join(parts) + nl + "]")
        return
    if all(type(item) in _SEQUENCES and item for item in v):
        try:  # a list of non-empty lists of plain scalars (a label map's index pairs)
            deeper = inner + "  "
            sep2 = "," + deeper
            scalars = _SCALARS
            parts = ["[" + deeper + sep2.join([scalars[type(x)](x) for x in item]) + inner + "]" for item in v]
        except KeyError:
            pass
        else:
            out.append("[" + inner + sep.join(parts) + nl + "]")
            return
    out.append("[" + inner)
    first = True
    for item in v:
        if not first:
            out.append(sep)
        first = False
        _encode(item, out, inner)
    out.append(nl + "]")


def _encode_dict(v: dict[Any, Any], out: list[str], nl: str) -> None:
    if not v:
        out.append("{}")
        return
    inner = nl + "  "
    sep = "," + inner
    out.append("{" + inner)
    first = True
    scalars = _SCALARS
    for k, item in v.items():
        key = (encode_basestring(k) if type(k) is str else _key(k)) + ": "
        if not first:
            key = sep + key
        first = False
        scalar = scalars.get(type(item))
        if scalar is not None:
            out.append(key + scalar(item))
        else:
            out.append(key)
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
