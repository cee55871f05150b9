from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.errors import SettingsError
from desktop_app.core.storage import settings_store as settings_mod
from desktop_app.core.storage.settings import CURRENT_VERSION, DEFAULTS, MIGRATIONS, Settings


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def _others(folder: Path, name: str = "settings.json") -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != name)


def test_missing_file_gives_defaults_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    s = Settings.load(path)
    assert s.data == DEFAULTS
    assert s.warnings == []
    assert not s.read_only
    assert s.get("load.n_ctx") == 4096
    assert s.get("sampling.temperature") == 0.8
    assert s.get("theme") == "system"
    assert s.get("nope.deeper", "fallback") == "fallback"
    assert not path.parent.exists()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    s = Settings.load(path)
    s.set("load.n_ctx", 8192)
    s.set("sampling.temperature", 0.2)
    s.set("default_model", "qwen2.5-1.5b-instruct-q4_k_m.gguf")
    s.set("language", "zh_CN")
    s.set("offline", True)
    s.save()
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["schema_version"] == CURRENT_VERSION
    again = Settings.load(path)
    assert again.data == s.data
    assert again.get("load.n_ctx") == 8192
    assert again.get("language") == "zh_CN"
    assert again.warnings == []
    assert _others(path.parent) == []


def test_data_and_get_are_copies(tmp_path: Path) -> None:
    s = Settings.load(tmp_path / "settings.json")
    s.data["load"]["n_ctx"] = 1
    s.get("load")["n_ctx"] = 1
    assert s.get("load.n_ctx") == 4096


def test_set_rejects_bad_values(tmp_path: Path) -> None:
    s = Settings.load(tmp_path / "settings.json")
    for key, value in [
        ("load.n_ctx", "big"),
        ("load.n_ctx", True),
        ("theme", "purple"),
        ("language", "fr"),
        ("load", 3),
        ("load.n_ctx.sub", 1),
        ("schema_version", 3),
        ("sampling.temperature", float("nan")),
        ("extra", object()),
    ]:
        with pytest.raises(SettingsError):
            s.set(key, value)
    assert s.data == DEFAULTS
    s.set("load.n_threads", 6)
    s.set("load.n_threads", None)
    s.set("sampling.temperature", 1)  # an int is a fine temperature


def test_migration_v1_to_v2_writes_backup(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    v1 = {
        "schema_version": 1,
        "n_gpu_layers": 20,
        "n_ctx": 2048,
        "threads": 4,
        "temperature": 0.5,
        "model": "llama.gguf",
        "dark_mode": True,
        "window_geometry": [1, 2, 3, 4],
    }
    _write(path, v1)
    original = path.read_bytes()

    s = Settings.load(path)
    assert (tmp_path / "settings.json.v1.bak").read_bytes() == original
    assert path.read_bytes() == original  # nothing rewritten until save()
    assert s.get("schema_version") == 2
    assert s.get("load.n_gpu_layers") == 20
    assert s.get("load.n_ctx") == 2048
    assert s.get("load.n_threads") == 4
    assert s.get("load.n_batch") == 512
    assert s.get("sampling.temperature") == 0.5
    assert s.get("default_model") == "llama.gguf"
    assert s.get("theme") == "dark"
    assert s.get("window_geometry") == [1, 2, 3, 4]
    for flat in ("n_gpu_layers", "n_ctx", "threads", "temperature", "model", "dark_mode"):
        assert s.get(flat) is None

    s.save()
    assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 2
    assert Settings.load(path).data == s.data


def test_file_without_version_is_v1(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _write(path, {"n_ctx": 1024})
    s = Settings.load(path)
    assert s.get("load.n_ctx") == 1024
    assert (tmp_path / "settings.json.v1.bak").exists()


def test_migrations_cover_every_old_version() -> None:
    assert sorted(MIGRATIONS) == list(range(1, CURRENT_VERSION))


def test_newer_version_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"schema_version": 7,  "future": {"x": 1}}', encoding="utf-8")
    original = path.read_bytes()
    mtime = path.stat().st_mtime_ns

    with pytest.raises(SettingsError) as err:
        Settings.load(path)
    msg = str(err.value)
    assert "newer version (schema 7)" in msg
    assert "understands up to 2" in msg
    assert "left untouched" in msg

    s = Settings.load(path, allow_newer=True)
    assert s.read_only
    assert s.warnings == [msg]
    assert s.get("load.n_ctx") == 4096
    s.set("theme", "dark")  # in memory only, for this session
    with pytest.raises(SettingsError, match="newer version"):
        s.save()

    assert path.read_bytes() == original
    assert path.stat().st_mtime_ns == mtime
    assert _others(tmp_path) == []


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"",
        b"[1, 2, 3]",
        b"\xff\xfe\x00\x01garbage",
        b'{"schema_version": "two"}',
        b'{"schema_version": 0}',
    ],
)
def test_corrupt_file_moved_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    s = Settings.load(path)
    assert s.data == DEFAULTS
    assert not s.read_only
    assert len(s.warnings) == 1
    assert not path.exists()
    aside = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    assert aside[0].name in s.warnings[0]

    s.save()
    assert json.loads(path.read_text(encoding="utf-8")) == DEFAULTS


