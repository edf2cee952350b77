"""Interchange exports: Croissant 1.1 JSON-LD for one version, W3C PROV-JSON for the lineage.

Both are plain dicts ready for :func:`json.dump`; nothing here imports a
third-party package. What is exported is what the catalog says: counts that no
source states are absent, a category list that is not known is said to be
unknown, and a reconstructed list is marked as reconstructed.

Identifiers: a version ``ilsvrc2012`` is ``urn:imagenet-versions:ilsvrc2012``
(prefix ``iv:`` in PROV-JSON); a derivation edge is the activity
``urn:imagenet-versions:derive/<parent>/<child>``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from imagenet_versions._types import is_wnid
from imagenet_versions._withhold import WITHHELD, policy
from imagenet_versions.catalog import Catalog, Derivation, Version, catalog_or_default
from imagenet_versions.errors import CategoriesUnknownError
from imagenet_versions.render import Scope, edge_label, select_versions

__all__ = ["CROISSANT_CONFORMS_TO", "URN_PREFIX", "to_croissant", "to_prov"]

URN_PREFIX = "urn:imagenet-versions:"
CROISSANT_CONFORMS_TO = "http://mlcommons.org/croissant/1.1"

# The JSON-LD context mlcroissant 1.1 writes (Appendix 1 of the Croissant 1.1
# spec, with https://schema.org/ as mlcroissant uses it), plus PROV-O and two
# terms of ours: an activity's operations with their parameters (a JSON
# literal) and the split of the parent that the derivation maps.
_CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "ivOperations": {"@id": URN_PREFIX + "operations", "@type": "@json"},
    "ivSplit": URN_PREFIX + "split",
    "ivYear": URN_PREFIX + "year",
    "ivSurvivors": {"@id": URN_PREFIX + "survivors", "@type": "@json"},
}

#: Where the ImageNet terms of access are published (the link the Model-vs-Human
#: licence overview gives for "the ImageNet license").
IMAGENET_TERMS_URL = "https://image-net.org/download.php"
_SPDX = ("Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "MIT", "CC-BY-4.0")
_SPDX_RE = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(x) for x in _SPDX) + r")(?![\w.-])")


def _urn(vid: str) -> str:
    return URN_PREFIX + vid


def _activity_urn(e: Derivation) -> str:
    return f"{URN_PREFIX}derive/{e.parent}/{e.child}"


def _categories(cat: Catalog, vid: str) -> tuple[str, ...] | None:
    try:
        return cat.categories(vid)
    except CategoriesUnknownError:
        return None


def _status_sentence(v: Version, n: int | None) -> str:
    if v.category_status == "unknown" or n is None:
        src = f" ({v.categories_source})" if v.categories_source else ""
        return f"Categories unknown: no class list is published{src}."
    how = {
        "published": "a published list",
        "reconstructed": "a reconstruction, not an official list",
        "derived": "derived by applying the parent derivation's operations",
    }[v.category_status]
    return f"{n:,} categories ({how}: {v.categories_source or 'see the catalog'})."


def _description(cat: Catalog, v: Version, n: int | None) -> str:
    parts = [f"{v.name}, as recorded by imagenet_versions."]
    parts.append(_status_sentence(v, n))
    if v.declared_num_categories is not None and v.num_categories != n:
        parts.append(f"Declared class count: {v.num_categories:,} ({v.num_categories_source}).")
    if v.images:
        imgs = ", ".join(f"{k} {c:,}" for k, c in v.images.items())
        parts.append(f"Images: {imgs} ({v.images_source}).")
    if v.licence:
        parts.append(f"Licence: {v.licence}.")
    if v.year is not None:
        parts.append(f"Released {v.year} (year only; no full date is recorded).")
    for e in cat.parents(v.id):
        parts.append(f"Derived from {e.parent}: {e.describe()}.")
    parts.extend(v.notes)
    for d in v.disagreements:
        vals = "; ".join(f"{x} ({s})" for x, s in d.values)
        parts.append(f"Sources disagree on {d.what}: {vals}." + (f" {d.note}" if d.note else ""))
    return " ".join(parts)


def licence_urls(licence: str) -> list[str]:
    """The licence URLs a catalog licence text names: SPDX ids and the ImageNet terms of access.

    A part the text names without a known URL ("no licence file", "not stated", a bare
    "BSD") gives none; the text itself stays in the description.

    >>> licence_urls("list MIT; images under the ImageNet terms of access")
    ['https://spdx.org/licenses/MIT.html', 'https://image-net.org/download.php']
    """
    urls = [f"https://spdx.org/licenses/{m}.html" for m in dict.fromkeys(_SPDX_RE.findall(licence))]
    if "ImageNet terms of access" in licence:
        urls.append(IMAGENET_TERMS_URL)
    return urls


def creators(citation: str) -> list[dict[str, str]]:
    """The creators a catalog citation names: its author list (before the first ``". "``).

    Authors are given as the citation gives them (family names); a citation led by
    a body rather than people ("Google Research. ...", "TensorFlow Datasets: ...")
    gives that body as an organisation. An empty citation gives none.

    >>> creators("Hendrycks, Dietterich. Benchmarking Neural Network Robustness. ICLR 2019.")
    [{'@type': 'sc:Person', 'name': 'Hendrycks'}, {'@type': 'sc:Person', 'name': 'Dietterich'}]
    """
    head = citation.split(". ", 1)[0].strip()
    if not head:
        return []
    if ":" in head:
        return [{"@type": "sc:Organization", "name": head.split(":", 1)[0].strip()}]
    names = [n.strip() for n in head.split(",") if n.strip()]
    if len(names) == 1 and " " in names[0]:
        return [{"@type": "sc:Organization", "name": names[0]}]
    return [{"@type": "sc:Person", "name": n} for n in names]


def _op_dict(op: Any) -> dict[str, Any]:
    """An operation's parameters without the empty lists of an image-level operation."""
    d: dict[str, Any] = op.to_dict()
    if d.get("level") == "images":
        d = {k: v for k, v in d.items() if v != [] and not (k == "mapping_count" and v == 0)}
    return d


