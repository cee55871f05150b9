"""Run one blocking core task on a Python worker thread; its events reach the GUI thread as signals.

Core tasks (summarize, sentiment, reading a document) block and report progress through a
callback. Here the task runs on a daemon thread and every event is relayed through a queued
signal, so the GUI never waits on the engine. Streamed text (tokens) is buffered and handed over
at most once per frame, as one string, like EngineService does for chat. Order is kept: before
any other event, and before the end, the worker hands over the text buffered so far itself.

Public signals are emitted only on the GUI thread (the worker talks to this object's own slots),
so a plain Python callable connected to them runs on the GUI thread too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.ui.frame_coalescer import FrameCoalescer

_log = logging.getLogger(__name__)

Emit = Callable[[object], None]
Task = Callable[[Emit, threading.Event], object]
StreamText = Callable[[object], "str | None"]


class TaskRunner(QObject):
    """One task at a time: `start(task)`, then `event_arrived`/`text` signals, then `finished` or `failed`.

    `task(emit, cancel)` runs on the worker thread; it calls `emit(event)` for each event and
    should return soon after `cancel` is set. `stream_text(event)` picks out the events that are
    streamed text (returning their text) so they can be coalesced; others arrive one by one.
    """

    event_arrived = Signal(object)  # a non-text event, in order
    text = Signal(str)  # streamed text since the last emission (coalesced per frame)
    finished = Signal(object)  # the task's return value
    failed = Signal(object)  # the exception it raised
    running_changed = Signal(bool)

    _post_text = Signal(str)
    _post_event = Signal(object)
    _post_end = Signal(object, object)  # result, exception

    def __init__(
        self, stream_text: StreamText | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._stream_text = stream_text
        self._frames = FrameCoalescer(self)
        self._frames.text.connect(self.text)
        self._post_text.connect(self._relay_text)
        self._post_event.connect(self._relay_event)
        self._post_end.connect(self._on_end)
        self._cancel = threading.Event()
        self._running = False

    @property
    def running(self) -> bool:
        """True from start() until `finished` or `failed` has been emitted."""
        return self._running

    @property
    def cancelling(self) -> bool:
        return self._running and self._cancel.is_set()

    def start(self, task: Task, name: str = "task") -> bool:
        """Start `task` on a worker thread; False (and nothing started) if one is running."""
        if self._running:
            return False
        self._cancel = threading.Event()
        self._frames.take()
        self._running = True
        self.running_changed.emit(True)
        cancel = self._cancel
        threading.Thread(target=self._work, args=(task, cancel), name=name, daemon=True).start()
        return True

    def cancel(self) -> None:
        """Ask the task to stop; `finished` (or `failed`) still follows with what it returns."""
        self._cancel.set()

    # ---- worker thread -------------------------------------------------------------------

    def _work(self, task: Task, cancel: threading.Event) -> None:
        def emit(event: object) -> None:
            piece = self._stream_text(event) if self._stream_text is not None else None
            if piece is not None:
                try:
                    self._frames.add(piece)
                except RuntimeError:  # this object is gone (its window closed): stop the task
                    cancel.set()
                return
            self._hand_over_text(cancel)  # text written before this event arrives before it
            self._send(cancel, "_post_event", event)

        result: object = None
        error: BaseException | None = None
        try:
            result = task(emit, cancel)
        except Exception as exc:
            error = exc
            _log.info("task failed: %r", exc)
        self._hand_over_text(cancel)
        self._send(cancel, "_post_end", result, error)

    def _hand_over_text(self, cancel: threading.Event) -> None:
        try:
            text = self._frames.take()
        except RuntimeError:
            cancel.set()
            return
        if text:
            self._send(cancel, "_post_text", text)

    def _send(self, cancel: threading.Event, signal: str, *args: object) -> None:
        """Emit from the worker; if this object is gone (its window closed), stop the task."""
        try:
            getattr(self, signal).emit(*args)
        except RuntimeError:
            cancel.set()

    # ---- GUI thread ----------------------------------------------------------------------

    @Slot(str)
    def _relay_text(self, text: str) -> None:
        self._frames.delivered()
        self.text.emit(text)

    @Slot(object)
    def _relay_event(self, event: object) -> None:
        self.event_arrived.emit(event)

    @Slot(object, object)
    def _on_end(self, result: object, error: object) -> None:
        self._frames.flush_now()
        self._running = False
        self.running_changed.emit(False)
        if error is not None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)
