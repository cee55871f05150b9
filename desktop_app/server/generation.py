"""One engine request seen from the event loop, and the watch that cancels it when the client goes.

Engine events arrive on EngineClient's reader thread; `Generation` hands each to the loop with
`call_soon_threadsafe`, so the loop never blocks on the engine. `ClientWatch` reads the socket
while the answer is being made: the client sends nothing more after its request, so a read that
ends (EOF, reset) means it has gone, during prompt processing as well as during generation, with
or without streaming. Then the engine request is cancelled and the engine moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from desktop_app.core.engine.client import EngineClient, RequestHandle, Result
from desktop_app.core.engine.events import Done, Error, Event, Stats
from desktop_app.core.engine.params import ChatRequest


class Generation:
    """Submits a chat/completion request and exposes its events as an asyncio queue."""

    def __init__(
        self,
        engine: EngineClient,
        request: ChatRequest,
        on_final: Callable[[Generation, Event], None],
        label: str = "request",
    ) -> None:
        self.label = label  # for the log
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._on_final = on_final
        self.started = time.perf_counter()
        self.stats: Stats | None = None
        self.final: Event | None = None
        self.client_gone = False
        self.handle: RequestHandle = engine.chat(request, callback=self._from_engine)

    def _from_engine(self, event: Event | Result) -> None:
        """On the engine's reader thread (or the caller's, for a request cancelled while queued)."""
        if isinstance(event, Result):
            return  # a chat request answers with events only
        if isinstance(event, Stats):
            self.stats = event
        with contextlib.suppress(RuntimeError):  # the loop has closed: the server is gone
            self._loop.call_soon_threadsafe(self._arrive, event)

    def _arrive(self, event: Event) -> None:
        """On the loop. The last event's bookkeeping runs before the consumer sees the event."""
        self._queue.put_nowait(event)
        if isinstance(event, (Done, Error)):
            self.final = event
            self._on_final(self, event)

    async def next(self) -> Event:
        return await self._queue.get()

    def ready(self) -> list[Event]:
        """Events already waiting (to send several tokens in one write when the client lags)."""
        out: list[Event] = []
        while not self._queue.empty():
            out.append(self._queue.get_nowait())
        return out

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def cancel(self) -> None:
        if not self.handle.finished:
            self.handle.cancel()


class ClientWatch:
    """Cancels `generation` when the client's side of the connection ends.

    A client that sends more bytes before the answer (HTTP pipelining) is not gone; the watch
    stops and the connection is closed after this answer instead (`unexpected_data`).
    """

    def __init__(self, reader: asyncio.StreamReader, generation: Generation) -> None:
        self._generation = generation
        self.unexpected_data = False
        self._task = asyncio.ensure_future(reader.read(1))
        self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Future[bytes]) -> None:
        if task.cancelled():
            return
        if task.exception() is None and task.result():
            self.unexpected_data = True
            return
        self._generation.client_gone = True
        self._generation.cancel()

    def stop(self) -> None:
        if not self._task.done():
            self._task.cancel()
