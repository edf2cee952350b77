"""Croissant 1.1 and W3C PROV-JSON exports, checked by mlcroissant and prov themselves."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions.__main__ import main
from imagenet_versions.export import URN_PREFIX, WITHHELD, licence_urls, to_croissant, to_prov
from imagenet_versions.render import select_versions

mlc = pytest.importorskip(
    "mlcroissant", reason="mlcroissant is missing: install the croissant extra (uv sync --extra croissant)"
)
prov_model = pytest.importorskip("prov.model", reason="prov is missing: install the prov extra (uv sync --extra prov)")

# rdflib (under mlcroissant) warns about its own deprecated ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

ALL = [v.id for v in iv.versions()]
VERSION_WARNING = 'Property "https://schema.org/version" is recommended, but does not exist.'
LICENSE_WARNING = 'Property "https://schema.org/license" is recommended, but does not exist.'
DATE_WARNING = 'Property "https://schema.org/datePublished" is recommended, but does not exist.'


@pytest.fixture(autouse=True)
def _quiet_absl() -> None:
    logging.getLogger("absl").setLevel(logging.ERROR)


def croissant_dataset(doc: dict) -> mlc.Dataset:
    """Validate through a JSON round trip, as a file would be read."""
    return mlc.Dataset(jsonld=json.loads(json.dumps(doc)))


# ---------------------------------------------------------------- Croissant


@pytest.mark.parametrize("vid", ALL)
def test_every_version_validates_with_mlcroissant(vid: str) -> None:
    ds = croissant_dataset(to_croissant(vid))  # raises mlcroissant.ValidationError on any error
    issues = ds.metadata.ctx.issues
    assert not issues.errors
    # the only warnings: no version number and no full publication date, which the catalog
    # does not record for any release (a bare year would read as 1 January), and no licence URL
    # where the licence names none (imagenet-sketch: "not stated")
    expected = [VERSION_WARNING, DATE_WARNING]
    if not licence_urls(iv.get(vid).licence):
        expected.append(LICENSE_WARNING)
    assert sorted(w.split("] ", 1)[1] for w in issues.warnings) == sorted(expected)


def test_the_validator_is_not_vacuous() -> None:
    doc = to_croissant("imagenet-a")
    del doc["recordSet"][0]["data"][3]["classes/wnid"]
    with pytest.raises(mlc.ValidationError, match="Line #3 doesn't have the expected columns"):
        croissant_dataset(doc)


def test_a_given_version_leaves_only_the_date_warning() -> None:
    ds = croissant_dataset(to_croissant("ilsvrc2012", dataset_version="1.0.0"))
    assert [w.split("] ", 1)[1] for w in ds.metadata.ctx.issues.warnings] == [DATE_WARNING]
    assert ds.metadata.version == "1.0.0"


@pytest.mark.parametrize("vid", ["ilsvrc2012", "imagenet-winter21"])
def test_croissant_fields_and_class_records(vid: str) -> None:
    v = iv.get(vid)
    doc = to_croissant(vid)
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    terms = "https://image-net.org/download.php"
    assert (doc["name"], doc["citeAs"], doc["license"], doc["url"]) == (v.name, v.citation, terms, v.homepage)
    ds = croissant_dataset(doc)
    md = ds.metadata
    assert (md.name, md.cite_as, md.url, md.license) == (v.name, v.citation, v.homepage, [terms])
    assert md.date_published is None and doc["ivYear"] == v.year  # a year is not a date
    assert [c.name for c in md.creators] == v.citation.split(". ")[0].split(", ")
    records = list(ds.records("classes"))
    cats = iv.categories(vid)
    assert [r["classes/label_index"] for r in records] == list(range(len(cats)))
    assert [r["classes/wnid"] for r in records] == list(cats)
    assert len(records) == {"ilsvrc2012": 1000, "imagenet-winter21": 19167}[vid]
    assert records[0]["classes/name"] == iv.Catalog.default().name_of(cats[0])


def test_croissant_carries_the_survivors_as_rai_properties() -> None:
    doc = to_croissant("imagenet-12k")
    r = iv.survivors("imagenet-12k")
    assert (
        {f: x["count"] for f, x in doc["ivSurvivors"].items()}
        == r.counts()
        == {
            "offensive": 74,
            "sensitive": 411,
            "derogatory": 3,
        }
    )
    assert doc["ivSurvivors"]["offensive"]["source"] == "yang2020-safety"
    assert doc["ivSurvivors"]["derogatory"]["source"] == "wordnet30-usage"
    text = doc["rai:personalSensitiveInformation"]
    assert text.startswith(f"{len(r):,} of the 11,821 classes") and "74 offensive (yang2020-safety)" in text
    assert not croissant_dataset(doc).metadata.ctx.issues.errors
    assert "Unknown" in to_croissant("imagenet-10k")["rai:personalSensitiveInformation"]


def test_croissant_licences_are_urls_and_creators_people_or_bodies() -> None:
    from imagenet_versions.export import creators, licence_urls

    assert (
        to_croissant("imagenet-r")["license"] == ["https://spdx.org/licenses/MIT.html"]
        or to_croissant("imagenet-r")["license"] == "https://spdx.org/licenses/MIT.html"
    )
    assert licence_urls("hierarchy files: no licence file; images under the ImageNet terms of access") == [
        "https://image-net.org/download.php"
    ]
    assert licence_urls("not stated for the images (collected by Google Image search)") == []
    assert "license" not in to_croissant("imagenet-sketch")
    assert "not stated" in to_croissant("imagenet-sketch")["description"]
    assert creators("Google Research. ImageNet-PI. https://example") == [
        {"@type": "sc:Organization", "name": "Google Research"}
    ]
    assert to_croissant("imagenet-a")["creator"][0] == {"@type": "sc:Person", "name": "Hendrycks"}
    for v in iv.versions():
        assert to_croissant(v.id).get("creator"), v.id  # Croissant 1.1 requires it


def test_breeds_classes_are_labels_with_their_members_not_fake_wnids() -> None:
    doc = to_croissant("breeds-entity13")
    rs = doc["recordSet"][0]
    assert "classes/wnid" not in {f["@id"] for f in rs["field"]}
    rows = {r["classes/label"]: r for r in rs["data"]}
    members = iv.member_classes("breeds-entity13")
    assert "dummy32" in rows and rows["dummy32"]["classes/members"].split() == [
        w for w, lab in members.items() if lab == "dummy32"
    ]
    assert sum(len(r["classes/members"].split()) for r in rs["data"]) == len(members)
    records = list(croissant_dataset(doc).records("classes"))
    assert len(records) == 13 and all("dummy" not in str(r.get("classes/wnid", "")) for r in records)


def test_image_level_operations_export_no_empty_lists() -> None:
    for vid in ("imagenette", "imagenet-real", "tiny-imagenet", "imagenet-12k"):
        acts = to_croissant(vid)["prov:wasGeneratedBy"]
        for act in acts if isinstance(acts, list) else [acts]:
            for op in act["ivOperations"]:
                assert [] not in op.values() and op.get("keep") != [], (vid, op)


def test_winter21_provenance_is_the_filter_of_fall11() -> None:
    doc = to_croissant("imagenet-winter21")
    assert doc["prov:wasDerivedFrom"] == {"@id": URN_PREFIX + "imagenet-fall11"}
    act = doc["prov:wasGeneratedBy"]
    assert act["@type"] == "prov:Activity" and act["prov:used"] == {"@id": URN_PREFIX + "imagenet-fall11"}
    assert act["prov:label"] == "filter \u22122,674 classes"
    (op,) = act["ivOperations"]
    assert (op["kind"], op["level"], op["removed_count"]) == ("filter", "categories", 2674)
    assert "reconstruction" in doc["description"] and "19127" in doc["description"]
    # mlcroissant keeps the PROV statements
    extra = croissant_dataset(doc).metadata.extra_properties
    assert extra["prov:wasDerivedFrom"] == {"@id": URN_PREFIX + "imagenet-fall11"}
    assert extra["prov:wasGeneratedBy"]["prov:label"] == "filter \u22122,674 classes"


def test_a_root_has_no_provenance_and_a_path_edge_keeps_its_split() -> None:
    assert "prov:wasDerivedFrom" not in to_croissant("imagenet-fall11")
    act = to_croissant("imagenet-real")["prov:wasGeneratedBy"]
    assert act["ivSplit"] == "val"
    assert [o["kind"] for o in act["ivOperations"]] == ["relabel"]


def test_unknown_categories_still_export_valid_metadata() -> None:
    doc = to_croissant("imagenet-10k")
    assert "recordSet" not in doc
    assert "Categories unknown" in doc["description"]
    assert "categories: unknown" in doc["keywords"]
    croissant_dataset(doc)


def test_offensive_labels_are_withheld_unless_asked() -> None:
    names = [r["classes/name"] for r in to_croissant("imagenet-fall11")["recordSet"][0]["data"]]
    # the 437 offensive classes and the 3 more that WordNet marks derogatory
    assert names.count(WITHHELD) == len(set(iv.categories("imagenet-fall11")) & iv.flags.withheld_labels()) == 440
    shown = [r["classes/name"] for r in to_croissant("imagenet-fall11", show_offensive=True)["recordSet"][0]["data"]]
    assert WITHHELD not in shown
    # winter21 removed every offensive class: nothing to withhold
    assert WITHHELD not in {r["classes/name"] for r in to_croissant("imagenet-winter21")["recordSet"][0]["data"]}


# ---------------------------------------------------------------- PROV


def read_prov(doc: dict) -> prov_model.ProvDocument:
    return prov_model.ProvDocument.deserialize(content=json.dumps(doc), format="json")


def records(pdoc: prov_model.ProvDocument, cls: type) -> list:
    return [r for r in pdoc.get_records() if isinstance(r, cls)]


@pytest.mark.parametrize(
    ("version", "scope", "to"),
    [
        (None, "both", None),
        ("imagenet-21k-p-winter21", "ancestors", None),
        ("ilsvrc2012", "descendants", None),
        ("imagenet-a", "both", "imagenet-21k-p-winter21"),
    ],
)
def test_prov_reads_back_with_every_node_and_edge(version: str | None, scope: str, to: str | None) -> None:
    pdoc = read_prov(to_prov(version, scope=scope, to=to))
    ids = select_versions(version, scope=scope, to=to)
    keep = set(ids)
    edges = [e for e in iv.Catalog.default().edges if e.parent in keep and e.child in keep]

    def local(q: object) -> str:
        return str(q).split(":", 1)[1]

    entities = {local(r.identifier) for r in records(pdoc, prov_model.ProvEntity)}
    assert entities == keep
    activities = {local(r.identifier) for r in records(pdoc, prov_model.ProvActivity)}
    assert activities == {f"derive/{e.parent}/{e.child}" for e in edges}
    derivations = {
        (
            local(r.get_attribute("prov:usedEntity").pop()),
            local(r.get_attribute("prov:generatedEntity").pop()),
            local(r.get_attribute("prov:activity").pop()),
        )
        for r in records(pdoc, prov_model.ProvDerivation)
        if r.get_attribute("prov:activity")
    }
    assert derivations == {(e.parent, e.child, f"derive/{e.parent}/{e.child}") for e in edges}
    used = {(local(r.args[0]), local(r.args[1])) for r in records(pdoc, prov_model.ProvUsage)}
    assert used == {(f"derive/{e.parent}/{e.child}", e.parent) for e in edges}
    generated = {(local(r.args[0]), local(r.args[1])) for r in records(pdoc, prov_model.ProvGeneration)}
    assert generated == {(e.child, f"derive/{e.parent}/{e.child}") for e in edges}


@pytest.mark.parametrize(("version", "scope"), [(None, "both"), ("imagenet-a", "ancestors")])
def test_sparql_over_the_prov_turtle_finds_every_derivation(version: str | None, scope: str) -> None:
    rdflib = pytest.importorskip("rdflib", reason="rdflib is missing: it comes with the test group (uv sync)")
    turtle = read_prov(to_prov(version, scope=scope)).serialize(format="rdf", rdf_format="turtle")
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    keep = set(select_versions(version, scope=scope))
    edges = {(e.parent, e.child) for e in iv.Catalog.default().edges if e.parent in keep and e.child in keep}
    assert edges

    def pairs(query: str) -> set[tuple[str, str]]:
        prefix = "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
        return {(str(a).removeprefix(URN_PREFIX), str(b).removeprefix(URN_PREFIX)) for a, b in g.query(prefix + query)}

    assert pairs("SELECT ?p ?c WHERE { ?c prov:wasDerivedFrom ?p }") == edges
    used = pairs("SELECT ?p ?act WHERE { ?act prov:used ?p }")
    assert used == {(p, f"derive/{p}/{c}") for p, c in edges}
    generated = pairs("SELECT ?c ?act WHERE { ?c prov:wasGeneratedBy ?act }")
    assert generated == {(c, f"derive/{p}/{c}") for p, c in edges}
    # the qualified form is still there, with its activity
    qualified = pairs("SELECT ?p ?act WHERE { ?c prov:qualifiedDerivation [ prov:entity ?p ; prov:hadActivity ?act ] }")
    assert qualified == {(p, f"derive/{p}/{c}") for p, c in edges}


def test_prov_attributes_are_the_catalog_s() -> None:
    pdoc = read_prov(to_prov())

    def attrs(ident: str) -> dict[str, object]:
        (rec,) = pdoc.get_record(ident)
        return {str(k): v for k, v in rec.attributes}

    w21 = attrs("iv:imagenet-winter21")
    assert (w21["iv:num_categories"], w21["iv:category_status"]) == (19167, "reconstructed")
    ten_k = attrs("iv:imagenet-10k")
    assert ten_k["iv:category_status"] == "unknown" and "iv:num_categories" not in ten_k
    in1k = attrs("iv:ilsvrc2012")
    assert (in1k["iv:images_train"], in1k["iv:images_val"]) == (1281167, 50000)
    act = attrs("iv:derive/imagenet-fall11/imagenet-winter21")
    assert act["iv:op"] == "filter" and act["prov:label"] == "filter \u22122,674 classes"
    (op,) = json.loads(act["iv:operations"])
    assert (op["kind"], op["removed_count"]) == ("filter", 2674)


# ---------------------------------------------------------------- CLI


def test_cli_export_croissant_and_prov(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "in1k.json"
    assert main(["export", "croissant", "in1k", "-o", str(out)]) == 0
    cap = capsys.readouterr()
    assert (cap.out, cap.err) == ("", f"wrote {out}\n")  # stdout stays for data
    croissant_dataset(json.loads(out.read_text("utf-8")))
    assert main(["export", "prov", "imagenet-a", "--ancestors"]) == 0
    pdoc = read_prov(json.loads(capsys.readouterr().out))
    assert len(records(pdoc, prov_model.ProvEntity)) == 3  # imagenet-a, ilsvrc2012, imagenet-fall11
    assert main(["export", "croissant"]) == 2
    assert "needs a version ID" in capsys.readouterr().err
    assert main(["export", "prov", "--to", "imagenet-r"]) == 2
    assert main(["export", "croissant", "nope"]) == 2
    assert "unknown version: 'nope'" in capsys.readouterr().err


def test_exporting_keeps_the_import_light() -> None:
    code = (
        "import sys, json, imagenet_versions.render as rd, imagenet_versions.export as ex; "
        "rd.to_mermaid(); rd.to_dot(); ex.to_croissant('in1k'); ex.to_prov(); "
        "print(json.dumps(sorted(m for m in ('matplotlib', 'mlcroissant', 'prov', 'rdflib', 'numpy') "
        "if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_a_downloadable_image_list_is_a_distribution_pinned_by_sha256() -> None:
    doc = to_croissant("tiny-imagenet")
    (f,) = doc["distribution"]
    assert f["@type"] == "cr:FileObject" and f["contentUrl"].startswith("https://raw.githubusercontent.com/")
    assert len(f["sha256"]) == 64 and "/6125d8a1069df02232eb57678fd46c700411dd45/" in f["contentUrl"]
    md = croissant_dataset(doc).metadata
    assert not md.ctx.issues.errors and [d.content_url for d in md.distribution] == [f["contentUrl"]]
    assert "distribution" in to_croissant("imagenet2012-multilabel")
    assert "distribution" not in to_croissant("ilsvrc2012")  # no checksummed download is recorded
