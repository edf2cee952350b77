"""Manifests as Parquet, for engines that join them outside Python (DuckDB, Spark, Polars).

:func:`to_parquet` writes one row per image and label: ``id`` (the image id, as
:meth:`~imagenet_versions.manifests.Manifest.ids` gives it), ``label`` (a wnid; null for an image with no valid
label; a multi-label image has one row per label), ``split`` and ``version``. The
file is sorted by ``id`` then ``label``, so two exports join on ``id`` and a label
set compares with ``list(label ORDER BY label)``.

pyarrow is the optional ``parquet`` extra (``pip install 'imagenet-versions[parquet]'``);
it is imported only here, inside the functions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imagenet_versions.errors import ManifestError

if TYPE_CHECKING:
    from imagenet_versions.manifests import Manifest

__all__ = ["COLUMNS", "to_parquet"]

#: The columns :func:`to_parquet` writes, in order.
COLUMNS = ("id", "label", "split", "version")


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        msg = (
            "writing Parquet needs pyarrow: install the parquet extra "
            "(pip install 'imagenet-versions[parquet]', or uv sync --extra parquet)"
        )
        raise ManifestError(msg) from exc
    return pa, pq


def _rows(m: Manifest) -> tuple[list[str], list[str | None]]:
    """(ids, labels), one entry per image and label, sorted by id then label."""
    import numpy as np

    ids = m.ids()
    classes = m.classes
    labels = np.asarray(m.labels)
    if m.label_offsets is None:
        pairs = [(i, classes[k] if k >= 0 else None) for i, k in zip(ids, labels.tolist(), strict=True)]
    else:
        offsets = np.asarray(m.label_offsets).tolist()
        flat = labels.tolist()
        pairs = []
        for n, i in enumerate(ids):
            own = sorted(classes[k] for k in flat[offsets[n] : offsets[n + 1]] if k >= 0)
            if own:
                pairs.extend((i, w) for w in own)
            else:
                pairs.append((i, None))
    pairs.sort(key=lambda p: (p[0], p[1] or ""))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def to_parquet(manifest: Manifest, path: str | os.PathLike[str]) -> Path:
    """Write ``manifest`` as a Parquet file at ``path`` (see the module docstring); return the path.

    The write is atomic: a temporary file in the same folder replaces ``path`` only
    when complete.

    Raises:
        ManifestError: pyarrow is not installed, or the file cannot be written.
    """
    pa, pq = _pyarrow()
    ids, labels = _rows(manifest)
    table = pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "label": pa.array(labels, pa.string()),
            "split": pa.array([manifest.split] * len(ids), pa.string()),
            "version": pa.array([manifest.version] * len(ids), pa.string()),
        }
    )
    out = Path(path)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, out)
    except OSError as exc:
        msg = f"cannot write {str(out)!r}: {exc.strerror or exc}"
        raise ManifestError(msg) from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
