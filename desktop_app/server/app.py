"""The OpenAI-compatible server: connections, routing, auth, the engine's life cycle.

One asyncio loop on the main thread serves every connection; the one engine process does the
work, one request at a time, behind `limits.Admission`. Requests run in this order: request
head (limits, timeouts) → Host and API-key checks → body (size-limited) → route → validation →
admission (429 when the queue is full) → engine, watched for the client going away.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import signal
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Error, Event, ModelInfo, Token, TokenLogprob
from desktop_app.core.engine.params import LoadParams, SamplingParams
from desktop_app.core.errors import AppError
from desktop_app.server import http11, sse
from desktop_app.server.errors import ApiError, bad_request, from_app_error
from desktop_app.server.generation import ClientWatch, Generation
from desktop_app.server.http11 import ClientGone, Request
from desktop_app.server.limits import Admission, Counters
from desktop_app.server.openai_schema import (
    Job,
    Shaper,
    model_object,
    parse_chat,
    parse_completion,
    parse_count,
)

log = logging.getLogger("desktop_app.server")

DEFAULT_PORT = 8080
DEFAULT_MAX_QUEUE = 8
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024


class ServeError(AppError):
    kind = "serve"


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    api_key: str | None = None
    max_queue: int = DEFAULT_MAX_QUEUE  # requests waiting for the engine (one more runs)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_connections: int = 0  # 0: max_queue + 32 (room for /health and idle keep-alive)
    idle_timeout_s: float = 60.0  # a kept-alive connection with no new request
    head_timeout_s: float = 10.0
    body_timeout_s: float = 30.0

    @property
    def connection_limit(self) -> int:
        return self.max_connections or self.max_queue + 32

    def validate(self) -> None:
        check_bind(self.host, self.api_key)
        if self.max_queue < 0:
            raise ValueError("--max-queue must be 0 or more")
        if self.max_body_bytes < 1024:
            raise ValueError("--max-body-bytes must be at least 1024")
        if not 0 <= self.port <= 65535:
            raise ValueError("--port must be in 0..65535 (0: any free port)")


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, api_key: str | None) -> None:
    """Only this machine can reach a loopback address; anything else needs a key."""
    if not is_loopback(host) and not api_key:
        shown = host or "all interfaces"
        raise ValueError(
            f"Refusing to listen on {shown} without an API key: anyone who can reach this "
            "machine could use the model. Pass --api-key KEY (clients send it as "
            "'Authorization: Bearer KEY'), or listen on 127.0.0.1."
        )


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


Handler = Callable[[Request, bytes, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[bool]]


class ApiServer:
    def __init__(
        self,
        config: ServeConfig,
        load_params: LoadParams,
        defaults: SamplingParams,
        *,
        log_dir: Path | None = None,
        notify: Callable[[str], None] = print,
    ) -> None:
        config.validate()
        self.config = config
        self.load_params = load_params
        self.defaults = defaults
        self.notify = notify
        self.model_id = Path(load_params.model_path).name.removesuffix(".gguf")
        self.engine = EngineClient(log_dir=log_dir)
        self.model_info: ModelInfo | None = None
        self.state = "starting"  # loading | ready | restarting | stopping | failed
        self.admission = Admission(config.max_queue)
        self.counters = Counters()
        self.port = config.port
        self._created = 0
        self._generations: set[Generation] = set()
        self._connections: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self._stop: asyncio.Event | None = None
        self._server: asyncio.Server | None = None
        self._restarting: asyncio.Future[None] | None = None
        self._routes: dict[tuple[str, str], Handler] = {
            ("GET", "/health"): self._health,
            ("GET", "/v1/models"): self._models,
            ("POST", "/v1/chat/completions"): self._chat,
            ("POST", "/v1/completions"): self._completions,
            ("POST", "/extras/tokenize/count"): self._count_tokens,  # llama-cpp-python's extension
        }

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
        with contextlib.suppress(OSError):
            self._created = int(Path(self.load_params.model_path).stat().st_mtime)
        for warning in info.warnings:
            self.notify(f"warning: {warning}")
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
        if self._server is not None:
            self._server.close()
        for generation in list(self._generations):
            generation.cancel()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 3.0
        while self._generations and loop.time() < deadline:  # answers end with "shutting down"
            await asyncio.sleep(0.02)
        for writer in self._connections.values():
            writer.close()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=2.0)
        await loop.run_in_executor(None, self.engine.close)
        self.notify("Stopped.")

    # ---- connections -----------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        if len(self._connections) >= self.config.connection_limit or self.state == "stopping":
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
                try:
                    request = await http11.read_head(
                        reader, self.config.idle_timeout_s, self.config.head_timeout_s
                    )
                except ClientGone:
                    break
                except ApiError as exc:
                    await self._fail(reader, writer, exc)
                    break
                if not await self._handle(request, reader, writer):
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("unexpected error on a connection")
        finally:
            self._connections.pop(task, None)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _fail(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, error: ApiError
    ) -> None:
        """Answer an error and close: the request's remaining bytes are not worth reading."""
        with contextlib.suppress(ConnectionError):
            await http11.send(
                writer, error.status, _json(error.body()), headers=error.headers, keep_alive=False
            )
        await http11.linger_close(reader, writer)

    async def _handle(
        self, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """One request; True to keep the connection for the next."""
        try:
            self._check_host(request)
            if request.path != "/health":
                self._check_key(request)
        except ApiError as exc:
            await self._fail(reader, writer, exc)
            return False
        try:
            body = await http11.read_body(
                reader, writer, request, self.config.max_body_bytes, self.config.body_timeout_s
            )
        except ClientGone:
            return False
        except ApiError as exc:
            await self._fail(reader, writer, exc)
            return False
        keep = request.keep_alive
        try:
            handler = self._route(request)
            return await handler(request, body, reader, writer) and keep
        except ApiError as exc:
            await http11.send(
                writer, exc.status, _json(exc.body()), headers=exc.headers, keep_alive=keep
            )
            return keep

    def _route(self, request: Request) -> Handler:
        path = request.path.rstrip("/") or "/"
        handler = self._routes.get((request.method, path))
        if handler is not None:
            return handler
        if request.method == "GET" and path.startswith("/v1/models/"):
            return self._model
        allowed = [m for (m, p) in self._routes if p == path]
        if allowed:
            raise ApiError(
                405,
                f"{request.method} is not allowed on {path}; use {', '.join(allowed)}.",
                headers={"Allow": ", ".join(allowed)},
            )
        raise ApiError(404, f"Unknown route {request.method} {request.path}.", code="unknown_url")

    def _check_key(self, request: Request) -> None:
        key = self.config.api_key
        if not key:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401,
                "Missing API key: send 'Authorization: Bearer KEY'.",
                code="invalid_api_key",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not hmac.compare_digest(token.strip().encode(), key.encode()):
            raise ApiError(
                401,
                "Incorrect API key provided.",
                code="invalid_api_key",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def _check_host(self, request: Request) -> None:
        """Without a key, answer only requests addressed to localhost (defeats DNS rebinding)."""
        if self.config.api_key:
            return
        host = request.headers.get("host")
        if host is None:
            return
        name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
        if not is_loopback(name) and name.lower() != socket.gethostname().lower():
            raise ApiError(
                403,
                f"This server answers only requests addressed to localhost, not "
                f"{host!r}. Start it with --api-key to serve other names.",
                code="forbidden_host",
            )

    # ---- small endpoints -------------------------------------------------------------------

    async def _health(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        ready = self.state == "ready"
        payload = {
            "status": "ok" if ready else self.state,
            "model": self.model_id,
            "queue": {
                "running": self.admission.running,
                "waiting": self.admission.waiting,
                "max_waiting": self.admission.max_waiting,
            },
            "counters": self.counters.to_dict(),
        }
        await http11.send(
            writer, 200 if ready else 503, _json(payload), keep_alive=request.keep_alive
        )
        return True

    async def _models(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        payload = {
            "object": "list",
            "data": [model_object(self.model_id, self._created, self._n_ctx())],
        }
        await http11.send(writer, 200, _json(payload), keep_alive=request.keep_alive)
        return True

    async def _model(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        wanted = request.path.rstrip("/")[len("/v1/models/") :]
        self._check_model(wanted)
        payload = model_object(self.model_id, self._created, self._n_ctx())
        await http11.send(writer, 200, _json(payload), keep_alive=request.keep_alive)
        return True

    def _n_ctx(self) -> int | None:
        return self.model_info.n_ctx if self.model_info else None

    async def _count_tokens(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Exact token counts for remote clients (fitting a prompt, splitting a document)."""
        text, model = parse_count(_parse_json(request, body))
        self._admit(model)
        try:
            handle = self.engine.count_tokens(text)
            count = await asyncio.get_running_loop().run_in_executor(None, handle.result)
        except AppError as exc:
            raise from_app_error(exc) from None
        finally:
            self.admission.leave(None)
        await http11.send(writer, 200, _json({"count": count}), keep_alive=request.keep_alive)
        return True

    def _check_model(self, model: str | None) -> None:
        if model is not None and model != self.model_id:
            raise ApiError(
                404,
                f"The model '{model}' does not exist; this server has '{self.model_id}'.",
                param="model",
                code="model_not_found",
            )

    # ---- generation ------------------------------------------------------------------------

    async def _chat(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        n_ctx = self.model_info.n_ctx if self.model_info else self.load_params.n_ctx
        job = parse_chat(_parse_json(request, body), self.defaults, n_ctx)
        return await self._generate(job, request, reader, writer)

    async def _completions(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        job = parse_completion(_parse_json(request, body), self.defaults)
        return await self._generate(job, request, reader, writer)

    async def _generate(
        self, job: Job, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        self._admit(job.model)
        self.counters.requests += 1
        try:
            label = f"{job.kind}{' stream' if job.stream else ''}"
            generation = Generation(self.engine, job.request, self._finished, label)
        except BaseException:
            self.admission.leave(0.0)
            raise
        self._generations.add(generation)
        watch = ClientWatch(reader, generation)
        try:
            if job.stream:
                keep = await self._stream(job, request, writer, generation)
            else:
                keep = await self._whole(job, request, writer, generation)
        finally:
            watch.stop()
            if generation.final is None:
                generation.cancel()
        return keep and not watch.unexpected_data

    def _admit(self, model: str | None) -> None:
        """The model exists, is loaded, and the queue has room; then a place is taken."""
        self._check_model(model)
        if self.state != "ready":
            raise ApiError(
                503,
                f"The model is not ready ({self.state}); retry shortly.",
                "server_error",
                code="model_not_ready",
                headers={"Retry-After": "2"},
            )
        if not self.admission.try_enter():
            self.counters.rejected_queue_full += 1
            raise ApiError(
                429,
                f"The server is busy: {self.admission.waiting} requests are already waiting for "
                f"the model (hearth serve --max-queue {self.admission.max_waiting}). Retry later.",
                "rate_limit_error",
                code="queue_full",
                headers={"Retry-After": str(self.admission.retry_after())},
            )

    def _finished(self, generation: Generation, event: Event) -> None:
        """The engine is done with a request (answered, cancelled or failed): free its place."""
        self.admission.leave(generation.seconds)
        self._generations.discard(generation)
        stats = generation.stats
        tokens = stats.completion_tokens if stats else 0
        label = generation.label
        if isinstance(event, Done) and event.finish_reason == "cancelled":
            self.counters.cancelled += 1
            why = "client disconnected" if generation.client_gone else "server stopping"
            log.info(
                "%s cancelled after %d tokens, %.2f s (%s)", label, tokens, generation.seconds, why
            )
        elif isinstance(event, Done):
            self.counters.completed += 1
            self.counters.completion_tokens += tokens
            log.info(
                "%s: %d tokens, %.2f s, finish %s",
                label,
                tokens,
                generation.seconds,
                event.finish_reason,
            )
        elif isinstance(event, Error):
            self.counters.errors += 1
            log.warning("%s failed: %s", label, event.error)
            if event.error.kind == "engine_crashed" and self.state == "ready":
                self.state = "restarting"
                self._restarting = asyncio.ensure_future(self._restart())

    def _shutdown_error(self) -> ApiError:
        return ApiError(
            503,
            "The server is shutting down; the request was stopped.",
            "server_error",
            code="server_shutting_down",
        )

    async def _whole(
        self, job: Job, request: Request, writer: asyncio.StreamWriter, generation: Generation
    ) -> bool:
        items: list[TokenLogprob] | None = [] if job.logprobs else None
        while True:
            event = await generation.next()
            if isinstance(event, TokenLogprob) and items is not None:
                items.append(event)
            elif isinstance(event, Error):
                if generation.client_gone:
                    return False
                raise from_app_error(event.error)
            elif isinstance(event, Done):
                break
        if event.finish_reason == "cancelled":
            if generation.client_gone:
                return False
            raise self._shutdown_error()
        shaper = Shaper(job.kind, self.model_id)
        payload = shaper.answer(event.text, event.finish_reason, generation.stats, items)
        await http11.send(writer, 200, _json(payload), keep_alive=request.keep_alive)
        return True

    async def _stream(
        self, job: Job, request: Request, writer: asyncio.StreamWriter, generation: Generation
    ) -> bool:
        """Headers wait for the first token, so an error before it is a plain HTTP error."""
        stream = sse.EventStream(writer, chunked=request.chunked_ok)
        shaper = Shaper(job.kind, self.model_id)
        pending: list[TokenLogprob] = []
        chat = job.kind == "chat"

        def take() -> list[TokenLogprob] | None:
            if not job.logprobs:
                return None
            items = pending[:]
            pending.clear()
            return items

        async def start(out: list[dict[str, Any] | str]) -> None:
            await stream.start()
            if chat:
                out.append(shaper.chunk("", None if not job.logprobs else [], first=True))

        try:
            while True:
                out: list[dict[str, Any] | str] = []
                for event in [await generation.next(), *generation.ready()]:
                    if isinstance(event, TokenLogprob):
                        pending.append(event)
                    elif isinstance(event, Token):
                        if not stream.started:
                            await start(out)
                        out.append(shaper.chunk(event.text, take()))
                    elif isinstance(event, Error):
                        if generation.client_gone:
                            return False
                        if not stream.started:
                            raise from_app_error(event.error)
                        out.append(from_app_error(event.error).body())
                        await stream.send(out)
                        await stream.end()
                        return False
                    elif isinstance(event, Done):
                        if event.finish_reason == "cancelled":
                            if generation.client_gone:
                                return False
                            if not stream.started:
                                raise self._shutdown_error()
                            await stream.send([*out, self._shutdown_error().body()])
                            await stream.end()
                            return False
                        if not stream.started:
                            await start(out)
                        out.append(shaper.chunk(None if chat else "", take(), event.finish_reason))
                        if job.include_usage:
                            out.append(shaper.usage_chunk(generation.stats))
                        out.append(sse.DONE)
                        await stream.send(out)
                        await stream.end()
                        return request.chunked_ok
                if out:
                    await stream.send(out)
        except ConnectionError:
            generation.client_gone = True
            generation.cancel()
            return False


def _json(payload: Any) -> bytes:
    return sse.dumps(payload).encode("utf-8")


def _parse_json(request: Request, body: bytes) -> Any:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json":
        # Browsers send other types without a CORS preflight: refusing them keeps web pages out.
        raise ApiError(
            415,
            "The request body must be JSON, sent with Content-Type: application/json.",
            code="unsupported_media_type",
        )
    if not body.strip():
        raise bad_request("The request body is empty; send a JSON object.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise bad_request(
            "We could not parse the JSON body of your request: it is not valid JSON."
        ) from None
