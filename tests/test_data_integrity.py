"""Every shipped data file is recorded with its sha256, and a damaged one is noticed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import imagenet_versions
from imagenet_versions import _data
from imagenet_versions.errors import IntegrityError

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(imagenet_versions.__file__).parent / "data"


def test_every_shipped_data_file_has_a_matching_record():
    rec = _data.recorded()
    files = [
        p.relative_to(DATA).as_posix()
        for p in DATA.rglob("*")
        if p.is_file() and p.name != "SOURCES.md" and "provenance" not in p.parts and "__pycache__" not in p.parts
    ]
    missing = sorted(set(files) - set(rec))
    assert missing == []
    for rel in files:
        assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == rec[rel], rel


def test_curated_record_is_current():
    r = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "record_curated.py"), "--check"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr


def test_a_damaged_file_raises_integrity_error_naming_it(monkeypatch):
    real = _data.read_bytes("categories/ilsvrc2012.txt")
    assert real.count(b"\n") == 1000
    monkeypatch.setattr(_data, "_verified", set())
    monkeypatch.setitem(_data.recorded(), "categories/ilsvrc2012.txt", "0" * 64)
    with pytest.raises(IntegrityError, match=r"categories/ilsvrc2012\.txt is damaged"):
        _data.read_bytes("categories/ilsvrc2012.txt")


def test_an_unrecorded_file_is_refused():
    with pytest.raises(IntegrityError, match=r"no provenance record|cannot be read"):
        _data.read_bytes("no-such-file.txt")
