"""Ingest of CSV files, directory trees and tar listings, and :func:`ingest_path`,
which picks the reader for a path and reports what it found.

Layouts read (each is tested with a small fixture of its real shape):

- class-folder trees (``train/n01440764/n01440764_10026.JPEG``); where file
  names repeat across class folders (ImageNet-R / Sketch: ``art_0.jpg`` in every
  folder) ids become path-qualified, ``n01440764/art_0``;
- ImageNetV2's index folders ``0..999``, mapped through the claimed version's
  label order (ILSVRC-2012's sorted wnids: ImageNetV2's own ``class_info.json``
  numbers the classes in that order);
- Hugging Face ``imagenet-1k`` names ``<official id>_<wnid>.JPEG``, mapped to the
  official id, labelled by the wnid;
- text lists and CSVs (see :func:`~imagenet_versions.manifests.ingest_text`);
- tar archives, listed from their headers where the file is seekable.

Symlinked folders are followed, each real folder once (a loop is reported, not
followed). A folder or file that cannot be read is reported, never skipped silently.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import tarfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from imagenet_versions._decode import read_user_text
from imagenet_versions.errors import ManifestError, ManifestWarning
from imagenet_versions.manifests._codec import _IMAGE_EXT, _TRAIN_RE, _WNID_RE, _plain_stem, split_hf, stem
from imagenet_versions.manifests._record import Manifest
from imagenet_versions.manifests._registry import _ilsvrc_classes
from imagenet_versions.manifests._report import Findings, IngestReport
from imagenet_versions.manifests._text import _bar, ingest_text

_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)")
_TAR_SUFFIXES = (".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tbz2", ".txz")


def ingest_csv(
    path: str | os.PathLike[str],
    *,
    id_column: str | None = None,
    label_column: str | None = None,
    multilabel: bool = False,
    classes: Sequence[str] | None = None,
    where: Callable[[Mapping[str, str]], bool] | None = None,
    version: str = "user",
    split: str = "train",
    progress: bool | None = None,
    findings: Findings | None = None,
) -> Manifest:
    """Read a CSV with a header row (strict UTF-8; a byte-order mark is skipped).

    Args:
        id_column: column with the file name (default: the first column).
        label_column: column with the label: a wnid or an index into
            ``classes`` (default ILSVRC-2012 order); with ``multilabel`` a
            comma-separated list, empty = no valid label. Without it, the
            label comes from the id's path as in :func:`ingest_text`.
        where: keep only the rows for which this returns True.

    Raises:
        ManifestError: a row is malformed; the message names file and line.
    """
    path = Path(path)
    ids: list[str] = []
    labels: list[Any] = []
    table: Sequence[str] | None = classes
    bar = _bar(None, path.name, progress, unit="rows")
    text = read_user_text(path)
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        idc = _csv_header(reader, path, id_column, label_column)
        try:
            for row in reader:
                line = reader.line_num
                if None in row or any(v is None for v in row.values()):
                    msg = f"{path}, line {line}: expected {len(reader.fieldnames or ())} fields"
                    raise ManifestError(msg)
                if where is not None and not where(row):
                    continue
                name = row[idc].strip()
                if not name or "\n" in name or "\r" in name:
                    msg = f"{path}, line {line}: {'a line end in the id' if name else 'empty id'}"
                    raise ManifestError(msg)
                ids.append(name)
                if label_column is not None:
                    wn, table = _csv_labels(row[label_column], table, f"{path}, line {line}", label_column)
                    labels.append(wn if multilabel else _one(wn, f"{path}, line {line}", label_column))
                if bar is not None:
                    bar.update(1)
        except csv.Error as exc:
            msg = f"{path}, line {reader.line_num}: {exc}"
            raise ManifestError(msg) from exc
    if bar is not None:
        bar.close()
    if label_column is None:
        labels = [_label_from_path(i.split("/")) for i in ids]
    return Manifest.from_ids(ids, labels, version=version, split=split, source=str(path), findings=findings)


def _csv_header(reader: csv.DictReader[str], path: Path, id_column: str | None, label_column: str | None) -> str:
    """The id column, after checking that the named columns exist."""
    if not reader.fieldnames:
        msg = f"{path}, line 1: no header row"
        raise ManifestError(msg)
    idc = id_column or reader.fieldnames[0]
    for col in (idc, label_column):
        if col is not None and col not in reader.fieldnames:
            msg = f"{path}, line 1: no column {col!r}; columns: {', '.join(reader.fieldnames)}"
            raise ManifestError(msg)
    return idc


def _one(wn: list[str], where: str, column: str) -> str | None:
    if len(wn) > 1:
        msg = f"{where}: several labels in {column!r}"
        raise ManifestError(msg)
    return wn[0] if wn else None


def _csv_labels(
    cell: str, table: Sequence[str] | None, where: str, column: str
) -> tuple[list[str], Sequence[str] | None]:
    """The wnids of one label cell (wnids or indices, comma-separated) and the label order used."""
    parts = [p.strip() for p in cell.split(",") if p.strip()]
    if table is None and any(p.isascii() and p.isdigit() for p in parts):
        table = _ilsvrc_classes()
    wn = []
    for p in parts:
        if _WNID_RE.fullmatch(p):
            wn.append(p)
        elif p.isascii() and p.isdigit() and table is not None and int(p) < len(table):
            wn.append(table[int(p)])
        else:
            msg = f"{where}: bad label {p[:80]!r} in column {column!r}"
            raise ManifestError(msg)
    return wn, table


def _label_from_path(parts: Sequence[str], findings: Findings | None = None) -> str | None:
    """The label a path gives: the nearest wnid folder, else the wnid of a Hugging
    Face name, else the wnid a train-style name starts with; a file name whose wnid
    differs from its folder's is counted in ``findings``."""
    folder = next((p for p in reversed(parts[:-1]) if _WNID_RE.fullmatch(p)), None)
    name, hf = split_hf(_plain_stem(parts[-1]))
    m = _TRAIN_RE.fullmatch(name)
    own = hf or (f"n{m.group(1)}" if m else None)
    if folder is None:
        return own
    if own is not None and own != folder and findings is not None:
        findings.mismatch("/".join(parts[-2:]))
    return folder


