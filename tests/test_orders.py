"""Label orders (imagenet_versions.orders), LabelMap in index space, and their data rebuild."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import imagenet_versions as iv
from imagenet_versions import orders

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "imagenet_versions" / "data"
MIRROR = Path(os.environ.get("IMAGENET_VERSIONS_MIRROR", ROOT.parent / "shared" / "data" / "sources"))
if "IMAGENET_VERSIONS_MIRROR" not in os.environ and not MIRROR.is_dir():
    MIRROR = ROOT.parent.parent / "shared" / "data" / "sources"  # a git worktree under <project>/wt/<name>


def test_every_version_with_categories_has_its_orders_default_first() -> None:
    for v in iv.versions():
        if not iv.Catalog.default().has_categories(v.id):
            with pytest.raises(iv.CategoriesUnknownError):
                iv.label_orders(v.id)
            continue
        os_ = iv.label_orders(v.id)
        assert os_[0].is_default and sum(o.is_default for o in os_) == 1
        assert len({(o.wnids, o.offset) for o in os_}) == len(os_)  # each sequence once
        cats = set(iv.categories(v.id))
        assert all(set(o.wnids) == cats for o in os_)


def test_declared_orders_and_defaults() -> None:
    assert [o.name for o in iv.label_orders("ilsvrc2012")] == ["sorted", "devkit", "tf-slim"]
    assert [o.name for o in iv.label_orders("imagenet-fall11")] == ["sorted", "swin"]
    assert [o.name for o in iv.label_orders("tiny-imagenet")] == ["wnids-txt", "sorted"]
    assert [o.name for o in iv.label_orders("imagenet-100-cmc")] == ["cmc", "sorted"]
    assert iv.label_order("imagenet-22k-ms").name == "focalnet"
    assert iv.label_order("imagenet-fall11", "swin").status == "reconstructed"
    # an alias for the same sequence is accepted and keeps the asked name
    o = iv.label_order("ilsvrc2012", "listed")
    assert o.name == "listed" and o.wnids == iv.label_order("ilsvrc2012").wnids


def test_sorted_order_is_imagefolder_and_file_orders_are_the_published_files() -> None:
    tiny = iv.label_order("tiny-imagenet")
    assert tiny.wnids == iv.categories("tiny-imagenet") and tiny.wnids != tuple(sorted(tiny.wnids))
    assert iv.label_order("tiny-imagenet", "sorted").wnids == tuple(sorted(tiny.wnids))
    assert iv.label_order("imagenet-100-cmc", "cmc").wnids[0] != sorted(iv.categories("imagenet-100-cmc"))[0]


def test_devkit_order_is_map_clsloc() -> None:
    devkit = iv.label_order("ilsvrc2012", "devkit")
    assert devkit.wnids[0] == "n02119789"  # map_clsloc.txt: "n02119789 1 kit_fox"
    assert devkit.wnids == iv.categories("imagenet-downsampled")
    assert set(devkit.wnids) == set(iv.categories("ilsvrc2012"))


def test_tf_slim_background_offset() -> None:
    o = iv.label_order("ilsvrc2012", "tf-slim")
    assert o.offset == 1 and o.num_outputs == 1001 and o.labels()[0] == "background"
    assert o.index("n01440764") == 1
    assert iv.class_to_idx("ilsvrc2012", "tf-slim")["n15075141"] == 1000
    assert iv.label_names("ilsvrc2012", "tf-slim")[:2] == ["background", "n01440764"]


def test_swin_order_agrees_with_swins_22k_to_1k_map() -> None:
    """The reconstruction (data) against Swin's own map22kto1k.txt (evidence in the mirror)."""
    path = MIRROR / "audit-evidence/focalnet-21842-head/swin_map22kto1k.txt"
    if not path.is_file():
        pytest.skip(f"source mirror not found at {MIRROR} (set IMAGENET_VERSIONS_MIRROR)")
    swin_map = [int(x) for x in path.read_text().split()]
    idx = iv.class_to_idx("imagenet-fall11", "swin")
    one = iv.categories("ilsvrc2012")
    agree = [idx.get(w) == swin_map[i] for i, w in enumerate(one)]
    assert sum(agree) == 999 and one[agree.index(False)] == "n04399382"
    # the sorted fall11 order does not fit Swin's map: the orders differ
    idx_sorted = iv.class_to_idx("imagenet-fall11")
    assert sum(idx_sorted.get(w) == swin_map[i] for i, w in enumerate(one)) < 999


