"""Write the reference site (``imagenet_versions.site.build``) next to the HTML docs,
at ``<html output>/site/``, so that the docs' link to ``site/index.html`` works in
the published docs.

Set ``-D imagenet_versions_site=0`` to skip it (the test suite does: it builds and
browses the site in tests/test_site.py instead of building it twice).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _build_site(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not int(app.config.imagenet_versions_site):
        return
    from sphinx.util import logging

    from imagenet_versions import site

    report = site.build(Path(app.outdir) / "site")
    logging.getLogger(__name__).info(
        f"imagenet_versions: wrote the reference site, {report.files:,} files, to {report.out}"
    )


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("imagenet_versions_site", 1, "html")
    app.connect("build-finished", _build_site)
    return {"parallel_read_safe": True}