def _distribution(v: Version) -> list[dict[str, Any]]:
    """``cr:FileObject`` entries for the files of ``v`` that can be downloaded, pinned by sha256.

    These are the image lists the package fetches on demand (a URL at a fixed commit
    and the file's sha256, from the shipped manifest index); the catalog records no
    checksummed download of any version's images, so none is invented.
    """
    from imagenet_versions._data import read_text

    out = []
    for m in json.loads(read_text("manifests/index.json")).get("manifests", []):
        if m.get("version") != v.id or not m.get("url") or not m.get("sha256"):
            continue
        origin = m.get("origin", {})
        where = f"{origin.get('repository', '')} at {origin.get('snapshot_commit', '')[:12]}".strip()
        out.append(
            {
                "@type": "cr:FileObject",
                "@id": f"{m['split']}-image-list",
                "name": m.get("name") or f"{m['split']}-image-list",
                "description": f"The ids and labels of the {m['split']} images ({m.get('count', '?')}), "
                f"as published{' in ' + where if where else ''}. {m.get('note', '')}".strip(),
                "contentUrl": m["url"],
                "encodingFormat": "text/csv" if str(m.get("name", "")).endswith(".csv") else "text/plain",
                "sha256": m["sha256"],
            }
        )
    return out


def _rai(cat: Catalog, v: Version) -> dict[str, Any]:
    """Croissant RAI properties: which flagged classes the version still carries, per flag, with sources."""
    from imagenet_versions.audit import survivors
    from imagenet_versions.flags import DEFAULT_FLAGS, FLAGS, get_source

    try:
        report = survivors(v.id, catalog=cat)
    except CategoriesUnknownError:
        return {
            "rai:personalSensitiveInformation": (
                "Unknown: the class list of this version is not published, so imagenet_versions cannot say "
                f"which classes flagged {', '.join(DEFAULT_FLAGS)} it carries."
            )
        }
    counts = report.counts()
    per_flag = {
        f: {"count": n, "source": FLAGS[f], "citation": get_source(FLAGS[f]).citation} for f, n in counts.items()
    }
    parts = "; ".join(f"{n:,} {f} ({FLAGS[f]})" for f, n in counts.items())
    text = (
        f"{len(report):,} of the {report.num_classes:,} classes whose images this version holds carry a flag "
        f"of the unsafe set: {parts}. Flags per source: yang2020-safety = Yang et al. 2020 person-subtree safety "
        "labels; wordnet30-usage = WordNet 3.0 derogatory usage markers. List them with "
        f"`imagenet-versions survivors {v.id}` (labels the audits found offensive are withheld unless asked)."
    )
    return {"rai:personalSensitiveInformation": text, "rai:dataSocialImpact": text, "ivSurvivors": per_flag}


