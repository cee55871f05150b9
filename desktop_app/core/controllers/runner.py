"""How a controller's blocking work leaves the caller's thread: one `Runner` contract for all.

A controller takes a runner so that it stays Qt-free: the default runs work on a `core.jobs`
thread (events arrive there: tests and the CLI), the GUI passes one built on `ui/background.py`
(events arrive on the GUI thread, streamed text coalesced per frame).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from desktop_app.core import jobs

__all__ = ["Emit", "Listeners", "Runner", "Task", "thread_runner"]

_log = logging.getLogger(__name__)

Emit = Callable[[object], None]
Task = Callable[[Emit, threading.Event], object]


class Runner(Protocol):
    """Run `task(emit, cancel)` off the caller's thread; `on_event` per emitted event, then
    `on_end(result, error)`. Returns a function that asks the task to stop.

    A GUI runner may coalesce streamed text: engine `Token` events then arrive joined, as one
    `Token` per frame (controllers only append their text).
    """

    def __call__(
        self,
        name: str,
        task: Task,
        on_event: Callable[[object], None],
        on_end: Callable[[object, BaseException | None], None],
    ) -> Callable[[], None]: ...


def thread_runner(
    name: str,
    task: Task,
    on_event: Callable[[object], None],
    on_end: Callable[[object, BaseException | None], None],
) -> Callable[[], None]:
    """The Qt-free runner: a `core.jobs` thread; events (also from the engine's reader thread)
    and the end arrive there."""

    def work(job: jobs.Job[object]) -> object:
        return task(on_event, job.cancel_event)

    job = jobs.start(work, name=name, on_done=lambda j: on_end(j.result, j.error))
    return job.cancel


class Listeners:
    """The views following a controller: each gets every event; one that raises is logged and
    the flow goes on for the others. The controller sets `self._listeners = []`."""

    _listeners: list[Any]

    def add_listener(self, listener: Callable[[Any], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[Any], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, event: object) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # one broken view must not stop the flow for the others
                _log.exception("%s listener failed on %r", type(self).__name__, event)
