"""Where the Hub token and the remote server's API key live: the OS keyring, else a 0600 file.

A token in settings.json travels with every copy, backup and bug report of that file, so secrets
never go there. The `keyring` package reaches the platform's own store (Secret Service on Linux,
Keychain on macOS, Windows Credential Locker). Where none answers (a headless Linux box without
a Secret Service, a sandbox), the secrets go to `secrets.json` beside the settings, readable by
the user only; the UI names that file, so the user knows where the token is.

`HEARTH_SECRET_STORE=file` forces the file (tests use it, so they never touch a real keyring);
`=keyring` insists on the keyring. keyring is imported on first use, not at start: talking to
D-Bus can take a while, and most runs never read a secret.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from desktop_app.core.errors import SettingsError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.storage.atomic import write_atomic

__all__ = ["SERVICE", "SecretStore"]

SERVICE = "Hearth"
_log = logging.getLogger(__name__)
_UNSET = object()


class SecretStore:
    """Secrets by name ("hub.token"), in the keyring when one works, else in a 0600 file."""

    def __init__(self, fallback: Path, *, backend: str | None = None) -> None:
        self.fallback = Path(fallback)
        self._backend = backend or os.environ.get("HEARTH_SECRET_STORE", "auto")
        self._keyring: Any = _UNSET
        self._lock = threading.RLock()

    # ------------------------------------------------------------- where

    def _ring(self) -> Any:
        """The keyring module when it has a real backend, else None (decided once)."""
        if self._keyring is _UNSET:
            self._keyring = None if self._backend == "file" else _usable_keyring()
            if self._keyring is None and self._backend == "keyring":
                raise SettingsError("No system keyring is available for the secrets.")
        return self._keyring

    @property
    def in_keyring(self) -> bool:
        return self._ring() is not None

    def where(self) -> str:
        """Where secrets are kept, in words for the settings dialogs."""
        ring = self._ring()
        if ring is not None:
            name = type(ring.get_keyring()).__name__
            return QT_TRANSLATE_NOOP("Secrets", "Kept in the system keyring ({name}).").format(
                name=name
            )
        return QT_TRANSLATE_NOOP(
            "Secrets", "No system keyring found: kept in {path}, readable only by you."
        ).format(path=self.fallback)

    # ------------------------------------------------------------- access

    def get(self, name: str) -> str | None:
        with self._lock:
            ring = self._ring()
            if ring is not None:
                try:
                    value = ring.get_password(SERVICE, name)
                except Exception as exc:  # a locked or broken keyring: say so, don't crash
                    _log.warning("keyring read of %s failed: %s", name, type(exc).__name__)
                    return None
                return value if isinstance(value, str) else None
            value = self._read_file().get(name)
            return value if isinstance(value, str) else None

    def set(self, name: str, value: str | None) -> None:
        """Store `value` (None or "" deletes it). Raises SettingsError when it cannot be kept."""
        with self._lock:
            ring = self._ring()
            if ring is not None:
                try:
                    if value:
                        ring.set_password(SERVICE, name, value)
                    else:
                        with contextlib.suppress(ring.errors.PasswordDeleteError):
                            ring.delete_password(SERVICE, name)
                except Exception as exc:
                    raise SettingsError(
                        QT_TRANSLATE_NOOP(
                            "Secrets", "The system keyring refused to keep the secret: {reason}"
                        ).format(reason=type(exc).__name__),
                        details=repr(exc),
                    ) from exc
                return
            data = self._read_file()
            if value:
                data[name] = value
            else:
                data.pop(name, None)
            self._write_file(data)

    # ------------------------------------------------------------- the file

    def _read_file(self) -> dict[str, Any]:
        try:
            data = json.loads(self.fallback.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            _log.warning("%s unreadable (%s); no secrets read", self.fallback, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def _write_file(self, data: dict[str, Any]) -> None:
        if not data and not self.fallback.exists():
            return
        payload = (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.fallback.parent.mkdir(parents=True, exist_ok=True)
            if not self.fallback.exists():
                # create it 0600 first: the atomic writer keeps an existing file's mode
                fd = os.open(self.fallback, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.close(fd)
            os.chmod(self.fallback, 0o600)
            write_atomic(self.fallback, payload)
        except OSError as exc:
            raise SettingsError(
                QT_TRANSLATE_NOOP(
                    "Secrets", "Could not save the secret to {path}: {reason}"
                ).format(path=self.fallback, reason=exc.strerror or exc),
                details=repr(exc),
            ) from exc


def _usable_keyring() -> Any:
    """keyring, if its chosen backend is a real one (not the fail/null backend)."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # not installed, or a broken entry point
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    if type(backend).__name__ == "ChainerBackend" and not getattr(backend, "backends", None):
        return None
    return keyring
