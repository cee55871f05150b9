"""The Summarize pane driven as a person would, offscreen, against the real starter model.

One engine (the starter model in a 512-token context, so a page of text needs several parts) is
shared by the module; every test gets a fresh pane and a fresh app home.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.engine.requests import Crash
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.core.tasks.summarize import DEFAULT_SAMPLING, SummaryResult
from desktop_app.core.tasks.summary_checks import PROSE_MADE_BULLETS
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.summarize.pane import SummarizePane

N_CTX = 512
LOAD_TIMEOUT = 120_000
RUN_TIMEOUT = 180_000  # only against hangs: the runs below take seconds
SHORT_TEXT = (
    "The city council voted on Tuesday to build a new bridge over the river. The bridge will "
    "cost 12 million euros and should open in 2027. Supporters say it will cut commuting times "
    "by twenty minutes; opponents worry about the noise and the loss of a small park."
)

NAMES = ["Alice Moreau", "Bob Stone", "Chen Wei", "Dmitri Orlov", "Esther Kahn", "Farid Haddad"]
PLACES = ["the harbour", "the old mill", "the library", "the market square", "the lighthouse"]
SENTENCES = [
    "{name} repaired {place} with {n} volunteers.",
    "The council spent {n} thousand crowns on {place}.",
    "A storm damaged {place}, and {name} organised the clean-up.",
    "Visitors to {place} rose by {n} percent that summer.",
]


def chronicle(paragraphs: int, seed: int = 0) -> str:
    """A town chronicle, one year a paragraph: varied sentences with names, places, numbers."""
    r = random.Random(seed)
    out = []
    for k in range(paragraphs):
        lines = [f"In {1850 + k} the town changed again."]
        for _ in range(r.randint(2, 4)):
            lines.append(
                r.choice(SENTENCES).format(
                    name=r.choice(NAMES), place=r.choice(PLACES), n=r.randint(2, 90)
                )
            )
        out.append(" ".join(lines))
    return "\n\n".join(out)


@pytest.fixture(scope="module")
def service(
    qapp: QApplication, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineService]:
    s = EngineService(tmp_path_factory.mktemp("engine-logs"))
    yield s
    s.shutdown()


def load(qtbot: QtBot, service: EngineService, model: Path) -> None:
    """One thread, read into RAM: other tests may share the two cores (see tests/core)."""
    params = LoadParams(str(model), n_ctx=N_CTX, n_threads=1, use_mmap=False)
    with qtbot.waitSignal(service.loaded, timeout=LOAD_TIMEOUT):
        service.load(params)


@pytest.fixture
def pane(qtbot: QtBot, service: EngineService, starter_model: Path) -> Iterator[SummarizePane]:
    if service.model_info is None:
        load(qtbot, service, starter_model)
    settings = Settings.load(AppPaths.current().ensure().settings_file)
    p = SummarizePane(service, settings)
    p.sampling = replace(DEFAULT_SAMPLING, seed=7)
    qtbot.addWidget(p)
    p.resize(1000, 640)
    p.show()
    yield p
    if p.runner.running:  # leave the engine idle for the next test
        with qtbot.waitSignal(p.runner.running_changed, timeout=RUN_TIMEOUT):
            p.cancel()


def paste(qtbot: QtBot, pane: SummarizePane, text: str) -> None:
    QApplication.clipboard().setText(text)
    pane.input.setFocus()
    qtbot.keyClick(pane.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert pane.input.toPlainText() == text


def set_length(qtbot: QtBot, pane: SummarizePane, words: int) -> None:
    box = pane.length_box
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(words))
    assert box.value() == words


def click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled() and widget.isVisible()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def finished(blocker: object) -> SummaryResult:
    result = blocker.args[0]  # type: ignore[attr-defined]
    assert isinstance(result, SummaryResult)
    return result


# ---- summarizing ---------------------------------------------------------------------------


def test_paste_ctrl_enter_streams_then_copy_and_save(
    qtbot: QtBot, pane: SummarizePane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    pane.status_message.connect(messages.append)
    set_length(qtbot, pane, 20)
    paste(qtbot, pane, SHORT_TEXT)
    qtbot.waitUntil(lambda: "tokens" in pane.source_info.text(), timeout=30_000)
    assert f"{len(SHORT_TEXT)} characters" in pane.source_info.text()
    assert not pane.copy_button.isEnabled()  # nothing to copy yet

    chunks: list[str] = []
    pane.runner.text.connect(chunks.append)
    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        qtbot.keyClick(pane.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert pane.runner.running
        assert pane.input.isReadOnly() and not pane.summarize_button.isEnabled()
        assert pane.cancel_button.isEnabled()
    result = finished(done)
    assert not result.cancelled and result.summary and result.levels == 0
    assert len(chunks) >= 2, "the summary must arrive in pieces"
    # what streamed is the summary, or it was prose made into bullet points (the default style)
    assert "".join(chunks).strip() == result.summary or PROSE_MADE_BULLETS in result.warnings
    shown = pane.output.toPlainText()
    assert result.summary.split()[0].strip("*#-") in shown
    assert "one pass" in pane.stage_label.text()
    assert "one pass" in pane.parts_toggle.text()
    assert not pane.progress.isVisible()
    assert pane.summarize_button.isEnabled() and not pane.input.isReadOnly()

    click(qtbot, pane.copy_button)
    assert QApplication.clipboard().text() == result.summary
    assert "Summary copied" in messages

    target = tmp_path / "out" / "bridge"  # no suffix: .md is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    click(qtbot, pane.save_button)
    saved = target.with_suffix(".md")
    written = saved.read_text(encoding="utf-8")
    assert written.startswith(result.summary + "\n\n## Sources")  # then the claims, quoted
    assert "\n   > " in written and "Coverage:" in written
    assert messages[-1] == "Saved to bridge.md"


def test_clicking_a_claim_highlights_its_source_and_the_strip_shows_coverage(
    qtbot: QtBot, pane: SummarizePane
) -> None:
    text = SHORT_TEXT + "   \n\n" + chronicle(2, seed=1)  # normalised before the run
    pane.resize(800, 600)
    paste(qtbot, pane, text)
    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        click(qtbot, pane.summarize_button)
    result = finished(done)
    assert result.claims and result.mode == "whole"
    view = pane.claims_view
    assert view.isVisible() and not pane.output.isVisible()
    assert view.count() == len(result.claims)
    assert pane.coverage_strip.isVisible() and pane.coverage_label.isVisible()
    assert f"{round(100 * result.coverage)}%" in pane.coverage_label.text()
    for k, claim in enumerate(result.claims):  # unsupported ones say so, in colour and words
        item = view.item(k)
        assert ("Not supported" in item.toolTip()) == (not claim.supported)

    k = len(result.claims) - 1
    rect = view.visualItemRect(view.item(k))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    marked = pane.highlighted()
    spans = result.claims[k].sources
    assert len(marked) == len(spans)
    box = pane.input.toPlainText()
    source = pane.controller.run_text
    for (a, b), span in zip(marked, spans, strict=True):
        assert box[a:b] == source[span.start : span.end]  # the same sentence, in the box
    cursor = pane.input.textCursor().position()
    assert cursor == marked[0][0]

    strip = pane.coverage_strip
    first = result.sections[0]
    y = round(strip.height() * (first.start + first.end) / 2 / len(source))
    qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(5, y))
    ((a, b),) = pane.highlighted()
    assert box[a:b] == source[first.start : first.end]


def test_long_text_is_read_in_parts_shown_as_they_finish(qtbot: QtBot, pane: SummarizePane) -> None:
    text = chronicle(11, seed=3)  # about 700 tokens: 3 parts in a 512-token context
    set_length(qtbot, pane, 25)
    paste(qtbot, pane, text)
    qtbot.waitUntil(lambda: "read in parts" in pane.source_info.text(), timeout=30_000)
    progress: list[tuple[int, int, str]] = []
    pane.progress.valueChanged.connect(
        lambda v: progress.append((v, pane.progress.maximum(), pane.stage_label.text()))
    )
    done_while_running: list[int] = []
    pane.parts.changed.connect(lambda: done_while_running.append(pane.parts.done))
    seen_stages: set[str] = set()
    pane.runner.event_arrived.connect(lambda _e: seen_stages.add(pane.stage_label.text()))

    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        click(qtbot, pane.summarize_button)
    result = finished(done)
    assert not result.cancelled and result.summary
    n = sum(1 for p in result.parts if p.level == 1)
    assert n >= 2 and result.levels >= 1
    # the bar moves within each part (its prompt is read in batches), up to the last part
    in_parts = [v for v, top, stage in progress if top == 1000 and "Reading the parts" in stage]
    assert in_parts and in_parts == sorted(in_parts), progress
    assert max(in_parts) > 1000 * (n - 1) / n, progress
    assert len(set(in_parts)) > n, "more steps than parts"
    assert any(f"part 1 of {n}" in s for s in seen_stages), seen_stages
    assert any(f"part {n} of {n}" in s for s in seen_stages), seen_stages
    assert any("Writing the summary" in s for s in seen_stages), seen_stages
    assert any("left" in s for s in seen_stages), "an ETA once speeds are known"
    assert 1 in done_while_running, "parts appear one by one as they finish"

    # The parts view: open, one branch per round, every part with its tokens and summary.
    assert pane.parts_toggle.isChecked() and pane.parts.isVisible()
    assert pane.parts.count == len(result.parts) == pane.parts.done
    assert (
        pane.parts_toggle.text() == f"Parts: {len(result.parts)} of {len(result.parts)} summarized"
    )
    first = pane.parts.topLevelItem(0)
    assert first is not None and first.childCount() == n
    assert f"{n} parts" in first.text(0)
    for i in range(n):
        row = first.child(i)
        assert row is not None
        part = result.parts[i]
        assert row.text(0) == f"Part {i + 1}"
        assert row.text(1) == f"{part.tokens:,}"
        assert row.text(2) == part.summary
        source = row.child(0)  # the part's own text, one level down
        assert source is not None and source.text(2) == part.text
    assert "Done in" in pane.stage_label.text() and f"{n} parts" in pane.stage_label.text()
    assert pane.output.toPlainText().strip()


def test_cancel_after_the_first_part_keeps_it_and_the_pane_is_usable(
    qtbot: QtBot, pane: SummarizePane
) -> None:
    paste(qtbot, pane, chronicle(14, seed=9))
    click(qtbot, pane.summarize_button)
    qtbot.waitUntil(lambda: pane.parts.done >= 1, timeout=RUN_TIMEOUT)
    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        clicked = time.monotonic()
        click(qtbot, pane.cancel_button)
        assert pane.stage_label.text() == "Stopping…"
    stopped_after = time.monotonic() - clicked
    result = finished(done)
    assert result.cancelled and stopped_after < 5.0
    assert result.parts[0].done and result.parts[0].summary
    assert not result.parts[-1].done
    assert result.summary == ""
    page = pane.output.toPlainText()
    assert "Stopped before the final summary" in page
    assert result.parts[0].summary.split()[0].strip("*#-") in page
    assert "Stopped:" in pane.stage_label.text()
    rows = pane.parts.topLevelItem(0)
    last = rows.child(rows.childCount() - 1) if rows is not None else None
    assert last is not None and last.text(2) == "not finished"
    assert pane.copy_button.isEnabled()  # what was done can be copied

    # usable again: edit the text and summarize once more, with Esc while the summary streams
    assert pane.summarize_button.isEnabled() and not pane.input.isReadOnly()
    pane.input.selectAll()
    paste(qtbot, pane, SHORT_TEXT)
    pane.style_box.setCurrentIndex(pane.style_box.findData("outline"))
    set_length(qtbot, pane, 300)
    with qtbot.waitSignal(pane.runner.text, timeout=RUN_TIMEOUT):
        click(qtbot, pane.summarize_button)
    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        qtbot.keyClick(pane.output, Qt.Key.Key_Escape)
    again = finished(done)
    assert again.cancelled and again.summary
    assert "incomplete" in pane.stage_label.text()
    assert pane.summary_text() == again.summary
    assert pane.summarize_button.isEnabled()


def test_errors_are_shown_in_the_pane(
    qtbot: QtBot, pane: SummarizePane, service: EngineService, starter_model: Path
) -> None:
    # An instruction that leaves no room in the context: the summarizer says what to do.
    paste(qtbot, pane, chronicle(11, seed=3))
    pane.instruction.setText("Mention every person, place and number, in order. " * 30)
    with qtbot.waitSignal(pane.summary_failed, timeout=RUN_TIMEOUT) as failed:
        click(qtbot, pane.summarize_button)
    assert "too little room" in failed.args[0]
    assert pane.notes.isVisible() and failed.args[0] in pane.notes.text()
    assert pane.stage_label.text() == "The summary failed."
    assert pane.summarize_button.isEnabled() and not pane.progress.isVisible()

    # The engine dies in the middle: the message is shown, the finished part stays in view.
    pane.instruction.clear()
    crashed: list[str] = []
    service.engine_crashed.connect(crashed.append)
    click(qtbot, pane.summarize_button)
    qtbot.waitUntil(lambda: pane.parts.done >= 1, timeout=RUN_TIMEOUT)
    with qtbot.waitSignal(pane.summary_failed, timeout=RUN_TIMEOUT) as failed:
        client = service.client
        assert isinstance(client, EngineClient)
        client.submit(Crash())  # answered: the suite sets HEARTH_ENGINE_DEBUG
    assert "The engine stopped unexpectedly" in failed.args[0]
    assert "The engine stopped unexpectedly" in pane.notes.text()
    assert pane.parts.done >= 1 and pane.parts.count >= 2
    qtbot.waitUntil(lambda: bool(crashed), timeout=10_000)
    assert not pane.summarize_button.isEnabled()  # no model until it is loaded again
    load(qtbot, service, starter_model)
    assert pane.summarize_button.isEnabled()
    assert not pane.progress.isVisible()


# ---- the text ------------------------------------------------------------------------------


def test_open_a_utf16_text_and_a_word_document(
    qtbot: QtBot, pane: SummarizePane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docx

    notes = tmp_path / "notes.txt"
    notes.write_bytes(
        codecs.BOM_UTF16_LE + "Café crème — 咖啡 notes.\nSecond line.".encode("utf-16-le")
    )
    paste(qtbot, pane, "my own draft")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(notes), ""))
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        click(qtbot, pane.open_button)
    assert pane.input.toPlainText() == "Café crème — 咖啡 notes.\nSecond line."
    assert pane.source_title.text() == "notes.txt"
    info = pane.source_info.text()
    assert "plain text" in info and "decoded as UTF-16 LE" in info and "characters" in info
    qtbot.waitUntil(lambda: "tokens" in pane.source_info.text(), timeout=30_000)
    # the text it replaced is one Ctrl+Z away
    pane.input.setFocus()
    qtbot.keyClick(pane.input, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pane.input.toPlainText() == "my own draft"
    qtbot.keyClick(pane.input, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "edited" in pane.source_info.text(), timeout=5_000)

    report = tmp_path / "report.docx"
    d = docx.Document()
    d.add_paragraph("Quarterly report")
    d.add_paragraph("Sales grew by 12 percent.")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Region"
    table.rows[0].cells[1].text = "North"
    d.save(str(report))
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        pane.open_file(str(report))
    assert (
        pane.input.toPlainText()
        == "Quarterly report\n\nSales grew by 12 percent.\n\nRegion | North"
    )
    assert pane.source_title.text() == "report.docx"
    assert "Word document" in pane.source_info.text()
    assert "edited" not in pane.source_info.text()


def drop(widget: QWidget, path: Path) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)
    return event


def test_a_dropped_file_is_opened(qtbot: QtBot, pane: SummarizePane, tmp_path: Path) -> None:
    md = tmp_path / "readme.md"
    md.write_text("# Plan\n\nShip the bridge by May.\n", encoding="utf-8")
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        event = drop(pane.input.viewport(), md)  # onto the text box
    assert event.isAccepted()
    assert pane.input.toPlainText() == "# Plan\n\nShip the bridge by May."
    assert "Markdown" in pane.source_info.text()

    html = tmp_path / "page.html"
    html.write_text("<html><body><p>Hello <b>world</b></p></body></html>", encoding="utf-8")
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        drop(pane.output.viewport(), html)  # anywhere on the pane
    assert pane.input.toPlainText() == "Hello world"


def test_unreadable_files_explain_and_keep_the_text(
    qtbot: QtBot, pane: SummarizePane, tmp_path: Path
) -> None:
    paste(qtbot, pane, "keep me")
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(os.urandom(4096))
    with qtbot.waitSignal(pane.document_failed, timeout=30_000) as failed:
        pane.open_file(str(bad))
    assert "scan.pdf is not a readable PDF" in failed.args[0]
    assert pane.source_error.isVisible() and "not a readable PDF" in pane.source_error.text()
    assert pane.input.toPlainText() == "keep me"
    assert pane.open_button.isEnabled()

    sheet = tmp_path / "data.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    with qtbot.waitSignal(pane.document_failed, timeout=30_000) as failed:
        pane.open_file(str(sheet))
    assert ".xlsx files are not supported" in pane.source_error.text()

    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with qtbot.waitSignal(pane.document_failed, timeout=30_000):
        pane.open_file(str(binary))
    assert "Cannot decode blob.txt" in pane.source_error.text()
    assert pane.input.toPlainText() == "keep me"

    good = tmp_path / "fine.txt"
    good.write_text("fine", encoding="utf-8")
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        pane.open_file(str(good))
    assert not pane.source_error.isVisible()


# ---- options and model state ---------------------------------------------------------------


def test_options_are_remembered(qtbot: QtBot, pane: SummarizePane, service: EngineService) -> None:
    pane.style_box.setCurrentIndex(pane.style_box.findData("outline"))
    pane.language_box.setCurrentIndex(pane.language_box.findData("zh"))
    set_length(qtbot, pane, 120)
    pane.instruction.setFocus()
    qtbot.keyClicks(pane.instruction, "focus on the costs")
    settings_file = pane.settings.path

    def saved() -> dict[str, object]:
        data = json.loads(settings_file.read_text(encoding="utf-8"))
        return dict(data["summarize"])

    qtbot.waitUntil(
        lambda: settings_file.is_file() and saved() == {
            "style": "outline", "target_words": 120, "language": "zh",
            "instruction": "focus on the costs",
        },
        timeout=5_000,
    )  # fmt: skip
    set_length(qtbot, pane, 10)
    qtbot.keyClick(pane.length_box, Qt.Key.Key_Down)  # one step down from 10: "Auto"
    assert pane.length_box.text() == "Auto"
    qtbot.waitUntil(lambda: saved()["target_words"] is None, timeout=5_000)

    again = SummarizePane(service, Settings.load(settings_file))
    qtbot.addWidget(again)
    o = again.options()
    assert (o.style, o.target_words, o.language, o.instruction) == (
        "outline", None, "zh", "focus on the costs",
    )  # fmt: skip


def test_without_a_model_summarize_is_disabled_with_a_hint(
    qtbot: QtBot, pane: SummarizePane, service: EngineService, starter_model: Path
) -> None:
    paste(qtbot, pane, SHORT_TEXT)
    assert pane.summarize_button.isEnabled()
    with qtbot.waitSignal(service.unloaded, timeout=30_000):
        service.unload()
    assert not pane.summarize_button.isEnabled()
    assert "Load a model" in pane.model_hint.text()
    qtbot.keyClick(pane.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not pane.runner.running
    load(qtbot, service, starter_model)
    assert pane.summarize_button.isEnabled()
    assert "Load a model" not in pane.model_hint.text()


def test_in_the_window_esc_stops_and_the_status_bar_follows(
    qtbot: QtBot, starter_model: Path
) -> None:
    """The pane in its place (the window's own engine): the chat pane's Esc does not take the key."""
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    for key, value in (("load.n_ctx", N_CTX), ("load.n_threads", 1), ("load.use_mmap", False)):
        settings.set(key, value)
    settings.save()
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.show()
    try:
        assert not window.summarize.summarize_button.isEnabled()
        with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
            window.load_model(str(starter_model))
        window.nav.setCurrentRow(1)
        pane = window.summarize
        assert window.stack.currentWidget() is pane and pane.summarize_button.isEnabled()
        paste(qtbot, pane, chronicle(11, seed=3))
        with qtbot.waitSignal(pane.runner.event_arrived, timeout=RUN_TIMEOUT):
            qtbot.keyClick(pane.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert window.statusBar().currentMessage() == "Summarizing…"
        with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
            qtbot.keyClick(pane.input, Qt.Key.Key_Escape)
        assert finished(done).cancelled
        assert window.statusBar().currentMessage().startswith("Stopped")
        assert pane.summarize_button.isEnabled()
    finally:
        window.close()


def test_a_second_pane_over_the_same_controller_shows_the_document_and_summary(
    qtbot: QtBot, pane: SummarizePane, service: EngineService, tmp_path: Path
) -> None:
    """What a language or theme switch does: a new pane over the old pane's controller."""
    source = tmp_path / "bridge.txt"
    source.write_text(SHORT_TEXT, encoding="utf-8")
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        pane.open_file(str(source))
    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        click(qtbot, pane.summarize_button)
    result = finished(done)
    assert result.summary and not result.cancelled

    settings = Settings.load(AppPaths.current().ensure().settings_file)
    again = SummarizePane(service, settings, controller=pane.controller)
    pane.detach()
    qtbot.addWidget(again)
    again.show()
    assert again.input.toPlainText() == pane.input.toPlainText() == SHORT_TEXT
    assert again.source_title.text() == "bridge.txt"
    assert again.summary_text() == result.summary == pane.summary_text()
    assert result.summary.split()[0].strip("*#-") in again.output.toPlainText()
    assert "one pass" in again.stage_label.text() and "one pass" in again.parts_toggle.text()
    assert again.copy_button.isEnabled() and again.summarize_button.isEnabled()


def test_a_new_document_clears_the_last_summary(
    qtbot: QtBot, pane: SummarizePane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the summary and parts of the last document do not stay beside a new one."""
    first, second = tmp_path / "bridge.txt", tmp_path / "other.txt"
    first.write_text(SHORT_TEXT, encoding="utf-8")
    second.write_text("A short note about the weather on the coast today.", encoding="utf-8")
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        pane.open_file(str(first))
    with qtbot.waitSignal(pane.summary_finished, timeout=RUN_TIMEOUT) as done:
        click(qtbot, pane.summarize_button)
    assert finished(done).summary and pane.summary_text() and pane.copy_button.isEnabled()

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(second), ""))
    with qtbot.waitSignal(pane.document_opened, timeout=30_000):
        click(qtbot, pane.open_button)
    assert pane.input.toPlainText().startswith("A short note")
    assert pane.summary_text() == "" and pane.output.toPlainText().strip() == ""
    assert pane.parts.count == 0 and pane.stage_label.text() == ""
    assert not pane.copy_button.isEnabled() and not pane.save_button.isEnabled()
    assert pane.controller.result is None and pane.controller.streamed == ""
    again = SummarizePane(pane.service, pane.settings, controller=pane.controller)  # a rebuild
    qtbot.addWidget(again)
    pane.detach()
    assert again.summary_text() == "" and again.input.toPlainText().startswith("A short note")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_pane_fits_800x600_mid_run(qtbot: QtBot, lang: str) -> None:
    """Issue 14: at 800x600, in English and Chinese, nothing is cut: the buttons keep their text
    and the stage line (stage, tokens read, time left) wraps instead of running off."""
    from PySide6.QtWidgets import QPushButton

    from desktop_app.core.tasks.summarize import Advanced, Progress
    from desktop_app.ui.app import apply_language

    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("language", lang)
    apply_language(settings)
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    try:
        window.resize(800, 600)
        window.show()
        qtbot.waitExposed(window)
        window.nav.setCurrentRow(1)
        pane = window.summarize
        pane.input.setPlainText(chronicle(30))
        c = pane.controller
        c.running = True  # the view of a run in flight, as its events come
        for event in (
            Progress("map", 2, 5, 95.0),
            Advanced("map", 2, 5, 1024, 3500, 0, 0.3, 83.0),
        ):
            c._on_run_event(event)
        pane._sync()
        qtbot.waitUntil(lambda: "1,024" in pane.stage_label.text())
        stage = pane.stage_label.text()
        assert "3,500" in stage and ("left" in stage or "剩" in stage), stage
        assert pane.progress.maximum() == 1000 and 200 < pane.progress.value() < 300
        qtbot.waitUntil(lambda: window.width() <= 800 and window.height() <= 600)
        area = pane.rect()
        label = pane.stage_label
        qtbot.waitUntil(  # the layout settles: the wrapped line gets the height it needs
            lambda: label.height() >= label.heightForWidth(label.width()), timeout=3000
        )
        widgets: list[QWidget] = [*pane.findChildren(QPushButton), pane.input, pane.output]
        widgets += [pane.style_box, pane.language_box, pane.length_box, pane.instruction]
        for w in widgets:
            if not w.isVisible():
                continue
            parent = w.parentWidget()
            assert parent is not None
            box = w.geometry().translated(parent.mapTo(pane, w.pos()) - w.pos())
            assert area.contains(box), f"{w.accessibleName() or w} leaves the pane"
            if isinstance(w, QPushButton):
                assert w.width() >= w.sizeHint().width(), f"{w.text()} is cut"
        assert pane.input.width() >= 250 and pane.output.width() >= 250
        for combo in (pane.style_box, pane.language_box):
            assert combo.width() >= combo.minimumSizeHint().width()
    finally:
        pane.controller.running = False
        window.close()
        settings.set("language", "en")
        apply_language(settings)
