"""Bring over what the 0.1 release kept under its old name (`desktop-app`) on first start.

Models, settings, conversations, partial downloads and caches sit in the platform folders
named after the old app. Nothing a person has may be lost or downloaded again, so each old
folder is merged into the new one by renames on the same disk (instant, whatever the size):
an entry the new folder lacks moves over whole; one both have stays where it is in each (the
new one wins, the old one is left untouched and logged). A SQLite database moves together with
its -wal/-shm files or not at all, since a database without its write-ahead log loses the last
writes. Where the new folder cannot be made by a rename (another disk, no permission) and does
not exist yet, the old folder is used in place.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import fields
from pathlib import Path

from desktop_app.core.storage.paths import AppPaths

LEGACY_APP_ID = "desktop-app"
_SIDECARS = ("-wal", "-shm", "-journal")
_log = logging.getLogger("desktop_app.storage")
_notes: list[str] = []


def take_notes() -> list[str]:
    """What the migration did in this process, for a one-line notice; empties the list."""
    out = list(_notes)
    _notes.clear()
    return out


def adopt(old: AppPaths, new: AppPaths) -> AppPaths:
    """Merge each old folder into its new one; the paths to use (old ones where kept in place)."""
    chosen: dict[str, Path] = {}
    done: set[Path] = set()
    for f in fields(AppPaths):
        if not f.init:
            continue
        src, dst = getattr(old, f.name), getattr(new, f.name)
        chosen[f.name] = dst
        if src in done or src == dst or not src.is_dir() or src.is_symlink():
            continue  # macOS and Windows give config and data one folder: merged once
        done.add(src)
        try:
            moved = merge_tree(src, dst)
        except OSError as e:
            _log.warning("could not bring over %s to %s: %s", src, dst, e)
            moved = 0
        if not dst.exists():
            chosen[f.name] = src  # nothing could be renamed: use the old folder where it is
            _notes.append(f"using {src} in place (it could not be moved to {dst})")
        elif moved:
            _notes.append(f"moved {moved} item(s) from {src} to {dst}")
    return AppPaths(**chosen)


def merge_tree(src: Path, dst: Path) -> int:
    """Move what `dst` lacks from `src` into it by renames; the number of entries moved."""
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.rename(src, dst)
        _log.info("moved %s to %s", src, dst)
        return 1
    if not dst.is_dir():
        _log.warning("kept %s: %s is not a folder", src, dst)
        return 0
    moved = 0
    for entry in sorted(src.iterdir()):
        if entry.name.endswith(_SIDECARS) and _base_of(entry).exists():
            continue  # moves with its database, below
        target = dst / entry.name
        if entry.is_dir() and not entry.is_symlink() and target.is_dir():
            moved += merge_tree(entry, target)
        elif not target.exists() and not _sidecars(target):
            for side in _sidecars(entry):
                os.rename(side, dst / side.name)
            os.rename(entry, target)
            moved += 1
        else:
            _log.warning("kept %s: %s already exists", entry, target)
    with contextlib.suppress(OSError):
        src.rmdir()  # only when everything moved
    return moved


def _base_of(sidecar: Path) -> Path:
    for suffix in _SIDECARS:
        if sidecar.name.endswith(suffix):
            return sidecar.with_name(sidecar.name[: -len(suffix)])
    return sidecar


def _sidecars(path: Path) -> list[Path]:
    return [p for s in _SIDECARS if (p := path.with_name(path.name + s)).exists()]
