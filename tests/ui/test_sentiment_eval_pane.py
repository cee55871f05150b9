"""Issue 16 in the Sentiment pane, offscreen on the real starter model: a file with a gold-label
column gives the evaluation (figures, reliability diagram, confusion matrix) in the batch tab;
the calibration is a choice; a preset fills the labels and the instruction; 800x600 fits."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from test_sentiment_unsure import Host, run_batch

from desktop_app.core.tasks.calibration import AUTOMATIC

ROWS = [
    ("I love this phone, it is great.", "positive"),
    ("Terrible service, never again.", "negative"),
    ("What a wonderful day!", "positive"),
    ("This is the worst film I have seen.", "negative"),
    ("The store opens at nine.", "neutral"),
    ("Absolutely fantastic support team.", "positive"),
    ("I hate waiting in this queue.", "negative"),
    ("The meeting is on Tuesday.", "neutral"),
]


def test_gold_column_gives_the_evaluation_and_the_method_is_chosen(
    qtbot: QtBot, starter_model: Path, tmp_path: Path
) -> None:
    host = Host(qtbot)
    try:
        host.load(qtbot, starter_model)
        pane = host.pane
        options = pane.options
        assert options.method.method() == AUTOMATIC  # the default
        options.method.set_method("batch")
        assert options.options() is not None and options.options().method == "batch"  # type: ignore[union-attr]
        source = tmp_path / "dev.csv"
        source.write_text(
            "text,gold\n" + "".join(f'"{t}",{g}\n' for t, g in ROWS), encoding="utf-8"
        )
        pane.tabs.setCurrentIndex(1)
        run_batch(qtbot, pane, source)
        batch = pane.batch
        c = batch.controller
        assert c.gold_column == 1 and c.method_used == "batch"  # "gold" found by its name
        view = batch.evaluation
        assert batch.chart_tabs.currentWidget() is view and view.evaluation is not None
        ev = view.evaluation
        assert ev.n == 8 and sum(b.count for b in view.diagram.bins) == 8
        assert "Accuracy" in view.summary.text() and "ECE" in view.summary.text()
        assert view.confusion.rowCount() == view.confusion.columnCount() == 3
        cells = [view.confusion.item(i, j) for i in range(3) for j in range(3)]
        total = sum(int(cell.text()) for cell in cells if cell is not None)
        assert total == 8
        # no gold column: no evaluation; back again
        batch.gold_combo.setCurrentIndex(0)
        assert c.gold_column is None and not batch.chart_tabs.isTabEnabled(1)
        assert view.evaluation is None and batch.chart_tabs.currentWidget() is batch.chart
        batch.gold_combo.setCurrentIndex(batch.gold_combo.findData(1))
        assert batch.chart_tabs.isTabEnabled(1) and view.evaluation is not None
        batch.chart_tabs.setCurrentWidget(view)
        # 800x600: the evaluation and the chart still show
        pane.resize(800, 600)
        qtbot.waitUntil(lambda: pane.width() == 800)
        assert view.diagram.width() >= view.diagram.minimumWidth()
        assert view.diagram.height() >= view.diagram.minimumHeight()
        pane.grab()  # paints the diagram (a paint error would raise)
        # a preset: the labels and the instruction change, both editable
        method = options.method
        method.preset.activated.emit(method.preset.findData("topic"))
        assert "sports" in options.labels_edit.text()
        assert "{labels}" in method.instruction.text()
        ready = options.options()
        assert ready is not None and ready.system() is not None
        assert "sports" in (ready.system() or "")
    finally:
        host.close()
