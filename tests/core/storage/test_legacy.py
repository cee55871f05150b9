"""The 0.1 release's folders (named `desktop-app`) are brought over on first start: nothing lost."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.core.storage import legacy
from desktop_app.core.storage.paths import AppPaths, app_paths


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Platform folders inside the test's folder (platformdirs reads XDG_* on Linux)."""
    if sys.platform != "linux":
        pytest.skip("the XDG variables move platformdirs' folders on Linux only")
    root = tmp_path / "xdg"
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "share"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):  # fmt: skip
        monkeypatch.setenv(var, str(root / sub))
    monkeypatch.delenv("HEARTH_HOME", raising=False)
    monkeypatch.delenv("DESKTOP_APP_HOME", raising=False)
    return root


def _tiny_model(tmp: Path) -> bytes:
    """A real (tiny) GGUF file, so the library lists it as a model, not as a broken file."""
    from gguf_factory import write_tiny_llama

    tmp.mkdir(parents=True, exist_ok=True)
    return write_tiny_llama(tmp / "tiny.gguf").read_bytes()


def _populate_old(old: AppPaths, tmp: Path) -> dict[str, bytes]:
    """What a 0.1 user has: settings, a model, a paused download, conversations, cache, logs."""
    files = {
        "config/settings.json": json.dumps({"version": 1, "language": "zh_CN"}).encode(),
        "models/mine.gguf": _tiny_model(tmp),
        "models/.downloads/0123abcd/job.json": b'{"version": 1}',
        "models/.downloads/0123abcd/files/big.gguf.part": os.urandom(8192),
        "cache/header-cache.json": b"{}",
        "logs/desktop-app.log": b"an old log line\n",
    }
    where = {"config": old.config_dir, "models": old.models_dir, "cache": old.cache_dir,
             "logs": old.log_dir}  # fmt: skip
    for rel, data in files.items():
        top, rest = rel.split("/", 1)
        path = where[top] / rest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    old.data_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(old.conversations_db)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # the last message stays in the -wal file
    db.execute("CREATE TABLE messages (text TEXT)")
    db.execute("INSERT INTO messages VALUES ('你好，世界')")
    db.commit()
    assert Path(str(old.conversations_db) + "-wal").stat().st_size > 0
    # copy the files as they are now: a copy of a live WAL database is what a crash leaves
    snapshot = {p: p.read_bytes() for p in old.data_dir.glob("conversations.sqlite3*")}
    db.close()
    for p, data in snapshot.items():
        p.write_bytes(data)
    return files


def _contents(paths: AppPaths, rel: str) -> bytes:
    top, rest = rel.split("/", 1)
    base = {"config": paths.config_dir, "models": paths.models_dir, "cache": paths.cache_dir,
            "logs": paths.log_dir}[top]  # fmt: skip
    return (base / rest).read_bytes()


def test_first_start_moves_everything_from_the_old_folders(xdg: Path) -> None:
    old = AppPaths.platform(legacy.LEGACY_APP_ID)
    files = _populate_old(old, xdg)
    paths = app_paths()
    assert paths == AppPaths.platform()  # the new folders, under the new name
    assert "hearth" in str(paths.data_dir) and "desktop-app" not in str(paths.data_dir)
    for rel, data in files.items():
        assert _contents(paths, rel) == data, rel
    db = sqlite3.connect(paths.conversations_db)
    assert db.execute("SELECT text FROM messages").fetchall() == [("你好，世界",)]
    db.close()
    for folder in (old.config_dir, old.data_dir, old.cache_dir, old.log_dir):
        assert not folder.exists(), folder  # moved, not copied: no second copy of the models
    assert any("moved" in n for n in legacy.take_notes())


def test_a_new_folder_that_exists_already_is_merged_and_wins(xdg: Path) -> None:
    old = AppPaths.platform(legacy.LEGACY_APP_ID)
    files = _populate_old(old, xdg)
    new = AppPaths.platform().ensure()
    new.settings_file.write_text('{"version": 1, "language": "en"}', encoding="utf-8")
    new_db = sqlite3.connect(new.conversations_db)
    new_db.execute("CREATE TABLE messages (text TEXT)")
    new_db.close()
    (new.models_dir / "other.gguf").write_bytes(b"GGUF new")
    paths = app_paths()
    assert paths == new
    assert json.loads(new.settings_file.read_text())["language"] == "en"  # the newer one stays
    assert (old.settings_file).read_bytes() == files["config/settings.json"]  # and the old one
    assert _contents(paths, "models/mine.gguf") == files["models/mine.gguf"]
    assert (new.models_dir / "other.gguf").read_bytes() == b"GGUF new"
    assert (
        _contents(paths, "models/.downloads/0123abcd/files/big.gguf.part")
        == files["models/.downloads/0123abcd/files/big.gguf.part"]
    )
    # the old database stays whole beside its -wal: moving one without the other loses writes
    assert old.conversations_db.is_file()
    assert Path(str(old.conversations_db) + "-wal").is_file()
    assert not Path(str(new.conversations_db) + "-wal").exists()


def test_merge_moves_a_database_with_its_wal_or_not_at_all(tmp_path: Path) -> None:
    src, dst = tmp_path / "old", tmp_path / "new"
    src.mkdir()
    dst.mkdir()
    (src / "c.sqlite3").write_bytes(b"db")
    (src / "c.sqlite3-wal").write_bytes(b"wal")
    (dst / "c.sqlite3-wal").write_bytes(b"someone else's wal")
    assert legacy.merge_tree(src, dst) == 0
    assert (src / "c.sqlite3").is_file() and (src / "c.sqlite3-wal").read_bytes() == b"wal"
    (dst / "c.sqlite3-wal").unlink()
    assert legacy.merge_tree(src, dst) == 1
    assert (dst / "c.sqlite3").read_bytes() == b"db"
    assert (dst / "c.sqlite3-wal").read_bytes() == b"wal"
    assert not src.exists()


def test_the_command_finds_an_old_users_model_and_says_what_it_moved(xdg: Path) -> None:
    """End to end, as a 0.1 user upgrading: `hearth models list` shows the model from before."""
    old = AppPaths.platform(legacy.LEGACY_APP_ID)
    _populate_old(old, xdg)
    env = {k: v for k, v in os.environ.items() if k not in ("HEARTH_HOME", "DESKTOP_APP_HOME")}
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "models", "list", "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "the app's 0.1 folders" in done.stderr and "moved" in done.stderr
    names = [m["name"] for m in json.loads(done.stdout)["models"]] if done.stdout.strip() else []
    assert any("mine" in n for n in names), done.stdout
    assert (AppPaths.platform().models_dir / "mine.gguf").is_file()


def test_the_old_home_variable_still_works_and_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HEARTH_HOME", raising=False)
    env = {**os.environ, "DESKTOP_APP_HOME": str(tmp_path / "portable")}
    env.pop("HEARTH_HOME", None)
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "models", "list"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "DESKTOP_APP_HOME is deprecated" in done.stderr and "HEARTH_HOME" in done.stderr
    assert (tmp_path / "portable" / "config").is_dir()
