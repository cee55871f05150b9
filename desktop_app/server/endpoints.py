"""The API's endpoints: one handler per route, and the admission and accounting of requests.

Each handler answers one request on its connection and returns whether the connection may be
kept for the next one. The server (`app.ApiServer`) owns the connections and the engine's life
cycle; this owns what the API says, and the state it says it from.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Error, Event, ModelInfo
from desktop_app.core.engine.handle import RequestHandle
from desktop_app.core.engine.params import LoadParams, SamplingParams
from desktop_app.core.errors import AppError
from desktop_app.server import http11
from desktop_app.server.anthropic_api import parse_messages
from desktop_app.server.anthropic_stream import answer_message, answer_message_stream
from desktop_app.server.classify import classify
from desktop_app.server.embeddings_api import embeddings_body, input_errors, parse_embeddings
from desktop_app.server.errors import ApiError, bad_request, from_app_error
from desktop_app.server.generation import ClientWatch, Generation
from desktop_app.server.http11 import Request
from desktop_app.server.limits import Admission, Counters
from desktop_app.server.model_pool import ModelPool, Slot
from desktop_app.server.models_api import listing
from desktop_app.server.openai_schema import (
    Job,
    parse_chat,
    parse_completion,
    parse_count,
)
from desktop_app.server.responses import answer_stream, answer_whole, json_body
from desktop_app.server.tokenize_schema import parse_detokenize, parse_tokenize, tokens_body

__all__ = ["Endpoints", "Handler", "parse_json"]

log = logging.getLogger("desktop_app.server")

Handler = Callable[[Request, bytes, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[bool]]
# A generation's answer, whole or streamed (responses.py for OpenAI's shapes, anthropic_stream.py)
Answer = Callable[[Job, str, Request, asyncio.StreamWriter, Generation], Awaitable[bool]]
ANSWERS: dict[str, tuple[Answer, Answer]] = {"messages": (answer_message, answer_message_stream)}
OPENAI_ANSWERS: tuple[Answer, Answer] = (answer_whole, answer_stream)


class Endpoints:
    """The routes and what they answer from: the model, its state, the queue and the counters."""

    def __init__(
        self,
        engine: EngineClient,
        model_id: str,
        load_params: LoadParams,
        defaults: SamplingParams,
        admission: Admission,
        counters: Counters,
        on_crash: Callable[[], None],
        pool: ModelPool,
    ) -> None:
        self.engine = engine  # the model it started with; others: `pool` (model_pool.py)
        self.pool = pool
        self.model_id = model_id
        self.load_params = load_params
        self.defaults = defaults
        self.admission = admission
        self.counters = counters
        self._on_crash = on_crash  # the engine crashed while ready: the server restarts it
        self.state = "starting"  # loading | ready | restarting | stopping | failed
        self.model_info: ModelInfo | None = None
        self.created = 0  # the model file's mtime, as OpenAI's `created`
        self.generations: dict[Generation, Slot] = {}  # running, with the model each uses
        self.embedding_model: str | None = None  # --embedding-model; None: the loaded model
        self.routes: dict[tuple[str, str], Handler] = {
            ("GET", "/health"): functools.partial(health, self),
            ("GET", "/v1/models"): self.models,
            ("POST", "/v1/chat/completions"): self.chat,
            ("POST", "/v1/completions"): self.completions,
            ("POST", "/extras/tokenize/count"): self.count_tokens,  # llama-cpp-python's extension
            ("POST", "/tokenize"): self.tokenize,  # llama-server's shapes (tokenize_schema.py)
            ("POST", "/detokenize"): self.detokenize,
            ("POST", "/v1/messages"): self.messages,  # Anthropic's API (anthropic_api.py)
            ("POST", "/v1/embeddings"): self.embeddings,  # embeddings_api.py
            ("POST", "/v1/classify"): functools.partial(classify, self),  # classify.py
        }

    def route(self, request: Request) -> Handler:
        path = request.path.rstrip("/") or "/"
        handler = self.routes.get((request.method, path))
        if handler is not None:
            return handler
        if request.method == "GET" and path.startswith("/v1/models/"):
            return self.model
        allowed = [m for (m, p) in self.routes if p == path]
        if allowed:
            raise ApiError(
                405,
                f"{request.method} is not allowed on {path}; use {', '.join(allowed)}.",
                headers={"Allow": ", ".join(allowed)},
            )
        raise ApiError(404, f"Unknown route {request.method} {request.path}.", code="unknown_url")

    # ---- small endpoints ---------------------------------------------------------------

    async def models(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        payload = {"object": "list", "data": listing(self.pool)}
        await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
        return True

    async def model(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        wanted = request.path.rstrip("/")[len("/v1/models/") :]
        (payload,) = listing(self.pool, wanted)
        await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
        return True

    async def count_tokens(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Exact token counts for remote clients (fitting a prompt, splitting a document)."""
        text, model = parse_count(parse_json(request, body))
        count = await self._tokenizer_call(lambda e: e.count_tokens(text), model)
        await http11.send(writer, 200, json_body({"count": count}), keep_alive=request.keep_alive)
        return True

    async def tokenize(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        job = parse_tokenize(parse_json(request, body))
        ids = await self._tokenizer_call(
            lambda e: e.tokenize(job.content, job.add_special, job.parse_special)
        )
        pieces = None
        if job.with_pieces:
            pieces = await self._tokenizer_call(lambda e: e.token_pieces(ids))
        payload = tokens_body(ids, pieces)
        await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
        return True

    async def detokenize(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        n_vocab = self.model_info.n_vocab if self.model_info else 0
        ids = parse_detokenize(parse_json(request, body), n_vocab)
        content = await self._tokenizer_call(lambda e: e.detokenize(ids))
        payload = {"content": content}
        await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
        return True

    async def embeddings(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """OpenAI's embeddings, from a second context in embedding mode (core/engine/embeddings)."""
        info = self.model_info if self.embedding_model is None else None  # ids of this vocabulary
        job = parse_embeddings(parse_json(request, body), info.n_vocab if info else 0)

        def submit(engine: EngineClient) -> RequestHandle:
            return engine.embed(job.inputs, self.embedding_model)

        result = await input_errors(self._tokenizer_call(submit, job.model))
        payload = embeddings_body(job, result, job.model or self.model_id)
        await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
        return True

    async def _tokenizer_call(
        self, submit: Callable[[EngineClient], RequestHandle], model: str | None = None
    ) -> Any:
        """One short engine request (count, tokenize, detokenize) with a place in the queue."""
        slot = await self.admit(model)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, lambda: submit(slot.engine).result())
        except AppError as exc:
            raise from_app_error(exc) from None
        finally:
            self.leave(slot, None)

    # ---- generation ------------------------------------------------------------------------

    async def chat(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        n_ctx = self.model_info.n_ctx if self.model_info else self.load_params.n_ctx
        job = parse_chat(parse_json(request, body), self.defaults, n_ctx)
        return await self._generate(job, request, reader, writer)

    async def completions(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        job = parse_completion(parse_json(request, body), self.defaults)
        return await self._generate(job, request, reader, writer)

    async def messages(
        self,
        request: Request,
        body: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Anthropic's Messages API, so Anthropic SDK clients can use the model."""
        job = parse_messages(parse_json(request, body), self.defaults)
        return await self._generate(job, request, reader, writer)

    async def _generate(
        self, job: Job, request: Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        slot = await self.admit(job.model)
        self.counters.requests += 1
        try:
            label = f"{job.kind}{' stream' if job.stream else ''}"
            generation = Generation(slot.engine, job.request, self._finished, label)
        except BaseException:
            self.leave(slot, 0.0)
            raise
        self.generations[generation] = slot
        watch = ClientWatch(reader, generation)
        try:
            answer = ANSWERS.get(job.kind, OPENAI_ANSWERS)[job.stream]
            keep = await answer(job, slot.model_id, request, writer, generation)
        finally:
            watch.stop()
            if generation.final is None:
                generation.cancel()
        return keep and not watch.unexpected_data

    async def admit(self, model: str | None) -> Slot:
        """The queue has room and the model exists; a place is taken and the model is loaded if
        it is not (the pool's rules). Hand both back with `leave`."""
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
            raise ApiError(  # 503 as llama-server: the server is busy, not this client too fast
                503,
                f"The server is busy: {self.admission.waiting} requests are already waiting for "
                f"the model (hearth serve --max-queue {self.admission.max_waiting}). Retry later.",
                "server_error",
                code="queue_full",
                headers={"Retry-After": str(self.admission.retry_after())},
            )
        try:
            return await self.pool.acquire(model)
        except BaseException:
            self.admission.leave(None)
            raise

    def leave(self, slot: Slot, seconds: float | None) -> None:
        self.admission.leave(seconds)
        self.pool.release(slot)

    def _finished(self, generation: Generation, event: Event) -> None:
        """The engine is done with a request (answered, cancelled or failed): free its place."""
        slot = self.generations.pop(generation)
        self.leave(slot, generation.seconds)
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
        crashed = isinstance(event, Error) and event.error.kind == "engine_crashed"
        if slot.engine is not self.engine:
            return  # another model's engine: the pool starts a fresh one on its next request
        if self.state == "ready" and (crashed or not self.engine.alive):
            # a crash, or a cancel the engine ignored (the client stopped it): reload now,
            # so the next request is served instead of failing
            self.state = "restarting"
            self._on_crash()


async def health(
    api: Endpoints,
    request: Request,
    body: bytes,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> bool:
    """The server's state, the loaded models, the queue and the counters; needs no key."""
    ready = api.state == "ready"
    payload = {
        "status": "ok" if ready else api.state,
        "model": api.model_id,
        "loaded": api.pool.loaded_ids(),
        "queue": {
            "running": api.admission.running,
            "waiting": api.admission.waiting,
            "max_waiting": api.admission.max_waiting,
        },
        "counters": api.counters.to_dict(),
    }
    await http11.send(
        writer, 200 if ready else 503, json_body(payload), keep_alive=request.keep_alive
    )
    return True


def parse_json(request: Request, body: bytes) -> Any:
    """The JSON body of a request, or the 415/400 error a client can act on."""
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
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        raise bad_request(
            "We could not parse the JSON body of your request: it is not valid JSON."
        ) from None
    where = _lone_surrogate(parsed)
    if where is not None:  # JSON allows "\ud800"; no model (nor UTF-8) can take it
        raise bad_request(
            f"The request's text at {where} contains a lone surrogate (an unpaired \\uD800-"
            "\\uDFFF escape): send valid Unicode text."
        )
    return parsed


def _lone_surrogate(value: Any) -> str | None:
    """Where (a JSON path like `messages[0].content`) a string holds an unpaired surrogate."""
    stack: list[tuple[Any, str]] = [(value, "the body")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if any("\ud800" <= c <= "\udfff" for c in key):
                    return f"{path} (a key)"
                stack.append((child, key if path == "the body" else f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    return None
