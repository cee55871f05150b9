"""A conversation out of the store and back: Markdown to read, JSON to move between machines.

The JSON export is tagged with a format name and version; an import checks everything before
the store writes anything, so a bad file adds nothing. Attachments travel with their text (an
older reader ignores the key), and the Markdown names them and quotes what each answer cited.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from typing import Any

from desktop_app.core.storage.conversation_records import (
    DEFAULT_TITLE,
    Attachment,
    Conversation,
    check_policy,
    check_role,
    number,
    optional_str,
    sampling_json,
    shorten,
    sources_json,
    stats_json,
)

__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "export_json", "export_markdown", "import_rows"]

EXPORT_FORMAT = "hearth.conversation"
EXPORT_VERSION = 1


QUOTE_CHARS = 160  # of a cited span, in the Markdown export


def export_markdown(conv: Conversation, texts: Mapping[int, str] | None = None) -> str:
    """Readable export: title heading, system prompt, the attachments' names, one heading per
    turn with its content verbatim, and under an answer the sources it cited (quoted from
    `texts`, the attachments' text by id, where given)."""
    title = " ".join(conv.title.split()) or DEFAULT_TITLE
    parts = [f"# {title}"]
    if conv.model:
        parts.append(f"Model: {conv.model}")
    if conv.system_prompt:
        parts.append(f"## System prompt\n\n{conv.system_prompt}")
    if conv.attachments:
        listed = "\n".join(f"- {a.name} ({a.chars:,} characters)" for a in conv.attachments)
        parts.append(f"## Attachments\n\n{listed}")
    for message in conv.messages:
        parts.append(f"## {message.role.capitalize()}\n\n{message.content}")
        if message.sources:
            parts.append(
                "Sources:\n\n" + "\n".join(_source_line(s, texts) for s in message.sources)
            )
    return "\n\n".join(parts) + "\n"


def _source_line(source: Mapping[str, Any], texts: Mapping[int, str] | None) -> str:
    start, end = int(source.get("start", 0)), int(source.get("end", 0))
    line = f"- [{source.get('n', '?')}] {source.get('name', '')}, characters {start}–{end}"
    text = (texts or {}).get(int(source.get("attachment_id", -1)))
    if text is not None:
        line += f": “{shorten(text[start:end], QUOTE_CHARS)}”"
    return line


def export_json(
    conv: Conversation, attachments: Sequence[tuple[Attachment, str]] = ()
) -> dict[str, Any]:
    """Everything needed to rebuild the conversation, tagged with a format and version;
    `attachments` with their text (the store passes them)."""
    data = dataclasses.asdict(conv)
    data["messages"] = [dataclasses.asdict(m) for m in conv.messages]
    data["attachments"] = [{**dataclasses.asdict(a), "text": text} for a, text in attachments]
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, **data}


def import_rows(
    data: Mapping[str, Any],
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[str, str, str, float]]]:
    """An export checked and turned into rows: the conversation's column values (title,
    created_at, updated_at, system_prompt, sampling_json, preset, context_policy, model), its
    messages' (position, role, content, created_at, finish_reason, stats_json, sources_json) in
    order, and its attachments' (name, kind, text, created_at). Sources name attachments by
    their place in that list (`attachment_index`), since the import gives them new ids.

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
    attachments, ids = _attachments(
        data.get("attachments") or [], number(data.get("created_at"), time.time())
    )
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
        sources = raw.get("sources")
        messages.append(
            (
                number(raw.get("position"), index),
                index,
                role,
                content,
                number(raw.get("created_at"), created_at),
                optional_str(raw.get("finish_reason")),
                stats_json(stats) if isinstance(stats, Mapping) else None,
                _sources(sources, ids) if isinstance(sources, list) else None,
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
    return conversation, [(pos, *m[2:]) for pos, m in enumerate(messages)], attachments


def _attachments(
    raw: Any, created_at: float
) -> tuple[list[tuple[str, str, str, float]], dict[int, int]]:
    """Checked attachment rows, and each exported id's place among them."""
    if not isinstance(raw, list):
        raise ValueError("attachments must be a list")
    rows: list[tuple[str, str, str, float]] = []
    ids: dict[int, int] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            raise ValueError(f"attachment {index} needs its text")
        if isinstance(item.get("id"), int):
            ids[item["id"]] = index
        name = str(item.get("name") or f"attachment {index + 1}")
        kind = str(item.get("kind") or "text")
        rows.append((name, kind, item["text"], number(item.get("created_at"), created_at)))
    return rows, ids


def _sources(raw: list[Any], ids: Mapping[int, int]) -> str | None:
    """An answer's sources with the attachment named by its place (the import maps it back)."""
    kept = []
    for s in raw:
        if isinstance(s, Mapping) and s.get("attachment_id") in ids:
            kept.append({**s, "attachment_index": ids[s["attachment_id"]]})
    return sources_json(kept)
