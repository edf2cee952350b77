"""The reference site (issue 13): built once per session from the shipped data, checked
as files, then driven in a real browser (Debian's chromium through Playwright), served
by a local http.server on 127.0.0.1.

The browser tests skip, naming what to install, where chromium or Playwright is
missing; everything else runs everywhere.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import io
import json
import os
import random
import re
import shutil
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

import imagenet_versions as iv
from imagenet_versions import wordnet
from imagenet_versions.__main__ import main
from imagenet_versions.catalog import Catalog
from imagenet_versions.flags import withheld_labels
from imagenet_versions.site import SiteReport
from imagenet_versions.site._build import MARKER
from imagenet_versions.site._diagram import diagram_svg
from imagenet_versions.site._facts import family_facts
from imagenet_versions.site._shared import token

REDNECK = "n10513938"  # Yang et al. 2020: offensive; its label is withheld everywhere
LIMIT_BYTES = 60_000_000


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteReport]:
    """The whole site, built once per test session (this is also the CI step that builds it)."""
    out = tmp_path_factory.mktemp("site") / "out"
    return out, iv.site.build(out)


@pytest.fixture(scope="session")
def site(built: tuple[Path, SiteReport]) -> Path:
    return built[0]


def _data(site: Path, name: str) -> Any:
    text = (site / "data" / f"{name}.js").read_text("utf-8")
    prefix = f'window.IVData=window.IVData||{{}};IVData["{name}"]='
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix) : -2])


def _union() -> set[str]:
    cat = Catalog.default()
    out: set[str] = set()
    for v in cat:
        if cat.has_categories(v.id):
            out.update(cat.categories(v.id))
    return out


# ------------------------------------------------------------------ files


def test_every_version_and_class_has_a_page(built: tuple[Path, SiteReport]) -> None:
    site, report = built
    union = _union()
    assert report.version_pages == len(iv.versions()) == len(list((site / "v").glob("*.html")))
    assert report.class_pages == len(union) == len(list((site / "c").glob("*.html")))
    assert {p.stem for p in (site / "c").glob("*.html")} == union
    for name in ("index.html", "search.html", "compare.html", "static/site.css", "static/site.js", MARKER):
        assert (site / name).is_file(), name
    files = [p for p in site.rglob("*") if p.is_file()]
    assert report.files == len(files)
    assert report.bytes == sum(p.stat().st_size for p in files)
    doc = report.to_dict()
    assert next(iter(doc)) == "schema" and doc["schema"] == "imagenet-versions/site@1"


def test_site_is_within_its_size_budget(built: tuple[Path, SiteReport]) -> None:
    assert built[1].bytes <= LIMIT_BYTES, f"{built[1].bytes:,} bytes"


def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    """No CDN: every src/href that the browser loads by itself is relative (links out are plain <a>)."""
    pages = [site / "index.html", site / "compare.html", site / "v" / "ilsvrc2012.html", site / "c" / f"{REDNECK}.html"]
    for page in pages:
        text = page.read_text("utf-8")
        for m in re.finditer(r'<(script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"', text):
            assert not re.match(r"[a-z]+://|//", m.group(2)), (page.name, m.group(0))
    js = (site / "static" / "site.js").read_text("utf-8")
    assert "http://" not in js and "https://" not in js


@functools.cache
def _facts() -> Any:
    return family_facts(Catalog.default())


def test_class_traces_agree_with_trace() -> None:
    """The site's one-pass traces give what iv.trace() gives, wnid by wnid."""
    fam = _facts()
    rng = random.Random(13)
    sample = [REDNECK, "n04399382", "n01440764", "n02085620", *rng.sample(fam.union, 16)]
    for w in sample:
        t = iv.trace(w).to_dict()
        mine = fam.trace(w).to_dict()
        for key in ("present_in", "relabelled_in", "absent_from", "unknown_in", "events"):
            assert mine[key] == t[key], (w, key)


