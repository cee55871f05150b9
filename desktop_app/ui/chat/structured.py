"""The chat's structured output, as a person sees it: the button under the message box that
says what the answers are held to, and the small editor it opens (free text, any JSON object, or
a JSON schema pasted in). The state is the session's (core/controllers/chat_structured.py).

The editor hands what was chosen to the session at OK; a schema the session refuses (not JSON,
not an object, one the grammar builder cannot use) is said in the editor at once, which stays
open with the text as it was, so nothing is sent and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.chat_structured import OutputChoice, SchemaProblem

__all__ = ["ERROR_COLOR", "EXAMPLE_SCHEMA", "OutputButton", "StructuredOutputDialog"]

ERROR_COLOR = "#d03b2f"  # readable on the light and the dark palette
EXAMPLE_SCHEMA = """{
  "type": "object",
  "properties": {
    "name": {"type": "string"},
    "age": {"type": "integer"}
  },
  "required": ["name", "age"]
}"""
SetOutput = Callable[[str, str], SchemaProblem | None]  # kind, schema text -> why refused


class OutputButton(QToolButton):
    """Under the message box: what the answers are held to; a click opens the editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setAccessibleName(self.tr("Structured output"))
        self.show_choice(OutputChoice(), remote=False)

    def show_choice(self, choice: OutputChoice, remote: bool) -> None:
        texts = {
            "json_object": self.tr("Output: JSON"),
            "json_schema": self.tr("Output: JSON schema"),
        }
        self.setText(texts.get(choice.kind, self.tr("Output: text")))
        font = self.font()
        font.setBold(choice.on)
        self.setFont(font)
        tip = self.tr(
            "Structured output: hold this conversation's answers to JSON, or to a JSON schema "
            "you paste. Each answer is checked and shown as JSON."
        )
        if remote:
            tip += "\n" + self.remote_note()
        self.setToolTip(tip)

    def remote_note(self) -> str:
        return self.tr(
            "On a remote server the format is sent as response_format; whether the server "
            "enforces it is up to the server. The answer is checked here either way."
        )


class StructuredOutputDialog(QDialog):
    """Off / JSON / JSON schema for the open conversation; OK hands it to `set_output`."""

    def __init__(
        self,
        choice: OutputChoice,
        set_output: SetOutput,
        remote_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Structured output"))
        self._set_output = set_output
        self.off = QRadioButton(self.tr("Off: free text"))
        self.json = QRadioButton(self.tr("JSON: any JSON object"))
        self.schema = QRadioButton(self.tr("JSON schema: the answer must match this schema"))
        self.kinds = QButtonGroup(self)
        for button, kind in ((self.off, "text"), (self.json, "json_object"),
                             (self.schema, "json_schema")):  # fmt: skip
            self.kinds.addButton(button)
            button.setProperty("kind", kind)
            button.setChecked(choice.kind == kind)
        self.editor = QPlainTextEdit(choice.draft or choice.schema_text)
        self.editor.setAccessibleName(self.tr("JSON schema"))
        self.editor.setPlaceholderText(
            self.tr("Paste a JSON schema, for example:") + "\n" + EXAMPLE_SCHEMA
        )
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setMinimumSize(420, 200)
        self.editor.textChanged.connect(self._on_typed)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Why the schema cannot be used"))
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        for widget in (self.off, self.json, self.schema, self.editor, self.message):
            layout.addWidget(widget)
        if remote_note:
            note = QLabel(remote_note)
            note.setWordWrap(True)
            layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def kind(self) -> str:
        checked = self.kinds.checkedButton()
        return str(checked.property("kind")) if checked is not None else "text"

    def _on_typed(self) -> None:
        """Typing or pasting a schema means a schema is wanted; an old message is stale."""
        self.message.setVisible(False)
        if self.editor.toPlainText().strip():
            self.schema.setChecked(True)

    def accept(self) -> None:
        problem = self._set_output(self.kind(), self.editor.toPlainText())
        if problem is None:
            super().accept()
            return
        self.message.setText(self.problem_text(problem))
        self.message.setVisible(True)
        self.editor.setFocus()

    def problem_text(self, problem: SchemaProblem) -> str:
        if problem.kind == "empty":
            return self.tr("Paste a JSON schema first, or pick another option.")
        if problem.kind == "not_json":
            return self.tr("The schema is not valid JSON: {0}").format(problem.detail)
        if problem.kind == "not_object":
            return self.tr("The schema must be a JSON object, written in braces: {…}.")
        return self.tr("This schema cannot be used: {0}").format(problem.detail)
