"""Models › Tokenizer: how the loaded model splits a text into tokens, and what Chinese costs.

A view over core/controllers/tokenizer.TokenizerController. Two texts side by side, the same
paragraph in English and in Chinese, each with its editor, its tokens coloured (token_display.py)
and its count and characters per token; a line below says how many times the English text's
tokens the Chinese one takes. Typing splits the text again after a short pause (a single-shot
timer), the engine's work off the GUI thread; a long text shows its first tokens coloured and
says so, its count stays whole.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from desktop_app.core.controllers.tokenizer import (
    CHINESE,
    ENGLISH,
    NoModel,
    Split,
    Tokenized,
    TokenizeFailed,
    TokenizerController,
)
from desktop_app.core.engine.protocol import Engine
from desktop_app.ui.background import gui_runner
from desktop_app.ui.core_text import shown
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.models.fit import ERROR_COLOR
from desktop_app.ui.models.token_display import TokenDisplay

DEBOUNCE_MS = 300


class TextSide:
    """One column: the text's name, its editor, its tokens and its figures."""

    def __init__(self, name: str, text: str, grid: QGridLayout, column: int) -> None:
        self.name = QLabel(f"<b>{name}</b>")
        self.editor = QPlainTextEdit(text)
        self.editor.setAccessibleName(name)
        self.editor.setMinimumHeight(60)
        self.tokens = TokenDisplay()
        self.tokens.setMinimumHeight(80)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.timer = QTimer(self.editor)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.editor.textChanged.connect(self.timer.start)
        grid.addWidget(self.name, 0, column)
        grid.addWidget(self.editor, 1, column)
        grid.addWidget(self.tokens, 2, column)
        grid.addWidget(self.figures, 3, column)


class TokenizerView(QWidget):
    """The English and Chinese texts in the loaded model's tokens; `tokenized` after each."""

    tokenized = Signal(str)  # a side's split (or why there is none) is on screen: tests wait

    def __init__(
        self,
        service: EngineService | None = None,
        controller: TokenizerController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.controller = controller or TokenizerController(self._engine, gui_runner)
        self.head = QLabel()
        self.head.setWordWrap(True)
        self.hint = QLabel(
            self.tr(
                "Hover a token to see its id. · marks a space, ⏎ a new line; a dotted underline "
                "marks one character made of several tokens."
            )
        )
        self.hint.setWordWrap(True)
        grid = QGridLayout()
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 2)
        texts = self.controller.texts
        self.sides = {
            ENGLISH: TextSide(self.tr("English"), texts[ENGLISH], grid, 0),
            CHINESE: TextSide(self.tr("Chinese"), texts[CHINESE], grid, 1),
        }
        for side, column in self.sides.items():
            column.timer.timeout.connect(lambda s=side: self._text_changed(s))
        self.comparison = QLabel()
        self.comparison.setWordWrap(True)
        f = self.comparison.font()
        f.setBold(True)
        self.comparison.setFont(f)
        layout = QVBoxLayout(self)
        layout.addWidget(self.head)
        layout.addWidget(self.hint)
        layout.addLayout(grid, 1)
        layout.addWidget(self.comparison)
        self._stale = True  # split again when next shown (first showing, another model)
        self.controller.add_listener(self._on_event)
        if service is not None:  # bound methods: Qt drops them with this view
            service.loaded.connect(self._model_changed)
            service.unloaded.connect(self._model_changed)
            service.engine_crashed.connect(self._model_changed)
        self._show_head()

    def _engine(self) -> Engine | None:  # a worker thread: read, never start, the engine
        service = self.service
        if service is None or service.model_info is None:
            return None
        return service.client

    def detach(self) -> None:
        for side, column in self.sides.items():  # an edit still waiting on its timer is kept
            if column.timer.isActive():  # (not split here: the next view splits when shown)
                column.timer.stop()
                self.controller.texts[side] = column.editor.toPlainText()
        self.controller.remove_listener(self._on_event)

    def attach(self, controller: TokenizerController) -> None:
        """Show `controller`'s texts (a window rebuilt in another language keeps what was typed)."""
        self.controller.remove_listener(self._on_event)
        self.controller = controller
        controller.use_engine(self._engine)  # this view's reader: the old one is going away
        controller.add_listener(self._on_event)
        for side, column in self.sides.items():
            column.editor.setPlainText(controller.texts[side])
        self._stale = True
        if self.isVisible():
            self.refresh()

    # ---- actions ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Split both texts again (with the model loaded now, or say there is none)."""
        self._stale = False
        self._show_head()
        self.controller.tokenize_all()

    def _model_changed(self, *_args: object) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def _text_changed(self, side: str) -> None:
        self.controller.set_text(side, self.sides[side].editor.toPlainText())

    # ---- showing ----------------------------------------------------------------------------

    def _show_head(self) -> None:
        info = self.service.model_info if self.service is not None else None
        if info is None:
            self.head.setText(
                self.tr("Load a model to see how its tokenizer splits these texts into tokens.")
            )
        elif info.n_vocab:
            self.head.setText(
                self.tr("{0} splits text with a vocabulary of {1} tokens.").format(
                    Path(info.path).stem or info.name, f"{info.n_vocab:,}"
                )
            )
        else:
            self.head.setText(self.tr("Tokens of {0}.").format(Path(info.path).stem or info.name))

    def _on_event(self, event: object) -> None:
        if not isinstance(event, Tokenized | TokenizeFailed | NoModel):
            return
        column = self.sides[event.side]
        if isinstance(event, Tokenized):
            column.tokens.show_split(event.split)
            column.figures.setStyleSheet("")
            column.figures.setText(self._figures(event.split))
        else:
            column.tokens.show_split(None)
            if isinstance(event, NoModel):
                column.figures.setStyleSheet("")
                column.figures.setText(self.tr("No model is loaded."))
            else:
                column.figures.setStyleSheet(f"color: {ERROR_COLOR};")
                column.figures.setText(self.tr("Cannot tokenize: {0}").format(shown(event.message)))
        self._show_head()
        self._show_comparison()
        self.tokenized.emit(event.side)

    def _figures(self, split: Split) -> str:
        per = split.chars_per_token
        text = self.tr("{0} tokens · {1} characters · {2} characters per token").format(
            f"{split.count:,}", f"{split.characters:,}", f"{per:.2f}" if per else "—"
        )
        if split.capped:
            text += " " + self.tr("(colours for the first {0})").format(f"{split.shown_tokens:,}")
        return text

    def _show_comparison(self) -> None:
        ratio = self.controller.ratio()
        self.comparison.setText(
            ""
            if ratio is None
            else self.tr("The Chinese text costs {0}× the tokens of the English one.").format(
                f"{ratio:.1f}"
            )
        )

    def splits(self) -> dict[str, Split | None]:
        return dict(self.controller.splits)
