"""identify(), checkpoint() and their CLI commands; the checkpoint table rebuild from the pinned wheels."""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions.__main__ import main
from imagenet_versions.models import MAX_FILE_BYTES, read_labels

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "imagenet_versions" / "data"
TIMM_WHEEL = os.environ.get("IMAGENET_VERSIONS_TIMM_WHEEL", "")
TV_WHEEL = os.environ.get("IMAGENET_VERSIONS_TORCHVISION_WHEEL", "")
need_timm = pytest.mark.skipif(
    not Path(TIMM_WHEEL).is_file(),
    reason="set IMAGENET_VERSIONS_TIMM_WHEEL to a copy of timm-1.0.31-py3-none-any.whl "
    "(`pip download --no-deps timm==1.0.31`); .ci/run does this",
)
need_wheels = pytest.mark.skipif(
    not (Path(TIMM_WHEEL).is_file() and Path(TV_WHEEL).is_file()),
    reason="set IMAGENET_VERSIONS_TIMM_WHEEL and IMAGENET_VERSIONS_TORCHVISION_WHEEL to timm-1.0.31 and "
    "torchvision-0.20.1-cp311-cp311-manylinux1_x86_64 wheels (`pip download --no-deps ...`); .ci/run does this",
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


ONE_K = list(iv.categories("ilsvrc2012"))


# ---------------------------------------------------------------- identify


def test_sorted_1k_names_ilsvrc2012_first_and_reports_every_version_of_its_label_space() -> None:
    r = iv.identify(ONE_K)
    assert (r.best.version, r.best.order, r.best.match) == ("ilsvrc2012", "sorted", "exact")
    exact = {c.version for c in r.candidates if c.match == "exact"}
    assert {"imagenet-real", "imagenet-v2-matched-frequency", "imagenet-face-blurred", "imagenet-sketch"} <= exact
    assert len(exact) >= 15


def test_shuffled_1k_is_same_set_other_order() -> None:
    shuffled = ONE_K[:]
    random.Random(9).shuffle(shuffled)
    r = iv.identify(shuffled)
    assert r.best.version == "ilsvrc2012" and r.best.match == "same-set-other-order"
    assert not any(c.match == "exact" for c in r.candidates)


def test_devkit_order_is_recognised() -> None:
    r = iv.identify(list(iv.label_order("ilsvrc2012", "devkit").wnids))
    assert (r.best.version, r.best.order, r.best.match) == ("ilsvrc2012", "devkit", "exact")


def test_background_first_is_ilsvrc2012_with_offset_1() -> None:
    r = iv.identify(["background", *ONE_K])
    assert (r.best.version, r.best.match, r.best.offset, r.best.order) == ("ilsvrc2012", "offset", 1, "tf-slim")
    assert r.input.count == 1001 and r.input.offset == 1
    assert r.best.num_outputs == 1001


def test_counts_are_ambiguous_and_say_so() -> None:
    assert [(c.version, c.order) for c in iv.identify(21841).candidates] == [
        ("imagenet-fall11", "sorted"),
        ("imagenet-fall11", "swin"),
    ]
    assert next((c.version, c.order) for c in iv.identify(21842).candidates) == ("imagenet-22k-ms", "focalnet")
    assert [(c.version, c.order) for c in iv.identify(21843).candidates] == [("imagenet-22k-goog", "google")]
    assert [(c.version, c.order) for c in iv.identify(1001).candidates] == [("ilsvrc2012", "tf-slim")]
    r = iv.identify(1000)
    assert r.best.version == "ilsvrc2012" and all(c.match == "count-only" for c in r.candidates)
    assert len({c.version for c in r.candidates}) >= 15
    assert iv.identify(7).candidates == ()


def test_teddy_bear_gap_is_reported_for_fall11_heads() -> None:
    r = iv.identify([*ONE_K, "n00004475"], limit=50)  # 1K plus one more class: no version is exactly this
    c = next(c for c in r.candidates if c.version == "imagenet-22k-ms")  # holds teddy bear; fall11 does not
    assert c.match == "subset" and c.extra_count == 0 and c.missing_count == 21842 - 1001
    ms = iv.identify(list(iv.categories("imagenet-22k-ms")))  # a FocalNet head: fall11 plus teddy bear
    assert (ms.best.version, ms.best.match) == ("imagenet-22k-ms", "exact")
    fall = next(c for c in ms.candidates if c.version == "imagenet-fall11")
    assert fall.match == "superset" and fall.extra == ("n04399382",) and fall.missing == ()
    assert any("n04399382" in g and "fall11" in g for g in fall.gaps)
    d = fall.to_dict()
    assert d["extra_count"] == 1 and d["gaps"] == list(fall.gaps)


def test_subset_prefix_of_focalnet_order() -> None:
    r = iv.identify(list(iv.label_order("imagenet-22k-ms").wnids[:500]), limit=50)
    ms = next(c for c in r.candidates if c.version == "imagenet-22k-ms")
    assert ms.match == "subset" and ms.prefix and ms.missing_count == 21842 - 500


def test_names_torchvision_categories_and_class_to_idx_and_configs() -> None:
    tv = (DATA / "torchvision_categories.txt").read_text().splitlines()
    assert iv.identify(tv).best.version == "ilsvrc2012" and iv.identify(tv).best.match == "exact"
    r = iv.identify({w: i for i, w in enumerate(iv.label_order("tiny-imagenet", "sorted").wnids)})
    assert (r.best.version, r.best.order, r.best.match) == ("tiny-imagenet", "sorted", "exact")
    hf = {"id2label": {str(i): n for i, n in enumerate(iv.display_names("imagenet-r"))}, "num_labels": 200}
    assert (iv.identify(hf).best.version, iv.identify(hf).best.match) == ("imagenet-r", "exact")
    timm_cfg = {"num_classes": 11821, "label_names": list(iv.categories("imagenet-12k"))}
    assert iv.identify(timm_cfg).best.version == "imagenet-12k"
    assert iv.identify({"num_classes": 21843}).best.version == "imagenet-22k-goog"
    d = iv.identify(ONE_K[:3]).to_dict()
    assert next(iter(d)) == "schema" and d["schema"] == "imagenet-versions/identify@1"
    assert d["input"] == {"count": 3, "kind": "wnids", "offset": 0}
    assert {"version", "order", "match", "offset", "jaccard", "missing_count", "extra_count"} <= set(d["candidates"][0])


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ([], "empty"),
        ("n01440764", "not one string"),
        (b"n01440764", "not one string"),
        (0, "1 to"),
        (True, "integer"),
        (10**9, "1 to"),
        ([1, 2], "a string"),
        (["n01440764", "n01440764"], "appears twice"),
        (["x" * 5000], "longer than"),
        (["a\x00b"], "control character"),
        ({"a": 0, "b": 2}, "0..1"),
        ({"a": "x"}, "not an integer"),
        ({"num_classes": 5, "label_names": ["a"]}, "num_classes 5"),
        ({"id2label": {"0": "a", "0 ": "b"}}, "repeated"),
        (object(), "not object"),
    ],
)
def test_hostile_inputs_raise_label_list_error(bad: object, match: str) -> None:
    with pytest.raises(iv.LabelListError, match=match):
        iv.identify(bad)


