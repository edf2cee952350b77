"""User versions: a user's own copy of a catalog version, as a version of its own.

``manifest ingest PATH --as NAME --copy-of VERSION --split SPLIT`` reads the copy
and registers ``NAME`` in the user data folder (never in the cache, which holds
only what can be downloaded again)::

    <data folder>/versions/<NAME>/version.json   what it claims to copy, per split
    <data folder>/versions/<NAME>/<SPLIT>.npz    the manifest of each split

The data folder is ``platformdirs.user_data_dir("imagenet_versions")``, or
``$IMAGENET_VERSIONS_DATA``. Every name (``NAME``, ``SPLIT``) is checked with
:func:`imagenet_versions._types.check_name` before it becomes part of a path.

A user version joins the default catalog (:func:`with_user_versions`) as a child
of the version it claims to copy, through a :class:`~imagenet_versions.operations.Copy`
edge; its categories are the claimed version's, and its images are its own. A name
that is a catalog id or alias is refused: a shipped reference is never replaced.

This module imports no numpy until a manifest is read or written.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from imagenet_versions._dirs import DATA_ENV_VAR
from imagenet_versions._types import NAME_RE, check_name, frozen_mapping, json_ready
from imagenet_versions.catalog import Catalog, Derivation, Version, normalize
from imagenet_versions.errors import DataFileError, InvalidNameError, ManifestError, UnknownVersionError
from imagenet_versions.operations import Copy

if TYPE_CHECKING:
    from imagenet_versions.manifests._record import Manifest
    from imagenet_versions.manifests._report import IngestReport

__all__ = [
    "ENV_VAR",
    "IngestResult",
    "UserSplit",
    "UserVersion",
    "data_dir",
    "ingest_user_version",
    "remove_user_version",
    "user_manifest_path",
    "user_version",
    "user_versions",
    "with_user_versions",
]

ENV_VAR = DATA_ENV_VAR  # (imported from _dirs: the one place that names it)
SCHEMA = "imagenet-versions/user-version@1"
_RECORD = "version.json"


def data_dir() -> Path:
    """The user data folder (not created until the first ingest).

    ``$IMAGENET_VERSIONS_DATA`` wins; otherwise platformdirs' user data dir.
    """
    from imagenet_versions._dirs import user_data_dir

    return user_data_dir()


def _versions_root() -> Path:
    return data_dir() / "versions"


def _folder(name: str) -> Path:
    return _versions_root() / check_name(name, "user-version name")


def user_manifest_path(name: str, split: str) -> Path:
    """Where the manifest of split ``split`` of user version ``name`` is stored."""
    return _folder(name) / f"{check_name(split, 'split')}.npz"


@frozen
class UserSplit:
    """One ingested split of a user version."""

    split: str
    images: int
    classes: int
    unlabelled: int
    source: str
    layout: str
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "images": self.images,
            "classes": self.classes,
            "unlabelled": self.unlabelled,
            "source": self.source,
            "layout": self.layout,
            "sha256": self.sha256,
        }


def _splits(items: Mapping[str, UserSplit]) -> Mapping[str, UserSplit]:
    return frozen_mapping(items)


@frozen
class UserVersion:
    """A user's own copy: ``name`` claims to be ``copy_of`` (a catalog id), per split."""

    name: str
    copy_of: str
    splits: Mapping[str, UserSplit] = field(converter=_splits)
    folder: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "name": self.name,
            "copy_of": self.copy_of,
            "splits": {k: v.to_dict() for k, v in self.splits.items()},
            "folder": self.folder,
        }

    def to_version(self) -> Version:
        """The catalog :class:`~imagenet_versions.catalog.Version` of this copy."""
        sources = "; ".join(f"{s.split}: {s.source}" for s in self.splits.values())
        return Version(
            id=self.name,
            name=f"{self.name} (user copy of {self.copy_of})",
            category_status="derived",
            categories_source=f"claimed: the categories of {self.copy_of}",
            images={k: v.images for k, v in self.splits.items()},
            images_source=f"ingested by the user ({sources})",
            notes=(f"user version stored in {self.folder}",),
        )

    def to_edge(self) -> Derivation:
        """The ``copy`` edge from the version it claims to copy."""
        splits = tuple(self.splits)
        ops = tuple(Copy(split=s, source=self.splits[s].source) for s in splits)
        return Derivation(
            self.copy_of,
            self.name,
            ops,
            splits[0] if len(splits) == 1 else None,
            evidence=f"user ingest, {self.folder}",
        )

    def __repr__(self) -> str:
        return f"<UserVersion {self.name!r}: copy of {self.copy_of} ({', '.join(self.splits)})>"


