"""The one atomic writer: old or new, never half, and never over a read-only file (issue 18)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from desktop_app.core.errors import SettingsError
from desktop_app.core.storage.atomic import READ_ONLY, write_atomic
from desktop_app.core.storage.settings import Settings


def test_a_read_only_target_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(PermissionError) as caught:
        write_atomic(target, b"new")
    assert caught.value.strerror == READ_ONLY and caught.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["summary.md"]  # no temp file left


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "results.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_folder_in_the_way_is_named(tmp_path: Path) -> None:
    (tmp_path / "out.md").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path / "out.md", b"x")


def test_a_read_only_settings_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(path)
    settings.set("theme", "dark")
    settings.save()
    before = path.read_bytes()
    os.chmod(path, 0o444)
    settings.set("theme", "light")
    with pytest.raises(SettingsError, match="read-only"):
        settings.save()
    assert path.read_bytes() == before
