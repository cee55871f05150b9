"""Streamed text from any thread, handed to the GUI thread at most once per frame, as one string.

A queued signal per token would make the GUI thread do per-token work; instead pieces collect in
a buffer and the GUI takes the whole buffer at most about 60 times a second. Used for chat answers
(EngineService) and for task output such as a streamed summary (Background).
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

FRAME_S = 1 / 60


class FrameCoalescer(QObject):
    text = Signal(str)  # everything added since the last emission (GUI thread)
    _requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._buffer: list[str] = []
        self._pending = False
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        self._requested.connect(self._schedule)

    def add(self, piece: str) -> None:
        """Any thread. Raises RuntimeError if this object is gone (its window closed)."""
        with self._lock:
            self._buffer.append(piece)
            if self._pending:
                return
            self._pending = True
        self._requested.emit()

    def request(self) -> None:
        """Any thread: deliver what is buffered soon (e.g. before an end-of-answer event)."""
        self._requested.emit()

    def take(self) -> str:
        """Any thread: the buffered text, removed; the caller delivers it."""
        with self._lock:
            text = "".join(self._buffer)
            self._buffer.clear()
            self._pending = False
        return text

    def delivered(self) -> None:
        """GUI thread: text was just handed over another way; the next frame starts now."""
        self._last = time.perf_counter()

    def flush_now(self) -> None:
        """GUI thread: hand over what is buffered at once."""
        self._timer.stop()
        self._flush()

    @Slot()
    def _schedule(self) -> None:
        wait = FRAME_S - (time.perf_counter() - self._last)
        if wait <= 0:
            self._flush()
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 1)

    @Slot()
    def _flush(self) -> None:
        text = self.take()
        self._last = time.perf_counter()
        if text:
            self.text.emit(text)
