"""Start the GUI: application object, language, theme, the window; the model loads afterwards.

`hearth --model starter` without the starter model opens the window at once and fetches it there
(the welcome page shows the download, with Cancel), rather than before the window, in silence.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from desktop_app import APP_NAME, __version__
from desktop_app.core.app_resources import resource_path
from desktop_app.core.environment import get_env
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.look import apply_language, apply_theme, ui_language

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

__all__ = ["apply_language", "apply_theme", "create_app", "open_window", "run_gui", "ui_language"]


def create_app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    icon = resource_path("icons", "hearth.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run_gui(model: Path | None, settings: Settings, *, fetch_starter: bool = False) -> int:
    app = create_app()
    apply_language(settings)
    apply_theme(settings)
    # follow the system's light/dark switch while running, when the setting says "system"
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(settings))
    windows = open_window(model, settings, fetch_starter=fetch_starter, start=False)
    window = windows[0]
    if get_env("QUIT_AFTER_SHOW"):
        # for start-up measurements and smoke tests: the first event after the window is shown
        def ready() -> None:
            print("READY", time.time(), flush=True)
            window.close()

        QTimer.singleShot(0, ready)
        return int(app.exec())
    start_work(window, model, fetch_starter=fetch_starter)
    return int(app.exec())


def open_window(
    model: Path | None, settings: Settings, *, fetch_starter: bool = False, start: bool = True
) -> list[MainWindow]:
    """Show the window; with `start`, then load `model` (or the default) or fetch the starter
    model, after the first paint. Returns the holder of the current window: a language change
    replaces it."""
    from desktop_app.ui.main_window import MainWindow

    paths = app_paths().ensure()
    store = ConversationStore(paths.conversations_db)
    window = MainWindow(paths, settings, store)
    windows = [window]

    def swap() -> None:  # a language change rebuilds the window around the same engine
        windows[0] = windows[0].hand_over()
        windows[0].language_changed.connect(swap)

    window.language_changed.connect(swap)
    window.show()
    if start:
        start_work(window, model, fetch_starter=fetch_starter)
    return windows


def start_work(window: MainWindow, model: Path | None, *, fetch_starter: bool = False) -> None:
    """After the window is on screen (the first paint never waits): fetch the starter model in
    it (progress, size, Cancel), or load the model given, or the default one."""
    if fetch_starter:
        QTimer.singleShot(0, window.fetch_starter)
        return
    target = str(model) if model else window.model_bar.current_path()
    if target:
        QTimer.singleShot(
            0, lambda: window.use_model_file(target) if model else window.load_model(target)
        )
