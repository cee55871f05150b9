"""Start the GUI: application object, language, theme, the window; the model loads afterwards."""

from __future__ import annotations

import sys
import time
from pathlib import Path

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

__all__ = ["apply_language", "apply_theme", "create_app", "run_gui", "ui_language"]


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


def run_gui(model: Path | None, settings: Settings) -> int:
    from desktop_app.ui.main_window import MainWindow

    app = create_app()
    apply_language(settings)
    apply_theme(settings)
    # follow the system's light/dark switch while running, when the setting says "system"
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(settings))
    paths = app_paths().ensure()
    store = ConversationStore(paths.conversations_db)
    window = MainWindow(paths, settings, store)
    windows = [window]

    def swap() -> None:  # a language change rebuilds the window around the same engine
        windows[0] = windows[0].hand_over()
        windows[0].language_changed.connect(swap)

    window.language_changed.connect(swap)
    window.show()
    if get_env("QUIT_AFTER_SHOW"):
        # for start-up measurements and smoke tests: the first event after the window is shown
        def ready() -> None:
            print("READY", time.time(), flush=True)
            window.close()

        QTimer.singleShot(0, ready)
        return int(app.exec())
    target = str(model) if model else window.model_bar.current_path()
    if target:
        # after the window is on screen: the load never delays the first paint
        QTimer.singleShot(
            0, lambda: window.use_model_file(target) if model else window.load_model(target)
        )
    return int(app.exec())
