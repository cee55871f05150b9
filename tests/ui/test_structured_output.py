"""Structured output in the Chat pane, driven as a person would, offscreen, on the real starter
model: the button under the message box opens the editor, a schema is typed in, OK; the answer
comes back as JSON valid against it, shown indented with its mark. A bad schema is said at once
in the editor, which keeps the text, and nothing is sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from loaded_window import make_window
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.controllers.chat import AnswerEnded, OutputChoice
from desktop_app.core.engine.schema_check import mismatch
from desktop_app.ui.chat.structured import OutputButton, StructuredOutputDialog
from desktop_app.ui.main_window import MainWindow

ANSWER_TIMEOUT = 120_000
# typed on one line, as a person pasting would have it: QPlainTextEdit keeps it as it is
SCHEMA = (
    '{"type": "object", "properties": {"name": {"type": "string", "maxLength": 24}, '
    '"age": {"type": "integer", "minimum": 0, "maximum": 120}}, '
    '"required": ["name", "age"], "additionalProperties": false}'
)


@pytest.fixture
def window(qtbot: QtBot, starter_model: Path) -> Iterator[MainWindow]:
    w = make_window(qtbot, starter_model)
    chat = w.chat
    assert chat.conversation is not None
    sampling = {"temperature": 0.0, "repeat_penalty": 1.0, "max_tokens": 80, "seed": 3}
    chat.controller.update_settings(sampling={**chat.conversation.sampling, **sampling})
    yield w
    w.close()


def open_editor(qtbot: QtBot, window: MainWindow) -> StructuredOutputDialog:
    button = window.chat.output_button
    assert button.isVisible() and button.text() == "Output: text"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.chat.output_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def press_ok(qtbot: QtBot, dialog: StructuredOutputDialog) -> None:
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def send(qtbot: QtBot, window: MainWindow, text: str) -> AnswerEnded:
    chat = window.chat
    chat.input.setFocus()
    qtbot.keyClicks(chat.input, text)
    with (
        qtbot.waitSignal(chat.answer_ended, timeout=ANSWER_TIMEOUT) as done,
        qtbot.waitSignal(chat.transcript.answer_shown, timeout=ANSWER_TIMEOUT),
    ):  # the answer ended and its final form is on screen, in either order
        qtbot.keyClick(chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    ended = done.args[0]
    assert isinstance(ended, AnswerEnded) and ended.error is None
    return ended


def test_a_typed_schema_holds_the_answer_and_the_mark_says_valid(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = open_editor(qtbot, window)
    assert dialog.off.isChecked()
    dialog.editor.setFocus()
    qtbot.keyClicks(dialog.editor, SCHEMA)
    assert dialog.schema.isChecked()  # typing a schema picks "JSON schema"
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()  # accepted: closed at once
    chat = window.chat
    assert chat.output_button.text() == "Output: JSON schema"
    assert chat.controller.output_choice.schema_text == SCHEMA

    ended = send(qtbot, window, "Describe a made-up person: their name and age.")
    print("answer:", ended.text, "check:", ended.check)
    schema = json.loads(SCHEMA)
    value = json.loads(ended.text)
    assert mismatch(value, schema) is None
    assert ended.check is not None and ended.check.valid
    page = chat.transcript.toPlainText()
    assert "✓ Valid against the schema" in page
    assert json.dumps(value, ensure_ascii=False, indent=2) in page  # shown indented
    # the stored message is the answer as written; reopened, it is shown indented again
    conv = chat.conversation
    assert conv is not None and conv.messages[-1].content == ended.text
    chat.new_conversation()
    assert chat.output_button.text() == "Output: text"  # the choice is the conversation's
    chat.open_conversation(conv.id)
    assert chat.output_button.text() == "Output: JSON schema"
    assert json.dumps(value, ensure_ascii=False, indent=2) in chat.transcript.toPlainText()


def test_a_bad_schema_is_said_at_once_and_nothing_is_sent(qtbot: QtBot, window: MainWindow) -> None:
    chat = window.chat
    before = len(chat.conversation.messages) if chat.conversation else 0
    dialog = open_editor(qtbot, window)
    dialog.editor.setFocus()
    qtbot.keyClicks(dialog.editor, '{"type": "object", "properties": ')
    press_ok(qtbot, dialog)
    assert dialog.isVisible(), "a bad schema keeps the editor open"
    assert dialog.message.isVisible()
    assert dialog.message.text().startswith("The schema is not valid JSON: ")
    assert "line 1" in dialog.message.text()  # where it breaks
    assert dialog.editor.toPlainText() == '{"type": "object", "properties": '  # nothing lost

    dialog.editor.selectAll()
    qtbot.keyClicks(dialog.editor, '["name", "age"]')
    assert not dialog.message.isVisible()  # typing clears the old message
    press_ok(qtbot, dialog)
    assert dialog.message.text() == "The schema must be a JSON object, written in braces: {…}."

    dialog.editor.selectAll()
    qtbot.keyClicks(dialog.editor, '{"type": "strin"}')
    press_ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.text().startswith("This schema cannot be used: ")
    assert "strin" in dialog.message.text()
    assert chat.output_button.text() == "Output: text"  # nothing was switched on
    assert not chat.controller.generating
    assert (len(chat.conversation.messages) if chat.conversation else 0) == before

    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()  # cancelled: closed, nothing changed
    again = open_editor(qtbot, window)  # the text typed is still there
    assert again.editor.toPlainText() == '{"type": "strin"}' and again.off.isChecked()
    at_indicator = QPoint(8, again.json.height() // 2)  # the radio's own spot, not its row's
    qtbot.mouseClick(again.json, Qt.MouseButton.LeftButton, pos=at_indicator)
    assert again.json.isChecked()  # "JSON: any JSON object"
    press_ok(qtbot, again)
    assert not again.isVisible()
    assert chat.output_button.text() == "Output: JSON"
    assert chat.controller.output_choice.kind == "json_object"
    ended = send(qtbot, window, "Give the name and the age of a made-up person, as JSON.")
    print("json_object answer:", ended.text, "check:", ended.check)
    assert ended.check is not None and ended.check.kind == "json_object"
    assert ended.check.valid and isinstance(json.loads(ended.text), dict)
    assert "✓ Valid JSON object" in chat.transcript.toPlainText()


def test_the_button_says_a_remote_server_decides(qtbot: QtBot) -> None:
    """Over a remote server the format goes as response_format: the tooltip and the editor say
    that the server decides whether it is enforced, and that the answer is checked here."""
    button = OutputButton()
    qtbot.addWidget(button)
    button.show_choice(OutputChoice("json_schema", "{}", "{}"), remote=True)
    assert button.text() == "Output: JSON schema" and button.font().bold()
    assert "up to the server" in button.toolTip() and "checked here" in button.toolTip()
    button.show_choice(OutputChoice(), remote=False)
    assert button.text() == "Output: text" and "server" not in button.toolTip()
    dialog = StructuredOutputDialog(OutputChoice(), lambda kind, text: None, button.remote_note())
    qtbot.addWidget(dialog)
    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("response_format" in text for text in notes)
