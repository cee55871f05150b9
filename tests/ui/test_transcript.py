"""The chat transcript widget: a streamed answer looks as the finished one does, and as the same
message does when the conversation is opened again; a long answer's end never blocks the GUI."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from desktop_app.ui.chat.rich_text import append_html, appended_text
from desktop_app.ui.chat.transcript import ShownMessage, Transcript
from desktop_app.ui.markdown import render_markdown

ANSWER = (
    "First line of the answer\nsecond line, same paragraph\nthird line\n\n"
    "A new paragraph with **bold** and `code`\nand a soft break.\n\n"
    "- one\n- two\n\n"
    "```python\ndef f(x):\n    return x * 2\n```\n\n"
    "| k | v |\n|---|---|\n| a | 1 |\n\n---\n\n"
    "> quoted\n\n1. x\n2. y\n\nThe end."
)


def layout(view: Transcript) -> list[tuple[str, float, float, float, bool, int]]:
    """Each block's text, margins, list membership and top edge (the geometry on screen)."""
    doc = view.document()
    doc_layout = doc.documentLayout()
    out = []
    block = doc.begin()
    while block.isValid():
        f = block.blockFormat()
        top = round(doc_layout.blockBoundingRect(block).top())
        out.append((block.text(), f.topMargin(), f.bottomMargin(), f.leftMargin(),
                    block.textList() is not None, top))  # fmt: skip
        block = block.next()
    return out


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[Transcript]:
    widget = Transcript()
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    yield widget


def stream(qtbot: QtBot, view: Transcript, text: str, piece: int = 7) -> None:
    """Feed `text` in pieces as the frames of a streamed answer, waiting for each to show."""
    for i in range(0, len(text), piece):
        view.append_tokens(text[i : i + piece])
        qtbot.wait(1)
    qtbot.waitUntil(lambda: view.caught_up, timeout=10_000)
    assert view.streamed_text() == text


def finish(qtbot: QtBot, view: Transcript, text: str, note: str = "") -> None:
    if view.rendering:
        with qtbot.waitSignal(view.answer_shown, timeout=10_000):
            view.end_answer(text, 1, note)
    assert not view.rendering


def test_a_streamed_answer_has_the_final_answers_blocks(qtbot: QtBot, view: Transcript) -> None:
    """Single line breaks stay soft breaks while streaming: no block appears that the end
    would merge (the text used to jump when the answer ended)."""
    view.set_messages([ShownMessage("user", "Hi", 0)])
    view.begin_answer(1)
    stream(qtbot, view, ANSWER)
    # all of it shown, as streamed, before the end arrives
    streaming = [row[:5] for row in layout(view)]
    assert ("First line of the answer second line, same paragraph third line", 12.0, 12.0, 0.0, False) in streaming  # fmt: skip
    finish(qtbot, view, ANSWER)
    final = [row[:5] for row in layout(view)]
    assert final == streaming
    assert "def f(x):" in view.toPlainText() and "• " not in view.toPlainText()


def test_just_finished_and_reopened_look_the_same(qtbot: QtBot, view: Transcript) -> None:
    """The gap under "Assistant" (and every other block's place) is the same for an answer
    that just finished streaming and for the same message shown again later."""
    view.set_messages([ShownMessage("user", "Hi", 0)])
    view.begin_answer(1)
    stream(qtbot, view, ANSWER, piece=13)
    finish(qtbot, view, ANSWER)
    fresh = layout(view)
    view.set_messages([ShownMessage("user", "Hi", 0), ShownMessage("assistant", ANSWER, 1)])
    reopened = layout(view)
    assert fresh == reopened
    header = next(i for i, row in enumerate(fresh) if row[0].startswith("Assistant"))
    assert fresh[header + 1][1] == 12.0  # the first paragraph keeps its top margin: a gap
    assert fresh[header + 1][5] - fresh[header][5] > 20


def test_a_short_answer_is_final_as_soon_as_it_ends(qtbot: QtBot, view: Transcript) -> None:
    view.begin_answer(0)
    view.append_tokens("Hello **there**,\nfriend.")
    view.end_answer("Hello **there**,\nfriend.", 0, "Stopped.")
    assert not view.rendering  # nothing left to do off the GUI thread
    assert view.toPlainText().endswith("Hello there, friend.\nStopped.")