def test_unknown_order_lists_the_known_ones() -> None:
    with pytest.raises(iv.UnknownOrderError, match="known: sorted, devkit, tf-slim"):
        iv.label_order("ilsvrc2012", "nope")
    with pytest.raises(iv.UnknownOrderError):
        iv.label_order("ilsvrc2012", 3)  # type: ignore[arg-type]
    with pytest.raises(LookupError):
        iv.label_order("ilsvrc2012", "x" * 10_000)


def test_unique_display_names_follow_torchvision() -> None:
    names = iv.display_names("ilsvrc2012")
    assert (names[134], names[517], names[638], names[639]) == ("crane bird", "crane", "maillot", "maillot tank suit")
    assert len(set(names)) == 1000
    assert names[264] == "Cardigan" and names[474] == "cardigan"  # distinct, as torchvision keeps them
    for vid in ("imagenet-fall11", "imagenet-22k-goog", "imagenet-12k", "imagenet-21k-p-winter21"):
        n = iv.display_names(vid)
        assert len(set(n)) == len(n), vid
    fall = iv.display_names("imagenet-fall11")
    assert any(x.endswith(")") and "(n" in x for x in fall)  # the wnid rule was needed and used


def test_display_names_withhold_offensive_labels_by_wnid() -> None:
    offensive = sorted(iv.flagged("offensive") & set(iv.categories("imagenet-fall11")))
    assert len(offensive) == 437
    shown = dict(zip(iv.categories("imagenet-fall11"), iv.display_names("imagenet-fall11"), strict=True))
    assert all(shown[w] == w for w in offensive)
    revealed = dict(
        zip(iv.categories("imagenet-fall11"), iv.display_names("imagenet-fall11", show_offensive=True), strict=True)
    )
    assert all(revealed[w] != w for w in offensive[:20])
    desc = dict(zip(iv.categories("imagenet-fall11"), iv.label_descriptions("imagenet-fall11"), strict=True))
    assert desc[offensive[0]] == "[label withheld: offensive]"


def test_class_label_names_are_accepted_by_a_classlabel_like_check() -> None:
    names = iv.class_label_names("imagenet-fall11")
    assert len(names) == len(set(names)) == 21841 and all(isinstance(n, str) and n for n in names)


def test_index_of_by_wnid_and_by_name() -> None:
    assert iv.index_of("ilsvrc2012", "n01440764") == 0
    assert iv.index_of("ilsvrc2012", "tench") == 0
    assert iv.index_of("ilsvrc2012", "Tinca tinca") == 0
    assert iv.index_of("ilsvrc2012", "crane bird") == 134
    assert iv.index_of("ilsvrc2012", "n01440764", order="tf-slim") == 1
    assert iv.index_of("imagenet-22k-ms", "crane bird") == 134  # 1K first in FocalNet's order
    with pytest.raises(iv.UnknownClassError, match="n02012849 \\(index 134\\), n03126707 \\(index 517\\)"):
        iv.index_of("ilsvrc2012", "crane")
    with pytest.raises(iv.UnknownClassError, match="has no class 'n04399382'"):
        iv.index_of("imagenet-fall11", "n04399382")  # teddy bear is not in fall11
    with pytest.raises(iv.UnknownClassError):
        iv.index_of("ilsvrc2012", "\x00" * 5000)
    with pytest.raises(iv.UnknownClassError):
        iv.index_of("ilsvrc2012", None)  # type: ignore[arg-type]


