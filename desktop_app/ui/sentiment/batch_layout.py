"""The batch tab's widgets: the file and its text column, the run's buttons and progress, the
filterable sorted results table and the label chart. Building and table chores only; `batch.
BatchPanel` renders the controller into them and forwards what the user does.

`BatchLayout` is a base of `BatchPanel`: its strings are looked up at run time under the
panel's name (tests/ui/test_translations.py, RUNTIME_CONTEXT).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.sentiment.chart import LabelChart
from desktop_app.ui.sentiment.options import as_hint
from desktop_app.ui.sentiment.results_model import ALL, ERRORS, ResultsFilter, ResultsModel


class BatchLayout(QWidget):
    """The widgets of the batch tab, and the table's column sizes, filter and row count."""

    # the panel's actions
    def choose_file(self) -> None:
        raise NotImplementedError

    def run_batch(self) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def export(self) -> None:
        raise NotImplementedError

    def _column_chosen(self, index: int) -> None:
        raise NotImplementedError

    def _header_toggled(self, checked: bool) -> None:
        raise NotImplementedError

    def _build(self) -> None:
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
