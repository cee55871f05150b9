"""Blocking work off the caller's thread: the one place in the app that starts a thread for it.

Controllers (chat, summarize, sentiment, models) and the GUI's `ui/background.py` leave the
calling thread through `start()`. A job gets a cancel flag it should check between steps and
reports back through callbacks called on its own thread (the GUI adapter re-posts them to the GUI
thread). Threads are daemons: a worker still blocked on the engine or a socket never keeps the app
from quitting; the engine process and the downloader have their own orderly shutdown.

    job = start(lambda job: work(job.cancel_event), name="summarize", on_done=report)
    job.cancel(); job.wait(5)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Job", "start"]

T = TypeVar("T")
_log = logging.getLogger(__name__)


class Job(Generic[T]):
    """One piece of work on its own thread: cancel it, wait for it, read its outcome."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cancel_event = threading.Event()
        self._finished = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        """Ask the work to stop; it ends at its next check (its outcome still arrives)."""
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the work has returned or raised (and `on_done` has run)."""
        return self._finished.wait(timeout)


def start(
    work: Callable[[Job[T]], T],
    *,
    name: str,
    on_done: Callable[[Job[T]], None] | None = None,
) -> Job[T]:
    """Run `work(job)` on a daemon thread; then `on_done(job)` there, with `result` or `error` set."""
    job: Job[T] = Job(name)

    def run() -> None:
        try:
            job.result = work(job)
        except BaseException as exc:  # handed to on_done: the caller decides what it means
            job.error = exc
            if not isinstance(exc, Exception):
                _log.warning("job %s ended by %r", name, exc)
        try:
            if on_done is not None:
                on_done(job)
        except Exception:
            _log.exception("job %s: on_done failed", name)
        finally:
            job._finished.set()

    threading.Thread(target=run, name=name, daemon=True).start()
    return job
