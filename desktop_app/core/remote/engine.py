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
import math
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.engine.client import Callback, RequestHandle
from desktop_app.core.engine.events import (
    ClassifyReport,
    ContextBudget,
    Done,
    Error,
    ItemScore,
    ModelInfo,
    Stats,
    Token,
)
from desktop_app.core.engine.params import ChatRequest, LoadParams, Message, SamplingParams
from desktop_app.core.engine.scoring import ClassifyRequest, calibrated, default_instruction
from desktop_app.core.errors import AppError, CancelledError
from desktop_app.core.remote.http import AbortedError, Call, Endpoint, RemoteError
from desktop_app.core.remote.labels import (
    gbnf_string,
    label_probabilities,
    match_label,
    top_logprobs,
)

DEFAULT_N_CTX = 4096
TOP_LOGPROBS = 20
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
class _Probe:
    """What this server turned out to support (learned on first use)."""

    tokenize: str | None = None  # "llama-server" | "llama-cpp-python" | "none"
    logprobs: bool | None = None
    extras_ok: bool = True
    notes: list[str] = field(default_factory=list)


class RemoteEngine:
    """Same calls as EngineClient; safe to call from any thread."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self.endpoint = config.endpoint()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._calls: dict[int, Call] = {}
        self._probe = _Probe()
        self.model_info: ModelInfo | None = None
        self.on_crash: Callable[[Any], None] | None = None

    @property
    def scoring_mode(self) -> str | None:
        """How sentiment is scored here: "logprobs", "constrained", or None until first tried."""
        if self._probe.logprobs is None:
            return None
        return "logprobs" if self._probe.logprobs else "constrained"

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
            _handle._deliver(_result(None))

        return self._run("unload", work, callback)

    def chat(self, request: ChatRequest, callback: Callback | None = None) -> RequestHandle:
        return self._run("chat", lambda h, c: self._chat(h, c, request), callback)

    def classify(self, request: ClassifyRequest, callback: Callback | None = None) -> RequestHandle:
        return self._run("classify", lambda h, c: self._classify(h, c, request), callback)

    def budget(self, messages: list[Message], max_tokens: int) -> RequestHandle:
        def work(handle: RequestHandle, call: Call) -> None:
            prompt = self._count_messages(messages)
            handle._deliver(_result(ContextBudget(prompt, max_tokens, self._n_ctx())))

        return self._run("budget", work, None)

    def count_tokens(self, text: str) -> RequestHandle:
        return self._run("count", lambda h, c: h._deliver(_result(self._count(text))), None)

    def hardware(self) -> RequestHandle:
        return self._run("hardware", lambda h, c: h._deliver(_result(None)), None)

    def _cancel(self, handle: RequestHandle) -> None:  # RequestHandle.cancel() calls this
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
                handle._deliver(
                    Done("cancelled", "") if op == "chat" else Error(CancelledError("Cancelled."))
                )
            except AppError as exc:
                handle._deliver(Error(exc))
            except Exception as exc:  # a bug or an odd answer: the caller still gets an end
                handle._deliver(Error(RemoteError(f"Unexpected answer from the server: {exc!r}")))
            finally:
                with self._lock:
                    self._calls.pop(handle.id, None)
                if not handle.finished:
                    handle._deliver(Error(RemoteError("The request ended without an answer.")))

        threading.Thread(target=target, name=f"remote-{op}-{handle.id}", daemon=True).start()
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
        n_ctx = self.config.n_ctx or _context_from_entry(entry) or self._context_from_props()
        if not n_ctx:
            n_ctx = DEFAULT_N_CTX
            notes.append(
                f"The server does not say its context size; {DEFAULT_N_CTX} tokens is assumed "
                "(set it in the remote settings)."
            )
        self._tokenizer()
        if self._probe.tokenize == "none":
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
        handle._deliver(_result(self.model_info))

    def _root(self) -> Endpoint:
        base = self.endpoint.base_url
        root = base[: -len("/v1")] if base.endswith("/v1") else base
        return Endpoint(root, self.endpoint.api_key, timeout=30)

    def _context_from_props(self) -> int | None:
        try:
            props = Call(self._root()).json("GET", "/props")
        except RemoteError:
            return None
        settings = props.get("default_generation_settings", {}) if isinstance(props, dict) else {}
        value = settings.get("n_ctx") or (props.get("n_ctx") if isinstance(props, dict) else None)
        return int(value) if isinstance(value, int) and value > 0 else None

    def _n_ctx(self) -> int:
        if self.model_info is None:
            self._connect(RequestHandle(self, 0, "load", None), self._new_call())
        assert self.model_info is not None
        return self.model_info.n_ctx

    def _model(self) -> str:
        if self.model_info is None:
            self._n_ctx()
        assert self.model_info is not None
        return self.model_info.name

    # ---- tokens ----------------------------------------------------------------------------

    def _tokenizer(self) -> str:
        """Find the server's tokenize endpoint once: llama-server's, llama-cpp-python's, none."""
        if self._probe.tokenize is None:
            for kind in ("llama-cpp-python", "llama-server"):
                try:
                    self._tokenize_with(kind, "hello")
                except RemoteError:
                    continue
                self._probe.tokenize = kind
                break
            else:
                self._probe.tokenize = "none"
        return self._probe.tokenize

    def _tokenize_with(self, kind: str, text: str) -> int:
        if kind == "llama-cpp-python":
            body: dict[str, Any] = {"input": text}
            if self.config.model:
                body["model"] = self.config.model
            answer = Call(self._root()).json("POST", "/extras/tokenize/count", body)
            count = answer.get("count") if isinstance(answer, dict) else None
        else:
            answer = Call(self._root()).json("POST", "/tokenize", {"content": text})
            tokens = answer.get("tokens") if isinstance(answer, dict) else None
            count = len(tokens) if isinstance(tokens, list) else None
        if not isinstance(count, int):
            raise RemoteError("no token count in the answer")
        return count

    def _count(self, text: str) -> int:
        kind = self._tokenizer()
        if kind != "none":
            try:
                return self._tokenize_with(kind, text)
            except RemoteError:
                pass
        return estimate_tokens(text)

    def _count_messages(self, messages: Sequence[Message]) -> int:
        text = "\n".join(f"{m.get('role', '')}\n{m.get('content', '')}" for m in messages)
        return self._count(text) + _MESSAGE_OVERHEAD * len(messages) + 3

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
        if self.config.extensions and self._probe.extras_ok:
            body.update(
                top_k=sampling.top_k, min_p=sampling.min_p, repeat_penalty=sampling.repeat_penalty
            )
        return body

    def _chat(self, handle: RequestHandle, call: Call, request: ChatRequest) -> None:
        sampling = request.sampling
        seed = sampling.seed if sampling.seed is not None else random.randrange(2**31)
        body = {
            "model": self._model(),
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
        for chunk in call.stream("/chat/completions", body):
            if isinstance(chunk.get("usage"), dict):
                usage = chunk["usage"]
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or choice.get("message") or {}
                text = delta.get("content") or ""
                if text:
                    if first is None:
                        first = time.perf_counter()
                    parts.append(text)
                    handle._deliver(Token(text))
                if choice.get("finish_reason"):
                    finish = "length" if choice["finish_reason"] == "length" else "stop"
        end = time.perf_counter()
        answer = "".join(parts)
        completion = int(usage.get("completion_tokens") or self._count(answer) if answer else 0)
        prompt = int(usage.get("prompt_tokens") or 0) or self._count_messages(request.messages)
        ttft = (first or end) - started
        gen_s = end - (first or end)
        handle._deliver(
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
        handle._deliver(Done(finish, answer))

    # ---- classify --------------------------------------------------------------------------

    def _classify(self, handle: RequestHandle, call: Call, request: ClassifyRequest) -> None:
        request.validate()
        started = time.perf_counter()
        labels = tuple(label.strip() for label in request.labels)
        canonical = {label.casefold(): label for label in labels}
        system = request.instruction or default_instruction(labels)
        shots: list[Message] = []
        for text, label in request.examples:
            shots.append({"role": "user", "content": text.strip()})
            shots.append({"role": "assistant", "content": canonical[label.strip().casefold()]})
        n_ctx = self._n_ctx()
        prefix_tokens = self._count_messages([{"role": "system", "content": system}, *shots])

        def ask(text: str) -> tuple[list[float] | None, str | None]:
            if call.aborted:
                raise AbortedError("Cancelled.")
            messages = [
                {"role": "system", "content": system},
                *shots,
                {"role": "user", "content": text},
            ]
            return self._label_scores(call, messages, labels)

        reference: list[float] | None = None
        mode = "logprobs"
        if request.calibrate:
            rows = [ask(text)[0] for text in request.content_free]
            if self._probe.logprobs:
                usable = [r for r in rows if r is not None]
                reference = (
                    [sum(col) / len(usable) for col in zip(*usable, strict=True)]
                    if usable
                    else None
                )
        n_scored = n_errors = 0
        cancelled = False
        for index, text in enumerate(request.texts):
            if call.aborted:
                cancelled = True
                break
            stripped = text.strip()
            if not stripped:
                handle._deliver(ItemScore(index, None, {}, "The text is empty."))
                n_errors += 1
                continue
            if self._count(stripped) + prefix_tokens + 8 > n_ctx:
                handle._deliver(
                    ItemScore(
                        index, None, {}, f"The text is too long for the context ({n_ctx} tokens)."
                    )
                )
                n_errors += 1
                continue
            try:
                probs, chosen = ask(stripped)
            except AbortedError:
                cancelled = True
                break
            except RemoteError as exc:
                handle._deliver(ItemScore(index, None, {}, str(exc)))
                n_errors += 1
                continue
            if probs is None:
                mode = "constrained"
                if chosen is None:
                    handle._deliver(
                        ItemScore(index, None, {}, "The server's answer named no label.")
                    )
                    n_errors += 1
                    continue
                out = {label: 1.0 if label == chosen else 0.0 for label in labels}
                handle._deliver(ItemScore(index, chosen, out, label_mass=1.0, raw_probs=out))
            else:
                mass = sum(probs)
                raw = [p / mass for p in probs]
                final = calibrated(raw, reference)
                out = dict(zip(labels, final, strict=True))
                best = max(out, key=lambda k: out[k])
                handle._deliver(
                    ItemScore(
                        index,
                        best,
                        out,
                        label_mass=min(1.0, mass),
                        raw_probs=dict(zip(labels, raw, strict=True)),
                    )
                )
            n_scored += 1
        handle._deliver(
            _result(
                ClassifyReport(
                    labels=labels,
                    n_items=len(request.texts),
                    n_scored=n_scored,
                    n_errors=n_errors,
                    cancelled=cancelled,
                    calibration=dict(zip(labels, reference, strict=True)) if reference else None,
                    mode=mode,
                    parallel=1,
                    prefix_tokens=prefix_tokens,
                    prefix_evaluations=0,
                    prefix_tokens_evaluated=0,
                    tokens_evaluated=0,
                    llama_prompt_tokens=0,
                    decodes=0,
                    total_s=time.perf_counter() - started,
                )
            )
        )

    def _label_scores(
        self, call: Call, messages: list[Message], labels: tuple[str, ...]
    ) -> tuple[list[float] | None, str | None]:
        """Label probabilities from top_logprobs; (None, label) when the server gives none."""
        model = self._model()
        if self._probe.logprobs is not False:
            body = {
                "model": model,
                "messages": messages,
                "max_tokens": 1,
                "temperature": 0.0,
                "seed": 0,
                "logprobs": True,
                "top_logprobs": TOP_LOGPROBS,
            }
            try:
                answer = self._sub_call(call).json("POST", "/chat/completions", body)
            except RemoteError as exc:
                if exc.status != 400 or self._probe.logprobs:
                    raise
                answer = None  # a server that refuses logprobs outright
            top = top_logprobs(answer) if answer is not None else None
            self._probe.logprobs = top is not None
            if top is not None:
                return label_probabilities(top, labels), None
        return None, self._constrained(call, messages, labels)

    def _constrained(
        self, call: Call, messages: list[Message], labels: tuple[str, ...]
    ) -> str | None:
        """One short greedy answer, held to the labels where the server can (grammar, choice)."""
        body: dict[str, Any] = {
            "model": self._model(),
            "messages": messages,
            "max_tokens": 8,
            "temperature": 0.0,
            "seed": 0,
        }
        if self.config.extensions and self._probe.extras_ok:
            body["grammar"] = "root ::= " + " | ".join(gbnf_string(label) for label in labels)
            body["guided_choice"] = list(labels)  # vLLM's name for the same thing
        try:
            answer = self._sub_call(call).json("POST", "/chat/completions", body)
        except RemoteError as exc:
            if exc.status != 400 or "grammar" not in body:
                raise
            self._probe.extras_ok = False  # a strict OpenAI server: plain request
            return self._constrained(call, messages, labels)
        text = ""
        for choice in answer.get("choices") or []:
            text = (choice.get("message") or {}).get("content") or choice.get("text") or ""
            break
        return match_label(text, labels)

    def _sub_call(self, parent: Call) -> Call:
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


# ---- pure helpers ------------------------------------------------------------------------------


def _result(value: Any) -> Any:
    from desktop_app.core.engine.worker import Result

    return Result(value)


def _context_from_entry(entry: dict[str, Any]) -> int | None:
    """Context size from a /v1/models entry, as different servers name it."""
    meta: dict[str, Any] = entry["meta"] if isinstance(entry.get("meta"), dict) else {}
    for value in (
        entry.get("context_length"),
        entry.get("max_model_len"),  # vLLM
        entry.get("n_ctx"),
        meta.get("n_ctx"),
        meta.get("n_ctx_train"),  # llama-server: the trained length, an upper bound
    ):
        if isinstance(value, int) and value > 0:
            return value
    return None


def estimate_tokens(text: str) -> int:
    """A generous token estimate where the server cannot count: CJK ~1/char, else ~3.5 chars."""
    cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    other = len(text) - cjk
    return math.ceil((cjk + other / 3.5) * 1.1) + 1
