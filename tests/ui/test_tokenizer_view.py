"""Models › Tokenizer, driven as a person would, on the real starter model: typed text splits
into llama-cpp-python's tokens, the tooltip tells the id, English and Chinese are compared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loaded_window import make_window
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.controllers.tokenizer import CHINESE, ENGLISH, SAMPLES, Split
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.pane import TAB_TOKENIZER
from desktop_app.ui.models.token_display import TokenDisplay, visible
from desktop_app.ui.models.tokenizer_view import TokenizerView

TEXTS = {  # side, text
    "english": (ENGLISH, "The quick brown fox jumps over the lazy dog, twice."),
    "chinese": (CHINESE, "大型语言模型把文字切成词元，中文通常更费上下文。"),
    "emoji": (ENGLISH, "🎉🦊👩‍👩‍👧 ok 👍🏽"),
    "mixed": (CHINESE, "Hello 世界! café naïve — 1234 <|im_start|> 🚀\n\ttabs"),
}


@pytest.fixture(scope="module")
def reference(starter_model: Path) -> Iterator[Any]:
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(starter_model), vocab_only=True, verbose=False)
    yield llm
    llm.close()


def open_tokenizer(qtbot: QtBot, window: MainWindow) -> TokenizerView:
    window.nav.setCurrentRow(3)
    pane = window.models
    pane.tabs.setCurrentIndex(TAB_TOKENIZER)
    view = pane.tokenizer_view
    qtbot.waitUntil(lambda: all(view.splits().values()), timeout=60_000)
    return view


def type_text(qtbot: QtBot, editor: QWidget, text: str) -> None:
    """As a person types: keys for plain ASCII, an input method's commit for the rest (Chinese
    and emoji come from an IME or the emoji picker, not from single key presses)."""
    editor.setFocus()
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            qtbot.keyClick(editor, Qt.Key.Key_Return)
        run = ""
        for ch in line + "\0":
            if ch.isascii() and ch != "\0":
                run += ch
                continue
            if run:
                qtbot.keyClicks(editor, run)
                run = ""
            if ch != "\0":
                event = QInputMethodEvent()
                event.setCommitString(ch)
                QApplication.sendEvent(editor, event)


def retype(qtbot: QtBot, view: TokenizerView, side: str, text: str) -> Split:
    editor = view.sides[side].editor
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # Backspace: the old text is gone
    type_text(qtbot, editor, text)
    assert editor.toPlainText() == text
    qtbot.waitUntil(
        lambda: (s := view.splits()[side]) is not None and s.text == text, timeout=30_000
    )
    split = view.splits()[side]
    assert split is not None
    return split


def hover(display: TokenDisplay, index: int) -> str:
    point = display.point_of(index)
    viewport = display.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    return QToolTip.text()


def test_typed_text_splits_into_llama_cpp_pythons_tokens(
    qtbot: QtBot, starter_model: Path, reference: Any
) -> None:
    window = make_window(qtbot, starter_model)
    view = open_tokenizer(qtbot, window)
    for kind, (side, text) in TEXTS.items():
        split = retype(qtbot, view, side, text)
        want = reference.tokenize(text.encode(), add_bos=False, special=False)
        assert list(split.ids) == want, kind
        display = view.sides[side].tokens
        assert [p.id for c in display.chunks for p in c.pieces] == want, kind
        assert "".join(c.text for c in display.chunks) == text, kind
        shown = display.toPlainText().replace("\u2029", "\n")
        assert shown == visible(text), kind
        assert f"{len(want):,} tokens" in view.sides[side].figures.text(), kind
    # hovering a token tells its id; a character made of two tokens tells both, with bytes
    english = view.sides[ENGLISH].tokens
    retype(qtbot, view, ENGLISH, "Hello there")
    ids = [p.id for c in english.chunks for p in c.pieces]
    assert hover(english, 1) == f"Token {ids[1]}"
    assert hover(english, 0) == f"Token {ids[0]}"
    chinese = view.sides[CHINESE].tokens
    retype(qtbot, view, CHINESE, TEXTS["chinese"][1])
    several = [i for i, c in enumerate(chinese.chunks) if len(c.pieces) > 1]
    assert several, "expected a character over two tokens"
    tip = hover(chinese, several[0])
    chunk = chinese.chunks[several[0]]
    for piece in chunk.pieces:
        assert f"token {piece.id}: bytes {piece.data.hex(' ')}" in tip
    window.close()


def test_english_and_chinese_side_by_side_at_800_by_600(qtbot: QtBot, starter_model: Path) -> None:
    window = make_window(qtbot, starter_model)
    window.resize(800, 600)
    view = open_tokenizer(qtbot, window)
    en, zh = view.splits()[ENGLISH], view.splits()[CHINESE]
    assert en is not None and zh is not None
    assert en.text == SAMPLES[ENGLISH] and zh.text == SAMPLES[CHINESE]
    assert f"{en.count:,} tokens" in view.sides[ENGLISH].figures.text()
    assert f"{zh.count:,} tokens" in view.sides[CHINESE].figures.text()
    per = f"{en.characters / en.count:.2f} characters per token"
    assert per in view.sides[ENGLISH].figures.text()
    ratio = f"{zh.count / en.count:.1f}×"
    assert (
        view.comparison.text() == f"The Chinese text costs {ratio} the tokens of the English one."
    )
    # nothing clipped: the window keeps its size, every label shows all its lines, no sideways
    # scrolling in the token views
    qtbot.waitUntil(lambda: window.width() == 800 and window.height() == 600)
    QApplication.processEvents()
    right = view.mapTo(window, view.rect().topRight()).x()
    assert right <= window.width()
    for label in view.findChildren(QLabel):
        if label.isVisible() and label.text():
            if label.wordWrap():
                assert label.height() >= label.heightForWidth(label.width()), label.text()
            else:
                assert label.width() >= label.sizeHint().width(), label.text()
    for side in view.sides.values():
        assert side.tokens.horizontalScrollBar().maximum() == 0
        assert side.tokens.height() >= 80 and side.editor.height() >= 60
        assert side.tokens.mapTo(window, side.tokens.rect().bottomRight()).y() < window.height()
    window.close()


def test_a_long_text_is_coloured_in_part_and_counted_whole(
    qtbot: QtBot, starter_model: Path
) -> None:
    window = make_window(qtbot, starter_model)
    view = open_tokenizer(qtbot, window)
    editor = view.sides[ENGLISH].editor
    editor.setPlainText("one two three four five six. " * 1000)  # a paste
    qtbot.waitUntil(
        lambda: (s := view.splits()[ENGLISH]) is not None and s.count > 5000, timeout=60_000
    )
    split = view.splits()[ENGLISH]
    assert split is not None and split.capped and split.shown_tokens == 5000
    figures = view.sides[ENGLISH].figures.text()
    assert f"{split.count:,} tokens" in figures and "(colours for the first 5,000)" in figures
    window.close()


def test_without_a_model_it_says_so(qtbot: QtBot) -> None:
    view = TokenizerView()
    qtbot.addWidget(view)
    with qtbot.waitSignals([view.tokenized, view.tokenized], timeout=10_000):
        view.show()
    assert "Load a model" in view.head.text()
    assert all(s.figures.text() == "No model is loaded." for s in view.sides.values())
    assert view.comparison.text() == ""