def _activity_jsonld(cat: Catalog, e: Derivation) -> dict[str, Any]:
    act: dict[str, Any] = {
        "@id": _activity_urn(e),
        "@type": "prov:Activity",
        "prov:label": edge_label(cat, e),
        "prov:used": {"@id": _urn(e.parent)},
        "ivOperations": [_op_dict(o) for o in e.ops],
    }
    if e.split:
        act["ivSplit"] = e.split
    if e.evidence:
        act["description"] = f"{e.describe()}. Evidence: {e.evidence}"
    else:
        act["description"] = e.describe()
    return act


def to_croissant(
    version: str,
    *,
    catalog: Catalog | None = None,
    show_offensive: bool = False,
    dataset_version: str | None = None,
) -> dict[str, Any]:
    """Croissant 1.1 JSON-LD metadata for one version.

    The document has the dataset-level fields (name, description, ``citeAs``,
    licence, ``url`` = homepage, ``datePublished`` = the release year),
    ``conformsTo`` Croissant 1.1, a ``classes`` RecordSet with one inline
    record per label index (``label_index``, ``wnid``, ``name``) when the
    categories are known, and provenance: ``prov:wasDerivedFrom`` each parent
    and ``prov:wasGeneratedBy`` the derivation activity, whose ``ivOperations``
    holds each operation's parameters (:meth:`~imagenet_versions.operations.Operation.to_dict`).

    The catalog records no version number for any release, so ``version`` is
    written only when ``dataset_version`` is given (``MAJOR.MINOR.PATCH``, as
    Croissant recommends); without it mlcroissant warns that the recommended
    ``version`` is missing.

    A version whose categories are unknown (``imagenet-10k``) gets no class
    RecordSet and says so in its description. Names of classes that a filter on
    record removed as offensive are withheld unless ``show_offensive``.

    >>> doc = to_croissant("imagenet-a")
    >>> doc["conformsTo"], doc["recordSet"][0]["@id"], len(doc["recordSet"][0]["data"])
    ('http://mlcommons.org/croissant/1.1', 'classes', 200)
    """
    cat = catalog_or_default(catalog)
    v = cat.get(version)
    cats = _categories(cat, v.id)
    n = len(cats) if cats is not None else None
    doc: dict[str, Any] = {
        "@context": dict(_CROISSANT_CONTEXT),
        "@type": "sc:Dataset",
        "@id": _urn(v.id),
        "name": v.name,
        "alternateName": [v.id, *v.aliases],
        "description": _description(cat, v, n),
        "conformsTo": CROISSANT_CONFORMS_TO,
    }
    if v.citation:
        doc["citeAs"] = v.citation
    people = creators(v.citation)
    if people:
        doc["creator"] = people if len(people) > 1 else people[0]
    urls = licence_urls(v.licence)
    if urls:
        doc["license"] = urls if len(urls) > 1 else urls[0]
    if v.homepage:
        doc["url"] = v.homepage
    if dataset_version is not None:
        doc["version"] = dataset_version
    if v.year is not None:
        # only the year is recorded: datePublished "2012" would read as 2012-01-01 (mlcroissant
        # parses it with ISO 8601 defaults), so the year goes in a term of its own
        doc["ivYear"] = v.year
    doc["keywords"] = ["ImageNet", "image classification", f"categories: {v.category_status}"]
    doc.update(_rai(cat, v))
    files = _distribution(v)
    if files:
        doc["distribution"] = files
    parents = cat.parents(v.id)
    if parents:
        # Croissant 1.1 provenance: the dataset prov:wasDerivedFrom its sources and
        # prov:wasGeneratedBy the activity that prov:used them (PROV-O terms)
        derived = [{"@id": _urn(e.parent)} for e in parents]
        acts = [_activity_jsonld(cat, e) for e in parents]
        doc["prov:wasDerivedFrom"] = derived[0] if len(derived) == 1 else derived
        doc["prov:wasGeneratedBy"] = acts[0] if len(acts) == 1 else acts
    if cats is not None:
        doc["recordSet"] = [_classes(cat, v, cats, show_offensive)]
    return doc


