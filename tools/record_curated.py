"""Record the sha256 of the hand-curated shipped data files (``catalog.toml``).

Every other data file is recorded by the ``tools/`` script that builds it; this
one records the files edited by hand (and writes ``catalog.json``, the curated
``catalog.toml`` parsed, which the package reads at run time), so that ``imagenet_versions._data`` can
check every shipped file on first read. Run it after editing ``catalog.toml``::

    python tools/record_curated.py          # rewrite data/provenance/curated.json
    python tools/record_curated.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "imagenet_versions" / "data"
CURATED = ["catalog.toml"]
OUT = DATA / "provenance" / "curated.json"


JSON_OUT = DATA / "catalog.json"


def catalog_json() -> str:
    """``catalog.toml`` parsed, as the JSON the package reads at run time."""
    doc = tomllib.loads((DATA / "catalog.toml").read_text("utf-8"))
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _entry(name: str, data: bytes) -> dict[str, object]:
    return {"bytes": len(data), "path": f"imagenet_versions/data/{name}", "sha256": hashlib.sha256(data).hexdigest()}


def record() -> str:
    outputs = [_entry(name, (DATA / name).read_bytes()) for name in CURATED]
    outputs.append(_entry(JSON_OUT.name, catalog_json().encode("utf-8")))
    doc = {
        "description": (
            "hand-curated data files (edited by hand, each fact naming its source inside the file), "
            "and catalog.json, catalog.toml parsed for the run time"
        ),
        "inputs": [],
        "outputs": outputs,
        "tool": "tools/record_curated.py",
    }
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the record is stale")
    args = ap.parse_args(argv)
    text = record()
    if args.check:
        for path, want in ((OUT, text), (JSON_OUT, catalog_json())):
            if not path.exists() or path.read_text("utf-8") != want:
                print(f"{path} is stale; run python tools/record_curated.py", file=sys.stderr)
                return 1
        return 0
    JSON_OUT.write_text(catalog_json(), "utf-8")
    OUT.write_text(text, "utf-8")
    print(f"wrote {JSON_OUT} and {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
