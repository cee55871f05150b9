"""The batch tab's widgets: the file and its text column, the run's buttons and progress, the
filterable sorted results table, the selected row's details and the label chart. Building and
table chores only; `batch.BatchPanel` renders the controller into them and forwards what the
user does.

The text column takes the width the narrow columns leave (elided, the whole text in its tooltip
and in the details under the table); the file and its text column sit on two rows, so nothing
is cut at 800x600 in either language.

`BatchLayout` is a base of `BatchPanel`: its strings are looked up at run time under the
panel's name (tests/ui/test_translations.py, RUNTIME_CONTEXT).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.core_text import shown
from desktop_app.ui.sentiment.chart import LabelChart
from desktop_app.ui.sentiment.evaluation import EvaluationView
from desktop_app.ui.sentiment.labels import shown_label, unsure_text
from desktop_app.ui.sentiment.options import as_hint
from desktop_app.ui.sentiment.results_model import (
    ALL,
    ERRORS,
    UNSURE,
    ResultsFilter,
    ResultsModel,
)


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

    def _gold_chosen(self, index: int) -> None:
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
        # evaluation mode: a column of gold labels (evaluation.py)
        self.gold_combo = QComboBox()
        self.gold_combo.setAccessibleName(self.tr("Gold labels"))
        self.gold_combo.setToolTip(self.tr("A column with the right labels: evaluate the results"))
        self.gold_combo.setMinimumContentsLength(6)
        self.gold_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.gold_combo.currentIndexChanged.connect(self._gold_chosen)
        gold_label = QLabel(self.tr("Gold:"))
        gold_label.setBuddy(self.gold_combo)
        row1.addWidget(gold_label)
        row1.addWidget(self.gold_combo)
        row1b = QHBoxLayout()
        row1b.addWidget(column_label)
        row1b.addWidget(self.column_combo)
        row1b.addSpacing(12)
        row1b.addWidget(self.header_check)
        row1b.addStretch(1)

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
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._widths: dict[int, int] = {}  # the narrow columns' widths, by column
        self.view.installEventFilter(self)  # a narrower table hides the probability columns
        self.model.modelReset.connect(self._size_columns)
        self.model.modelReset.connect(self._show_details)
        self.model.dataChanged.connect(lambda *_a: self._show_details())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("The selected row"))
        self.details.setPlaceholderText(self.tr("Select a row to read its whole text here."))
        self.details.setMinimumHeight(self.fontMetrics().height() * 2 + 12)
        self.table_split = QSplitter(Qt.Orientation.Vertical)
        self.table_split.setChildrenCollapsible(False)
        self.table_split.addWidget(self.view)
        self.table_split.addWidget(self.details)
        self.table_split.setStretchFactor(0, 5)
        self.table_split.setStretchFactor(1, 1)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset):
            signal.connect(lambda *_a: self._show_counts())
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.label_filter.currentIndexChanged.connect(self._filter_changed)
        self._fill_label_filter(())

        self.chart = LabelChart()
        self.evaluation = EvaluationView()  # with a gold column (evaluation mode)
        self.chart_tabs = QTabWidget()
        self.chart_tabs.setDocumentMode(True)
        self.chart_tabs.addTab(self.chart, self.tr("Distribution"))
        self.chart_tabs.addTab(self.evaluation, self.tr("Evaluation"))
        self.chart_tabs.setTabEnabled(1, False)

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row1b)
        layout.addLayout(row2)
        layout.addWidget(self.progress_label)
        layout.addLayout(row3)
        layout.addWidget(self.table_split, 1)
        layout.addWidget(self.chart_tabs)

    # ---- the table -----------------------------------------------------------------------

    def _size_columns(self) -> None:
        """Narrow columns for numbers, labels and the margin, a short one for errors (the whole
        error in its tooltip); the text (and a reason) stretch over the rest of the width."""
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        fm = self.fontMetrics()
        for col in range(self.model.columnCount()):
            kind, label = self.model.column_kind(col)
            if kind in ("text", "reason"):
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
                continue
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            if kind == "number":
                width = fm.horizontalAdvance(str(max(99, self.model.rowCount()))) + 24
            elif kind == "label":
                names = [*(shown_label(x) for x in self.model.labels), self.tr("Label")]
                width = max(fm.horizontalAdvance(n) for n in names) + 32
            elif kind == "prob":
                name = shown_label(label or "")
                width = max(fm.horizontalAdvance(name), fm.horizontalAdvance("0.000")) + 22
            elif kind == "margin":
                width = self._margin_width(False)
            else:  # the error: mostly empty; its whole text in the tooltip and the details
                width = fm.horizontalAdvance("M" * 7) + 16
            header.resizeSection(col, width)
            self._widths[col] = width
        self._fit_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Where the narrow columns would leave the text less than 40 % of the width (a small
        window), the per-label probabilities and the error step aside (the selected row's
        details and the tooltips still have them) and the margin shows just its number, so
        the text stays readable without scrolling sideways."""
        width = self.view.width() - 2 * self.view.frameWidth()
        kinds = [self.model.column_kind(c)[0] for c in range(self.model.columnCount())]
        fixed = sum(self._widths.get(c, 0) for c, kind in enumerate(kinds))
        least = max(self.fontMetrics().horizontalAdvance("M" * 16), int(width * 0.4))
        compact = width - fixed < least
        for col, kind in enumerate(kinds):
            self.view.setColumnHidden(col, compact and kind in ("prob", "error"))
        if self.model.set_compact(compact):
            for col, kind in enumerate(kinds):
                if kind == "margin":
                    self.view.horizontalHeader().resizeSection(col, self._margin_width(compact))

    def _margin_width(self, compact: bool) -> int:
        fm = self.fontMetrics()
        sample = "0.000" if compact else self.tr("{0:.3f} · unsure").format(0.0)
        return max(fm.horizontalAdvance(self.tr("Margin")), fm.horizontalAdvance(sample)) + 22

    # ---- the selected row ----------------------------------------------------------------

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_details()

    def _selected_row(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        index: QModelIndex = rows[0] if rows else self.view.currentIndex()
        if not index.isValid():
            return None
        row = self.proxy.mapToSource(index).row()
        return row if 0 <= row < self.model.rowCount() else None

    def _show_details(self) -> None:
        """The selected row's whole text, its label and margin, its reason or error."""
        row = self._selected_row()
        if row is None:
            self.details.setPlainText("")
            return
        res = self.model.result(row)
        lines = [self.model.text(row)]
        if res is not None and res.ok and res.label is not None:
            figures = "  ".join(f"{shown_label(name)} {p:.1%}" for name, p in res.ranked())
            verdict = unsure_text(res) if self.model.unsure(row) else shown_label(res.label)
            lines.insert(0, self.tr("#{0} · {1} · {2}").format(row + 1, verdict, figures))
            if res.reason:
                lines.append(self.tr("Why: {0}").format(res.reason))
        elif res is not None and res.error:
            lines.insert(0, self.tr("#{0} · {1}").format(row + 1, shown(res.error)))
        else:
            lines.insert(0, self.tr("#{0}").format(row + 1))
        self.details.setPlainText("\n".join(lines))

    def _fill_label_filter(self, labels: Sequence[str]) -> None:
        current = self.label_filter.currentData()
        self.label_filter.blockSignals(True)
        self.label_filter.clear()
        self.label_filter.addItem(self.tr("All labels"), ALL)
        for label in labels:
            self.label_filter.addItem(shown_label(label), label)
        self.label_filter.addItem(self.tr("Unsure"), UNSURE)
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
