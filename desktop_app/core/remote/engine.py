"""A remote OpenAI-compatible server (llama.cpp's llama-server, vLLM, Ollama, this app's own
`hearth serve`) behind the same interface as the local `EngineClient`.

The tasks (chat, `Summarizer`, `SentimentTask`) take an engine object and call `chat`, `budget`,
`count_tokens` and `classify` on it, each returning a `RequestHandle` whose events have the local
engine's types (Token, Stats, Done, Error, ItemScore, Result). `RemoteEngine` produces the same
events from HTTP, so every task runs unchanged against a server. Each request runs on its own
thread and connection; `cancel()` closes that connection, which also stops the generation on
servers that notice disconnects (this app's server, llama-server).

What a remote server cannot give is answered as well as it can be, and said:
- Token counts: the server's tokenizer where it has an endpoint for it (llama-server's /tokenize,
  llama-cpp-python's /extras/tokenize), otherwise an estimate (`ModelInfo.notes` says which).
- Sentiment: label probabilities from the server's `top_logprobs` at the answer's first token
  (mode "logprobs"); a server without logprobs gets a constrained one-word answer (mode
  "constrained": the chosen label has probability 1). `ClassifyReport.mode` tells the panes.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core import jobs
from desktop_app.core.engine.client import Callback, RequestHandle
from desktop_app.core.engine.events import (
    ContextBudget,
    Done,
    Error,
    ModelInfo,
    Result,
    Stats,
    Token,
)
from desktop_app.core.engine.label_scores import ClassifyRequest
from desktop_app.core.engine.params import (
    DEFAULT_N_CTX,
    ChatRequest,
    LoadParams,
    Message,
    SamplingParams,
)
from desktop_app.core.errors import AppError, CancelledError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.remote import classify as remote_classify
from desktop_app.core.remote.http import AbortedError, Call, Endpoint, RemoteError
from desktop_app.core.remote.server_facts import (
    context_from_entry,
    context_from_props,
    estimate_tokens,
    tokenize_count,
)
from desktop_app.core.remote.structured import stream_chat

_MESSAGE_OVERHEAD = 6  # template tokens around each message (role markers), an estimate


@dataclass(frozen=True)
class RemoteConfig:
    """A server to use instead of the local engine. `model`: empty picks the server's first."""

    base_url: str
    api_key: str | None = None
    model: str = ""
    n_ctx: int | None = None  # None: ask the server, else DEFAULT_N_CTX
    extensions: bool = True  # send llama.cpp's sampling extras (top_k, min_p, repeat_penalty)
    timeout: float = 600.0

    def endpoint(self) -> Endpoint:
        base = self.base_url.rstrip("/")
        if not base.endswith("/v1"):
            base += "/v1"
        return Endpoint(base, self.api_key or None, timeout=self.timeout)


@dataclass
class ServerProbe:
    """What this server turned out to support (learned on first use)."""

    tokenize: str | None = None  # "llama-server" | "llama-cpp-python" | "none"
    logprobs: bool | None = None
    extras_ok: bool = True
    schema_beside: bool = False  # a schema goes as {"type": "json_object", "schema"} (structured)
    notes: list[str] = field(default_factory=list)