def test_huge_input_is_refused_without_reading_it_all() -> None:
    def endless():  # type: ignore[no-untyped-def]
        i = 0
        while True:
            yield f"n{i:08d}"
            i += 1

    with pytest.raises(iv.LabelListError, match="more than 100,000"):
        iv.identify(endless())


def test_read_labels_file_formats(tmp_path: Path) -> None:
    p = tmp_path / "labels.txt"
    p.write_bytes(b"\xef\xbb\xbfn01440764 tench\nn01443537\t1\ngoldfish\n\n\n")
    assert read_labels(p) == ["n01440764", "n01443537", "goldfish"]
    p.write_text('{"id2label": {"0": "tench"}}')
    assert read_labels(p) == {"id2label": {"0": "tench"}}
    assert read_labels("-", stdin=io.BytesIO(b"n01440764\n")) == ["n01440764"]


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"n01440764\n\xff\xfe\n", "line 2: not UTF-8"),
        (b"n01440764\n\nn01443537\n", "line 2: empty line"),
        (b"n01440764\n\x01bad\n", "line 2: control character"),
        (b"", "no labels"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", None),
    ],
)
def test_read_labels_rejects_bad_files_naming_file_and_line(tmp_path: Path, content: bytes, match: str | None) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    if match is None:  # a JSON array is read as lines: "[1, 2]" is one (unknown) name
        assert iv.identify(read_labels(p)).candidates == ()
        return
    with pytest.raises(iv.LabelListError, match=match) as exc:
        read_labels(p)
    assert str(p) in str(exc.value) or "<stdin>" in str(exc.value)


def test_read_labels_refuses_huge_files(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 10)
    with pytest.raises(iv.LabelListError, match="larger than"):
        read_labels(p)


