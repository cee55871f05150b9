"""The OpenAI-compatible server: connections, routing, auth, the engine's life cycle.

One asyncio loop on the main thread serves every connection; the one engine process does the
work, one request at a time, behind `limits.Admission`. Requests run in this order: request
head (limits, timeouts) → Host and API-key checks (`access`) → body (size-limited) → route →
validation → admission (503 when the queue is full) → engine, watched for the client going
away (`endpoints`) → the answer, whole or streamed (`responses`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import ChatRequest, LoadParams, SamplingParams
from desktop_app.core.errors import AppError
from desktop_app.server import http11
from desktop_app.server.access import check_bind, check_host, check_key, is_loopback
from desktop_app.server.anthropic_api import for_path
from desktop_app.server.config import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_QUEUE,
    DEFAULT_PORT,
    ServeConfig,
    ServeError,
    url_host,
)
from desktop_app.server.cors import check_origin, preflight_headers
from desktop_app.server.endpoints import Endpoints
from desktop_app.server.errors import ApiError
from desktop_app.server.http11 import ClientGone, Request
from desktop_app.server.limits import Admission, Counters
from desktop_app.server.model_pool import ModelPool
from desktop_app.server.responses import json_body

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_QUEUE",
    "DEFAULT_PORT",
    "ApiServer",
    "ServeConfig",
    "ServeError",
    "check_bind",
    "is_loopback",
    "url_host",
]

log = logging.getLogger("desktop_app.server")


class ApiServer:
    """Listens, keeps connections, loads (and after a crash reloads) the model, stops cleanly."""

    def __init__(
        self,
        config: ServeConfig,
        load_params: LoadParams,
        defaults: SamplingParams,
        *,
        log_dir: Path | None = None,
        notify: Callable[[str], None] = print,
        find_models: Callable[[], dict[str, Path]] = dict,
    ) -> None:
        config.validate()
        self.config = config
        self.load_params = load_params
        self.defaults = defaults
        self.notify = notify
        self.model_id = Path(load_params.model_path).name.removesuffix(".gguf")
        self.engine = EngineClient(log_dir=log_dir)
        self.admission = Admission(config.max_queue)
        self.counters = Counters()
        self.port = config.port
        self.pool = ModelPool(
            load_params,
            find_models,
            max_models=config.max_models,
            ttl_s=config.ttl_s,
            log_dir=log_dir,
            notify=notify,
        )
        self._api = Endpoints(
            self.engine,
            self.model_id,
            load_params,
            defaults,
            self.admission,
            self.counters,
            self._engine_crashed,
            self.pool,
        )
        self._api.embedding_model = config.embedding_model
        self._connections: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self._idle_since: dict[asyncio.Task[Any], float] = {}  # waiting for a request head
        self._stop: asyncio.Event | None = None
        self._server: asyncio.Server | None = None
        self._restarting: asyncio.Future[None] | None = None
        self._reaper: asyncio.Future[None] | None = None

    @property
    def state(self) -> str:
        """loading | ready | restarting | stopping | failed (starting before the first load)."""
        return self._api.state

    @state.setter
    def state(self, value: str) -> None:
        self._api.state = value

    @property
    def model_info(self) -> ModelInfo | None:
        return self._api.model_info

    @model_info.setter
    def model_info(self, info: ModelInfo | None) -> None:
        self._api.model_info = info

    @property
    def url(self) -> str:
        return f"http://{url_host(self.config.host)}:{self.port}/v1"

    # ---- life cycle ------------------------------------------------------------------------

    async def run(self) -> int:
        """Listen, load the model, serve until stop(); 0 after a clean stop, 130 if stopped while loading."""
        self._stop = asyncio.Event()
        self._install_signals()
        try:
            self._server = await asyncio.start_server(
                self._connection, self.config.host, self.config.port, limit=http11.MAX_LINE
            )
        except OSError as exc:
            raise ServeError(
                f"Cannot listen on {self.config.host}:{self.config.port}: {exc.strerror or exc}."
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        try:
            self.notify(f"Loading {self.model_id}…")
            if not await self._load_or_stop():
                return 130
            self.notify(f"Serving {self.model_id} at {self.url} (OpenAI-compatible). Ctrl+C stops.")
            self._reaper = asyncio.ensure_future(self.pool.run_reaper())
            await self._stop.wait()
            return 0
        finally:
            await self._shutdown()

    def stop(self) -> None:
        if self._stop is not None and not self._stop.is_set():
            self.notify("Stopping…")
            self._stop.set()

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self.stop)  # not on Windows: Ctrl+C ends asyncio.run

    async def _load_or_stop(self) -> bool:
        assert self._stop is not None
        load = asyncio.ensure_future(self._load())
        stop = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({load, stop}, return_when=asyncio.FIRST_COMPLETED)
        if not load.done():
            stop.cancel()
            self.engine.close()  # ends the load with a cancel
            with contextlib.suppress(Exception):
                await load
            return False
        stop.cancel()
        load.result()  # a failed load raises its AppError
        return True

    async def _load(self) -> None:
        self.state = "loading"
        self.engine.start()  # on the loop's (main) thread: the child is born ignoring Ctrl+C
        handle = self.engine.load(self.load_params)
        loop = asyncio.get_running_loop()
        try:
            info = await loop.run_in_executor(None, handle.result)
        except AppError:
            self.state = "failed"
            raise
        assert isinstance(info, ModelInfo)
        self.model_info = info
        self.pool.adopt(self.engine, info)
        with contextlib.suppress(OSError):
            self._api.created = int(Path(self.load_params.model_path).stat().st_mtime)
        for warning in info.warnings:
            self.notify(f"warning: {warning}")
        if self.config.warm_up:
            await warm_up(self.engine, self.notify)
        self.state = "ready"

    async def _restart(self) -> None:
        self.notify("warning: the engine stopped; restarting it and reloading the model")
        try:
            await self._load()
            self.notify("The engine is back.")
        except AppError as exc:
            self.notify(f"error: the engine could not be restarted: {exc}")

    async def _shutdown(self) -> None:
        self.state = "stopping"
        if self._reaper is not None:
            self._reaper.cancel()
        if self._server is not None:
            self._server.close()
        for generation in list(self._api.generations):
            generation.cancel()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 3.0
        while self._api.generations and loop.time() < deadline:  # answers end with "shutting down"
            await asyncio.sleep(0.02)
        for writer in self._connections.values():
            writer.close()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=2.0)
        await self.pool.close()
        await loop.run_in_executor(None, self.engine.close)
        self.notify("Stopped.")

    # ---- connections -----------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        full = len(self._connections) >= self.config.connection_limit
        if (full and not self._reap_idle()) or self.state == "stopping":
            error = ApiError(
                503,
                "The server has too many open connections; retry shortly.",
                "server_error",
                code="too_many_connections",
                headers={"Retry-After": "1"},
            )
            await self._fail(reader, writer, error)
            return
        self._connections[task] = writer
        try:
            while self.state != "stopping":
                self._idle_since[task] = asyncio.get_running_loop().time()
                try:
                    request = await http11.read_head(
                        reader, self.config.idle_timeout_s, self.config.head_timeout_s
                    )
                except ClientGone:
                    break
                except ApiError as exc:
                    await self._fail(reader, writer, exc)
                    break
                finally:
                    self._idle_since.pop(task, None)
                if not await self._handle(request, reader, writer):
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("unexpected error on a connection")
        finally:
            self._connections.pop(task, None)
            self._idle_since.pop(task, None)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _reap_idle(self) -> bool:
        """At the connection limit, close the connection that has waited longest for a request
        (kept alive, or opened and never used): idle connections must not lock out /health.
        False when every connection is in the middle of a request."""
        if not self._idle_since:
            return False
        oldest = min(self._idle_since, key=self._idle_since.__getitem__)
        self._idle_since.pop(oldest)
        self._connections.pop(oldest, None)
        oldest.cancel()  # its handler closes the socket
        self.counters.reaped_idle += 1
        return True

    async def _fail(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, error: ApiError
    ) -> None:
        """Answer an error and close: the request's remaining bytes are not worth reading."""
        with contextlib.suppress(ConnectionError):
            await http11.send(
                writer,
                error.status,
                json_body(error.body()),
                headers=error.headers,
                keep_alive=False,
            )
        await http11.linger_close(reader, writer)

    async def _handle(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """One request; True to keep the connection for the next."""
        granted = http11.EXTRA_HEADERS.set(())
        try:
            return await self._answer(request, reader, writer)
        finally:
            http11.EXTRA_HEADERS.reset(granted)

    async def _answer(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        try:
            check_host(request, self.config.api_key)
            http11.EXTRA_HEADERS.set(tuple(check_origin(request, self.config.cors_origins)))
            if request.method == "OPTIONS" and "origin" in request.headers:
                # an allowed page's preflight: it carries no key, by the browser's rules
                await http11.send(writer, 204, b"", headers=dict(preflight_headers()))
                return request.keep_alive
            if request.path != "/health":
                check_key(request, self.config.api_key)
        except ApiError as exc:
            await self._fail(reader, writer, for_path(exc, request.path))
            return False
        try:
            body = await http11.read_body(
                reader, writer, request, self.config.max_body_bytes, self.config.body_timeout_s
            )
        except ClientGone:
            return False
        except ApiError as exc:
            await self._fail(reader, writer, for_path(exc, request.path))
            return False
        keep = request.keep_alive
        try:
            handler = self._api.route(request)
            return await handler(request, body, reader, writer) and keep
        except ApiError as exc:
            shaped = for_path(exc, request.path)  # Anthropic's shape under /v1/messages
            await http11.send(
                writer, exc.status, json_body(shaped.body()), headers=exc.headers, keep_alive=keep
            )
            return keep

    def _engine_crashed(self) -> None:
        self._restarting = asyncio.ensure_future(self._restart())


async def warm_up(engine: EngineClient, notify: Callable[[str], None]) -> None:
    """One token from a short chat before the first client is answered.

    A first request used to take 22.6 s and the second 0.33 s: the weights are paged in
    from the memory-mapped file, the compute buffers allocated and the chat template compiled
    on first use. Doing it here makes "Serving" mean ready, as llama-server's warm-up does.
    A failed warm-up is a warning, not a failed start: the first request will say more.
    """
    notify("Warming up the model…")
    request = ChatRequest.of(
        [{"role": "user", "content": "Hi"}], max_tokens=1, temperature=0.0, seed=0
    )
    handle = engine.chat(request)
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, handle.result)
    except AppError as exc:
        notify(f"warning: the warm-up request failed: {exc}")
