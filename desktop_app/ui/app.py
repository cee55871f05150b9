"""Start the GUI: application object, language, theme, the window; the model loads afterwards."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app import APP_NAME, __version__
from desktop_app.core.app_resources import resource_path
from desktop_app.core.environment import get_env
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Top

_translators: list[QTranslator] = []


def ui_language(settings: Settings) -> str:
    chosen = settings.value(Top.language)
    if chosen != "system":
        return chosen
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def apply_language(settings: Settings) -> str:
    app = QApplication.instance()
    assert app is not None
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    lang = ui_language(settings)
    if lang != "en":
        ours = str(resource_path("translations"))
        qts = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"hearth_{lang}", ours), (f"qtbase_{lang}", qts)):
            t = QTranslator()
            if t.load(name, folder):
                app.installTranslator(t)
                _translators.append(t)
    return lang


def apply_theme(settings: Settings) -> None:
    """Fusion everywhere (consistent look); dark or light from the setting or the system."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    choice = settings.value(Top.theme)
    if choice == "system":
        dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    else:
        dark = choice == "dark"
    app.setProperty("hearth_dark", dark)
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())


def _dark_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, "#202124"), (roles.WindowText, "#e8eaed"), (roles.Base, "#17181a"),
        (roles.AlternateBase, "#26272a"), (roles.Text, "#e8eaed"), (roles.Button, "#2b2c2f"),
        (roles.ButtonText, "#e8eaed"), (roles.Highlight, "#3d6fd6"), (roles.HighlightedText, "#ffffff"),
        (roles.ToolTipBase, "#2b2c2f"), (roles.ToolTipText, "#e8eaed"), (roles.Link, "#8ab4f8"),
        (roles.PlaceholderText, "#9aa0a6"),
    ):  # fmt: skip
        p.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#6b6f75"))  # greyed out, as in the light theme
    p.setColor(disabled, roles.Button, QColor("#242528"))
    return p


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
