"""How a controller's blocking work leaves the caller's thread: one `Runner` contract for all.

A controller takes a runner so that it stays Qt-free: the default runs work on a `core.jobs`
thread (events arrive there: tests and the CLI), the GUI passes one built on `ui/background.py`
(events arrive on the GUI thread, streamed text coalesced per frame).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from desktop_app.core import jobs

__all__ = ["Emit", "Runner", "Task", "thread_runner"]

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
