"""Secrets (Hub token, remote API key) never reach settings.json (issue 18)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import ClassVar

import pytest

from desktop_app.core.storage.secrets import SecretStore
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Hub, Remote

HUB = "hf_abcdefghijklmnopqrstuvwxyz0123456789"
KEY = "sk-remote-0123456789abcdef"


def test_settings_file_holds_no_secret_after_setting_both(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings.load(path)
    settings.put(Hub.token, HUB)
    settings.put(Remote.api_key, KEY)
    settings.put(Remote.base_url, "http://127.0.0.1:9/v1")
    settings.save()

    raw = path.read_text(encoding="utf-8")
    assert HUB not in raw and KEY not in raw
    assert json.loads(raw)["remote"]["base_url"] == "http://127.0.0.1:9/v1"
    # they are kept, in the fallback file here (the tests force it), readable by the user only
    secrets = tmp_path / "secrets.json"
    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    again = Settings.load(path)
    assert again.value(Hub.token) == HUB
    assert again.value(Remote.api_key) == KEY
    assert HUB not in json.dumps(again.data)


def test_a_secret_in_an_old_file_is_used_then_moved_out(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings.load(path)
    settings.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["hub"]["token"] = HUB  # as a release before the keyring wrote it
    path.write_text(json.dumps(data), encoding="utf-8")

    old = Settings.load(path)
    assert old.value(Hub.token) == HUB
    old.save()
    assert HUB not in path.read_text(encoding="utf-8")
    assert Settings.load(path).value(Hub.token) == HUB


def test_clearing_a_secret_deletes_it(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "settings.json")
    settings.put(Hub.token, HUB)
    settings.put(Hub.token, None)
    assert settings.value(Hub.token) is None
    assert HUB not in (tmp_path / "secrets.json").read_text(encoding="utf-8")


def test_where_names_the_fallback_file(tmp_path: Path) -> None:
    store = SecretStore(tmp_path / "secrets.json", backend="file")
    assert not store.in_keyring
    assert str(tmp_path / "secrets.json") in store.where()


def test_the_keyring_is_used_when_one_answers(tmp_path: Path) -> None:
    """A real keyring backend (an in-memory one, as a platform store would be) gets the value."""
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1
        kept: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.kept.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        store = SecretStore(tmp_path / "secrets.json", backend="auto")
        settings = Settings(tmp_path / "settings.json", secrets=store)
        settings.put(Remote.api_key, KEY)
        assert store.in_keyring and "Memory" in store.where()
        assert Memory.kept[("Hearth", "remote.api_key")] == KEY
        assert not (tmp_path / "secrets.json").exists()
        assert settings.value(Remote.api_key) == KEY
    finally:
        keyring.set_keyring(previous)