class _Walker:
    """Lists image files under a root: follows symlinked folders once per real
    folder, and records what cannot be read."""

    def __init__(self, root: Path, findings: Findings, bar: Any) -> None:
        self.root = root
        self.findings = findings
        self.bar = bar
        self.seen: set[tuple[int, int]] = set()
        self.files: list[tuple[str, ...]] = []

    def _unreadable(self, rel: tuple[str, ...], exc: OSError) -> None:
        where = "/".join(rel) or "."
        self.findings.unreadable.append(f"{where}: {exc.strerror or exc}")

    def walk(self, folder: Path, rel: tuple[str, ...]) -> None:
        try:
            st = folder.stat()
        except OSError as exc:
            self._unreadable(rel, exc)
            return
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            self.findings.notes.append(f"{'/'.join(rel)}: a folder already listed (symlink loop); not followed")
            return
        self.seen.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self._unreadable(rel, exc)
            return
        for e in entries:
            self._entry(e, rel)
        if self.bar is not None:
            self.bar.update(len(entries))

    def _entry(self, e: os.DirEntry[str], rel: tuple[str, ...]) -> None:
        here = (*rel, e.name)
        try:
            is_dir = e.is_dir(follow_symlinks=True)
        except OSError as exc:
            self._unreadable(here, exc)
            return
        if is_dir:
            self.walk(Path(e.path), here)
            return
        if os.path.splitext(e.name)[1].lower() not in _IMAGE_EXT:
            return
        try:
            mode = e.stat(follow_symlinks=True).st_mode
        except OSError as exc:  # a dangling symlink
            self._unreadable(here, exc)
            return
        if not stat.S_ISREG(mode) or not os.access(e.path, os.R_OK):
            self._unreadable(here, PermissionError(13, "not a readable file"))
            return
        self.files.append(here)


def _is_index_tree(files: Sequence[tuple[str, ...]]) -> bool:
    """ImageNetV2's layout: every image sits in a folder named by a class index."""
    return bool(files) and all(len(f) >= 2 and f[-2].isascii() and f[-2].isdigit() for f in files)


def _check_names(files: Sequence[tuple[str, ...]], source: str) -> None:
    """File names become ids: they must be UTF-8 and free of control characters."""
    for f in files:
        name = "/".join(f)
        try:
            name.encode("utf-8")
        except UnicodeEncodeError as exc:
            shown = name.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
            msg = f"{source}: {shown[:200]!r} is not a UTF-8 file name"
            raise ManifestError(msg) from exc
        if _BAD_CHAR.search(name) or "\r" in name or "\n" in name:
            msg = f"{source}: control character in the file name {name[:200]!r}"
            raise ManifestError(msg)


