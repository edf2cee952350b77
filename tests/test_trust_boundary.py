"""Regression tests for issue 8, findings 7 (flag files), 9 (damaged package data) and 10 (frozen records).

Damage is always done in a copy of the package's data folder (``_data.root`` is pointed
at it); the real files are never touched.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

import imagenet_versions as iv
from imagenet_versions import _data, flags, wordnet
from imagenet_versions.__main__ import main
from imagenet_versions._types import json_ready
from imagenet_versions.errors import DataFileError, DownloadError, IntegrityError, UnknownFlagError

# submodules whose names the package's functions shadow
audit = importlib.import_module("imagenet_versions.audit")
catalog = importlib.import_module("imagenet_versions.catalog")
lineage = importlib.import_module("imagenet_versions.lineage")

DATA = Path(iv.__file__).parent / "data"


def _clear_caches() -> None:
    _data._verified.clear()
    for mod in (flags, wordnet, catalog, lineage, audit):
        for value in list(vars(mod).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
    catalog.Catalog.default.cache_clear()


@pytest.fixture
def damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, Callable[[bytes], bytes | None]], Path]]:
    """Copy the data folder, and return ``damage(rel, change)``: ``change(old bytes)``
    gives the new bytes, or ``None`` to delete the file."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("manifests", "__pycache__"))
    monkeypatch.setattr(_data, "root", lambda: copy)
    _clear_caches()

    def damage(rel: str, change: Callable[[bytes], bytes | None]) -> Path:
        path = copy / rel
        new = change(path.read_bytes())
        if new is None:
            path.unlink()
        else:
            path.write_bytes(new)
        return path

    try:
        yield damage
    finally:
        monkeypatch.undo()
        _clear_caches()


def _drop_last_rows(n: int) -> Callable[[bytes], bytes]:
    return lambda b: b"".join(b.splitlines(keepends=True)[:-n])


def _drop_line(i: int) -> Callable[[bytes], bytes]:
    return lambda b: b"".join(x for k, x in enumerate(b.splitlines(keepends=True)) if k != i)


# ------------------------------------------------------------------ finding 9


def test_undamaged_copy_gives_the_real_answer(damaged) -> None:
    damaged("names.tsv", lambda b: b)  # same bytes: nothing is wrong
    assert audit.survivors("imagenet-fall11", ["offensive"]).counts() == {"offensive": 437}


