"""The Chat pane's per-conversation state, driven as a person would on the real starter model:
the context meter and speed of the chat on screen, titles that follow an edit, the Rename
dialog, long titles in the sidebar, presets recognised, and the pane at 800x600."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loaded_window import cid, make_window
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.controllers.chat import prompt_messages
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.ui.chat.list_model import ID_ROLE
from desktop_app.ui.dialogs import ConversationSettingsDialog, RenameDialog
from desktop_app.ui.main_window import MainWindow

ANSWER_TIMEOUT = 120_000


@pytest.fixture
def window(qtbot: QtBot, starter_model: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, starter_model)
    yield w
    w.close()


def send(qtbot: QtBot, window: MainWindow, text: str, max_tokens: int = 8) -> None:
    chat = window.chat
    assert chat.conversation is not None
    chat.controller.update_settings(sampling={"seed": 5, "max_tokens": max_tokens})
    chat.input.setPlainText(text)
    with qtbot.waitSignal(chat.answer_ended, timeout=ANSWER_TIMEOUT):
        qtbot.keyClick(chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def real_use(window: MainWindow, conversation_id: int) -> int:
    """What the conversation's rendered prompt takes, counted by the loaded model."""
    messages = prompt_messages(window.store.get(conversation_id))
    return int(window.service.client.budget(messages, 0).result(timeout=60).prompt_tokens)


