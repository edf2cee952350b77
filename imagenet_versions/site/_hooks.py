"""The site's view of label orders (:mod:`imagenet_versions.orders`) and citations
(:mod:`imagenet_versions.citation`): plain dicts for the version pages."""

from __future__ import annotations

from typing import Any

from imagenet_versions.catalog import Catalog, Version
from imagenet_versions.errors import Error

__all__ = ["citation", "label_orders"]


def label_orders(cat: Catalog, v: Version) -> list[dict[str, Any]]:
    """The version's named label orders, default first: ``[{"name", "source", "default", "offset"}]``.

    Empty when the version's categories are not known.
    """
    from imagenet_versions.orders import label_orders as orders_of

    try:
        orders = orders_of(v.id, catalog=cat)
    except Error:
        return []
    return [{"name": o.name, "source": o.source, "default": o.is_default, "offset": o.offset} for o in orders]


def citation(cat: Catalog, v: Version) -> dict[str, Any]:
    """``{"bibtex", "sentence", "fingerprint"}`` from :func:`imagenet_versions.citation.cite`.

    For a version whose categories are unknown, ``fingerprint`` is ``None``.
    """
    from imagenet_versions.citation import cite

    c = cite(v.id, catalog=cat)
    return {"bibtex": c.bibtex, "sentence": c.sentence, "fingerprint": c.fingerprint, "order": c.order}