def test_class_mask_matches_timms_r_and_a_indices() -> None:
    for vid, evidence in (("imagenet-r", "timm_imagenet_r_indices.txt"), ("imagenet-a", "timm_imagenet_a_indices.txt")):
        want = [int(x) for x in (DATA / "evidence" / evidence).read_text().split()]
        mask = iv.class_mask(vid, "ilsvrc2012")
        assert isinstance(mask, np.ndarray) and mask.dtype == bool and mask.shape == (1000,)
        assert np.flatnonzero(mask).tolist() == want
        lm = iv.label_map(vid, "ilsvrc2012")
        assert lm.as_array().tolist() == want
        assert (lm.mask_b() == mask).all()
        assert iv.label_map("ilsvrc2012", vid).mask_a().tolist() == mask.tolist()
    o_mask = iv.class_mask("imagenet-o", "ilsvrc2012", order="tf-slim")
    assert o_mask.shape == (1001,) and not o_mask[0] and int(o_mask.sum()) == 200


def test_label_map_takes_orders_and_fills_unmapped() -> None:
    lm = iv.label_map("imagenet-a", "ilsvrc2012", order_b="tf-slim")
    assert lm.order_b == "tf-slim" and lm.indices()[:3] == [7, 12, 14]
    back = iv.label_map("ilsvrc2012", "imagenet-fall11", order_a="tf-slim", order_b="swin")
    assert back.mapping[0] == (0, None)  # background has no counterpart in a head without one
    arr = back.as_array(fill=-7)
    assert arr.shape == (1001,) and arr[0] == -7
    teddy = iv.class_to_idx("ilsvrc2012", "tf-slim")["n04399382"]
    assert arr[teddy] == -7 and "n04399382" in back.unmapped
    assert back.to_dict()["order_a"] == "tf-slim"
    both = iv.label_map("ilsvrc2012", "ilsvrc2012", order_a="tf-slim", order_b="tf-slim")
    assert both.indices()[:3] == [0, 1, 2]


def test_label_maps_reproduce_timms_index_files() -> None:
    """FocalNet order: the 1K classes come first, so 1K index i is 22k-ms index i (but teddy bear)."""
    lm = iv.label_map("ilsvrc2012", "imagenet-22k-ms")
    assert lm.indices() == list(range(1000))


def test_survivors_and_subtree_report_label_indices() -> None:
    r = iv.survivors("imagenet-12k", ["offensive", "sensitive"], order="listed")
    idx = iv.class_to_idx("imagenet-12k")
    assert r.order == "listed" and len(r.survivors) == 485
    assert all(s.index == idx[s.wnid] for s in r.survivors)
    assert all("index" in d for d in r.to_list())
    assert all(s.index is None for s in iv.survivors("imagenet-12k", ["offensive"]).survivors)
    st = iv.subtree("n00007846", "ilsvrc2012", order="tf-slim")
    assert st.indices == {"n09835506": 982, "n10148035": 983, "n10565667": 984}
    assert st.to_dict()["order"] == "tf-slim"


def test_version_reports_its_derived_class_count() -> None:
    cat = iv.Catalog.default()
    derived = [v for v in cat if v.num_categories_source.startswith("derived:")]
    assert len(derived) >= 16
    assert iv.get("imagenet-real").num_categories == 1000
    assert iv.get("imagenet-v2-matched-frequency").num_categories == 1000
    assert iv.get("imagenet-10k").num_categories is None  # categories unknown: no count invented


def test_fingerprint_is_sha256_of_newline_joined_labels() -> None:
    import hashlib

    o = iv.label_order("ilsvrc2012")
    want = hashlib.sha256("\n".join(iv.categories("ilsvrc2012")).encode()).hexdigest()
    assert o.fingerprint() == "sha256:" + want
    assert iv.label_order("ilsvrc2012", "tf-slim").fingerprint() != o.fingerprint()


