"""What the conversations database holds, as plain records, and the checks and JSON encodings
its columns use. Shared by the store, its search and its export/import without a cycle."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CONTEXT_POLICIES",
    "DEFAULT_TITLE",
    "PREVIEW_CHARS",
    "ROLES",
    "TITLE_CHARS",
    "Attachment",
    "Conversation",
    "ConversationSummary",
    "Message",
    "SearchHit",
    "check_policy",
    "check_role",
    "conversation_from_rows",
    "load_json",
    "load_sources",
    "message_from_row",
    "number",
    "optional_str",
    "sampling_json",
    "shorten",
    "sources_json",
    "stats_json",
    "summary_from_row",
    "title_from",
]

DEFAULT_TITLE = "New chat"
ROLES = ("system", "user", "assistant")
CONTEXT_POLICIES = ("stop", "drop_oldest")
TITLE_CHARS = 40
PREVIEW_CHARS = 80


@dataclass(frozen=True)
class Message:
    id: int
    position: int
    role: str
    content: str
    created_at: float
    finish_reason: str | None = None
    stats: dict[str, Any] | None = None
    # an answer's citations: {"n", "attachment_id", "name", "start", "end", "cited"} records
    sources: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Attachment:
    """A document attached to a conversation, without its text (`chars` long; the store's
    `attachments.text(id)` reads it), so opening a conversation stays cheap."""

    id: int
    name: str
    kind: str
    chars: int
    created_at: float


@dataclass(frozen=True)
class Conversation:
    """One conversation with its messages in order. `sampling` holds SamplingParams fields;
    an empty dict means "the app's defaults". The store keeps plain records (dicts) of the
    sampling and of a message's figures, never the engine's types: storage is below the engine,
    and the chat controller converts from/to SamplingParams and Stats."""

    id: int
    title: str
    created_at: float
    updated_at: float
    system_prompt: str
    sampling: dict[str, Any]
    preset: str | None
    context_policy: str
    model: str | None
    messages: list[Message] = field(default_factory=list)
    deleted_at: float | None = None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class ConversationSummary:
    """What the sidebar needs, without loading every message."""

    id: int
    title: str
    updated_at: float
    n_messages: int
    preview: str
    deleted_at: float | None = None


@dataclass(frozen=True)
class SearchHit:
    """A match in a message (`message_id` set) or in a conversation's title (`message_id` None)."""

    conversation_id: int
    title: str
    message_id: int | None
    snippet: str
    position: int | None = None


def title_from(text: str) -> str:
    """A title from a message: its first non-empty line, cut near 40 characters at a word."""
    line = next((" ".join(x.split()) for x in text.splitlines() if x.strip()), "")
    if len(line) <= TITLE_CHARS:
        return line
    cut = line[:TITLE_CHARS]
    space = cut.rfind(" ")
    if space >= TITLE_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def check_policy(policy: str) -> None:
    if policy not in CONTEXT_POLICIES:
        raise ValueError(f"context policy must be one of {', '.join(CONTEXT_POLICIES)}")


def sampling_json(sampling: Mapping[str, Any] | None) -> str:
    """A conversation's sampling record (SamplingParams fields, by name) as its column's JSON."""
    if sampling is None:
        return "{}"
    return _dump(dict(sampling), "sampling")


def stats_json(stats: Mapping[str, Any] | None) -> str | None:
    """A message's figures (Stats fields, by name) as its column's JSON."""
    if stats is None:
        return None
    return _dump(dict(stats), "stats")


def sources_json(sources: Sequence[Mapping[str, Any]] | None) -> str | None:
    """An answer's citations as their column's JSON (None: the answer cited nothing)."""
    if not sources:
        return None
    try:
        return json.dumps([dict(s) for s in sources], ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"sources must be storable as JSON: {exc}") from exc


def load_sources(text: str | None) -> list[dict[str, Any]] | None:
    """Stored citations; None for NULL or a damaged value (never fail a whole load)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    return [v for v in value if isinstance(v, dict)] or None


def _dump(data: dict[str, Any], what: str) -> str:
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be storable as JSON: {exc}") from exc


def load_json(text: str | None) -> dict[str, Any] | None:
    """A stored JSON object; None for NULL or for a damaged value (never fail a whole load)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def message_from_row(row: Sequence[Any]) -> Message:
    return Message(
        id=row[0],
        position=row[1],
        role=row[2],
        content=row[3],
        created_at=row[4],
        finish_reason=row[5],
        stats=load_json(row[6]),
        sources=load_sources(row[7]) if len(row) > 7 else None,
    )


def conversation_from_rows(
    row: Sequence[Any],
    message_rows: Sequence[Sequence[Any]],
    attachment_rows: Sequence[Sequence[Any]] = (),
) -> Conversation:
    """A `conversations` row (id, title, created_at, updated_at, system_prompt, sampling_json,
    preset, context_policy, model, deleted_at) with its message rows in order, and its
    attachments' (id, name, kind, chars, created_at)."""
    return Conversation(
        id=row[0],
        title=row[1],
        created_at=row[2],
        updated_at=row[3],
        system_prompt=row[4],
        sampling=load_json(row[5]) or {},
        preset=row[6],
        context_policy=row[7],
        model=row[8],
        deleted_at=row[9],
        messages=[message_from_row(r) for r in message_rows],
        attachments=[Attachment(*r) for r in attachment_rows],
    )


def summary_from_row(row: Sequence[Any]) -> ConversationSummary:
    """A sidebar row: (id, title, updated_at, deleted_at, message count, last text)."""
    return ConversationSummary(
        id=row[0],
        title=row[1],
        updated_at=row[2],
        deleted_at=row[3],
        n_messages=row[4],
        preview=shorten(row[5] or "", PREVIEW_CHARS),
    )


def number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return value


def optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