def test_class_page_says_where_the_class_was_removed(site: Path) -> None:
    text = (site / "c" / f"{REDNECK}.html").read_text("utf-8")
    assert "<title>n10513938 (label withheld)" in text
    assert re.search(
        r'removed in <a href="\.\./v/imagenet-winter21\.html">imagenet-winter21</a> \(filter of imagenet-fall11\): unsafe:offensive',
        text,
    )
    assert "yang2020-safety" in text  # the flag with its source
    tench = (site / "c" / "n01440764.html").read_text("utf-8")
    assert "<title>n01440764 tench" in tench and "Tinca tinca" in tench
    assert "freshwater dace-like game fish" in tench  # the gloss
    assert '<a href="../c/n02512053.html">fish</a>' in tench  # WordNet path, linked where a class
    assert "Relabelled in 2" in tench and "breeds-entity30" in tench


def _withheld_lemmas() -> dict[str, set[str]]:
    known = wordnet.snapshot_wnids()
    return {
        w: {lem.replace("_", " ").lower() for lem in wordnet.synset(w).lemmas} for w in withheld_labels() if w in known
    }


def test_withheld_labels_are_in_no_page_title_or_index(site: Path) -> None:
    withheld = _withheld_lemmas()
    union = _union()
    # every lemma of a withheld class that no shown class shares
    known = wordnet.snapshot_wnids()
    shown = {
        lem.replace("_", " ").lower() for w in union - set(withheld) if w in known for lem in wordnet.synset(w).lemmas
    }
    private = {lem for lems in withheld.values() for lem in lems} - shown
    assert "redneck" in private
    index = _data(site, "search")
    listed = {lem.lower() for _, lems in index["classes"] for lem in lems.split("; ")}
    assert not private & listed
    assert not {w for w, _ in index["classes"]} & set(withheld)
    boilerplate = (site / "c" / "n01440764.html").read_text("utf-8").lower()  # words any class page has

    def found(lem: str, text: str) -> bool:
        return re.search(rf"(?<![a-z]){re.escape(lem)}(?![a-z])", text) is not None

    checked = 0
    for w, lems in withheld.items():
        if w not in union:
            continue
        page = (site / "c" / f"{w}.html").read_text("utf-8").lower()
        for lem in lems & private:
            if found(lem, boilerplate):  # e.g. "unknown" ("categories unknown in 1")
                continue
            checked += 1
            assert not found(lem, page), (w, lem)
    assert checked > 400
    for path in [
        site / "index.html",
        site / "compare.html",
        *sorted((site / "v").glob("*.html")),
        site / "data" / "search.js",
        site / "data" / "compare.js",
    ]:
        assert not re.search(r"(?<![a-z])redneck(?![a-z])", path.read_text("utf-8").lower()), path.name
    revealed = _data(site, "withheld")
    assert revealed[REDNECK]["label"] == "redneck"
    assert set(revealed) == set(withheld) & union


def test_search_index_holds_withheld_lemmas_only_as_tokens(site: Path) -> None:
    index = _data(site, "search")
    assert index["tokens"][token("redneck")] == [REDNECK]
    assert token("  Redneck ") == token("redneck")
    assert token("redneck x") not in index["tokens"]
    assert REDNECK in index["withheld_wnids"]
    assert REDNECK not in {w for w, _ in index["classes"]}
    assert index["versions"][[v[0] for v in index["versions"]].index("ilsvrc2012")][:2] == [
        "ilsvrc2012",
        "ILSVRC-2012 (ImageNet-1K)",
    ]
    tench = dict(index["classes"])["n01440764"]
    assert tench == "tench; Tinca tinca"


