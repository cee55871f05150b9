"""Facts about a standalone build (PyInstaller): is this one, its folder, its build info.

Why in the core: the package-index lookup (core/models/package_index.py) reads the index recorded
at build time, and the core never imports the app's top-level modules. `desktop_app.frozen`
re-exports these and adds the embedded starter model. Harmless in a source install (every answer
is "not a bundle").
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

BUILD_INFO_FILE = "build_info.json"  # written by packaging/build.py at the bundle's root


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path | None:
    """The folder with the bundle's files (PyInstaller's _MEIPASS); None in a source install."""
    if not is_frozen():
        return None
    return Path(getattr(sys, "_MEIPASS", os.path.dirname(sys.executable)))


def build_info() -> dict[str, Any]:
    """What packaging/build.py recorded (variant, llama.cpp flags, versions); {} if nothing."""
    root = bundle_dir()
    if root is None:
        return {}
    try:
        data = json.loads((root / BUILD_INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
