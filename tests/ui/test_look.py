"""The window's look: fields and check boxes stay visible in the dark theme; a minimum size."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QLineEdit, QStyle, QStyleOptionButton
from pytestqt.qtbot import QtBot

from desktop_app.core.storage.settings import Settings
from desktop_app.ui.look import apply_theme


def _lightness(color: QColor) -> int:
    return color.lightness()


def test_unchecked_boxes_and_fields_stand_out_in_the_dark_theme(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.set("theme", "dark")
    apply_theme(settings)
    try:
        box = QCheckBox("Unchecked")
        field = QLineEdit()
        for widget in (box, field):
            qtbot.addWidget(widget)
            widget.resize(200, 30)
            widget.show()
        option = QStyleOptionButton()
        option.initFrom(box)
        inside = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        image = box.grab().toImage()
        window = _lightness(image.pixelColor(box.width() - 2, box.height() // 2))
        indicator = _lightness(image.pixelColor(inside.center()))
        assert abs(indicator - window) >= 20, (indicator, window)  # was 9: nearly invisible
        image = field.grab().toImage()
        base = _lightness(image.pixelColor(field.width() // 2, field.height() // 2))
        assert abs(base - window) >= 20, (base, window)
    finally:
        settings.set("theme", "light")
        apply_theme(settings)


def test_the_window_has_a_minimum_size(qtbot: QtBot, tmp_path: Path) -> None:
    """At 400x300 controls overlapped: the window does not shrink below 800x600."""
    from desktop_app.core.storage.conversations import ConversationStore
    from desktop_app.core.storage.paths import AppPaths
    from desktop_app.ui.main_window import MainWindow

    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.show()
    window.resize(400, 300)
    qtbot.waitUntil(lambda: window.width() >= 800, timeout=5000)
    assert (window.width(), window.height()) == (800, 600)
    assert window.minimumSizeHint().width() <= 800  # the layout itself fits at 800x600
    window.close()