# ---------------------------------------------------------------- CLI identify


def test_cli_identify_file_and_stdin(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "head.txt"
    p.write_text("background\n" + "\n".join(ONE_K) + "\n")
    code, out, err = run(capsys, "identify", str(p), "--json")
    doc = json.loads(out)
    assert code == 0 and not err and next(iter(doc)) == "schema"
    assert doc["input"]["count"] == 1001 and doc["candidates"][0]["offset"] == 1
    assert doc["candidates"][0]["version"] == "ilsvrc2012"
    code, out, _ = run(capsys, "identify", "--count", "21841")
    assert code == 0 and "imagenet-fall11  sorted" in out and "swin" in out
    code, out, err = run(capsys, "identify", str(p), "--count", "5", "--json")
    assert code == 2 and out == "" and err.count("\n") == 1


@pytest.mark.parametrize(
    "content", [b"", b"\xff\xfe\xfd", b"n01440764\n\nx\n", b'{"id2label": 3}', b'{"a": 0, "b": 7}']
)
def test_cli_identify_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(content)
    code, out, err = run(capsys, "identify", str(p), "--json")
    assert code == 2 and out == "" and err.startswith("imagenet-versions: error:") and err.count("\n") == 1


def test_cli_identify_without_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "identify", "--json")
    assert code == 2 and out == "" and "needs a label FILE" in err


def test_cli_identify_stdin_subprocess() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "imagenet_versions", "identify", "-", "--json"],
        input="\n".join(iv.categories("imagenet-a")).encode(),
        capture_output=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["candidates"][0]["version"] == "imagenet-a"


# ---------------------------------------------------------------- timm's class lists


TIMM_LISTS = {
    "imagenet_synsets.txt": ("ilsvrc2012", "sorted"),
    "imagenet12k_synsets.txt": ("imagenet-12k", "listed"),
    "imagenet22k_synsets.txt": ("imagenet-fall11", "sorted"),
    "imagenet21k_goog_synsets.txt": ("imagenet-22k-goog", "google"),
    "imagenet21k_miil_synsets.txt": ("imagenet-21k-p-fall11", "listed"),
    "imagenet21k_miil_w21_synsets.txt": ("imagenet-21k-p-winter21", "listed"),
    "imagenet22k_ms_synsets.txt": ("imagenet-22k-ms", "focalnet"),
    "imagenet_a_synsets.txt": ("imagenet-a", "listed"),
    "imagenet_r_synsets.txt": ("imagenet-r", "listed"),
    "mini_imagenet_synsets.txt": ("mini-imagenet", "listed"),
}


@need_timm
def test_identify_each_of_timms_class_lists() -> None:
    with zipfile.ZipFile(TIMM_WHEEL) as z:
        lists = sorted(n for n in z.namelist() if n.startswith("timm/data/_info/") and n.endswith("_synsets.txt"))
        assert {Path(n).name for n in lists} == set(TIMM_LISTS)  # every class list of the wheel is covered
        for n in lists:
            wnids = z.read(n).decode().split()
            r = iv.identify(wnids)
            want = TIMM_LISTS[Path(n).name]
            assert (r.best.version, r.best.order, r.best.match) == (*want, "exact"), n


@need_timm
@pytest.mark.parametrize(
    ("index_file", "a", "b"),
    [
        ("imagenet_a_indices.txt", "imagenet-a", "ilsvrc2012"),
        ("imagenet_r_indices.txt", "imagenet-r", "ilsvrc2012"),
        ("mini_imagenet_indices.txt", "mini-imagenet", "ilsvrc2012"),
        ("imagenet22k_to_12k_indices.txt", "imagenet-12k", "imagenet-fall11"),
        ("imagenet21k_goog_to_12k_indices.txt", "imagenet-12k", "imagenet-22k-goog"),
        ("imagenet22k_ms_to_12k_indices.txt", "imagenet-12k", "imagenet-22k-ms"),
        ("imagenet21k_goog_to_22k_indices.txt", "imagenet-fall11", "imagenet-22k-goog"),
        ("imagenet22k_ms_to_22k_indices.txt", "imagenet-fall11", "imagenet-22k-ms"),
    ],
)
def test_label_map_reproduces_timms_index_files(index_file: str, a: str, b: str) -> None:
    with zipfile.ZipFile(TIMM_WHEEL) as z:
        want = [int(x) for x in z.read(f"timm/data/_info/{index_file}").decode().split()]
    assert iv.label_map(a, b).as_array().tolist() == want


# ---------------------------------------------------------------- checkpoints


