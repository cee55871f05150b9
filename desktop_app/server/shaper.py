"""OpenAI's response shapes: completion objects, stream chunks, usage, logprobs, tool calls.

Apart from the request checks (openai_schema.py), which it does not need: one job per module.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from desktop_app import APP_ID
from desktop_app.core.engine.events import Stats, TokenLogprob


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
        self,
        text: str | None,
        finish: str,
        stats: Stats | None,
        items: list[TokenLogprob] | None,
        *,
        calls: list[dict[str, Any]] | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """The whole answer (stream false). `calls`: message.tool_calls; `note`: what in the
        answer misses its schema (`schema_error`, not OpenAI's: it has no such case)."""
        choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
        if note:
            choice["schema_error"] = note
        if self.kind == "chat":
            choice["message"] = {"role": "assistant", "content": text, "refusal": None}
            if calls:
                choice["message"]["tool_calls"] = calls
            choice["logprobs"] = chat_logprobs(items) if items is not None else None
        else:
            choice["text"] = text or ""
            choice["logprobs"] = self.completion_logprobs(items) if items is not None else None
        return {**self._head(False), "choices": [choice], "usage": usage(stats)}

    def chunk(
        self,
        text: str | None,
        items: list[TokenLogprob] | None = None,
        finish: str | None = None,
        *,
        first: bool = False,
        tool_calls: list[dict[str, Any]] | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        """One stream chunk. `items` is None when logprobs were not asked."""
        choice: dict[str, Any] = {"index": 0}
        if note:
            choice["schema_error"] = note
        if self.kind == "chat":
            delta: dict[str, Any] = {}
            if first:
                delta["role"] = "assistant"
            if text is not None:
                delta["content"] = text
            if tool_calls:
                delta["tool_calls"] = tool_calls
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
