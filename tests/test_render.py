"""Diagrams: Mermaid and DOT text, and real SVG/PNG files from Graphviz and from the matplotlib fallback."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

import imagenet_versions as iv
from imagenet_versions import render as rd
from imagenet_versions.__main__ import main
from imagenet_versions.errors import RenderError

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
DOT = shutil.which("dot")
needs_dot = pytest.mark.skipif(
    DOT is None, reason="Graphviz `dot` is not on PATH: install it (apt-get install graphviz); .ci/run does"
)
needs_mpl = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None,
    reason="matplotlib is missing: install the plot extra (uv sync --extra plot); the test group includes it",
)

# (version, scope, to): the whole family, one version's ancestors, descendants, both, and a path
SELECTIONS = [
    (None, "both", None),
    ("imagenet-21k-p-winter21", "ancestors", None),
    ("ilsvrc2012", "descendants", None),
    ("imagenet-winter21", "both", None),
    ("imagenet-a", "both", "imagenet-21k-p-winter21"),
]


def svg_texts(svg: str | bytes) -> list[str]:
    """Every <text> of an SVG, which must be well-formed XML."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def check_png(data: bytes) -> tuple[int, int]:
    """A structurally valid PNG: signature, chunk CRCs, IHDR first, IEND last, IDAT inflates to the image size."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append(kind)
        if kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + (width * channels * depth + 7) // 8)
    return width, height


def expected_lines(vid: str, marked: bool = False) -> list[str]:
    n = len(iv.categories(vid)) if iv.Catalog.default().has_categories(vid) else None
    lines = [vid, f"{n:,} classes" if n is not None else "classes unknown"]
    return [*lines, "\u26a0 unsafe classes"] if marked else lines


# ---------------------------------------------------------------- text


def test_versions_carrying_unsafe_classes_are_marked_by_default() -> None:
    text = rd.to_mermaid()
    (line,) = [ln for ln in text.splitlines() if ln.strip().startswith("class ")]
    marked = set(line.split()[1].split(","))
    assert marked == {
        "v_imagenet_fall11",
        "v_imagenet_22k_goog",
        "v_imagenet_22k_ms",
        "v_imagenet_12k",
        "v_imagenet_21k_p_fall11",
        "v_ssb_imagenet_hard_fall11",  # 8 of its 1,000 unknown classes are sensitive person synsets
    }
    assert "unsafe" not in rd.to_mermaid(marked=()) and "unsafe" not in rd.to_dot(marked=())


def test_marked_versions_carry_a_visible_mark_in_mermaid() -> None:
    text = rd.to_mermaid("imagenet-winter21", marked=["fall11", "imagenet-a"])
    assert 'v_imagenet_fall11["imagenet-fall11<br/>21,841 classes<br/>\u26a0 unsafe classes"]' in text
    assert 'v_imagenet_winter21["imagenet-winter21<br/>19,167 classes"]' in text
    assert "classDef unsafe fill:#fde2e1,stroke:#c0392b" in text
    # imagenet-a is not in this selection: nothing to mark
    assert text.rstrip().endswith("class v_imagenet_fall11 unsafe")


def test_marked_versions_carry_a_visible_mark_in_dot() -> None:
    text = rd.to_dot("imagenet-winter21", marked={"imagenet-fall11"})
    line = next(ln for ln in text.splitlines() if ln.strip().startswith('"imagenet-fall11" ['))
    assert "\\n\u26a0 unsafe classes" in line and 'style="filled,bold"' in line and 'color="#c0392b"' in line


def test_an_unknown_marked_version_is_an_error() -> None:
    with pytest.raises(iv.UnknownVersionError, match="unknown version: 'no-such-thing'"):
        rd.to_mermaid(marked=["no-such-thing"])


# ---------------------------------------------------------------- Graphviz


@needs_dot
@pytest.mark.graphviz
@pytest.mark.parametrize(("version", "scope", "to"), SELECTIONS)
def test_dot_text_is_rendered_by_graphviz(version: str | None, scope: rd.Scope, to: str | None) -> None:
    marked = ["imagenet-fall11", "imagenet-winter21"]
    text = rd.to_dot(version, scope=scope, to=to, marked=marked)
    r = subprocess.run([DOT, "-Tsvg"], input=text, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    texts = svg_texts(r.stdout)
    ids = rd.select_versions(version, scope=scope, to=to)
    for vid in ids:
        for line in expected_lines(vid, vid in marked):
            assert line in texts, (vid, line)
    # every edge of the selection is drawn, with its label
    keep = set(ids)
    edges = [e for e in iv.Catalog.default().edges if e.parent in keep and e.child in keep]
    titles = ["".join(t.itertext()) for t in ET.fromstring(r.stdout).iter(f"{SVG}title")]
    assert sum("->" in t for t in titles) == len(edges)
    for e in edges:
        assert f"{e.parent}->{e.child}" in titles
        assert rd.edge_label(iv.Catalog.default(), e) in texts


@needs_dot
@pytest.mark.graphviz
def test_render_svg_and_png_with_graphviz(tmp_path: Path) -> None:
    svg = rd.render(tmp_path / "family.svg", engine="graphviz", marked=["imagenet-fall11"])
    texts = svg_texts(svg.read_bytes())
    assert "imagenet-fall11" in texts and "\u26a0 unsafe classes" in texts and "filter \u22122,674 classes" in texts
    png = rd.render(tmp_path / "path.png", "imagenet-a", to="imagenet-r", engine="graphviz")
    w, h = check_png(png.read_bytes())
    assert w > 100 and h > 50


@needs_dot
@pytest.mark.graphviz
def test_auto_engine_prefers_graphviz() -> None:
    svg = rd.to_svg("imagenet-a", scope="ancestors")
    assert "Generated by graphviz" in svg


def test_graphviz_failure_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    false = shutil.which("false")
    assert false is not None
    monkeypatch.setattr(rd.shutil, "which", lambda name: false)
    with pytest.raises(RenderError, match=r"graphviz `dot -Tsvg` failed with status 1"):
        rd.to_svg("imagenet-a", engine="graphviz")


def test_missing_graphviz_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rd.shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match=r"apt-get install graphviz"):
        rd.to_png(engine="graphviz")


# ---------------------------------------------------------------- matplotlib fallback


@needs_mpl
@pytest.mark.parametrize(("version", "scope", "to"), SELECTIONS)
def test_matplotlib_fallback_svg_has_every_label(version: str | None, scope: rd.Scope, to: str | None) -> None:
    marked = ["imagenet-fall11"]
    texts = svg_texts(rd.to_svg(version, scope=scope, to=to, marked=marked, engine="matplotlib"))
    for vid in rd.select_versions(version, scope=scope, to=to):
        for line in expected_lines(vid, vid in marked):
            assert line in texts, (vid, line)


@needs_mpl
def test_matplotlib_fallback_png(tmp_path: Path) -> None:
    w, h = check_png(rd.render(tmp_path / "family.png", engine="matplotlib").read_bytes())
    assert w > 300 and h > 300


@needs_mpl
def test_auto_engine_falls_back_to_matplotlib_without_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(rd.shutil, "which", lambda name: None)
    out = rd.render(tmp_path / "winter21.svg", "imagenet-winter21")
    svg = out.read_text("utf-8")
    assert "Generated by graphviz" not in svg and "Matplotlib" in svg
    assert "imagenet-21k-p-winter21" in svg_texts(svg)


def test_neither_engine_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rd.shutil, "which", lambda name: None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(RenderError, match=r"apt-get install graphviz.*uv sync --extra plot"):
        rd.to_svg()


# ---------------------------------------------------------------- files and CLI


def test_text_formats_and_bad_format(tmp_path: Path) -> None:
    assert rd.render(tmp_path / "f.mmd").read_text("utf-8") == rd.to_mermaid()
    assert rd.render(tmp_path / "f.dot", "imagenet-a").read_text("utf-8") == rd.to_dot("imagenet-a")
    assert rd.render(tmp_path / "f.txt", format="dot").read_text("utf-8") == rd.to_dot()
    with pytest.raises(RenderError, match="unknown diagram format: 'gif'"):
        rd.render(tmp_path / "f.gif")
    with pytest.raises(RenderError, match="unknown engine: 'pillow'"):
        rd.to_svg(engine="pillow")  # type: ignore[arg-type]


def test_cli_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.mmd"
    assert main(["lineage", "imagenet-a", "--ancestors", "--render", str(out), "--mark", "fall11"]) == 0
    cap = capsys.readouterr()
    assert (cap.out, cap.err) == ("", f"wrote {out}\n")  # stdout stays for data
    assert out.read_text("utf-8") == rd.to_mermaid("imagenet-a", scope="ancestors", marked=["imagenet-fall11"])
    if DOT is not None or importlib.util.find_spec("matplotlib") is not None:
        svg = tmp_path / "a.svg"
        assert main(["lineage", "imagenet-a", "--to", "imagenet-r", "--render", str(svg)]) == 0
        assert {"imagenet-a", "ilsvrc2012", "imagenet-r"} <= set(svg_texts(svg.read_bytes()))
    assert main(["lineage", "--render", str(tmp_path / "a.jpeg")]) == 2
    assert "unknown diagram format: 'jpeg'" in capsys.readouterr().err


def test_cli_lineage_text_with_marks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lineage", "imagenet-winter21", "--format", "dot", "--mark", "imagenet-fall11"]) == 0
    assert "\u26a0 unsafe classes" in capsys.readouterr().out


# ---------------------------------------------------------------- README


def test_readme_family_diagram_is_fresh() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "update_readme.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr + " (run `uv run python tools/update_readme.py`)"
    text = (ROOT / "README.md").read_text("utf-8")
    assert f"<!-- lineage:start -->\n```mermaid\n{rd.to_mermaid()}```\n<!-- lineage:end -->" in text
    # the headline numbers are computed by the library, not typed by hand
    r = iv.survivors("imagenet-12k")
    assert f"still carries {len(r):,} of the 1,593 person-subtree classes" in text


def test_update_readme_rewrites_a_stale_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- lineage:start -->\nold\n<!-- lineage:end -->\n\nrest\n", "utf-8")
    tool = [sys.executable, str(ROOT / "tools" / "update_readme.py"), "--readme", str(readme)]
    assert subprocess.run([*tool, "--check"], capture_output=True, check=False).returncode == 1
    assert subprocess.run(tool, capture_output=True, check=False).returncode == 0
    text = readme.read_text("utf-8")
    assert text.startswith("# x\n\n<!-- lineage:start -->\n```mermaid\nflowchart LR\n") and text.endswith("\n\nrest\n")
    assert subprocess.run([*tool, "--check"], capture_output=True, check=False).returncode == 0


# ---------------------------------------------------------------- issue 12: legible, escaped, non-overlapping


def test_dot_quote_escapes_backslashes_quotes_and_newlines() -> None:
    assert rd._dot_quote('a\\b "c"\nd') == '"a\\\\b \\"c\\"\\nd"'
    assert rd._dot_quote("x\\") == '"x\\\\"'  # a trailing backslash cannot swallow the closing quote
    assert rd._dot_quote("a\r\nb") == '"a\\nb"'


@needs_dot
def test_hostile_labels_survive_graphviz() -> None:
    text = "digraph g { n [label=" + rd._dot_quote('evil\\" ];\n} x') + "]; }"
    r = subprocess.run([DOT, "-Tsvg"], input=text.encode(), capture_output=True, check=False)
    assert r.returncode == 0, r.stderr
    assert 'evil\\" ];' in "".join(svg_texts(r.stdout)).replace("\u00a0", " ")


def test_mermaid_is_left_to_right_by_default_and_escapes_quotes() -> None:
    assert rd.to_mermaid().startswith("flowchart LR\n")
    assert rd.to_mermaid(direction="TD").startswith("flowchart TD\n")
    assert rd._mermaid_text('a "b" <c>') == "a #quot;b#quot; #lt;c#gt;"


@needs_mpl
@pytest.mark.parametrize(("version", "scope", "to"), SELECTIONS)
def test_matplotlib_fallback_labels_do_not_overlap(version: str | None, scope: rd.Scope, to: str | None) -> None:
    cat = iv.Catalog.default()
    ids = rd.select_versions(version, scope=scope, to=to, catalog=cat)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Annotation

    fig = rd._figure(cat, ids, set())
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # lays out the text: real extents
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    boxes = []
    for t in ax.texts:
        if isinstance(t, Annotation):  # the arrows
            continue
        patch = t.get_bbox_patch()
        box = patch.get_window_extent(renderer) if patch is not None else t.get_window_extent(renderer)
        boxes.append((t.get_text(), box))
    assert len(boxes) == len(ids) + len(rd._edges(cat, ids))
    fig_box = fig.bbox
    for text, b in boxes:
        assert (
            fig_box.x0 - 1 <= b.x0 and b.x1 <= fig_box.x1 + 1 and fig_box.y0 - 1 <= b.y0 and b.y1 <= fig_box.y1 + 1
        ), text
    for i, (t1, b1) in enumerate(boxes):
        for t2, b2 in boxes[i + 1 :]:
            assert not b1.overlaps(b2), (t1, t2)


def _mmdc() -> str | None:
    import os

    found = os.environ.get("MMDC") or shutil.which("mmdc")
    return found if found and Path(found).exists() else None


MMDC, CHROMIUM = _mmdc(), shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    MMDC is None or CHROMIUM is None,
    reason="mermaid-cli and chromium are needed: apt-get install chromium nodejs npm; "
    "PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @mermaid-js/mermaid-cli (or set MMDC); .ci/run does",
)
def test_readme_family_diagram_renders_at_most_1600_px_wide(tmp_path: Path) -> None:
    import json
    import re

    text = (ROOT / "README.md").read_text("utf-8")
    block = text.split("<!-- lineage:start -->\n```mermaid\n", 1)[1].split("```\n<!-- lineage:end -->", 1)[0]
    assert block == rd.to_mermaid()
    (tmp_path / "family.mmd").write_text(block, "utf-8")
    (tmp_path / "puppeteer.json").write_text(json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox"]}))
    r = subprocess.run(
        [
            MMDC,
            "-p",
            str(tmp_path / "puppeteer.json"),
            "-i",
            str(tmp_path / "family.mmd"),
            "-o",
            str(tmp_path / "f.svg"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    svg = (tmp_path / "f.svg").read_text("utf-8")
    m = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
    assert m is not None
    width, height = float(m.group(1)), float(m.group(2))
    assert 300 < width <= 1600, (width, height)
    # every version made it into the picture (Mermaid writes labels as HTML in foreignObject)
    for v in iv.versions():
        assert f">{v.id}<" in svg, v.id
