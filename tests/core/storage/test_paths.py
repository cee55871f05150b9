from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from desktop_app.core.storage.paths import APP_NAME, HOME_ENV, AppPaths, app_paths


def test_env_var_moves_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    p = app_paths()
    assert p.config_dir == tmp_path / "config"
    assert p.data_dir == tmp_path / "data"
    assert p.cache_dir == tmp_path / "cache"
    assert p.log_dir == tmp_path / "logs"
    assert p.models_dir == tmp_path / "data" / "models"
    assert p.conversations_db == tmp_path / "data" / "conversations.sqlite3"
    assert p.settings_file == tmp_path / "config" / "settings.json"


def test_env_var_read_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "a"))
    first = app_paths()
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "b"))
    assert app_paths() != first
    assert app_paths().config_dir == tmp_path / "b" / "config"


def test_relative_home_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(HOME_ENV, "portable")
    assert app_paths().data_dir == tmp_path / "portable" / "data"


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The platform folders inside the test's folder, so no real user's folders are touched."""
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))


def test_platformdirs_defaults_when_unset(monkeypatch: pytest.MonkeyPatch, xdg: None) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    p = app_paths()
    assert p.config_dir == platformdirs.user_config_path(APP_NAME, False)
    assert p.data_dir == platformdirs.user_data_path(APP_NAME, False)
    assert p.cache_dir == platformdirs.user_cache_path(APP_NAME, False)
    assert p.log_dir == platformdirs.user_log_path(APP_NAME, False)
    assert p.settings_file == p.config_dir / "settings.json"
    assert p.models_dir == p.data_dir / "models"


def test_empty_env_var_counts_as_unset(monkeypatch: pytest.MonkeyPatch, xdg: None) -> None:
    monkeypatch.setenv(HOME_ENV, "")
    assert app_paths().config_dir == platformdirs.user_config_path(APP_NAME, False)


def test_ensure_creates_folders(tmp_path: Path) -> None:
    p = AppPaths.under(tmp_path)
    assert p.ensure() is p
    for d in (p.config_dir, p.data_dir, p.cache_dir, p.log_dir, p.models_dir):
        assert d.is_dir()
    assert not p.settings_file.exists()
    p.ensure()  # twice is fine


def test_frozen(tmp_path: Path) -> None:
    p = AppPaths.under(tmp_path)
    with pytest.raises(AttributeError):
        p.data_dir = tmp_path  # type: ignore[misc]


def test_the_folders_carry_the_apps_name() -> None:
    assert APP_NAME == "hearth"
    assert HOME_ENV == "HEARTH_HOME"
