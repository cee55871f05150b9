"""Evaluation mode in the batch tab (issue 16): with a gold-label column, how right the labels
are (accuracy, macro-F1, the confusion matrix) and how far to trust the probabilities (a
reliability diagram: per confidence bin, the share labelled right against the mean confidence;
a calibrated model's bars follow the diagonal; ECE is the weighted gap). The figures are
core/tasks/sentiment_eval.py's; this only draws them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.tasks.sentiment_eval import Bin, Evaluation
from desktop_app.ui.sentiment.labels import shown_label

BAR = QColor("#3b82c4")
GAP = QColor(192, 57, 43, 110)


class ReliabilityDiagram(QWidget):
    """Bars: accuracy per confidence bin; red: the gap to the bin's mean confidence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bins: tuple[Bin, ...] = ()
        self.setMinimumSize(150, 70)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Reliability diagram"))

    def sizeHint(self) -> QSize:
        return QSize(220, 90)

    def set_bins(self, bins: Sequence[Bin]) -> None:
        self.bins = tuple(bins)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        fm = self.fontMetrics()
        left, bottom = fm.horizontalAdvance("1.0") + 6, fm.height() + 4
        plot = QRectF(left, 4, self.width() - left - 6, self.height() - bottom - 8)
        if plot.width() <= 10 or plot.height() <= 10:
            return

        def at(x: float, y: float) -> QPointF:
            return QPointF(plot.left() + x * plot.width(), plot.bottom() - y * plot.height())

        for b in self.bins:
            if not b.count:
                continue
            x0, x1 = at(b.lower, 0).x() + 1, at(b.upper, 0).x() - 1
            top = at(0, b.accuracy).y()
            p.fillRect(QRectF(x0, top, x1 - x0, plot.bottom() - top), BAR)
            gap = at(0, b.confidence).y()
            p.fillRect(QRectF(x0, min(top, gap), x1 - x0, abs(gap - top)), GAP)
        p.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
        p.drawLine(at(0, 0), at(1, 1))
        p.setPen(QPen(text, 1))
        p.drawRect(plot)
        for v in (0.0, 0.5, 1.0):
            label = f"{v:.1f}"
            p.drawText(
                QPointF(
                    plot.left() - fm.horizontalAdvance(label) - 3, at(0, v).y() + fm.ascent() / 2
                ),
                label,
            )
            p.drawText(
                QPointF(
                    at(v, 0).x() - fm.horizontalAdvance(label) / 2, plot.bottom() + fm.ascent() + 2
                ),
                label,
            )
        p.end()


class EvaluationView(QWidget):
    """The evaluation's figures, diagram and confusion matrix (a tab beside the distribution)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Evaluation figures"))
        self.diagram = ReliabilityDiagram()
        self.confusion = QTableWidget(0, 0)
        self.confusion.setAccessibleName(self.tr("Confusion matrix"))
        self.confusion.setToolTip(self.tr("Rows: the gold label; columns: the label given"))
        self.confusion.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusion.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.confusion.setMinimumWidth(120)
        self.confusion.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        row = QHBoxLayout()
        row.addWidget(self.diagram, 3)
        row.addWidget(self.confusion, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.summary)
        layout.addLayout(row, 1)
        self.evaluation: Evaluation | None = None

    def sizeHint(self) -> QSize:
        """About the distribution chart's height: the results table keeps the room."""
        line = self.fontMetrics().height()
        return QSize(360, line * 6 + 24)

    def minimumSizeHint(self) -> QSize:
        return QSize(280, self.fontMetrics().height() * 5 + 16)

    def show_evaluation(self, ev: Evaluation | None) -> None:
        self.evaluation = ev
        if ev is None:
            self.summary.clear()
            self.diagram.set_bins(())
            self.confusion.setRowCount(0)
            self.confusion.setColumnCount(0)
            return
        self.summary.setText(
            self.tr("Accuracy {0:.1%} · macro-F1 {1:.3f} · ECE {2:.3f} · {3} rows").format(
                ev.accuracy, ev.macro_f1, ev.ece, ev.n
            )
        )
        self.diagram.set_bins(ev.bins)
        names = [shown_label(lab) for lab in ev.labels]
        self.confusion.setRowCount(len(names))
        self.confusion.setColumnCount(len(names))
        self.confusion.setHorizontalHeaderLabels(names)
        self.confusion.setVerticalHeaderLabels(names)
        for i, counts in enumerate(ev.confusion):
            for j, count in enumerate(counts):
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if i == j:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.confusion.setItem(i, j, item)
        self.confusion.resizeColumnsToContents()
        frame = 2 * self.confusion.frameWidth() + 2
        self.confusion.setMinimumWidth(
            self.confusion.verticalHeader().width()
            + self.confusion.horizontalHeader().length()
            + frame
        )
