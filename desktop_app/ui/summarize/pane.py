"""The Summarize pane: a view over a `SummarizeRun` (core/controllers/summarize.py).

The controller owns the document, its token count, the run and the result; this pane renders
them (render.py) and forwards what the user does. Blocking work runs through `ui/background.py`:
the pane hands the controller a runner built on `Background`, so its events arrive on the GUI
thread. A run can be cancelled at any moment and keeps what was finished.

Keeping the state across a rebuilt window (language, theme): build the new pane with the old
one's controller, `SummarizePane(service, settings, controller=old.controller)`, then
`old.detach()`. The new pane shows the same text, summary and parts; a run in flight goes on (its
`Background` belongs to the application, not to the old pane) and the new pane follows it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import QWidget

from desktop_app.core.controllers.summarize import (
    Counted,
    DocumentFailed,
    DocumentRead,
    Event,
    ReadStarted,
    RunEnded,
    SummarizeRun,
)
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.errors import AppError
from desktop_app.core.storage.settings import Settings
from desktop_app.core.tasks.summarize import Advanced, PartDone, Plan, Progress, Retrying, Token
from desktop_app.ui.background import Background, Task
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.summarize.files import SummarizeFiles

End = Callable[[object, BaseException | None], None]


class SummarizePane(SummarizeFiles):
    document_opened = Signal(object)  # Document, once it is in the text box
    document_failed = Signal(str)  # why a file could not be read (also shown in the pane)

    def __init__(
        self,
        service: EngineService,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        controller: SummarizeRun | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.controller = controller or SummarizeRun(lambda: service.client)
        self.setAcceptDrops(True)
        self._setting_text = False
        self._summary = ""  # the markdown shown in the output, for Copy and Save
        self._last_dir = str(self.controller.path.parent if self.controller.path else Path.home())
        # The run's Background belongs to the application, so a run outlives a rebuilt pane.
        self.runner = Background(lambda e: e.text if isinstance(e, Token) else None)
        self.runner.setParent(QCoreApplication.instance())
        self.runner.running_changed.connect(self._sync)
        self._run_to: list[tuple[Callable[[object], None], End]] = []  # the run's controller
        _route(self.runner, self._run_to, once=False)  # before anyone else: views see it first
        self._engine_down = False  # crashed: no model until the next load

        self._build_source()
        self._build_options()
        self._build_output()
        self._build_parts()
        self._build_claims()
        self._lay_out()
        self._load_options()

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(500)
        self._count_timer.timeout.connect(self._update_source_info)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_options)
        self._tick = QTimer(self)  # the time left counts down between the run's events
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_step)
        for combo in (self.style_box, self.language_box):
            combo.currentIndexChanged.connect(self._options_changed)
        self.length_box.valueChanged.connect(self._options_changed)
        self.instruction.textChanged.connect(self._options_changed)
        self.input.textChanged.connect(self._on_text_changed)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self, self.summarize)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape = QShortcut(QKeySequence("Esc"), self, self.cancel)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        service.loaded.connect(self._on_model_changed)
        service.unloaded.connect(self._on_model_changed)
        service.load_started.connect(self._on_load_started)
        service.engine_crashed.connect(self._on_engine_crashed)
        self.attach(self.controller)

    # ---- the controller ------------------------------------------------------------------

    def attach(self, controller: SummarizeRun) -> None:
        """Show `controller`'s state and follow it from now on (see the module's docstring)."""
        self.controller = controller
        controller.runner = self._run_job
        controller.add_listener(self._on_controller)
        self._set_text(controller.text)
        self._clear_result()
        if controller.running:
            for event in controller.run_events:
                self._on_controller(event)
            self.output.append_plain(controller.streamed)
            self.progress.setVisible(True)
            self._show_step()
        elif controller.result is not None:
            self._show_result(controller.result, controller.seconds)
        elif controller.error is not None:
            self._show_failure(controller.error)
        self._set_parts_title()
        self._sync()
        self._show_source_info()
        self.figures_changed.emit(self._figures())

    def detach(self) -> None:
        """Stop following the controller (this pane is being replaced)."""
        self.controller.remove_listener(self._on_controller)

    @property
    def sampling(self) -> SamplingParams:
        return self.controller.sampling

    @sampling.setter
    def sampling(self, value: SamplingParams) -> None:
        self.controller.sampling = value

    def _run_job(
        self, name: str, task: Task, on_event: Callable[[object], None], on_end: End
    ) -> Callable[[], None]:
        """The controller's runner: the run on `self.runner`, reads and counts on their own."""
        if name == "summarize":
            job, self._run_to[:] = self.runner, [(on_event, on_end)]
        else:
            job = Background(parent=self)
            _route(job, [(on_event, on_end)], once=True)
            job.running_changed.connect(self._sync)
        job.start(task, name=name)
        return job.cancel

    def _on_controller(self, event: Event) -> None:
        if isinstance(event, Progress):
            self._on_progress(event)
        elif isinstance(event, Advanced):
            self._show_step()
        elif isinstance(event, Retrying):
            self._on_retrying(event)
        elif isinstance(event, Plan):
            self._show_plan(event)
        elif isinstance(event, PartDone):
            self._on_part_done(event)
        elif isinstance(event, Token):
            self.output.append_plain(event.text)
        elif isinstance(event, Counted):
            self._show_source_info()
        elif isinstance(event, ReadStarted):
            self._sync()
        elif isinstance(event, DocumentRead):
            self._clear_result()  # the last summary was of another text
            self._set_text(event.document.text)
            self._sync()
            self._show_source_info()
            self._update_source_info()
            self.status_message.emit(self.tr("Opened {0}").format(event.path.name))
            self.document_opened.emit(event.document)
        elif isinstance(event, DocumentFailed):
            error = event.error
            message = str(error) if isinstance(error, AppError) else self._unexpected(error)
            self._show_source_error(message)
            self._sync()
            self._show_source_info()
            self.status_message.emit(message)
            self.document_failed.emit(message)
        elif isinstance(event, RunEnded):
            self._on_run_ended(event)

    def open_file(self, path: str) -> None:
        """Read the file off the GUI thread; its text replaces the box's (Ctrl+Z undoes that)."""
        if self.controller.running:
            self._show_source_error(self.tr("Wait for the summary to finish, or cancel it first."))
            return
        p = Path(path)
        self._show_source_error("")
        if not self.controller.open(p):
            return
        self._last_dir = str(p.parent)
        self.source_info.setText(self.tr("Reading {0}…").format(p.name))
        self.source_info.setVisible(True)

    def _set_text(self, text: str) -> None:
        """Show `text` (the controller's), as one undoable edit so the previous text is not lost."""
        if text == self.input.toPlainText():
            return
        self._setting_text = True
        try:
            if self.input.document().isEmpty():
                self.input.setPlainText(text)
            else:
                cursor = self.input.textCursor()
                cursor.select(QTextCursor.SelectionType.Document)
                cursor.insertText(text)
                cursor.movePosition(QTextCursor.MoveOperation.Start)
                self.input.setTextCursor(cursor)
        finally:
            self._setting_text = False

    def clear_text(self) -> None:
        if self.controller.running:
            return
        cursor = self.input.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        self.controller.forget_document()
        self._show_source_error("")
        self._show_source_info()

    def text(self) -> str:
        return self.controller.normalized_text()

    def _on_text_changed(self) -> None:
        shown = self.input.toPlainText()
        if self._setting_text:  # the controller's own text, shown: not an edit
            self.controller.text = shown
        else:
            self.controller.set_text(shown)
        self._count_timer.start()
        self.clear_button.setEnabled(not self.controller.running and bool(shown))

    def _update_source_info(self) -> None:
        """Show the counts; ask the controller to count the tokens (a round trip) if needed."""
        self._show_source_info()
        if self._model() is not None:
            self.controller.count_tokens()

    # ---- summarizing ---------------------------------------------------------------------

    def summarize(self) -> None:
        c = self.controller
        if c.running or c.reading:
            return
        info = self._model()
        if info is None:
            self.status_message.emit(self.tr("Load a model first."))
            return
        if not self.text().strip():
            self._show_source_error(
                self.tr("There is no text to summarize: paste some, or open a file.")
            )
            return
        self._show_source_error("")
        self.save_options()
        self._summary = ""
        self.output.clear()
        self._set_notes("", "")
        self.parts.clear_parts()
        self._hide_claims()
        if not c.summarize(info.n_ctx, self.options()):
            return
        self._set_stage(self.tr("Starting…"))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status_message.emit(self.tr("Summarizing…"))
        self._sync()

    def cancel(self) -> None:
        if not self.controller.running or self.controller.cancelling:
            return
        self.controller.cancel()
        self._set_stage(self.tr("Stopping…"))
        self.cancel_button.setEnabled(False)

    # ---- state ---------------------------------------------------------------------------

    def _model(self) -> ModelInfo | None:
        """The model to summarize with; none while loading or after the engine stopped."""
        return None if self._engine_down else self.service.model_info

    def _on_load_started(self, _path: str) -> None:
        self._sync()

    def _on_engine_crashed(self, _message: str) -> None:
        self._engine_down = True  # the service keeps its model_info until the next load
        self._sync()

    def _on_model_changed(self, *_args: object) -> None:
        self._engine_down = False
        self.controller.forget_tokens()  # another model counts differently
        self._sync()
        self._update_source_info()

    def _sync(self, *_args: object) -> None:
        c = self.controller
        running, reading = c.running, c.reading
        if running and not self._tick.isActive():
            self._tick.start()
        elif not running:
            self._tick.stop()
        loaded = self._model() is not None
        self.summarize_button.setEnabled(loaded and not running and not reading)
        self.cancel_button.setEnabled(running and not c.cancelling)
        self.cancel_button.setVisible(running)
        self.input.setReadOnly(running)
        self.open_button.setEnabled(not running and not reading)
        for w in (self.style_box, self.length_box, self.language_box, self.instruction):
            w.setEnabled(not running)
        self.clear_button.setEnabled(not running and not self.input.document().isEmpty())
        has_output = bool(self._summary) and not running
        self.copy_button.setEnabled(has_output)
        self.save_button.setEnabled(has_output)
        if not loaded:
            hint = self.tr("Load a model (at the top) to summarize.")
        elif running:
            hint = self.tr("Esc cancels and keeps what is done.")
        else:
            hint = self.tr("Ctrl+Enter")
        self.model_hint.setText(hint)
        self.summarize_button.setToolTip(
            self.tr("Summarize the text (Ctrl+Enter)") if loaded else hint
        )

    def shutdown(self) -> None:
        """Stop a summary in flight (the window is closing)."""
        self.controller.shutdown()


def _route(job: Background, to: list[tuple[Callable[[object], None], End]], *, once: bool) -> None:
    """Deliver `job`'s events and end to the callbacks in `to` (set per task; not the pane, so
    a run goes on reporting to its controller after the pane that started it is gone)."""

    def ended(value: object, error: object) -> None:
        if once:
            job.deleteLater()
        on_end = to[-1][1]
        on_end(value, error if isinstance(error, BaseException) else None)

    job.event_arrived.connect(lambda event: to[-1][0](event))
    job.text.connect(lambda text: to[-1][0](Token(text)))
    job.finished.connect(lambda value: ended(value, None))
    job.failed.connect(lambda error: ended(None, error))
