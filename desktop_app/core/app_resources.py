"""The app's data files (catalog, icons, translations, desktop entry), found one way everywhere.

They live in the top-level resources/ folder, which the build installs as the package
`desktop_app.resources` (pyproject.toml: package-dir). importlib.resources then finds it in an
editable install (setuptools maps the name to ./resources), an installed wheel
(site-packages/desktop_app/resources) and the PyInstaller bundle (packaging/hearth.spec puts it
at the same place), so no code works out a path from `__file__`.

Qt loads icons and translations from real files, and every layout above keeps the files on
disk, so this hands out `Path`s; a zip import (never used by this app) is refused clearly.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = "desktop_app.resources"


class ResourcesMissingError(RuntimeError):
    """The installation lacks its data files: a broken or partial install."""


def resource_root() -> Path:
    """The folder with the app's data files."""
    try:
        root = resources.files(PACKAGE)
    except ModuleNotFoundError as e:
        raise ResourcesMissingError(
            f"This installation has no data files ({PACKAGE} is missing): reinstall the app."
        ) from e
    path = Path(str(root))
    if not path.is_dir():
        raise ResourcesMissingError(f"The app's data files are not in a folder on disk ({root}).")
    return path


def resource_path(*parts: str) -> Path:
    """A file or folder inside resources/, e.g. resource_path("icons", "hearth.svg")."""
    return resource_root().joinpath(*parts)
