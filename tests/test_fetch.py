from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from imagenet_versions import _fetch
from imagenet_versions.errors import DownloadError, IntegrityError


def test_fetch_downloads_verifies_and_caches(local_http: tuple[str, Path], cache_root: Path) -> None:
    base, root = local_http
    payload = b"n01440764\nn01443537\n"
    (root / "list.txt").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()

    path = _fetch.fetch(f"{base}/list.txt", digest)
    assert path.read_bytes() == payload
    assert path.parent == cache_root
    # served again from the cache, even when the server no longer has it
    (root / "list.txt").unlink()
    assert _fetch.fetch(f"{base}/list.txt", digest) == path
    assert _fetch.list_cache() == [path]


def test_fetch_hash_mismatch_leaves_nothing(local_http: tuple[str, Path], cache_root: Path) -> None:
    base, root = local_http
    (root / "list.txt").write_bytes(b"tampered\n")
    with pytest.raises(IntegrityError, match=r"expected 0{64}; the download was deleted"):
        _fetch.fetch(f"{base}/list.txt", "0" * 64)
    assert list(cache_root.iterdir()) == []


def test_fetch_http_error_leaves_nothing(local_http: tuple[str, Path], cache_root: Path) -> None:
    base, _ = local_http
    with pytest.raises(DownloadError, match="404"):
        _fetch.fetch(f"{base}/missing.txt", "0" * 64)
    assert list(cache_root.iterdir()) == []


def test_corrupted_cache_entry_is_fetched_again(local_http: tuple[str, Path]) -> None:
    base, root = local_http
    payload = b"abc\n"
    (root / "f.txt").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    path = _fetch.fetch(f"{base}/f.txt", digest)
    path.write_bytes(b"corrupted")
    assert _fetch.fetch(f"{base}/f.txt", digest).read_bytes() == payload
    assert _fetch.clear_cache() == 1
    assert _fetch.list_cache() == []
