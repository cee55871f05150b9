"""Issue 14 in the Sentiment pane, driven as a person would, offscreen, on the real starter
model: a near tie reads "unsure" (one text, table, chart, export) below a threshold the user sets
and the app remembers; the text column gets the width; nothing is cut at 800x600 (en, zh_CN);
the default labels and the results read in Chinese while the model is still asked in English."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.core.engine.params import LoadParams
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Sentiment
from desktop_app.ui import look
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.sentiment.labels import model_labels_text, shown_labels_text
from desktop_app.ui.sentiment.pane import SentimentPane
from desktop_app.ui.sentiment.results_model import UNSURE

LOAD_TIMEOUT = 120_000
RUN_TIMEOUT = 240_000  # against hangs only
THREE = ("positive", "negative", "neutral")
# measured with the starter model and the default labels, calibrated (tests/core/tasks/
# test_sentiment_margin.py): a near tie (about 46 % against 42 %) and a clear negative
NEAR_TIE = "The meeting is at 3 pm."
CLEAR = "This is terrible. I hate it."
# The Chinese of the strings this change adds (as in the helper's .tsv), until they are merged
# into resources/translations: then the real translator has them and this one is not asked.
ZH = {
    ("SentimentLabel", "positive"): "积极",
    ("SentimentLabel", "negative"): "消极",
    ("SentimentLabel", "neutral"): "中性",
    ("SentimentPane", "Unsure: {0} {1:.0%} vs {2} {3:.0%}"): "不确定：{0} {1:.0%} 对 {2} {3:.0%}",
}


class _Chinese(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return ZH.get((context, source))

    def isEmpty(self) -> bool:
        return False


class Host:
    """The pane with an engine service and the settings, as the main window holds it."""

    def __init__(self, qtbot: QtBot, settings: Settings | None = None) -> None:
        self.paths = AppPaths.current().ensure()
        self.settings = settings or Settings.load(self.paths.settings_file)
        self.service = EngineService(self.paths.log_dir)
        self.pane = SentimentPane(self.service, self.settings)
        self.messages: list[str] = []
        self.pane.status_message.connect(self.messages.append)
        qtbot.addWidget(self.pane)
        self.pane.resize(1100, 700)
        self.pane.show()

    def load(self, qtbot: QtBot, model: Path) -> None:
        with qtbot.waitSignal(self.service.loaded, timeout=LOAD_TIMEOUT):
            self.service.load(LoadParams(str(model), n_ctx=1024, n_threads=2))

    def close(self) -> None:
        self.pane.shutdown()
        self.pane.close()
        self.service.shutdown()


@pytest.fixture
def host(qtbot: QtBot, starter_model: Path) -> Iterator[Host]:
    h = Host(qtbot)
    h.load(qtbot, starter_model)
    yield h
    h.close()


def analyze(qtbot: QtBot, pane: SentimentPane, text: str) -> None:
    pane.input.setPlainText(text)
    with qtbot.waitSignal(pane.analysis_finished, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(pane.analyze_button, Qt.MouseButton.LeftButton)


def run_batch(qtbot: QtBot, pane: SentimentPane, source: Path) -> None:
    batch = pane.batch
    with qtbot.waitSignal(batch.table_loaded, timeout=30_000):
        batch.open_table(str(source))
    with qtbot.waitSignal(batch.batch_finished, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(batch.run_button, Qt.MouseButton.LeftButton)


def column(pane: SentimentPane, kind: str) -> int:
    model = pane.batch.model
    return next(c for c in range(model.columnCount()) if model.column_kind(c)[0] == kind)


def cell(
    pane: SentimentPane, row: int, kind: str, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    model = pane.batch.model
    return model.data(model.index(row, column(pane, kind)), role)


def test_a_near_tie_is_unsure_below_the_threshold_the_user_sets_and_it_is_remembered(
    qtbot: QtBot, host: Host, starter_model: Path
) -> None:
    pane = host.pane
    assert pane.options.unsure.value() == 10 and pane.controller.unsure_below == 0.10
    analyze(qtbot, pane, NEAR_TIE)
    result = pane.controller.one_result
    assert result is not None and result.unsure(0.10)
    shown = pane.result_label.text()
    assert shown.startswith("Unsure: ") and "positive" in shown and "negative" in shown
    assert " vs " in shown and host.messages[-1] == shown
    assert pane.margin_label.isVisible() and "too close to call" in pane.margin_label.text()
    # the user sets the threshold to 0: the same result is a plain label; nothing ran again
    pane.options.unsure.setValue(0)
    assert pane.controller.unsure_below == 0.0 and pane.controller.one_result is result
    assert pane.result_label.text() == result.label
    assert "unsure below 0%" in pane.margin_label.text()
    pane.options.unsure.setValue(25)
    assert pane.result_label.text().startswith("Unsure: ")
    pane.options.save()
    again = Settings.load(host.paths.settings_file)
    assert again.value(Sentiment.unsure_below) == 0.25
    other = SentimentPane(host.service, again)
    qtbot.addWidget(other)
    assert other.options.unsure.value() == 25 and other.controller.unsure_below == 0.25


def test_the_table_chart_and_export_mark_unsure_rows_and_the_text_gets_the_width(
    qtbot: QtBot, host: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pane, batch = host.pane, host.pane.batch
    pane.resize(1500, 800)  # every column shows
    source = tmp_path / "two.csv"
    long_text = CLEAR + " " + "The room was dirty and the staff were rude. " * 6
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text"], ["1", NEAR_TIE], ["2", long_text]])
    run_batch(qtbot, pane, source)
    tie, clear = pane.controller.results
    assert tie is not None and clear is not None and tie.unsure(0.10) and not clear.unsure(0.10)
    assert cell(pane, 0, "margin") == f"{tie.margin:.3f} · unsure"
    assert cell(pane, 1, "margin") == f"{clear.margin:.3f}"
    assert str(cell(pane, 0, "label", Qt.ItemDataRole.ToolTipRole)).startswith("Unsure: ")
    assert f"negative {clear.probs['negative']:.1%}" in str(
        cell(pane, 1, "label", Qt.ItemDataRole.ToolTipRole)
    )
    font = cell(pane, 0, "label", Qt.ItemDataRole.FontRole)
    assert (
        isinstance(font, QFont)
        and font.italic()
        and cell(pane, 1, "label", Qt.ItemDataRole.FontRole) is None
    )
    assert batch.chart.unsure_counts() == {tie.label: 1} and "1 unsure" in batch.chart.toolTip()
    batch.label_filter.setCurrentIndex(batch.label_filter.findData(UNSURE))
    assert batch.proxy.rowCount() == 1
    batch.label_filter.setCurrentIndex(0)
    # the text column takes what the narrow columns leave: most of the width
    header = batch.view.horizontalHeader()
    text_col = column(pane, "text")
    widths = [header.sectionSize(c) for c in range(batch.model.columnCount())]
    assert max(widths) == widths[text_col]
    assert widths[text_col] >= 0.45 * batch.view.viewport().width()
    assert batch.view.horizontalScrollBar().maximum() == 0
    # narrow: the probabilities and the error step aside (tooltips and details have them)
    pane.resize(760, 560)
    qtbot.waitUntil(lambda: batch.model.compact)
    hidden = [batch.view.isColumnHidden(c) for c in range(batch.model.columnCount())]
    kinds = [batch.model.column_kind(c)[0] for c in range(batch.model.columnCount())]
    assert [k for k, h in zip(kinds, hidden, strict=True) if h] == ["prob"] * 3 + ["error"]
    assert cell(pane, 0, "margin") == f"{tie.margin:.3f}"
    assert batch.view.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(text_col) >= 0.4 * batch.view.viewport().width()
    pane.resize(1500, 800)
    qtbot.waitUntil(lambda: not batch.model.compact)
    assert not any(batch.view.isColumnHidden(c) for c in range(batch.model.columnCount()))
    long_cell = batch.model.index(1, text_col)
    assert batch.model.data(long_cell, Qt.ItemDataRole.ToolTipRole) == " ".join(long_text.split())
    # the selected row's whole text and its figures in the details
    batch.view.selectRow(batch.proxy.mapFromSource(long_cell).row())
    details = batch.details.toPlainText()
    assert long_text in details and details.startswith("#2 · negative · negative ")
    # the export has the margin and unsure columns, by the threshold set now
    out = tmp_path / "out.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(batch.export_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["unsure"] for r in rows] == ["true", "false"]
    assert float(rows[0]["margin"]) == pytest.approx(tie.margin, abs=1e-4)
    # threshold 0: no row is unsure any more, anywhere
    pane.options.unsure.setValue(0)
    assert cell(pane, 0, "margin") == f"{tie.margin:.3f}" and batch.chart.unsure_counts() == {}
    qtbot.mouseClick(batch.export_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as f:
        assert [r["unsure"] for r in csv.DictReader(f)] == ["false", "false"]


@pytest.fixture
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """The interface in `request.param` (with this change's Chinese), English afterwards."""
    paths = AppPaths.current().ensure()
    s = Settings.load(paths.settings_file)
    s.set("language", request.param)
    look.apply_language(s)
    extra = _Chinese()
    app = QApplication.instance()
    assert app is not None
    if request.param == "zh_CN":
        app.installTranslator(extra)
    try:
        yield request.param
    finally:
        app.removeTranslator(extra)
        s.set("language", "en")
        look.apply_language(s)


def _clipped(root: QWidget, window: QWidget) -> list[str]:
    out = []
    for w in [*root.findChildren(QAbstractButton), *root.findChildren(QComboBox)]:
        if not w.isVisible():
            continue
        name = getattr(w, "text", lambda: "")() or w.accessibleName()
        if w.width() < w.sizeHint().width():
            out.append(f"{name!r}: {w.width()} < {w.sizeHint().width()}")
        right = w.mapTo(window, w.rect().topRight()).x()
        if right > window.width():
            out.append(f"{name!r} ends at {right}")
    return out


@pytest.mark.parametrize("language", ["en", "zh_CN"], indirect=True)
def test_the_sentiment_pane_fits_800_by_600(qtbot: QtBot, language: str, tmp_path: Path) -> None:
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow(2)
    pane = window.sentiment
    assert window.stack.currentWidget() is pane
    source = tmp_path / "reviews.csv"
    source.write_text("id,text\n1,I love it.\n2,这家酒店太差了。\n", encoding="utf-8")
    with qtbot.waitSignal(pane.batch.table_loaded, timeout=30_000):
        pane.batch.open_table(str(source))
    for tab in (pane.one_tab, pane.batch):
        pane.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(tab.isVisible)
        layout = window.layout()
        assert layout is not None
        layout.activate()
        QApplication.processEvents()
        assert not _clipped(pane, window), (language, _clipped(pane, window))
    view = pane.batch.view
    assert view.horizontalScrollBar().maximum() == 0
    widths = [view.columnWidth(c) for c in range(pane.batch.model.columnCount())]
    assert max(widths) == widths[1]  # the text
    window.close()


@pytest.mark.parametrize("language", ["zh_CN"], indirect=True)
def test_default_labels_and_results_read_in_chinese_while_the_model_gets_english(
    qtbot: QtBot, language: str, starter_model: Path, tmp_path: Path
) -> None:
    assert shown_labels_text("positive,  negative，neutral") == "积极,  消极，中性"
    assert model_labels_text("积极,  消极，中性, mixed") == "positive,  negative，neutral, mixed"
    h = Host(qtbot)
    try:
        pane = h.pane
        assert pane.options.labels_edit.text() == "积极, 消极, 中性"
        assert pane.options.labels() == THREE and pane.options.problem() is None
        h.load(qtbot, starter_model)
        analyze(qtbot, pane, CLEAR)
        assert pane.controller.one_options is not None
        assert pane.controller.one_options.labels == THREE  # the model was asked in English
        result = pane.controller.one_result
        assert result is not None and result.label == "negative"
        assert pane.result_label.text() == "消极"
        names = [pane.prob_grid.itemAtPosition(r, 0) for r in range(3)]
        widgets = [item.widget() if item is not None else None for item in names]
        assert [w.text() if isinstance(w, QLabel) else None for w in widgets] == [
            "积极", "消极", "中性"
        ]  # fmt: skip
        source = tmp_path / "评论.csv"
        source.write_text(f"text\n{CLEAR}\n{NEAR_TIE}\n", encoding="utf-8")
        run_batch(qtbot, pane, source)
        batch = pane.batch
        assert batch.model.data(batch.model.index(0, 2)) == "消极"
        assert str(cell(pane, 1, "label", Qt.ItemDataRole.ToolTipRole)).startswith("不确定：")
        heads = [batch.model.headerData(c, Qt.Orientation.Horizontal) for c in (3, 4, 5)]
        assert heads == ["积极", "消极", "中性"]
        assert "消极" in batch.chart.toolTip() and "negative" not in batch.chart.toolTip()
        assert [batch.label_filter.itemText(i) for i in (1, 2, 3)] == ["积极", "消极", "中性"]
        assert {r.label for r in pane.controller.results if r is not None} <= set(THREE)
        pane.options.save()
        assert Settings.load(h.paths.settings_file).value(Sentiment.labels) == list(THREE)
    finally:
        h.close()
