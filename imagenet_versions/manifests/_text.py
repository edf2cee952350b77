"""The text-list parser: a vectorised fast path and a per-line slow path."""

from __future__ import annotations

import itertools
import mmap
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from imagenet_versions.errors import ManifestError
from imagenet_versions.manifests._codec import (
    _KINDS,
    _TAG_ILSVRC,
    _TAG_SHIFT,
    _U64,
    _WNID_RE,
    _increasing,
    _plain_stem,
    _wnid_num,
    encode_id,
    split_hf,
    stem,
)
from imagenet_versions.manifests._record import Manifest, _assemble
from imagenet_versions.manifests._registry import _ilsvrc_classes
from imagenet_versions.manifests._report import Findings


def _bar(total: int | None, desc: str, progress: bool | None, unit: str = "B") -> Any:
    """A tqdm bar where ``progress`` is True, or None (the default) and stderr is a terminal."""
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - tqdm comes with nltk
        return None
    # delay: only shown for work that takes more than a second
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, leave=False, delay=1.0)


_CHUNK = 4 << 20
_BOM = b"\xef\xbb\xbf"
#: the longest line the per-line path accepts (ids are file names, not essays)
MAX_LINE = 4096
_SEP = (32, 9, 44)  # space, tab, comma
_POW10 = 10 ** np.arange(7, -1, -1, dtype=np.int64)


def _win(buf: np.ndarray, dtype: str) -> np.ndarray:
    """Overlapping little-endian windows: ``_win(buf, "<u8")[i]`` = bytes i..i+7."""
    width = np.dtype(dtype).itemsize
    return np.ndarray((len(buf) - width + 1,), dtype, buffer=buf, strides=(1,))


_M30 = _U64(0x3030303030303030)
_MF0 = _U64(0xF0F0F0F0F0F0F0F0)