def _classes(cat: Catalog, v: Version, cats: tuple[str, ...], show_offensive: bool) -> dict[str, Any]:
    """The ``classes`` RecordSet: one record per label index."""
    from imagenet_versions.audit import member_classes

    name = policy(show_offensive).namer(cat)
    n = len(cats)
    grouped: dict[str, list[str]] = {}
    for member, label in member_classes(v.id, catalog=cat).items():
        if member != label:
            grouped.setdefault(label, []).append(member)
    wnid_labels = all(is_wnid(w) for w in cats)
    fields: list[dict[str, Any]] = [
        {
            "@type": "cr:Field",
            "@id": "classes/label_index",
            "name": "label_index",
            "description": "The label index (model output position).",
            "dataType": "sc:Integer",
        },
        {
            "@type": "cr:Field",
            "@id": "classes/wnid" if wnid_labels else "classes/label",
            "name": "wnid" if wnid_labels else "label",
            "description": (
                "The WordNet 3.0 synset id (offset with POS prefix, e.g. n01440764)."
                if wnid_labels
                else "The class's id: a WordNet 3.0 synset id, or the id of a node the authors added to "
                "their hierarchy (not a WordNet synset); see members."
            ),
            "dataType": "sc:Text",
        },
        {
            "@type": "cr:Field",
            "@id": "classes/name",
            "name": "name",
            "description": "The synset's lemmas"
            + ("" if show_offensive else f"; '{WITHHELD}' where the audits found the label offensive")
            + ".",
            "dataType": "sc:Text",
        },
    ]
    if grouped:
        fields.append(
            {
                "@type": "cr:Field",
                "@id": "classes/members",
                "name": "members",
                "description": "The wnids of the parent's classes this class groups, space-separated.",
                "dataType": "sc:Text",
            }
        )
    key = "classes/wnid" if wnid_labels else "classes/label"
    data = []
    for i, w in enumerate(cats):
        row: dict[str, Any] = {"classes/label_index": i, key: w, "classes/name": name(w)}
        if grouped:
            row["classes/members"] = " ".join(grouped.get(w, ()))
        data.append(row)
    return {
        "@type": "cr:RecordSet",
        "@id": "classes",
        "name": "classes",
        "description": (
            f"The {n:,} categories of {v.id} in label-index order ({v.category_status}); names are WordNet 3.0 lemmas."
        ),
        "dataType": "sc:Enumeration",
        "key": {"@id": "classes/label_index"},
        "field": fields,
        "data": data,
    }


def _prov_entity(cat: Catalog, vid: str) -> dict[str, Any]:
    """The PROV-JSON attributes of one version."""
    v = cat.get(vid)
    cats = _categories(cat, vid)
    attrs: dict[str, Any] = {
        "prov:type": {"$": "schema:Dataset", "type": "prov:QUALIFIED_NAME"},
        "prov:label": v.name,
        "iv:id": v.id,
        "iv:category_status": v.category_status,
    }
    if cats is not None:
        attrs["iv:num_categories"] = len(cats)
    if v.declared_num_categories is not None:
        attrs["iv:num_categories_declared"] = v.num_categories
        attrs["iv:num_categories_declared_source"] = v.num_categories_source
    if v.categories_source:
        attrs["iv:categories_source"] = v.categories_source
    for split, count in v.images.items():
        attrs[f"iv:images_{split}"] = count
    if v.images_source:
        attrs["iv:images_source"] = v.images_source
    if v.year is not None:
        attrs["iv:year"] = v.year
    for key, val in (("citation", v.citation), ("homepage", v.homepage), ("licence", v.licence)):
        if val:
            attrs[f"iv:{key}"] = val
    return attrs