def _fail(path: Path, what: str) -> DataFileError:
    return DataFileError(f"{path}: {what}; remove the folder {str(path.parent)!r} or fix the file")


def _read_record(folder: Path) -> UserVersion:
    path = folder / _RECORD
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(path, f"cannot read the user-version record ({exc.strerror or exc})") from exc
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _fail(path, f"not a JSON user-version record ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or doc.get("name") != folder.name:
        raise _fail(path, f"not a {SCHEMA} record for {folder.name!r}")
    try:
        splits = {
            check_name(k, "split"): UserSplit(
                split=k,
                images=int(v["images"]),
                classes=int(v["classes"]),
                unlabelled=int(v["unlabelled"]),
                source=str(v["source"]),
                layout=str(v["layout"]),
                sha256=str(v["sha256"]),
            )
            for k, v in doc["splits"].items()
        }
        copy_of = str(doc["copy_of"])
    except (KeyError, TypeError, ValueError, AttributeError, InvalidNameError) as exc:
        raise _fail(path, f"malformed user-version record ({exc})") from exc
    return UserVersion(folder.name, copy_of, splits, str(folder))


def user_versions() -> tuple[UserVersion, ...]:
    """Every registered user version, sorted by name."""
    root = _versions_root()
    if not root.is_dir():
        return ()
    out = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        if NAME_RE.fullmatch(entry.name) is None or ".." in entry.name:
            raise _fail(entry / _RECORD, "a folder with an invalid user-version name")
        if not (entry / _RECORD).exists():
            continue  # not (yet) registered: ingest writes the record last
        out.append(_read_record(entry))
    return tuple(out)


def user_version(name: str) -> UserVersion:
    """The user version called ``name``.

    Raises:
        InvalidNameError: ``name`` may not be a user-version name.
        UnknownVersionError: no user version has this name.
    """
    folder = _folder(name)
    if not (folder / _RECORD).is_file():
        known = tuple(u.name for u in user_versions())
        raise UnknownVersionError(name, (), known or ("(no user versions)",))
    return _read_record(folder)


def remove_user_version(name: str) -> UserVersion:
    """Remove a user version (its record and manifests); return what was removed."""
    uv = user_version(name)
    folder = _folder(name)
    if folder.is_symlink():
        folder.unlink()
    else:
        import shutil  # here: listing user versions, which every command does, needs neither

        shutil.rmtree(folder)
    return uv


def _atomic_write(path: Path, data: bytes) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@frozen
class IngestResult:
    """What :func:`ingest_user_version` made: the user version, the manifest and the report."""

    user_version: UserVersion
    split: str
    manifest: Manifest
    report: IngestReport

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "imagenet-versions/ingest@1",
            "name": self.user_version.name,
            "copy_of": self.user_version.copy_of,
            "split": self.split,
            "stored": str(user_manifest_path(self.user_version.name, self.split)),
            "report": json_ready(self.report.to_dict()),
        }


def _check_new_name(name: str, copy_of: str, split: str, base: Catalog, *, replace: bool) -> None:
    if name in base:
        msg = (
            f"{name!r} is a catalog version id or alias; a user version needs a name of its own "
            "(shipped references are never replaced)"
        )
        raise InvalidNameError(msg)
    for uv in user_versions():
        if normalize(uv.name) != normalize(name):
            continue
        if uv.name != name:
            msg = f"{name!r} would be confused with the user version {uv.name!r}; pick another name"
            raise InvalidNameError(msg)
        if uv.copy_of != copy_of:
            msg = f"user version {name!r} is a copy of {uv.copy_of!r}, not {copy_of!r}; remove it first"
            raise InvalidNameError(msg)
        if split in uv.splits and not replace:
            msg = f"user version {name!r} already has a {split!r} split; remove it first, or pass replace=True"
            raise InvalidNameError(msg)


