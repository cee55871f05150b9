"""The Sentiment pane: label one text, or every row of a CSV/TSV/XLSX/TXT file, with the model's
probability for each label (issue #4).

The options (labels, examples, calibration, reasons) are on the left and apply to both tabs:
"One text" (here) and "Batch file" (`sentiment_batch.BatchPanel`). The engine calls block, so
they run on a Python worker thread and come back as queued signals of a relay object; every
request has a number, and an answer to a request since replaced is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.storage.settings import Settings
from desktop_app.core.tasks.sentiment import ItemResult, SentimentTask
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.label_chart import label_color
from desktop_app.ui.sentiment_batch import BatchPanel, table_file
from desktop_app.ui.sentiment_options import PROBLEM_STYLE, SentimentOptions, as_hint
from desktop_app.ui.worker_relay import emit, error_text, in_thread

BAR_STEPS = 1000  # a probability bar's range: 0.1 % steps


class _Relay(QObject):
    """Carries the worker's answer to the GUI thread (queued: the relay lives there)."""

    done = Signal(int, object)  # request, ItemResult
    failed = Signal(int, str)  # request, message


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


class SentimentPane(QWidget):
    status_message = Signal(str)
    analysis_finished = Signal()  # one text analysed, or failed

    def __init__(
        self, service: EngineService, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self._request = 0
        self._analyzing = False
        self._one_labels: tuple[str, ...] = ()
        self.prob_bars: dict[str, QProgressBar] = {}
        self.prob_texts: dict[str, QLabel] = {}
        self._relay = _Relay()  # no parent: a worker may still hold it after the pane is gone
        self._relay.done.connect(self._on_one_done)
        self._relay.failed.connect(self._on_one_failed)
        self.setAcceptDrops(True)

        title = QLabel(self.tr("Sentiment"))
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        title.setFont(f)
        subtitle = QLabel(
            self.tr("The model's probability for each label, for one text or a whole file.")
        )
        as_hint(subtitle)
        self.method = QLabel()
        self.method.setAccessibleName(self.tr("How the probabilities are computed"))
        self.method.setWordWrap(True)
        as_hint(self.method)
        self.hint = QLabel()
        self.hint.setAccessibleName(self.tr("Why the buttons are off"))
        self.hint.setStyleSheet("color: #b06000;")
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setAccessibleName(self.tr("Error"))
        self.error.setStyleSheet(PROBLEM_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setVisible(False)

        self.options = SentimentOptions(settings)
        self.options.changed.connect(self._sync)
        self.options.save_failed.connect(self.show_error)
        self.batch = BatchPanel(service, self.options)
        self.batch.status_message.connect(self.status_message)
        self.batch.error_changed.connect(self.show_error)
        self.batch.busy_changed.connect(self._sync)
        self.tabs = QTabWidget()
        self.batch.table_loaded.connect(lambda _p: self.tabs.setCurrentWidget(self.batch))
        self.tabs.addTab(self._build_one_tab(), self.tr("One text"))
        self.tabs.addTab(self.batch, self.tr("Batch file"))

        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 6, 0)
        sl.addWidget(self.options)
        side.setMinimumWidth(210)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(side)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 680])

        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(subtitle, 1, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.method)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)

        # bound methods, not lambdas: Qt drops them with the pane (the service outlives it)
        for signal in (
            service.loaded,
            service.load_failed,
            service.load_started,
            service.unloaded,
            service.engine_crashed,
        ):
            signal.connect(self._engine_changed)
        self._sync()

    def _engine_changed(self, *_args: object) -> None:
        self._sync()

    def _build_one_tab(self) -> QWidget:
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
        self.reason_label = QLabel()
        self.reason_label.setAccessibleName(self.tr("Reason"))
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label.setVisible(False)
        result = QGroupBox(self.tr("Result"))
        rl = QVBoxLayout(result)
        rl.addWidget(self.result_label)
        rl.addLayout(self.prob_grid)
        rl.addWidget(self.reason_label)
        rl.addStretch(1)
        self._show_placeholder()

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.input, 2)
        layout.addLayout(row)
        layout.addWidget(result, 3)
        return tab

    # ---- state ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._analyzing or self.batch.busy

    def _sync(self) -> None:
        loaded = self.service.model_info is not None
        problem = self.options.problem()
        ready = loaded and not problem
        self.analyze_button.setEnabled(ready and not self.busy)
        self.batch.sync(ready and not self._analyzing)  # the engine does one thing at a time
        self.options.setEnabled(not self.busy)
        if not loaded:
            self.hint.setText(
                self.tr("No model is loaded: load one in the bar above to analyse texts.")
            )
        elif problem:
            self.hint.setText(self.tr("Fix the options first: {0}").format(problem))
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))
        self.method.setText(self._method_text() if loaded else "")
        self.method.setVisible(bool(self.method.text()))

    def _method_text(self) -> str:
        """Say where the probabilities come from: they mean less from a constrained answer."""
        if not self.service.remote:
            return (
                ""  # the local engine: the model's own next-token probabilities, as the title says
            )
        mode = getattr(self.service.client, "scoring_mode", None)
        if mode == "logprobs":
            return self.tr("Remote server: probabilities from its log-probabilities of the labels.")
        if mode == "constrained":
            return self.tr(
                "Remote server without log-probabilities: a constrained one-word answer; the "
                "chosen label gets probability 1."
            )
        return self.tr(
            "Remote server: probabilities from its log-probabilities where it offers them, "
            "otherwise a constrained one-word answer."
        )

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def shutdown(self) -> None:
        """Stop what is in flight; late answers are ignored."""
        self._request += 1
        self.batch.shutdown()

    # ---- drag and drop: a table file anywhere on the pane opens it as the batch ------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if table_file(event.mimeData()) and not self.batch.busy:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if table_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = table_file(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.tabs.setCurrentWidget(self.batch)
            self.batch.open_table(path)

    # ---- one text ------------------------------------------------------------------------

    def analyze(self) -> None:
        if self.busy or not self.analyze_button.isEnabled():
            return
        text = self.input.toPlainText()
        labels = self.options.labels()
        if not text.strip():
            self.show_error(self.tr("Type or paste a text first."))
            return
        if labels is None:
            return
        examples = self.options.examples_list()
        calibrate = self.options.calibrate.isChecked()
        reason = self.options.reason.isChecked()
        self._request += 1
        request = self._request
        self._analyzing = True
        self._one_labels = labels
        self.show_error("")
        self._sync()
        self._clear_result()
        self.result_label.setText(
            self.tr("Analyzing…") if not reason else self.tr("Analyzing and writing a reason…")
        )
        self.result_label.setStyleSheet("")
        as_hint(self.result_label)
        self.status_message.emit(self.tr("Analyzing the text…"))
        task = SentimentTask(self.service.client)
        relay = self._relay

        def work() -> None:
            try:
                result = task.classify_one(
                    text, labels, calibrate=calibrate, examples=examples, reason=reason
                )
            except Exception as exc:  # the engine's errors arrive as exceptions: say them
                emit(relay.failed, request, error_text(exc))
            else:
                emit(relay.done, request, result)

        in_thread("sentiment-one", work)

    def _on_one_done(self, request: int, result: ItemResult) -> None:
        if request != self._request:
            return
        self._analyzing = False
        self._show_result(self._one_labels, result)
        if result.ok and result.label is not None:
            self.status_message.emit(
                self.tr("Analyzed: {0} ({1:.0%})").format(
                    result.label, result.probs.get(result.label, 0.0)
                )
            )
        else:
            self.status_message.emit(self.tr("The text could not be analysed."))
        self._sync()
        self.analysis_finished.emit()

    def _on_one_failed(self, request: int, message: str) -> None:
        if request != self._request:
            return
        self._analyzing = False
        self._clear_result()
        self._show_placeholder()
        self.show_error(self.tr("The text could not be analysed: {0}").format(message))
        self.status_message.emit(message)
        self._sync()
        self.analysis_finished.emit()

    def _clear_result(self) -> None:
        while self.prob_grid.count():
            item = self.prob_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.prob_bars = {}
        self.prob_texts = {}
        self.reason_label.setVisible(False)
        self.reason_label.setText("")

    def _show_placeholder(self) -> None:
        self.result_label.setText(self.tr("The label and its probabilities appear here."))
        self.result_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.result_label.setStyleSheet("")

    def _show_result(self, labels: Sequence[str], result: ItemResult) -> None:
        self._clear_result()
        if not result.ok or result.label is None:
            self.result_label.setText(result.error or self.tr("No label."))
            self.result_label.setStyleSheet(PROBLEM_STYLE)
            return
        self.result_label.setText(result.label)
        color = label_color(result.label, list(labels).index(result.label))
        self.result_label.setStyleSheet(f"color: {color.name()};")
        for i, label in enumerate(labels):
            p = result.probs.get(label, 0.0)
            name = QLabel(label)
            bar = QProgressBar()
            bar.setRange(0, BAR_STEPS)
            bar.setValue(round(p * BAR_STEPS))
            bar.setTextVisible(False)
            bar.setMaximumHeight(self.fontMetrics().height())
            bar.setAccessibleName(self.tr("Probability of {0}").format(label))
            pal = bar.palette()
            pal.setColor(QPalette.ColorRole.Highlight, label_color(label, i))
            bar.setPalette(pal)
            value = QLabel(f"{p:.1%}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(self.fontMetrics().horizontalAdvance("100.0%") + 4)
            if label == result.label:
                for w in (name, value):
                    bold = w.font()
                    bold.setBold(True)
                    w.setFont(bold)
            self.prob_grid.addWidget(name, i, 0)
            self.prob_grid.addWidget(bar, i, 1)
            self.prob_grid.addWidget(value, i, 2)
            self.prob_bars[label] = bar
            self.prob_texts[label] = value
        if result.reason:
            self.reason_label.setText(self.tr("Why: {0}").format(result.reason))
            self.reason_label.setVisible(True)
