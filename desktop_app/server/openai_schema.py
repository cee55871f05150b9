"""OpenAI's request and response shapes.

Requests are validated field by field into the engine's ChatRequest: a wrong type or an
out-of-range value is a 400 that names the field (`param`) and says what is allowed. Fields this
server cannot honour (tools, n > 1, logit_bias, JSON mode, echo) are refused, not ignored, since
silently ignoring them would return answers the client did not ask for. Fields that change
nothing here (user, metadata, store…) are ignored. Absent sampling fields take the app's
sampling settings, as llama.cpp's server uses its own defaults.

Responses are built by `Shaper`: completion objects, stream chunks, usage and logprobs.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from typing import Any

from desktop_app import APP_ID
from desktop_app.core.engine.events import Stats, TokenLogprob
from desktop_app.core.engine.params import ChatRequest, Message, SamplingParams
from desktop_app.server.errors import ApiError, bad_request

MAX_STOP = 16
MAX_TOP_LOGPROBS = 20
COMPLETION_DEFAULT_MAX_TOKENS = 16  # OpenAI's default for /v1/completions
ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant"}
_MISSING = object()


@dataclass(frozen=True)
class Job:
    """One validated generation request."""

    kind: str  # "chat" | "completion"
    request: ChatRequest
    model: str | None  # as asked; None when the client named none
    stream: bool = False
    include_usage: bool = False
    logprobs: bool = False


# ---- requests ---------------------------------------------------------------------------------


def parse_chat(body: Any, defaults: SamplingParams, n_ctx: int) -> Job:
    """POST /v1/chat/completions. `n_ctx` is the default answer length (as OpenAI: until the end)."""
    f = _object(body)
    messages = _messages(f.get("messages", _MISSING))
    _refuse_unsupported(f)
    logprobs = _bool(f, "logprobs") or False
    top = _int(f, "top_logprobs", 0, MAX_TOP_LOGPROBS)
    if top is not None and not logprobs:
        raise bad_request("top_logprobs needs logprobs set to true.", "top_logprobs")
    max_tokens = _int(f, "max_completion_tokens", 1, None)
    if max_tokens is None:
        max_tokens = _int(f, "max_tokens", 1, None)
    sampling = _sampling(f, defaults, max_tokens or n_ctx, (top or 0) if logprobs else None)
    stream, include_usage = _stream(f)
    return Job("chat", ChatRequest(messages, sampling), _model(f), stream, include_usage, logprobs)


def parse_completion(body: Any, defaults: SamplingParams) -> Job:
    """POST /v1/completions: a plain prompt continued as it is (no chat template)."""
    f = _object(body)
    prompt = _prompt(f.get("prompt", _MISSING))
    _refuse_unsupported(f)
    if f.get("echo") not in (None, False):
        raise bad_request("echo is not supported by this server.", "echo")
    if f.get("suffix") not in (None, ""):
        raise bad_request("suffix (fill-in-the-middle) is not supported by this server.", "suffix")
    if f.get("best_of") not in (None, 1):
        raise bad_request("Only best_of=1 is supported (one answer per request).", "best_of")
    top = _int(f, "logprobs", 0, MAX_TOP_LOGPROBS)
    max_tokens = _int(f, "max_tokens", 1, None) or COMPLETION_DEFAULT_MAX_TOKENS
    sampling = _sampling(f, defaults, max_tokens, top)
    stream, include_usage = _stream(f)
    request = ChatRequest((), sampling, prompt)
    return Job("completion", request, _model(f), stream, include_usage, top is not None)


class _Fields:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)


def _object(body: Any) -> _Fields:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return _Fields(body)


def _model(f: _Fields) -> str | None:
    value = f.get("model")
    if value is not None and not isinstance(value, str):
        raise bad_request("model must be a string.", "model")
    return value


def _messages(value: Any) -> tuple[Message, ...]:
    if value is _MISSING or value is None:
        raise bad_request("messages is required: a list of {role, content} objects.", "messages")
    if not isinstance(value, list) or not value:
        raise bad_request(
            "messages must be a non-empty list of {role, content} objects.", "messages"
        )
    out: list[Message] = []
    for i, message in enumerate(value):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise bad_request(f"{where} must be an object with role and content.", where)
        role = message.get("role")
        if not isinstance(role, str):
            raise bad_request(
                f"{where}.role is required (system, user or assistant).", f"{where}.role"
            )
        if role not in ROLES:
            if role in ("tool", "function"):
                raise bad_request(
                    f"{where}: tool messages are not supported by this server.", f"{where}.role"
                )
            raise bad_request(
                f"{where}.role must be system, user or assistant, not {role!r}.", f"{where}.role"
            )
        content = _content(message.get("content", _MISSING), f"{where}.content", role)
        out.append({"role": ROLES[role], "content": content})
    return tuple(out)


def _content(value: Any, where: str, role: str) -> str:
    if isinstance(value, str):
        return value
    if value is None and role == "assistant":
        return ""
    if value is _MISSING or value is None:
        raise bad_request(f"{where} is required.", where)
    if not isinstance(value, list):
        raise bad_request(f"{where} must be a string or a list of text parts.", where)
    texts: list[str] = []
    for j, part in enumerate(value):
        at = f"{where}[{j}]"
        if not isinstance(part, dict):
            raise bad_request(f'{at} must be an object like {{"type": "text", "text": …}}.', at)
        kind = part.get("type")
        if kind != "text":
            raise bad_request(f"{at}: only text parts are supported, not {kind!r}.", f"{at}.type")
        text = part.get("text")
        if not isinstance(text, str):
            raise bad_request(f"{at}.text must be a string.", f"{at}.text")
        texts.append(text)
    return "\n".join(texts)


def _prompt(value: Any) -> str:
    if value is _MISSING or value is None:
        raise bad_request("prompt is required: a string.", "prompt")
    if isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        raise bad_request("Only one prompt per request is supported.", "prompt")
    if isinstance(value, list):
        raise bad_request("prompt must be a string (token arrays are not supported).", "prompt")
    raise bad_request("prompt must be a string.", "prompt")


def _refuse_unsupported(f: _Fields) -> None:
    n = _int(f, "n", 1, None)
    if n is not None and n != 1:
        raise bad_request("Only n=1 is supported (one answer per request).", "n")
    for name in ("tools", "functions"):
        if f.get(name):
            raise bad_request("Tool and function calling are not supported by this server.", name)
    if f.get("tool_choice") not in (None, "none", "auto"):
        raise bad_request("Tool calling is not supported by this server.", "tool_choice")
    fmt = f.get("response_format")
    if fmt is not None and not (isinstance(fmt, dict) and fmt.get("type") == "text"):
        raise bad_request('Only response_format {"type": "text"} is supported.', "response_format")
    if f.get("logit_bias"):
        raise bad_request("logit_bias is not supported by this server.", "logit_bias")
    if f.get("audio") is not None:
        raise bad_request("Audio output is not supported by this server.", "audio")
    for name in ("grammar", "json_schema", "guided_choice", "guided_json", "guided_regex"):
        if f.get(name) is not None:  # llama.cpp's and vLLM's constrained output
            raise bad_request(f"{name} (constrained output) is not supported by this server.", name)


def _stream(f: _Fields) -> tuple[bool, bool]:
    stream = _bool(f, "stream") or False
    options = f.get("stream_options")
    if options is None:
        return stream, False
    if not isinstance(options, dict):
        raise bad_request("stream_options must be an object.", "stream_options")
    usage = options.get("include_usage", False)
    if not isinstance(usage, bool):
        raise bad_request(
            "stream_options.include_usage must be true or false.", "stream_options.include_usage"
        )
    return stream, stream and usage


def _sampling(
    f: _Fields, defaults: SamplingParams, max_tokens: int, top_logprobs: int | None
) -> SamplingParams:
    changes: dict[str, Any] = {"max_tokens": max_tokens, "logprobs": top_logprobs, "stop": _stop(f)}
    ranges: dict[str, tuple[float, float]] = {
        "temperature": (0, 2),
        "top_p": (0, 1),
        "min_p": (0, 1),
        "frequency_penalty": (-2, 2),
        "presence_penalty": (-2, 2),
        "repeat_penalty": (0, 10),  # llama.cpp's, an extension
    }
    for name, (lo, hi) in ranges.items():
        value = _number(f, name, lo, hi)
        if value is not None:
            changes[name] = value
    if changes.get("top_p") == 0:
        raise bad_request(
            "top_p must be greater than 0 (use temperature 0 for greedy sampling).", "top_p"
        )
    if changes.get("repeat_penalty") == 0:
        raise bad_request(
            "repeat_penalty must be greater than 0 (1 turns it off).", "repeat_penalty"
        )
    top_k = _int(f, "top_k", 0, None)  # an extension, as in llama.cpp's server
    if top_k is not None:
        changes["top_k"] = top_k
    seed = _int(f, "seed", -1, 2**32 - 1)
    changes["seed"] = None if seed in (None, -1) else seed  # -1: a fresh seed, as in llama.cpp
    sampling = replace(defaults, **changes)
    try:
        sampling.validate()
    except ValueError as exc:  # a range the checks above do not know
        raise bad_request(str(exc)) from None
    return sampling


def _stop(f: _Fields) -> tuple[str, ...]:
    value = f.get("stop")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise bad_request("stop must be a string or a list of strings.", "stop")
    if len(value) > MAX_STOP:
        raise bad_request(f"At most {MAX_STOP} stop strings are supported.", "stop")
    return tuple(s for s in value if s)


def _bool(f: _Fields, name: str) -> bool | None:
    value = f.get(name)
    if value is not None and not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false.", name)
    return value


def _int(f: _Fields, name: str, lo: int, hi: int | None) -> int | None:
    value = f.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"{name} must be an integer.", name)
    if value < lo or (hi is not None and value > hi):
        upper = f" and at most {hi}" if hi is not None else ""
        raise bad_request(f"{name} must be at least {lo}{upper}; got {value}.", name)
    return value


def _number(f: _Fields, name: str, lo: float, hi: float) -> float | None:
    value = f.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request(f"{name} must be a number.", name)
    if not lo <= value <= hi:
        raise bad_request(f"{name} must be between {lo} and {hi}; got {value}.", name)
    return float(value)


# ---- responses --------------------------------------------------------------------------------


def usage(stats: Stats | None) -> dict[str, int]:
    prompt = stats.prompt_tokens if stats else 0
    completion = stats.completion_tokens if stats else 0
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _text(token: bytes) -> str:
    return token.decode("utf-8", errors="replace")


def chat_logprobs(items: list[TokenLogprob]) -> dict[str, Any]:
    """OpenAI's chat shape: {"content": [{token, logprob, bytes, top_logprobs}]}."""
    return {
        "content": [
            {
                "token": _text(t.token),
                "logprob": t.logprob,
                "bytes": list(t.token),
                "top_logprobs": [
                    {"token": _text(b), "logprob": lp, "bytes": list(b)} for b, lp in t.top
                ],
            }
            for t in items
        ],
        "refusal": None,
    }