def test_orders_index_is_recorded_and_damage_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    from imagenet_versions import _data

    recorded = _data.recorded()
    for rel in ("orders/index.json", "orders/ilsvrc2012__devkit.txt", "orders/imagenet-fall11__swin.txt"):
        assert rel in recorded
    doc = json.loads((DATA / "orders" / "index.json").read_text())
    for vid, entry in doc["versions"].items():
        assert entry["default"] in entry["orders"], vid
        for spec in entry["orders"].values():
            assert spec["source"]
            if spec["kind"] == "file":
                assert recorded[f"orders/{spec['file']}"] == spec["sha256"]
    monkeypatch.setattr(_data, "read_bytes", lambda rel: b"{not json")
    orders._index.cache_clear()
    try:
        with pytest.raises(iv.Error):
            orders._index()
    finally:
        orders._index.cache_clear()


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"source mirror not found at {MIRROR} (set IMAGENET_VERSIONS_MIRROR)")
def test_build_orders_rebuilds_the_shipped_files_byte_identically(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_orders.py"), "--sources", str(MIRROR), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in ("index.json", "ilsvrc2012__devkit.txt", "imagenet-fall11__swin.txt"):
        assert (tmp_path / name).read_bytes() == (DATA / "orders" / name).read_bytes(), name
    rebuilt = json.loads((tmp_path / "build_orders.json").read_text())
    shipped = json.loads((DATA / "provenance" / "build_orders.json").read_text())
    assert rebuilt["outputs"] == shipped["outputs"] and rebuilt["inputs"] == shipped["inputs"]


def test_a_users_catalog_gets_generic_orders_where_declared_files_do_not_apply(tmp_path: Path) -> None:
    (tmp_path / "categories").mkdir()
    (tmp_path / "categories" / "ilsvrc2012.txt").write_text("n01443537\nn01440764\n")
    (tmp_path / "cat.toml").write_text(
        '[[version]]\nid = "ilsvrc2012"\nname = "two classes"\ncategories = "published"\n'
    )
    cat = iv.Catalog.from_toml(tmp_path / "cat.toml")
    names = [o.name for o in iv.label_orders("ilsvrc2012", catalog=cat)]
    assert names == ["sorted", "tf-slim", "listed"]  # the devkit file is not an order of these two classes
    assert iv.class_to_idx("ilsvrc2012", "listed", catalog=cat) == {"n01443537": 0, "n01440764": 1}
    assert cat.get("ilsvrc2012").num_categories == 2 and cat.get("ilsvrc2012").declared_num_categories is None
    assert cat.label_order("ilsvrc2012").name == "sorted"


def test_show_keeps_declared_and_derived_counts_apart(capsys: pytest.CaptureFixture[str]) -> None:
    from imagenet_versions.__main__ import main

    assert main(["show", "imagenet-real", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["counts"]["categories"] == 1000 and doc["counts"]["categories_declared"] is None


def test_show_lists_the_label_orders_with_their_sources(capsys: pytest.CaptureFixture[str]) -> None:
    from imagenet_versions.__main__ import main

    assert main(["show", "tiny-imagenet", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(o["order"], o["default"]) for o in doc["label_orders"]] == [("wnids-txt", True), ("sorted", False)]
    assert all(o["source"] and o["fingerprint"].startswith("sha256:") for o in doc["label_orders"])
    assert main(["show", "imagenet-10k", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["label_orders"] == []
    assert main(["show", "ilsvrc2012"]) == 0
    assert "order tf-slim: TF-slim 1,001-output heads" in capsys.readouterr().out


def test_cli_survivors_and_subtree_take_an_order(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from imagenet_versions.__main__ import main

    assert main(["survivors", "imagenet-12k", "--order", "listed", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    idx = iv.class_to_idx("imagenet-12k")
    assert doc["order"] == "listed" and len(doc["survivors"]) == 485
    assert all(s["index"] == idx[s["wnid"]] for s in doc["survivors"])
    assert main(["survivors", "imagenet-12k", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert "order" not in plain and all("index" not in s for s in plain["survivors"])
    assert main(["subtree", "n00007846", "ilsvrc2012", "--order", "tf-slim"]) == 0
    out = capsys.readouterr().out
    assert "982  n09835506" in out and "984  n10565667" in out
    assert main(["subtree", "n00007846", "ilsvrc2012", "--order", "no-such-order"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "no label order 'no-such-order'" in err
