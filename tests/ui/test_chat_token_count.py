"""The chat input's token count, driven by typing, on the real starter model: it follows what is
typed, equals the engine's own count, accounts for the conversation, and warns when too long."""

from __future__ import annotations

import re
from pathlib import Path

from loaded_window import cid, make_window
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.chat.pane import WARNING_COLOR, ChatPane
from desktop_app.ui.main_window import MainWindow

TIMEOUT = 30_000


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Latin text key by key; Chinese through an input method's commit, as a person's IME does."""
    for run in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


def counts(pane: ChatPane) -> tuple[int, int, int] | None:
    """(tokens, left, context) as the label says them, or None when it says nothing."""
    found = re.fullmatch(r"([\d,]+) tokens? · ([\d,]+) of ([\d,]+) left", pane.token_count.text())
    if found is None:
        return None
    a, b, c = (int(g.replace(",", "")) for g in found.groups())
    return a, b, c


def wait_for_count(qtbot: QtBot, pane: ChatPane, tokens: int) -> tuple[int, int, int]:
    qtbot.waitUntil(lambda: (c := counts(pane)) is not None and c[0] == tokens, timeout=TIMEOUT)
    shown = counts(pane)
    assert shown is not None
    return shown


def engine_count(window: MainWindow, text: str) -> int:
    return int(window.service.client.count_tokens(text).result(timeout=30))


def prompt_tokens(window: MainWindow, messages: list[dict[str, str]]) -> int:
    return int(window.service.client.budget(messages, 0).result(timeout=30).prompt_tokens)


def test_the_count_follows_typing_and_equals_the_engines(qtbot: QtBot, starter_model: Path) -> None:
    window = make_window(qtbot, starter_model)
    pane = window.chat
    assert pane.token_count.text() == ""
    pane.input.setFocus()
    type_text(qtbot, pane.input, "Hello")
    first = wait_for_count(qtbot, pane, engine_count(window, "Hello"))
    assert first[2] == 2048
    assert first[1] == 2048 - prompt_tokens(window, [{"role": "user", "content": "Hello"}])
    text = "Hello, how are you today? 今天天气怎么样？"
    type_text(qtbot, pane.input, text[len("Hello") :])
    assert pane.input.toPlainText() == text
    tokens = engine_count(window, text)
    assert tokens > first[0]
    shown = wait_for_count(qtbot, pane, tokens)
    assert shown[1] == 2048 - prompt_tokens(window, [{"role": "user", "content": text}])
    assert shown[1] < first[1] and WARNING_COLOR not in pane.token_count.styleSheet()
    pane.input.clear()  # cleared: nothing to count
    qtbot.waitUntil(lambda: pane.token_count.text() == "", timeout=TIMEOUT)
    window.close()


def test_the_conversation_so_far_is_counted_too(qtbot: QtBot, starter_model: Path) -> None:
    window = make_window(qtbot, starter_model)
    pane = window.chat
    store = window.store
    earlier = [
        {"role": "user", "content": "Tell me about lighthouses."},
        {"role": "assistant", "content": "Lighthouses guide ships along dangerous coasts. " * 8},
    ]
    for m in earlier:
        store.append_message(cid(window), m["role"], m["content"])
    pane.controller.open(cid(window))
    type_text(qtbot, pane.input, "And in China?")
    tokens = engine_count(window, "And in China?")
    shown = wait_for_count(qtbot, pane, tokens)
    whole = [*earlier, {"role": "user", "content": "And in China?"}]
    assert shown[1] == 2048 - prompt_tokens(window, whole)
    assert shown[1] < 2048 - prompt_tokens(window, whole[-1:]) - 60
    window.close()


def test_a_message_that_does_not_fit_turns_the_count_red_at_800_by_600(
    qtbot: QtBot, starter_model: Path
) -> None:
    window = make_window(qtbot, starter_model)
    window.resize(800, 600)
    pane = window.chat
    pane.input.setPlainText("word " * 1700)  # a paste: with the answer's room, over 2048
    tokens = engine_count(window, ("word " * 1700).strip())
    wait_for_count(qtbot, pane, tokens)
    assert WARNING_COLOR in pane.token_count.styleSheet()
    assert "kept for the answer" in pane.token_count.toolTip()
    qtbot.waitUntil(lambda: window.width() <= 800 and window.height() <= 600)
    label = pane.token_count
    assert label.isVisible() and label.width() >= label.sizeHint().width()
    right = label.mapTo(pane, label.rect().topLeft()).x() + label.sizeHint().width()
    bottom = label.mapTo(pane, label.rect().bottomLeft()).y()
    assert right <= pane.width() and bottom <= pane.height()
    pane.input.setPlainText("short")
    wait_for_count(qtbot, pane, engine_count(window, "short"))
    assert WARNING_COLOR not in pane.token_count.styleSheet()
    window.close()
