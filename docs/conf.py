"""Sphinx configuration. The catalog reference, provenance page and CLI reference are
generated from the library itself at build time (see _ext/generate.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

import imagenet_versions  # noqa: E402

project = "imagenet_versions"
author = "imagenet_versions developers"
release = imagenet_versions.__version__
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinxcontrib.mermaid",
    "generate",
    "site_build",
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 3
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "README.md", "_inventories", "_generated/_static"]
html_theme = "furo"
html_title = "imagenet_versions"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True  # "Attributes:" as fields, not a second description of each attribute
nitpicky = True  # `sphinx-build -n`: every reference must resolve
suppress_warnings = ["myst.xref_missing"]

# ---------------------------------------------------------------- intersphinx, offline
# Python and attrs: inventories shipped in _inventories/ (see its SOURCES.md); numpy and
# networkx have no inventory reachable without their web sites, so their two types
# are named, not linked.
INV = HERE / "_inventories"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", str(INV / "python-3.11.inv")),
    "attrs": ("https://www.attrs.org/en/stable/", str(INV / "attrs-22.2.0.inv")),
}
if os.environ.get("IMAGENET_VERSIONS_DOCS_ONLINE"):
    intersphinx_mapping |= {
        "python": ("https://docs.python.org/3/", None),
        "attrs": ("https://www.attrs.org/en/stable/", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "networkx": ("https://networkx.org/documentation/stable/", None),
    }
nitpick_ignore = [
    ("py:class", "numpy.ndarray"),
    ("py:class", "np.ndarray"),
    ("py:class", "networkx.DiGraph"),
    ("py:class", "nx.DiGraph"),
    # string annotations autodoc cannot import (``from __future__ import annotations``)
    ("py:class", "Path"),
    ("py:class", "Version"),
    ("py:class", "Derivation"),
    # Manifest's docstring names three attributes in one "Attributes:" entry
    ("py:class", "hashed_codes / hashed_blob /"),
    # the type variables of imagenet_versions._types.frozen_mapping
    ("py:class", "imagenet_versions._types.K"),
    ("py:class", "imagenet_versions._types.V"),
    ("py:class", "K"),
    ("py:class", "V"),
    ("py:obj", "imagenet_versions._types.K"),
    ("py:obj", "imagenet_versions._types.V"),
    # private records named in signatures of the manifests subpackage
    ("py:class", "imagenet_versions.manifests._report.Findings"),
]
# Mapping's own docstrings, inherited by imagenet_versions._types.FrozenDict
nitpick_ignore_regex = [("py:class", r"D\[k\] if k in D.*")]


def _no_type_from_colon(app: object, what: str, name: str, obj: object, options: object, lines: list[str]) -> None:
    """Napoleon reads ``#: Text: more`` above a module constant as ``type: description``;
    make that first colon a dash, so the sentence stays a sentence, not an unresolvable type."""
    if what in ("data", "attribute") and lines and ": " in lines[0] and not lines[0].startswith(":"):
        head, tail = lines[0].split(": ", 1)
        lines[0] = f"{head} \u2014 {tail}"


def setup(app: object) -> None:
    app.connect("autodoc-process-docstring", _no_type_from_colon, priority=400)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- notebooks
# The notebooks under ../notebooks are executed when the docs are built, and shown
# with their outputs (myst-nb); they are copied in, never edited here.
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
NOTEBOOKS = HERE / "_generated" / "notebooks"
NOTEBOOKS.mkdir(parents=True, exist_ok=True)
for nb in sorted((HERE.parent / "notebooks").glob("*.ipynb")):
    target = NOTEBOOKS / nb.name
    if not target.exists() or target.read_bytes() != nb.read_bytes():
        shutil.copyfile(nb, target)

# ---------------------------------------------------------------- Mermaid, offline
# Mermaid runs from a local copy of its ESM build (npm package `mermaid`, which
# @mermaid-js/mermaid-cli installs), never from a CDN. Where none is found the
# diagrams stay as their text.
STATIC = HERE / "_generated" / "_static"


def _mermaid_dist() -> Path | None:
    cands = [os.environ.get("MERMAID_DIST", "")]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    cands.append(str(cache / "imagenet_versions-ci" / "npm" / "node_modules" / "mermaid" / "dist"))
    try:
        root = subprocess.run(["npm", "root", "-g"], capture_output=True, text=True, timeout=30, check=False).stdout
        cands += [f"{root.strip()}/mermaid/dist", f"{root.strip()}/@mermaid-js/mermaid-cli/node_modules/mermaid/dist"]
    except (OSError, subprocess.SubprocessError):
        pass
    for c in cands:
        if c and (Path(c) / "mermaid.esm.min.mjs").is_file():
            return Path(c)
    return None


_dist = _mermaid_dist()
if _dist is not None and not (STATIC / "mermaid" / "mermaid.esm.min.mjs").is_file():
    (STATIC / "mermaid").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_dist / "mermaid.esm.min.mjs", STATIC / "mermaid" / "mermaid.esm.min.mjs")
    shutil.copytree(_dist / "chunks" / "mermaid.esm.min", STATIC / "mermaid" / "chunks" / "mermaid.esm.min")
STATIC.mkdir(parents=True, exist_ok=True)
html_static_path = [str(STATIC)]
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"
mermaid_d3_zoom = False
