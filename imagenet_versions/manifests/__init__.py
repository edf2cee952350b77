"""Image manifests: which images a split of a version holds, with their labels.

A :class:`Manifest` is a frozen, compact record of one split's image ids and
their label(s). This subpackage is the only part of the package that imports
numpy, and it does so only when a numpy-backed name is first used: importing
``imagenet_versions.manifests`` (or ``imagenet_versions.images``) stays light.

One private module per concern:

- ``_codec``: id codec (file names to ``uint64`` codes and back);
- ``_record``: the :class:`Manifest` record;
- ``_storage``: ``.npz`` reads and atomic writes;
- ``_registry``: shipped and on-demand manifests;
- ``_text``: the text-list parser (a vectorised fast path, a per-line slow path);
- ``_ingest``: CSV files, directory trees, tar listings, and the ingest report;
- ``_diff``: image diffs (sorted-array set algebra);
- ``_user``: user versions (a user's own copy, in the user data folder);
- ``_images``: the image part of :func:`imagenet_versions.diff`.

Ids
    Ids are file *stems*: a directory prefix and an image extension are dropped,
    so ``train/n01440764/n01440764_10026.JPEG``, ``n01440764_10026.JPEG`` and
    ``n01440764_10026`` are the same image. Ids with ImageNet's structure are
    encoded losslessly into one ``uint64`` each:

    - ``nXXXXXXXX_N`` (train and fall11 files, ``N`` without leading zero,
      below 10**9): bits 32-58 hold the wnid number, bits 0-31 hold ``N``;
    - ``ILSVRC20YY_val_NNNNNNNN`` and ``ILSVRC20YY_test_NNNNNNNN``: tag 1 in
      the top two bits, the year, the split and the number.

    Every other id (ImageNetV2's sha1 candidate ids, mini-ImageNet's Ravi names,
    Tiny ImageNet's ``val_0``) gets tag 2 and a 62-bit blake2b hash; the string
    is kept beside the hash so that it can be given back. Where such names repeat
    across the class folders of one tree (ImageNet-R, ImageNet-Sketch), ingest
    makes them path-qualified, ``n01440764/art_0``. Hugging Face ``imagenet-1k``
    names (``ILSVRC2012_val_00000001_n01751748.JPEG``) stand for the official id. Two different names
    with the same hash raise :class:`~imagenet_versions.errors.ManifestError`
    (within a manifest on construction, across two manifests in a diff).

Labels
    A class table (``classes``, wnids) and, per image, either one class index
    (``-1`` = no valid label) or, for multi-label manifests, a CSR list of class
    indices (an empty list = no valid label, as in ReaL).

Storage
    ``.npz`` (zip + deflate) with a JSON header: format version, version id,
    split, counts. Codes are stored delta-encoded, per-class counts beside
    them. Writes go to a temporary file that is moved into place with
    :func:`os.replace`.

Entry points for ``diff(A, B)`` and the CLI
    - :func:`available_manifests` / :func:`load_manifest` ``(version, split)``:
      the shipped (and on-demand) manifests, keyed like the catalog;
    - :func:`diff_manifests` ``(a, b)`` -> :class:`ImageDiff`: compares ids;
    - :func:`diff_by_category_filter` ``(manifest, removed_wnids, child=(id, split))``
      -> :class:`ImageDiff`: the image part of a ``Filter`` by categories,
      answered from per-class counts (O(classes)); ids are found on request;
    - :meth:`ImageDiff.to_dict` for JSON (``added_count``, ``removed_count``,
      ``common_count``, ``relabelled_count``, ``relabelled_by_kind``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imagenet_versions.manifests._codec import FORMAT_VERSION, encode_id, stem
    from imagenet_versions.manifests._diff import (
        RELABEL_KINDS,
        IdSet,
        ImageDiff,
        diff_by_category_filter,
        diff_manifests,
    )
    from imagenet_versions.manifests._images import UnknownImages, find_manifest, image_diff, manifests_of
    from imagenet_versions.manifests._ingest import ingest_csv, ingest_directory, ingest_path, ingest_tar
    from imagenet_versions.manifests._record import Manifest
    from imagenet_versions.manifests._registry import (
        available_manifests,
        fetch_manifest,
        load_manifest,
        manifest_info,
        parse_multilabel_csv,
        parse_tiny_val,
    )
    from imagenet_versions.manifests._report import IngestReport
    from imagenet_versions.manifests._storage import read_manifest, write_manifest
    from imagenet_versions.manifests._text import ingest_text
    from imagenet_versions.manifests._user import (
        IngestResult,
        UserSplit,
        UserVersion,
        data_dir,
        ingest_user_version,
        remove_user_version,
        user_manifest_path,
        user_version,
        user_versions,
    )

__all__ = [
    "FORMAT_VERSION",
    "RELABEL_KINDS",
    "IdSet",
    "ImageDiff",
    "IngestReport",
    "IngestResult",
    "Manifest",
    "UnknownImages",
    "UserSplit",
    "UserVersion",
    "available_manifests",
    "data_dir",
    "diff_by_category_filter",
    "diff_manifests",
    "encode_id",
    "fetch_manifest",
    "find_manifest",
    "image_diff",
    "ingest_csv",
    "ingest_directory",
    "ingest_path",
    "ingest_tar",
    "ingest_text",
    "ingest_user_version",
    "load_manifest",
    "manifest_info",
    "manifests_of",
    "parse_multilabel_csv",
    "parse_tiny_val",
    "read_manifest",
    "remove_user_version",
    "stem",
    "user_manifest_path",
    "user_version",
    "user_versions",
    "write_manifest",
]

#: where each public name lives (imported on first use)
_WHERE: dict[str, str] = {
    "FORMAT_VERSION": "_codec",
    "encode_id": "_codec",
    "stem": "_codec",
    "Manifest": "_record",
    "read_manifest": "_storage",
    "write_manifest": "_storage",
    "available_manifests": "_registry",
    "fetch_manifest": "_registry",
    "load_manifest": "_registry",
    "manifest_info": "_registry",
    "parse_multilabel_csv": "_registry",
    "parse_tiny_val": "_registry",
    "ingest_text": "_text",
    "IngestReport": "_report",
    "ingest_csv": "_ingest",
    "ingest_path": "_ingest",
    "ingest_directory": "_ingest",
    "ingest_tar": "_ingest",
    "IdSet": "_diff",
    "ImageDiff": "_diff",
    "RELABEL_KINDS": "_diff",
    "diff_by_category_filter": "_diff",
    "diff_manifests": "_diff",
    "IngestResult": "_user",
    "UserSplit": "_user",
    "UserVersion": "_user",
    "user_manifest_path": "_user",
    "data_dir": "_user",
    "ingest_user_version": "_user",
    "remove_user_version": "_user",
    "user_version": "_user",
    "user_versions": "_user",
    "UnknownImages": "_images",
    "find_manifest": "_images",
    "image_diff": "_images",
    "manifests_of": "_images",
}


def __getattr__(name: str) -> Any:
    mod = _WHERE.get(name)
    if mod is None:
        msg = f"module 'imagenet_versions.manifests' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"imagenet_versions.manifests.{mod}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
