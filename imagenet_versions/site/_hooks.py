"""Features the site shows when the library has them: label orders and ``cite``.

Label orders (``imagenet_versions.orders``) and citations with a fingerprint
(``imagenet_versions.cite``) are built elsewhere. The site uses them when they
are importable and otherwise shows what the catalog knows: the category list's
own order, and BibTeX written from the catalog's citation text (marked as such).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from imagenet_versions.catalog import Catalog, Version

__all__ = ["bibtex", "label_orders"]


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _plain(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else value


def label_orders(cat: Catalog, v: Version) -> list[dict[str, Any]]:
    """The version's named label orders: ``[{"name", "source", "default"}]``.

    With ``imagenet_versions.orders`` present, its ``orders_of(version)`` answers
    (each order as a record with ``to_dict()`` or a mapping). Without it: the
    one order the catalog knows, the index order of its category list.
    """
    mod = _optional("imagenet_versions.orders")
    fn = getattr(mod, "orders_of", None) if mod is not None else None
    if callable(fn):
        out = []
        for o in fn(v.id):
            d = _plain(o)
            if isinstance(d, dict):
                out.append(
                    {
                        "name": str(d.get("name", "")),
                        "source": str(d.get("source", "")),
                        "default": bool(d.get("default", False)),
                    }
                )
        return out
    if not cat.has_categories(v.id):
        return []
    how = {
        "published": "the order of the published list",
        "reconstructed": "the order of the reconstructed list",
        "derived": "the parent's order, as the edge's operations leave it",
    }.get(v.category_status, "")
    return [{"name": "catalog", "source": f"{how}: {v.categories_source}".rstrip(": "), "default": True}]


def _key(v: Version) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", v.id) or "version"


def _bib_escape(text: str) -> str:
    return re.sub(r"([{}\\%&$#_^~])", r"\\\1", text)


def bibtex(v: Version) -> tuple[str, str]:
    """``(bibtex, where it comes from)`` for a version.

    With ``imagenet_versions.cite`` present, its ``cite(version)`` answers (its
    ``bibtex`` field). Without it: a ``@misc`` entry holding the catalog's
    citation text as ``note`` (the catalog stores citations as text, so authors,
    title and venue are not split into fields).
    """
    mod = _optional("imagenet_versions.cite")
    fn = getattr(mod, "cite", None) if mod is not None else None
    if callable(fn):
        d = _plain(fn(v.id))
        text = d.get("bibtex") if isinstance(d, dict) else None
        if isinstance(text, str) and text.strip():
            return text.strip(), "imagenet_versions.cite"
    fields = [("title", v.name)]
    if v.citation:
        fields.append(("note", v.citation))
    if v.year:
        fields.append(("year", str(v.year)))
    if v.homepage:
        fields.append(("howpublished", "\\url{" + v.homepage.replace("}", "") + "}"))
    body = ",\n".join(f"  {k} = {{{_bib_escape(val) if k != 'howpublished' else val}}}" for k, val in fields)
    return (
        f"@misc{{{_key(v)},\n{body}\n}}",
        "written from the catalog's citation text (authors, title and venue are not separate fields there)",
    )
