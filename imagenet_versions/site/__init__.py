"""A static, offline reference site for the whole family: :func:`build`.

``build(out)`` writes HTML, CSS and a little JavaScript to the folder ``out``:
no server, no CDN, nothing fetched from another host, so the site opens from
disk or from any static host.

- ``index.html``: the family diagram (click a version to open its page; filter
  derivations by operation kind and versions by flagged status) and a table of
  all versions;
- ``v/<id>.html``: one page per version: names and aliases, counts with their
  sources, citation and BibTeX, label orders, parents and children with their
  operations, the category diff against each parent and against ILSVRC-2012,
  flagged classes (survivors), image manifests, and its Croissant as JSON-LD;
- ``c/<wnid>.html``: one page per class in the union of all versions' category
  lists: lemmas, gloss, WordNet path, flags with their sources, and its trace
  across the family;
- ``search.html``: client-side search over versions, aliases, wnids and lemmas,
  from the prebuilt ``data/search.js``;
- ``compare.html``: the category diff of any two versions, explained by the
  operations on the path, computed in the browser from ``data/compare.js``.

Labels that the audits found offensive
(:func:`imagenet_versions.flags.withheld_labels`) are withheld on every page, in
titles, in the search index and in search results. Each is in
``data/withheld.js`` only, which a page loads when its "show withheld label"
button is clicked.

>>> import imagenet_versions as iv
>>> callable(iv.site.build)
True
"""

from __future__ import annotations

from imagenet_versions.site._build import SiteReport, build

__all__ = ["SiteReport", "build"]
