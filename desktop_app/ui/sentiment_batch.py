"""The Sentiment pane's batch tab: a CSV/TSV/XLSX/TXT file in, a label and probabilities per
row out, with progress, cancel (keeping what was scored), a filterable sorted table, the label
distribution and a CSV export.

Reading the file and scoring run on Python worker threads; their results come back to the GUI
thread as queued signals of a relay object. Every job has a number: a signal from a job that
has since been replaced is ignored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.tasks.sentiment import (
    NOT_SCORED,
    TABLE_SUFFIXES,
    ItemResult,
    SentimentTask,
    Table,
    export_csv,
    read_table,
)
from desktop_app.ui.durations import duration
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.label_chart import LabelChart
from desktop_app.ui.results_model import ALL, ERRORS, ResultsFilter, ResultsModel
from desktop_app.ui.sentiment_options import SentimentOptions, as_hint
from desktop_app.ui.worker_relay import emit, error_text, in_thread


class _Relay(QObject):
    """Carries worker-thread results to the GUI thread (queued: the relay lives there)."""

    item_done = Signal(int, int, int, int, object)  # job, done, total, index, ItemResult
    reason_done = Signal(int, int, int, int, object)  # job, done, total, index, ItemResult
    batch_done = Signal(int, object)  # job, list[ItemResult]
    table_read = Signal(int, object, str)  # job, Table, path
    failed = Signal(int, str)  # job, message


def table_file(mime: Any) -> str | None:
    """The dragged file, if it is one local file of a kind the batch reads."""
    if not mime.hasUrls():
        return None
    urls = [u for u in mime.urls() if u.isLocalFile()]
    if len(urls) != 1:
        return None
    path = urls[0].toLocalFile()
    return path if Path(path).suffix.lower() in TABLE_SUFFIXES else None


class BatchPanel(QWidget):
    status_message = Signal(str)
    error_changed = Signal(str)  # a message to show, or "" to clear it
    busy_changed = Signal()
    table_loaded = Signal(str)  # a batch file was read (its path)
    batch_finished = Signal()  # a run ended: complete, cancelled or failed

    def __init__(
        self, service: EngineService, options: SentimentOptions, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.options = options
        self.table: Table | None = None
        self.table_path: str | None = None
        self._job = 0
        self._busy: str | None = None  # "read" | "batch"
        self._cancel: threading.Event | None = None
        self._ready = False  # a model is loaded and the options are valid
        self._started = 0.0
        self._reason_started = 0.0
        self._has_header = True  # how the file was last read
        self._exported = True  # nothing unsaved to lose
        self._relay = _Relay()  # no parent: a worker may still hold it after the panel is gone
        self._relay.item_done.connect(self._on_item_done)
        self._relay.reason_done.connect(self._on_reason_done)
        self._relay.batch_done.connect(self._on_batch_done)
        self._relay.table_read.connect(self._on_table_read)
        self._relay.failed.connect(self._on_failed)

        # the file and its text column
        self.open_button = QPushButton(self.tr("Open a file…"))
        self.open_button.setToolTip(
            self.tr("CSV, TSV, XLSX or TXT (one text a line); or drop the file on this pane")
        )
        self.open_button.clicked.connect(self.choose_file)
        self.file_label = QLabel(self.tr("No file yet: open one, or drop it here."))
        self.file_label.setAccessibleName(self.tr("Batch file"))
        as_hint(self.file_label)
        self.file_label.setMinimumWidth(60)
        self.column_combo = QComboBox()
        self.column_combo.setAccessibleName(self.tr("Text column"))
        self.column_combo.setMinimumContentsLength(8)
        self.column_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.column_combo.currentIndexChanged.connect(self._column_chosen)
        column_label = QLabel(self.tr("Text column:"))
        column_label.setBuddy(self.column_combo)
        self.header_check = QCheckBox(self.tr("Header row"))
        self.header_check.setToolTip(self.tr("The file's first row names the columns"))
        self.header_check.setChecked(True)
        self.header_check.toggled.connect(self._header_toggled)
        row1 = QHBoxLayout()
        row1.addWidget(self.open_button)
        row1.addWidget(self.file_label, 1)
        row1.addWidget(column_label)
        row1.addWidget(self.column_combo)
        row1.addWidget(self.header_check)

        # the run
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setToolTip(self.tr("Label every text of the column"))
        self.run_button.clicked.connect(self.run_batch)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop; the texts labelled so far are kept"))
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Batch progress"))
        self.progress.setFormat("%v / %m")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setToolTip(
            self.tr("The file's columns plus the label and one probability column per label")
        )
        self.export_button.clicked.connect(self.export)
        row2 = QHBoxLayout()
        row2.addWidget(self.run_button)
        row2.addWidget(self.cancel_button)
        row2.addWidget(self.progress, 1)
        row2.addWidget(self.export_button)
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName(self.tr("Batch speed"))
        self.progress_label.setWordWrap(True)

        # the table and its filter
        self.filter_edit = QLineEdit()
        self.filter_edit.setAccessibleName(self.tr("Filter the rows"))
        self.filter_edit.setPlaceholderText(self.tr("Filter: text contains…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.label_filter = QComboBox()
        self.label_filter.setAccessibleName(self.tr("Show the label"))
        self.label_filter.setMinimumContentsLength(8)
        self.label_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.shown_label = QLabel()
        as_hint(self.shown_label)
        row3 = QHBoxLayout()
        row3.addWidget(self.filter_edit, 1)
        row3.addWidget(self.label_filter)
        row3.addWidget(self.shown_label)

        self.model = ResultsModel(self)
        self.proxy = ResultsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setAccessibleName(self.tr("Results"))
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.model.modelReset.connect(self._size_columns)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(lambda *_a: self._show_counts())
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.label_filter.currentIndexChanged.connect(self._filter_changed)
        self._fill_label_filter(())

        self.chart = LabelChart()
        chart_box = QGroupBox(self.tr("Distribution"))
        cl = QVBoxLayout(chart_box)
        cl.setContentsMargins(8, 4, 8, 4)
        cl.addWidget(self.chart)

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.progress_label)
        layout.addLayout(row3)
        layout.addWidget(self.view, 1)
        layout.addWidget(chart_box)
        self.sync(False)

    # ---- state ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy is not None

    @property
    def running(self) -> bool:
        return self._busy == "batch"

    def _start(self, kind: str) -> int:
        self._job += 1
        self._busy = kind
        self.error_changed.emit("")
        self.sync(self._ready)
        self.busy_changed.emit()
        return self._job

    def _stop(self) -> None:
        self._busy = None
        self._cancel = None
        self.sync(self._ready)
        self.busy_changed.emit()

    def sync(self, ready: bool) -> None:
        """Buttons for the state: `ready` = a model is loaded and the options are valid."""
        self._ready = ready
        busy = self._busy
        rows = bool(self.table and self.table.rows)
        self.run_button.setEnabled(ready and busy is None and rows)
        self.cancel_button.setEnabled(
            busy == "batch" and self._cancel is not None and not self._cancel.is_set()
        )
        self.open_button.setEnabled(busy is None)
        self.column_combo.setEnabled(busy is None and self.table is not None)
        self.header_check.setEnabled(
            busy is None
            and self.table is not None
            and Path(self.table_path or "").suffix.lower() != ".txt"
        )
        self.export_button.setEnabled(busy is None and self.model.has_results())

    def shutdown(self) -> None:
        """Stop a run in flight (its worker ends at the engine's next text)."""
        if self._cancel is not None:
            self._cancel.set()
        self._job += 1  # whatever still arrives is ignored

    # ---- the file ------------------------------------------------------------------------

    def choose_file(self) -> None:
        start = str(Path(self.table_path).parent) if self.table_path else str(Path.home())
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
        if not self._confirm_discard():
            return
        self._read(path, None, True)

    def _read(self, path: str, column: int | None, has_header: bool) -> None:
        job = self._start("read")
        self._has_header = has_header
        self.file_label.setText(self.tr("Reading {0}…").format(Path(path).name))
        relay = self._relay

        def work() -> None:
            try:
                table = read_table(path, column, has_header=has_header)
            except Exception as exc:  # unreadable, not a workbook, no such column: say it
                emit(relay.failed, job, error_text(exc))
            else:
                emit(relay.table_read, job, table, path)

        in_thread("sentiment-read", work)

    def _on_table_read(self, job: int, table: Table, path: str) -> None:
        if job != self._job:
            return
        self.table = table
        self.table_path = path
        self._exported = True
        name = Path(path).name
        encoding = f" · {table.encoding}" if table.encoding not in ("", "utf-8", "xlsx") else ""
        self.file_label.setText(self.tr("{0} · {1} rows").format(name, len(table.rows)) + encoding)
        self.file_label.setToolTip(path)
        self.column_combo.blockSignals(True)
        self.column_combo.clear()
        self.column_combo.addItems(table.columns)
        self.column_combo.setCurrentIndex(table.text_column)
        self.column_combo.blockSignals(False)
        self.header_check.blockSignals(True)
        self.header_check.setChecked(self._has_header)
        self.header_check.blockSignals(False)
        self._reset_rows()
        self._stop()
        if not table.rows:
            self.error_changed.emit(self.tr("{0} has no rows.").format(name))
        self.status_message.emit(self.tr("Read {0} rows from {1}").format(len(table.rows), name))
        self.table_loaded.emit(path)

    def _reset_rows(self) -> None:
        texts = self.table.texts if self.table is not None else []
        self.model.start_run((), False)
        self.model.set_texts(texts)
        self.chart.set_labels(())
        self._fill_label_filter(())
        self.progress.setRange(0, max(1, len(texts)))
        self.progress.setValue(0)
        self.progress.setFormat("%v / %m")
        self.progress_label.setText("")

    def _column_chosen(self, index: int) -> None:
        if self.table is None or index < 0 or index == self.table.text_column:
            return
        if not self._confirm_discard():
            self.column_combo.blockSignals(True)
            self.column_combo.setCurrentIndex(self.table.text_column)
            self.column_combo.blockSignals(False)
            return
        self.table.text_column = index
        self._exported = True
        self._reset_rows()
        self.sync(self._ready)

    def _header_toggled(self, checked: bool) -> None:
        if self.table_path is None or self.table is None:
            return
        if not self._confirm_discard():
            self.header_check.blockSignals(True)
            self.header_check.setChecked(not checked)
            self.header_check.blockSignals(False)
            return
        self._read(self.table_path, self.table.text_column, checked)

    def _confirm_discard(self) -> bool:
        """Results not yet exported are not thrown away without asking."""
        if self._exported or not self.model.has_results():
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
        if self.busy or self.table is None or not self.run_button.isEnabled():
            return
        labels = self.options.labels()
        if labels is None:
            return
        texts = self.table.texts
        examples = self.options.examples_list()
        calibrate = self.options.calibrate.isChecked()
        reason = self.options.reason.isChecked()
        stop = threading.Event()
        self._cancel = stop
        job = self._start("batch")
        self._exported = False
        self.model.start_run(labels, reason)
        self.chart.set_labels(labels)
        self._fill_label_filter(labels)
        self.progress.setRange(0, len(texts))
        self.progress.setValue(0)
        self.progress.setFormat("%v / %m")
        self.progress_label.setText(self.tr("Starting…"))
        self._started = time.perf_counter()
        self.status_message.emit(self.tr("Labelling {0} texts…").format(len(texts)))
        self.sync(self._ready)
        task = SentimentTask(self.service.client)
        relay = self._relay

        def progress(done: int, total: int, index: int, result: ItemResult) -> None:
            emit(relay.item_done, job, done, total, index, result)

        def work() -> None:
            try:
                results = task.classify_batch(
                    texts,
                    labels,
                    calibrate=calibrate,
                    examples=examples,
                    on_progress=progress,
                    cancel=stop,
                )
                if reason:  # after the labels, one short answer each, with progress
                    todo = [i for i, r in enumerate(results) if r.ok and r.label is not None]
                    for n, i in enumerate(todo, start=1):
                        if stop.is_set():
                            break
                        item = results[i]
                        why = task.explain(texts[i], item.label or "")
                        results[i] = ItemResult(item.label, item.probs, None, why)
                        emit(relay.reason_done, job, n, len(todo), i, results[i])
            except Exception as exc:  # the engine's errors arrive as exceptions: say them
                emit(relay.failed, job, error_text(exc))
            else:
                emit(relay.batch_done, job, results)

        in_thread("sentiment-batch", work)

    def cancel(self) -> None:
        if self._busy != "batch" or self._cancel is None:
            return
        self._cancel.set()
        self.progress_label.setText(self.tr("Stopping after the texts already started…"))
        self.sync(self._ready)

    def _on_item_done(
        self, job: int, done: int, total: int, index: int, result: ItemResult
    ) -> None:
        if job != self._job:
            return
        self.model.set_result(index, result)
        self.chart.add(result.label if result.ok else None)
        self.progress.setValue(done)
        if self._cancel is not None and self._cancel.is_set():
            return
        elapsed = time.perf_counter() - self._started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        self.progress_label.setText(
            self.tr("{0} of {1} · {2:.1f} texts/s · about {3} left").format(
                done, total, rate, duration(left)
            )
        )

    def _on_reason_done(
        self, job: int, done: int, total: int, index: int, result: ItemResult
    ) -> None:
        if job != self._job:
            return
        if done == 1:
            self.progress.setRange(0, total)
            self.progress.setFormat(self.tr("reasons %v / %m"))
            self._reason_started = time.perf_counter()
        self.model.set_result(index, result)
        self.progress.setValue(done)
        if self._cancel is not None and self._cancel.is_set():
            return
        elapsed = time.perf_counter() - self._reason_started
        left = (total - done) * elapsed / done
        self.progress_label.setText(
            self.tr("Writing reasons: {0} of {1} · about {2} left").format(
                done, total, duration(left)
            )
        )

    def _on_batch_done(self, job: int, results: list[ItemResult]) -> None:
        if job != self._job:
            return
        self.model.finish_run(results)
        self._finish()

    def _finish(self) -> None:
        results = [r for r in self.model.results() if r is not None]
        labelled = sum(1 for r in results if r.ok)
        not_scored = sum(1 for r in results if r.error == NOT_SCORED)
        errors = sum(1 for r in results if r.error and r.error != NOT_SCORED)
        self._recount()
        total = self.model.rowCount()
        if not_scored:
            summary = self.tr(
                "Cancelled: {0} of {1} texts labelled, {2} with errors; the other {3} are "
                "marked “not scored”."
            ).format(labelled, total, errors, not_scored)
        else:
            took = duration(time.perf_counter() - self._started)
            summary = self.tr("Done: {0} of {1} texts labelled, {2} with errors, in {3}.").format(
                labelled, total, errors, took
            )
        self.progress_label.setText(summary)
        self._stop()
        self.status_message.emit(summary)
        self.batch_finished.emit()

    def _recount(self) -> None:
        """The chart from the table: labels, and errors (texts not reached are left out)."""
        counts: dict[str, int] = {}
        unlabelled = 0
        for r in self.model.results():
            if r is None or r.error == NOT_SCORED:
                continue
            if r.ok and r.label is not None:
                counts[r.label] = counts.get(r.label, 0) + 1
            else:
                unlabelled += 1
        self.chart.set_counts(counts, unlabelled)

    def _on_failed(self, job: int, message: str) -> None:
        if job != self._job:
            return
        if self._busy == "read":
            self.file_label.setText(
                Path(self.table_path).name if self.table_path else self.tr("No file yet.")
            )
            self._stop()
            self.error_changed.emit(self.tr("Could not read the file: {0}").format(message))
            self.status_message.emit(message)
        elif self._busy == "batch":
            self.model.fail_rest(self.tr("Not scored: {0}").format(message))
            self._finish()
            self.error_changed.emit(self.tr("The batch stopped: {0}").format(message))

    # ---- the table -----------------------------------------------------------------------

    def _size_columns(self) -> None:
        """Narrow columns for numbers and labels; the text gets most of the rest, the last
        column (error, or reason) what remains; every column can still be dragged wider."""
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        fm = self.fontMetrics()
        fixed = 0
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            kind, label = self.model.column_kind(col)
            if kind == "number":
                width = fm.horizontalAdvance(str(max(99, self.model.rowCount()))) + 24
            elif kind == "label":
                names = [*self.model.labels, self.tr("Label")]
                width = max(fm.horizontalAdvance(n) for n in names) + 40
            elif kind == "prob":
                width = max(fm.horizontalAdvance(label or ""), fm.horizontalAdvance("0.000")) + 22
            else:
                continue
            header.resizeSection(col, width)
            fixed += width
        free = max(0, self.view.viewport().width() - fixed)
        text_share = 0.45 if self.model.with_reason else 0.6
        header.resizeSection(1, max(fm.horizontalAdvance("M" * 10), int(free * text_share)))
        if self.model.with_reason:
            error_col = self.model.columnCount() - 2
            header.resizeSection(error_col, max(80, int(free * 0.2)))

    def _fill_label_filter(self, labels: Sequence[str]) -> None:
        current = self.label_filter.currentData()
        self.label_filter.blockSignals(True)
        self.label_filter.clear()
        self.label_filter.addItem(self.tr("All labels"), ALL)
        for label in labels:
            self.label_filter.addItem(label, label)
        self.label_filter.addItem(self.tr("Errors"), ERRORS)
        self.label_filter.setCurrentIndex(max(0, self.label_filter.findData(current)))
        self.label_filter.blockSignals(False)
        self._filter_changed()

    def _filter_changed(self, *_args: Any) -> None:
        self.proxy.set_contains(self.filter_edit.text())
        self.proxy.set_label(str(self.label_filter.currentData() or ALL))
        self._show_counts()

    def _show_counts(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.shown_label.setText(
            self.tr("{0} rows").format(total)
            if shown == total
            else self.tr("{0} of {1} rows").format(shown, total)
        )

    # ---- export --------------------------------------------------------------------------

    def export(self) -> None:
        if self.table is None or not self.model.has_results() or self.busy:
            return
        source = Path(self.table_path or "results.csv")
        suggested = source.with_name(f"{source.stem}-sentiment.csv")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the results"), str(suggested), self.tr("CSV files (*.csv)")
        )
        if not path:
            return
        if Path(path).suffix.lower() != ".csv":
            path += ".csv"
        results = [r or ItemResult(None, {}, NOT_SCORED) for r in self.model.results()]
        try:
            written = export_csv(
                self.table.rows, self.table.columns, results, path, labels=self.model.labels
            )
        except OSError as exc:
            self.error_changed.emit(
                self.tr("Could not write {0}: {1}. The results are still here.").format(
                    path, error_text(exc)
                )
            )
            return
        self._exported = True
        self.error_changed.emit("")
        self.status_message.emit(
            self.tr("Exported {0} rows to {1}").format(len(results), str(written))
        )
