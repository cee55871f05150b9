"""A language switch, then a theme switch, with work on screen: nothing a person did is lost.

Both switches rebuild the window (MainWindow.hand_over); the panes are views over core
controllers, so the new window's panes show the old controllers' state. Driven as a person
would: the navigation list, the Summarize pane's file and button, the Sentiment pane's batch
file and Run, Preferences' combo boxes and OK. Offscreen, on the real starter model.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.controllers.tokenizer import ENGLISH
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.dialogs import PreferencesDialog
from desktop_app.ui.main_window import MainWindow

LOAD_TIMEOUT = 120_000
RUN_TIMEOUT = 240_000  # against hangs only: the runs take seconds
DOCUMENT = (
    "The city council voted on Tuesday to build a new bridge over the river. The bridge will "
    "cost 12 million euros and should open in 2027. Supporters say it will cut commuting times "
    "by twenty minutes; opponents worry about the noise and the loss of a small park."
)
REVIEWS = ("Lovely staff and a great room.", "The food was cold and bland.", "Terrible service.")
CHAT, SUMMARIZE, SENTIMENT = 0, 1, 2


@pytest.fixture
def window(qtbot: QtBot, starter_model: Path) -> Iterator[MainWindow]:
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("load.n_ctx", 2048)
    settings.set("load.n_threads", 2)
    settings.set("language", "en")
    settings.set("theme", "light")
    settings.save()
    w = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.service.loaded, timeout=LOAD_TIMEOUT):
        w.load_model(str(starter_model))
    yield w
    w.close()


def click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled() and widget.isVisible()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def go_to(qtbot: QtBot, window: MainWindow, row: int) -> None:
    nav = window.nav
    rect = nav.visualItemRect(nav.item(row))
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.stack.currentIndex() == row


def choose(qtbot: QtBot, combo: QComboBox, key: str) -> None:
    combo.setFocus()
    index = combo.findData(key)
    assert index >= 0
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up)


def switch(qtbot: QtBot, window: MainWindow, *, language: str = "", theme: str = "") -> MainWindow:
    """Preferences → a new language or theme → OK; returns the rebuilt window."""
    window.open_preferences()
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None and dialog.isVisible()
    if language:
        choose(qtbot, dialog.language, language)
    if theme:
        choose(qtbot, dialog.theme, theme)
    swapped: list[MainWindow] = []
    window.language_changed.connect(lambda: swapped.append(window.hand_over()))
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert swapped, "OK with a new language or theme rebuilds the window"
    qtbot.addWidget(swapped[0])
    return swapped[0]


def on_screen(window: MainWindow, summary: str, results: Sequence[object]) -> None:
    """The document, its summary, the batch's rows and chart are all shown in `window`."""
    pane = window.summarize
    assert pane.input.toPlainText() == DOCUMENT
    assert pane.summary_text() == summary
    assert summary.split()[0].strip("*#-") in pane.output.toPlainText()
    batch = window.sentiment.batch
    assert window.sentiment.tabs.currentWidget() is batch
    assert batch.model.rowCount() == 30 and batch.model.results() == list(results)
    assert sum(batch.chart.counts().values()) == 30


def test_language_then_theme_keep_the_summary_and_the_batch(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "bridge.txt"
    source.write_text(DOCUMENT, encoding="utf-8")
    rows = tmp_path / "thirty.csv"
    with rows.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text"], *([i, REVIEWS[i % 3]] for i in range(30))])

    go_to(qtbot, window, SUMMARIZE)
    pane = window.summarize
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        click(qtbot, pane.open_button)
    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        click(qtbot, pane.summarize_button)
    summary = done.args[0].summary
    assert summary
    assert window.speed.text().startswith("Summary in ")  # this pane's own figure

    go_to(qtbot, window, SENTIMENT)
    assert window.speed.text() == ""  # the summary's figure stays with its pane
    tabs = window.sentiment.tabs
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())  # "Batch file"
    batch = window.sentiment.batch
    assert tabs.currentWidget() is batch
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(rows), ""))
    with qtbot.waitSignal(batch.table_loaded, timeout=30_000):
        click(qtbot, batch.open_button)
    with qtbot.waitSignal(batch.batch_finished, timeout=RUN_TIMEOUT):
        click(qtbot, batch.run_button)
    results = batch.model.results()
    assert len(results) == 30 and all(r is not None and r.ok for r in results)
    assert "30 texts in" in window.speed.text() and "texts/s" in window.speed.text()
    on_screen(window, summary, results)
    go_to(qtbot, window, CHAT)
    assert window.speed.text() == ""  # no answer in this chat yet: no speed
    assert window.context_meter.isVisible()
    go_to(qtbot, window, SENTIMENT)

    typed = window.models.tokenizer_view.sides[ENGLISH].editor
    typed.selectAll()
    qtbot.keyClicks(typed, "Typed just before the switch")  # its timer has not fired yet

    chinese = switch(qtbot, window, language="zh_CN")
    try:
        kept = chinese.models.tokenizer_view.sides[ENGLISH].editor.toPlainText()
        assert kept == "Typed just before the switch"  # the Tokenizer tab's text, as typed
        assert chinese.nav.item(SENTIMENT).text() == "情感分析"
        assert chinese.stack.currentIndex() == SENTIMENT  # the person stays on their pane
        assert chinese.summarize.controller is pane.controller
        on_screen(chinese, summary, results)
        assert "30 条文本" in chinese.speed.text()  # the batch's figure, in the new language
        go_to(qtbot, chinese, SUMMARIZE)
        assert chinese.speed.text().startswith("摘要用时")

        dark = switch(qtbot, chinese, theme="dark")
        assert dark.settings.get("theme") == "dark"
        assert dark.stack.currentIndex() == SUMMARIZE
        assert dark.palette().window().color().lightness() < 100  # the dark palette is on
        on_screen(dark, summary, results)
        assert dark.speed.text().startswith("摘要用时")
        go_to(qtbot, dark, SENTIMENT)
        assert "30 条文本" in dark.speed.text()
        dark.close()
    finally:
        from desktop_app.ui.app import apply_language, apply_theme

        window.settings.set("language", "en")
        window.settings.set("theme", "light")
        window.settings.save()
        apply_language(window.settings)
        apply_theme(window.settings)
        chinese.close()
