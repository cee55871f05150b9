"""One request's events, as every engine hands them back: the local engine process and the
remote backend alike.

Why its own module: the tasks and controllers are typed against the Engine protocol and this
handle, not against the local engine's client (client.py, which starts a process), so a remote
server stays a drop-in replacement. client.py re-exports it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from desktop_app.core.engine.events import Done, Error, Event, Result

if TYPE_CHECKING:
    from desktop_app.core.engine.protocol import Engine

log = logging.getLogger(__name__)

Callback = Callable[["Event | Result"], None]


class RequestHandle:
    """One request's events, in order. Iterate (blocking) or pass a callback (non-blocking).

    The engine that made the handle feeds it with `deliver`; `cancel()` asks that engine.
    """

    def __init__(self, client: Engine, req_id: int, op: str, callback: Callback | None) -> None:
        self.id = req_id
        self.op = op
        self._client = client
        self._callback = callback
        self._events: queue.SimpleQueue[Event | Result] = queue.SimpleQueue()
        self._finished = threading.Event()
        self.final: Event | Result | None = None

    def deliver(self, event: Event | Result) -> None:
        """For the producer (the engine client's reader, RemoteEngine): the next event."""
        final = isinstance(event, (Done, Error, Result))
        if final:
            self.final = event
            self._finished.set()  # before the callback: its receivers may submit the next request
        self._events.put(event)
        if self._callback is not None:
            try:
                self._callback(event)
            except Exception:
                log.exception("engine event callback failed")

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def cancel(self) -> None:
        self._client.cancel(self)

    def next_event(self, timeout: float | None = None) -> Event | Result:
        """The next event; safe to call again after a KeyboardInterrupt (unlike a generator)."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no engine event within {timeout} s") from None

    def events(self, timeout: float | None = None) -> Iterator[Event | Result]:
        """Yield events until the last one (Done, Error or Result)."""
        while True:
            event = self.next_event(timeout)
            yield event
            if isinstance(event, (Done, Error, Result)):
                return

    def wait(self, timeout: float | None = None) -> bool:
        return self._finished.wait(timeout)

    def result(self, timeout: float | None = None) -> Any:
        """Block until the end; return a Result's value or Done; raise the Error's exception."""
        if not self._finished.wait(timeout):
            raise TimeoutError(f"the engine did not answer within {timeout} s")
        final = self.final
        if isinstance(final, Error):
            raise final.error
        if isinstance(final, Result):
            return final.value
        return final

    def text(self, timeout: float | None = None) -> str:
        """Collect a chat stream's tokens (for callers that want the whole answer)."""
        done = self.result(timeout)
        assert isinstance(done, Done)
        return done.text
