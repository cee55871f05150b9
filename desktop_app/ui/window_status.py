"""The main window's status bar: the current pane's figures (speed, context used), Undo, and
the API server's address. MainWindow builds on this class (window_models, window_menu).

Messages (`statusBar().showMessage`) are drawn by QStatusBar over the space left of the
permanent widgets, cut off at the figures with no gap ("Name or ser51.2 tokens/s"). Here they
are a label of their own in the bar's layout instead: beside the figures, never under them,
elided to the room it has (the whole text in its tooltip), and shown through core_text.shown,
so a message made in the core reads in the interface's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QWidget,
)

from desktop_app.core.engine.events import Stats
from desktop_app.ui.core_text import shown
from desktop_app.ui.elided_label import ElidedLabel
from desktop_app.ui.engine_service import EngineService

if TYPE_CHECKING:
    from desktop_app.ui.chat.pane import ChatPane

CHAT_ROW, SUMMARIZE_ROW, SENTIMENT_ROW = 0, 1, 2  # the navigation's rows


class MessageBar(QStatusBar):
    """A status bar whose message is a label in its layout, left of the permanent widgets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = ElidedLabel()
        self.message.setAccessibleName(self.tr("Status message"))
        self.message.setContentsMargins(4, 0, 12, 0)  # a gap before the figures
        self.addWidget(self.message, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)

    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        """As QStatusBar's, but in the label (and in the interface's language)."""
        self.message.set_full_text(shown(text))
        if timeout:
            self._timer.start(timeout)
        else:
            self._timer.stop()
        self.messageChanged.emit(self.message.full_text)

    def clearMessage(self) -> None:
        self._timer.stop()
        if self.message.full_text:
            self.message.set_full_text("")
            self.messageChanged.emit("")

    def currentMessage(self) -> str:
        return self.message.full_text


class WindowStatus(QMainWindow):
    """The status bar's widgets and what updates them; the panes' signals are wired in
    MainWindow.__init__."""

    service: EngineService
    nav: QListWidget
    chat: ChatPane
    speed: QLabel
    context_meter: QProgressBar
    undo_button: QPushButton
    server_label: QLabel
    _undo_id: int | None
    _undo_timer: QTimer
    _figures: dict[int, str]

    def _build_status_bar(self) -> None:
        self.setStatusBar(MessageBar(self))
        self._figures = {}
        self.speed = QLabel()
        self.speed.setAccessibleName(self.tr("Generation speed"))
        self.context_meter = QProgressBar()
        self.context_meter.setAccessibleName(self.tr("Context used"))
        self.context_meter.setFormat(self.tr("context %v / %m"))
        widest = self.tr("context %v / %m").replace("%v", "888888").replace("%m", "888888")
        fits = self.context_meter.fontMetrics().horizontalAdvance(widest) + 24
        self.context_meter.setMinimumWidth(min(fits, 220))  # its text whole, in any language
        self.context_meter.setMaximumWidth(max(fits, 220))
        self.context_meter.setValue(0)
        self.context_meter.setVisible(False)  # until a model gives it a size
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setVisible(False)
        self._undo_id = None
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setVisible(False))
        self.undo_button.clicked.connect(self._undo)
        bar = self.statusBar()
        self.server_label = QLabel()
        self.server_label.setAccessibleName(self.tr("API server address"))
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server_label.setVisible(False)
        bar.addPermanentWidget(self.server_label)
        bar.addPermanentWidget(self.undo_button)
        bar.addPermanentWidget(self.speed)
        bar.addPermanentWidget(self.context_meter)

    # ---- the current pane's figures ---------------------------------------------------------

    def _on_stats(self, stats: Stats | None, n_ctx: int) -> None:
        """The chat's figures: its last answer's speed (None: no answer yet) and context."""
        text = ""
        if stats is not None:
            text = self.tr("{0:.1f} tokens/s · first token {1:.0f} ms").format(
                stats.gen_tps, stats.ttft_s * 1000
            )
        self._set_figures(CHAT_ROW, text)
        if stats is not None and n_ctx:
            self._show_context(stats.prompt_tokens + stats.completion_tokens, n_ctx)

    def _set_figures(self, row: int, text: str) -> None:
        """Keep pane `row`'s figures; shown while that pane is the current one."""
        self._figures[row] = text
        if self.nav.currentRow() == row:
            self.speed.setText(text)

    def _pane_changed(self, row: int) -> None:
        self.statusBar().clearMessage()  # a message is about the pane that sent it
        self._show_pane_figures(row)

    def _show_pane_figures(self, row: int) -> None:
        """Each pane's own figures (the chat: speed and the context meter; a summary: its parts
        and time; a batch: texts/s); none carries over into another pane."""
        self.speed.setText(self._figures.get(row, ""))
        self.context_meter.setVisible(row == CHAT_ROW and self.service.model_info is not None)

    def _show_context(self, used: int, n_ctx: int) -> None:
        self.context_meter.setMaximum(n_ctx)
        self.context_meter.setValue(min(n_ctx, used))

    def _offer_undo(self, text: str, conversation_id: int) -> None:
        self._undo_id = conversation_id
        self.statusBar().showMessage(text, 10_000)
        self.undo_button.setVisible(True)
        self._undo_timer.start(10_000)

    def _undo(self) -> None:
        if self._undo_id is not None:
            self.chat.restore(self._undo_id)
            self._undo_id = None
        self.undo_button.setVisible(False)
        self.statusBar().clearMessage()