def to_prov(
    version: str | None = None,
    *,
    scope: Scope = "both",
    to: str | None = None,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """W3C PROV-JSON of the lineage, or part of it (same selection as the diagrams).

    Each version is an ``entity`` (``iv:<id>``) with its name, class count (or
    none), category status, declared counts and their sources. Each derivation
    edge is an ``activity`` (``iv:derive/<parent>/<child>``) with its operation
    kinds and parameters, linked by ``used`` (the parent), ``wasGeneratedBy``
    (the child) and a qualified ``wasDerivedFrom`` naming the activity, the
    generation and the usage. Each relation is also given unqualified (a record
    with a blank id, ``_:der1``), so that the RDF form (``prov``'s
    ``serialize(format="rdf")``) carries the plain ``prov:wasDerivedFrom``,
    ``prov:used`` and ``prov:wasGeneratedBy`` triples as well as the qualified ones.
    """
    cat = catalog_or_default(catalog)
    ids = select_versions(version, scope=scope, to=to, catalog=cat)
    keep = set(ids)
    doc: dict[str, Any] = {
        "prefix": {"iv": URN_PREFIX, "schema": "https://schema.org/"},
        "entity": {},
        "activity": {},
        "used": {},
        "wasGeneratedBy": {},
        "wasDerivedFrom": {},
    }
    for vid in ids:
        doc["entity"][f"iv:{vid}"] = _prov_entity(cat, vid)
    n = 0
    for e in cat.edges:
        if e.parent not in keep or e.child not in keep:
            continue
        act = f"iv:derive/{e.parent}/{e.child}"
        a_attrs: dict[str, Any] = {
            "prov:label": edge_label(cat, e),
            "iv:op": e.op,
            "iv:operations": json.dumps([o.to_dict() for o in e.ops], ensure_ascii=False, sort_keys=True),
            "iv:description": e.describe(),
        }
        if e.split:
            a_attrs["iv:split"] = e.split
        if e.evidence:
            a_attrs["iv:evidence"] = e.evidence
        doc["activity"][act] = a_attrs
        use, gen = f"iv:use/{e.parent}/{e.child}", f"iv:gen/{e.parent}/{e.child}"
        doc["used"][use] = {"prov:activity": act, "prov:entity": f"iv:{e.parent}"}
        doc["wasGeneratedBy"][gen] = {"prov:entity": f"iv:{e.child}", "prov:activity": act}
        doc["wasDerivedFrom"][f"iv:der/{e.parent}/{e.child}"] = {
            "prov:generatedEntity": f"iv:{e.child}",
            "prov:usedEntity": f"iv:{e.parent}",
            "prov:activity": act,
            "prov:generation": gen,
            "prov:usage": use,
        }
        # the same relations unqualified (records without an id): PROV-O's plain
        # prov:used / prov:wasGeneratedBy / prov:wasDerivedFrom triples, which a
        # SPARQL query over the RDF finds without walking the qualified nodes
        n += 1
        doc["used"][f"_:use{n}"] = {"prov:activity": act, "prov:entity": f"iv:{e.parent}"}
        doc["wasGeneratedBy"][f"_:gen{n}"] = {"prov:entity": f"iv:{e.child}", "prov:activity": act}
        doc["wasDerivedFrom"][f"_:der{n}"] = {
            "prov:generatedEntity": f"iv:{e.child}",
            "prov:usedEntity": f"iv:{e.parent}",
        }
    return {k: v for k, v in doc.items() if v}
