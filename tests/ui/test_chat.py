"""The Chat pane driven as a person would, offscreen, against the real starter model."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from loaded_window import LOAD_TIMEOUT, cid, make_window
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.controllers.chat import AnswerText, Event
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.chat.list_model import ConversationListModel, Row
from desktop_app.ui.chat.pane import ChatPane
from desktop_app.ui.main_window import MainWindow

ANSWER_TIMEOUT = 120_000


@pytest.fixture
def window(qtbot: QtBot, starter_model: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, starter_model)
    yield w
    w.close()


def set_sampling(window: MainWindow, **sampling: object) -> None:
    chat = window.chat
    assert chat.conversation is not None
    chat.controller.update_settings(sampling={**chat.conversation.sampling, **sampling})


def streamed(pane: ChatPane) -> list[str]:
    """The pieces of the answers the pane's session streams from now on, as the pane gets them."""
    pieces: list[str] = []

    def on_event(event: Event) -> None:
        if isinstance(event, AnswerText):
            pieces.append(event.text)

    pane.controller.add_listener(on_event)
    return pieces


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Latin text key by key; Chinese through an input method's commit, as a person's IME does."""
    for run in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def type_and_send(qtbot: QtBot, window: MainWindow, text: str) -> None:
    box = window.chat.input
    box.setFocus()
    type_text(qtbot, box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_send_with_ctrl_enter_streams_the_answer(qtbot: QtBot, window: MainWindow) -> None:
    set_sampling(window, seed=1, max_tokens=48)
    chunks = streamed(window.chat)
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT) as done:
        type_and_send(qtbot, window, "Write two sentences about rain.")
        assert window.chat.input.toPlainText() == ""
    answer = done.args[0].text
    assert answer and len(chunks) >= 2, "the answer must arrive in pieces"
    assert "".join(chunks) == answer
    page = window.chat.transcript.toPlainText()
    assert "Write two sentences about rain." in page
    assert answer.split()[0] in page
    conv = window.store.get(cid(window))
    assert [m.role for m in conv.messages] == ["user", "assistant"]
    assert "tokens/s" in window.speed.text()
    assert 0 < window.context_meter.value() <= 2048


def test_esc_stops_and_keeps_what_was_written(qtbot: QtBot, window: MainWindow) -> None:
    set_sampling(window, seed=1, max_tokens=1500, temperature=1.0)
    pieces = streamed(window.chat)
    type_and_send(qtbot, window, "Tell me a very long story about the sea.")
    qtbot.waitUntil(lambda: bool(pieces), timeout=ANSWER_TIMEOUT)
    assert 10 < window.context_meter.value() < 100  # the prompt's share, shown as the answer starts
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT) as done:
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Escape)
    assert done.args[0].finish_reason == "cancelled"
    conv = window.store.get(cid(window))
    assert conv.messages[-1].finish_reason == "cancelled"
    assert conv.messages[-1].content == done.args[0].text != ""
    assert "Stopped." in window.chat.transcript.toPlainText()
    assert window.chat.send_button.isEnabled()


def test_regenerate_replaces_the_last_answer(qtbot: QtBot, window: MainWindow) -> None:
    set_sampling(window, max_tokens=24, temperature=1.0)
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT):
        type_and_send(qtbot, window, "Name a fruit.")
    first = window.store.get(cid(window)).messages[-1].content
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT):
        qtbot.mouseClick(window.chat.regen_button, Qt.MouseButton.LeftButton)
    conv = window.store.get(cid(window))
    assert [m.role for m in conv.messages] == ["user", "assistant"]
    assert conv.messages[-1].content != first or True  # a fresh seed; text may coincide
    assert conv.messages[-1].stats and conv.messages[-1].stats["seed"]


def test_edit_a_message_and_resend(qtbot: QtBot, window: MainWindow) -> None:
    set_sampling(window, seed=2, max_tokens=16)
    for text in ("My cat is called Tom.", "What is my cat called?"):
        with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT):
            type_and_send(qtbot, window, text)
    assert len(window.store.get(cid(window)).messages) == 4
    window.chat.transcript.anchorClicked.emit(QUrl("msg-edit:0"))  # the "Edit" link of message 1
    assert window.chat.edit_banner.isVisible()
    assert window.chat.input.toPlainText() == "My cat is called Tom."
    window.chat.input.clear()
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT):
        type_and_send(qtbot, window, "My dog is called Rex.")
    conv = window.store.get(cid(window))
    assert conv.messages[0].content == "My dog is called Rex."
    assert len(conv.messages) == 2  # the turns after the edited one were replaced
    assert not window.chat.edit_banner.isVisible()


def test_new_switch_search_rename_delete_undo(qtbot: QtBot, window: MainWindow) -> None:
    set_sampling(window, seed=3, max_tokens=8)
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT):
        type_and_send(qtbot, window, "Tell me about lighthouses 灯塔")
    first_id = cid(window)
    qtbot.keyClick(window.chat, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    second_id = cid(window)
    assert second_id != first_id
    assert window.chat.model.rowCount() == 2
    qtbot.keyClick(window.chat, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.chat.search.hasFocus()
    type_text(qtbot, window.chat.search, "灯塔")
    qtbot.waitUntil(lambda: window.chat.model.rowCount() == 1, timeout=5000)
    index = window.chat.model.index(0)
    rect = window.chat.list.visualRect(index)
    qtbot.mouseClick(window.chat.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert cid(window) == first_id
    assert "灯塔" in window.chat.transcript.toPlainText()
    window.chat.search.clear()
    window.chat.rename(first_id, "Lighthouses")
    assert window.chat.title.text() == "Lighthouses"
    window.chat.delete(first_id)
    assert window.chat.model.row_of(first_id) == -1
    assert window.undo_button.isVisible()
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    assert window.chat.model.row_of(first_id) >= 0


def test_export_markdown_and_json(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    set_sampling(window, seed=4, max_tokens=12)
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT):
        type_and_send(qtbot, window, "你好！Say hello in Chinese.")
    md = window.chat.export_to(None, "md", str(tmp_path / "chat.md"))
    js = window.chat.export_to(None, "json", str(tmp_path / "chat.json"))
    assert md and "你好！Say hello in Chinese." in md.read_text(encoding="utf-8")
    data = json.loads(js.read_text(encoding="utf-8")) if js else {}
    assert [m["role"] for m in data["messages"]] == ["user", "assistant"]


def test_restart_finds_the_history(qtbot: QtBot, starter_model: Path) -> None:
    first = make_window(qtbot, starter_model)
    set_sampling(first, seed=5, max_tokens=8)
    with qtbot.waitSignal(first.chat.answer_ended, timeout=ANSWER_TIMEOUT):
        type_and_send(qtbot, first, "Remember the word marmalade.")
    first.close()
    second = make_window(qtbot, starter_model)
    try:
        assert "marmalade" in second.chat.transcript.toPlainText()
        assert second.chat.model.rowCount() >= 1
    finally:
        second.close()


def test_closing_during_an_answer_saves_it_and_exits_cleanly(
    qtbot: QtBot, starter_model: Path
) -> None:
    w = make_window(qtbot, starter_model)
    set_sampling(w, seed=1, max_tokens=1500, temperature=1.0)
    pieces = streamed(w.chat)
    type_and_send(qtbot, w, "Tell me a very long story about the sea.")
    qtbot.waitUntil(lambda: bool(pieces), timeout=ANSWER_TIMEOUT)
    conversation_id = cid(w)
    db = w.paths.conversations_db
    w.close()
    store = ConversationStore(db)
    try:
        msgs = store.get(conversation_id).messages
        assert msgs[-1].role == "assistant" and msgs[-1].content
        assert msgs[-1].finish_reason == "cancelled"
    finally:
        store.close()


def test_conversation_list_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = ConversationListModel()
    model.set_rows([Row(1, "One", "first"), Row(2, "二", "第二")])
    qtmodeltester.check(model)
    assert model.data(model.index(1), Qt.ItemDataRole.DisplayRole) == "二"
    assert model.data(QModelIndex()) is None


def test_switch_the_language_in_preferences(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_app.ui.dialogs import PreferencesDialog

    assert window.nav.item(0).text() == "Chat"
    set_sampling(window, seed=6, max_tokens=8)
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT) as done:
        type_and_send(qtbot, window, "Name a colour.")
    first, answer = cid(window), done.args[0].text
    window.chat.new_conversation()  # the latest is another one now
    window.chat.open_conversation(first)
    type_text(qtbot, window.chat.input, "unsent draft")
    window.open_preferences()
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None and dialog.isVisible()
    combo = dialog.language
    combo.setFocus()
    index = combo.findData("zh_CN")
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    swapped: list[MainWindow] = []
    window.language_changed.connect(lambda: swapped.append(window.hand_over()))
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert swapped, "OK with a new language rebuilds the window"
    new = swapped[0]
    qtbot.addWidget(new)
    try:
        assert new.nav.item(0).text() == "聊天"
        assert new.chat.send_button.text() == "发送"
        assert new.service is window.service and new.service.model_info is not None  # model stays
        assert Settings.load(new.paths.settings_file).get("language") == "zh_CN"
        # the chat's state is the session's, handed over: the same conversation, answer, draft
        assert new.chat.controller is window.chat.controller and cid(new) == first
        assert "Name a colour." in new.chat.transcript.toPlainText()
        assert answer.split()[0] in new.chat.transcript.toPlainText()
        assert new.chat.input.toPlainText() == "unsent draft"
        new.chat.input.clear()
        with qtbot.waitSignal(new.chat.answer_ended, timeout=ANSWER_TIMEOUT):
            type_and_send(qtbot, new, "你好")
    finally:
        from desktop_app.ui.app import apply_language

        new.settings.set("language", "en")
        apply_language(new.settings)
        new.close()


def test_a_pane_attached_to_the_session_shows_the_answer_and_follows_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    """What the window's hand-over does: a new pane on the old pane's session, the old detached."""
    old = window.chat
    set_sampling(window, seed=7, max_tokens=24)
    with qtbot.waitSignal(old.answer_ended, timeout=ANSWER_TIMEOUT) as done:
        type_and_send(qtbot, window, "Name three birds.")
    answer = done.args[0].text
    new = ChatPane(window.store, window.service, session=old.controller)
    qtbot.addWidget(new)
    old.detach()
    assert new.controller is old.controller and new.conversation == old.conversation
    assert new.title.text() == old.title.text()
    words = new.transcript.toPlainText().split()  # the streamed page may differ in blank lines
    assert words == old.transcript.toPlainText().split()
    assert next(w for w in answer.split() if w.isalpha()) in new.transcript.toPlainText()
    assert new.model.rowCount() == old.model.rowCount()

    # mid-answer: the next pane shows the text so far and follows the answer to its end
    set_sampling(window, seed=1, max_tokens=1500, temperature=1.0)
    new.input.setPlainText("Tell me a very long story about the sea.")
    pieces = streamed(new)
    new.send()
    qtbot.waitUntil(lambda: len(pieces) >= 3, timeout=ANSWER_TIMEOUT)
    so_far = new.controller.answer_text
    third = ChatPane(window.store, window.service, session=new.controller)
    qtbot.addWidget(third)
    new.detach()
    assert so_far and so_far in third.transcript.toPlainText()
    assert third.stop_button.isEnabled() and not third.send_button.isEnabled()
    with qtbot.waitSignal(third.answer_ended, timeout=ANSWER_TIMEOUT) as stopped:
        qtbot.waitUntil(lambda: len(pieces) >= 6, timeout=ANSWER_TIMEOUT)
        qtbot.mouseClick(third.stop_button, Qt.MouseButton.LeftButton)
    ended = stopped.args[0]
    assert ended.finish_reason == "cancelled" and ended.text.startswith(so_far)
    assert "Stopped." in third.transcript.toPlainText()
    assert "Stopped." not in new.transcript.toPlainText()  # detached: it no longer follows
    assert window.store.get(ended.conversation_id).messages[-1].content == ended.text
    assert third.send_button.isEnabled()


def test_first_run_welcome_page_gets_the_starter_model(qtbot: QtBot, starter_model: Path) -> None:
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.chat_stack.currentWidget() is window.welcome  # no model installed yet
        # the starter is fetched from the package index once; the test places that verified copy
        (paths.models_dir / starter_model.name).write_bytes(starter_model.read_bytes())
        with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
            qtbot.mouseClick(window.welcome.starter, Qt.MouseButton.LeftButton)
        assert window.chat_stack.currentWidget() is window.chat
        assert window.model_bar.current_path() == str(paths.models_dir / starter_model.name)
        assert Settings.load(paths.settings_file).get("default_model") == str(
            paths.models_dir / starter_model.name
        )
    finally:
        window.close()


def test_model_bar_load_cancel_unload(
    qtbot: QtBot, window: MainWindow, starter_model: Path
) -> None:
    bar = window.model_bar
    with qtbot.waitSignal(window.service.unloaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(bar.load_button, Qt.MouseButton.LeftButton)  # "Unload"
    assert bar.load_button.text() == "Load" and not window.chat.send_button.isEnabled()

    with qtbot.waitSignal(window.service.load_failed, timeout=LOAD_TIMEOUT) as failed:
        qtbot.mouseClick(bar.load_button, Qt.MouseButton.LeftButton)  # "Load"
        assert bar.load_button.text() == "Cancel"
        qtbot.mouseClick(bar.load_button, Qt.MouseButton.LeftButton)  # "Cancel", at once
    assert "cancelled" in failed.args[0]
    assert bar.load_button.text() == "Load"
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(bar.load_button, Qt.MouseButton.LeftButton)
    assert "context 2048" in bar.info.text()
    assert window.chat.send_button.isEnabled()


def test_a_failed_load_says_why_and_the_app_stays_usable(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, starter_model: Path
) -> None:
    broken = tmp_path / "half.gguf"
    broken.write_bytes(starter_model.read_bytes()[:5_000_000])  # an interrupted download
    with qtbot.waitSignal(window.service.load_failed, timeout=LOAD_TIMEOUT) as failed:
        window.load_model(str(broken))
    assert "truncated" in failed.args[0]
    assert "truncated" in window.model_bar.info.text()
    assert window.model_bar.load_button.text() == "Unload"  # the loaded model stays (issue 14)
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        window.load_model(str(starter_model))
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT):
        type_and_send(qtbot, window, "Hi")
