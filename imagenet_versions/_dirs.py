"""The user's cache and data folders, as platformdirs names them.

On Linux these follow platformdirs' own XDG rule (``$XDG_CACHE_HOME`` or
``~/.cache``, ``$XDG_DATA_HOME`` or ``~/.local/share``, each plus the app name;
a test checks they agree), so that a command which only needs to know where
its cache would be does not pay platformdirs' import (about 12 ms). Elsewhere
platformdirs itself is asked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

APP = "imagenet_versions"

#: Overrides the user data folder (where user versions live).
DATA_ENV_VAR = "IMAGENET_VERSIONS_DATA"

_XDG = {"cache": ("XDG_CACHE_HOME", "~/.cache"), "data": ("XDG_DATA_HOME", "~/.local/share")}


def user_dir(kind: Literal["cache", "data"]) -> Path:
    """platformdirs' ``user_cache_dir`` or ``user_data_dir`` for this package."""
    if sys.platform.startswith("linux"):
        var, default = _XDG[kind]
        base = os.environ.get(var, "").strip() or os.path.expanduser(default)
        return Path(base) / APP
    import platformdirs

    found = platformdirs.user_cache_dir(APP) if kind == "cache" else platformdirs.user_data_dir(APP)
    return Path(found)


def user_data_dir() -> Path:
    """The user data folder: ``$IMAGENET_VERSIONS_DATA``, else :func:`user_dir` ``("data")``."""
    env = os.environ.get(DATA_ENV_VAR)
    return Path(env) if env else user_dir("data")