def _ids_and_labels(
    files: Sequence[tuple[str, ...]], classes: Sequence[str] | None, findings: Findings, source: str
) -> tuple[list[str], list[str | None]]:
    """Ids (stems, path-qualified where file names repeat across class folders) and labels."""
    _check_names(files, source)
    if _is_index_tree(files):
        findings.layout = "index-folders"
        order = tuple(classes) if classes is not None else _ilsvrc_classes()
        findings.notes.append(f"index folders mapped through a label order of {len(order):,} classes")
        labels: list[str | None] = []
        for f in files:
            k = int(f[-2])
            if k >= len(order):
                msg = f"{source}: folder {'/'.join(f[:-1])!r} is not a class index (the label order has {len(order)})"
                raise ManifestError(msg)
            labels.append(order[k])
        return [stem(f[-1]) for f in files], labels
    findings.layout = "class-folders"
    stems = [stem(f[-1]) for f in files]
    labels = [_label_from_path(f, findings) for f in files]
    hashed = [k for k, s in enumerate(stems) if not _TRAIN_RE.fullmatch(s) and not s.startswith("ILSVRC20")]
    seen: dict[str, tuple[str, ...]] = {}
    repeats = False
    for k in hashed:
        prev = seen.setdefault(stems[k], files[k][:-1])
        if prev != files[k][:-1]:
            repeats = True
            break
    if repeats:
        for k in hashed:
            if len(files[k]) >= 2:
                stems[k] = f"{files[k][-2]}/{stems[k]}"
                findings.qualified += 1
    return stems, labels


def ingest_directory(
    root: str | os.PathLike[str],
    *,
    version: str = "user",
    split: str | None = None,
    classes: Sequence[str] | None = None,
    progress: bool | None = None,
    findings: Findings | None = None,
) -> Manifest:
    """List an image tree such as ``train/n01440764/n01440764_10026.JPEG``.

    Image files (by extension) are the ids; the label is the nearest ``nXXXXXXXX``
    folder, else the wnid in the file name, else none. A tree of index folders
    (``0/``, ``1/``, ... as ImageNetV2 ships) is labelled through ``classes``
    (default: ILSVRC-2012's order). Where non-ImageNet file names repeat across
    class folders (ImageNet-R, ImageNet-Sketch), ids are path-qualified
    (``n01440764/art_0``). Folders and files that cannot be read are listed in
    ``findings`` (and warned about with :class:`~imagenet_versions.ManifestWarning`).
    ``split`` defaults to the folder name of ``root``.
    """
    root = Path(root)
    if not root.is_dir():
        msg = f"not a directory: {str(root)!r}"
        raise ManifestError(msg)
    found = findings if findings is not None else Findings()
    bar = _bar(None, root.name, progress, unit="files")
    walker = _Walker(root, found, bar)
    walker.walk(root, ())
    if bar is not None:
        bar.close()
    if found.unreadable:
        shown = "; ".join(found.unreadable[:3])
        warnings.warn(
            f"{root}: {len(found.unreadable):,} folders or files could not be read and are not listed: {shown}",
            ManifestWarning,
            stacklevel=2,
        )
    ids, labels = _ids_and_labels(walker.files, classes, found, str(root))
    return Manifest.from_ids(
        ids, labels, version=version, split=split or root.name, source=str(root), stems=True, findings=findings
    )


def _tar_members(
    tf: tarfile.TarFile,
    prefix: tuple[str, ...],
    source: str,
    out: list[tuple[str, ...]],
    bar: Any,
    seekable: bool,
) -> None:
    for member in tf:
        if not member.isfile():
            continue
        parts = (*prefix, *member.name.strip("/").split("/"))
        if member.name.lower().endswith(".tar"):
            inner = tf.extractfile(member)
            if inner is None:
                continue
            stem_wnid = Path(member.name).stem
            try:
                with tarfile.open(fileobj=inner, mode="r:" if seekable else "r|*") as sub:
                    _tar_members(sub, (*parts[:-1], stem_wnid), source, out, bar, seekable)
            except tarfile.TarError as exc:
                msg = f"{source}: member {member.name!r} is not a readable tar ({exc})"
                raise ManifestError(msg) from exc
            continue
        if Path(member.name).suffix.lower() not in _IMAGE_EXT:
            continue
        out.append(parts)
        if bar is not None:
            bar.update(1)


