"""The first-run page: what to do when no model is loaded, one click each.

Three ways to a model: the starter model (fetched, then loaded), the catalog (Models › Catalog)
or a GGUF file of one's own; and, when models are installed, a button for each of them. The
starter's fetch is shown here as it runs (what is happening, bytes of the size, a Cancel); its
end stays on the page (why it failed, or that it was stopped) with a "Try again" that continues
where it stopped. The page only shows and asks: the window does the work (window_models.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.models.download_state import format_bytes
from desktop_app.ui.model_bar import model_label

MAX_LISTED = 5  # installed models offered here; the model bar above lists them all
ERROR_COLOR = "#c0392b"


class WelcomePage(QWidget):
    """No model loaded: offer the starter model, the catalog, a file, or an installed model."""

    starter_requested = Signal()  # also "Try again" after a failure or a Cancel
    catalog_requested = Signal()
    open_requested = Signal()
    load_requested = Signal(str)  # an installed model's path
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = False
        self._ended = False  # a failure or a Cancel is on the page
        title = QLabel(self.tr("Welcome to {0}").format(APP_NAME))
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.8)
        f.setBold(True)
        title.setFont(f)
        title.setWordWrap(True)
        text = QLabel(
            self.tr(
                "Chat, summarize and analyse text with a language model that runs on this "
                "computer. Nothing you type leaves it. To begin, choose a model:"
            )
        )
        text.setWordWrap(True)

        self.starter = QPushButton(self.tr("Use the starter model"))
        self.starter.setAccessibleName(self.tr("Use the starter model"))
        self.starter.clicked.connect(self.starter_requested)
        self.catalog = QPushButton(self.tr("Pick a model from the catalog"))
        self.catalog.setAccessibleName(self.tr("Pick a model from the catalog"))
        self.catalog.clicked.connect(self.catalog_requested)
        self.open = QPushButton(self.tr("Open a GGUF file…"))
        self.open.setAccessibleName(self.tr("Open a GGUF file"))
        self.open.clicked.connect(self.open_requested)
        actions = QGridLayout()
        actions.setHorizontalSpacing(14)
        actions.setVerticalSpacing(10)
        notes = (
            self.tr(
                "SmolLM2-135M-Instruct, 98 MB, Apache-2.0: small and quick, good for trying "
                "things out. Downloaded once, then loaded."
            ),
            self.tr("Larger and better models, with how well each one fits this computer."),
            self.tr("A model file you already have on this computer."),
        )
        for row, (button, note) in enumerate(
            zip((self.starter, self.catalog, self.open), notes, strict=True)
        ):
            button.setMinimumHeight(34)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            label = QLabel(note)
            label.setWordWrap(True)
            label.setBuddy(button)
            actions.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            actions.addWidget(label, row, 1)
        actions.setColumnStretch(1, 1)

        # the fetch: what is happening, bytes of the size, Cancel; its end, with Try again
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.progress.setAccessibleName(self.tr("Download of the starter model"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel()
        self.detail.setVisible(False)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setAccessibleName(self.tr("Cancel the download"))
        self.cancel.setVisible(False)
        self.cancel.clicked.connect(self._on_cancel)
        self.retry = QPushButton(self.tr("Try again"))
        self.retry.setVisible(False)
        self.retry.clicked.connect(self.starter_requested)
        self.progress.setTextVisible(False)  # the message above says the percentage
        fetch_row = QHBoxLayout()
        fetch_row.addWidget(self.detail)
        fetch_row.addStretch(1)
        fetch_row.addWidget(self.retry)
        fetch_row.addWidget(self.cancel)

        # the installed models, when there are some
        self.mine_title = QLabel(self.tr("Or load one of your models:"))
        self.mine_title.setVisible(False)
        self._mine = QVBoxLayout()
        self._mine.setSpacing(4)
        self.model_buttons: list[QPushButton] = []

        box = QWidget()
        box.setMaximumWidth(640)
        bl = QVBoxLayout(box)
        bl.addWidget(title)
        bl.addSpacing(8)
        bl.addWidget(text)
        bl.addSpacing(12)
        bl.addLayout(actions)
        bl.addSpacing(10)
        bl.addWidget(self.progress)
        bl.addWidget(self.message)
        bl.addLayout(fetch_row)
        bl.addSpacing(10)
        bl.addWidget(self.mine_title)
        bl.addLayout(self._mine)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addStretch(1)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(box, 20)
        centred.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(2)
        scroll = QScrollArea()  # a small window scrolls down, never sideways
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # ---- what the window tells the page --------------------------------------------------

    @property
    def busy(self) -> bool:
        """The starter model is being fetched."""
        return self._busy

    @property
    def has_news(self) -> bool:
        """A failure or a stopped fetch is shown: the page stays until something else happens."""
        return self._ended

    def set_models(self, paths: list[Path]) -> None:
        """The installed models, a button each (the first few)."""
        for button in self.model_buttons:
            self._mine.removeWidget(button)
            button.deleteLater()
        self.model_buttons = []
        for path in paths[:MAX_LISTED]:
            button = QPushButton(model_label(path))
            button.setToolTip(str(path))
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setStyleSheet("text-align: left; padding: 5px 10px;")
            button.clicked.connect(lambda _checked=False, p=str(path): self.load_requested.emit(p))
            self._mine.addWidget(button)
            self.model_buttons.append(button)
        self.mine_title.setVisible(bool(paths))
        self._enable()

    def set_busy(self, busy: bool, message: str = "") -> None:
        """Fetching (a busy bar, Cancel) or not; `message` says what is happening."""
        self._busy = busy
        self._ended = False
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # busy until the size is known
        self.cancel.setVisible(busy)
        self.cancel.setEnabled(True)
        self.retry.setVisible(False)
        self.detail.setVisible(busy)
        self.detail.clear()
        self._show_message(message)
        self._enable()

    def show_progress(self, fraction: float, message: str) -> None:
        if not self._busy:
            self.set_busy(True, message)
        self.progress.setRange(0, 0 if fraction < 0 else 1000)
        self.progress.setValue(max(0, round(fraction * 1000)))
        self._show_message(message)

    def show_transfer(self, done: object, total: object) -> None:
        """Bytes so far of the size, e.g. "23.4 MB of 92.9 MB"."""
        if not self._busy or not isinstance(done, int):
            return
        if isinstance(total, int) and total > 0:
            self.detail.setText(
                self.tr("{done} of {total}").format(
                    done=format_bytes(done), total=format_bytes(total)
                )
            )
        else:
            self.detail.setText(format_bytes(done))

    def show_failed(self, message: str) -> None:
        """The fetch failed: why, in words, and Try again."""
        self._end(message, error=True)

    def show_stopped(self, message: str) -> None:
        """The person's Cancel took effect: Try again continues from what came."""
        self._end(message, error=False)

    def show_done(self) -> None:
        self.set_busy(False)

    # ---- inside ----------------------------------------------------------------------------

    def _on_cancel(self) -> None:
        self.cancel.setEnabled(False)  # once; `show_stopped` follows
        self._show_message(self.tr("Stopping…"))
        self.cancel_requested.emit()

    def _end(self, message: str, *, error: bool) -> None:
        came = self.detail.text()
        self.set_busy(False)
        self._ended = True
        self.retry.setVisible(True)
        if not error and came:  # stopped: how much is kept for Try again
            self.detail.setText(came)
            self.detail.setVisible(True)
        self._show_message(message, error=error)

    def _show_message(self, message: str, *, error: bool = False) -> None:
        self.message.setText(message)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")
        self.message.setVisible(bool(message))

    def _enable(self) -> None:
        for button in (self.starter, self.catalog, self.open, *self.model_buttons):
            button.setEnabled(not self._busy)
