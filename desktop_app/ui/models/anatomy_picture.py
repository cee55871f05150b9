"""Pictures of a model for the Inspector: the transformer stack drawn with the model's own
numbers, and a memory bar split into weights, KV cache and compute buffer.

Painted with QPainter from the palette (so light and dark both read), not an image: the
numbers change with every model and the bar with every context size.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.core.models.anatomy import Anatomy, Memory
from desktop_app.core.models.model_files import format_size

# One hue per part, readable on light and dark backgrounds.
ATTENTION = QColor("#4f86d9")
KV = QColor("#d9904f")
FEED_FORWARD = QColor("#5aa469")
EMBEDDING = QColor("#9a6fd1")
WEIGHTS = QColor("#4f86d9")
COMPUTE = QColor("#8e8e8e")


class StackPicture(QWidget):
    """embedding -> N x [attention (H heads sharing K KV heads), feed-forward] -> output."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.anatomy: Anatomy | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("The model's layers, drawn"))

    def set_anatomy(self, anatomy: Anatomy | None) -> None:
        self.anatomy = anatomy
        self.setToolTip(self._describe() if anatomy else "")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 300)

    def _describe(self) -> str:
        a = self.anatomy
        assert a is not None
        return self.tr(
            "{0} layers; attention with {1} heads and {2} KV heads; feed-forward {3} → {4}"
        ).format(a.layers, a.heads, a.kv_heads, a.embedding, a.feed_forward)

    def paintEvent(self, _event: QPaintEvent) -> None:
        a = self.anatomy
        if a is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        w = self.width() - 2
        row = 34.0
        y = 2.0
        self._box(p, QRectF(1, y, w, row), EMBEDDING, self.tr("Embedding: {0} tokens → width {1}").format(
            f"{a.vocab or 0:,}", a.embedding))  # fmt: skip
        y += row + 14
        self._arrow(p, w / 2, y - 14, y, text)
        block = QRectF(1, y, w, 170)
        pen = QPen(text, 1.2, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(block, 8, 8)
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(block.adjusted(10, 4, -10, 0), Qt.AlignmentFlag.AlignLeft,
                   self.tr("× {0} blocks").format(a.layers))  # fmt: skip
        p.setFont(self.font())
        inner = block.adjusted(12, 26, -12, -10)
        attention = QRectF(inner.left(), inner.top(), inner.width(), 74)
        self._attention(p, attention, a, text)
        ff = QRectF(
            inner.left(),
            attention.bottom() + 16,
            inner.width(),
            inner.bottom() - attention.bottom() - 16,
        )
        self._arrow(p, w / 2, attention.bottom(), ff.top(), text)
        label = self.tr("Feed-forward: {0} → {1} → {2}").format(
            a.embedding, a.feed_forward or "?", a.embedding
        )
        if a.experts:
            label += self.tr(" ({0} experts, {1} per token)").format(
                a.experts, a.experts_used or "?"
            )
        self._box(p, ff, FEED_FORWARD, label)  # fmt: skip
        y = block.bottom() + 14
        self._arrow(p, w / 2, block.bottom(), y, text)
        self._box(p, QRectF(1, y, w, row), EMBEDDING, self.tr("Output: width {0} → {1} token scores").format(
            a.embedding, f"{a.vocab or 0:,}"))  # fmt: skip
        p.end()

    def _attention(self, p: QPainter, r: QRectF, a: Anatomy, text: QColor) -> None:
        """The query heads in groups, each group over the one KV head it shares (GQA)."""
        self._box(p, r, ATTENTION, "", fill_alpha=40)
        title = self.tr("Attention: {0} heads, {1} KV heads, head width {2}").format(
            a.heads, a.kv_heads, a.head_dim
        )
        p.setPen(text)
        p.drawText(r.adjusted(8, 4, -8, 0), Qt.AlignmentFlag.AlignLeft, title)
        groups = max(a.kv_heads, 1)
        per_group = max(1, a.heads // groups)
        room = r.width() - 20
        size = max(4.0, min(12.0, room / (groups * (per_group + 1)) - 2))
        shown = max(1, min(groups, int(room // ((per_group + 1) * (size + 2)))))
        x, y = r.left() + 10, r.top() + 26
        for _ in range(shown):
            left = x
            for _ in range(per_group):
                p.fillRect(QRectF(x, y, size, size), ATTENTION)
                x += size + 2
            middle = left + (x - left - 2) / 2 - size / 2
            p.fillRect(QRectF(middle, y + size + 6, size, size), KV)
            x += size + 2  # a gap between groups
        if shown < groups:
            p.drawText(QRectF(x, y, 40, size * 2 + 6), Qt.AlignmentFlag.AlignVCenter, "…")
        legend = self.tr("blue: query heads · orange: the KV heads they share (the KV cache)")
        p.setPen(text)
        p.drawText(QRectF(r.left() + 10, r.bottom() - 18, r.width() - 20, 16), Qt.AlignmentFlag.AlignLeft, legend)  # fmt: skip

    def _box(self, p: QPainter, r: QRectF, color: QColor, label: str, fill_alpha: int = 60) -> None:
        fill = QColor(color)
        fill.setAlpha(fill_alpha)
        p.setPen(QPen(color, 1.5))
        p.setBrush(fill)
        p.drawRoundedRect(r, 6, 6)
        if label:
            p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            p.drawText(r.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)  # fmt: skip

    def _arrow(self, p: QPainter, x: float, y0: float, y1: float, color: QColor) -> None:
        p.setPen(QPen(color, 1.2))
        p.drawLine(int(x), int(y0), int(x), int(y1))
        p.drawLine(int(x - 4), int(y1 - 5), int(x), int(y1))
        p.drawLine(int(x + 4), int(y1 - 5), int(x), int(y1))


class MemoryBar(QWidget):
    """Weights | KV cache | compute, to scale, with sizes; `available` draws where RAM ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.memory: Memory | None = None
        self.available: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Memory a load takes"))

    def set_memory(self, memory: Memory | None, available: int | None = None) -> None:
        self.memory, self.available = memory, available
        self.setToolTip(self.parts_text() if memory else "")
        self.update()

    def parts(self) -> list[tuple[str, int, QColor]]:
        m = self.memory
        if m is None:
            return []
        return [
            (self.tr("weights"), m.weights_bytes, WEIGHTS),
            (self.tr("KV cache ({0} tokens, {1})").format(f"{m.ctx:,}", m.kv_type), m.kv_cache_bytes, KV),
            (self.tr("compute buffer"), m.compute_bytes, COMPUTE),
        ]  # fmt: skip

    def parts_text(self) -> str:
        m = self.memory
        if m is None:
            return ""
        items = " + ".join(f"{name} {format_size(n)}" for name, n, _c in self.parts())
        return self.tr("{0} = {1}").format(items, format_size(m.total_bytes))

    def sizeHint(self) -> QSize:
        return QSize(420, 28)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 28)

    def paintEvent(self, _event: QPaintEvent) -> None:
        m = self.memory
        if m is None or m.total_bytes <= 0:
            return
        p = QPainter(self)
        scale_to = max(m.total_bytes, self.available or 0)
        w = self.width() - 2
        x = 1.0
        for _name, n, color in self.parts():
            part = w * n / scale_to
            p.fillRect(QRectF(x, 2, part, 24), color)
            x += part
        if self.available:  # where this computer's free memory ends
            ax = 1 + w * self.available / scale_to
            p.setPen(QPen(QColor("#c0392b"), 2))
            p.drawLine(int(ax), 0, int(ax), 28)
        p.end()