def test_checkpoint_augreg_path_and_survivors() -> None:
    c = iv.checkpoint("vit_base_patch16_224.augreg_in21k_ft_in1k")
    assert (c.num_classes, c.version, c.order) == (1000, "ilsvrc2012", "sorted")
    assert c.pretraining == ("imagenet-22k-goog", "ilsvrc2012")
    d = c.to_dict()
    assert next(iter(d)) == "schema" and d["label_space"] == {"version": "ilsvrc2012", "order": "sorted"}
    assert d["survivors"] == {"version": "imagenet-22k-goog", "offensive": 437, "sensitive": 1156}
    assert iv.checkpoint("timm/vit_base_patch16_224.augreg_in21k_ft_in1k") == c


def test_checkpoint_label_spaces_of_the_22k_heads() -> None:
    assert iv.checkpoint("focalnet_large_fl3.ms_in22k").version == "imagenet-22k-ms"
    assert iv.checkpoint("focalnet_large_fl3.ms_in22k").order == "focalnet"
    swin = iv.checkpoint("swin_base_patch4_window7_224.ms_in22k")
    assert (swin.num_classes, swin.version) == (21841, "imagenet-fall11") and "swin" in swin.derivation
    assert iv.checkpoint("convnext_base.fb_in22k").num_classes == 21841
    assert iv.checkpoint("vit_base_patch16_224.augreg_in21k").version == "imagenet-22k-goog"
    assert iv.checkpoint("tresnet_m.miil_in21k").version == "imagenet-21k-p-fall11"
    c12 = iv.checkpoint("convnext_nano.in12k_ft_in1k")
    assert c12.pretraining == ("imagenet-12k", "ilsvrc2012")
    assert c12.survivors() == {"version": "imagenet-12k", "offensive": 74, "sensitive": 411}
    tv = iv.checkpoint("ResNet50_Weights.IMAGENET1K_V2")
    assert (tv.source, tv.version, tv.pretraining) == ("torchvision", "ilsvrc2012", ("ilsvrc2012",))
    w21 = iv.checkpoint("mvitv2_base_cls.fb_inw21k")
    assert w21.version == "" and w21.num_classes == 19168  # no known label space has 19,168 classes


def test_checkpoint_table_rows_are_consistent_with_the_catalog() -> None:
    table = iv.checkpoints()
    assert len(table) > 1400
    for c in table.values():
        if c.version:
            assert iv.label_order(c.version, c.order).num_outputs == c.num_classes, c.name
            assert c.pretraining[-1] == c.version, c.name
        assert all(p in iv.Catalog.default() for p in c.pretraining), c.name


def test_unknown_checkpoint_names_close_matches() -> None:
    with pytest.raises(
        iv.UnknownCheckpointError, match=re.escape("did you mean vit_base_patch16_224.augreg_in21k_ft_in1k")
    ):
        iv.checkpoint("vit_base_patch16_224.augreg_in21k_ft_in1kk")
    with pytest.raises(iv.UnknownCheckpointError, match="3 pretrained tags"):
        iv.checkpoint("swin_base_patch4_window7_224")
    with pytest.raises(iv.UnknownCheckpointError):
        iv.checkpoint("../" * 1000)
    with pytest.raises(iv.UnknownCheckpointError):
        iv.checkpoint(None)  # type: ignore[arg-type]


def test_cli_checkpoint(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "checkpoint", "vit_base_patch16_224.augreg_in21k_ft_in1k", "--json")
    doc = json.loads(out)
    assert code == 0 and list(doc)[:2] == ["schema", "checkpoint"]
    assert doc["pretraining"] == ["imagenet-22k-goog", "ilsvrc2012"] and doc["survivors"]["offensive"] == 437
    code, out, err = run(capsys, "checkpoint", "resnet50.a1_in1kk", "--json")
    assert code == 2 and out == "" and "did you mean resnet50.a1_in1k" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "checkpoint", "--list", "--json")
    doc = json.loads(out)
    assert doc["schema"] == "imagenet-versions/checkpoints@1" and len(doc["checkpoints"]) == len(iv.checkpoints())
    code, out, _ = run(capsys, "checkpoint", "--list", "--limit", "2")
    assert code == 0 and "more (use --all)" in out
    code, out, err = run(capsys, "checkpoint")
    assert code == 2 and "NAME or --list" in err


