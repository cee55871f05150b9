"""A text shown in its tokens: each on its own soft background, its id on hover.

Used by Models › Tokenizer (tokenizer_view.py). The backgrounds are translucent tints, so they
read on the light and the dark palette alike; spaces and tabs are drawn by Qt as · and →
(QTextOption.ShowTabsAndSpaces, so lines still wrap between words) and a newline gets a ⏎. A
chunk of several tokens (one character split over them, see core/controllers/tokenizer.py) is
underlined with dots, and its tooltip lists each token's id and bytes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from desktop_app.core.controllers.tokenizer import Chunk, Split

__all__ = ["BACKGROUNDS", "TokenDisplay", "visible"]

# Amber, blue, green, pink: translucent, so the palette's own base shows through.
BACKGROUNDS = (
    QColor(255, 190, 0, 80),
    QColor(0, 140, 255, 64),
    QColor(0, 190, 90, 64),
    QColor(255, 60, 150, 56),
)
_CHUNK = QTextCharFormat.Property.UserProperty + 1  # the chunk's index, on its characters
_SHOWN = {"\n": "⏎\n", "\r": "␍", "\u2028": "⏎\u2028"}


def visible(text: str) -> str:
    """A token's text as shown: line breaks marked (spaces and tabs Qt marks itself)."""
    return "".join(_SHOWN.get(c, c) for c in text)


class TokenDisplay(QTextEdit):
    """Read-only: `show_split(split)` colours its chunks; hovering one tells its token ids."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)  # the tokens are what this view is for
        self.setFont(font)
        self.chunks: tuple[Chunk, ...] = ()
        self.starts: list[int] = []  # each chunk's first position in the document

    def show_split(self, split: Split | None) -> None:
        self.clear()
        self._marks()
        self.chunks = split.chunks if split is not None else ()
        self.starts = []
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        for n, chunk in enumerate(self.chunks):
            fmt = QTextCharFormat()
            fmt.setBackground(BACKGROUNDS[n % len(BACKGROUNDS)])
            fmt.setProperty(_CHUNK, n)
            if len(chunk.pieces) > 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            self.starts.append(cursor.position())
            cursor.insertText(visible(chunk.text), fmt)
        cursor.endEditBlock()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _marks(self) -> None:
        option = self.document().defaultTextOption()
        option.setFlags(option.flags() | QTextOption.Flag.ShowTabsAndSpaces)
        self.document().setDefaultTextOption(option)

    # ---- hovering ---------------------------------------------------------------------------

    def chunk_at(self, point: QPoint) -> int | None:
        """The chunk under `point` (viewport coordinates), exactly: None between them."""
        offset = QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        layout = self.document().documentLayout()
        position = layout.hitTest(QPointF(point) + offset, Qt.HitTestAccuracy.ExactHit)
        if position < 0:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(position + 1)  # the format before the cursor: the character hit
        value = cursor.charFormat().property(_CHUNK)
        return value if isinstance(value, int) and 0 <= value < len(self.chunks) else None

    def point_of(self, index: int) -> QPoint:
        """The middle of chunk `index`'s first character, in viewport coordinates (tests)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.starts[index])
        left = self.cursorRect(cursor)
        cursor.setPosition(self.starts[index] + 1)
        right = self.cursorRect(cursor)
        return QPoint((left.left() + right.left()) // 2, left.center().y())

    def tooltip(self, index: int) -> str:
        chunk = self.chunks[index]
        if len(chunk.pieces) == 1:
            return self.tr("Token {0}").format(chunk.pieces[0].id)
        lines = [self.tr("{0} tokens make “{1}”:").format(len(chunk.pieces), chunk.text)]
        lines += [
            self.tr("token {0}: bytes {1}").format(p.id, p.data.hex(" ")) for p in chunk.pieces
        ]
        return "\n".join(lines)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.chunk_at(event.pos())
            if index is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip(index), self.viewport())
            return True
        return super().viewportEvent(event)