def ingest_user_version(
    path: str | os.PathLike[str],
    *,
    name: str,
    copy_of: str,
    split: str,
    label_column: str | None = None,
    allow_empty: bool = False,
    replace: bool = False,
    catalog: Catalog | None = None,
    progress: bool | None = None,
) -> IngestResult:
    """Read a user's copy of ``copy_of``'s ``split`` and register it as user version ``name``.

    ``path`` is a text list, a CSV (``label_column`` names its label column), a
    directory tree or a tar archive; see :func:`imagenet_versions.manifests.ingest_path`.

    Raises:
        InvalidNameError: ``name`` or ``split`` may not become part of a path, or
            ``name`` is a catalog id or alias, or the split is already there.
        UnknownVersionError, AmbiguousVersionError: ``copy_of`` is not one catalog id.
        ManifestError, DataFileError: the input is malformed, or holds zero images
            and ``allow_empty`` is False.
    """
    from imagenet_versions.manifests._ingest import ingest_path

    check_name(name, "user-version name")
    check_name(split, "split")
    base = catalog if catalog is not None else Catalog.default()
    vid = base.resolve(copy_of)
    _check_new_name(name, vid, split, base, replace=replace)
    order = base.categories(vid) if base.has_categories(vid) else None
    m, report = ingest_path(
        path,
        version=name,
        split=split,
        classes=order,
        claimed=vid,
        label_column=label_column,
        progress=progress,
    )
    if not len(m) and not allow_empty:
        msg = (
            f"{str(path)!r}: found 0 images ({report.layout} layout); nothing registered "
            "(pass --allow-empty to keep an empty copy)"
        )
        raise ManifestError(msg)
    folder = _folder(name)
    fresh = not folder.exists()
    try:
        _store(folder, m, vid, split, os.path.abspath(path), report.layout)
    except OSError as exc:
        if fresh and folder.is_dir():
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
        msg = f"cannot store user version {name!r} in {str(folder)!r}: {exc.strerror or exc}"
        raise ManifestError(msg) from exc
    return IngestResult(_read_record(folder), split, m, report)


def _store(folder: Path, m: Manifest, copy_of: str, split: str, source: str, layout: str) -> None:
    """Write the split's manifest, then the record that registers it (atomically, in that order)."""
    from imagenet_versions.manifests._storage import write_manifest

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{split}.npz"
    write_manifest(m, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    old = _read_record(folder).splits if (folder / _RECORD).is_file() else {}
    splits = {k: v.to_dict() for k, v in old.items()}
    splits[split] = UserSplit(split, len(m), len(m.classes), m.unlabelled_count, source, layout, digest).to_dict()
    doc = {"schema": SCHEMA, "name": folder.name, "copy_of": copy_of, "splits": dict(sorted(splits.items()))}
    _atomic_write(folder / _RECORD, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8"))


_MERGED: dict[tuple[int, tuple[tuple[str, int, int], ...]], Catalog] = {}


def _state() -> tuple[tuple[str, int, int], ...] | None:
    """A cheap fingerprint of the registered user versions (None: there are none)."""
    root = _versions_root()
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return None
    out = []
    for e in entries:
        try:
            st = os.stat(Path(e.path) / _RECORD)
        except OSError:
            continue
        out.append((e.name, st.st_mtime_ns, st.st_size))
    return tuple(out) or None


def with_user_versions(base: Catalog) -> Catalog:
    """``base`` plus the registered user versions (``base`` itself when there are none).

    User versions whose claimed version is not in ``base`` are left out.
    """
    state = _state()
    if state is None:
        return base
    key = (id(base), state)
    got = _MERGED.get(key)
    if got is None:
        users = [u for u in user_versions() if u.copy_of in base and u.name not in base and u.splits]
        got = base.with_versions(
            tuple(u.to_version() for u in users),
            tuple(u.to_edge() for u in users),
            source=f"{base!r} + {len(users)} user version(s) in {data_dir()}",
        )
        if len(_MERGED) > 16:
            _MERGED.clear()
        _MERGED[key] = got
    return got