@dataclass
class Shaper:
    """Builds the JSON for one request: one id and creation time for the answer and its chunks."""

    kind: str
    model: str
    id: str = ""
    created: int = field(default_factory=lambda: int(time.time()))
    _offset: int = 0  # text_offset of the next token (completions' logprobs)

    def __post_init__(self) -> None:
        if not self.id:
            prefix = "chatcmpl-" if self.kind == "chat" else "cmpl-"
            self.id = prefix + secrets.token_hex(12)

    def _head(self, chunk: bool) -> dict[str, Any]:
        if self.kind == "chat":
            obj = "chat.completion.chunk" if chunk else "chat.completion"
        else:
            obj = "text_completion"
        return {"id": self.id, "object": obj, "created": self.created, "model": self.model}

    def completion_logprobs(self, items: list[TokenLogprob]) -> dict[str, Any]:
        """The legacy shape: parallel lists, top alternatives as {token: logprob} (chosen included)."""
        tokens, logprobs, tops, offsets = [], [], [], []
        for t in items:
            text = _text(t.token)
            tokens.append(text)
            logprobs.append(t.logprob)
            top: dict[str, float] = {}
            for b, lp in ((t.token, t.logprob), *t.top):
                key = _text(b)
                top[key] = max(lp, top.get(key, lp))
            tops.append(top)
            offsets.append(self._offset)
            self._offset += len(text)
        return {
            "tokens": tokens,
            "token_logprobs": logprobs,
            "top_logprobs": tops,
            "text_offset": offsets,
        }

    def answer(
        self, text: str, finish: str, stats: Stats | None, items: list[TokenLogprob] | None
    ) -> dict[str, Any]:
        """The whole answer (stream false)."""
        choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
        if self.kind == "chat":
            choice["message"] = {"role": "assistant", "content": text, "refusal": None}
            choice["logprobs"] = chat_logprobs(items) if items is not None else None
        else:
            choice["text"] = text
            choice["logprobs"] = self.completion_logprobs(items) if items is not None else None
        return {**self._head(False), "choices": [choice], "usage": usage(stats)}

    def chunk(
        self,
        text: str | None,
        items: list[TokenLogprob] | None = None,
        finish: str | None = None,
        *,
        first: bool = False,
    ) -> dict[str, Any]:
        """One stream chunk. `items` is None when logprobs were not asked."""
        choice: dict[str, Any] = {"index": 0}
        if self.kind == "chat":
            delta: dict[str, Any] = {}
            if first:
                delta["role"] = "assistant"
            if text is not None:
                delta["content"] = text
            choice["delta"] = delta
            choice["logprobs"] = chat_logprobs(items) if items is not None else None
        else:
            choice["text"] = text or ""
            choice["logprobs"] = self.completion_logprobs(items) if items is not None else None
        choice["finish_reason"] = finish
        return {**self._head(True), "choices": [choice]}

    def usage_chunk(self, stats: Stats | None) -> dict[str, Any]:
        """stream_options.include_usage: a last chunk with no choices and the counts."""
        return {**self._head(True), "choices": [], "usage": usage(stats)}


def model_object(model_id: str, created: int, n_ctx: int | None) -> dict[str, Any]:
    """A /v1/models entry; `context_length` (not OpenAI's) tells remote clients the context size."""
    entry: dict[str, Any] = {"id": model_id, "object": "model", "created": created}
    entry["owned_by"] = APP_ID
    if n_ctx:
        entry["context_length"] = n_ctx
    return entry


def parse_count(body: Any) -> tuple[str, str | None]:
    """POST /extras/tokenize/count, llama-cpp-python's shape: {"input": text, "model"?}."""
    f = _object(body)
    text = f.get("input")
    if not isinstance(text, str):
        raise bad_request("input is required: the text to count tokens of.", "input")
    return text, _model(f)


def error_body(error: ApiError) -> dict[str, Any]:
    return error.body()
