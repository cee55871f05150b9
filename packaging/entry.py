"""The standalone app's entry point (PyInstaller's script): the `hearth` command, frozen.

Three things only a bundle needs, before the CLI runs:
- multiprocessing.freeze_support(): the engine runs in a spawned child process, and in a frozen
  app that child is this same executable, started with multiprocessing's arguments;
- a windowed executable (Windows, macOS .app) may have no stdout/stderr: printing must not fail;
- an offline build's embedded starter model is put into the models folder (a hard link when
  possible), so "starter" and the model picker find it like a fetched one.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def _streams() -> None:
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the app)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _embedded_starter() -> None:
    try:
        from desktop_app.core.storage.paths import app_paths
        from desktop_app.frozen import provide_embedded_starter

        provide_embedded_starter(app_paths().models_dir)
    except OSError as exc:  # a read-only or full disk must not stop the app
        print(f"warning: could not provide the embedded starter model: {exc}", file=sys.stderr)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    _streams()
    _embedded_starter()
    from desktop_app.cli import main

    sys.exit(main())
