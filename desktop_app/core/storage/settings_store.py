"""The settings file on disk: parsing, migrations, moving a bad file aside, atomic writes.

Rules, each there to protect the user's file:

* An older file is copied to `settings.json.v<N>.bak` before it is migrated, so a bad
  migration can be undone by hand.
* A corrupt file is moved aside, not overwritten, and the app starts from defaults.
* Saves go to a temp file in the same folder, are fsynced, then `os.replace`d over the
  target, so a crash or full disk never leaves a half-written settings file.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.errors import SettingsError
from desktop_app.core.storage.atomic import write_atomic
from desktop_app.core.storage.settings_schema import CURRENT_VERSION, VERSION_KEY

JsonDict = dict[str, Any]
Migration = Callable[[JsonDict], JsonDict]


class Corrupt(Exception):
    """The file cannot be used as settings and should be moved aside."""


def _migrate_v1_to_v2(data: JsonDict) -> JsonDict:
    """v1 kept load and sampling options flat at the top level; v2 groups them in sections.

    v1 also named the model `model` and had a `dark_mode` flag instead of a theme.
    """
    out = dict(data)
    load = dict(out["load"]) if isinstance(out.get("load"), dict) else {}
    sampling = dict(out["sampling"]) if isinstance(out.get("sampling"), dict) else {}
    renames = (("n_ctx", "n_ctx"), ("n_gpu_layers", "n_gpu_layers"), ("threads", "n_threads"))
    for old, new in renames:
        if old in out:
            load.setdefault(new, out.pop(old))
    for key in ("temperature", "top_p", "max_tokens"):
        if key in out:
            sampling.setdefault(key, out.pop(key))
    if "model" in out:
        out.setdefault("default_model", out.pop("model"))
    if "dark_mode" in out:
        dark = out.pop("dark_mode")
        if isinstance(dark, bool):
            out.setdefault("theme", "dark" if dark else "light")
    out["load"] = load
    out["sampling"] = sampling
    return out


# version N -> function turning a version-N dict into a version-(N+1) dict.
MIGRATIONS: dict[int, Migration] = {1: _migrate_v1_to_v2}


def newer_version_message(path: Path, version: int) -> str:
    return (
        f"{path.name} was written by a newer version (schema {version}); this version "
        f"understands up to {CURRENT_VERSION}. The file is left untouched."
    )


def parse(raw: bytes) -> tuple[JsonDict, int]:
    """The file's object and its schema version; Corrupt when it is not a settings file."""
    try:
        text = raw.decode("utf-8-sig")  # tolerate a BOM added by Windows editors
    except UnicodeDecodeError as exc:
        raise Corrupt("not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise Corrupt("invalid JSON") from exc
    if not isinstance(data, dict):
        raise Corrupt(f"expected a JSON object, found {type(data).__name__}")
    # Files from before schema_version existed are treated as schema 1.
    version = data.get(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise Corrupt(f"invalid {VERSION_KEY} {version!r}")
    return data, version


def migrate(data: JsonDict, version: int) -> JsonDict:
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise SettingsError(f"No migration from settings schema {version}")
        data = step(copy.deepcopy(data))
        version += 1
        data[VERSION_KEY] = version
    return data


def encode(data: JsonDict) -> bytes:
    payload = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    return (payload + "\n").encode("utf-8")


def move_aside(path: Path) -> Path:
    """Rename a bad file to `<name>.corrupt-<timestamp>` so the user's data is not lost."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    try:
        os.replace(path, target)
    except OSError as exc:
        raise SettingsError(
            f"{path.name} is unreadable and could not be moved aside: {exc}", details=repr(exc)
        ) from exc
    return target


def atomic_write(path: Path, payload: bytes) -> None:
    """The app's one atomic writer (storage/atomic.py): old or new, never half; a read-only
    settings file is refused rather than silently replaced."""
    write_atomic(path, payload)