def test_version_page(site: Path) -> None:
    text = (site / "v" / "ilsvrc2012.html").read_text("utf-8")
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert m is not None
    croissant = json.loads(m.group(1))
    full = json.loads(json.dumps(iv.to_croissant("ilsvrc2012")))
    # the same Croissant, but the classes record set reads its rows from data/classes/<id>.csv
    (classes,) = [rs for rs in croissant["recordSet"] if rs["@id"] == "classes"]
    (inline,) = [rs for rs in full["recordSet"] if rs["@id"] == "classes"]
    assert "data" not in classes and len(inline["data"]) == 1000
    assert {k: v for k, v in croissant.items() if k not in ("recordSet", "distribution")} == {
        k: v for k, v in full.items() if k not in ("recordSet", "distribution")
    }
    (csv_file,) = [f for f in croissant["distribution"] if f["@id"] == "classes-csv"]
    data = (site / "v" / csv_file["contentUrl"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == csv_file["sha256"]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [(int(r["label_index"]), r["wnid"], r["name"]) for r in rows] == [
        (r["classes/label_index"], r["classes/wnid"], r["classes/name"]) for r in inline["data"]
    ]
    assert re.search(r'<pre id="bibtex">@misc\{imagenet-versions:ilsvrc2012,\n', text)
    assert "Russakovsky" in text  # the citation
    assert "<code>in1k</code>" in text.lower() or "<code>imagenet-1k</code>" in text.lower()  # aliases
    assert "Label orders" in text and "Image manifests" in text and "<code>val</code>" in text
    for e in Catalog.default().parents("ilsvrc2012"):
        d = iv.diff(e.parent, "ilsvrc2012").categories
        assert f"{len(d.removed):,} removed, {len(d.added):,} added" in text
    fall11 = (site / "v" / "imagenet-fall11.html").read_text("utf-8")
    report = iv.survivors("imagenet-fall11")
    assert f"{len(report):,} of {report.num_classes:,} member classes" in fall11
    assert fall11.count('<tr><td><a class="wnid"') == len(report)
    assert f'data-withheld="{REDNECK}"' in fall11  # a survivor, its label behind a button
    winter = (site / "v" / "imagenet-winter21.html").read_text("utf-8")
    d = iv.diff("imagenet-fall11", "imagenet-winter21")
    assert f"{len(d.categories.removed):,} removed, 0 added" in winter
    assert (site / "v" / "imagenet-10k.html").read_text("utf-8").count("not known") >= 2


def test_compare_data_has_every_pair_and_edge(site: Path) -> None:
    cmp = _data(site, "compare")
    cat = Catalog.default()
    known = [v.id for v in cat if cat.has_categories(v.id)]
    assert sorted(cmp["versions"]) == sorted(known)
    assert len(cmp["paths"]) == len(known) * (len(known) - 1) // 2
    union = cmp["union"]
    assert [union[i] for i in cmp["versions"]["ilsvrc2012"]] == list(cat.categories("ilsvrc2012"))
    edge = next(e for e in cmp["edges"] if e[:2] == ["imagenet-fall11", "imagenet-winter21"])
    assert sum(len(g[3]) for g in edge[3]) == 2674


def test_layered_diagram_without_graphviz() -> None:
    cat = Catalog.default()
    status = {v.id: "clean" for v in cat}
    svg, used = diagram_svg(cat, status, engine="layered")
    assert used == "layered" and svg.startswith("<svg")
    for v in cat:
        assert f'id="node-{v.id}"' in svg and f'href="v/{v.id}.html"' in svg
    assert svg.count('class="edge"') == len(cat.edges)
    with pytest.raises(iv.RenderError, match="unknown diagram engine 'nope'"):
        diagram_svg(cat, status, engine="nope")


# ------------------------------------------------------------------ output folder and CLI


def _mini() -> Catalog:
    """Three versions of the shipped catalog: a site of ~1,000 classes builds in seconds."""
    cat = Catalog.default()
    keep = {"ilsvrc2012", "imagenette", "imagewoof"}
    versions = {v.id: v for v in cat if v.id in keep}
    edges = tuple(e for e in cat.edges if e.parent in keep and e.child in keep)
    return Catalog(versions, edges, root=resources.files("imagenet_versions") / "data", source="mini")


def test_build_replaces_its_own_site_only(tmp_path: Path) -> None:
    mini = _mini()
    out = tmp_path / "out"
    r = iv.site.build(out, catalog=mini, engine="layered")
    assert r.version_pages == 3 and r.class_pages == 1000 and r.diagram == "layered"
    (out / "stale.html").write_text("old")
    iv.site.build(out, catalog=mini, engine="layered")  # a site it wrote: replaced whole
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no temporary folders left
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(iv.SiteError, match="not empty and holds no earlier site"):
        iv.site.build(foreign, catalog=mini)
    assert (foreign / "thesis.tex").read_text() == "keep me"
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(iv.SiteError, match="exists and is not a folder"):
        iv.site.build(a_file, catalog=mini)
    assert isinstance(iv.SiteError("x"), OSError)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_build_in_read_only_folder(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(iv.SiteError, match="cannot write the site"):
            iv.site.build(ro / "out", catalog=_mini())
    finally:
        ro.chmod(0o700)


def test_cli_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    mini = _mini()
    monkeypatch.setattr(Catalog, "default", classmethod(lambda cls: mini))
    out = tmp_path / os.fsdecode(b"site-\xff")  # a non-UTF-8 file name
    assert main(["site", str(out), "--json", "--diagram", "layered"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert next(iter(doc)) == "schema" and doc["schema"] == "imagenet-versions/site@1"
    assert doc["class_pages"] == 1000 and doc["out"].endswith("site-\\xff")
    assert (out / "v" / "imagenette.html").is_file()
    assert main(["site", str(out)]) == 0
    assert "wrote 3 version pages and 1,000 class pages" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["site", ""], "not empty and holds no earlier site"),  # "" is the current folder
        (["site", "/dev/null"], "exists and is not a folder"),
        (["site", "x" * 5000], "cannot write the site"),  # a name too long for the file system
        (["site"], "the following arguments are required: OUT"),
    ],
)
def test_cli_site_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(Path(__file__).parent)
    mini = _mini()
    monkeypatch.setattr(Catalog, "default", classmethod(lambda cls: mini))
    assert main([*argv, "--json"] if len(argv) > 1 else argv) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert message in cap.err and cap.err.count("\n") == 1 and "Traceback" not in cap.err


# ------------------------------------------------------------------ in a real browser


def _browser_skip_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs Playwright for Python: `uv sync --group test` (never `playwright install`)"
    if shutil.which("chromium") is None:
        return "needs Debian's chromium: `apt-get install chromium` (.ci/run installs it)"
    return None


browser_only = pytest.mark.skipif(_browser_skip_reason() is not None, reason=_browser_skip_reason() or "")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


class _Watched:
    """A page that records console errors, page errors and every request to another host (aborted)."""

    def __init__(self, browser: Any) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname != "127.0.0.1":
            self.outside.append(url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def watched(browser: Any) -> Iterator[_Watched]:
    w = _Watched(browser)
    try:
        yield w
    finally:
        w.page.close()
        assert w.outside == [], f"requests left 127.0.0.1: {w.outside}"
        assert w.errors == [], f"console errors: {w.errors}"


@browser_only
def test_home_page_loads_without_console_errors(served: str, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{served}/index.html", wait_until="load")
    assert page.title().startswith("The ImageNet family")
    assert page.locator("#diagram svg").count() == 1
    assert page.locator("#diagram [id^=node-]").count() == len(iv.versions())
    assert watched.requests and all(urlsplit(u).hostname == "127.0.0.1" for u in watched.requests)


@browser_only
def test_clicking_a_node_opens_its_version_page(served: str, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{served}/index.html", wait_until="load")
    with page.expect_navigation():
        page.locator("#node-imagenet-winter21 a").first.click()
    assert page.url == f"{served}/v/imagenet-winter21.html"
    assert "imagenet-winter21" in page.title()


@browser_only
def test_diagram_filters(served: str, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{served}/index.html", wait_until="load")
    filters = [e for e in iv.Catalog.default().edges if any(o.kind == "filter" for o in e.ops)]
    assert filters
    page.locator('input[data-op="filter"]').uncheck()
    hidden = page.locator("#diagram .edge.hidden, #diagram g[id^=edge-].hidden").count()
    assert hidden == sum(1 for e in iv.Catalog.default().edges if {o.kind for o in e.ops} <= {"filter"})
    page.select_option("#flag-filter", "unsafe")
    unsafe = iv.unsafe_versions()
    assert page.locator("#diagram [id^=node-].dim").count() == len(iv.versions()) - len(unsafe)
    assert "dim" not in (page.get_attribute("#node-imagenet-fall11", "class") or "")


@browser_only
def test_search_redneck_finds_its_class_page(served: str, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{served}/index.html", wait_until="load")
    page.fill("header input[name=q]", "redneck")
    with page.expect_navigation():
        page.press("header input[name=q]", "Enter")
    page.wait_for_selector("#search-count")
    results = page.inner_text("#search-results")
    assert REDNECK in results and "label withheld" in results
    assert "redneck" not in results.lower().replace("?q=redneck", "")
    with page.expect_navigation():
        page.click(f"#search-results a[href$='c/{REDNECK}.html']")
    assert page.url == f"{served}/c/{REDNECK}.html"
    main = page.inner_text("main")
    assert "removed in imagenet-winter21" in main
    assert "redneck" not in main.lower() and "redneck" not in page.title().lower()
    page.click("h1 button.reveal")  # the deliberate click
    page.wait_for_function("document.querySelector('h1').textContent.includes('redneck')")


@browser_only
def test_search_versions_aliases_wnids_and_lemmas(served: str, watched: _Watched) -> None:
    page = watched.page
    for q, href in [("in1k", "v/ilsvrc2012.html"), ("n01440764", "c/n01440764.html"), ("tench", "c/n01440764.html")]:
        page.goto(f"{served}/search.html?q={q}", wait_until="load")
        page.wait_for_selector("#search-count")
        first = page.locator("#search-results li a").first.get_attribute("href") or ""
        assert first.endswith(href), (q, first)


@browser_only
@pytest.mark.parametrize(
    ("a", "b"),
    [("imagenet-fall11", "imagenet-winter21"), ("breeds-entity13", "breeds-living17"), ("imagenet-a", "imagenet-r")],
)
def test_compare_page(served: str, watched: _Watched, a: str, b: str) -> None:
    page = watched.page
    page.goto(f"{served}/compare.html#a={a}&b={b}", wait_until="load")
    page.wait_for_selector("#cmp-summary")
    c = iv.diff(a, b).categories
    want = (
        f"{a} → {b}: {len(c.removed):,} removed, {len(c.added):,} added, "
        f"{c.common_count:,} common, {len(c.relabelled):,} relabelled"
    )
    assert page.inner_text("#cmp-summary") == want
    if (a, b) == ("imagenet-fall11", "imagenet-winter21"):
        assert "2,674 removed" in want
        table = page.inner_text("#cmp-removed table")
        assert "437" in table and "unsafe:offensive" in table


@browser_only
def test_hostile_search_and_compare_input_is_text(served: str, watched: _Watched) -> None:
    """A query or a compare hash is data: shown as text, never run, never an error."""
    page = watched.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    page.goto(f"{served}/search.html?q={quote(hostile)}", wait_until="load")
    page.wait_for_selector("#search-count")
    assert page.locator("#search-results img, #search-results script").count() == 0
    page.goto(f"{served}/search.html?q={'n' * 20000}", wait_until="load")  # huge
    page.wait_for_selector("#search-count")
    assert page.inner_text("#search-count") == "0 result(s)"
    page.goto(f"{served}/search.html?q=%F0%9F%92%A9%C3%A9%00", wait_until="load")  # emoji, accents, NUL
    page.wait_for_selector("#search-count")
    page.goto(f"{served}/compare.html#a={quote(hostile)}&b=..%2F..%2Fetc", wait_until="load")
    page.wait_for_selector("#cmp-summary")
    assert page.inner_text("#cmp-summary").startswith("imagenet-fall11 → imagenet-winter21: 2,674 removed")
    assert dialogs == []


def test_embedded_croissant_validates_and_loads_its_classes_with_mlcroissant(site: Path, tmp_path: Path) -> None:
    mlc = pytest.importorskip("mlcroissant", reason="install the test dependency group: `uv sync --group test`")
    text = (site / "v" / "imagenette.html").read_text("utf-8")
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert m is not None
    path = site / "v" / "imagenette.croissant-test.json"  # beside the page, so ../data/ resolves
    try:
        path.write_text(json.dumps(json.loads(m.group(1))), "utf-8")
        ds = mlc.Dataset(jsonld=str(path))
        rows = list(ds.records("classes"))
    finally:
        path.unlink(missing_ok=True)
    assert [r["classes/wnid"].decode() for r in rows] == list(iv.categories("imagenette"))


def test_version_pages_use_label_orders_and_cite() -> None:
    """Label orders and the citation on a version page come from imagenet_versions.orders and .cite."""
    from imagenet_versions.citation import cite
    from imagenet_versions.site import _hooks

    v = iv.get("ilsvrc2012")
    cat = Catalog.default()
    orders = _hooks.label_orders(cat, v)
    assert [o["name"] for o in orders] == ["sorted", "devkit", "tf-slim"]
    assert orders[0]["default"] and [o["offset"] for o in orders] == [0, 0, 1]
    c = _hooks.citation(cat, v)
    assert c["fingerprint"] == cite("ilsvrc2012").fingerprint and c["fingerprint"].startswith("sha256:")
    assert "@" in c["bibtex"] and "ilsvrc2012" in c["sentence"]
    assert _hooks.label_orders(cat, iv.get("imagenet-10k")) == []