def _swar8(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse 8 ASCII digits held in a little-endian uint64 (SWAR); return (value, ok).

    In place, on two work arrays: each new uint64 temporary costs more than the
    arithmetic (five times slower on a 4 MiB chunk's 143,000 lines).
    """
    t = x & _MF0
    ok = t == _M30
    np.add(x, _P06, out=t)
    t &= _MF0
    ok &= t == _M30
    v = x & _M0F
    for mul, shift, mask in _SWAR_STEPS:
        np.right_shift(v, shift, out=t)
        v *= mul
        v += t
        v &= mask
    return v, ok


_P06 = _U64(0x0606060606060606)
_M0F = _U64(0x0F0F0F0F0F0F0F0F)
_SWAR_STEPS = (
    (_U64(10), _U64(8), _U64(0x00FF00FF00FF00FF)),
    (_U64(100), _U64(16), _U64(0x0000FFFF0000FFFF)),
    (_U64(10000), _U64(32), _U64(0xFFFFFFFF)),
)


def _fast_ids(
    buf: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    *,
    has_slash: bool = True,
    has_dot: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Encode the ids in ``buf[s:e]`` without Python loops.

    ``buf`` must be padded with at least 16 zero bytes. Digits are read eight
    at a time (SWAR on overlapping uint64 windows), so a chunk of a million
    lines costs a few dozen vector operations. Returns ``(codes, ok, base)``
    (``base``: where the file name starts, after the last ``/``); rows with
    ``ok`` False need the slow path.
    """
    n = len(s)
    w8 = _win(buf, "<u8")
    w4 = _win(buf, "<u4")
    slash = np.flatnonzero(buf == _SLASH) if has_slash else np.zeros(0, np.int64)
    if len(slash):
        j = np.searchsorted(slash, e) - 1
        last = slash[np.maximum(j, 0)]
        base = np.where((j >= 0) & (last >= s), last + 1, s)
    else:
        base = s
    ext_ok = np.ones(n, bool)
    stem_end = e
    # the usual case, every id ends in ".JPEG" (any case): one 8-byte gather
    x5 = w8[np.maximum(e - 5, 0)] & _U64((1 << 40) - 1)
    jpeg = ((x5 | _U64(0x2020202000)) == _JPEG5) & (e - 5 > base)
    if jpeg.all():
        return (*_fast_stems(buf, w8, base, e - 5, np.ones(n, bool)), base)
    # speculate "<stem>.JPEG" / "<stem>.jpg": a dot 5 or 4 bytes before the end
    d5 = (e - 5 > base) & (buf[np.maximum(e - 5, 0)] == 46)
    d4 = ~d5 & (e - 4 > base) & (buf[np.maximum(e - 4, 0)] == 46)
    dpos = np.where(d5, e - 5, e - 4)
    has_ext = d5 | d4
    unsure = ~has_ext
    if unsure.any():
        dots = np.flatnonzero(buf == 46) if has_dot else np.zeros(0, np.int64)
        if len(dots):
            rows = np.flatnonzero(unsure)
            j = np.searchsorted(dots, e[rows]) - 1
            dp = dots[np.maximum(j, 0)]
            he = (j >= 0) & (dp > base[rows])
            dpos[rows] = dp
            has_ext[rows] = he
    if has_ext.any():
        stem_end = np.where(has_ext, dpos, e)
        # only image extensions are dropped (as in stem()); other dots: slow path
        ext_len = e - stem_end
        low = w4[stem_end] | np.uint32(0x20202020)  # buf is padded: no overflow
        low5 = w4[stem_end + 1] | np.uint32(0x20202020)
        ext_ok = ~has_ext
        ext_ok |= has_ext & (ext_len == 5) & (low5 == np.frombuffer(b"jpeg", "<u4")[0])
        for word in (b".jpg", b".png"):
            ext_ok |= has_ext & (ext_len == 4) & (low == np.frombuffer(word, "<u4")[0])
    return (*_fast_stems(buf, w8, base, stem_end, ext_ok), base)


_JPEG5 = _U64(int.from_bytes(b".jpeg", "little"))


def _fast_stems(
    buf: np.ndarray, w8: np.ndarray, base: np.ndarray, stem_end: np.ndarray, ext_ok: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Encode the stems ``buf[base:stem_end]``; see :func:`_fast_ids`."""
    n = len(base)
    length = stem_end - base
    codes = np.zeros(n, _U64)
    # nXXXXXXXX_N with N of 1-8 digits, no leading zero
    nd = length - 10
    ok = (nd >= 1) & (nd <= 8) & (buf[base] == 110) & (buf[base + 9] == 95)
    first = buf[base + 10]
    ok &= (first >= 49) & (first <= 57)
    # the wnid digits repeat for every image of a class: parse each run once
    x = w8[base + 1]
    heads = np.flatnonzero(x[1:] != x[:-1]) + 1 if n > 1 else np.zeros(0, np.int64)
    if (len(heads) + 1) * 8 < n:
        heads = np.concatenate([[0], heads])
        v, g = _swar8(x[heads])
        run = np.diff(np.append(heads, n))
        wn, good = np.repeat(v, run), np.repeat(g, run)
    else:
        wn, good = _swar8(x)
    ok &= good
    tail = w8[np.maximum(stem_end - 8, 0)]
    shift = ((8 - np.clip(nd, 1, 8)) * 8).astype(_U64)
    tail = (tail >> shift) << shift  # drop the bytes before the digits ...
    tail |= _M30 & ((_U64(1) << shift) - _U64(1))  # ... and pad with '0'
    num, good = _swar8(tail)
    ok &= good
    if ok.all():
        codes = (wn << _U64(32)) | num
    else:
        codes[ok] = (wn[ok] << _U64(32)) | num[ok]
    # ILSVRC20YY_val_NNNNNNNN / ILSVRC20YY_test_NNNNNNNN (rare in big lists)
    rest = np.flatnonzero(~ok & ((length == 23) | (length == 24)))
    if len(rest):
        rb = base[rest]
        mat = buf[rb[:, None] + np.arange(24)]
        dig = mat - np.uint8(48)
        isdig = dig <= 9
        pre = (mat[:, :8] == np.frombuffer(b"ILSVRC20", np.uint8)).all(1)
        pre &= isdig[:, 8:10].all(1) & (mat[:, 10] == 95)
        for kind, word in enumerate(_KINDS):
            w = np.frombuffer(f"{word}_".encode(), np.uint8)
            lo = 11 + len(w)
            sel = pre & (length[rest] == lo + 8) & (mat[:, 11:lo] == w).all(1)
            sel &= isdig[:, lo : lo + 8].all(1)
            if not sel.any():
                continue
            d = dig[sel].astype(np.int64)
            year = d[:, 8] * 10 + d[:, 9]
            val = d[:, lo : lo + 8] @ _POW10
            codes[rest[sel]] = (
                (_U64(_TAG_ILSVRC) << _TAG_SHIFT)
                | (year.astype(_U64) << _U64(40))
                | (_U64(kind) << _U64(32))
                | val.astype(_U64)
            )
            ok[rest[sel]] = True
    return codes, ok & ext_ok


def _fast_wnids(buf: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse ``buf[s:e]`` as a wnid (``nXXXXXXXX``) or a label index.

    Returns ``(value, kind)``: kind 1 = wnid number, 2 = integer index, 0 = other.
    """
    length = e - s
    kind = np.zeros(len(s), np.int8)
    wn, w = _swar8(_win(buf, "<u8")[s + 1])
    w &= (length == 9) & (buf[s] == 110)
    val = np.where(w, wn.astype(np.int64), -1)
    kind[w] = 1
    rest = ~w & (length >= 1) & (length <= 6)
    if rest.any():
        num = np.zeros(len(s), np.int64)
        for k in range(6):
            inside = k < length
            d = buf[k:][s] - np.uint8(48)
            rest &= ~inside | (d <= 9)
            num = np.where(inside, num * 10 + d, num)
        val = np.where(rest, num, val)
        kind[rest] = 2
    return val, kind


class _LineError(Exception):
    """A bad line inside a chunk; ``line`` is counted from the chunk start."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


_NL, _TAB, _CR, _HASH, _SLASH, _N = 10, 9, 13, 35, 47, 110


def _line_ends(buf: np.ndarray, size: int) -> np.ndarray:
    """Positions of the newlines in ``buf[:size]``, after checking its bytes.

    One compare finds every byte below 32 or above 127; the rare ones that are
    not a newline are looked at: a tab and a CR before LF are fine, any other
    control character or a CR-only line end is a :class:`_LineError`, and bytes
    above 127 must be UTF-8. (DEL, 127, can only sit in a line the vectorised
    path does not settle; the per-line path refuses it.)
    """
    view = buf[:size]
    odd = np.flatnonzero(view.view(np.int8) < 32)  # bytes below 32 and above 127, in one compare
    kinds = view[odd]
    is_nl = kinds == _NL
    if is_nl.all():  # the usual file: newlines only
        return odd
    nl: np.ndarray = odd[is_nl]
    rest, rk = odd[~is_nl], kinds[~is_nl]
    cr = rk == _CR
    bad = (cr & (buf[rest + 1] != _NL)) | ((rk < 32) & (rk != _TAB) & ~cr)
    if bad.any():
        k = int(rest[np.flatnonzero(bad)[0]])
        line = int(np.searchsorted(nl, k)) + 1
        if view[k] == _CR:
            raise _LineError(line, "CR-only line end (classic Mac OS); lines must end in LF or CRLF")
        raise _LineError(line, f"control character {chr(int(view[k]))!r}")
    if (rk >= 128).any():
        try:
            view.tobytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            line = int(np.searchsorted(nl, exc.start)) + 1
            raise _LineError(line, f"not UTF-8 text ({exc.reason})") from None
    return nl


def _folder_wnids(buf: np.ndarray, starts: np.ndarray, base: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The wnid number of the folder just above each file name (``.../n01440764/x.JPEG``), or -1."""
    b = base[rows]
    f0 = b - 10
    good = (f0 >= starts[rows]) & (buf[np.maximum(b - 1, 0)] == _SLASH) & (buf[np.maximum(f0, 0)] == _N)
    v, g = _swar8(_win(buf, "<u8")[np.maximum(f0 + 1, 0)])
    good &= g & ((f0 == starts[rows]) | (buf[np.maximum(f0 - 1, 0)] == _SLASH))
    return np.where(good, v.astype(np.int64), -1)


def _split_fields(
    buf: np.ndarray, size: int, starts: np.ndarray, ends: np.ndarray, seps_present: Sequence[int] | None
) -> tuple[np.ndarray, np.ndarray]:
    """``(id end, label end)`` per line: fields are separated by a space, tab or comma."""
    # speculate "<id> <wnid>": a separator 10 bytes before the end; the id and
    # the label are validated later, anything else takes the general path
    fs = ends - 10
    c = buf[np.maximum(fs, 0)]
    spec = (fs > starts) & ((c == 32) | (c == 9) | (c == 44)) & (buf[np.maximum(fs, 0) + 1] == _N)
    if spec.all():
        return fs, ends
    if seps_present is None:  # found out here, not by the reader
        seps_present = [ch for ch in _SEP if bool((buf[:size] == ch).any())]
    if not seps_present:
        return np.where(spec, fs, ends), ends
    rows = np.flatnonzero(~spec)
    sep_mask = buf[:size] == seps_present[0]
    for ch in seps_present[1:]:
        sep_mask |= buf[:size] == ch
    seps = np.flatnonzero(sep_mask)
    del sep_mask
    j = np.searchsorted(seps, starts[rows])
    f = seps[np.minimum(j, len(seps) - 1)]
    fs[rows] = np.where((j < len(seps)) & (f < ends[rows]), f, ends[rows])
    # label field: up to the next separator
    le = ends.copy()
    j2 = np.searchsorted(seps, fs[rows] + 1)
    f2 = seps[np.minimum(j2, len(seps) - 1)]
    le[rows] = np.where((j2 < len(seps)) & (f2 < ends[rows]), f2, ends[rows])
    return fs, le


def _explicit_labels(
    buf: np.ndarray,
    starts: np.ndarray,
    fs: np.ndarray,
    le: np.ndarray,
    base: np.ndarray,
    codes: np.ndarray,
    ok: np.ndarray,
    line_no: np.ndarray,
    table: Callable[[], np.ndarray],
) -> tuple[np.ndarray | None, np.ndarray]:
    """Wnid numbers of the explicit labels (``-1`` = none) and which rows parsed.

    ``None`` instead of the numbers: every row parsed, and each label is the wnid its
    file name starts with, so the labels can be read off the codes (:func:`_code_wnids`).
    """
    w8 = _win(buf, "<u8")
    # usual case: the label is the wnid the file name starts with ("n01440764_1.JPEG n01440764")
    same = (le - fs == 10) & (buf[fs + 1] == _N) & (w8[fs + 2] == w8[base + 1])
    same &= ok & ((codes >> _TAG_SHIFT) == 0)
    if same.all():
        return None, ok
    lab_val, lab_kind = _fast_wnids(buf, fs + 1, le)
    ok = ok & (lab_kind > 0)
    wn = np.where(lab_kind == 1, lab_val, -1).astype(np.int32)
    ints = lab_kind == 2
    if ints.any():
        nums = table()
        bad = ints & (lab_val >= len(nums))
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            msg = f"label index {lab_val[k]} is outside the class table of {len(nums)} classes"
            raise _LineError(int(line_no[k]), msg)
        wn[ints] = nums[lab_val[ints]]
    return wn, ok


def _code_wnids(codes: np.ndarray) -> np.ndarray:
    """The wnid number of each ``nXXXXXXXX_N`` code (its high 32 bits)."""
    return (codes >> _U64(32)).astype(np.int32)


def _parse_chunk(
    buf: np.ndarray,
    size: int,
    seps_present: Sequence[int] | None,
    has_slash: bool | None,
    has_dot: bool | None,
    table: Callable[[], np.ndarray],
    slow: bool = False,
) -> tuple[np.ndarray, np.ndarray, int, dict[int, tuple[str, int]], list[int]]:
    """Parse the whole lines in ``buf[:size]`` (which ends with a newline).

    ``buf`` extends at least 32 bytes past ``size`` so that gathers never
    overflow. Runs in a worker thread. Returns ``(codes, wnid numbers,
    number of lines, {hash code: (name, local line)}, local lines whose file
    name carries another wnid than its folder)`` with codes sorted. With
    ``slow`` every line takes the per-line path (the reference the fast path
    is tested against).
    """
    nl = _line_ends(buf, size)
    starts = np.empty(len(nl), np.int64)
    starts[0:1] = 0
    starts[1:] = nl[:-1] + 1
    ends = nl
    cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == _CR)
    if cr.any():
        ends = np.where(cr, ends - 1, ends)
    line_no = np.arange(1, len(nl) + 1)
    real = (ends > starts) & (buf[starts] != _HASH)
    if not real.all():
        starts, ends, line_no = starts[real], ends[real], line_no[real]
    fs, le = _split_fields(buf, size, starts, ends, seps_present)
    if has_slash is None:
        # try without directory prefixes; look for '/' only if some id did not parse
        codes, ok, base = _fast_ids(buf, starts, fs, has_slash=False, has_dot=has_dot is not False)
        if not ok.all() and bool((buf[:size] == _SLASH).any()):
            codes, ok, base = _fast_ids(buf, starts, fs, has_slash=True, has_dot=has_dot is not False)
    else:
        codes, ok, base = _fast_ids(buf, starts, fs, has_slash=has_slash, has_dot=has_dot is not False)
    ok &= fs > starts
    has_label = fs < ends
    wn = np.full(len(starts), -1, np.int32)  # wnid numbers < 10**8 fit in int32
    labelled = bool(has_label.all())
    if labelled:  # the usual big list: every line labelled, no copies
        found, ok = _explicit_labels(buf, starts, fs, le, base, codes, ok, line_no, table)
        if found is None and not slow:
            # every label is its file name's wnid (so every row parsed): sort the codes
            # alone and read the labels off them, no argsort and no gathers
            if not _increasing(codes):
                codes = np.sort(codes)
            return codes, _code_wnids(codes), len(nl), {}, []
        wn = _code_wnids(codes) if found is None else found
    elif has_label.any():
        lab = np.flatnonzero(has_label)
        found, ok[lab] = _explicit_labels(
            buf, starts[lab], fs[lab], le[lab], base[lab], codes[lab], ok[lab], line_no[lab], table
        )
        wn[lab] = _code_wnids(codes[lab]) if found is None else found
    mismatch = [] if labelled else _path_labels(buf, starts, base, codes, ok, wn, line_no, np.flatnonzero(~has_label))
    if slow:
        ok[:] = False
    hashed = _settle_slow(buf, starts, ends, line_no, codes, wn, ok, mismatch, table)
    if not _increasing(codes):
        order = np.argsort(codes, kind="stable")
        codes, wn = codes[order], wn[order]
    return codes, wn, len(nl), hashed, sorted(mismatch)


def _path_labels(
    buf: np.ndarray,
    starts: np.ndarray,
    base: np.ndarray,
    codes: np.ndarray,
    ok: np.ndarray,
    wn: np.ndarray,
    line_no: np.ndarray,
    no_lab: np.ndarray,
) -> list[int]:
    """Label the rows ``no_lab`` (no explicit label) from their path, in place: the
    folder just above the file name if it is a wnid, else the file name's own wnid.
    Rows with a deeper folder are left to the per-line path (``ok`` False). Returns
    the lines whose file name carries another wnid than their folder."""
    if not len(no_lab):
        return []
    train = (codes[no_lab] >> _TAG_SHIFT) == 0
    own = np.where(train, (codes[no_lab] >> _U64(32)).astype(np.int64), -1)
    folder = np.full(len(no_lab), -1, np.int64)
    slashed = base[no_lab] > starts[no_lab]
    if slashed.any():
        folder[slashed] = _folder_wnids(buf, starts, base, no_lab[slashed])
        ok[no_lab[slashed & (folder < 0)]] = False  # a deeper wnid folder: the per-line path looks
    wn[no_lab] = np.where(folder >= 0, folder, own)
    odd = ok[no_lab] & (folder >= 0) & train & (folder != own)
    out: list[int] = line_no[no_lab[odd]].tolist()
    return out


def _settle_slow(
    buf: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    line_no: np.ndarray,
    codes: np.ndarray,
    wn: np.ndarray,
    ok: np.ndarray,
    mismatch: list[int],
    table: Callable[[], np.ndarray],
) -> dict[int, tuple[str, int]]:
    """Parse the rows the vectorised path could not settle, one by one, in place."""
    hashed: dict[int, tuple[str, int]] = {}
    for k in np.flatnonzero(~ok).tolist():
        line = int(line_no[k])
        code, w, name, odd_one = _slow_line(buf[int(starts[k]) : int(ends[k])].tobytes(), line, table)
        codes[k] = code
        wn[k] = w
        if odd_one:
            mismatch.append(line)
        if name is not None:
            prev = hashed.setdefault(code, (name, line))
            if prev[0] != name:
                msg = f"hash collision between ids {prev[0]!r} and {name!r}"
                raise _LineError(line, msg)
    return hashed


def _nearest_wnid_folder(parts: Sequence[str]) -> str | None:
    for p in reversed(parts):
        if _WNID_RE.fullmatch(p):
            return p
    return None


def _slow_line(raw: bytes, line: int, table: Callable[[], np.ndarray]) -> tuple[int, int, str | None, bool]:
    """One line the vectorised parser could not settle.

    Returns ``(code, wnid number, hashed name or None, file name and folder disagree)``.
    The label is, in order: the explicit label; the nearest wnid folder; the wnid a
    Hugging Face name ends with; the wnid a train-style name starts with.
    """
    if len(raw) > MAX_LINE:
        raise _LineError(line, f"a line of {len(raw):,} bytes (at most {MAX_LINE:,})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _LineError(line, f"not UTF-8 text ({exc.reason})") from exc
    if "\x7f" in text:
        raise _LineError(line, "control character '\\x7f'")
    fields = re.split(r"[ \t,]+", text.strip(" \t,"))
    name, hf = split_hf(_plain_stem(fields[0])) if fields[0] else ("", None)
    if not name:
        raise _LineError(line, f"no image id in {text[:80]!r}")
    code, hashed = encode_id(name)
    own = (code >> 32) if code >> 62 == 0 else -1
    odd = False
    if len(fields) > 1:
        w = _label_value(fields[1], line, table)
    else:
        folder = _nearest_wnid_folder(fields[0].split("/")[:-1])
        named = int(hf[1:]) if hf else own
        if folder is not None:
            w = int(folder[1:])
            odd = named >= 0 and named != w
        else:
            w = named
    return code, w, name if hashed else None, odd


def _label_value(lab: str, line: int, table: Callable[[], np.ndarray]) -> int:
    if _WNID_RE.fullmatch(lab):
        return int(lab[1:])
    if lab.isascii() and lab.isdigit():
        nums = table()
        if int(lab) >= len(nums):
            msg = f"label index {lab} is outside the class table of {len(nums)} classes"
            raise _LineError(line, msg)
        return int(nums[int(lab)])
    raise _LineError(line, f"label is not a wnid or index: {lab[:80]!r}")


def ingest_text(
    path: str | os.PathLike[str],
    *,
    version: str = "user",
    split: str = "train",
    classes: Sequence[str] | None = None,
    progress: bool | None = None,
    max_lines: int | None = None,
    findings: Findings | None = None,
    _slow: bool = False,
) -> Manifest:
    """Read a text list: one image per line, ``<id> [<label> ...]``.

    Fields are separated by whitespace or a comma; only the first two are read.
    The id may carry a directory prefix and an extension. The label is a wnid
    or an integer index into ``classes`` (default: the ILSVRC-2012 class order).
    An explicit label always wins; without one, the label is the nearest
    ``nXXXXXXXX`` folder in the id's path (``val/n01440764/ILSVRC2012_val_00000293.JPEG``,
    as ``find`` or ``tar tf`` print a torchvision folder), else the wnid a
    Hugging Face name ends with (``ILSVRC2012_val_00000001_n01751748.JPEG``),
    else the wnid an ``nXXXXXXXX_N`` name starts with. Empty lines and lines
    starting with ``#`` are skipped; ``max_lines`` reads only the first lines.

    The file is strict UTF-8 (a byte-order mark is skipped); line ends are LF or
    CRLF. An undecodable byte, a CR-only line end or a control character is an
    error naming the file and line. With ``findings`` (what
    :func:`ingest_path` collects) repeated ids are kept once and counted, and
    file names whose wnid differs from their folder's are counted.

    The file is memory-mapped and parsed in 4 MiB chunks by vectorised numpy
    code on two threads (each chunk sorted in its thread); lines it cannot
    settle (hashed ids, odd spacing) go through a per-line path. Before the
    first chunk of a big file, one untouched block of just under 32 MiB is
    allocated and freed, which raises glibc's adaptive malloc thresholds for
    the process (as freeing any big array does), so that the chunks' working
    memory is reused instead of being faulted in again for every chunk.

    Raises:
        ManifestError: a line cannot be read; the message names file and line.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            msg = f"not a file: {str(path)!r}"
            raise ManifestError(msg)
    except OSError as exc:
        msg = f"cannot read {str(path)!r}: {exc.strerror or exc}"
        raise ManifestError(msg) from exc
    reader = _TextReader(path, size, classes, findings)
    bar = _bar(size, path.name, progress)
    try:
        if max_lines is not None or size < _CHUNK:
            reader.read_small(max_lines, slow=_slow)
        else:
            reader.read_mapped(bar, slow=_slow)
    finally:
        if bar is not None:
            bar.close()
    codes, wn = reader.result()

    def where(code: int) -> str:
        return "lines " + " and ".join(str(x) for x in _lines_with_code(path, code))

    return _assemble(version, split, codes, wn, None, reader.hashed, source=str(path), where=where, findings=findings)


class _TextReader:
    """The state of one :func:`ingest_text`: chunks are parsed on worker threads and
    their results gathered here, in file order."""

    def __init__(self, path: Path, size: int, classes: Sequence[str] | None, findings: Findings | None) -> None:
        self.path = path
        self.size = size
        self.classes = classes
        self.findings = findings
        # results go straight into arrays sized from the first chunk's line length
        self.codes = np.zeros(0, _U64)
        self.wn = np.zeros(0, np.int32)
        self.filled = 0
        self.consumed = 0
        self.line_base = 0
        self.hashed: dict[int, str] = {}
        self._lock = threading.Lock()
        self._table: np.ndarray | None = None

    def table(self) -> np.ndarray:
        """Wnid numbers of the label order that index labels refer to (read on first use)."""
        with self._lock:
            if self._table is None:
                names = tuple(self.classes) if self.classes is not None else _ilsvrc_classes()
                self._table = np.array([_wnid_num(w) for w in names], np.int64)
            return self._table

    def consume(self, fut: Any, nbytes: int) -> None:
        """Take one chunk's result (in file order)."""
        self.consumed += nbytes
        try:
            codes, wn, n_lines, local, odd = fut.result()
        except _LineError as exc:
            exc.__traceback__ = None  # its frames hold views of the memory map
            msg = f"{self.path}, line {self.line_base + exc.line}: {exc.reason}"
            raise ManifestError(msg) from None
        for code, (name, line) in local.items():
            prev = self.hashed.setdefault(code, name)
            if prev != name:
                msg = f"{self.path}, line {self.line_base + line}: hash collision between ids {prev!r} and {name!r}"
                raise ManifestError(msg)
        if self.findings is not None:
            for line in odd:
                self.findings.mismatch(f"line {self.line_base + line}")
        self.line_base += n_lines
        need = self.filled + len(codes)
        if need > len(self.codes):
            est = max(need, int(need * self.size / max(self.consumed, 1) * 1.02) + 1024)
            self.codes = _grow(self.codes, self.filled, est)
            self.wn = _grow(self.wn, self.filled, est)
        self.codes[self.filled : need] = codes
        self.wn[self.filled : need] = wn
        self.filled = need

    def read_small(self, max_lines: int | None, *, slow: bool) -> None:
        """A small file (or its first ``max_lines``): one chunk, read into memory."""
        with open(self.path, "rb") as fh:
            data = b"".join(itertools.islice(fh, max_lines)) if max_lines else fh.read()
        data = data.removeprefix(_BOM)
        buf, n = _padded(data)
        present = [c for c in _SEP if data.find(bytes([c])) >= 0]
        flags = (present, data.find(b"/") >= 0, data.find(b".") >= 0)
        with ThreadPoolExecutor(max_workers=1) as pool:
            self.consume(pool.submit(_parse_chunk, buf, n, *flags, self.table, slow), n)

    def read_mapped(self, bar: Any, *, slow: bool) -> None:
        """A big file: memory-mapped, parsed in chunks on two threads."""
        workers = min(2, os.cpu_count() or 1)
        _keep_working_memory()
        first_error: ManifestError | None = None
        with (
            open(self.path, "rb") as fh,
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm,
            ThreadPoolExecutor(max_workers=workers) as pool,
        ):
            pending: list[tuple[Any, int]] = []
            try:
                _read_chunks(mm, self.size, workers, pending, pool, self.consume, bar, self.table, slow)
            except ManifestError as exc:
                first_error = exc
                pool.shutdown(wait=True, cancel_futures=True)
                for fut, _ in pending:  # drop the frames that hold views of the memory map
                    if fut.done() and not fut.cancelled() and fut.exception() is not None:
                        fut.exception().__traceback__ = None
                pending.clear()
        if first_error is not None:
            raise first_error

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """Codes and wnid numbers of every line, in (nearly) sorted order."""
        # chunks are sorted; when they do not overlap, concatenating keeps the order
        codes, wn = self.codes[: self.filled], self.wn[: self.filled]
        if len(self.codes) > self.filled * 1.1 + 1024:  # the size estimate was far off: do not keep slack
            codes, wn = codes.copy(), wn.copy()
        _repair_boundaries(codes, wn)
        return codes, wn


def _read_chunks(
    mm: Any,
    size: int,
    workers: int,
    pending: list[tuple[Any, int]],
    pool: Any,
    consume: Callable[[Any, int], None],
    bar: Any,
    table: Callable[[], np.ndarray],
    slow: bool,
) -> None:
    """Cut the memory map into chunks that end at a newline; parse them on ``pool``."""
    pos = len(_BOM) if mm[: len(_BOM)] == _BOM else 0
    while pos < size:
        end = min(pos + _CHUNK, size)
        if end < size:
            cut = mm.rfind(b"\n", pos, end)
            if cut < 0:
                cut = mm.find(b"\n", end)
            end = size if cut < 0 else cut + 1
        if end + 32 <= size:
            buf = np.frombuffer(mm, np.uint8, count=end - pos + 32, offset=pos)
            n = end - pos
        else:  # last chunk: copy, pad, and end it with a newline
            buf, n = _padded(mm[pos:end])
        pending.append((pool.submit(_parse_chunk, buf, n, None, None, None, table, slow), end - pos))
        del buf
        pos = end
        while len(pending) > workers:
            fut, nb = pending.pop(0)
            consume(fut, nb)
            if bar is not None:
                bar.update(nb)
    while pending:
        fut, nb = pending.pop(0)
        consume(fut, nb)
        if bar is not None:
            bar.update(nb)


def _keep_working_memory() -> None:
    """Let the allocator keep a chunk's working memory for the next chunk.

    Each 4 MiB chunk makes some 20 MB of numpy temporaries. glibc's malloc returns
    freed memory at the top of a heap to the kernel once it exceeds the trim
    threshold (128 KiB at start, later twice the mmap threshold), so every chunk used to
    fault its working memory back in: 200,000-280,000 page faults and 0.4-0.9 s of
    system time on the 14.2 M-line list, the whole gap to DuckDB's reader
    (``benchmarks/profile_ingest.py``). glibc raises both thresholds by itself when a
    block it had to mmap is freed (to that block's size, at most 32 MiB, and twice
    that), as any program that frees a big array sees; one untouched block of just
    under 32 MiB, allocated and freed, does it now instead of by chance. No page of
    it is touched; other allocators simply free it.
    """
    np.empty(_PRIME_BYTES, np.uint8)


#: just under glibc's largest dynamic mmap threshold (``DEFAULT_MMAP_THRESHOLD_MAX``,
#: 32 MiB on 64-bit systems), so that freeing it raises the threshold
_PRIME_BYTES = (32 << 20) - (64 << 10)


def _padded(data: bytes | memoryview) -> tuple[np.ndarray, int]:
    """A copy of ``data`` with 33 zero bytes of padding, ending with a newline."""
    n = len(data)
    buf = np.zeros(n + 33, np.uint8)
    buf[:n] = np.frombuffer(data, np.uint8)
    if n and buf[n - 1] != _NL:
        buf[n] = _NL
        n += 1
    return buf, n


def _grow(arr: np.ndarray, filled: int, n: int) -> np.ndarray:
    new = np.empty(n, arr.dtype)
    new[:filled] = arr[:filled]
    return new


def _repair_boundaries(codes: np.ndarray, labels: np.ndarray) -> None:
    """Sort, in place, the concatenation of sorted chunks that overlap only near their seams.

    A class whose lines straddle two chunks leaves a short unsorted window at
    the seam; each window is sorted on its own. Anything else is left to the
    global sort in :func:`_assemble`.
    """
    if len(codes) < 2:
        return
    seams = np.flatnonzero(codes[1:] < codes[:-1]) + 1
    if not len(seams) or len(seams) > 4096:
        return
    bounds = [0, *seams.tolist(), len(codes)]
    windows = []
    for i in range(1, len(bounds) - 1):
        left, p, right = bounds[i - 1], bounds[i], bounds[i + 1]
        lo = left + int(np.searchsorted(codes[left:p], codes[p], side="right"))
        hi = p + int(np.searchsorted(codes[p:right], codes[p - 1], side="right"))
        windows.append((lo, hi))
    for (_, hi1), (lo2, _) in itertools.pairwise(windows):
        if lo2 < hi1:
            return  # windows overlap: give up, the global sort handles it
    for lo, hi in windows:
        if hi - lo > 1 << 20:
            return
    for lo, hi in windows:
        order = np.argsort(codes[lo:hi], kind="stable")
        codes[lo:hi] = codes[lo:hi][order]
        labels[lo:hi] = labels[lo:hi][order]


def _lines_with_code(path: Path, code: int) -> list[int]:
    """Line numbers whose id encodes to ``code`` (slow; used for error messages)."""
    out = []
    with open(path, "rb") as fh:
        for no, raw in enumerate(fh, 1):
            text = raw.decode("utf-8", "replace").strip()
            if not text or text.startswith("#"):
                continue
            if encode_id(stem(re.split(r"[\s,]+", text)[0]))[0] == code:
                out.append(no)
    return out