def click_row(qtbot: QtBot, window: MainWindow, conversation_id: int) -> None:
    chat = window.chat
    rect = chat.list.visualRect(chat.model.index(chat.model.row_of(conversation_id)))
    qtbot.mouseClick(chat.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_meter_and_speed_are_the_open_conversation_s(qtbot: QtBot, window: MainWindow) -> None:
    send(qtbot, window, "Remember the word marmalade.")
    first = cid(window)
    assert "tokens/s" in window.speed.text() and window.context_meter.value() > 0
    qtbot.keyClick(window.chat, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert cid(window) != first
    assert window.speed.text() == "" and window.context_meter.value() == 0  # a new, empty chat
    wanted = real_use(window, first)
    with qtbot.waitSignal(
        window.chat.context_used, timeout=60_000, check_params_cb=lambda used, _n: used == wanted
    ):
        click_row(qtbot, window, first)  # reopened: its real use, counted off the GUI thread
    assert cid(window) == first
    assert window.context_meter.value() == wanted > 0 and window.context_meter.maximum() == 2048
    assert "tokens/s" in window.speed.text()  # its own last answer's speed


def test_after_a_restart_a_chat_shows_its_real_use(qtbot: QtBot, starter_model: Path) -> None:
    """A chat whose last answer left no figures (it was stopped) is counted, not shown as 0."""
    paths = AppPaths.current().ensure()
    with ConversationStore(paths.conversations_db) as store:
        conv = store.create("Stopped early")
        store.append_message(conv.id, "user", "What is a lighthouse for? " * 5)
        store.append_message(conv.id, "assistant", "It warns ships", finish_reason="cancelled")
    seen: list[int] = []
    window = make_window(qtbot, starter_model)
    try:
        window.chat.context_used.connect(lambda used, _n: seen.append(used))
        wanted = real_use(window, conv.id)
        if window.context_meter.value() != wanted:  # the count may have arrived already
            qtbot.waitUntil(lambda: wanted in seen, timeout=60_000)
        assert cid(window) == conv.id and window.context_meter.value() == wanted > 30
        assert window.speed.text() == ""  # that answer has no speed to show
    finally:
        window.close()


def test_the_title_follows_an_edit_of_the_first_message_until_renamed(
    qtbot: QtBot, window: MainWindow
) -> None:
    chat = window.chat
    send(qtbot, window, "My cat is called Tom.", max_tokens=4)
    assert chat.title.text() == "My cat is called Tom."
    chat.transcript.anchorClicked.emit(QUrl("msg-edit:0"))  # the first message's Edit link
    send(qtbot, window, "My dog is called Rex.", max_tokens=4)
    assert chat.title.text() == "My dog is called Rex."
    row = chat.model.index(chat.model.row_of(cid(window)))
    assert row.data() == "My dog is called Rex."  # the sidebar too
    chat.rename(cid(window), "Pets")
    chat.transcript.anchorClicked.emit(QUrl("msg-edit:0"))
    send(qtbot, window, "My bird is called Kiwi.", max_tokens=4)
    assert chat.title.text() == "Pets"  # a chosen title stays


def test_the_rename_dialog_is_wide_enough(qtbot: QtBot, window: MainWindow) -> None:
    chat = window.chat
    seen: dict[str, int] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RenameDialog)
        seen["width"], seen["edit"] = dialog.width(), dialog.edit.width()
        seen["chars"] = dialog.edit.fontMetrics().averageCharWidth()
        assert dialog.edit.text() == chat.title.text()
        dialog.edit.setText("  A title a person chose for this chat  ")
        dialog.accept()

    QTimer.singleShot(0, answer)
    chat.rename(cid(window))  # the dialog runs modal; `answer` fills it in and closes it
    assert seen["width"] >= 360 and seen["edit"] >= 40 * seen["chars"]
    assert chat.title.text() == "A title a person chose for this chat"


def test_a_long_title_is_elided_in_the_list(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(800, 600)
    chat = window.chat
    long = "A very long title about lighthouses and the sea " * 5
    long = long[:200].strip()
    chat.rename(cid(window), long)
    qtbot.waitUntil(lambda: chat.list.viewport().width() > 0)
    index = chat.model.index(chat.model.row_of(cid(window)))
    assert index.data(ID_ROLE) == cid(window)
    assert chat.list.horizontalScrollBar().maximum() == 0
    assert not chat.list.horizontalScrollBar().isVisible()
    assert chat.list.visualRect(index).width() <= chat.list.viewport().width()
    assert long in index.data(Qt.ItemDataRole.ToolTipRole)  # whole in the tooltip


def test_values_equal_to_a_preset_are_named_as_it(qtbot: QtBot) -> None:
    def dialog(sampling: dict[str, Any], preset: str | None) -> ConversationSettingsDialog:
        d = ConversationSettingsDialog("", sampling, preset, "drop_oldest")
        qtbot.addWidget(d)
        return d

    assert dialog({}, None).preset.currentData() == "balanced"  # the defaults are Balanced
    precise = dict(temperature=0.2000001, top_p=0.9, top_k=20, min_p=0.1, repeat_penalty=1.05)
    d = dialog(precise, None)
    assert d.preset.currentData() == "precise" and d.values()[2] == "precise"
    d.temperature.setValue(0.33)
    assert d.preset.currentData() == "custom" and d.values()[2] is None
    d.temperature.setValue(0.2)  # back to the preset's values: named again
    assert d.preset.currentData() == "precise"
    assert dialog(dict(temperature=0.5), "creative").preset.currentData() == "custom"


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_chat_pane_fits_800x600(qtbot: QtBot, window: MainWindow, lang: str) -> None:
    from desktop_app.ui.app import apply_language

    window.settings.set("language", lang)
    apply_language(window.settings)
    try:
        shown = window.hand_over() if lang != "en" else window
        qtbot.addWidget(shown)
        shown.resize(800, 600)
        shown.show()
        qtbot.waitExposed(shown)
        qtbot.waitUntil(lambda: shown.width() <= 800 and shown.height() <= 600)
        chat = shown.chat
        assert chat.send_button.text() == ("发送" if lang == "zh_CN" else "Send")
        area = chat.rect()
        widgets: list[QWidget] = [chat.search, chat.list, chat.title, chat.transcript, chat.input]
        widgets += [*chat.findChildren(QPushButton), chat.export_button]
        for w in widgets:
            if not w.isVisible():
                continue
            box = w.rect().translated(w.mapTo(chat, w.rect().topLeft()))
            assert area.contains(box), f"{w.accessibleName() or w.objectName()} leaves the pane"
            if isinstance(w, QPushButton):  # not squeezed below its text
                assert w.width() >= w.sizeHint().width(), f"{w.text()} is cut"
        assert chat.list.width() >= 150 and chat.transcript.width() >= 360  # readable columns
    finally:
        window.settings.set("language", "en")
        apply_language(window.settings)
        if lang != "en":
            shown.close()
