"""The settings file: one JSON object with a `schema_version`, migrated forward, saved atomically.

Rules, each there to protect the user's file:

* An older file is copied to `settings.json.v<N>.bak` before it is migrated, so a bad
  migration can be undone by hand.
* A newer file (written by a later release) is never rewritten: this version could not
  round-trip keys it does not understand, and the user may go back to the newer release.
* A corrupt file is moved aside, not overwritten, and the app starts from defaults.
* Unknown keys are kept, so a downgrade followed by a save does not drop newer settings.
* Saves go to a temp file in the same folder, are fsynced, then `os.replace`d over the
  target, so a crash or full disk never leaves a half-written settings file.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from desktop_app.core.errors import SettingsError

CURRENT_VERSION = 2
VERSION_KEY = "schema_version"

_log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
Migration = Callable[[JsonDict], JsonDict]

DEFAULTS: JsonDict = {
    VERSION_KEY: CURRENT_VERSION,
    "default_model": None,
    "language": "system",
    "theme": "system",
    "offline": False,
    "load": {
        "n_ctx": 4096,
        "n_gpu_layers": "auto",  # a count, "all", or "auto" (as many as fit in free VRAM)
        "n_threads": None,  # None: let llama.cpp pick from the physical core count
        "n_batch": 512,
        "flash_attn": "auto",  # "auto" | "on" | "off"
        "kv_type": "f16",
        "use_mmap": True,
        "use_mlock": False,
    },
    "sampling": {
        "temperature": 0.8,
        "top_p": 0.95,
        "top_k": 40,
        "min_p": 0.05,
        "repeat_penalty": 1.1,
        "max_tokens": 1024,
    },
    "models": {
        "extra_dirs": [],  # more folders to scan for .gguf files
    },
    "hub": {
        "endpoint": "https://huggingface.co",  # or a mirror, e.g. https://hf-mirror.com
        "token": None,  # for gated repos
    },
    "remote": {  # an OpenAI-compatible server to run on instead of this computer
        "base_url": "",  # e.g. http://192.168.1.20:8080/v1
        "api_key": None,
        "model": "",  # empty: the server's first model
        "n_ctx": None,  # None: ask the server
    },
    "summarize": {
        "style": "bullets",
        "target_words": None,
        "language": "same",
        "instruction": "",
    },
    "sentiment": {
        "labels": ["positive", "negative", "neutral"],
        "examples": [],  # [[text, label], ...] few-shot examples
        "calibrate": True,
        "reason": False,
    },
}

LANGUAGES = ("system", "en", "zh_CN")
THEMES = ("system", "light", "dark")
KV_TYPES = ("f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1")

_INT = (int,)
_NUM = (int, float)
_BOOL = (bool,)
_STR = (str,)
_NONE = (type(None),)

# dotted key -> (accepted types, allowed values or None). Only known keys are checked;
# anything else in the file is carried along untouched.
_SCHEMA: dict[str, tuple[tuple[type, ...], tuple[object, ...] | None]] = {
    "default_model": (_STR + _NONE, None),
    "language": (_STR, LANGUAGES),
    "theme": (_STR, THEMES),
    "offline": (_BOOL, None),
    "load.n_ctx": (_INT, None),
    "load.n_gpu_layers": (_INT + _STR, None),
    "load.n_threads": (_INT + _NONE, None),
    "load.n_batch": (_INT, None),
    "load.flash_attn": (_STR, ("auto", "on", "off")),
    "load.kv_type": (_STR, KV_TYPES),
    "load.use_mmap": (_BOOL, None),
    "load.use_mlock": (_BOOL, None),
    "sampling.temperature": (_NUM, None),
    "sampling.top_p": (_NUM, None),
    "sampling.top_k": (_INT, None),
    "sampling.min_p": (_NUM, None),
    "sampling.repeat_penalty": (_NUM, None),
    "sampling.max_tokens": (_INT, None),
    "models.extra_dirs": ((list,), None),
    "hub.endpoint": (_STR, None),
    "hub.token": (_STR + _NONE, None),
    "remote.base_url": (_STR, None),
    "remote.api_key": (_STR + _NONE, None),
    "remote.model": (_STR, None),
    "remote.n_ctx": (_INT + _NONE, None),
    "summarize.style": (_STR, ("tldr", "bullets", "paragraph", "outline")),
    "summarize.target_words": (_INT + _NONE, None),
    "summarize.language": (_STR, ("same", "en", "zh")),
    "summarize.instruction": (_STR, None),
    "sentiment.labels": ((list,), None),
    "sentiment.examples": ((list,), None),
    "sentiment.calibrate": (_BOOL, None),
    "sentiment.reason": (_BOOL, None),
}
_SECTIONS = ("load", "sampling", "models", "hub", "remote", "summarize", "sentiment")


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


class _Corrupt(Exception):
    """Internal: the file cannot be used as settings and should be moved aside."""


class Settings:
    """The app's settings, backed by one JSON file.

    `warnings` collects what went wrong at load (file moved aside, invalid values reset) so
    the UI can tell the user instead of failing silently. `read_only` is set when the file is
    from a newer release: the object still answers `get`, but `save()` refuses.
    """

    def __init__(
        self,
        path: Path,
        data: Mapping[str, Any] | None = None,
        *,
        warnings: list[str] | None = None,
        read_only_reason: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.warnings: list[str] = list(warnings or [])
        self._read_only_reason = read_only_reason
        self._lock = threading.RLock()
        fixed, problems = _normalize(copy.deepcopy(dict(data)) if data is not None else {})
        self.warnings.extend(problems)
        for message in self.warnings:
            _log.warning("%s", message)
        self._data: JsonDict = fixed

    # ----------------------------------------------------------------- loading

    @classmethod
    def load(cls, path: Path, *, allow_newer: bool = False) -> Settings:
        """Read `path`; a missing file gives defaults and nothing is written until `save()`.

        A file from a newer release raises SettingsError, or with `allow_newer=True` gives a
        read-only Settings on defaults (for an app that should still start). The file is never
        modified in that case.
        """
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise SettingsError(f"Could not read {path}: {exc}", details=repr(exc)) from exc

        try:
            data, version = _parse(raw)
        except _Corrupt as why:
            moved = _move_aside(path)
            return cls(
                path,
                warnings=[
                    f"{path.name} could not be read ({why}); it was moved to {moved.name} "
                    "and the default settings are used."
                ],
            )

        if version > CURRENT_VERSION:
            message = newer_version_message(path, version)
            if not allow_newer:
                raise SettingsError(message)
            return cls(path, warnings=[message], read_only_reason=message)

        if version < CURRENT_VERSION:
            backup = path.with_name(f"{path.name}.v{version}.bak")
            try:
                _atomic_write(backup, raw)
            except OSError as exc:
                raise SettingsError(
                    f"Could not back up {path.name} before upgrading it: {exc}",
                    details=repr(exc),
                ) from exc
            try:
                data = _migrate(data, version)
            except Exception as exc:  # a migration choking on odd data: same as corrupt
                moved = _move_aside(path)
                return cls(
                    path,
                    warnings=[
                        f"{path.name} (schema {version}) could not be upgraded ({exc!r}); "
                        f"it was moved to {moved.name} (a copy is in {backup.name}) and "
                        "the default settings are used."
                    ],
                )
            _log.info(
                "%s upgraded from schema %d to %d; old file kept as %s",
                path,
                version,
                CURRENT_VERSION,
                backup.name,
            )
        return cls(path, data)

    # ------------------------------------------------------------------ access

    @property
    def read_only(self) -> bool:
        return self._read_only_reason is not None

    @property
    def data(self) -> JsonDict:
        """A deep copy, so callers cannot change settings behind `set()`'s checks."""
        with self._lock:
            return copy.deepcopy(self._data)

    def get(self, key: str, default: Any = None) -> Any:
        """Value at a dotted key such as `"load.n_ctx"`; `default` if absent."""
        with self._lock:
            node: Any = self._data
            for part in key.split("."):
                if not isinstance(node, dict) or part not in node:
                    return default
                node = node[part]
            return copy.deepcopy(node)

    def set(self, key: str, value: Any) -> None:
        """Set a dotted key; known keys are type-checked so a bad value never reaches disk.

        Setting a whole section (`"load"`) replaces it; its missing known keys get defaults.
        """
        if key == VERSION_KEY:
            raise SettingsError(f"{VERSION_KEY} is managed by the settings store")
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"Setting {key} to {value!r}: not storable as JSON") from exc
        parts = key.split(".")
        if not all(parts):
            raise SettingsError(f"Invalid settings key {key!r}")
        with self._lock:
            candidate = copy.deepcopy(self._data)
            node = candidate
            for i, part in enumerate(parts[:-1]):
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    where = ".".join(parts[: i + 1])
                    raise SettingsError(f"Cannot set {key}: {where} is not a section")
                node = child
            node[parts[-1]] = copy.deepcopy(value)
            fixed, problems = _normalize(candidate)
            if problems:
                raise SettingsError(problems[0])
            self._data = fixed

    def save(self) -> None:
        """Write atomically; on failure the previous file is untouched and no temp file is left."""
        if self._read_only_reason is not None:
            raise SettingsError(self._read_only_reason)
        with self._lock:
            payload = json.dumps(self._data, indent=2, ensure_ascii=False, allow_nan=False)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(self.path, (payload + "\n").encode("utf-8"))
            except OSError as exc:
                raise SettingsError(
                    f"Could not save settings to {self.path}: {exc}", details=repr(exc)
                ) from exc


