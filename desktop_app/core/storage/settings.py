"""The app's settings: one JSON object with a `schema_version`, migrated forward, saved atomically.

What each key means, its type and default: `settings_schema.py` (the one table). Reading,
migrating and writing the file: `settings_store.py`. This module is the object the app holds.

* A newer file (written by a later release) is never rewritten: this version could not
  round-trip keys it does not understand, and the user may go back to the newer release.
* Unknown keys are kept, so a downgrade followed by a save does not drop newer settings.
* An invalid known value is reset to its default at load, with a warning; the file on disk
  keeps it until the next save.
* Secrets (the Hub token, the remote API key: `Setting.secret`) are never written to the file:
  `get`/`set` reach the keyring or its 0600 fallback file (`secrets.py`) at once, and a secret
  found in an older file is moved there on the next save.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

from desktop_app.core.errors import SettingsError
from desktop_app.core.storage.secrets import SecretStore
from desktop_app.core.storage.settings_schema import (
    CURRENT_VERSION,
    DEFAULTS,
    LANGUAGES,
    SCHEMA,
    SECRET_KEYS,
    THEMES,
    VERSION_KEY,
    Setting,
    normalize,
)
from desktop_app.core.storage.settings_store import (
    MIGRATIONS,
    Corrupt,
    atomic_write,
    encode,
    migrate,
    move_aside,
    newer_version_message,
    parse,
)

_log = logging.getLogger(__name__)

JsonDict = dict[str, Any]
T = TypeVar("T")


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
        secrets: SecretStore | None = None,
    ) -> None:
        self.path = Path(path)
        self.secrets = secrets or SecretStore(self.path.with_name("secrets.json"))
        self.warnings: list[str] = list(warnings or [])
        self._read_only_reason = read_only_reason
        self._lock = threading.RLock()
        fixed, problems = normalize(copy.deepcopy(dict(data)) if data is not None else {})
        self.warnings.extend(problems)
        for message in self.warnings:
            _log.warning("%s", message)
        # a secret in the file (written before secrets moved out): used, and moved at save
        self._legacy_secrets: dict[str, str] = {}
        for key in SECRET_KEYS:
            section, _, name = key.rpartition(".")
            holder = fixed.get(section) if section else fixed
            if isinstance(holder, dict) and holder.get(name):
                self._legacy_secrets[key] = holder[name]
                holder[name] = None
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
            data, version = parse(raw)
        except Corrupt as why:
            moved = move_aside(path)
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
                atomic_write(backup, raw)
            except OSError as exc:
                raise SettingsError(
                    f"Could not back up {path.name} before upgrading it: {exc}",
                    details=repr(exc),
                ) from exc
            try:
                data = migrate(data, version)
            except Exception as exc:  # a migration choking on odd data: same as corrupt
                moved = move_aside(path)
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
        if key in SECRET_KEYS:
            with self._lock:
                if key in self._legacy_secrets:
                    return self._legacy_secrets[key]
            found = self.secrets.get(key)
            return found if found is not None else default
        with self._lock:
            node: Any = self._data
            for part in key.split("."):
                if not isinstance(node, dict) or part not in node:
                    return default
                node = node[part]
            return copy.deepcopy(node)

    def value(self, setting: Setting[T]) -> T:
        """The typed way to read: `settings.value(Load.n_ctx)` is an int, valid, never absent.

        Valid because every known key is checked when it is loaded and when it is set.
        """
        return cast(T, self.get(setting.key, setting.default))

    def put(self, setting: Setting[T], value: T) -> None:
        """The typed way to write (checked like `set`; raises SettingsError if invalid)."""
        self.set(setting.key, value)

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
        if key in SECRET_KEYS:
            if value is not None and not isinstance(value, str):
                raise SettingsError(f"Setting {key} to {value!r}: a secret is text")
            with self._lock:
                self.secrets.set(key, value or None)
                self._legacy_secrets.pop(key, None)
            return
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
            fixed, problems = normalize(candidate)
            if problems:
                raise SettingsError(problems[0])
            self._data = fixed

    def save(self) -> None:
        """Write atomically; on failure the previous file is untouched and no temp file is left."""
        if self._read_only_reason is not None:
            raise SettingsError(self._read_only_reason)
        with self._lock:
            for key, secret in list(self._legacy_secrets.items()):
                self.secrets.set(key, secret)  # raises when it cannot be kept: file untouched
                del self._legacy_secrets[key]
            payload = encode(self._data)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(self.path, payload)
            except OSError as exc:
                raise SettingsError(
                    f"Could not save settings to {self.path}: {exc}", details=repr(exc)
                ) from exc


__all__ = [
    "CURRENT_VERSION",
    "DEFAULTS",
    "LANGUAGES",
    "MIGRATIONS",
    "SCHEMA",
    "THEMES",
    "VERSION_KEY",
    "Setting",
    "Settings",
    "SettingsError",
    "newer_version_message",
]
