"""The Sentiment pane's batch tab: a CSV/TSV/XLSX/TXT file in, a label and probabilities per
row out, with progress, cancel (keeping what was scored), a filterable sorted table, the label
distribution and a CSV export.

A view over the pane's `SentimentController`: the controller reads the file, runs the batch
and keeps the rows' results; this panel renders them (widgets in batch_layout.py) and forwards
what the user does. Everything shown can be rebuilt from the controller (`attach`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_app.core.controllers.sentiment import (
    BatchEnded,
    BatchStarted,
    CancelRequested,
    Event,
    GoldChanged,
    ReadFailed,
    ReadStarted,
    ReasonDone,
    RowDone,
    RowsReset,
    SentimentController,
    TableLoaded,
    UnsureChanged,
)
from desktop_app.core.tasks.sentiment import NOT_SCORED, TABLE_SUFFIXES
from desktop_app.ui.background import error_text
from desktop_app.ui.sentiment.batch_render import BatchRender
from desktop_app.ui.sentiment.options import SentimentOptions


class BatchPanel(BatchRender):
    status_message = Signal(str)
    figures_changed = Signal(str)  # the status bar's figures for this pane; "" for none
    error_changed = Signal(str)  # a message to show, or "" to clear it
    busy_changed = Signal()
    table_loaded = Signal(str)  # a batch file was read (its path)
    batch_finished = Signal()  # a run ended: complete, cancelled or failed

    def __init__(
        self,
        options: SentimentOptions,
        controller: SentimentController,
        parent: QWidget | None = None,
    ) -> None:
        """`controller` is followed once the pane calls `attach` (it shares it)."""
        super().__init__(parent)
        self.options = options
        self.controller = controller
        self._ready = False  # a model is loaded and the options are valid
        self._build()
        self.sync(False)

    # ---- the controller ------------------------------------------------------------------

    def attach(self, controller: SentimentController) -> None:
        """Show `controller`'s file, rows, results and progress, and follow it."""
        self.controller.remove_listener(self._on_controller)
        self.controller = controller
        controller.add_listener(self._on_controller)
        self._show_table()
        self._show_rows()
        if controller.reading_path is not None:
            self.file_label.setText(
                self.tr("Reading {0}…").format(Path(controller.reading_path).name)
            )
        self.sync(self._ready)
        self.figures_changed.emit(self.figures())

    def figures(self) -> str:
        """The status bar's line for this pane: how fast the last batch went."""
        c = self.controller
        done = c.outcome().labelled
        if not c.finished or not done or c.seconds <= 0:
            return ""
        return self.tr("{0} texts in {1:.1f} s · {2:.2f} texts/s").format(
            done, c.seconds, done / c.seconds
        )

    def detach(self) -> None:
        self.controller.remove_listener(self._on_controller)

    def _on_controller(self, event: Event) -> None:
        c = self.controller
        if isinstance(event, RowDone):
            self.model.set_result(event.index, event.result)
            self.chart.add(event.result.label if event.result.ok else None, c.unsure(event.result))
            self.progress.setValue(c.progress.done)
            if not c.cancel_requested:
                self.progress_label.setText(self._progress_text())
        elif isinstance(event, ReasonDone):
            if c.progress.done == 1:
                self._show_progress()
            self.model.set_result(event.index, event.result)
            self.progress.setValue(c.progress.done)
            if not c.cancel_requested:
                self.progress_label.setText(self._progress_text())
        elif isinstance(event, BatchStarted):
            self.error_changed.emit("")
            self._show_rows()
            self.status_message.emit(self.tr("Labelling {0} texts…").format(event.total))
            self._changed_busy()
        elif isinstance(event, CancelRequested):
            self.progress_label.setText(self.tr("Stopping after the texts already started…"))
            self.sync(self._ready)
        elif isinstance(event, BatchEnded):
            self._on_batch_ended(event)
        elif isinstance(event, ReadStarted):
            self.error_changed.emit("")
            self.file_label.setText(self.tr("Reading {0}…").format(Path(event.path).name))
            self._changed_busy()
        elif isinstance(event, TableLoaded):
            self._on_table_loaded(event)
        elif isinstance(event, ReadFailed):
            message = error_text(event.error)
            self._show_table()
            if c.table is None:
                self.file_label.setText(self.tr("No file yet."))
            self._changed_busy()
            self.error_changed.emit(self.tr("Could not read the file: {0}").format(message))
            self.status_message.emit(message)
        elif isinstance(event, RowsReset):
            self._show_gold()
            self._show_rows()
            self.sync(self._ready)
        elif isinstance(event, GoldChanged):
            self._show_gold()
        elif isinstance(event, UnsureChanged):
            self.model.set_unsure_below(event.below)
            self.chart.set_counts(*c.counts(), c.unsure_counts())
            self._filter_changed()  # the rows shown as unsure changed

    def _changed_busy(self) -> None:
        self.sync(self._ready)
        self.busy_changed.emit()

    def _on_table_loaded(self, event: TableLoaded) -> None:
        table = self.controller.table
        assert table is not None
        self._show_table()
        self._show_rows()
        self._changed_busy()
        name = Path(event.path).name
        if not table.rows:
            self.error_changed.emit(self.tr("{0} has no rows.").format(name))
        self.status_message.emit(self.tr("Read {0} rows from {1}").format(len(table.rows), name))
        self.table_loaded.emit(event.path)

    def _on_batch_ended(self, event: BatchEnded) -> None:
        c = self.controller
        self.model.finish_run(c.results)
        if event.error is not None:
            self.model.fail_rest(self._not_scored(event.error))
        self.chart.set_counts(*c.counts(), c.unsure_counts())
        self._show_progress()
        self._show_evaluation(to_front=True)
        summary = self.progress_label.text()
        self._changed_busy()
        self.status_message.emit(summary)
        self.figures_changed.emit(self.figures())
        self.batch_finished.emit()
        if event.error is not None:
            self.error_changed.emit(
                self.tr("The batch stopped: {0}").format(error_text(event.error))
            )

    # ---- state ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.controller.busy is not None

    @property
    def running(self) -> bool:
        return self.controller.running

    def sync(self, ready: bool) -> None:
        """Buttons for the state: `ready` = a model is loaded and the options are valid."""
        self._ready = ready
        c = self.controller
        idle = c.busy is None
        table = c.table
        self.run_button.setEnabled(ready and idle and bool(table and table.rows))
        self.cancel_button.setEnabled(c.running and not c.cancel_requested)
        self.open_button.setEnabled(idle)
        self.column_combo.setEnabled(idle and table is not None)
        self.header_check.setEnabled(
            idle and table is not None and Path(c.table_path or "").suffix.lower() != ".txt"
        )
        self.export_button.setEnabled(idle and c.has_results())

    def shutdown(self) -> None:
        """Stop a run in flight; it ends at the engine's next text, with what it scored."""
        self.controller.shutdown()

    # ---- the file ------------------------------------------------------------------------

    def choose_file(self) -> None:
        path = self.controller.table_path
        start = str(Path(path).parent) if path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open texts to analyse"),
            start,
            self.tr("Tables and text files (*.csv *.tsv *.tab *.xlsx *.xlsm *.txt)"),
        )
        if path:
            self.open_table(path)

    def open_table(self, path: str) -> None:
        """Read a batch file (off the GUI thread); `table_loaded` says when it is there."""
        if self.busy:
            return
        if Path(path).suffix.lower() not in TABLE_SUFFIXES:
            self.error_changed.emit(
                self.tr("{0}: open a CSV, TSV, XLSX or TXT file.").format(Path(path).name)
            )
            return
        if self._confirm_discard():
            self.controller.open_table(path)

    def _column_chosen(self, index: int) -> None:
        table = self.controller.table
        if table is None or index < 0 or index == table.text_column:
            return
        if not self._confirm_discard():
            self.column_combo.blockSignals(True)
            self.column_combo.setCurrentIndex(table.text_column)
            self.column_combo.blockSignals(False)
            return
        self.controller.choose_column(index)

    def _gold_chosen(self, index: int) -> None:
        data = self.gold_combo.itemData(index)
        self.controller.choose_gold(data if isinstance(data, int) else None)

    def _header_toggled(self, checked: bool) -> None:
        if self.controller.table is None:
            return
        if not self._confirm_discard():
            self.header_check.blockSignals(True)
            self.header_check.setChecked(not checked)
            self.header_check.blockSignals(False)
            return
        self.controller.reread(checked)

    def _confirm_discard(self) -> bool:
        """Results not yet exported are not thrown away without asking."""
        if not self.controller.unsaved:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Discard the results?"),
            self.tr("The results of the last run have not been exported. Discard them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    # ---- the run -------------------------------------------------------------------------

    def run_batch(self) -> None:
        if self.busy or self.controller.table is None or not self.run_button.isEnabled():
            return
        options = self.options.options()
        if options is not None:
            self.controller.run_batch(options)

    def cancel(self) -> None:
        self.controller.cancel()

    # ---- export --------------------------------------------------------------------------

    def export(self) -> None:
        c = self.controller
        if c.table is None or not c.has_results() or self.busy:
            return
        source = Path(c.table_path or "results.csv")
        suggested = source.with_name(f"{source.stem}-sentiment.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the results"), str(suggested), self.tr("CSV files (*.csv)")
        )
        if not path:
            return
        if Path(path).suffix.lower() != ".csv":
            path += ".csv"
        unreached = self._not_scored(c.error) if c.error is not None else NOT_SCORED
        try:
            written = c.export(path, unreached=unreached)
        except OSError as exc:
            self.error_changed.emit(
                self.tr("Could not write {0}: {1}. The results are still here.").format(
                    path, error_text(exc)
                )
            )
            return
        self.error_changed.emit("")
        self.status_message.emit(
            self.tr("Exported {0} rows to {1}").format(len(c.results), str(written))
        )
