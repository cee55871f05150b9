"""Documents attached to conversations: their extracted text, kept in the conversations database.

The text is stored, not the path: the file may move or change, and an answer after a restart
must read what the earlier answers read. A conversation's `attachments` list carries only names
and sizes; the text is read when an answer needs it. Deleting a conversation for good removes
its attachments with it (ON DELETE CASCADE).
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Mapping, Sequence
from typing import Any

from desktop_app.core.storage.conversation_db import ConversationDb
from desktop_app.core.storage.conversation_export import import_rows
from desktop_app.core.storage.conversation_records import Attachment, load_sources, sources_json

__all__ = [
    "ATTACHMENT_COLUMNS",
    "AttachmentStore",
    "insert_attachments",
    "insert_export",
    "remap_sources",
]

# what a Conversation's `attachments` list is built from (conversation_from_rows)
ATTACHMENT_COLUMNS = "id, name, kind, length(text), created_at"


class AttachmentStore:
    """A conversation store's attachments (`ConversationStore.attachments`); same lock, same file."""

    def __init__(self, db: ConversationDb) -> None:
        self._db = db

    def add(self, conv_id: int, name: str, text: str, kind: str = "text") -> Attachment:
        """Attach `text` (a document's extracted text) under `name`; committed on return."""
        now = time.time()
        with self._db.write() as conn:
            if (
                conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conv_id,)).fetchone()
                is None
            ):
                raise KeyError(conv_id)
            cursor = conn.execute(
                "INSERT INTO attachments (conversation_id, name, kind, text, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (conv_id, name, kind, text, now),
            )
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conv_id))
            attachment_id = cursor.lastrowid
        assert attachment_id is not None
        return Attachment(attachment_id, name, kind, len(text), now)

    def text(self, attachment_id: int) -> str:
        """The attachment's text; KeyError if there is no such attachment."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT text FROM attachments WHERE id = ?", (attachment_id,)
            ).fetchone()
        if row is None:
            raise KeyError(attachment_id)
        return str(row[0])

    def remove(self, attachment_id: int) -> None:
        with self._db.write() as conn:
            conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))

    def of(self, conv_id: int) -> builtins.list[tuple[Attachment, str]]:
        """A conversation's attachments with their text, oldest first (for export)."""
        with self._db.read() as conn:
            rows = conn.execute(
                f"SELECT {ATTACHMENT_COLUMNS}, text FROM attachments"
                " WHERE conversation_id = ? ORDER BY id",
                (conv_id,),
            ).fetchall()
        return [(Attachment(*r[:5]), str(r[5])) for r in rows]


def insert_attachments(
    conn: Any, conv_id: int, rows: Sequence[tuple[str, str, str, float]]
) -> builtins.list[int]:
    """Add imported (name, kind, text, created_at) rows inside the caller's transaction; their
    new ids in order."""
    ids = []
    for row in rows:
        cursor = conn.execute(
            "INSERT INTO attachments (conversation_id, name, kind, text, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (conv_id, *row),
        )
        ids.append(int(cursor.lastrowid))
    return ids


def remap_sources(sources_text: str | None, new_ids: Sequence[int]) -> str | None:
    """Imported sources (naming an attachment by `attachment_index`) with the new ids."""
    sources = load_sources(sources_text)
    if not sources:
        return None
    for s in sources:
        index = s.pop("attachment_index", None)
        if isinstance(index, int) and 0 <= index < len(new_ids):
            s["attachment_id"] = new_ids[index]
    return sources_json(sources)


def insert_export(conn: Any, data: Mapping[str, Any]) -> int:
    """Add an exported conversation (checked first: a bad one adds nothing) with its messages
    and attachments inside the caller's transaction; its new id. Here because the cited
    sources must be pointed at the attachments' new ids."""
    conversation, messages, attachments = import_rows(data)
    cursor = conn.execute(
        "INSERT INTO conversations (title, created_at, updated_at, system_prompt,"
        " sampling_json, preset, context_policy, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        conversation,
    )
    conv_id = int(cursor.lastrowid)
    new_ids = insert_attachments(conn, conv_id, attachments)
    conn.executemany(
        "INSERT INTO messages (conversation_id, position, role, content, created_at,"
        " finish_reason, stats_json, sources_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(conv_id, *m[:-1], remap_sources(m[-1], new_ids)) for m in messages],
    )
    return conv_id
