"""The batch tab's view of the controller's state: the file, the rows and their results, the
chart and the progress, drawn from a `SentimentController` (all of it, for a rebuilt panel).

`BatchRender` is a base of `BatchPanel`: its strings are looked up at run time under the
panel's name (tests/ui/test_translations.py, RUNTIME_CONTEXT).
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.controllers.sentiment import SentimentController
from desktop_app.core.tasks.sentiment import ItemResult
from desktop_app.ui.background import error_text
from desktop_app.ui.durations import duration
from desktop_app.ui.sentiment.batch_layout import BatchLayout


class BatchRender(BatchLayout):
    """Shows the controller's file, rows, chart and progress in the batch tab's widgets."""

    controller: SentimentController

    # ---- rendering the controller --------------------------------------------------------

    def _show_table(self) -> None:
        """The file's name, rows and encoding; its columns; how it was read."""
        c = self.controller
        table = c.table
        self.column_combo.blockSignals(True)
        self.column_combo.clear()
        self.header_check.blockSignals(True)
        self.header_check.setChecked(c.has_header)
        self.header_check.blockSignals(False)
        if table is None:
            self.file_label.setText(self.tr("No file yet: open one, or drop it here."))
            self.file_label.setToolTip("")
        else:
            name = Path(c.table_path or "").name
            encoding = f" · {table.encoding}" if table.encoding not in ("", "utf-8", "xlsx") else ""
            rows = self.tr("{0} · {1} rows").format(name, len(table.rows))
            self.file_label.setText(rows + encoding)
            self.file_label.setToolTip(c.table_path or "")
            self.column_combo.addItems(table.columns)
            self.column_combo.setCurrentIndex(table.text_column)
        self.column_combo.blockSignals(False)
        self._show_gold()

    def _show_gold(self) -> None:
        """The gold column choice: none, or a column other than the texts'."""
        c = self.controller
        self.gold_combo.blockSignals(True)
        self.gold_combo.clear()
        self.gold_combo.addItem(self.tr("none"), None)
        for i, name in enumerate(c.table.columns if c.table is not None else []):
            if c.table is not None and i != c.table.text_column:
                self.gold_combo.addItem(name, i)
        self.gold_combo.setCurrentIndex(max(0, self.gold_combo.findData(c.gold_column)))
        self.gold_combo.setEnabled(c.table is not None and self.gold_combo.count() > 1)
        self.gold_combo.blockSignals(False)
        self._show_evaluation()

    def _show_evaluation(self, to_front: bool = False) -> None:
        """The evaluation tab: enabled with an evaluation (brought forward after a run)."""
        ev = self.controller.evaluation()
        self.evaluation.show_evaluation(ev)
        self.chart_tabs.setTabEnabled(1, ev is not None)
        if ev is None or to_front:
            self.chart_tabs.setCurrentIndex(1 if ev is not None else 0)

    def _show_rows(self) -> None:
        """The rows with the results so far, the chart, the label filter and the progress."""
        c = self.controller
        results = list(c.results)
        if c.finished and c.error is not None:
            failed = self._not_scored(c.error)
            results = [r if r is not None else ItemResult(None, {}, failed) for r in results]
        self.model.unsure_below = c.unsure_below
        self.model.show(c.table.texts if c.table else [], c.labels, c.with_reason, results)
        self.chart.set_labels(c.labels)
        self.chart.set_counts(*c.counts(), c.unsure_counts())
        self._fill_label_filter(c.labels)
        self._show_progress()
        self._show_evaluation()

    def _show_progress(self) -> None:
        c = self.controller
        p = c.progress
        rows = len(c.table.rows) if c.table is not None else 0
        self.progress.setRange(0, max(1, p.total or rows))
        self.progress.setValue(p.done)
        # issue 14: no "0 / 1" before there is anything to count
        self.progress.setTextVisible(c.running or c.finished or c.table is not None)
        reasons = p.stage == "reasons"
        self.progress.setFormat(self.tr("reasons %v / %m") if reasons else "%v / %m")
        if c.running and c.cancel_requested:
            text = self.tr("Stopping after the texts already started…")
        elif c.running:
            text = self._progress_text() if p.done else self.tr("Starting…")
        elif c.finished:
            text = self._summary()
        else:
            text = ""
        self.progress_label.setText(text)

    def _progress_text(self) -> str:
        p = self.controller.progress
        left = duration(p.seconds_left())
        if p.stage == "reasons":
            return self.tr("Writing reasons: {0} of {1} · about {2} left").format(
                p.done, p.total, left
            )
        return self.tr("{0} of {1} · {2:.1f} texts/s · about {3} left").format(
            p.done, p.total, p.rate(), left
        )

    def _summary(self) -> str:
        o = self.controller.outcome()
        if o.not_scored:
            return self.tr(
                "Cancelled: {0} of {1} texts labelled, {2} with errors; the other {3} are "
                "marked “not scored”."
            ).format(o.labelled, o.total, o.errors, o.not_scored)
        return self.tr("Done: {0} of {1} texts labelled, {2} with errors, in {3}.").format(
            o.labelled, o.total, o.errors, duration(self.controller.seconds)
        )

    def _not_scored(self, error: BaseException) -> str:
        return self.tr("Not scored: {0}").format(error_text(error))
