"""The Sentiment pane's "One text" tab: the text box and the result (a label, a bar per label,
the margin, the reason). Widgets and drawing only; `pane.SentimentPane` wires them to the
controller. A near tie is no confident answer: below the margin the user set, the result reads
"Unsure: positive 44% vs negative 44%", muted, instead of a big coloured label.

`SentimentOneText` is a base of `SentimentPane`: its strings are looked up at run time under
the pane's name (tests/ui/test_translations.py, RUNTIME_CONTEXT).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.tasks.sentiment import TABLE_SUFFIXES, ItemResult
from desktop_app.ui.core_text import shown
from desktop_app.ui.sentiment.chart import label_color
from desktop_app.ui.sentiment.labels import shown_label, unsure_text
from desktop_app.ui.sentiment.options import PROBLEM_STYLE, as_hint

BAR_STEPS = 1000  # a probability bar's range: 0.1 % steps


def table_file(mime: Any) -> str | None:
    """The dragged file, if it is one local file of a kind the batch reads."""
    if not mime.hasUrls():
        return None
    urls = [u for u in mime.urls() if u.isLocalFile()]
    if len(urls) != 1:
        return None
    path = urls[0].toLocalFile()
    return path if Path(path).suffix.lower() in TABLE_SUFFIXES else None


class TextInput(QPlainTextEdit):
    """The one-text box: Ctrl+Enter analyses; a dropped table file goes to the batch instead."""

    submit = Signal()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit.emit()
            return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: Any) -> bool:
        if table_file(source):
            return False  # the pane opens it as a batch file
        return super().canInsertFromMimeData(source)


class SentimentOneText(QWidget):
    """The one-text tab's widgets and how a result is drawn."""

    prob_bars: dict[str, QProgressBar]
    prob_texts: dict[str, QLabel]

    def analyze(self) -> None:  # the pane's
        raise NotImplementedError

    def _build_one_tab(self) -> QWidget:
        self.prob_bars = {}
        self.prob_texts = {}
        self.input = TextInput()
        self.input.setAccessibleName(self.tr("Text to analyse"))
        self.input.setPlaceholderText(self.tr("Type or paste a text. Ctrl+Enter analyses it."))
        self.input.submit.connect(self.analyze)
        self.analyze_button = QPushButton(self.tr("Analyze"))
        self.analyze_button.setToolTip(self.tr("Analyze (Ctrl+Enter)"))
        self.analyze_button.setDefault(True)
        self.analyze_button.clicked.connect(self.analyze)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.analyze_button)

        self.result_label = QLabel()
        self.result_label.setAccessibleName(self.tr("Label"))
        f = self.result_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.6)
        f.setBold(True)
        self.result_label.setFont(f)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prob_grid = QGridLayout()
        self.prob_grid.setColumnStretch(1, 1)
        self.prob_grid.setHorizontalSpacing(10)
        self.margin_label = QLabel()
        self.margin_label.setAccessibleName(self.tr("Margin"))
        self.margin_label.setWordWrap(True)
        as_hint(self.margin_label)
        self.margin_label.setVisible(False)
        self.reason_label = QLabel()
        self.reason_label.setAccessibleName(self.tr("Reason"))
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label.setVisible(False)
        result = QGroupBox(self.tr("Result"))
        rl = QVBoxLayout(result)
        rl.addWidget(self.result_label)
        rl.addLayout(self.prob_grid)
        rl.addWidget(self.margin_label)
        rl.addWidget(self.reason_label)
        rl.addStretch(1)
        self._show_placeholder()

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.input, 2)
        layout.addLayout(row)
        layout.addWidget(result, 3)
        return tab

    def _show_analyzing(self, reason: bool) -> None:
        self._clear_result()
        self.result_label.setText(
            self.tr("Analyzing…") if not reason else self.tr("Analyzing and writing a reason…")
        )
        self.result_label.setStyleSheet("")
        as_hint(self.result_label)

    def _clear_result(self) -> None:
        while self.prob_grid.count():
            item = self.prob_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.prob_bars = {}
        self.prob_texts = {}
        self.margin_label.setVisible(False)
        self.margin_label.setText("")
        self.reason_label.setVisible(False)
        self.reason_label.setText("")

    def _show_placeholder(self) -> None:
        self.result_label.setText(self.tr("The label and its probabilities appear here."))
        self.result_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.result_label.setStyleSheet("")

    def _show_result(self, labels: Sequence[str], result: ItemResult, unsure_below: float) -> None:
        self._clear_result()
        if not result.ok or result.label is None:
            self.result_label.setText(shown(result.error or "") or self.tr("No label."))
            self.result_label.setStyleSheet(PROBLEM_STYLE)
            return
        margin = result.margin or 0.0
        if result.unsure(unsure_below):
            self.result_label.setText(unsure_text(result))
            self.result_label.setStyleSheet("")
            as_hint(self.result_label)
            self.margin_label.setText(
                self.tr("Margin {0:.1%}: below {1:.0%}, too close to call.").format(
                    margin, unsure_below
                )
            )
        else:
            self.result_label.setText(shown_label(result.label))
            color = label_color(result.label, list(labels).index(result.label))
            self.result_label.setStyleSheet(f"color: {color.name()};")
            self.margin_label.setText(
                self.tr("Margin {0:.1%} over {1} (unsure below {2:.0%}).").format(
                    margin, shown_label(result.runner_up or ""), unsure_below
                )
            )
        self.margin_label.setVisible(True)
        for i, label in enumerate(labels):
            self._add_bar(i, label, result.probs.get(label, 0.0), label == result.label)
        if result.reason:
            self.reason_label.setText(self.tr("Why: {0}").format(result.reason))
            self.reason_label.setVisible(True)

    def _add_bar(self, row: int, label: str, p: float, chosen: bool) -> None:
        name = QLabel(shown_label(label))
        bar = QProgressBar()
        bar.setRange(0, BAR_STEPS)
        bar.setValue(round(p * BAR_STEPS))
        bar.setTextVisible(False)
        bar.setMaximumHeight(self.fontMetrics().height())
        bar.setAccessibleName(self.tr("Probability of {0}").format(shown_label(label)))
        pal = bar.palette()
        pal.setColor(QPalette.ColorRole.Highlight, label_color(label, row))
        bar.setPalette(pal)
        value = QLabel(f"{p:.1%}")
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        value.setMinimumWidth(self.fontMetrics().horizontalAdvance("100.0%") + 4)
        if chosen:
            for w in (name, value):
                bold = w.font()
                bold.setBold(True)
                w.setFont(bold)
        self.prob_grid.addWidget(name, row, 0)
        self.prob_grid.addWidget(bar, row, 1)
        self.prob_grid.addWidget(value, row, 2)
        self.prob_bars[label] = bar
        self.prob_texts[label] = value
