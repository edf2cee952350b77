"""``.npz`` storage of manifests: atomic writes, checked reads."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np

from imagenet_versions.errors import ManifestError
from imagenet_versions.manifests._codec import _TAG_HASH, _TAG_SHIFT, _U64, FORMAT_VERSION, _increasing, _readonly
from imagenet_versions.manifests._record import Manifest


def write_manifest(manifest: Manifest, path: str | os.PathLike[str]) -> Path:
    """Write ``manifest`` to ``path`` (``.npz``) atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    m = manifest
    header = {
        "format": FORMAT_VERSION,
        "version": m.version,
        "split": m.split,
        "count": len(m),
        "classes": len(m.classes),
        "multilabel": m.multilabel,
        "labels": int(m.labels.shape[0]),
        "hashed": int(m.hashed_codes.shape[0]),
        "unlabelled": m.unlabelled_count,
    }
    arrays: dict[str, np.ndarray] = {
        "header": np.frombuffer(json.dumps(header, sort_keys=True).encode(), np.uint8),
        "classes": np.frombuffer("\n".join(m.classes).encode(), np.uint8),
        "codes_delta": np.diff(m.codes, prepend=_U64(0)),
        "labels": m.labels,
        "hashed_blob": np.frombuffer(m.hashed_blob, np.uint8),
        "hashed_offsets": m.hashed_offsets,
        "class_counts": m.class_counts_array(),
    }
    if m.label_offsets is not None:
        arrays["label_counts"] = np.diff(m.label_offsets).astype(np.int32)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w") as zf:
            for name, arr in arrays.items():
                # fixed timestamps: the same manifest always gives the same bytes
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, np.ascontiguousarray(arr), allow_pickle=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read a manifest written by :func:`write_manifest`.

    Raises:
        ManifestError: the file is truncated, corrupted or not a manifest; the
            message names the file.
    """
    path = Path(path)
    return _read_npz(path, str(path))


def _read_npz(src: Path | IO[bytes], label: str) -> Manifest:
    """Parse a manifest ``.npz`` from a path or a binary file object; errors name ``label``."""
    path = label
    try:
        with np.load(src, allow_pickle=False) as z:
            header = json.loads(bytes(z["header"]).decode())
            if header.get("format") != FORMAT_VERSION:
                msg = f"{path}: unsupported manifest format {header.get('format')!r}"
                raise ManifestError(msg)
            classes_raw = bytes(z["classes"]).decode()
            classes = tuple(classes_raw.split("\n")) if classes_raw else ()
            codes = z["codes_delta"]
            if codes.dtype != _U64:
                msg = f"{path}: corrupted manifest file: codes are {codes.dtype}, not uint64"
                raise ManifestError(msg)
            np.cumsum(codes, out=codes)  # in place: no second 8-bytes-per-image array
            labels = z["labels"]
            offsets = None
            if header["multilabel"]:
                lc = z["label_counts"].astype(np.int64)
                offsets = np.concatenate([[0], np.cumsum(lc)]).astype(np.int64)
            blob = bytes(z["hashed_blob"])
            hoff = z["hashed_offsets"]
            counts = z["class_counts"].astype(np.int64)
    except ManifestError:
        raise
    except (
        OSError,
        ValueError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        json.JSONDecodeError,
        UnicodeDecodeError,
    ) as exc:
        msg = f"{path}: truncated or corrupted manifest file ({type(exc).__name__}: {exc})"
        raise ManifestError(msg) from exc
    except Exception as exc:  # zlib.error and friends
        msg = f"{path}: truncated or corrupted manifest file ({type(exc).__name__}: {exc})"
        raise ManifestError(msg) from exc
    problems = _problems(header, classes, codes, labels, offsets, blob, hoff, counts)
    hc = codes[(codes >> _TAG_SHIFT) == _U64(_TAG_HASH)]
    if problems:
        msg = f"{path}: corrupted manifest file: {'; '.join(problems)}"
        raise ManifestError(msg)
    m = Manifest(
        header["version"],
        header["split"],
        classes,
        _readonly(codes),
        _readonly(labels),
        None if offsets is None else _readonly(offsets),
        _readonly(hc),
        blob,
        _readonly(hoff),
    )
    # per-class counts are stored, so category-level questions stay O(classes)
    m._cache["class_counts"] = _readonly(counts)
    return m


def _problems(
    header: dict[str, Any],
    classes: tuple[str, ...],
    codes: np.ndarray,
    labels: np.ndarray,
    offsets: np.ndarray | None,
    blob: bytes,
    hoff: np.ndarray,
    counts: np.ndarray,
) -> list[str]:
    """What is inconsistent in a manifest file's arrays (empty: nothing)."""
    n = len(codes)
    problems = []
    if not isinstance(header.get("version"), str) or not isinstance(header.get("split"), str):
        problems.append("the header names no version and split")
    if n != header.get("count"):
        problems.append(f"{n} ids but the header says {header.get('count')}")
    if len(classes) != header.get("classes"):
        problems.append(f"{len(classes)} classes but the header says {header.get('classes')}")
    if not _increasing(codes):
        problems.append("ids are not sorted and unique")
    if offsets is None and len(labels) != n:
        problems.append(f"{len(labels)} labels for {n} ids")
    if offsets is not None and (len(offsets) != n + 1 or offsets[-1] != len(labels)):
        problems.append("label lists do not match the ids")
    if len(labels) and (int(labels.max()) >= len(classes) or int(labels.min()) < -1):
        problems.append("a label is outside the class table")
    hc = codes[(codes >> _TAG_SHIFT) == _U64(_TAG_HASH)]
    if len(hoff) != len(hc) + 1 or int(hoff[-1]) != len(blob):
        problems.append("hashed id names do not match the ids")
    if len(counts) != len(classes):
        problems.append("class counts do not match the class table")
    return problems
