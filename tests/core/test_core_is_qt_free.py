"""The core never imports Qt: the CLI and the server run without it, and the GUI stays a layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6"):
            raise ImportError(f"core imported {name}")
        return None

sys.meta_path.insert(0, BlockQt())
import desktop_app.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "desktop_app.core.")]
for name in names:
    importlib.import_module(name)
import desktop_app.cli  # the CLI's own imports are Qt-free too (the GUI loads lazily)
print(len(names))
"""


def test_core_imports_without_qt() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 10


def test_probe_catches_a_qt_import(tmp_path: Path) -> None:
    """The check itself must fail when a core module imports Qt."""
    pkg = tmp_path / "desktop_app" / "core"
    pkg.mkdir(parents=True)
    (tmp_path / "desktop_app" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "bad.py").write_text("import PySide6.QtCore\n")
    probe = PROBE.replace(
        "import desktop_app.cli  # the CLI's own imports are Qt-free too (the GUI loads lazily)\n",
        "",
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode != 0
    assert "core imported PySide6" in done.stderr


def test_import_linter_contract() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "core never imports Qt KEPT" in done.stdout
