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


def test_a_category_question_imports_only_what_it_needs(tmp_path) -> None:
    """Without user versions, a diff does not load the user-version, download or image
    modules, nor the standard library's file-copying ones (CLI start-up cost)."""
    code = (
        "import sys, json, imagenet_versions as iv; "
        "iv.diff('imagenet-fall11', 'imagenet-winter21'); "
        "print(json.dumps(sorted(m for m in ('imagenet_versions.manifests._user', 'imagenet_versions._fetch', "
        "'imagenet_versions.models', 'imagenet_versions.citation', 'platformdirs', 'importlib.resources', "
        "'shutil', 'tempfile') if m in sys.modules)))"
    )
    env = {"IMAGENET_VERSIONS_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert json.loads(out) == []


def test_public_names_are_exported() -> None:
    import imagenet_versions as iv

    for name in iv.__all__:
        assert hasattr(iv, name), name
    assert iv.Error.__module__ == "imagenet_versions"


def test_lazy_names_are_declared_for_type_checkers() -> None:
    """Every name ``imagenet_versions`` imports on first use (``_LAZY``) is imported under
    ``TYPE_CHECKING`` from the same module, so type checkers see its real type."""
    import ast
    from pathlib import Path

    import imagenet_versions as iv

    tree = ast.parse(Path(iv.__file__).read_text(encoding="utf-8"))
    declared: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module
                declared.update({a.name: imp.module.removeprefix("imagenet_versions.") for a in imp.names})
    assert declared == iv._LAZY
