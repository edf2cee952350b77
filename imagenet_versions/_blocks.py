"""Sorted tab-separated tables stored in zlib-compressed blocks, for reading one row at a time.

A *block table* is a text table sorted by its first column (the key, unique), split into
blocks of a fixed number of lines; each block is compressed on its own. The file is

    IVBLOCKS 1\\n
    <first key of block>\\t<offset>\\t<length>\\n      (one line per block)
    \\n
    <the compressed blocks, back to back; offsets count from the end of the header>

so that a query decompresses only the block that can hold its key (a few
kilobytes) instead of the whole table. ``tools/build_answers.py`` writes them;
:func:`imagenet_versions._data.read_bytes` reads them, checking their sha256.
"""

from __future__ import annotations

import bisect
import itertools
import zlib
from collections.abc import Iterable, Iterator

from imagenet_versions.errors import DataFileError

MAGIC = b"IVBLOCKS 1\n"


def encode(lines: Iterable[str], *, rows_per_block: int = 128) -> bytes:
    """Pack sorted ``key<TAB>...`` lines (no newlines) into a block table."""
    rows = list(lines)
    keys = [r.split("\t", 1)[0] for r in rows]
    if any(a >= b for a, b in itertools.pairwise(keys)):
        msg = "block table rows must be sorted by key, one row per key"
        raise ValueError(msg)
    index, blobs, offset = [], [], 0
    for i in range(0, len(rows), rows_per_block):
        chunk = rows[i : i + rows_per_block]
        blob = zlib.compress(("\n".join(chunk) + "\n").encode("utf-8"), 9)
        index.append(f"{keys[i]}\t{offset}\t{len(blob)}\n")
        blobs.append(blob)
        offset += len(blob)
    return MAGIC + "".join(index).encode("utf-8") + b"\n" + b"".join(blobs)


class BlockTable:
    """Read access to a block table held in memory (see the module docstring)."""

    def __init__(self, data: bytes, where: str) -> None:
        self._where = where
        end = data.find(b"\n\n")
        if not data.startswith(MAGIC) or end < 0:
            msg = f"{where}: not a block table"
            raise DataFileError(msg)
        self._data = data
        self._base = end + 2
        self._firsts: list[str] = []
        self._spans: list[tuple[int, int]] = []
        for line in data[len(MAGIC) : end].decode("utf-8").split("\n"):
            key, off, length = line.split("\t")
            self._firsts.append(key)
            self._spans.append((int(off), int(length)))
        self._blocks: dict[int, str] = {}
        self._rows: dict[int, dict[str, str]] = {}
        self._finds: dict[int, int] = {}

    def _block(self, i: int) -> str:
        """Block ``i``'s text, each row preceded by a newline (so ``"\\n" + key + "\\t"``
        finds a row), decompressed once."""
        found = self._blocks.get(i)
        if found is None:
            off, length = self._spans[i]
            start = self._base + off
            try:
                text = zlib.decompress(self._data[start : start + length]).decode("utf-8")
            except (zlib.error, UnicodeDecodeError) as exc:
                msg = f"{self._where}: damaged block {i}: {exc}"
                raise DataFileError(msg) from exc
            found = self._blocks[i] = "\n" + text
        return found

    def row(self, key: str) -> str | None:
        """The row whose key is ``key``, or None.

        The first few look-ups in a block search its text; a block looked up more often
        (a walk down WordNet) is split into a dict of its rows once.
        """
        i = bisect.bisect_right(self._firsts, key) - 1
        if i < 0 or "\n" in key or "\t" in key:
            return None
        rows = self._rows.get(i)
        if rows is not None:
            return rows.get(key)
        text = self._block(i)
        n = self._finds[i] = self._finds.get(i, 0) + 1
        if n > _FINDS_PER_BLOCK:
            rows = self._rows[i] = {row[: row.index("\t")]: row for row in text[1:-1].split("\n")}
            return rows.get(key)
        at = text.find("\n" + key + "\t")
        if at < 0:
            return None
        return text[at + 1 : text.index("\n", at + 1)]

    def __iter__(self) -> Iterator[str]:
        """Every row, in key order."""
        for i in range(len(self._firsts)):
            yield from self._block(i)[1:-1].split("\n")


#: Look-ups in one block answered by searching its text before its rows are split into a dict.
_FINDS_PER_BLOCK = 4
