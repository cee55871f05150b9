"""What a remote server says about itself: its context size and its token counts.

Servers name these differently (llama-server, vLLM, llama-cpp-python, this app's own); each
function reads the ways known, and `estimate_tokens` stands in where a server cannot count.
"""

from __future__ import annotations

import math
from typing import Any

from desktop_app.core.remote.http import Call, Endpoint, RemoteError


def context_from_entry(entry: dict[str, Any]) -> int | None:
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


def context_from_props(root: Endpoint) -> int | None:
    """llama-server's /props: the context size it was started with."""
    try:
        props = Call(root).json("GET", "/props")
    except RemoteError:
        return None
    settings = props.get("default_generation_settings", {}) if isinstance(props, dict) else {}
    value = settings.get("n_ctx") or (props.get("n_ctx") if isinstance(props, dict) else None)
    return int(value) if isinstance(value, int) and value > 0 else None


def tokenize_count(root: Endpoint, kind: str, text: str, model: str = "") -> int:
    """The server's own token count: `kind` "llama-cpp-python" or "llama-server"."""
    if kind == "llama-cpp-python":
        body: dict[str, Any] = {"input": text}
        if model:
            body["model"] = model
        answer = Call(root).json("POST", "/extras/tokenize/count", body)
        count = answer.get("count") if isinstance(answer, dict) else None
    else:
        answer = Call(root).json("POST", "/tokenize", {"content": text})
        tokens = answer.get("tokens") if isinstance(answer, dict) else None
        count = len(tokens) if isinstance(tokens, list) else None
    if not isinstance(count, int):
        raise RemoteError("no token count in the answer")
    return count