def test_truncated_safety_table_is_an_integrity_error_not_388(damaged, capsys) -> None:
    damaged("person_safety.tsv", _drop_last_rows(200))
    with pytest.raises(IntegrityError, match=r"person_safety\.tsv is damaged"):
        audit.survivors("imagenet-fall11")
    _clear_caches()
    code = main(["survivors", "imagenet-fall11"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "person_safety.tsv" in err and "388" not in err


def test_dropped_category_line_is_an_integrity_error(damaged) -> None:
    damaged("categories/ilsvrc2012.txt", _drop_line(500))
    with pytest.raises(IntegrityError, match=r"categories/ilsvrc2012\.txt is damaged"):
        iv.categories("ilsvrc2012")


def test_dropped_operations_line_is_an_integrity_error(damaged) -> None:
    ops = sorted((DATA / "operations").glob("*.tsv"))
    assert ops, "the catalog ships operation evidence"
    rel = ops[0].relative_to(DATA).as_posix()
    damaged(rel, _drop_line(3))
    cat = catalog.Catalog.default()  # an edge's operations are read when it is first used
    with pytest.raises(IntegrityError, match=rf"{rel} is damaged"):
        _ = cat.edges
    version = rel.split("/")[1].split(".")[0]  # the edge's child: operations/<child>.<op>.tsv
    with pytest.raises(IntegrityError, match=rf"{rel} is damaged"):
        iv.diff("ilsvrc2012", version)


def test_truncated_answer_table_is_an_integrity_error(damaged, capsys) -> None:
    # queries read the build-time answers (data/answers/), not the snapshot itself
    damaged("answers/synsets.blocks", lambda b: b[: len(b) // 2])
    with pytest.raises(IntegrityError, match=r"answers/synsets\.blocks is damaged"):
        wordnet.synset("n02084071")
    _clear_caches()
    assert main(["trace", "n02084071"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "answers/synsets.blocks" in err


def test_truncated_snapshot_is_an_integrity_error(damaged) -> None:
    damaged("wordnet_snapshot.tsv.gz", lambda b: b[: len(b) // 2])
    with pytest.raises(IntegrityError, match=r"wordnet_snapshot\.tsv\.gz is damaged"):
        wordnet._snapshot()


def test_snapshot_that_matches_its_record_but_is_not_gzip_is_an_integrity_error(damaged, monkeypatch) -> None:
    path = damaged("wordnet_snapshot.tsv.gz", lambda b: gzip.decompress(b)[:1000])
    monkeypatch.setitem(_data.recorded(), "wordnet_snapshot.tsv.gz", hashlib.sha256(path.read_bytes()).hexdigest())
    with pytest.raises(IntegrityError, match=r"wordnet_snapshot\.tsv\.gz cannot be read"):
        wordnet._snapshot()


def test_missing_catalog_is_an_integrity_error(damaged, capsys) -> None:
    damaged("catalog.toml", lambda b: None)
    with pytest.raises(IntegrityError, match=r"catalog\.toml cannot be read"):
        catalog.Catalog.default()
    _clear_caches()
    assert main(["list", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "catalog.toml" in err


def test_damaged_parsed_catalog_is_an_integrity_error(damaged) -> None:
    # the run time reads catalog.json (catalog.toml parsed at build time); an edit to it is noticed
    damaged("catalog.json", lambda b: b.replace(b'"num_categories":1000', b'"num_categories":999', 1))
    with pytest.raises(IntegrityError, match=r"catalog\.json is damaged"):
        catalog.Catalog.default()


def test_missing_names_table_is_noticed(damaged) -> None:
    damaged("names.tsv", lambda b: None)
    with pytest.raises(IntegrityError, match=r"names\.tsv cannot be read"):
        catalog.Catalog.default().name_of("n01440764")


# ------------------------------------------------------------------ verify: missing edges


def _edit_catalog(tmp_path: Path, change: Callable[[str], str]) -> catalog.Catalog:
    """A user catalog: the shipped one, edited, beside a copy of the shipped data files."""
    copy = tmp_path / "cat"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("manifests", "__pycache__", "provenance"))
    (copy / "catalog.toml").write_text(change((DATA / "catalog.toml").read_text("utf-8")), "utf-8")
    return catalog.Catalog.from_toml(copy / "catalog.toml")


def test_verify_reports_an_edge_whose_file_is_gone(tmp_path: Path) -> None:
    cat = _edit_catalog(tmp_path, lambda t: t)
    assert [str(m) for m in lineage.verify(cat) if not m.documented] == []
    # the root's list is read only when an edge needs it, not when the catalog loads
    (tmp_path / "cat" / "categories" / "imagenet-fall11.txt").unlink()
    cat = catalog.Catalog.from_toml(tmp_path / "cat" / "catalog.toml")
    gone = [m for m in lineage.verify(cat) if m.kind == "unreadable"]
    assert gone and not any(m.documented for m in gone)
    assert {m.parent for m in gone} == {"imagenet-fall11"}
    assert all("cannot read categories/imagenet-fall11.txt" in str(m) for m in gone)


def test_verify_reports_a_parent_without_an_edge(tmp_path: Path) -> None:
    shipped = catalog.Catalog.default()
    edge = next(e for e in shipped.edges if e.child == "imagenet-winter21")
    assert edge.parent == "imagenet-fall11"

    def drop_edge(text: str) -> str:
        blocks = text.split("\n[[edge]]\n")
        kept = [b for b in blocks if not ('parent = "imagenet-fall11"' in b and 'child = "imagenet-winter21"' in b)]
        assert len(kept) == len(blocks) - 1
        return "\n[[edge]]\n".join(kept)

    cat = _edit_catalog(tmp_path, drop_edge)
    ms = [m for m in lineage.verify(cat) if m.kind == "no-edge"]
    assert [(m.parent, m.child, m.documented) for m in ms] == [(None, "imagenet-winter21", False)]
    assert str(ms[0]) == "imagenet-winter21 is reconstructed but no edge derives it from a parent"


# ------------------------------------------------------------------ finding 10


def test_version_images_are_read_only() -> None:
    v = iv.get("ilsvrc2012")
    with pytest.raises(TypeError):
        v.images["train"] = 0  # type: ignore[index]
    assert iv.get("ilsvrc2012").images["train"] == 1281167
    assert v == iv.get("ilsvrc2012") and hash(v) == hash(iv.get("ilsvrc2012"))
    assert json.loads(json.dumps(json_ready(v.images))) == {"train": 1281167, "val": 50000, "test": 100000}


def _mappings(record: object) -> list[tuple[str, object]]:
    return [
        (a.name, getattr(record, a.name))
        for a in attrs.fields(type(record))
        if isinstance(getattr(record, a.name), (dict, list, set)) or hasattr(getattr(record, a.name), "keys")
    ]


def _assert_read_only(record: object) -> None:
    assert attrs.has(type(record))
    for name, value in _mappings(record):
        assert not isinstance(value, (dict, list, set)), f"{type(record).__name__}.{name} is a mutable {type(value)}"
        with pytest.raises(TypeError):
            value["x"] = 1  # type: ignore[index]


def test_every_record_holding_a_mapping_is_read_only() -> None:
    cat = catalog.Catalog.default()
    for v in cat:
        _assert_read_only(v)
    for e in cat.edges:
        _assert_read_only(e)
        for op in e.ops:
            _assert_read_only(op)
    d = iv.diff("imagenet-fall11", "imagenet-winter21")
    _assert_read_only(d.categories)
    assert isinstance(d.path, tuple)
    with pytest.raises(TypeError):
        d.categories.explanations["n00000000"] = ()  # type: ignore[index]
    m = iv.label_map("ilsvrc2012", "imagenet-22k-goog")
    _assert_read_only(m)
    assert m.unmapped  # the teddy bear
    rep = audit.survivors("imagenet-fall11", ["offensive"])
    _assert_read_only(rep.survivors[0])
    t = audit.trace("n02084071")
    _assert_read_only(t)
    # equality, hashing and JSON still work
    assert iv.diff("imagenet-fall11", "imagenet-winter21") == d
    assert hash(d) == hash(iv.diff("imagenet-fall11", "imagenet-winter21"))
    json.dumps(d.to_dict())
    json.dumps(m.to_dict())
    json.dumps(t.to_dict())
    json.dumps(rep.to_list())
    json.dumps([e.to_dict() for e in cat.edges])


def test_user_flags_are_read_only(tmp_path: Path) -> None:
    path = tmp_path / "u.tsv"
    path.write_text("n02084071\tmine\n", "utf-8")
    table = flags.load_user_flags(path)
    _assert_read_only(table)
    assert table.to_dict()["flags"] == {"mine": ["n02084071"]}


# ------------------------------------------------------------------ finding 7 (flag files)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"n02084071\tok\nn02109047\tb\xe9d\n", r"u\.tsv, line 2: not UTF-8 \(byte 0xe9"),
        (b"\xff\xfen\x000\x00", r"u\.tsv, line 1: not UTF-8"),  # UTF-16
        (b"n02084071\tok\rn02109047\tok\r", r"u\.tsv, line 1: CR-only line end"),
        (b"n02084071\tok\nn02109047\tok\x00\n", r"u\.tsv, line 2: control character '\\x00'"),
        (b"n02084071\tok\nn02109047\tok\xe2\x80\xa8x\n", r"u\.tsv, line 2: control character '\\u2028'"),
        (b"n02084071\tok\n../../etc\tflag\n", r"u\.tsv, line 2: malformed row '\.\./\.\./etc\\tflag'"),
    ],
)
def test_bad_flag_files_are_data_file_errors(tmp_path: Path, data: bytes, needle: str) -> None:
    path = tmp_path / "u.tsv"
    path.write_bytes(data)
    with pytest.raises(DataFileError, match=needle):
        flags.load_user_flags(path)


def test_flag_file_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    path = tmp_path / "u.tsv"
    path.write_bytes(b"\xef\xbb\xbfwnid\tflag\r\nn02084071\tmine\r\n")
    table = flags.load_user_flags(path)
    assert dict(table.flags) == {"mine": frozenset({"n02084071"})}


def test_huge_line_in_a_flag_file_gives_a_short_error(tmp_path: Path) -> None:
    path = tmp_path / "u.tsv"
    path.write_bytes(b"n02084071\t" + b"x" * (1 << 20) + b"\n")
    with pytest.raises(DataFileError, match="line 1: malformed row") as info:
        flags.load_user_flags(path)
    assert len(str(info.value)) < 400


def test_empty_flag_file_has_no_flags(tmp_path: Path) -> None:
    path = tmp_path / "u.tsv"
    path.write_bytes(b"")
    assert dict(flags.load_user_flags(path).flags) == {}


def test_unknown_flag_and_source_names_list_the_known_ones() -> None:
    with pytest.raises(UnknownFlagError, match=r"unknown flag: 'nope'; known: offensive, .*nsfw-audit"):
        flags.flagged("nope")
    with pytest.raises(UnknownFlagError, match="unknown flag source: 'nope'; known: yang2020-safety"):
        flags.get_source("nope")
    with pytest.raises(UnknownFlagError, match="unknown flag: 'nope'; known flags: ambiguous"):
        audit.survivors("ilsvrc2012", ["nope"])
    assert isinstance(UnknownFlagError("x"), LookupError)


@pytest.mark.parametrize(
    ("urls", "error", "needle"),
    [
        ({"prabhu-birhane2020-nsfw ": "http://127.0.0.1/x"}, UnknownFlagError, "unknown flag source"),
        ({"yang2020-safety": "http://127.0.0.1/x"}, UnknownFlagError, "a shipped flag source, never downloaded"),
        ({"prabhu-birhane2020-nsfw": ""}, DownloadError, "empty URL for flag source"),
        ({"prabhu-birhane2020-nsfw": "file:///etc/passwd"}, DownloadError, r"is not http\(s\)"),
    ],
)
def test_source_urls_are_checked(urls: dict[str, str], error: type[Exception], needle: str) -> None:
    with pytest.raises(error, match=needle):
        flags.check_source_urls(urls)
    with pytest.raises(error, match=needle):
        audit.survivors("ilsvrc2012", ["nsfw-audit"], urls=urls)
    assert flags.check_source_urls(None) == {}


def test_on_demand_source_is_capped_at_its_pinned_size(local_http: tuple[str, Path]) -> None:
    base, root = local_http
    src = flags.get_source("prabhu-birhane2020-nsfw")
    assert src.size == 90495  # measured on the mirrored df_nsfw.csv (sha256 59d9b103...)
    (root / "df_nsfw.csv").write_bytes(b"x" * (src.size + 1))
    with pytest.raises(DownloadError, match="more than its pinned size, 90,495 bytes"):
        flags.nsfw_scores(url=f"{base}/df_nsfw.csv")


def test_on_demand_files_decode_strictly(tmp_path: Path) -> None:
    path = tmp_path / "df_nsfw.csv"
    path.write_bytes(b",mean_nsfw_train,mean_nsfw_val,std_nsfw_train,std_nsfw_val\nn0\xff,1,1,1,1\n")
    with pytest.raises(DataFileError, match=r"df_nsfw\.csv, line 2: not UTF-8"):
        flags._read_nsfw.__wrapped__(str(path))


# ------------------------------------------------------------------ user catalogs


@pytest.mark.parametrize("ref", ["../outside.txt", "/etc/hostname", "ops/../../outside.txt"])
def test_user_catalog_may_not_point_outside_its_folder(tmp_path: Path, ref: str) -> None:
    (tmp_path / "outside.txt").write_text("n01440764\n", "utf-8")
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "catalog.toml").write_text(
        '[[version]]\nid = "a"\nname = "A"\ncategories = "published"\n\n'
        '[[version]]\nid = "b"\nname = "B"\ncategories = "derived"\n\n'
        f'[[edge]]\nparent = "a"\nchild = "b"\nops = [{{ kind = "subset", keep = "{ref}" }}]\n',
        "utf-8",
    )
    with pytest.raises(iv.CatalogError, match="is outside the catalog's folder"):
        catalog.Catalog.from_toml(folder / "catalog.toml")


def test_user_catalog_is_decoded_strictly(tmp_path: Path) -> None:
    path = tmp_path / "catalog.toml"
    path.write_bytes(b'\xef\xbb\xbf[[version]]\nid = "a"\nname = "A\xff"\n')
    with pytest.raises(iv.CatalogError, match=r"catalog\.toml, line 3: not UTF-8"):
        catalog.Catalog.from_toml(path)
    path.write_bytes(b'\xef\xbb\xbf[[version]]\r\nid = "a"\r\nname = "A"\r\n')
    assert [v.id for v in catalog.Catalog.from_toml(path)] == ["a"]


def test_frozen_records_still_pickle_and_copy() -> None:
    import copy
    import pickle

    v = iv.get("ilsvrc2012")
    d = iv.diff("imagenet-fall11", "imagenet-winter21")
    rep = audit.survivors("imagenet-fall11", ["offensive"])
    for record in (v, d, rep, catalog.Catalog.default().edges[0]):
        assert pickle.loads(pickle.dumps(record)) == record
        assert copy.deepcopy(record) == record
    back = pickle.loads(pickle.dumps(v))
    with pytest.raises(TypeError):
        back.images["train"] = 0  # type: ignore[index]


def test_endless_flag_file_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flags, "MAX_USER_FILE", 1 << 20)
    with pytest.raises(DataFileError, match=r"user flag file '/dev/zero' is larger than 1,048,576 bytes"):
        flags.load_user_flags("/dev/zero")
