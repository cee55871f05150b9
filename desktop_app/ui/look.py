"""How the GUI looks and speaks: the interface language (translators) and the theme (palette).

Below the window and the panes, so the window's menu and the Models pane use it at module level;
app.py (which builds the window) re-exports these names for older importers."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.core.app_resources import resource_path
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
    """Fields (Base) lighter than the window: Fusion draws field and check-box borders a shade
    darker than the window, which vanished against fields darker than the window."""
    p = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, "#1f2023"), (roles.WindowText, "#e8eaed"), (roles.Base, "#37393e"),
        (roles.AlternateBase, "#3d3f45"), (roles.Text, "#e8eaed"), (roles.Button, "#43454b"),
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