def test_a_final_text_other_than_the_stream_is_shown_whole(qtbot: QtBot, view: Transcript) -> None:
    view.begin_answer(0)
    stream(qtbot, view, "- a\n- b\n\nsome text that the end replaces " * 20)
    finish(qtbot, view, "Something else entirely.")
    assert view.toPlainText().split("\n")[1:] == ["Something else entirely."]


def test_copy_links_of_streamed_code_blocks_are_numbered_on(qtbot: QtBot, view: Transcript) -> None:
    code = "```\nfirst\n```\n\nText\n\n```sh\nsecond\n```\n"
    view.set_messages([ShownMessage("assistant", code, 0)])
    view.begin_answer(1)
    stream(qtbot, view, code * 3, piece=5)
    finish(qtbot, view, code * 3)
    hrefs = [f"copy:{n}" for n in range(8)]
    html = view.document().toHtml()
    assert all(f'href="{h}"' in html for h in hrefs) and 'href="copy:8"' not in html
    assert view._code_blocks == ["first", "second"] * 4


def test_a_long_answers_end_does_not_block_the_gui_thread(qtbot: QtBot, view: Transcript) -> None:
    """A generous bound (the bench measures it): a 1 ms timer keeps ticking while a 2,000-token
    answer with code ends, and no gap between its ticks comes near the old whole-answer render."""
    para = "The model streams each token into the view while the window stays responsive. "
    code = (
        "```python\n"
        + "\n".join(f"def f{i}(x):\n    return x * {i}" for i in range(40))
        + "\n```\n\n"
    )
    answer = (para * 8 + "\n\n- item one\n- item two\n\n" + code) * 4
    view.begin_answer(0)
    stream(qtbot, view, answer, piece=len(answer) // 60)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(1)
    qtbot.wait(20)
    began = time.perf_counter()
    view.end_answer(answer, 0)
    spent = time.perf_counter() - began
    qtbot.waitUntil(lambda: not view.rendering, timeout=10_000)
    qtbot.wait(20)
    timer.stop()
    assert spent < 0.05  # the end only hands the last block over
    assert len(ticks) > 10
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.25


def test_appended_text_is_only_a_continuation_of_the_last_text_run() -> None:
    assert appended_text("<p>abc</p>\n", "<p>abc def &amp; g</p>\n") == " def & g"
    assert appended_text("<p><b>bo</b></p>", "<p><b>bold</b></p>") == "ld"
    assert appended_text("<p>a <b>b</b></p>", "<p>a <b>b</b> c</p>") is None  # outside <b>
    assert appended_text("<ul>\n<li>a</li>\n</ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>") is None
    assert appended_text("<p>a</p>", "<p>a\nb</p>") is None  # HTML folds it: replace instead
    assert appended_text("<table><tr><td>a</td></tr></table>", "<table><tr><td>ab</td></tr></table>") is None  # fmt: skip


def test_pieces_appended_one_by_one_make_the_whole(qapp: object) -> None:
    """`append_html` of the blocks one at a time gives the blocks of one append of them all."""

    def blocks(doc: QTextDocument) -> list[tuple[str, float, float, bool]]:
        out, block = [], doc.begin()
        while block.isValid():
            f = block.blockFormat()
            out.append(
                (block.text(), f.topMargin(), f.bottomMargin(), block.textList() is not None)
            )
            block = block.next()
        return out

    parts = [p for p in ANSWER.split("\n\n")]
    whole, pieces = QTextDocument(), QTextDocument()
    append_html(whole, "<p>Assistant</p>")
    append_html(pieces, "<p>Assistant</p>")
    append_html(whole, render_markdown(ANSWER).html)
    for part in parts:
        append_html(pieces, render_markdown(part).html)
    assert blocks(whole) == blocks(pieces)


def test_nothing_is_ever_fetched(view: Transcript) -> None:
    view.set_messages([ShownMessage("assistant", "![x](http://example.com/x.png) <img src=y>", 0)])
    assert view.loadResource(2, "http://example.com/x.png") is None
    assert "<img" not in view.document().toHtml()