class RemoteEngine:
    """Same calls as EngineClient; safe to call from any thread."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self.endpoint = config.endpoint()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._calls: dict[int, Call] = {}
        self.probe = ServerProbe()
        self.model_info: ModelInfo | None = None
        self.on_crash: Callable[[Any], None] | None = None

    @property
    def scoring_mode(self) -> str | None:
        """How sentiment is scored here: "logprobs", "constrained", or None until first tried."""
        if self.probe.logprobs is None:
            return None
        return "logprobs" if self.probe.logprobs else "constrained"

    # ---- the EngineClient surface ----------------------------------------------------------

    @property
    def alive(self) -> bool:
        return True

    def start(self) -> RemoteEngine:
        return self

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            calls = list(self._calls.values())
        for call in calls:
            call.abort()

    def __enter__(self) -> RemoteEngine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def load(
        self, params: LoadParams | None = None, callback: Callback | None = None
    ) -> RequestHandle:
        """ "Load" = connect: find the model on the server and its context size."""
        return self._run("load", self._connect, callback)

    def unload(self, callback: Callback | None = None) -> RequestHandle:
        def work(_handle: RequestHandle, _call: Call) -> None:
            self.model_info = None
            _handle.deliver(Result(None))

        return self._run("unload", work, callback)

    def chat(self, request: ChatRequest, callback: Callback | None = None) -> RequestHandle:
        return self._run("chat", lambda h, c: self._chat(h, c, request), callback)

    def classify(self, request: ClassifyRequest, callback: Callback | None = None) -> RequestHandle:
        return self._run(
            "classify", lambda h, c: remote_classify.classify(self, h, c, request), callback
        )

    def budget(self, messages: list[Message], max_tokens: int) -> RequestHandle:
        def work(handle: RequestHandle, call: Call) -> None:
            prompt = self.count_messages(messages)
            handle.deliver(Result(ContextBudget(prompt, max_tokens, self.context_size())))

        return self._run("budget", work, None)

    def count_tokens(self, text: str) -> RequestHandle:
        return self._run("count", lambda h, c: h.deliver(Result(self.count(text))), None)

    def tokenize(
        self, text: str, add_special: bool = False, parse_special: bool = False
    ) -> RequestHandle:
        """llama-server's /tokenize; a server without it gives a RemoteError that says so."""
        body = {"content": text, "add_special": add_special, "parse_special": parse_special}
        work = lambda h, c: h.deliver(Result(_server_tokens(self._root(), body)))  # noqa: E731
        return self._run("tokenize", work, None)

    def token_pieces(self, ids: Sequence[int]) -> RequestHandle:
        """A server gives no token's raw bytes (its /detokenize answers text): refused."""

        def work(_handle: RequestHandle, _call: Call) -> None:
            raise RemoteError(_NO_PIECES)

        return self._run("pieces", work, None)

    def detokenize(self, ids: Sequence[int]) -> RequestHandle:
        """llama-server's /detokenize; a server without it gives a RemoteError that says so."""
        work = lambda h, c: h.deliver(Result(_server_text(self._root(), list(ids))))  # noqa: E731
        return self._run("detokenize", work, None)

    def hardware(self) -> RequestHandle:
        return self._run("hardware", lambda h, c: h.deliver(Result(None)), None)

    def cancel(self, handle: RequestHandle) -> None:
        """Stop a request: close its connection (RequestHandle.cancel() calls this)."""
        with self._lock:
            call = self._calls.get(handle.id)
        if call is not None:
            call.abort()

    # ---- running requests ------------------------------------------------------------------

    def _run(
        self, op: str, work: Callable[[RequestHandle, Call], None], callback: Callback | None
    ) -> RequestHandle:
        handle = RequestHandle(self, next(self._ids), op, callback)
        call = Call(self.endpoint)
        with self._lock:
            self._calls[handle.id] = call

        def target() -> None:
            try:
                work(handle, call)
            except AbortedError:
                handle.deliver(
                    Done("cancelled", "") if op == "chat" else Error(CancelledError("Cancelled."))
                )
            except AppError as exc:
                handle.deliver(Error(exc))
            except Exception as exc:  # a bug or an odd answer: the caller still gets an end
                handle.deliver(Error(RemoteError(f"Unexpected answer from the server: {exc!r}")))
            finally:
                with self._lock:
                    self._calls.pop(handle.id, None)
                if not handle.finished:
                    handle.deliver(Error(RemoteError("The request ended without an answer.")))

        jobs.start(lambda _job: target(), name=f"remote-{op}-{handle.id}")
        return handle

    def _new_call(self) -> Call:
        return Call(self.endpoint)

    # ---- connect ---------------------------------------------------------------------------

    def _connect(self, handle: RequestHandle, call: Call) -> None:
        started = time.perf_counter()
        listing = call.json("GET", "/models")
        models = [m for m in (listing or {}).get("data", []) if isinstance(m, dict) and m.get("id")]
        if not models:
            raise RemoteError("The server lists no models.")
        wanted = self.config.model
        entry = next((m for m in models if m["id"] == wanted), None) if wanted else models[0]
        if entry is None:
            names = ", ".join(str(m["id"]) for m in models[:8])
            raise RemoteError(f"The server has no model {wanted!r}. It has: {names}.")
        notes = []
        n_ctx = self.config.n_ctx or context_from_entry(entry) or context_from_props(self._root())
        if not n_ctx:
            n_ctx = DEFAULT_N_CTX
            notes.append(
                f"The server does not say its context size; {DEFAULT_N_CTX} tokens is assumed "
                "(set it in the remote settings)."
            )
        self._tokenizer()
        if self.probe.tokenize == "none":
            notes.append("The server has no tokenizer endpoint: token counts are estimates.")
        self.model_info = ModelInfo(
            path=self.config.base_url,
            name=str(entry["id"]),
            architecture="remote",
            n_ctx=int(n_ctx),
            n_ctx_train=int(n_ctx),
            n_layers=0,
            n_gpu_layers_requested="remote",
            n_gpu_layers_offloaded=0,
            backend=f"remote · {urllib.parse.urlsplit(self.config.base_url).netloc}",
            chat_template_source="server",
            load_s=time.perf_counter() - started,
            notes=tuple(notes),
        )
        handle.deliver(Result(self.model_info))

    def _root(self) -> Endpoint:
        base = self.endpoint.base_url
        root = base[: -len("/v1")] if base.endswith("/v1") else base
        return Endpoint(root, self.endpoint.api_key, timeout=30)

    def context_size(self) -> int:
        if self.model_info is None:
            self._connect(RequestHandle(self, 0, "load", None), self._new_call())
        assert self.model_info is not None
        return self.model_info.n_ctx

    def model_name(self) -> str:
        if self.model_info is None:
            self.context_size()
        assert self.model_info is not None
        return self.model_info.name

    # ---- tokens ----------------------------------------------------------------------------

    def _tokenizer(self) -> str:
        """Find the server's tokenize endpoint once: llama-server's, llama-cpp-python's, none."""
        if self.probe.tokenize is None:
            for kind in ("llama-cpp-python", "llama-server"):
                try:
                    tokenize_count(self._root(), kind, "hello", self.config.model)
                except RemoteError:
                    continue
                self.probe.tokenize = kind
                break
            else:
                self.probe.tokenize = "none"
        return self.probe.tokenize

    def count(self, text: str) -> int:
        kind = self._tokenizer()
        if kind != "none":
            try:
                return tokenize_count(self._root(), kind, text, self.config.model)
            except RemoteError:
                pass
        return estimate_tokens(text)

    def count_messages(self, messages: Sequence[Message]) -> int:
        text = "\n".join(f"{m.get('role', '')}\n{m.get('content', '')}" for m in messages)
        return self.count(text) + _MESSAGE_OVERHEAD * len(messages) + 3

    # ---- chat ------------------------------------------------------------------------------

    def _sampling_body(self, sampling: SamplingParams, seed: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "max_tokens": sampling.max_tokens,
            "seed": seed,
        }
        if sampling.stop:
            body["stop"] = list(sampling.stop)
        if self.config.extensions and self.probe.extras_ok:
            body.update(
                top_k=sampling.top_k, min_p=sampling.min_p, repeat_penalty=sampling.repeat_penalty
            )
        return body

    def _chat(self, handle: RequestHandle, call: Call, request: ChatRequest) -> None:
        sampling = request.sampling
        seed = sampling.seed if sampling.seed is not None else random.randrange(2**31)
        body = {
            "model": self.model_name(),
            "messages": [dict(m) for m in request.messages],
            "stream": True,
            "stream_options": {"include_usage": True},
            **self._sampling_body(sampling, seed),
        }
        started = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        finish = "stop"
        usage: dict[str, Any] = {}
        for chunk in stream_chat(call, body, request.output, self.probe):  # JSON: response_format
            if isinstance(chunk.get("usage"), dict):
                usage = chunk["usage"]
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or choice.get("message") or {}
                text = delta.get("content") or ""
                if text:
                    if first is None:
                        first = time.perf_counter()
                    parts.append(text)
                    handle.deliver(Token(text))
                if choice.get("finish_reason"):
                    finish = "length" if choice["finish_reason"] == "length" else "stop"
        end = time.perf_counter()
        answer = "".join(parts)
        completion = int(usage.get("completion_tokens") or self.count(answer) if answer else 0)
        prompt = int(usage.get("prompt_tokens") or 0) or self.count_messages(request.messages)
        ttft = (first or end) - started
        gen_s = end - (first or end)
        handle.deliver(
            Stats(
                prompt_tokens=prompt,
                prompt_tokens_evaluated=prompt,
                completion_tokens=completion,
                ttft_s=ttft,
                prompt_tps=prompt / ttft if ttft > 0 and prompt else 0.0,
                gen_tps=(completion - 1) / gen_s if gen_s > 0 and completion > 1 else 0.0,
                total_s=end - started,
                seed=seed,
            )
        )
        handle.deliver(Done(finish, answer))

    def sub_call(self, parent: Call) -> Call:
        """A fresh connection that the parent's cancel also aborts."""
        call = Call(self.endpoint)
        if parent.aborted:
            raise AbortedError("Cancelled.")
        original = parent.abort

        def abort_both() -> None:
            original()
            call.abort()

        parent.abort = abort_both  # type: ignore[method-assign]
        return call


