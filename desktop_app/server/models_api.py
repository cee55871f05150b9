"""What `/v1/models` says about a model: OpenAI's entry plus what a client needs to plan.

OpenAI's entry is only {id, object, created, owned_by}; clients of a local server also want the
context size (to fit a prompt), whether the model is loaded (a request to one that is not waits
for a load), and what it can be asked for. `capabilities` lists the routes and features that
work for it: chat, completions and embeddings always; `json_schema` (constrained output) and
`tools` when this server accepts them, found by asking the request parser itself, so the list
never claims what a request would be refused.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app import APP_ID
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import SamplingParams
from desktop_app.server.errors import ApiError

if TYPE_CHECKING:
    from desktop_app.server.model_pool import ModelPool

__all__ = ["capabilities", "listing", "model_entry"]

_HI = [{"role": "user", "content": "Hi"}]
_PROBES: dict[str, dict[str, Any]] = {
    "json_schema": {
        "messages": _HI,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "probe", "schema": {"type": "object"}},
        },
    },
    "tools": {
        "messages": _HI,
        "tools": [{"type": "function", "function": {"name": "probe", "parameters": {}}}],
    },
}


@functools.cache
def _accepted(feature: str) -> bool:
    """Whether a chat request using `feature` passes validation (openai_schema.parse_chat)."""
    from desktop_app.server.openai_schema import parse_chat

    try:
        parse_chat(_PROBES[feature], SamplingParams(), 64)
    except ApiError:
        return False
    except Exception:  # a parser that cannot take the probe does not serve the feature
        return False
    return True


def capabilities(info: ModelInfo | None) -> list[str]:
    found = ["chat", "completions", "embeddings"]
    found += [feature for feature in _PROBES if _accepted(feature)]
    return found


def model_entry(
    model_id: str, created: int, info: ModelInfo | None, *, loaded: bool = True
) -> dict[str, Any]:
    """One /v1/models entry: OpenAI's fields, then context_length, loaded and capabilities."""
    entry: dict[str, Any] = {
        "id": model_id,
        "object": "model",
        "created": created,
        "owned_by": APP_ID,
        "loaded": loaded and info is not None,
        "capabilities": capabilities(info),
    }
    if info is not None:
        entry["context_length"] = info.n_ctx
        entry["n_ctx_train"] = info.n_ctx_train
        entry["architecture"] = info.architecture
    return entry


def listing(pool: ModelPool, only: str | None = None) -> list[dict[str, Any]]:
    """Every model a request may name (the served one first), loaded or not; `only`: that one
    (a 404 that lists the models when it is not there)."""
    names = pool.available()
    if only is not None and only not in names:
        pool.acquire_check(only)
    ids = [pool.primary_id, *sorted(k for k in names if k != pool.primary_id)]
    entries = []
    for model_id in ids if only is None else [only]:
        slot = pool.slots.get(model_id)
        info = slot.info if slot is not None and slot.ready else None
        entries.append(
            model_entry(model_id, _mtime(names[model_id]), info, loaded=info is not None)
        )
    return entries


def _mtime(path: Path) -> int:
    """OpenAI's `created`: the file's modification time."""
    try:
        return int(path.stat().st_mtime)
    except OSError:
        return 0
