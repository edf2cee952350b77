"""Cite the exact version: a fingerprint of its ordered class list, BibTeX for it and its
ancestors, and one sentence for a paper's methods section.

The fingerprint of a version in a label order is ``sha256:`` followed by the hex
SHA-256 of the UTF-8 bytes of its output labels (wnids, and ``background`` for a
background output) joined by ``"\\n"`` with no final newline (see
:func:`imagenet_versions.orders.fingerprint`). It changes when a class is added,
removed or moved, and only then; reproduce it with::

    printf '%s' "$(cat wnids.txt)" | sha256sum

The catalog records each version's citation as text, not as structured BibTeX, so
the BibTeX entries are ``@misc`` records that carry that text in ``note`` (with the
title, year and homepage): replace them with the publisher's entry where there is one.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from attrs import frozen

from imagenet_versions.catalog import Catalog, Version, catalog_or_default
from imagenet_versions.orders import label_order

__all__ = ["Citation", "cite"]

Format = Literal["bibtex", "cff", "text"]


@frozen
class Citation:
    """How to cite one version in one label order (see :func:`cite`)."""

    version: str
    name: str
    order: str | None
    num_classes: int | None
    fingerprint: str | None
    path: tuple[str, ...]
    bibtex: str
    cff: str
    sentence: str

    def text(self) -> str:
        """The sentence, then the BibTeX."""
        return f"{self.sentence}\n\n{self.bibtex}"

    def format(self, fmt: Format = "text") -> str:
        """``bibtex``, ``cff`` or ``text`` (the sentence and the BibTeX)."""
        return {"bibtex": self.bibtex, "cff": self.cff, "text": self.text()}[fmt]

    def __repr__(self) -> str:
        fp = self.fingerprint[:19] + "…" if self.fingerprint else "no fingerprint"
        return f"<Citation {self.version}:{self.order}: {fp}>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "imagenet-versions/cite@1",
            "version": self.version,
            "order": self.order,
            "num_classes": self.num_classes,
            "fingerprint": self.fingerprint,
            "path": list(self.path),
            "bibtex": self.bibtex,
            "sentence": self.sentence,
        }


def _lineage(cat: Catalog, vid: str) -> tuple[str, ...]:
    """The version and its first-parent ancestors, root first."""
    chain = [vid]
    while True:
        parents = cat.parents(chain[-1])
        if not parents or parents[0].parent in chain:
            break
        chain.append(parents[0].parent)
    return tuple(reversed(chain))


_TEX = str.maketrans({c: "\\" + c for c in "&%$#_{}"} | {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}"})


def _tex(text: str) -> str:
    return text.translate(_TEX)


def _key(vid: str) -> str:
    return "imagenet-versions:" + re.sub(r"[^A-Za-z0-9.-]", "-", vid)


def _bib_entry(v: Version, fingerprint: str | None, order: str | None) -> str:
    fields = [("title", _tex(v.name))]
    if v.year:
        fields.append(("year", str(v.year)))
    if v.citation:
        fields.append(("note", _tex(v.citation)))
    if v.homepage:
        fields.append(("howpublished", "\\url{" + v.homepage.replace("}", "%7D") + "}"))
    if fingerprint:
        fields.append(("addendum", _tex(f"imagenet_versions id {v.id}, label order {order}, class list {fingerprint}")))
    else:
        fields.append(("addendum", _tex(f"imagenet_versions id {v.id}")))
    body = ",\n".join(f"  {k} = {{{val}}}" for k, val in fields)
    return f"@misc{{{_key(v.id)},\n{body}\n}}"


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cff(cat: Catalog, v: Version, path: tuple[str, ...], fingerprint: str | None, order: str | None) -> str:
    lines = [
        "cff-version: 1.2.0",
        f"message: {_yaml('If you use this version of ImageNet, please cite it as below.')}",
        f"title: {_yaml(v.name)}",
        "type: dataset",
    ]
    if v.homepage:
        lines.append(f"url: {_yaml(v.homepage)}")
    lines.append("authors:")
    lines.append(f"  - name: {_yaml(v.citation or v.name)}")
    if fingerprint:
        lines.append("identifiers:")
        lines.append("  - type: other")
        lines.append(f"    value: {_yaml(fingerprint)}")
        lines.append(
            f"    description: {_yaml(f'SHA-256 of the {order} label order of {v.id}, wnids joined by newlines')}"
        )
    ancestors = [a for a in path if a != v.id]
    if ancestors:
        lines.append("references:")
        for a in ancestors:
            av = cat.get(a)
            lines.append("  - type: dataset")
            lines.append(f"    title: {_yaml(av.name)}")
            lines.append("    authors:")
            lines.append(f"      - name: {_yaml(av.citation or av.name)}")
            if av.year:
                lines.append(f"    year: {av.year}")
    return "\n".join(lines) + "\n"


def cite(version: str, *, order: str | None = None, catalog: Catalog | None = None) -> Citation:
    """How to cite ``version`` exactly: fingerprint, BibTeX (the version and each
    ancestor on its path), CFF, and one sentence for a methods section.

    ``order`` is a label order of the version (default: its default order).

    Raises:
        UnknownVersionError, AmbiguousVersionError: for a bad id.
        UnknownOrderError: the version has no such order.

    >>> c = cite("ilsvrc2012")
    >>> c.fingerprint[:19], c.path
    ('sha256:385e02404994', ('imagenet-fall11', 'ilsvrc2012'))
    """
    from imagenet_versions import __version__

    cat = catalog_or_default(catalog)
    vid = cat.resolve(version)
    v = cat.get(vid)
    fp: str | None = None
    name: str | None = None
    n: int | None = None
    if cat.has_categories(vid):
        o = label_order(vid, order, catalog=cat)
        fp, name, n = o.fingerprint(), o.name, len(o.wnids)
    elif order is not None:
        label_order(vid, order, catalog=cat)  # raises: the categories are unknown
    path = _lineage(cat, vid)
    bib = "\n\n".join(
        _bib_entry(cat.get(a), fp if a == vid else None, name if a == vid else None) for a in reversed(path)
    )
    if fp is not None and n is not None:
        sentence = (
            f"We use {v.name} (imagenet_versions id `{vid}`, {n:,} classes in the `{name}` label order, "
            f"class-list fingerprint {fp}), as catalogued by imagenet_versions {__version__}"
            + (f"; it derives from {' -> '.join(path[:-1])}." if len(path) > 1 else ".")
        )
    else:
        sentence = (
            f"We use {v.name} (imagenet_versions id `{vid}`; its class list is not known, so no fingerprint "
            f"can be given), as catalogued by imagenet_versions {__version__}."
        )
    return Citation(vid, v.name, name, n, fp, path, bib, _cff(cat, v, path, fp, name), sentence)
