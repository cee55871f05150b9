"""Where the app keeps its files.

One place decides every path so that tests and portable installs can move all of them at
once with `DESKTOP_APP_HOME`, and nothing else in the app hard-codes a folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "desktop-app"
HOME_ENV = "DESKTOP_APP_HOME"


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
        """Everything in one folder: the layout used for `DESKTOP_APP_HOME`."""
        return cls(
            config_dir=home / "config",
            data_dir=home / "data",
            cache_dir=home / "cache",
            log_dir=home / "logs",
        )

    @classmethod
    def current(cls) -> AppPaths:
        """The paths for this process, reading `DESKTOP_APP_HOME` now (not at import).

        Reading at call time lets tests set the variable with monkeypatch after import.
        """
        home = os.environ.get(HOME_ENV, "").strip()
        if home:
            # absolute(): a relative value must not change meaning if the cwd changes later.
            return cls.under(Path(home).expanduser().absolute())
        return cls(
            config_dir=platformdirs.user_config_path(APP_NAME, False),
            data_dir=platformdirs.user_data_path(APP_NAME, False),
            cache_dir=platformdirs.user_cache_path(APP_NAME, False),
            log_dir=platformdirs.user_log_path(APP_NAME, False),
        )

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


def app_paths() -> AppPaths:
    """The app's paths: under `DESKTOP_APP_HOME` if set, else the platform's usual folders."""
    return AppPaths.current()
