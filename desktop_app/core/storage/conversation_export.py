"""A conversation out of the store and back: Markdown to read, JSON to move between machines.

The JSON export is tagged with a format name and version; an import checks everything before
the store writes anything, so a bad file adds nothing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

from desktop_app.core.storage.conversation_records import (
    DEFAULT_TITLE,
    Conversation,
    check_policy,
    check_role,
    number,
    optional_str,
    sampling_json,
    stats_json,
)

__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "export_json", "export_markdown", "import_rows"]

EXPORT_FORMAT = "hearth.conversation"
EXPORT_VERSION = 1


def export_markdown(conv: Conversation) -> str:
    """Readable export: title heading, system prompt, one heading per turn, content verbatim."""
    title = " ".join(conv.title.split()) or DEFAULT_TITLE
    parts = [f"# {title}"]
    if conv.model:
        parts.append(f"Model: {conv.model}")
    if conv.system_prompt:
        parts.append(f"## System prompt\n\n{conv.system_prompt}")
    for message in conv.messages:
        parts.append(f"## {message.role.capitalize()}\n\n{message.content}")
    return "\n\n".join(parts) + "\n"


def export_json(conv: Conversation) -> dict[str, Any]:
    """Everything needed to rebuild the conversation, tagged with a format and version."""
    data = dataclasses.asdict(conv)
    data["messages"] = [dataclasses.asdict(m) for m in conv.messages]
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, **data}


def import_rows(data: Mapping[str, Any]) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """An export checked and turned into rows: the conversation's column values (title,
    created_at, updated_at, system_prompt, sampling_json, preset, context_policy, model) and its
    messages' (position, role, content, created_at, finish_reason, stats_json) in order.

    Raises ValueError for anything that is not a readable export of this or an older version.
    """
    if data.get("format") != EXPORT_FORMAT:
        raise ValueError(f"not a {EXPORT_FORMAT} export")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"invalid export version {version!r}")
    if version > EXPORT_VERSION:
        raise ValueError(f"this export is version {version}; this app reads up to {EXPORT_VERSION}")
    policy = str(data.get("context_policy") or "drop_oldest")
    check_policy(policy)
    raw_messages = data.get("messages") or []
    if not isinstance(raw_messages, list):
        raise ValueError("messages must be a list")
    now = time.time()
    created_at = number(data.get("created_at"), now)
    messages = []
    for index, raw in enumerate(raw_messages):
        if not isinstance(raw, Mapping):
            raise ValueError(f"message {index} is not an object")
        role = raw.get("role")
        content = raw.get("content")
        if not isinstance(role, str) or not isinstance(content, str):
            raise ValueError(f"message {index} needs a role and text content")
        check_role(role)
        stats = raw.get("stats")
        messages.append(
            (
                number(raw.get("position"), index),
                index,
                role,
                content,
                number(raw.get("created_at"), created_at),
                optional_str(raw.get("finish_reason")),
                stats_json(stats) if isinstance(stats, Mapping) else None,
            )
        )
    messages.sort(key=lambda m: (m[0], m[1]))
    conversation = (
        str(data.get("title") or DEFAULT_TITLE),
        created_at,
        number(data.get("updated_at"), created_at),
        str(data.get("system_prompt") or ""),
        sampling_json(data.get("sampling") or {}),
        optional_str(data.get("preset")),
        policy,
        optional_str(data.get("model")),
    )
    return conversation, [(pos, *m[2:]) for pos, m in enumerate(messages)]