# ---- the server's tokenizer ------------------------------------------------------------------

_NO_PIECES = QT_TRANSLATE_NOOP(
    "RemoteEngine",
    "A remote server does not give the bytes of each token; tokenize with a local model.",
)


def _tokenizer_call(root: Endpoint, path: str, body: dict[str, Any]) -> Any:
    try:
        return Call(root).json("POST", path, body)
    except RemoteError as exc:
        if exc.status in (404, 405, 501):
            message = QT_TRANSLATE_NOOP(
                "RemoteEngine",
                "The server has no {path} endpoint (llama-server and hearth serve have one).",
            )
            raise RemoteError(message.format(path=path), status=exc.status) from None
        raise


def _server_tokens(root: Endpoint, body: dict[str, Any]) -> list[int]:
    answer = _tokenizer_call(root, "/tokenize", body)
    tokens = answer.get("tokens") if isinstance(answer, dict) else None
    if not isinstance(tokens, list) or not all(isinstance(t, int) for t in tokens):
        raise RemoteError("The server's /tokenize answer has no list of token ids.")
    return tokens


def _server_text(root: Endpoint, ids: list[int]) -> str:
    answer = _tokenizer_call(root, "/detokenize", {"tokens": ids})
    content = answer.get("content") if isinstance(answer, dict) else None
    if not isinstance(content, str):
        raise RemoteError("The server's /detokenize answer has no text.")
    return content
