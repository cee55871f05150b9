"""The Sentiment pane (work in progress: see issue #4)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop_app.core.storage.settings import Settings
from desktop_app.ui.engine_service import EngineService


class SentimentPane(QWidget):
    status_message = Signal(str)

    def __init__(
        self, service: EngineService, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Sentiment")))
