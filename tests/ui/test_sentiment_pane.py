"""The Sentiment pane driven as a person would, offscreen, against the real starter model."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QInputMethodEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.core.engine.params import LoadParams
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Sentiment
from desktop_app.core.tasks.sentiment import NOT_SCORED
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.sentiment.pane import SentimentPane
from desktop_app.ui.sentiment.results_model import ERRORS

LOAD_TIMEOUT = 120_000
RUN_TIMEOUT = 120_000
THREE = ("positive", "negative", "neutral")


class Host:
    """The pane as the main window holds it: an engine service, the settings, a status line."""

    def __init__(self, qtbot: QtBot) -> None:
        paths = AppPaths.current().ensure()
        self.settings = Settings.load(paths.settings_file)
        # these tests read the labels themselves; "unsure" (issue 14) has test_sentiment_unsure.py
        self.settings.put(Sentiment.unsure_below, 0.0)
        self.service = EngineService(paths.log_dir)
        self.sentiment = SentimentPane(self.service, self.settings)
        self.messages: list[str] = []
        self.sentiment.status_message.connect(self.messages.append)
        qtbot.addWidget(self.sentiment)
        self.sentiment.resize(1400, 700)  # wide enough for every column (a narrow one hides some)
        self.sentiment.show()

    def load_model(self, model: Path) -> None:
        # a small context: a long row is "too long" without costing time
        self.service.load(LoadParams(str(model), n_ctx=1024, n_threads=2))

    def close(self) -> None:
        self.sentiment.shutdown()
        self.sentiment.close()
        self.service.shutdown()


def make_window(qtbot: QtBot, model: Path, *, load: bool = True) -> Host:
    host = Host(qtbot)
    if load:
        with qtbot.waitSignal(host.service.loaded, timeout=LOAD_TIMEOUT):
            host.load_model(model)
    return host


@pytest.fixture
def window(qtbot: QtBot, starter_model: Path) -> Iterator[Host]:
    host = make_window(qtbot, starter_model)
    yield host
    host.close()


def shown_probs(pane: SentimentPane) -> dict[str, float]:
    """The probabilities as the bars show them (0.1 % steps), checked against their texts."""
    probs = {}
    for label, bar in pane.prob_bars.items():
        p = bar.value() / bar.maximum()
        text = pane.prob_texts[label].text()
        assert math.isclose(float(text.rstrip("%")) / 100, p, abs_tol=0.0011), (text, p)
        probs[label] = p
    return probs


def analyze(qtbot: QtBot, pane: SentimentPane) -> None:
    with qtbot.waitSignal(pane.analysis_finished, timeout=RUN_TIMEOUT):
        qtbot.keyClick(pane.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: all(b.isVisible() for b in pane.prob_bars.values()), timeout=5000)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_no_model_disables_with_a_hint_then_one_text_gets_every_label(
    qtbot: QtBot, starter_model: Path
) -> None:
    window = make_window(qtbot, starter_model, load=False)
    pane = window.sentiment
    try:
        assert not pane.analyze_button.isEnabled()
        assert not pane.batch.run_button.isEnabled()
        assert pane.hint.isVisible() and "No model" in pane.hint.text()
        with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
            window.load_model(starter_model)
        assert pane.analyze_button.isEnabled() and not pane.hint.isVisible()

        pane.input.setFocus()
        qtbot.keyClicks(pane.input, "I love this phone, it is wonderful and works perfectly.")
        analyze(qtbot, pane)
        probs = shown_probs(pane)
        assert set(probs) == set(THREE)
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=0.003)
        assert pane.result_label.text() == max(probs, key=probs.__getitem__)
        assert pane.result_label.text() == "positive"
        assert not pane.error.isVisible()

        # the user adds a label of their own
        edit = pane.options.labels_edit
        edit.setFocus()
        qtbot.keyClick(edit, Qt.Key.Key_End)
        qtbot.keyClicks(edit, ", mixed")
        assert pane.options.labels() == (*THREE, "mixed")
        assert pane.options.labels_hint.text() == "4 labels"
        analyze(qtbot, pane)
        probs = shown_probs(pane)
        assert set(probs) == {*THREE, "mixed"}
        assert math.isclose(sum(probs.values()), 1.0, abs_tol=0.004)
        assert pane.result_label.text() in probs

        # the options are kept for next time
        def saved() -> object:
            return Settings.load(window.settings.path).get("sentiment.labels")

        qtbot.waitUntil(lambda: saved() == [*THREE, "mixed"], timeout=5000)
    finally:
        window.close()


def test_a_reason_is_shown_when_asked(qtbot: QtBot, window: Host) -> None:
    pane = window.sentiment
    click(qtbot, pane.options.reason)
    assert pane.options.reason.isChecked()
    pane.input.setFocus()
    qtbot.keyClicks(pane.input, "This is terrible. I hate it.")
    analyze(qtbot, pane)
    assert pane.result_label.text() in THREE
    assert pane.reason_label.isVisible()
    assert pane.reason_label.text().startswith("Why: ") and len(pane.reason_label.text()) > 8


def test_labels_and_examples_are_checked_as_typed(qtbot: QtBot, window: Host) -> None:
    pane = window.sentiment
    options = pane.options
    edit = options.labels_edit
    edit.selectAll()
    qtbot.keyClicks(edit, "positive")
    assert "at least two" in options.labels_hint.text()
    assert not pane.analyze_button.isEnabled() and pane.hint.isVisible()
    commit = QInputMethodEvent()  # a full-width comma, as a Chinese input method types it
    commit.setCommitString("，")
    QApplication.sendEvent(edit, commit)
    qtbot.keyClicks(edit, " Positive")
    assert "twice" in options.labels_hint.text()
    assert not pane.analyze_button.isEnabled()
    for _ in "Positive":
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, "negative")
    assert options.labels() == ("positive", "negative")
    assert pane.analyze_button.isEnabled()

    # an example: text, Tab to its label, a label that is not one of the labels
    click(qtbot, options.add_example)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "Best purchase ever")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)  # it offers the labels, and takes any text
    assert [combo.itemText(i) for i in range(combo.count())] == ["positive", "negative"]
    line = combo.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(combo, "joyful")
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: example_cell(options.examples, 0, 1).text() == "joyful", timeout=5000)
    assert "not one of the labels" in options.examples_hint.text()
    assert not pane.analyze_button.isEnabled()
    example_cell(options.examples, 0, 1).setText("Positive")  # any case: it is spelt as the label
    assert options.problem() is None and pane.analyze_button.isEnabled()
    assert options.examples_list() == [("Best purchase ever", "positive")]
    options.save()
    saved = Settings.load(window.settings.path)
    assert saved.get("sentiment.examples") == [["Best purchase ever", "Positive"]]
    assert saved.get("sentiment.labels") == ["positive", "negative"]

    options.examples.selectRow(0)
    click(qtbot, options.remove_example)
    assert options.examples.rowCount() == 0 and options.examples_list() == []


def example_cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    assert item is not None
    return item


def write_bad_csv(path: Path) -> None:
    rows = [
        b"id,text,source\r\n",
        b'1,"I love this, it is wonderful!",shop\r\n',
        b'2,"",shop\r\n',  # empty
        b"3," + b"word " * 1500 + b",forum\r\n",  # far too long for a 1024-token context
        b'4,"This is terrible. I hate it.",forum\r\n',
        b"5,bad bytes \xff\xfe here,mail\r\n",  # not UTF-8 (nor anything else)
        b'6,"Great quality, I am very happy with it.",mail\r\n',
    ]
    path.write_bytes(b"".join(rows))


def drop_file(qtbot: QtBot, pane: SentimentPane, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    at = pane.rect().center()
    enter = QDragEnterEvent(
        at,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(pane, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(at),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(pane.batch.table_loaded, timeout=30_000):
        QApplication.sendEvent(pane, drop)


def column_values(pane: SentimentPane, column: int) -> list[Any]:
    proxy = pane.batch.proxy
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_batch_file_table_sort_filter_chart_and_export(
    qtbot: QtBot,
    window: Host,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: ModelTester,
) -> None:
    pane = window.sentiment
    batch = pane.batch
    source = tmp_path / "reviews.csv"
    write_bad_csv(source)
    assert not batch.progress.isTextVisible()  # no "0 / 1" before a file (issue 14)
    drop_file(qtbot, pane, source)
    assert pane.tabs.currentWidget() is batch
    assert batch.progress.isTextVisible() and batch.progress.text() == "0 / 6"
    assert [batch.column_combo.itemText(i) for i in range(batch.column_combo.count())] == [
        "id",
        "text",
        "source",
    ]
    assert batch.column_combo.currentText() == "text"
    assert batch.model.rowCount() == 6 and "6 rows" in batch.file_label.text()

    with qtbot.waitSignal(batch.batch_finished, timeout=RUN_TIMEOUT):
        click(qtbot, batch.run_button)
    model = batch.model
    results = model.results()
    assert all(r is not None for r in results)
    errors = {i: r.error for i, r in enumerate(results) if r is not None and r.error}
    assert set(errors) == {1, 2, 4}
    assert "empty" in str(errors[1])
    assert "too long" in str(errors[2])
    assert "not valid" in str(errors[4])
    error_col = 4 + len(THREE)  # after the probabilities and the margin
    shown_errors = [model.index(i, error_col).data() for i in range(6)]
    assert [bool(e) for e in shown_errors] == [False, True, True, False, True, False]
    for i in (0, 3, 5):
        res = results[i]
        assert res is not None and res.label in THREE
        assert set(res.probs) == set(THREE) and math.isclose(sum(res.probs.values()), 1.0)
        assert model.index(i, 2).data() == res.label
    assert results[0] is not None and results[0].label == "positive"
    assert batch.progress.value() == 6 and "Done" in batch.progress_label.text()
    qtmodeltester.check(model)

    # the chart counts what the table says
    labels = [r.label for r in results if r is not None and r.label]
    assert batch.chart.counts() == {label: labels.count(label) for label in THREE}
    assert batch.chart.unlabelled == 3

    # sort by a probability column (a click on its header): numbers in order, errors last
    header = batch.view.horizontalHeader()
    col = model.prob_column("positive")
    x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == col
    if header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    shown = column_values(pane, col)
    numbers = [float(str(v)) for v in shown if v is not None]
    assert len(numbers) == 3 and numbers == sorted(numbers, reverse=True)
    assert shown[3:] == [None, None, None]
    assert column_values(pane, 0)[0] == 1 + max(
        (0, 3, 5),
        key=lambda i: results[i].probs["positive"],  # type: ignore[union-attr]
    )

    # filter by label, by "errors", and by text
    combo = batch.label_filter
    combo.setCurrentIndex(combo.findData("positive"))
    assert batch.proxy.rowCount() == batch.chart.counts()["positive"]
    assert set(column_values(pane, 2)) == {"positive"}
    combo.setCurrentIndex(combo.findData(ERRORS))
    assert sorted(column_values(pane, 0)) == [2, 3, 5]
    assert "3 of 6 rows" in batch.shown_label.text()
    combo.setCurrentIndex(0)
    batch.filter_edit.setFocus()
    qtbot.keyClicks(batch.filter_edit, "TERRIBLE")
    assert column_values(pane, 0) == [4]
    batch.filter_edit.clear()
    assert batch.proxy.rowCount() == 6

    # export: the file's own columns, then label and one probability per label
    out = tmp_path / "out" / "reviews-labelled"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    click(qtbot, batch.export_button)
    written = out.with_suffix(".csv")
    with written.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.reader(f))
    probs = [f"p_{x}" for x in THREE]
    assert back[0] == ["id", "text", "source", "label", *probs, "margin", "unsure", "error"]
    assert len(back) == 7
    assert [row[0] for row in back[1:]] == ["1", "2", "3", "4", "5", "6"]
    assert back[1][2] == "shop" and back[1][3] == results[0].label
    assert math.isclose(sum(float(v) for v in back[1][4:7]), 1.0, abs_tol=0.001)
    assert "too long" in back[3][9] and back[3][3] == "" and back[3][7:9] == ["", ""]
    assert back[5][1] == "bad bytes \ufffd\ufffd here"
    assert str(written) in window.messages[-1]

    # once exported, the file can be read again another way without asking: no header row
    with qtbot.waitSignal(batch.table_loaded, timeout=30_000):
        click(qtbot, batch.header_check)
    assert not batch.header_check.isChecked()
    assert batch.column_combo.currentText() == "column_2"  # the same column as before
    assert batch.model.rowCount() == 7 and batch.model.text(0) == "text"
    assert not batch.model.has_results() and not batch.export_button.isEnabled()


def test_cancel_keeps_what_was_scored(
    qtbot: QtBot, window: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pane = window.sentiment
    batch = pane.batch
    source = tmp_path / "many.txt"
    lines = ("Lovely staff and a great room.", "The food was cold and bland.")
    source.write_text("\n".join(f"{lines[i % 2]} ({i})" for i in range(60)) + "\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    with qtbot.waitSignal(batch.table_loaded, timeout=30_000):
        click(qtbot, batch.open_button)
    assert batch.model.rowCount() == 60
    assert not batch.header_check.isEnabled()  # a TXT file has no header row

    finished: list[bool] = []
    batch.batch_finished.connect(lambda: finished.append(True))
    click(qtbot, batch.run_button)
    assert not batch.run_button.isEnabled() and not pane.options.isEnabled()
    qtbot.waitUntil(lambda: batch.progress.value() >= 3, timeout=RUN_TIMEOUT)
    assert "texts/s" in batch.progress_label.text() and "left" in batch.progress_label.text()
    click(qtbot, batch.cancel_button)
    qtbot.waitUntil(lambda: bool(finished), timeout=RUN_TIMEOUT)

    results = batch.model.results()
    scored = [r for r in results if r is not None and r.ok]
    assert 3 <= len(scored) < 60
    assert results[: len(scored)] == scored  # the first ones, in order
    rest = results[len(scored) :]
    assert all(r is not None and r.error == NOT_SCORED and r.label is None for r in rest)
    for r in scored:
        assert set(r.probs) == set(THREE) and math.isclose(sum(r.probs.values()), 1.0)
    assert "Cancelled" in batch.progress_label.text()
    assert sum(batch.chart.counts().values()) == len(scored) and batch.chart.unlabelled == 0
    assert batch.export_button.isEnabled() and batch.run_button.isEnabled()
    assert pane.options.isEnabled()


def test_a_rebuilt_pane_shows_the_same_batch_and_one_text_result(
    qtbot: QtBot, window: Host, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A language or theme switch rebuilds the window: the new pane, given the old pane's
    controller, shows the 30-row batch (table, chart, summary) and the one-text result."""
    pane = window.sentiment
    batch = pane.batch
    text = "I love this phone, it is wonderful and works perfectly."
    pane.input.setFocus()
    qtbot.keyClicks(pane.input, text)
    analyze(qtbot, pane)
    one_label, one_probs = pane.result_label.text(), shown_probs(pane)

    source = tmp_path / "thirty.csv"
    reviews = ("Lovely staff and a great room.", "The food was cold and bland.", "")
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["id", "text"], *([i, reviews[i % 3]] for i in range(30))])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    with qtbot.waitSignal(batch.table_loaded, timeout=30_000):
        click(qtbot, batch.open_button)
    with qtbot.waitSignal(batch.batch_finished, timeout=RUN_TIMEOUT):
        click(qtbot, batch.run_button)
    results = batch.model.results()
    assert len(results) == 30 and all(r is not None for r in results)
    counts = batch.chart.counts()
    assert sum(counts.values()) == 20 and batch.chart.unlabelled == 10  # the empty texts
    summary = batch.progress_label.text()
    assert summary.startswith("Done: 20 of 30")
    edit = pane.options.labels_edit  # typed just before the switch: not saved yet
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, ", mixed")

    new = SentimentPane(window.service, window.settings)  # as MainWindow.hand_over does
    qtbot.addWidget(new)
    new.detach()
    new.attach(pane.controller)
    pane.detach()
    new.resize(940, 640)
    new.show()
    try:
        shown = new.batch
        assert new.tabs.currentWidget() is shown
        assert shown.model.rowCount() == 30 and shown.model.results() == results
        assert shown.model.labels == THREE and shown.proxy.rowCount() == 30
        assert shown.chart.counts() == counts and shown.chart.unlabelled == 10
        assert shown.progress_label.text() == summary and shown.progress.value() == 30
        assert shown.column_combo.currentText() == "text" and "30 rows" in shown.file_label.text()
        assert shown.export_button.isEnabled() and shown.run_button.isEnabled()
        assert new.options.labels() == (*THREE, "mixed")
        assert new.input.toPlainText() == text
        assert new.result_label.text() == one_label and shown_probs(new) == one_probs

        # the new pane goes on from there: filter, export; the old one follows no more
        shown.label_filter.setCurrentIndex(shown.label_filter.findData(ERRORS))
        assert shown.proxy.rowCount() == 10
        out = tmp_path / "thirty-labelled.csv"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
        click(qtbot, shown.export_button)
        with out.open(encoding="utf-8-sig", newline="") as f:
            assert len(list(csv.reader(f))) == 31
        shown.column_combo.setCurrentIndex(0)  # exported: no question; results cleared
        assert not shown.model.has_results() and not shown.export_button.isEnabled()
        assert batch.model.results() == results  # the old pane did not follow
    finally:
        new.shutdown()
        new.close()


