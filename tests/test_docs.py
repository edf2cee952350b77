"""The documentation builds with `sphinx-build -n -W`: every reference resolves, every public
name is documented, the notebooks run, and nothing is fetched from the web."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import imagenet_versions as iv

ROOT = Path(__file__).resolve().parent.parent


def test_docs_build_without_warnings(docs_html: Path) -> None:
    catalog = (docs_html / "_generated" / "catalog.html").read_text()
    for vid in ("imagenet-fall11", "imagenet-winter21", "breeds-living17", "imagenet-10k"):
        assert f'id="{vid}"' in catalog, vid
    assert "19,127" in catalog  # the recorded disagreement about winter21
    assert 'href="site/index.html"' in (docs_html / "site.html").read_text()  # the docs link to the site
    cli = (docs_html / "_generated" / "cli.html").read_text()
    assert "label-map" in cli


def test_every_public_name_is_documented(docs_html: Path) -> None:
    # each name of __all__ has an entry (a module, class, function or constant) in the API page
    api = (docs_html / "api.html").read_text("utf-8")
    anchors = set(re.findall(r'id="(?:module-)?(imagenet_versions[\w.]*)"', api))
    documented = {a.rsplit(".", 1)[-1] for a in anchors}
    # iv.lineage() shares its name with the module, so it is described without an index entry
    documented |= set(re.findall(r'<span class="sig-name descname"><span class="pre">(\w+)</span>', api))
    missing = [name for name in iv.__all__ if name not in documented]
    assert api.count('id="module-imagenet_versions.') >= 14
    assert missing == []


def test_notebooks_render_with_outputs_executed_at_build_time(docs_html: Path) -> None:
    pages = sorted((docs_html / "_generated" / "notebooks").glob("*.html"))
    assert [p.stem for p in pages] == sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    for page in pages:
        html = page.read_text("utf-8")
        assert "cell_output" in html, page.name
    first = (docs_html / "_generated" / "notebooks" / "01-unsafe-survivors.html").read_text("utf-8")
    # an output only a run can produce: the counts the library computes now
    assert "imagenet-12k" in first and "&#39;offensive&#39;: 74" in first.replace("'", "&#39;")


def test_mermaid_and_inventories_are_offline(docs_html: Path) -> None:
    for page in docs_html.rglob("*.html"):
        html = page.read_text("utf-8")
        assert not re.search(r"""<script[^>]+src=["']https?:""", html), page
        assert "cdn.jsdelivr" not in html, page
    assert (docs_html / "_static" / "mermaid" / "mermaid.esm.min.mjs").is_file() or not any(
        "mermaid" in p.read_text("utf-8") for p in [docs_html / "_generated" / "catalog.html"]
    )
    # intersphinx resolved from the shipped inventories: a link to the Python docs
    assert "https://docs.python.org/3/library/" in (docs_html / "api.html").read_text("utf-8")
    table = (ROOT / "docs" / "_inventories" / "SOURCES.md").read_text("utf-8")
    for inv in (ROOT / "docs" / "_inventories").glob("*.inv"):
        assert hashlib.sha256(inv.read_bytes()).hexdigest() in table, inv.name
