"""A small bar chart of how many texts got each label (QtCharts is not installed; QPainter is
enough), and the colour each label has wherever the Sentiment pane draws it. The unsure texts
of a label (a margin below the user's threshold) are the hatched end of its bar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.ui.sentiment.labels import shown_label

_KNOWN = {
    "positive": "#2e9d5b",
    "negative": "#d2453c",
    "neutral": "#8a8f98",
    "mixed": "#d69a1a",
    "积极": "#2e9d5b",
    "正面": "#2e9d5b",
    "消极": "#d2453c",
    "负面": "#d2453c",
    "中性": "#8a8f98",
    "中立": "#8a8f98",
    "混合": "#d69a1a",
}
_CYCLE = ("#3d6fd6", "#8e5bd6", "#1a9bb0", "#c75a9c", "#6b8e23", "#b5651d", "#5c6bc0")
ERROR_COLOR = "#9aa0a6"


def label_color(label: str, index: int) -> QColor:
    """The usual sentiments get their usual colours; other labels a distinct one by position."""
    known = _KNOWN.get(label.strip().casefold())
    return QColor(known or _CYCLE[index % len(_CYCLE)])


class LabelChart(QWidget):
    """One horizontal bar per label: its count and its share of the labelled texts.

    Texts without a label (errors, not scored) get a grey row of their own, so the bars still
    add up to what was labelled and nothing goes missing from the picture. The texts of a label
    that were too close to call are counted in its bar and drawn hatched at its end.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._counts: dict[str, int] = {}
        self._unlabelled = 0
        self._unsure: dict[str, int] = {}
        self.unlabelled_name = self.tr("no label")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Label distribution"))

    # ---- data ----------------------------------------------------------------------------

    def set_labels(self, labels: Sequence[str]) -> None:
        self._labels = list(labels)
        self._counts = dict.fromkeys(self._labels, 0)
        self._unlabelled = 0
        self._unsure = {}
        self._changed(geometry=True)

    def set_counts(
        self,
        counts: Mapping[str, int],
        unlabelled: int = 0,
        unsure: Mapping[str, int] | None = None,
    ) -> None:
        """Texts per label, texts without one, and per label how many of its texts are unsure."""
        self._counts = {label: int(counts.get(label, 0)) for label in self._labels}
        self._unlabelled = unlabelled
        self._unsure = {k: int(v) for k, v in (unsure or {}).items() if k in self._counts and v}
        self._changed(geometry=True)

    def add(self, label: str | None, unsure: bool = False) -> None:
        """One more text: with this label (`unsure`: too close to call), or (None) without one."""
        if label is None or label not in self._counts:
            self._unlabelled += 1
            self._changed(geometry=self._unlabelled == 1)
        else:
            self._counts[label] += 1
            if unsure:
                self._unsure[label] = self._unsure.get(label, 0) + 1
            self._changed()

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def unsure_counts(self) -> dict[str, int]:
        """Per label, how many of its texts are unsure (labels with none are left out)."""
        return dict(self._unsure)

    @property
    def unlabelled(self) -> int:
        return self._unlabelled

    @property
    def labelled(self) -> int:
        return sum(self._counts.values())

    def share(self, label: str) -> float:
        total = self.labelled
        return self._counts.get(label, 0) / total if total else 0.0

    def _value_text(self, label: str) -> str:
        n, unsure = self._counts.get(label, 0), self._unsure.get(label, 0)
        text = f"{n}  ({self.share(label):.0%})"
        return text + "  " + self.tr("{0} unsure").format(unsure) if unsure else text

    def summary(self) -> str:
        parts = [
            self.tr("{0}: {1} ({2:.0%})").format(
                shown_label(label), self._counts[label], self.share(label)
            )
            + (
                ", " + self.tr("{0} unsure").format(self._unsure[label])
                if label in self._unsure
                else ""
            )
            for label in self._labels
        ]
        if self._unlabelled:
            parts.append(self.tr("{0}: {1}").format(self.unlabelled_name, self._unlabelled))
        return "; ".join(parts)

    def _changed(self, geometry: bool = False) -> None:
        text = self.summary()
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        if geometry:
            self.updateGeometry()
        self.update()

    # ---- drawing -------------------------------------------------------------------------

    def _rows(self) -> int:
        return max(1, len(self._labels) + (1 if self._unlabelled else 0))

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 8

    def sizeHint(self) -> QSize:
        return QSize(320, self._rows() * self._row_height() + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self._rows() * self._row_height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        pal = self.palette()
        text_color = pal.color(QPalette.ColorRole.WindowText)
        track = pal.color(QPalette.ColorRole.Mid)
        track.setAlpha(60)
        rows: list[tuple[str, int, QColor, str, int]] = []
        for i, label in enumerate(self._labels):
            n = self._counts.get(label, 0)
            color = label_color(label, i)
            rows.append(
                (shown_label(label), n, color, self._value_text(label), self._unsure.get(label, 0))
            )
        if self._unlabelled:
            rows.append(
                (
                    self.unlabelled_name,
                    self._unlabelled,
                    QColor(ERROR_COLOR),
                    str(self._unlabelled),
                    0,
                )
            )
        if not rows:
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No results yet"))
            return
        rh = self._row_height()
        name_w = min(max(fm.horizontalAdvance(r[0]) for r in rows) + 12, self.width() // 3)
        value_w = max(fm.horizontalAdvance(r[3]) for r in rows) + 12
        bar_x = 4 + name_w
        bar_w = max(10, self.width() - bar_x - value_w - 4)
        top_count = max(1, max(r[1] for r in rows))
        for row, (name, n, color, value, unsure) in enumerate(rows):
            y = 4 + row * rh
            painter.setPen(text_color)
            shown = fm.elidedText(name, Qt.TextElideMode.ElideRight, name_w - 8)
            painter.drawText(
                QRectF(4, y, name_w - 8, rh),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                shown,
            )
            bar = QRectF(bar_x, y + 4, bar_w, rh - 8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 3, 3)
            if n:
                filled = QRectF(
                    bar.x(), bar.y(), max(3.0, bar.width() * n / top_count), bar.height()
                )
                painter.setBrush(color)
                painter.drawRoundedRect(filled, 3, 3)
                if unsure:  # the unsure share of the bar, at its end: paler and hatched
                    part = filled.width() * unsure / n
                    end = QRectF(filled.right() - part, filled.y(), part, filled.height())
                    pale = QColor(pal.color(QPalette.ColorRole.Base))
                    pale.setAlpha(150)
                    painter.setBrush(pale)
                    painter.drawRect(end)
                    painter.setBrush(QBrush(color, Qt.BrushStyle.BDiagPattern))
                    painter.drawRect(end)
            painter.setPen(text_color)
            painter.drawText(
                QRectF(bar_x + bar_w + 8, y, value_w, rh),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                value,
            )
