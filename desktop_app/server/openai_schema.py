"""OpenAI's request shapes.

Requests are validated field by field into the engine's ChatRequest: a wrong type or an
out-of-range value is a 400 that names the field (`param`) and says what is allowed. Fields this
server cannot honour (n > 1, logit_bias, echo) are refused, not ignored, since silently ignoring
them would return answers the client did not ask for. Fields that change nothing here (user,
metadata, store…) are ignored. Absent sampling fields take the app's sampling settings, as
llama.cpp's server uses its own defaults. Structured output and tools: structured.py.

Responses are built by `Shaper` (shaper.py, re-exported here): completion objects, stream chunks,
usage and logprobs; tool calls in answers: tool_calls.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from desktop_app.core.engine.params import ChatRequest, Message, SamplingParams
from desktop_app.server.errors import ApiError, bad_request
from desktop_app.server.shaper import Shaper, chat_logprobs, model_object, usage
from desktop_app.server.structured import Structured, assistant_calls, parse_structured, tool_result

__all__ = ["Job", "Shaper", "chat_logprobs", "model_object", "parse_chat", "parse_completion",
           "parse_count", "usage"]  # fmt: skip

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
    structured: Structured = field(default_factory=lambda: Structured(None))  # structured.py


# ---- requests ---------------------------------------------------------------------------------


def parse_chat(body: Any, defaults: SamplingParams, n_ctx: int) -> Job:
    """POST /v1/chat/completions. `n_ctx` is the default answer length (as OpenAI: until the end)."""
    f = _object(body)
    messages = _messages(f.get("messages", _MISSING))
    _refuse_unsupported(f)
    structured = parse_structured(f.data)
    logprobs = _bool(f, "logprobs") or False
    top = _int(f, "top_logprobs", 0, MAX_TOP_LOGPROBS)
    if top is not None and not logprobs:
        raise bad_request("top_logprobs needs logprobs set to true.", "top_logprobs")
    max_tokens = _int(f, "max_completion_tokens", 1, None)
    if max_tokens is None:
        max_tokens = _int(f, "max_tokens", 1, None)
    sampling = _sampling(f, defaults, max_tokens or n_ctx, (top or 0) if logprobs else None)
    stream, include_usage = _stream(f)
    request = ChatRequest(messages, sampling, output=structured.output)
    return Job("chat", request, _model(f), stream, include_usage, logprobs, structured)


def parse_completion(body: Any, defaults: SamplingParams) -> Job:
    """POST /v1/completions: a plain prompt continued as it is (no chat template)."""
    f = _object(body)
    prompt = _prompt(f.get("prompt", _MISSING))
    _refuse_unsupported(f)
    if f.get("tools") is not None:
        raise bad_request("tools need /v1/chat/completions.", "tools")
    structured = parse_structured(f.data)  # response_format: JSON or a schema
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
    request = ChatRequest((), sampling, prompt, structured.output)
    job = Job("completion", request, _model(f), stream, include_usage, top is not None, structured)
    return job


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
        if role == "tool":  # a call's result (structured.py)
            content = _content(message.get("content", _MISSING), f"{where}.content", role)
            out.append(tool_result(message, where, content))
            continue
        if role not in ROLES:
            raise bad_request(
                f"{where}.role must be system, user, assistant or tool, not {role!r}.",
                f"{where}.role",
            )
        content = _content(message.get("content", _MISSING), f"{where}.content", role)
        entry: Message = {"role": ROLES[role], "content": content}
        calls = assistant_calls(message, where) if role == "assistant" else None
        if calls is not None:
            entry["tool_calls"] = calls
        out.append(entry)
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
    if f.get("functions") or f.get("function_call") is not None:  # replaced by tools in 2023
        raise bad_request("functions (the old form) is not supported; send tools.", "functions")
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


def parse_count(body: Any) -> tuple[str, str | None]:
    """POST /extras/tokenize/count, llama-cpp-python's shape: {"input": text, "model"?}."""
    f = _object(body)
    text = f.get("input")
    if not isinstance(text, str):
        raise bad_request("input is required: the text to count tokens of.", "input")
    return text, _model(f)


def error_body(error: ApiError) -> dict[str, Any]:
    return error.body()
