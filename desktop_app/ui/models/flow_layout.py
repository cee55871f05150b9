"""A row of buttons that wraps onto another line when the width runs out (Qt has none built in).

At 800x600 the Library's eight buttons do not fit on one line: a plain QHBoxLayout then squeezes
them below their size hint and cuts their text ("et as defau"). Here every widget keeps its size
hint; what does not fit goes on the next line. `add_gap()` marks where a line's spare room goes
(like a stretch in a box layout), so a wide window keeps the two groups apart on one line.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget

SPACING = 6  # between buttons and between lines, when no spacing is set


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gaps: set[int] = set()  # indexes of the items the spare room goes before
        self.setContentsMargins(0, 0, 0, 0)

    def add_gap(self) -> None:
        """The spare room of a line goes here (before the next widget added)."""
        self._gaps.add(len(self._items))

    # ---- QLayout -------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        self._gaps = {g - 1 if g > index else g for g in self._gaps}
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        gap = self._gap()
        width = sum(item.sizeHint().width() for _, item in shown) + gap * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for _, item in shown), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:
        """The widest widget: narrower than that, something would be cut."""
        size = QSize()
        for _, item in self._shown():
            size = size.expandedTo(item.sizeHint())
        return self._with_margins(size)

    # ---- layout --------------------------------------------------------------------------

    def _gap(self) -> int:
        return self.spacing() if self.spacing() >= 0 else SPACING

    def _shown(self) -> list[tuple[int, QLayoutItem]]:
        return [(i, item) for i, item in enumerate(self._items) if not item.isEmpty()]

    def _with_margins(self, size: QSize) -> QSize:
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _lines(self, width: int) -> list[list[tuple[int, QLayoutItem]]]:
        """The shown items, line by line, each line as wide as fits in `width`."""
        lines: list[list[tuple[int, QLayoutItem]]] = [[]]
        used = 0
        for index, item in self._shown():
            w = item.sizeHint().width()
            line = lines[-1]
            if line and used + self._gap() + w > width:
                lines.append([])
                line, used = lines[-1], 0
            used += (self._gap() if line else 0) + w
            line.append((index, item))
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Place the items in `rect` (if `apply`); the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        gap = self._gap()
        y = area.y()
        lines = self._lines(area.width())
        for n, line in enumerate(lines):
            height = max(item.sizeHint().height() for _, item in line)
            widths = [min(item.sizeHint().width(), area.width()) for _, item in line]
            spare = area.width() - sum(widths) - gap * (len(line) - 1)
            if apply:
                x = area.x()
                for k, ((index, item), w) in enumerate(zip(line, widths, strict=True)):
                    if k > 0 and index in self._gaps and spare > 0:
                        x += spare  # the line's spare room, between the two groups
                        spare = 0
                    h = item.sizeHint().height()
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                    x += w + gap
            y += height + (gap if n < len(lines) - 1 else 0)
        return y - area.y() + m.top() + m.bottom()
