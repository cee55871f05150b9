"""Anthropic's Messages API shapes: `POST /v1/messages` requests, answers, events and errors.

So that clients written for Anthropic's SDK (editors, agents) can use a local model: the request
is validated field by field into the engine's ChatRequest, as OpenAI's is (openai_schema.py), and
a 400 names the field. What this server cannot honour (images, documents, tools, extended
thinking) is refused, not ignored. Errors have Anthropic's shape, `{"type": "error", "error":
{"type", "message"}}`, whose `type` the SDK turns into its exception classes.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from desktop_app.core.engine.events import Stats
from desktop_app.core.engine.params import ChatRequest, Message, SamplingParams
from desktop_app.server.errors import ApiError, bad_request
from desktop_app.server.openai_schema import Job

__all__ = [
    "MESSAGES_PATH",
    "AnthropicError",
    "anthropic_error",
    "for_path",
    "message_body",
    "parse_messages",
    "stop_reason",
]

MESSAGES_PATH = "/v1/messages"
MAX_STOP_SEQUENCES = 16
_MISSING = object()
# Anthropic's error types by HTTP status (the SDK raises by status and shows the message).
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    408: "timeout_error",
    413: "request_too_large",
    415: "invalid_request_error",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
}


class AnthropicError(ApiError):
    """An ApiError said in Anthropic's shape."""

    def body(self) -> dict[str, Any]:
        kind = _ERROR_TYPES.get(self.status, "api_error" if self.status >= 500 else "")
        return {
            "type": "error",
            "error": {"type": kind or "invalid_request_error", "message": self.message},
        }


def anthropic_error(error: ApiError) -> AnthropicError:
    if isinstance(error, AnthropicError):
        return error
    return AnthropicError(
        error.status, error.message, error.type, error.param, error.code, dict(error.headers)
    )


def for_path(error: ApiError, path: str) -> ApiError:
    """The error in the shape the route's clients read: Anthropic's under /v1/messages."""
    path = path.rstrip("/")
    if path == MESSAGES_PATH or path.startswith(MESSAGES_PATH + "/"):
        return anthropic_error(error)
    return error


# ---- requests ---------------------------------------------------------------------------------


def parse_messages(body: Any, defaults: SamplingParams) -> Job:
    """POST /v1/messages: {model, max_tokens, messages, system?, stop_sequences?, temperature?,
    top_p?, top_k?, stream?}. `max_tokens` is required, as in Anthropic's API."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise bad_request("model: must be a string.", "model")
    _refuse_unsupported(body)
    max_tokens = body.get("max_tokens", _MISSING)
    if max_tokens is _MISSING or max_tokens is None:
        raise bad_request("max_tokens: field required (the longest answer, in tokens).")
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise bad_request(f"max_tokens: must be an integer of at least 1, not {max_tokens!r}.")
    messages = [*_system(body.get("system")), *_messages(body.get("messages", _MISSING))]
    stream = body.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise bad_request("stream: must be true or false.")
    sampling = _sampling(body, defaults, max_tokens)
    return Job("messages", ChatRequest(tuple(messages), sampling), model, stream)


def _refuse_unsupported(body: dict[str, Any]) -> None:
    if body.get("tools"):
        raise bad_request("tools: tool use is not supported on /v1/messages by this server.")
    if body.get("tool_choice") not in (None, {"type": "none"}, {"type": "auto"}):
        raise bad_request("tool_choice: tool use is not supported by this server.")
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") not in (None, "disabled"):
        raise bad_request("thinking: extended thinking is not supported by this server.")


def _system(value: Any) -> list[Message]:
    if value is None:
        return []
    text = _text(value, "system")
    return [{"role": "system", "content": text}] if text else []


def _messages(value: Any) -> list[Message]:
    if value is _MISSING or value is None:
        raise bad_request("messages: field required (a list of {role, content} objects).")
    if not isinstance(value, list) or not value:
        raise bad_request("messages: must be a non-empty list of {role, content} objects.")
    out: list[Message] = []
    for i, message in enumerate(value):
        where = f"messages.{i}"
        if not isinstance(message, dict):
            raise bad_request(f"{where}: must be an object with role and content.")
        role = message.get("role")
        if role not in ("user", "assistant"):
            raise bad_request(f"{where}.role: must be 'user' or 'assistant', not {role!r}.")
        content = message.get("content", _MISSING)
        if content is _MISSING or content is None:
            raise bad_request(f"{where}.content: field required.")
        out.append({"role": role, "content": _text(content, f"{where}.content")})
    return out


def _text(value: Any, where: str) -> str:
    """A string, or a list of text blocks ({"type": "text", "text": ...}) joined."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise bad_request(f"{where}: must be a string or a list of content blocks.")
    texts: list[str] = []
    for j, block in enumerate(value):
        at = f"{where}.{j}"
        if not isinstance(block, dict):
            raise bad_request(f'{at}: must be a block like {{"type": "text", "text": ...}}.')
        kind = block.get("type")
        if kind != "text":
            raise bad_request(f"{at}.type: only text blocks are supported, not {kind!r}.")
        text = block.get("text")
        if not isinstance(text, str):
            raise bad_request(f"{at}.text: must be a string.")
        texts.append(text)
    return "\n".join(texts)


def _sampling(body: dict[str, Any], defaults: SamplingParams, max_tokens: int) -> SamplingParams:
    changes: dict[str, Any] = {"max_tokens": max_tokens, "logprobs": None, "seed": None}
    for name, lo, hi in (("temperature", 0.0, 1.0), ("top_p", 0.0, 1.0)):  # Anthropic's ranges
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise bad_request(f"{name}: must be a number between {lo:g} and {hi:g}, not {value!r}.")
        changes[name] = float(value)
    if changes.get("top_p") == 0:
        raise bad_request("top_p: must be greater than 0 (use temperature 0 for greedy sampling).")
    top_k = body.get("top_k")
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 0:
            raise bad_request(f"top_k: must be an integer of at least 0, not {top_k!r}.")
        changes["top_k"] = top_k
    changes["stop"] = _stop_sequences(body.get("stop_sequences"))
    sampling = replace(defaults, **changes)
    try:
        sampling.validate()
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    return sampling


def _stop_sequences(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise bad_request("stop_sequences: must be a list of strings.")
    if len(value) > MAX_STOP_SEQUENCES:
        raise bad_request(f"stop_sequences: at most {MAX_STOP_SEQUENCES} are supported.")
    return tuple(s for s in value if s)


# ---- answers ----------------------------------------------------------------------------------


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(12)


def stop_reason(job: Job, finish: str, stop_sequence: str | None) -> tuple[str, str | None]:
    """Anthropic's stop_reason and stop_sequence for the engine's finish: a stop string of the
    client's is "stop_sequence" (the template's end-of-turn string is "end_turn")."""
    if finish == "length":
        return "max_tokens", None
    if stop_sequence is not None and stop_sequence in job.request.sampling.stop:
        return "stop_sequence", stop_sequence
    return "end_turn", None


def usage(stats: Stats | None) -> dict[str, int]:
    return {
        "input_tokens": stats.prompt_tokens if stats else 0,
        "output_tokens": stats.completion_tokens if stats else 0,
    }


def message_body(
    message_id: str,
    model: str,
    text: str | None,
    reason: tuple[str | None, str | None],
    stats: Stats | None,
) -> dict[str, Any]:
    """The whole message; `text` None (with no reason) is message_start's empty message."""
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "content": [] if text is None else [{"type": "text", "text": text}],
        "model": model,
        "stop_reason": reason[0],
        "stop_sequence": reason[1],
        "usage": usage(stats),
    }
