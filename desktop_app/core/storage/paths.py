"""Where the app keeps its files.

One place decides every path so that tests and portable installs can move all of them at
once with `HEARTH_HOME`, and nothing else in the app hard-codes a folder. The first call of
`app_paths()` in a process also brings over what the 0.1 release (named `desktop-app`) kept
in its own platform folders (see legacy.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from desktop_app import APP_ID
from desktop_app.core.environment import env_name, get_env

APP_NAME = APP_ID  # the folders' name: lower case, like the command
HOME_ENV = env_name("HOME")


@dataclass(frozen=True)
class AppPaths:
    """The app's folders and well-known files; derived paths are computed, never passed in.

    Deriving them keeps the layout consistent: a caller cannot build an `AppPaths` whose
    settings file lives outside its config folder.
    """

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path
    models_dir: Path = field(init=False)
    conversations_db: Path = field(init=False)
    settings_file: Path = field(init=False)

    def __post_init__(self) -> None:
        # Frozen dataclass: derived fields have to go through object.__setattr__.
        object.__setattr__(self, "models_dir", self.data_dir / "models")
        object.__setattr__(self, "conversations_db", self.data_dir / "conversations.sqlite3")
        object.__setattr__(self, "settings_file", self.config_dir / "settings.json")

    @classmethod
    def under(cls, home: Path) -> AppPaths:
        """Everything in one folder: the layout used for `HEARTH_HOME`."""
        return cls(
            config_dir=home / "config",
            data_dir=home / "data",
            cache_dir=home / "cache",
            log_dir=home / "logs",
        )

    @classmethod
    def platform(cls, name: str = APP_NAME) -> AppPaths:
        """The platform's usual folders for an app called `name` (platformdirs)."""
        return cls(
            config_dir=platformdirs.user_config_path(name, False),
            data_dir=platformdirs.user_data_path(name, False),
            cache_dir=platformdirs.user_cache_path(name, False),
            log_dir=platformdirs.user_log_path(name, False),
        )

    @classmethod
    def current(cls) -> AppPaths:
        """The paths for this process, reading `HEARTH_HOME` now (not at import).

        Reading at call time lets tests set the variable with monkeypatch after import.
        """
        home = (get_env("HOME") or "").strip()
        if home:
            # absolute(): a relative value must not change meaning if the cwd changes later.
            return cls.under(Path(home).expanduser().absolute())
        return cls.platform()

    def ensure(self) -> AppPaths:
        """Create the folders (not the files); returns self so it chains off `app_paths()`."""
        for folder in (
            self.config_dir,
            self.data_dir,
            self.cache_dir,
            self.log_dir,
            self.models_dir,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        return self


_migrated: dict[AppPaths, AppPaths] = {}
_migrate_lock = threading.Lock()


def app_paths() -> AppPaths:
    """The app's paths: under `HEARTH_HOME` if set, else the platform's usual folders.

    The platform folders of the 0.1 release are merged in once per process; where a folder
    could not be moved (another disk, no permission) the old one is used in place.
    """
    paths = AppPaths.current()
    if (get_env("HOME") or "").strip():
        return paths
    from desktop_app.core.storage import legacy  # here: legacy.py builds on AppPaths

    with _migrate_lock:
        if paths not in _migrated:
            _migrated[paths] = legacy.adopt(AppPaths.platform(legacy.LEGACY_APP_ID), paths)
        return _migrated[paths]
