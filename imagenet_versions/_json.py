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
    n = len(v[0]) if type(v[0]) in _SEQUENCES else 0
    if n and all(type(item) in _SEQUENCES and len(item) == n for item in v):
        try:  # non-empty lists of plain scalars, all as long (a label map's index pairs)
            flat = [_SCALARS[type(x)](x) for item in v for x in item]
        except KeyError:
            pass
        else:
            deeper = inner + "  "
            between = inner + "]" + sep + "[" + deeper
            rows = map(("," + deeper).join, zip(*[iter(flat)] * n, strict=True))
            out.append("[" + inner + "[" + deeper + between.join(rows) + inner + "]" + nl + "]")
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
    texts = _TEXTS
    record = len(v) <= _RECORD  # a record's keys repeat across a document; a big dict's ids do not
    for k, item in v.items():
        if type(k) is not str:
            key = _key(k)
        elif not record:
            key = encode_basestring(k)
        else:
            known = texts.get(k)
            key = known if known is not None else texts.setdefault(k, encode_basestring(k))
        key = (sep + key + ": ") if not first else (key + ": ")
        first = False
        if type(item) is str:  # a record's fields repeat (versions, operations, reasons)
            text = texts.get(item)
            if text is None:
                text = texts[item] = encode_basestring(item)
            out.append(key + text)
            continue
        scalar = scalars.get(type(item))
        if scalar is not None:
            out.append(key + scalar(item))
        else:
            out.append(key)
            _encode(item, out, inner)
    out.append(nl + "}")


#: Dicts up to this size are records, whose keys are worth remembering encoded.
_RECORD = 64

#: Encoded keys and string values of dicts, for one :func:`dumps` call (emptied after
#: it; a pure function's results, so calls in other threads may share them).
_TEXTS: dict[str, str] = {}


def dumps(doc: Any) -> str:
    """The text of ``json.dumps(doc, indent=2, ensure_ascii=False)``."""
    out: list[str] = []
    try:
        _encode(doc, out, "\n")
    except (_Unsupported, RecursionError):
        return json.dumps(doc, indent=2, ensure_ascii=False)
    finally:
        _TEXTS.clear()
    return "".join(out)
