"""HTML helpers: escaping, the page layout, links, and withheld labels."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Collection
from html import escape
from importlib import resources
from string import Template
from typing import Any

__all__ = ["Labeller", "esc", "json_script", "layout", "link_class", "link_version"]


def esc(text: object) -> str:
    return escape(str(text), quote=True)


@functools.cache
def _template() -> Template:
    return Template((resources.files("imagenet_versions.site") / "templates" / "page.html").read_text("utf-8"))


def layout(root: str, title: str, body: str, *, head: str = "", footer: str = "") -> str:
    """One page: ``root`` is the relative path to the site's top (``""`` or ``"../"``)."""
    return _template().substitute(root=root, title=esc(title), body=body, head=head, footer=footer)


def json_script(doc: Any, *, kind: str = "application/json", element_id: str = "") -> str:
    """``doc`` as an inert ``<script>`` element (``</`` escaped so it cannot close the element)."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    ident = f' id="{esc(element_id)}"' if element_id else ""
    return f'<script type="{kind}"{ident}>{text}</script>'


def link_version(root: str, vid: str, text: str | None = None) -> str:
    return f'<a href="{root}v/{esc(vid)}.html">{esc(text if text is not None else vid)}</a>'


def link_class(root: str, wnid: str) -> str:
    return f'<a class="wnid" href="{root}c/{esc(wnid)}.html">{esc(wnid)}</a>'


class Labeller:
    """Labels for wnids under the library's withholding policy.

    A wnid in ``withheld`` (:func:`imagenet_versions.flags.withheld_labels`) gets
    a placeholder and a button; its label is not in the page at all, only in
    ``data/withheld.js``, which the button loads on a deliberate click.
    """

    def __init__(self, name_of: Callable[[str], str], withheld: Collection[str]) -> None:
        self._name_of = name_of
        self.withheld = withheld

    def name(self, wnid: str) -> str:
        """The plain label, for non-withheld wnids only (never call it for a withheld one in a page)."""
        return self._name_of(wnid)

    def html(self, wnid: str, field: str = "label", placeholder: str = "label withheld") -> str:
        if wnid in self.withheld:
            return (
                f'<span class="withheld" data-withheld="{esc(wnid)}" data-field="{esc(field)}">'
                f"{esc(placeholder)}</span>"
                f'<button class="reveal" type="button" data-wnid="{esc(wnid)}">show withheld label</button>'
            )
        return esc(self._name_of(wnid))
