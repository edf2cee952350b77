"""The one strict decoder of the text files a user brings (lists, CSVs, flag files, label lists).

UTF-8 only, a byte-order mark skipped, lines ending in LF or CRLF. An undecodable
byte, a CR-only line end or a control character is an error naming the file and
the line, never a silently different answer.
"""

from __future__ import annotations

import os
import re

from imagenet_versions.errors import DataFileError

__all__ = ["BOM", "decode_strict", "read_capped", "read_user_text"]

BOM = b"\xef\xbb\xbf"
#: C0 controls but tab and the line ends, DEL, C1 controls, the Unicode line and
#: paragraph separators, and a CR not followed by LF
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]|\r(?!\n)")


def decode_strict(data: bytes, shown: str, *, error: type[Exception] = DataFileError) -> str:
    """``data`` as text (CRLF kept), or ``error`` naming ``shown`` and the line.

    >>> decode_strict(BOM + b"n01440764\\r\\n", "list.txt")
    'n01440764\\r\\n'
    >>> decode_strict(b"a\\rb", "list.txt")
    Traceback (most recent call last):
    ...
    imagenet_versions.DataFileError: list.txt, line 1: CR-only line end (classic Mac OS); lines must end in LF or CRLF
    """
    data = data.removeprefix(BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        msg = f"{shown}, line {line}: not UTF-8 (byte 0x{data[exc.start]:02x}: {exc.reason}); save the file as UTF-8"
        raise error(msg) from exc
    bad = _BAD.search(text)
    if bad is not None:
        k, ch = bad.start(), bad.group()
        line = text.count("\n", 0, k) + 1
        what = (
            "CR-only line end (classic Mac OS); lines must end in LF or CRLF"
            if ch == "\r"
            else f"control character {ch!r}"
        )
        msg = f"{shown}, line {line}: {what}"
        raise error(msg)
    return text


def read_capped(
    path: str | os.PathLike[str],
    *,
    limit: int | None,
    what: str = "",
    shown: str | None = None,
    error: type[Exception] = DataFileError,
) -> bytes:
    """The bytes of a user's file, at most ``limit`` (None: no limit; a pipe is fine,
    ``/dev/zero`` is cut), or ``error`` saying what could not be read.

    ``what`` names the kind of file in messages (``"user flag file"``), ``shown`` the
    file (default: the path).
    """
    name = shown if shown is not None else str(path)
    label = f"{what} {name!r}" if what else repr(name)
    try:
        with open(path, "rb") as fh:
            data = fh.read() if limit is None else fh.read(limit + 1)
    except OSError as exc:
        msg = f"cannot read {label}: {exc.strerror or exc}"
        raise error(msg) from exc
    if limit is not None and len(data) > limit:
        msg = f"{label} is larger than {limit:,} bytes"
        raise error(msg)
    return data


def read_user_text(
    path: str | os.PathLike[str], *, limit: int | None = None, what: str = "", error: type[Exception] = DataFileError
) -> str:
    """:func:`read_capped` then :func:`decode_strict` (CRLF kept)."""
    return decode_strict(read_capped(path, limit=limit, what=what, error=error), str(path), error=error)
