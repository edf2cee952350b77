"""cite(): fingerprint, BibTeX, CFF and the methods sentence; the `cite` command."""

from __future__ import annotations

import hashlib
import json

import pytest

import imagenet_versions as iv
from imagenet_versions.__main__ import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fingerprint_is_documented_algorithm() -> None:
    c = iv.cite("in1k")
    want = hashlib.sha256("\n".join(iv.categories("ilsvrc2012")).encode("utf-8")).hexdigest()
    assert c.fingerprint == f"sha256:{want}" and c.version == "ilsvrc2012" and c.order == "sorted"
    assert c.fingerprint == "sha256:385e0240499426c022b773be1ae4da780f057b89c9694c7f47199f62746b6edd"
    assert iv.cite("ilsvrc2012", order="devkit").fingerprint != c.fingerprint
    assert (
        iv.cite("ilsvrc2012", order="tf-slim").fingerprint
        == "sha256:" + hashlib.sha256("\n".join(["background", *iv.categories("ilsvrc2012")]).encode()).hexdigest()
    )


def test_versions_with_the_same_classes_in_the_same_order_share_a_fingerprint() -> None:
    assert iv.cite("imagenet-real").fingerprint == iv.cite("ilsvrc2012").fingerprint
    assert iv.cite("imagenet-downsampled").fingerprint == iv.cite("ilsvrc2012", order="devkit").fingerprint
    assert iv.cite("imagenet-22k-ms").fingerprint != iv.cite("imagenet-fall11").fingerprint


def test_bibtex_for_the_version_and_each_ancestor() -> None:
    c = iv.cite("imagenet-real")
    assert c.path == ("imagenet-fall11", "ilsvrc2012", "imagenet-real")
    assert c.bibtex.count("@misc{") == 3
    assert c.bibtex.index("imagenet-versions:imagenet-real") < c.bibtex.index("imagenet-versions:imagenet-fall11")
    assert c.fingerprint in c.bibtex and "Beyer" in c.bibtex
    assert c.bibtex.count("{") == c.bibtex.count("}")
    assert "fall11\\_whole.tar" in c.bibtex  # TeX specials escaped


def test_sentence_names_id_count_order_and_fingerprint() -> None:
    c = iv.cite("tiny-imagenet", order="sorted")
    for part in ("`tiny-imagenet`", "200 classes", "`sorted` label order", c.fingerprint, "derives from"):
        assert part in c.sentence


def test_unknown_categories_give_no_fingerprint_and_say_so() -> None:
    c = iv.cite("imagenet-10k")
    assert c.fingerprint is None and c.order is None and "not known" in c.sentence
    with pytest.raises(iv.CategoriesUnknownError):
        iv.cite("imagenet-10k", order="sorted")


def test_cff_is_yaml_with_the_fingerprint() -> None:
    c = iv.cite("imagenet-r")
    assert c.cff.startswith("cff-version: 1.2.0\n") and "type: dataset" in c.cff
    assert f'value: "{c.fingerprint}"' in c.cff and "references:" in c.cff


def test_bad_ids_and_orders() -> None:
    with pytest.raises(iv.UnknownVersionError):
        iv.cite("imagenet-99k")
    with pytest.raises(iv.UnknownOrderError):
        iv.cite("ilsvrc2012", order="random")


def test_cli_cite(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cite", "imagenet-r", "--json")
    doc = json.loads(out)
    assert code == 0 and not err and list(doc)[:2] == ["schema", "version"]
    assert doc["schema"] == "imagenet-versions/cite@1"
    assert {"version", "fingerprint", "bibtex", "sentence"} <= set(doc) and doc["fingerprint"].startswith("sha256:")
    code, out, _ = run(capsys, "cite", "imagenet-r", "--format", "bibtex")
    assert code == 0 and out.startswith("@misc{imagenet-versions:imagenet-r,")
    code, out, _ = run(capsys, "cite", "imagenet-r", "--format", "cff")
    assert code == 0 and out.startswith("cff-version")
    code, out, _ = run(capsys, "cite", "imagenet-r")
    assert code == 0 and out.startswith("We use ImageNet-R") and "@misc" in out
    for bad in (["cite", "nope", "--json"], ["cite", "ilsvrc2012", "--order", "\x00", "--json"], ["cite", "x" * 5000]):
        code, out, err = run(capsys, *bad)
        assert code == 2 and out == "" and err.count("\n") == 1
    code, out, err = run(capsys, "cite", "ilsvrc2012", "--format", "docx")
    assert code == 2 and out == ""
