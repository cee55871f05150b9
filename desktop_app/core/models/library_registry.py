"""The models used in place: a small JSON list of their paths in the data folder.

A file imported "in place" stays where it is, so the library remembers it here. The list is
written atomically; an unreadable one is reported, never overwritten (it is moved aside when a
new list is written).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from desktop_app.core.models.model_files import same_path
from desktop_app.core.storage.atomic import write_atomic

__all__ = ["REGISTRY_VERSION", "ImportRegistry"]

REGISTRY_VERSION = 1


class ImportRegistry:
    """The list at `path`; `lock` serialises read-modify-write cycles across threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()

    def add(self, path: Path) -> None:
        """Put *path* on the list unless it is there already."""
        with self.lock:
            registered, _problem = self.load()
            if not any(same_path(p, path) for p in registered):
                self.save([*registered, path])

    def load(self) -> tuple[list[Path], str]:
        """(registered paths, "" or a problem to show). An unreadable file is left untouched."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return [], ""
        except (OSError, ValueError) as e:
            return [], (
                f"The list of models used in place ({self.path}) could not be read "
                f"({e}); those models are not listed. Importing one again starts a new list "
                "(the old file is kept beside it)."
            )
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, list):
            return [], f"The list of models used in place ({self.path}) is not valid."
        out: list[Path] = []
        for item in files:
            path = item.get("path") if isinstance(item, dict) else None
            if isinstance(path, str) and path:
                out.append(Path(path))
        return out, ""

    def save(self, paths: Sequence[Path]) -> None:
        """Write the list atomically; an unreadable old file is moved aside, never overwritten."""
        target = self.path
        _, problem = self.load()
        if problem and target.exists():  # keep the unreadable file, never overwrite it
            aside = target.with_name(f"{target.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(target, aside)
        payload = {
            "version": REGISTRY_VERSION,
            "files": [{"path": str(p)} for p in paths],
        }
        write_atomic(target, (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode())

    def remove(self, path: Path) -> None:
        """Take *path* off the list (an unreadable list is left as it is)."""
        with self.lock:
            registered, problem = self.load()
            if problem:
                return
            kept = [p for p in registered if not same_path(p, path)]
            if len(kept) != len(registered):
                self.save(kept)
