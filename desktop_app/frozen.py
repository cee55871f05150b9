"""Facts about a standalone build (PyInstaller): its folder, its build info, its embedded model.

Why one module: the self-test, the bundle's entry script and anything else that must behave
differently in a bundle ask here, instead of each probing `sys.frozen` and `sys._MEIPASS`. The
answers that need no model (is_frozen, bundle_dir, build_info) live in core/bundle.py, where the
core can ask them too. Qt-free, and harmless in a source install (every answer is "not a bundle").
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from desktop_app.core.bundle import BUILD_INFO_FILE, build_info, bundle_dir, is_frozen
from desktop_app.core.models.starter import STARTER_FILE

EMBEDDED_MODELS_DIR = "models"  # where --offline-model puts the starter model


def embedded_starter() -> Path | None:
    """The starter model shipped inside an offline bundle, if this is one."""
    root = bundle_dir()
    if root is None:
        return None
    path = root / EMBEDDED_MODELS_DIR / STARTER_FILE
    return path if path.is_file() else None


def provide_embedded_starter(models_dir: Path) -> Path | None:
    """Put an offline bundle's starter model into the models folder, where "starter" finds it.

    A hard link when the install and the models folder share a file system (no extra space),
    else a copy, written under a temporary name and renamed so that no half file is ever seen.
    Returns the model's path in the models folder, or None when the bundle embeds none.
    """
    source = embedded_starter()
    if source is None:
        return None
    target = models_dir / STARTER_FILE
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = models_dir / f".{STARTER_FILE}.{os.getpid()}.part"
    try:
        try:
            os.link(source, partial)
        except OSError:
            shutil.copyfile(source, partial)
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target


__all__ = [
    "BUILD_INFO_FILE",
    "EMBEDDED_MODELS_DIR",
    "build_info",
    "bundle_dir",
    "embedded_starter",
    "is_frozen",
    "provide_embedded_starter",
]
