"""The Sentiment pane: label one text, or every row of a CSV/TSV/XLSX/TXT file, with the model's
probability for each label (issue #4). A view over a `SentimentController`
(core/controllers/sentiment.py), which owns the file, the options, the run and the results.

The options (labels, examples, calibration, reasons) are on the left and apply to both tabs:
"One text" (one_text.py) and "Batch file" (batch.py). The controller's blocking work runs
through `ui/background.py` (`gui_runner`), so its events arrive on the GUI thread.

Keeping the state across a rebuilt window (language, theme): `new.attach(old.controller)`, then
`old.detach()` (MainWindow.hand_over does it). The new pane shows the same text, result, batch
rows, chart and options; a job in flight goes on (its `Background` belongs to the application,
not to the old pane) and reports to the controller, which the new pane follows.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.sentiment import (
    Event,
    OneEnded,
    OneStarted,
    SentimentController,
    UnsureChanged,
)
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Sentiment
from desktop_app.ui.background import error_text, gui_runner
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.sentiment.batch import BatchPanel
from desktop_app.ui.sentiment.labels import shown_label, unsure_text
from desktop_app.ui.sentiment.one_text import SentimentOneText, table_file
from desktop_app.ui.sentiment.options import PROBLEM_STYLE, SentimentOptions, as_hint

__all__ = ["SentimentPane"]

End = Callable[[object, BaseException | None], None]


class SentimentPane(SentimentOneText):
    status_message = Signal(str)
    figures_changed = Signal(str)  # the status bar's figures for this pane; "" for none
    analysis_finished = Signal()  # one text analysed, or failed

    def __init__(
        self,
        service: EngineService,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        controller: SentimentController | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.controller = controller or SentimentController(
            lambda: service.client, gui_runner, unsure_below=settings.value(Sentiment.unsure_below)
        )
        self._attached = False
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
        self.options.changed.connect(self._options_changed)
        self.options.save_failed.connect(self.show_error)
        self.options.unsure_changed.connect(lambda below: self.controller.set_unsure_below(below))
        self.batch = BatchPanel(self.options, self.controller)
        self.batch.status_message.connect(self.status_message)
        self.batch.figures_changed.connect(self.figures_changed)
        self.batch.error_changed.connect(self.show_error)
        self.batch.busy_changed.connect(self._sync)
        self.tabs = QTabWidget()
        self.batch.table_loaded.connect(lambda _p: self.tabs.setCurrentWidget(self.batch))
        self.one_tab = self._build_one_tab()
        self.tabs.addTab(self.one_tab, self.tr("One text"))
        self.tabs.addTab(self.batch, self.tr("Batch file"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.input.textChanged.connect(self._text_changed)

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
        self.attach(self.controller)

    # ---- the controller ------------------------------------------------------------------

    def attach(self, controller: SentimentController) -> None:
        """Show `controller`'s state and follow it from now on (see the module's docstring)."""
        if self._attached:
            self.detach()
        self.controller = controller
        controller.runner = gui_runner
        self.batch.attach(controller)
        controller.add_listener(self._on_controller)
        self._attached = True
        if controller.options_draft is not None:
            self.options.show_draft(controller.options_draft)
        else:
            controller.options_draft = self.options.draft()
        controller.set_unsure_below(self.options.unsure_below())
        if controller.one_text != self.input.toPlainText():
            self.input.setPlainText(controller.one_text)
        options = controller.one_options
        if controller.analyzing:
            self._show_analyzing(options is not None and options.reason)
        elif controller.one_result is not None:
            self._show_result(controller.one_labels, controller.one_result, controller.unsure_below)
        else:
            self._clear_result()
            self._show_placeholder()
        self.tabs.setCurrentWidget(self.batch if controller.flow == "batch" else self.one_tab)
        self._sync()

    def detach(self) -> None:
        """Stop following the controller (this pane is being replaced)."""
        self.controller.remove_listener(self._on_controller)
        self.batch.detach()
        self._attached = False

    def _on_controller(self, event: Event) -> None:
        if isinstance(event, OneStarted):
            options = self.controller.one_options
            self._show_analyzing(options is not None and options.reason)
            self.status_message.emit(self.tr("Analyzing the text…"))
            self._sync()
        elif isinstance(event, OneEnded):
            self._on_one_ended(event)
        elif isinstance(event, UnsureChanged):  # the same result, read by the new threshold
            c = self.controller
            if not c.analyzing and c.one_result is not None:
                self._show_result(c.one_labels, c.one_result, c.unsure_below)

    def _on_one_ended(self, event: OneEnded) -> None:
        result = event.result
        if result is not None:
            c = self.controller
            self._show_result(c.one_labels, result, c.unsure_below)
            if result.ok and result.label is not None and c.unsure(result):
                self.status_message.emit(unsure_text(result))
            elif result.ok and result.label is not None:
                self.status_message.emit(
                    self.tr("Analyzed: {0} ({1:.0%})").format(
                        shown_label(result.label), result.probs.get(result.label, 0.0)
                    )
                )
            else:
                self.status_message.emit(self.tr("The text could not be analysed."))
        else:
            self._clear_result()
            self._show_placeholder()
            if event.error is not None:
                message = error_text(event.error)
                self.show_error(self.tr("The text could not be analysed: {0}").format(message))
                self.status_message.emit(message)
        self._sync()
        self.analysis_finished.emit()

    def _options_changed(self) -> None:
        self.controller.options_draft = self.options.draft()
        self._sync()

    def _text_changed(self) -> None:
        self.controller.one_text = self.input.toPlainText()

    def _tab_changed(self, _index: int) -> None:
        self.controller.flow = "batch" if self.tabs.currentWidget() is self.batch else "one"

    def _engine_changed(self, *_args: object) -> None:
        self._sync()

    # ---- state ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.controller.analyzing or self.controller.busy is not None

    def _sync(self) -> None:
        loaded = self.service.model_info is not None
        problem = self.options.problem()
        ready = loaded and not problem
        self.analyze_button.setEnabled(ready and not self.busy)
        # the engine does one thing at a time
        self.batch.sync(ready and not self.controller.analyzing)
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
        """Stop what is in flight: a batch keeps the rows it scored; a late answer is dropped."""
        self.controller.shutdown()

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
        if not text.strip():
            self.show_error(self.tr("Type or paste a text first."))
            return
        options = self.options.options()
        if options is None:
            return
        self.show_error("")
        self.controller.analyze(text, options)