def test_a_batch_cancelled_by_a_rebuild_ends_in_the_new_pane(
    qtbot: QtBot, window: Host, tmp_path: Path
) -> None:
    """The window is rebuilt mid-batch: the run stops (as MainWindow.hand_over stops the
    panes' work), and its end, arriving after the old pane is gone, shows in the new one."""
    pane = window.sentiment
    source = tmp_path / "many.txt"
    lines = ("Lovely staff and a great room.", "The food was cold and bland.")
    source.write_text("\n".join(f"{lines[i % 2]} ({i})" for i in range(60)) + "\n")
    with qtbot.waitSignal(pane.batch.table_loaded, timeout=30_000):
        pane.batch.open_table(str(source))
    click(qtbot, pane.batch.run_button)
    qtbot.waitUntil(lambda: pane.batch.progress.value() >= 3, timeout=RUN_TIMEOUT)

    controller = pane.controller
    pane.shutdown()
    new = SentimentPane(window.service, window.settings)
    qtbot.addWidget(new)
    new.detach()
    new.attach(controller)
    pane.detach()
    pane.close()
    pane.deleteLater()  # the run's Background belongs to the application, not to the pane
    window.sentiment = new
    shown = new.batch
    assert shown.busy and not shown.cancel_button.isEnabled()
    assert "Stopping" in shown.progress_label.text() and not new.options.isEnabled()
    with qtbot.waitSignal(shown.batch_finished, timeout=RUN_TIMEOUT):
        pass
    results = shown.model.results()
    scored = [r for r in results if r is not None and r.ok]
    assert 3 <= len(scored) < 60 and results == controller.results
    assert all(r is not None and r.error == NOT_SCORED for r in results[len(scored) :])
    assert "Cancelled" in shown.progress_label.text()
    assert sum(shown.chart.counts().values()) == len(scored)
    assert shown.run_button.isEnabled() and shown.export_button.isEnabled()
    assert new.options.isEnabled() and new.analyze_button.isEnabled()
