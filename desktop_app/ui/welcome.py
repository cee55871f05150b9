"""The first-run page: no model installed yet, so offer the starter model or a file of one's own."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from desktop_app import APP_NAME


class WelcomePage(QWidget):
    """First run, no model installed: offer the starter model or a GGUF file of one's own."""

    starter_requested = Signal()
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr("Welcome to {0}").format(APP_NAME))
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.8)
        f.setBold(True)
        title.setFont(f)
        text = QLabel(
            self.tr(
                "Chat, summarize and analyse text with a language model that runs on this computer. "
                "Nothing you type leaves it.\n\nTo begin, get the small starter model "
                "(SmolLM2-135M-Instruct, 98 MB, Apache-2.0) or open a GGUF model file you already have."
            )
        )
        text.setWordWrap(True)
        self.starter = QPushButton(self.tr("Get the starter model"))
        self.starter.setAccessibleName(self.tr("Get the starter model"))
        self.starter.clicked.connect(self.starter_requested)
        self.open = QPushButton(self.tr("Open a GGUF file…"))
        self.open.setAccessibleName(self.tr("Open a GGUF file"))
        self.open.clicked.connect(self.open_requested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.starter)
        buttons.addWidget(self.open)
        buttons.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(620)
        bl = QVBoxLayout(box)
        bl.addWidget(title)
        bl.addSpacing(12)
        bl.addWidget(text)
        bl.addSpacing(18)
        bl.addLayout(buttons)
        bl.addWidget(self.progress)
        bl.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.starter.setEnabled(not busy)
        self.open.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.message.setText(message)
