"""Issue 11: the audit's corrections, the long tail of versions, ambiguous names and on-demand lists."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions.catalog import Catalog
from imagenet_versions.errors import DataFileError, InvalidNameError

ROOT = Path(__file__).resolve().parent.parent
MIRROR = Path(os.environ.get("IMAGENET_VERSIONS_MIRROR", ROOT.parent / "shared" / "data" / "sources"))
if not MIRROR.is_dir():  # the worktree layout: /work/wt/<name> beside /work/shared
    MIRROR = ROOT.parent.parent / "shared" / "data" / "sources"


# ---------------------------------------------------------------- the audit's corrections


def test_12k_has_both_splits_with_the_card_as_source() -> None:
    v = iv.get("imagenet-12k")
    assert dict(v.images) == {"train": 12129687, "val": 472840}
    assert v.images["val"] == 40 * v.num_categories
    assert "imagenet-12k-wds" in v.images_source


def test_the_21842_head_is_focalnets_and_swin_heads_have_21841() -> None:
    v = iv.get("imagenet-22k-ms")
    assert "FocalNet" in v.name and "Focal Modulation Networks" in v.citation
    assert "Swin" not in v.name and "Swin" not in v.citation and "BEiT" not in v.name
    assert v.homepage == "https://github.com/microsoft/FocalNet"
    assert len(iv.categories("imagenet-22k-ms")) == 21842
    assert iv.resolve("focalnet-22k") == "imagenet-22k-ms"
    notes = " ".join(iv.get("imagenet-fall11").notes)
    assert "21,841 outputs" in notes and "convnext_base.fb_in22k" in notes


def test_dedup_facefree_cites_its_three_authors() -> None:
    c = iv.get("imagenet-dedup-facefree").citation
    assert c.startswith("Jain, Crețu, de Montjoye.")
    assert "2106.09820" in c
    assert "Cebere" not in c and "Shumailov" not in c


def test_imagenet_pi_cites_what_its_readme_asks_and_records_both_noise_variants() -> None:
    v = iv.get("imagenet-pi")
    assert v.citation.startswith("Ortiz-Jimenez")
    assert "When does Privileged Information explain away label noise?" in v.citation
    (edge,) = iv.Catalog.default().parents("imagenet-pi")
    note = edge.ops[0].note
    assert "high-noise (beta 0.1, 16.2%" in note and "low-noise (beta 0.5, 51.9%)" in note


def test_21k_p_keeps_classes_with_more_than_500_images() -> None:
    for vid in ("imagenet-21k-p-fall11", "imagenet-21k-p-winter21"):
        (edge,) = iv.Catalog.default().parents(vid)
        rule = edge.ops[0].rule
        assert "more than 500" in rule and "-gt 500" in rule
        assert "fewer than 500" not in rule


def test_counts_the_audit_asked_for() -> None:
    w21 = iv.get("imagenet-winter21")
    assert w21.images["total"] == 13151276 and "< 32" in w21.images_source
    assert 13153500 not in w21.images.values()  # the Alliance Canada figure could not be checked
    assert "Alliance Canada" in " ".join(w21.notes)
    f11 = iv.get("imagenet-fall11")
    assert f11.images["total"] == 14197122 and "IJCV 2015" in f11.images_source
    assert iv.get("imagenet-lt").images["train"] == 115846
    assert iv.get("imagenet-m").images == {"val": 68}
    assert iv.Catalog.default().parents("imagenet-m")[0].parent == "imagenet2012-multilabel"


def test_fewshot_tune_split_is_noted_but_its_unverified_size_is_not_a_count() -> None:
    v = iv.get("imagenet2012-fewshot")
    assert "tune" not in v.images
    assert any("'tune' split" in n and "not recorded" in n for n in v.notes)


def test_imagenet_c_and_p_counts_and_preprocessing() -> None:
    cat = iv.Catalog.default()
    for vid in ("imagenet-c", "imagenet-p"):
        assert iv.get(vid).images == {"val": 50000}
        (edge,) = cat.parents(vid)
        pre = edge.ops[0].params["preprocessing"]
        assert pre.startswith("Resize(256)") and "CenterCrop(224)" in pre
    (edge,) = cat.parents("imagenet-c")
    assert edge.ops[0].params["severities"] == 5 and edge.ops[0].params["corruptions"] == 19
    assert "4,750,000" in iv.get("imagenet-c").images_source


# ---------------------------------------------------------------- the long tail


def test_at_least_60_versions_each_with_categories_or_a_reason() -> None:
    cat = iv.Catalog.default()
    assert len(cat) >= 60
    for v in cat:
        if v.on_demand is not None and v.on_demand.what == "categories":
            assert v.categories_source and v.on_demand.files, v.id
        elif not cat.has_categories(v.id):
            assert v.category_status == "unknown" and v.categories_source, v.id


def test_every_count_has_its_source() -> None:
    for v in iv.versions():
        if v.num_categories is not None:
            assert v.num_categories_source, v.id
        if v.images:
            assert v.images_source, v.id


def test_verify_reports_only_documented_mismatches() -> None:
    found = iv.verify()
    assert found and all(m.documented for m in found)


def test_ssb_winter21_drops_20_person_synsets_each_explained_by_the_catalogs_own_flags() -> None:
    d = iv.diff("ssb-imagenet-hard-fall11", "ssb-imagenet-hard-winter21")
    removed = d.categories.removed
    assert len(removed) == 20 and "n10506915" in removed
    assert not d.categories.added and len(iv.categories("ssb-imagenet-hard-winter21")) == 980
    (edge,) = iv.Catalog.default().parents("ssb-imagenet-hard-winter21")
    (flt,) = edge.ops
    assert flt.kind == "filter" and set(flt.removed) == set(removed)
    winter21 = iv.Catalog.default().parents("imagenet-winter21")[0].ops[0]
    for w in removed:
        reason = flt.why(w)
        assert reason == winter21.why(w)  # the same reason the winter21 filter gives
        flags = iv.flags_for(w)
        assert "person" in flags, w
        expected = reason.removeprefix("unsafe:")  # sensitive, or not-imageable
        assert expected in flags, (w, reason, sorted(flags))
        assert w not in iv.categories("imagenet-winter21")
    # the order of the 980 kept is the fall11 order
    kept = [w for w in iv.categories("ssb-imagenet-hard-fall11") if w not in set(removed)]
    assert tuple(kept) == iv.categories("ssb-imagenet-hard-winter21")


def test_ssb_known_classes_went_from_devkit_to_sorted_order_by_a_reindex() -> None:
    dev = iv.categories("ssb-imagenet-known-devkit")
    now = iv.categories("ssb-imagenet-known")
    assert dev[0] == "n02119789" and dev == iv.categories("imagenet-downsampled")
    assert now == iv.categories("ilsvrc2012") and set(dev) == set(now)
    (edge,) = iv.Catalog.default().parents("ssb-imagenet-known")
    assert edge.op == "reindex"


def test_ssb_unknowns_are_21k_p_classes_outside_1k() -> None:
    p11 = set(iv.categories("imagenet-21k-p-fall11"))
    in1k = set(iv.categories("ilsvrc2012"))
    hard, easy = set(iv.categories("ssb-imagenet-hard-fall11")), set(iv.categories("ssb-imagenet-easy"))
    assert hard <= p11 and easy <= p11 and not (hard | easy) & in1k and not hard & easy
    assert set(iv.categories("ssb-imagenet-hard-winter21")) <= set(iv.categories("imagenet-21k-p-winter21"))


def test_the_four_imagenet_100s_differ_as_measured() -> None:
    c = {k: set(iv.categories(f"imagenet-100-{k}")) for k in ("cmc", "podnet", "ucir", "icarl")}
    in1k = iv.categories("ilsvrc2012")
    assert iv.categories("imagenet-100-podnet") == in1k[:100]
    assert iv.categories("imagenet-100-icarl") == iv.categories("imagenet-downsampled")[:100]
    assert iv.categories("imagenet-100-ucir") == tuple(sorted(c["ucir"]))
    overlaps = {
        "ucir&podnet": len(c["ucir"] & c["podnet"]),
        "ucir&icarl": len(c["ucir"] & c["icarl"]),
        "ucir&cmc": len(c["ucir"] & c["cmc"]),
        "podnet&cmc": len(c["podnet"] & c["cmc"]),
        "icarl&cmc": len(c["icarl"] & c["cmc"]),
        "podnet&icarl": len(c["podnet"] & c["icarl"]),
    }
    assert overlaps == {
        "ucir&podnet": 9,
        "ucir&icarl": 7,
        "ucir&cmc": 7,
        "podnet&cmc": 8,
        "icarl&cmc": 13,
        "podnet&icarl": 0,
    }


def test_imagenet_100_is_an_ambiguous_name_listing_all_four_with_sources() -> None:
    with pytest.raises(iv.AmbiguousVersionError) as err:
        iv.get("imagenet-100")
    assert [vid for vid, _ in err.value.candidates] == [
        "imagenet-100-cmc",
        "imagenet-100-icarl",
        "imagenet-100-podnet",
        "imagenet-100-ucir",
    ]
    msg = str(err.value)
    assert "Tian et al. 2020" in msg and "Hou et al. 2019" in msg and "Rebuffi et al. 2017" in msg
    assert "was the id of imagenet-100-cmc" in msg  # tells an old caller what to use


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("imagenet-200", {"tiny-imagenet", "imagenet-r", "imagenet-a", "openood-imagenet-200"}),
        ("ImageNet-D", {"imagenet-d-rusak", "imagenet-d-zhang"}),
        ("imagenet-20k", {"imagenet-fall11", "imagenet-22k-goog", "imagenet-22k-ms"}),
        ("imagenet22k", {"imagenet-fall11", "imagenet-22k-goog", "imagenet-22k-ms"}),
        ("ssb-hard", {"ssb-imagenet-hard-fall11", "ssb-imagenet-hard-winter21"}),
    ],
)
def test_names_that_collide_are_ambiguous(name: str, expected: set[str]) -> None:
    with pytest.raises(iv.AmbiguousVersionError) as err:
        iv.resolve(name)
    assert {vid for vid, _ in err.value.candidates} == expected
    assert "sources:" in str(err.value)


def test_relabels_onto_labels_that_are_not_synsets() -> None:
    cats = iv.categories("imagenet-16-class")
    assert cats[0] == "geirhos16:airplane" and len(cats) == 16
    (edge,) = iv.Catalog.default().parents("imagenet-16-class")
    subset, relabel = edge.ops
    assert len(subset.keep) == 207 and relabel.mapping["n02690373"] == "geirhos16:airplane"
    (edge,) = iv.Catalog.default().parents("imagenet-vid-robust")
    assert len(edge.ops[0].keep) == 288 and len(iv.categories("imagenet-vid-robust")) == 30
    (edge,) = iv.Catalog.default().parents("imagenet-d-zhang")
    assert len(edge.ops[0].keep) == 125
    assert len(iv.categories("imagenet-d-rusak")) == 464
    assert iv.Catalog.default().name_of("geirhos16:knife") == "knife"


def test_tiered_and_openood_and_timm_mini() -> None:
    tiered = iv.categories("tiered-imagenet")
    assert len(tiered) == 608 and set(tiered) <= set(iv.categories("ilsvrc2012"))
    assert iv.categories("openood-imagenet-200") == iv.categories("imagenet-r")
    assert set(iv.categories("mini-imagenet-timm")) == set(iv.categories("mini-imagenet"))
    assert iv.get("mini-imagenet-timm").images == {"train": 50000, "validation": 10000, "test": 5000}


def test_unverifiable_lists_are_unknown_with_the_reason() -> None:
    dogs = iv.get("stanford-dogs")
    assert dogs.category_status == "unknown" and "hand-typed" in dogs.categories_source
    assert dogs.images == {"train": 12000, "test": 8580}
    assert "overlap ILSVRC-2012 train" in " ".join(dogs.notes)
    with pytest.raises(iv.CategoriesUnknownError, match="hand-typed"):
        iv.categories("stanford-dogs")
    assert iv.get("partimagenet").category_status == "unknown"
    hard = iv.get("imagenet-hard")
    assert hard.images == {"validation": 10980}
    (dis,) = hard.disagreements
    assert len(dis.values) >= 3 and dis.values[-1][0] == 10980


# ---------------------------------------------------------------- on-demand lists


def _fresh_default() -> Catalog:
    root = Path(iv.__file__).parent / "data"
    return Catalog.from_toml(root / "catalog.toml")


def test_on_demand_categories_are_unknown_until_fetched_and_say_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
    cat = _fresh_default()
    assert not cat.has_categories("objectnet-in1k")
    with pytest.raises(iv.CategoriesUnknownError, match=r"fetch_on_demand\('objectnet-in1k'\)"):
        cat.categories("objectnet-in1k")
    with pytest.raises(iv.CatalogError, match="no on-demand files"):
        cat.fetch_on_demand("ilsvrc2012")


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"source mirror not found at {MIRROR}")
def test_objectnet_mapping_is_fetched_pinned_and_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_http: tuple[str, Path]
) -> None:
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
    base, folder = local_http
    for name in ("objectnet_to_imagenet_1k.json", "imagenet_to_labels.json"):
        (folder / name).write_bytes((MIRROR / "imagenet-ood-variants" / f"testbed_{name}").read_bytes())
    cat = _fresh_default()
    paths = cat.fetch_on_demand("objectnet-in1k", mirror=base)
    assert [p.name.split("-", 1)[1] for p in paths] == ["objectnet_to_imagenet_1k.json", "imagenet_to_labels.json"]
    cats = cat.categories("objectnet-in1k")
    assert len(cats) == 125 and cats == tuple(sorted(cats))
    # the same 125 classes as ImageNet-D (Zhang), which groups them the same way
    (edge,) = cat.parents("imagenet-d-zhang")
    assert set(cats) == set(edge.ops[0].keep)
    # offline afterwards: a fresh catalog reads the cache
    assert _fresh_default().categories("objectnet-in1k") == cats


def test_on_demand_download_with_the_wrong_bytes_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_http: tuple[str, Path]
) -> None:
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
    base, folder = local_http
    (folder / "ImageNetS_categories_im50.txt").write_bytes(b"n01440764\n")
    cat = _fresh_default()
    with pytest.raises(iv.IntegrityError):
        cat.fetch_on_demand("imagenet-s-50", mirror=base)
    assert not cat.has_categories("imagenet-s-50")
    with pytest.raises(iv.DownloadError):
        cat.fetch_on_demand("imagenet-s-300", mirror=base)  # not served: 404


def _user_catalog(tmp_path: Path, body: bytes, extra: str = "") -> Catalog:
    digest = hashlib.sha256(body).hexdigest()
    p = tmp_path / "catalog.toml"
    p.write_text(
        '[[version]]\nid = "a"\nname = "A"\ncategories = "published"\n'
        "[version.on_demand]\n"
        'what = "categories"\nformat = "wnid-lines"\n'
        f'files = [{{ name = "list.txt", url = "http://127.0.0.1:9/list.txt", sha256 = "{digest}" }}]\n' + extra
    )
    return Catalog.from_toml(p)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"n01440764\nnot-a-wnid\n", r"line 2: not a wnid"),
        (b"\xff\xfe\x00n", r"not UTF-8"),
        (b"n01440764\nn01440764\n", r"repeats a category"),
    ],
)
def test_hostile_on_demand_files_are_refused_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_http: tuple[str, Path], body: bytes, match: str
) -> None:
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
    base, folder = local_http
    (folder / "list.txt").write_bytes(body)
    cat = _user_catalog(tmp_path, body)
    cat.fetch_on_demand("a", mirror=base)
    with pytest.raises(DataFileError, match=match):
        cat.categories("a")


def test_empty_and_huge_on_demand_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_http: tuple[str, Path]
) -> None:
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
    base, folder = local_http
    body = b""
    (folder / "list.txt").write_bytes(body)
    cat = _user_catalog(tmp_path, body)
    cat.fetch_on_demand("a", mirror=base)
    assert cat.categories("a") == ()
    body = "".join(f"n{i:08d}\n" for i in range(200_000)).encode()
    (folder / "list.txt").write_bytes(body)
    cat = _user_catalog(tmp_path, body)
    cat.fetch_on_demand("a", mirror=base)
    assert len(cat.categories("a")) == 200_000


@pytest.mark.parametrize(
    ("toml", "error", "match"),
    [
        ('what = "pixels"\nfiles = []\n', iv.CatalogError, "on_demand.what must be one of"),
        ('what = "categories"\nformat = "pickle"\nfiles = []\n', iv.CatalogError, "unknown on_demand.format"),
        (
            'what = "image labels"\nfiles = [{ name = "../../etc/passwd", url = "https://x/y", sha256 = "'
            + "0" * 64
            + '" }]\n',
            InvalidNameError,
            "passwd",
        ),
        (
            'what = "image labels"\nfiles = [{ name = "ok.txt", url = "file:///etc/passwd", sha256 = "'
            + "0" * 64
            + '" }]\n',
            iv.CatalogError,
            "http",
        ),
        ('what = "image labels"\nfiles = [{ name = "ok.txt" }]\n', iv.CatalogError, "bad on_demand table"),
    ],
)
def test_hostile_on_demand_tables_in_a_user_catalog(
    tmp_path: Path, toml: str, error: type[Exception], match: str
) -> None:
    p = tmp_path / "catalog.toml"
    p.write_text('[[version]]\nid = "a"\nname = "A"\n[version.on_demand]\n' + toml)
    with pytest.raises(error, match=match):
        Catalog.from_toml(p)


@pytest.mark.parametrize(
    ("alias", "match"),
    [
        ('[[alias]]\nname = "x"\nversions = ["a"]\n', "at least two"),
        ('[[alias]]\nname = "x"\nversions = ["a", "zzz"]\n', "unknown version"),
        ('[[alias]]\nname = "a"\nversions = ["a", "b"]\n', "is a version id"),
    ],
)
def test_bad_alias_tables_in_a_user_catalog(tmp_path: Path, alias: str, match: str) -> None:
    p = tmp_path / "catalog.toml"
    p.write_text('[[version]]\nid = "a"\nname = "A"\n[[version]]\nid = "b"\nname = "B"\n' + alias)
    with pytest.raises(iv.CatalogError, match=match):
        Catalog.from_toml(p)


def test_an_alias_table_makes_a_user_name_ambiguous(tmp_path: Path) -> None:
    p = tmp_path / "catalog.toml"
    p.write_text(
        '[[version]]\nid = "a"\nname = "A"\ncitation = "Doe, Roe. Title."\nyear = 2020\n'
        '[[version]]\nid = "b"\nname = "B"\n'
        '[[alias]]\nname = "ab"\nversions = ["a", "b"]\nnote = "both are called ab"\n'
    )
    cat = Catalog.from_toml(p)
    with pytest.raises(iv.AmbiguousVersionError, match=r"both are called ab.*a: Doe et al\. 2020"):
        cat.resolve("AB")
    assert cat.resolve("a") == "a"


# ---------------------------------------------------------------- CLI: fetch


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from imagenet_versions.__main__ import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"source mirror not found at {MIRROR}")
def test_cli_fetch_downloads_pinned_files_and_reports_them(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    local_http: tuple[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
    base, folder = local_http
    name = "ImageNetS_categories_im50.txt"
    (folder / name).write_bytes((MIRROR / "imagenet-s" / name).read_bytes())
    code, out, err = _cli(capsys, "fetch", "imagenet-s-50", "--mirror", base, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert next(iter(doc)) == "schema" and doc["schema"] == "imagenet-versions/fetch@1"
    assert doc["version"] == "imagenet-s-50" and doc["categories"] == 50
    (f,) = doc["files"]
    assert Path(f["path"]).is_file() and f["sha256"] == hashlib.sha256(Path(f["path"]).read_bytes()).hexdigest()
    code, out, _ = _cli(capsys, "fetch", "imagenet-s-50", "--mirror", base)
    assert code == 0 and "50 categories, now available offline" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["fetch", "ilsvrc2012"], "no on-demand files"),
        (["fetch", "imagenet-100"], "ambiguous version"),
        (["fetch", "no-such-version"], "unknown version"),
        (["fetch", "imagenet-s-50", "--mirror", "file:///etc"], "not an http(s) URL"),
        (["fetch", "imagenet-s-50", "--mirror", "http://127.0.0.1:9"], "could not download"),
    ],
)
def test_cli_fetch_errors_are_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    match: str,
) -> None:
    monkeypatch.setenv("IMAGENET_VERSIONS_CACHE", str(tmp_path / "cache"))
    code, out, err = _cli(capsys, *argv, "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and match in err and "Traceback" not in err
