from __future__ import annotations

import json
import subprocess
import sys


def test_import_is_light() -> None:
    code = (
        "import sys, json, imagenet_versions as iv; "
        "iv.get('in1k'); iv.diff('imagenet-a', 'imagenet-r'); "
        "print(json.dumps(sorted(m for m in ('nltk', 'requests', 'numpy', 'matplotlib') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_public_names_are_exported() -> None:
    import imagenet_versions as iv

    for name in iv.__all__:
        assert hasattr(iv, name), name
    assert iv.Error.__module__ == "imagenet_versions"
