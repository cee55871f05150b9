"""The Chat pane's documents: the row naming the open conversation's attachments, and the view
that opens one at a cited span, highlighted.

Widgets only: the pane (conversations.py) reads and stores attachments through its session.
The source view is a plain-text editor, read-only, with the span as an extra selection: the
document's character offsets are the editor's positions, so a span needs no conversion.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.storage.conversations import Attachment

__all__ = ["AttachmentBar", "SourceView", "dropped_files"]


def dropped_files(mime: QMimeData) -> list[str]:
    """The local files in a drag's data (a dragged link or text is not a file)."""
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


class AttachmentBar(QLabel):
    """“Attached: notes.txt (12,345 characters) ✕”: a name opens the document, ✕ takes it off
    the conversation. Hidden while there is none."""

    open_requested = Signal(int)  # attachment id
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.setAccessibleName(self.tr("Attached documents"))
        self.linkActivated.connect(self._on_link)
        self.attachments: list[Attachment] = []
        self.setVisible(False)

    def set_attachments(self, attachments: Sequence[Attachment]) -> None:
        self.attachments = list(attachments)
        items = []
        for a in self.attachments:
            size = self.tr("{0} characters").format(f"{a.chars:,}")
            remove = self.tr("Remove")
            items.append(
                f'<a href="open:{a.id}">{html.escape(a.name)}</a> ({size})'
                f' <a href="remove:{a.id}" title="{remove}">✕</a>'
            )
        self.setText(self.tr("Attached:") + " " + " &nbsp; ".join(items))
        self.setVisible(bool(items))

    def _on_link(self, link: str) -> None:
        kind, _, rest = link.partition(":")
        if not rest.isdigit():
            return
        if kind == "open":
            self.open_requested.emit(int(rest))
        elif kind == "remove":
            self.remove_requested.emit(int(rest))


class SourceView(QDialog):
    """An attached document, scrolled to a span and highlighted (a citation's source)."""

    def __init__(self, name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(name)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Document"))
        self.text.setPlainText(text)
        self.span_label = QLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.span_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        screen = QApplication.primaryScreen()
        available = screen.availableSize() if screen is not None else None
        width = min(720, available.width() - 40) if available is not None else 720
        height = min(560, available.height() - 60) if available is not None else 560
        self.resize(max(320, width), max(240, height))

    def show_span(self, start: int, end: int) -> None:
        """Highlight characters start..end and bring them into view (clamped to the text)."""
        length = len(self.text.toPlainText())
        start, end = max(0, min(start, length)), max(0, min(end, length))
        self.span_label.setText(self.tr("Characters {0}–{1}").format(start, end))
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        mark = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#fde68a"))
        fmt.setForeground(QColor("#111111"))
        mark.format = fmt
        mark.cursor = cursor
        self.text.setExtraSelections([mark])
        at_end = QTextCursor(self.text.document())
        at_end.setPosition(end)
        self.text.setTextCursor(at_end)  # scrolls the span's end, then its start, into view
        self.text.ensureCursorVisible()
        at_start = QTextCursor(self.text.document())
        at_start.setPosition(start)
        self.text.setTextCursor(at_start)
        self.text.ensureCursorVisible()

    def highlighted(self) -> str:
        """The highlighted text (for tests and accessibility)."""
        marks = self.text.extraSelections()
        return marks[0].cursor.selectedText().replace("\u2029", "\n") if marks else ""
