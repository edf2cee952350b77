"""Id codec: file names to ``uint64`` codes and back (see the package docstring)."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from imagenet_versions.errors import ManifestError

FORMAT_VERSION = 1

_U64 = np.uint64
_TAG_SHIFT = _U64(62)
_TAG_ILSVRC = 1
_TAG_HASH = 2
_HASH_MASK = (1 << 62) - 1
_LOW32 = _U64(0xFFFFFFFF)
_KINDS = ("val", "test")

_TRAIN_RE = re.compile(r"n(\d{8})_([1-9]\d{0,8})")
_ILSVRC_RE = re.compile(r"ILSVRC20(\d\d)_(val|test)_(\d{8})")
_WNID_RE = re.compile(r"n\d{8}")
_IMAGE_EXT = (".jpeg", ".jpg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff")


# ---------------------------------------------------------------------------
# id codec


_HF_RE = re.compile(r"(n\d{8}_[1-9]\d{0,8}|ILSVRC20\d\d_(?:val|test)_\d{8})_(n\d{8})")


def stem(name: str) -> str:
    """Return the id of a file name: no directory prefix, no image extension.

    Hugging Face ``imagenet-1k`` names append the label to the official id
    (``ILSVRC2012_val_00000001_n01751748.JPEG``); their id is the official one.

    >>> stem("val/n01440764/ILSVRC2012_val_00000293.JPEG")
    'ILSVRC2012_val_00000293'
    >>> stem("ILSVRC2012_val_00000001_n01751748.JPEG")
    'ILSVRC2012_val_00000001'
    """
    return split_hf(_plain_stem(name))[0]


def _plain_stem(name: str) -> str:
    base = name.rstrip("\r\n").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    if dot > 0 and base[dot:].lower() in _IMAGE_EXT:
        base = base[:dot]
    return base


def split_hf(base: str) -> tuple[str, str | None]:
    """``(official id, wnid)`` of a Hugging Face ``<id>_<wnid>`` stem; ``(base, None)`` otherwise."""
    if len(base) > 19 and base[-10] == "_" and base[-9] == "n":
        m = _HF_RE.fullmatch(base)
        if m:
            return m.group(1), m.group(2)
    return base, None


def candidate_ids(item: str) -> tuple[str, ...]:
    """The ids a user's string may mean: its stem, and its path-qualified form
    (``n01440764/art_0`` for ``.../n01440764/art_0.jpg``)."""
    s = stem(item)
    parts = item.rstrip("\r\n").split("/")
    if len(parts) >= 2 and parts[-2]:
        return (s, f"{parts[-2]}/{s}")
    return (s,)


def _hash62(name: str) -> int:
    try:
        raw = name.encode("utf-8")
    except UnicodeEncodeError as exc:
        msg = f"id {name[:80]!r} is not valid UTF-8 text"
        raise ManifestError(msg) from exc
    h = int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")
    return (_TAG_HASH << 62) | (h & _HASH_MASK)


def encode_id(name: str) -> tuple[int, bool]:
    """Encode one id (a stem); return ``(code, is_hashed)``."""
    m = _TRAIN_RE.fullmatch(name)
    if m:
        return (int(m.group(1)) << 32) | int(m.group(2)), False
    m = _ILSVRC_RE.fullmatch(name)
    if m:
        year, kind, num = int(m.group(1)), _KINDS.index(m.group(2)), int(m.group(3))
        return (_TAG_ILSVRC << 62) | (year << 40) | (kind << 32) | num, False
    return _hash62(name), True


def _decode_structured(code: int) -> str:
    tag = code >> 62
    if tag == 0:
        return f"n{code >> 32:08d}_{code & 0xFFFFFFFF}"
    year, kind, num = (code >> 40) & 0xFF, (code >> 32) & 0xFF, code & 0xFFFFFFFF
    return f"ILSVRC20{year:02d}_{_KINDS[kind]}_{num:08d}"


def _wnid_num(w: str) -> int:
    return int(w[1:])


def _wnid_str(n: int) -> str:
    return f"n{n:08d}"


def _increasing(codes: np.ndarray) -> bool:
    """True when ``codes`` is sorted and has no repeats (what a manifest stores)."""
    return len(codes) < 2 or bool(np.all(codes[1:] > codes[:-1]))


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a
