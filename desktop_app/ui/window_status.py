"""The main window's status bar: the current pane's figures (speed, context used), Undo, and
the API server's address. MainWindow builds on this class (window_models, window_menu)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QProgressBar, QPushButton

from desktop_app.core.engine.events import Stats
from desktop_app.ui.engine_service import EngineService

if TYPE_CHECKING:
    from desktop_app.ui.chat.pane import ChatPane


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

    def _build_status_bar(self) -> None:
        self.speed = QLabel()
        self.speed.setAccessibleName(self.tr("Generation speed"))
        self.context_meter = QProgressBar()
        self.context_meter.setMaximumWidth(220)
        self.context_meter.setAccessibleName(self.tr("Context used"))
        self.context_meter.setFormat(self.tr("context %v / %m"))
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

    def _on_stats(self, stats: Stats, n_ctx: int) -> None:
        self.speed.setText(
            self.tr("{0:.1f} tokens/s · first token {1:.0f} ms").format(
                stats.gen_tps, stats.ttft_s * 1000
            )
        )
        if n_ctx:
            self._show_context(stats.prompt_tokens + stats.completion_tokens, n_ctx)

    def _show_pane_figures(self, row: int) -> None:
        """Tokens/s and the context meter are the chat's figures: shown on the Chat pane only."""
        chat = row == 0
        self.speed.setVisible(chat)
        self.context_meter.setVisible(chat and self.service.model_info is not None)

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
