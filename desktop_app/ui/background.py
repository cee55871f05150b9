"""The GUI's one way off the GUI thread: run blocking work, get its events, result and error on it.

In the spirit of Anki's QueryOp and napari's create_worker. Core work (a summary, a batch, a Hub
search, reading a file) blocks and reports through a callback. `Background` runs it through
`core.jobs` (the one place that starts threads) and relays every event through a queued signal,
so the GUI never waits on the engine; `run()` is the one-shot form for "compute this, then show
it". Streamed text (tokens) is buffered and handed over
at most once per frame, as one string, like EngineService does for chat. Order is kept: before
any other event, and before the end, the worker hands over the text buffered so far itself.

Public signals are emitted only on the GUI thread (the worker talks to this object's own slots),
so a plain Python callable connected to them runs on the GUI thread too.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from desktop_app.core import jobs
from desktop_app.ui.core_text import shown
from desktop_app.ui.frame_coalescer import FrameCoalescer

__all__ = ["Background", "emit", "error_text", "gui_runner", "run"]

_log = logging.getLogger(__name__)

Emit = Callable[[object], None]
Task = Callable[[Emit, threading.Event], object]
StreamText = Callable[[object], "str | None"]


class Background(QObject):
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
        jobs.start(lambda _job: self._work(task, cancel), name=name)
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


T = TypeVar("T")


def run(
    owner: QObject,
    name: str,
    work: Callable[[], T],
    on_result: Callable[[T], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> Background:
    """Run `work()` off the GUI thread; then `on_result(value)` or `on_error(exc)` on it.

    Nothing is called if `owner` is deleted first (its window closed): the answer has no one to
    go to. Returns the `Background` (a child of `owner`, deleted when done), to cancel it.
    """
    task = Background(parent=owner)

    def finished(value: object) -> None:
        task.deleteLater()
        on_result(value)  # type: ignore[arg-type]

    def failed(exc: object) -> None:
        task.deleteLater()
        if on_error is not None:
            on_error(exc)  # type: ignore[arg-type]
        else:
            _log.warning("%s failed: %r", name, exc)

    task.finished.connect(finished)
    task.failed.connect(failed)
    task.start(lambda _emit, _cancel: work(), name=name)
    return task


def gui_runner(
    name: str,
    task: Task,
    on_event: Callable[[object], None],
    on_end: Callable[[object, BaseException | None], None],
    *,
    stream_text: StreamText | None = None,
    text_event: Callable[[str], object] | None = None,
) -> Callable[[], None]:
    """A core controller's `Runner` in the GUI: `task` off the GUI thread, its events and its
    end delivered on it; returns the cancel. The one adapter every controller-backed pane uses.

    Each job gets its own `Background` owned by the application, not by a pane, so work in
    flight (an answer, a batch, a download) goes on reporting to its controller when the window
    is rebuilt around it (language, theme). With `stream_text`, streamed text is coalesced per
    frame and handed on as `text_event(text)` (e.g. one `Token` per frame).
    """
    job = Background(stream_text, QCoreApplication.instance())

    def ended(value: object, error: object) -> None:
        job.deleteLater()
        on_end(value, error if isinstance(error, BaseException) else None)

    def cancel() -> None:
        with contextlib.suppress(RuntimeError):  # already ended and deleted
            job.cancel()

    if text_event is not None:
        job.text.connect(lambda text: on_event(text_event(text)))
    job.event_arrived.connect(on_event)
    job.finished.connect(lambda value: ended(value, None))
    job.failed.connect(lambda error: ended(None, error))
    job.start(task, name=name)
    return cancel


def emit(signal: Any, *args: object) -> None:
    """Emit from a worker; if the receiver is already gone there is no one left to tell."""
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)


def error_text(exc: BaseException) -> str:
    """What to show for an exception: the OS's words for file errors, else its message."""
    if isinstance(exc, OSError) and exc.strerror:
        name = getattr(exc, "filename", None)
        return f"{exc.strerror}: {name}" if name else exc.strerror
    return shown(str(exc)) or type(exc).__name__
