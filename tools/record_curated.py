"""Record the sha256 of the hand-curated shipped data files (``catalog.toml``).

Every other data file is recorded by the ``tools/`` script that builds it; this
one records the files edited by hand, so that ``imagenet_versions._data`` can
check every shipped file on first read. Run it after editing ``catalog.toml``::

    python tools/record_curated.py          # rewrite data/provenance/curated.json
    python tools/record_curated.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "imagenet_versions" / "data"
CURATED = ["catalog.toml"]
OUT = DATA / "provenance" / "curated.json"


def record() -> str:
    outputs = []
    for name in CURATED:
        data = (DATA / name).read_bytes()
        outputs.append(
            {
                "bytes": len(data),
                "path": f"imagenet_versions/data/{name}",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    doc = {
        "description": "hand-curated data files (edited by hand, each fact naming its source inside the file)",
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
        if not OUT.exists() or OUT.read_text("utf-8") != text:
            print(f"{OUT} is stale; run python tools/record_curated.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