# ---------------------------------------------------------------------- helpers


def _parse(raw: bytes) -> tuple[JsonDict, int]:
    try:
        text = raw.decode("utf-8-sig")  # tolerate a BOM added by Windows editors
    except UnicodeDecodeError as exc:
        raise _Corrupt("not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _Corrupt("invalid JSON") from exc
    if not isinstance(data, dict):
        raise _Corrupt(f"expected a JSON object, found {type(data).__name__}")
    # Files from before schema_version existed are treated as schema 1.
    version = data.get(VERSION_KEY, 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Corrupt(f"invalid {VERSION_KEY} {version!r}")
    return data, version


def _migrate(data: JsonDict, version: int) -> JsonDict:
    while version < CURRENT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise SettingsError(f"No migration from settings schema {version}")
        data = step(copy.deepcopy(data))
        version += 1
        data[VERSION_KEY] = version
    return data


def _valid(value: Any, types: tuple[type, ...], choices: tuple[object, ...] | None) -> bool:
    # bool is an int subclass; `True` must not pass as a context size.
    if isinstance(value, bool) and bool not in types:
        return False
    if not isinstance(value, types):
        return False
    return choices is None or value in choices


def _normalize(data: JsonDict) -> tuple[JsonDict, list[str]]:
    """Fill missing known keys from DEFAULTS and reset invalid ones; unknown keys stay.

    Returns the fixed dict and one message per reset value.
    """
    problems: list[str] = []
    out: JsonDict = copy.deepcopy(DEFAULTS)
    for key, value in data.items():
        if key in _SECTIONS:
            if isinstance(value, dict):
                out[key].update(value)
            else:
                problems.append(f"Setting {key} must be an object, not {value!r}; reset.")
        else:
            out[key] = value
    out[VERSION_KEY] = CURRENT_VERSION
    for dotted, (types, choices) in _SCHEMA.items():
        section, _, name = dotted.rpartition(".")
        holder = out[section] if section else out
        if not _valid(holder[name], types, choices):
            default = DEFAULTS[section][name] if section else DEFAULTS[name]
            problems.append(
                f"Setting {dotted} has an invalid value {holder[name]!r}; "
                f"using the default {default!r}."
            )
            holder[name] = copy.deepcopy(default)
    return out, problems


def _move_aside(path: Path) -> Path:
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


def _atomic_write(path: Path, payload: bytes) -> None:
    """Temp file in the same folder, fsync, `os.replace`: readers see old or new, never half."""
    tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed and cleaned up by hand below
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with tmp:
            tmp.write(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        _replace(tmp.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp.name)
        raise
    _fsync_dir(path.parent)


def _replace(src: str, dst: Path) -> None:
    # On Windows a virus scanner or indexer briefly holding the target makes os.replace fail
    # with PermissionError; a few short retries get past it.
    attempts = 5 if sys.platform == "win32" else 1
    for attempt in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself (POSIX); best effort, the data is already safe in the file."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
