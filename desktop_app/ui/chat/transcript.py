"""The Chat pane's conversation view: messages as rich text, the streaming answer appended in place.

While an answer streams, its text is inserted at the end of the document (work proportional to
the new text only). When it completes, that one message is re-rendered as markdown. No remote
resource is ever loaded: loadResource answers nothing, and links open only on click, outside.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QTextBrowser, QWidget

from desktop_app.ui.markdown import escape_plain, render_markdown


@dataclass
class ShownMessage:
    role: str
    content: str
    position: int


class Transcript(QTextBrowser):
    edit_requested = Signal(int)  # position of a user message
    copied = Signal(str)  # what was copied, for a status notice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName(self.tr("Conversation"))
        self.anchorClicked.connect(self._on_anchor)
        self._messages: list[ShownMessage] = []
        self._code_blocks: list[str] = []
        self._stream_start: int | None = None
        self._stream_text: list[str] = []
        app = QApplication.instance()
        self.dark = bool(app.property("hearth_dark")) if app is not None else False
        self._plain = QTextCharFormat()

    # ---- never fetch anything ------------------------------------------------------------

    def loadResource(self, type: int, name: QUrl | str) -> object:
        return None

    # ---- content -------------------------------------------------------------------------

    def set_messages(self, messages: list[ShownMessage]) -> None:
        self._messages = list(messages)
        self._code_blocks = []
        parts = [self._message_html(m) for m in self._messages]
        self.setHtml("".join(parts))
        self._stream_start = None
        self._scroll_to_end()

    def add_message(self, message: ShownMessage) -> None:
        self._messages.append(message)
        cursor = self._new_block()
        cursor.insertHtml(self._message_html(message))
        self._scroll_to_end()

    def begin_answer(self, position: int) -> None:
        cursor = self._new_block()
        cursor.insertHtml(self._header_html("assistant", position))
        cursor = self._new_block()
        self._stream_start = cursor.position()
        self._stream_text = []
        self._scroll_to_end()

    def append_tokens(self, text: str) -> None:
        if self._stream_start is None:
            return
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4
        self._end_cursor().insertText(text, self._plain)
        self._stream_text.append(text)
        if follow:
            bar.setValue(bar.maximum())

    def streamed_text(self) -> str:
        return "".join(self._stream_text)

    def end_answer(self, text: str, position: int, note: str = "") -> None:
        """Replace the streamed plain text by the rendered message (once per answer)."""
        if self._stream_start is None:
            return
        cursor = self.textCursor()
        cursor.setPosition(self._stream_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.setCharFormat(self._plain)
        message = ShownMessage("assistant", text, position)
        self._messages.append(message)
        cursor.insertHtml(self._body_html(message) + (self._note_html(note) if note else ""))
        self._stream_start = None
        self._scroll_to_end()

    def add_notice(self, text: str) -> None:
        self._new_block().insertHtml(self._note_html(text))
        self._scroll_to_end()

    # ---- html ----------------------------------------------------------------------------

    def _header_html(self, role: str, position: int) -> str:
        who = (
            self.tr("You")
            if role == "user"
            else self.tr("Assistant")
            if role == "assistant"
            else self.tr("System")
        )
        copy_label = self.tr("Copy")
        links = f'<a href="msg-copy:{position}">{copy_label}</a>'
        if role == "user":
            edit_label = self.tr("Edit")
            links += f' &nbsp; <a href="msg-edit:{position}">{edit_label}</a>'
        color = "#8ab4f8" if self.dark else "#1a56b0"
        return (
            f'<p style="margin-top:14px; margin-bottom:2px"><b style="color:{color}">{who}</b>'
            f' &nbsp; <span style="font-size:small">{links}</span></p>'
        )

    def _body_html(self, m: ShownMessage) -> str:
        if m.role == "assistant":
            rendered = render_markdown(
                m.content,
                dark=self.dark,
                block_offset=len(self._code_blocks),
                copy_label=self.tr("Copy"),
            )
            self._code_blocks.extend(rendered.code_blocks)
            return rendered.html
        return f"<p>{escape_plain(m.content)}</p>"

    def _message_html(self, m: ShownMessage) -> str:
        return self._header_html(m.role, m.position) + self._body_html(m)

    def _note_html(self, text: str) -> str:
        return f'<p style="color:#b06000"><i>{html.escape(text)}</i></p>'

    # ---- helpers -------------------------------------------------------------------------

    def _new_block(self) -> QTextCursor:
        """A fresh paragraph at the end, with no formatting carried over (links, code)."""
        cursor = self._end_cursor()
        if not self.document().isEmpty():
            cursor.insertBlock(QTextBlockFormat(), self._plain)
        cursor.setCharFormat(self._plain)
        return cursor

    def _end_cursor(self) -> QTextCursor:
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def message_text(self, position: int) -> str | None:
        for m in self._messages:
            if m.position == position:
                return m.content
        return None

    def _on_anchor(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if scheme == "copy" and rest.isdigit() and int(rest) < len(self._code_blocks):
            QApplication.clipboard().setText(self._code_blocks[int(rest)])
            self.copied.emit(self.tr("Code copied"))
        elif scheme == "msg-copy" and rest.isdigit():
            text = self.message_text(int(rest))
            if text is not None:
                QApplication.clipboard().setText(text)
                self.copied.emit(self.tr("Message copied"))
        elif scheme == "msg-edit" and rest.isdigit():
            self.edit_requested.emit(int(rest))
        elif scheme in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)  # the user clicked it; the app itself fetches nothing