def _seekable(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def ingest_tar(
    path: str | os.PathLike[str],
    *,
    version: str = "user",
    split: str = "train",
    classes: Sequence[str] | None = None,
    progress: bool | None = None,
    findings: Findings | None = None,
) -> Manifest:
    """List the images in a tar archive without extracting it.

    A regular file is opened in seekable mode (``r:*``): only the member headers
    are read, and the data between them is skipped (an uncompressed 138 GB
    ILSVRC train tar is listed from its headers). A pipe is read as a stream.
    ILSVRC's tar-of-tars (``ILSVRC2012_img_train.tar`` holding ``n01440764.tar``,
    ...) is listed in one pass; the inner archive's name gives the label. The
    members are labelled and path-qualified as in :func:`ingest_directory`.
    """
    path = Path(path)
    found = findings if findings is not None else Findings()
    files: list[tuple[str, ...]] = []
    bar = _bar(None, path.name, progress, unit="files")
    seekable = _seekable(path)
    try:
        with tarfile.open(path, mode="r:*" if seekable else "r|*") as tf:
            _tar_members(tf, (), str(path), files, bar, seekable)
    except tarfile.TarError as exc:
        msg = f"{path}: not a readable tar archive ({exc})"
        raise ManifestError(msg) from exc
    except (EOFError, OSError) as exc:
        msg = f"{path}: truncated or unreadable tar archive ({exc})"
        raise ManifestError(msg) from exc
    finally:
        if bar is not None:
            bar.close()
    ids, labels = _ids_and_labels(files, classes, found, str(path))
    found.layout = "tar"
    return Manifest.from_ids(ids, labels, version=version, split=split, source=str(path), stems=True, findings=findings)


def ingest_path(
    path: str | os.PathLike[str],
    *,
    version: str = "user",
    split: str = "train",
    classes: Sequence[str] | None = None,
    claimed: str | None = None,
    label_column: str | None = None,
    progress: bool | None = None,
) -> tuple[Manifest, IngestReport]:
    """Read a list, CSV, directory tree or tar archive; return the manifest and a report.

    The reader is chosen by what ``path`` is: a folder, a tar archive (by suffix),
    a ``.csv`` (``label_column`` names its label column; without one, labels come
    from the paths), else a text list. ``classes`` is the label order that index
    labels and index folders refer to (default ILSVRC-2012's); ``claimed`` the
    catalog version the copy claims to be (its categories are ``classes``): wnids
    outside it are reported. Repeated ids are kept once and reported.

    Raises:
        ManifestError, DataFileError: the input cannot be read or is malformed.
    """
    p = Path(path)
    f = Findings()
    name = p.name.lower()
    if label_column is not None and name.endswith(".csv") is False:
        msg = f"--label-column needs a CSV file (a name ending in .csv), not {str(p)!r}"
        raise ManifestError(msg)
    if p.is_dir():
        m = ingest_directory(p, version=version, split=split, classes=classes, progress=progress, findings=f)
    elif name.endswith(_TAR_SUFFIXES):
        m = ingest_tar(p, version=version, split=split, classes=classes, progress=progress, findings=f)
    elif name.endswith(".csv"):
        f.layout = "csv"
        m = ingest_csv(
            p, label_column=label_column, classes=classes, version=version, split=split, progress=progress, findings=f
        )
    elif p.is_file() or p.exists():
        f.layout = "text"
        m = ingest_text(p, version=version, split=split, classes=classes, progress=progress, findings=f)
    else:
        msg = f"no such file or directory: {str(p)!r}"
        raise ManifestError(msg)
    outside: tuple[str, ...] = ()
    if claimed is not None and classes is not None:
        have = set(classes)
        outside = tuple(w for w in m.classes if w not in have)
    elif claimed is not None:
        f.notes.append(f"the categories of {claimed} are not known: the wnids were not checked against them")
    report = IngestReport(
        source=str(path),
        layout=f.layout,
        images=len(m),
        classes=len(m.classes),
        unlabelled=m.unlabelled_count,
        claimed=claimed,
        not_in_claimed=outside,
        prefix_mismatches=f.prefix_mismatches,
        prefix_mismatch_examples=f.prefix_examples,
        duplicates=f.duplicates,
        duplicate_examples=f.duplicate_examples,
        conflicting_duplicates=f.conflicting_duplicates,
        qualified=f.qualified,
        unreadable=f.unreadable,
        notes=f.notes,
    )
    return m, report