def test_corrupt_twice_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"first")
    Settings.load(path)
    path.write_bytes(b"second")
    Settings.load(path)
    aside = sorted(p.read_bytes() for p in tmp_path.glob("settings.json.corrupt-*"))
    assert aside == [b"first", b"second"]


def test_invalid_known_values_reset_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _write(path, {"schema_version": 2, "theme": "neon", "load": {"n_ctx": "x", "custom": 1}})
    s = Settings.load(path)
    assert s.get("theme") == "system"
    assert s.get("load.n_ctx") == 4096
    assert s.get("load.custom") == 1
    assert len(s.warnings) == 2
    assert path.exists()


def test_unknown_keys_preserved(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    _write(
        path,
        {
            "schema_version": 2,
            "plugin": {"enabled": True, "list": [1, "two"]},
            "load": {"n_ctx": 2048, "rope_freq_base": 10000.0},
            "sampling": {"mirostat": 2},
        },
    )
    s = Settings.load(path)
    s.set("theme", "light")
    s.set("brand_new.nested.key", "v")
    s.save()
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["plugin"] == {"enabled": True, "list": [1, "two"]}
    assert on_disk["load"]["rope_freq_base"] == 10000.0
    assert on_disk["load"]["n_ctx"] == 2048
    assert on_disk["sampling"]["mirostat"] == 2
    assert on_disk["brand_new"] == {"nested": {"key": "v"}}
    assert on_disk["theme"] == "light"


@pytest.mark.parametrize("target", ["replace", "fsync"])
def test_failed_save_keeps_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    path = tmp_path / "settings.json"
    s = Settings.load(path)
    s.set("theme", "dark")
    s.save()
    before = path.read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    s.set("theme", "light")
    monkeypatch.setattr(settings_mod.os, target, boom)
    with pytest.raises(SettingsError, match="No space left"):
        s.save()
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert _others(tmp_path) == []
    s.save()  # works again once the disk is fine
    assert Settings.load(path).get("theme") == "light"


def test_interrupted_save_removes_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    s = Settings.load(path)
    s.save()
    before = path.read_bytes()

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(settings_mod.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        s.save()
    assert path.read_bytes() == before
    assert _others(tmp_path) == []


def test_save_replaces_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append((os.path.dirname(os.fspath(src)), os.fspath(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(settings_mod.os, "replace", spy)
    Settings.load(path).save()
    assert seen == [(str(tmp_path), str(path))]


def test_unreadable_path_raises(tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        Settings.load(tmp_path)  # a folder, not a file