def test_cli_label_map_timm_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "label-map", "imagenet-r", "ilsvrc2012", "--format", "timm")
    assert code == 0 and out == (DATA / "evidence" / "timm_imagenet_r_indices.txt").read_text().rstrip("\n") + "\n"
    target = tmp_path / "a_indices.txt"
    code, out, _ = run(capsys, "label-map", "imagenet-a", "ilsvrc2012", "--format", "timm", "-o", str(target))
    assert (
        code == 0
        and target.read_text().split() == (DATA / "evidence" / "timm_imagenet_a_indices.txt").read_text().split()
    )
    code, out, err = run(capsys, "label-map", "ilsvrc2012", "imagenet-fall11", "--format", "timm")
    assert code == 0 and out.split().count("-1") == 1 and "1 labels of ilsvrc2012 have no index" in err
    code, out, err = run(capsys, "label-map", "imagenet-a", "ilsvrc2012", "--order-b", "tf-slim", "--json")
    assert code == 0 and json.loads(out)["mapping"][0] == [0, 7]
    code, out, err = run(capsys, "label-map", "imagenet-a", "ilsvrc2012", "--order-b", "../x", "--json")
    assert code == 2 and out == "" and "no label order" in err


@need_wheels
def test_build_checkpoints_rebuilds_the_table_byte_identically(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_checkpoints.py"),
            "--timm-wheel",
            TIMM_WHEEL,
            "--torchvision-wheel",
            TV_WHEEL,
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    for name in ("checkpoints.tsv", "torchvision_categories.txt"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    rebuilt = json.loads((tmp_path / "build_checkpoints.json").read_text())
    shipped = json.loads((DATA / "provenance" / "build_checkpoints.json").read_text())
    assert rebuilt == shipped
    s = shipped["summary"]
    assert s["timm_rows_with_known_label_space"] + s["timm_rows_with_unknown_label_space"] == s["timm_rows"]


def test_readme_checkpoint_example_is_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    after = readme.split("## Two commands\n", 1)[1]
    assert after.split("\n## ", 1)[1].startswith("Start from a checkpoint\n")  # the first section after
    section = after.split("## Start from a checkpoint\n", 1)[1]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    command, *shown = block.splitlines()
    assert command == "$ uv run imagenet-versions checkpoint vit_base_patch16_224.augreg_in21k_ft_in1k"
    code, out, _ = run(capsys, *command.split()[4:])
    assert code == 0 and out.splitlines()[: len(shown)] == shown
    n_timm = sum(c.source == "timm" for c in iv.checkpoints().values())
    n_tv = sum(c.source == "torchvision" for c in iv.checkpoints().values())
    assert f"{n_timm:,} timm pretrained\ntags and {n_tv} torchvision weights" in readme
    assert f"{len(iv.checkpoints()):,} pretrained checkpoints" in readme


def test_torchvision_rows_cover_every_imagenet_weight_and_skip_the_headless_one() -> None:
    table = iv.checkpoints()
    tv = [c for c in table.values() if c.source == "torchvision"]
    assert len(tv) == 128
    swag = iv.checkpoint("ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1")
    assert swag.pretraining == ("ilsvrc2012",) and swag.other_pretraining == ("SWAG (IG-3.6B weakly supervised)",)
    assert "EfficientNet_B0_Weights.IMAGENET1K_V1" in table
    assert "VGG16_Weights.IMAGENET1K_FEATURES" not in table  # meta['categories'] is None: no classifier head


def test_docs_page_counts_are_true() -> None:
    page = (ROOT / "docs" / "questions" / "which-checkpoint.md").read_text()
    prov = json.loads((DATA / "provenance" / "build_checkpoints.json").read_text())["summary"]
    assert (
        f"It holds {prov['timm_rows']:,} timm pretrained tags ({prov['timm_rows_with_known_label_space']:,}"
        in " ".join(page.split())
    )
    assert f"{prov['timm_rows_with_unknown_label_space']} whose tag names an" in " ".join(page.split())
    assert f"and {prov['torchvision_rows']} torchvision weights" in " ".join(page.split())


@pytest.mark.parametrize("hostile", ["", "../../etc/passwd", "\udcff\udcfe", "x" * 100_000, "a\nb", "\x00"])
@pytest.mark.parametrize("command", ["checkpoint", "cite"])
def test_cli_hostile_names_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], command: str, hostile: str) -> None:
    code, out, err = run(capsys, command, hostile, "--json")
    assert code == 2 and out == "" and err.startswith("imagenet-versions: error:") and err.count("\n") == 1
    if command == "checkpoint":  # (an unknown version id is echoed whole by UnknownVersionError, not by cite)
        assert len(err) < 1000
