"""Conversations and their messages in one SQLite file (`AppPaths.conversations_db`).

Choices, each for the user's data:

* WAL journal with `synchronous=NORMAL`, and every write commits at once. A crash or kill of the
  app loses nothing committed; the caller appends an assistant message only once the answer is
  complete, so at most the answer in progress is lost. (A power cut may roll back the last few
  commits, never corrupt the file.)
* The schema is versioned and moved forward by migrations; a file from a newer release is
  refused and left untouched (`conversation_db`, which also owns the connection).
* Search matches substrings in any script, Chinese as well as English: FTS5 with trigrams where
  SQLite has it, LIKE otherwise (`conversation_search`).
* Export to Markdown and JSON, import of the JSON (`conversation_export`).
* Attached documents are kept as their text, beside the messages (`conversation_attachments`).
* Delete is soft (`deleted_at`), so the UI can offer undo; `purge_deleted` removes for good.
"""

from __future__ import annotations

import builtins
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desktop_app.core.storage.conversation_attachments import (
    ATTACHMENT_COLUMNS,
    AttachmentStore,
    insert_export,
)
from desktop_app.core.storage.conversation_db import (
    SCHEMA_VERSION,
    ConversationDb,
    ConversationStoreError,
    fts_available,
)
from desktop_app.core.storage.conversation_export import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    export_json,
    export_markdown,
)
from desktop_app.core.storage.conversation_records import (
    DEFAULT_TITLE,
    Attachment,
    Conversation,
    ConversationSummary,
    Message,
    SearchHit,
    check_policy,
    check_role,
    conversation_from_rows,
    load_json,
    sampling_json,
    sources_json,
    stats_json,
    summary_from_row,
    title_from,
)
from desktop_app.core.storage.conversation_search import SNIPPET_CHARS, search

__all__ = [
    "DEFAULT_TITLE",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "PURGE_AFTER_S",
    "SCHEMA_VERSION",
    "SNIPPET_CHARS",
    "Attachment",
    "Conversation",
    "ConversationStore",
    "ConversationStoreError",
    "ConversationSummary",
    "Message",
    "SearchHit",
    "fts_available",
    "title_from",
]

PURGE_AFTER_S = 30 * 24 * 3600.0


class ConversationStore:
    """All conversation storage. Thread-safe: one connection, every use under one lock.

    `fts=None` detects FTS5/trigram; `fts=False` forces the LIKE search (for tests, and for
    SQLite builds without it).
    """

    def __init__(self, path: str | os.PathLike[str], *, fts: bool | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = ConversationDb(self.path, fts)
        self._conn = self._db.conn  # the open connection (tests read the file through it)
        self.attachments = AttachmentStore(self._db)

    @property
    def uses_fts(self) -> bool:
        return self._db.fts

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------- conversations

    def create(
        self,
        title: str = DEFAULT_TITLE,
        system_prompt: str = "",
        sampling: Mapping[str, Any] | None = None,
        preset: str | None = None,
        context_policy: str = "drop_oldest",
        model: str | None = None,
        auto_title: bool | None = None,
    ) -> Conversation:
        """A new conversation. `auto_title`: its title is a placeholder that the first user
        message replaces (and an edit of that message then renames it); by default only
        DEFAULT_TITLE is (a view passes True with its own language's placeholder)."""
        check_policy(context_policy)
        auto = title == DEFAULT_TITLE if auto_title is None else auto_title
        now = time.time()
        with self._db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, created_at, updated_at, system_prompt,"
                " sampling_json, preset, context_policy, model, title_auto)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    now,
                    now,
                    system_prompt,
                    sampling_json(sampling),
                    preset,
                    context_policy,
                    model,
                    int(auto),
                ),
            )
            conv_id = cursor.lastrowid
        assert conv_id is not None
        return self.get(conv_id)

    def list(self, include_deleted: bool = False) -> builtins.list[ConversationSummary]:
        """Newest activity first (ties: newest created first)."""
        with self._db.read() as conn:
            rows = conn.execute(
                """
                SELECT c.id, c.title, c.updated_at, c.deleted_at,
                    (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id),
                    (SELECT substr(m.content, 1, 400) FROM messages m
                        WHERE m.conversation_id = c.id AND m.role != 'system'
                        ORDER BY m.position DESC LIMIT 1)
                FROM conversations c
                WHERE ? OR c.deleted_at IS NULL
                ORDER BY c.updated_at DESC, c.id DESC
                """,
                (1 if include_deleted else 0,),
            ).fetchall()
        return [summary_from_row(row) for row in rows]

    def get(self, conv_id: int) -> Conversation:
        """The conversation with all its messages (also when soft-deleted); KeyError if absent."""
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT id, title, created_at, updated_at, system_prompt, sampling_json, preset,"
                " context_policy, model, deleted_at FROM conversations WHERE id = ?",
                (conv_id,),
            ).fetchone()
            if row is None:
                raise KeyError(conv_id)
            message_rows = conn.execute(
                "SELECT id, position, role, content, created_at, finish_reason, stats_json,"
                " sources_json FROM messages WHERE conversation_id = ? ORDER BY position",
                (conv_id,),
            ).fetchall()
            attachment_rows = conn.execute(
                f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE conversation_id = ?"
                " ORDER BY id",
                (conv_id,),
            ).fetchall()
        return conversation_from_rows(row, message_rows, attachment_rows)

    def rename(self, conv_id: int, title: str) -> None:
        """Rename without touching updated_at: a rename is not activity, so the order stays.
        A chosen title is kept: the first message no longer names the conversation."""
        with self._db.write() as conn:
            _require(conn, conv_id)
            conn.execute(
                "UPDATE conversations SET title = ?, title_auto = 0 WHERE id = ?", (title, conv_id)
            )

    def update_settings(
        self,
        conv_id: int,
        *,
        system_prompt: str | None = None,
        sampling: Mapping[str, Any] | None = None,
        preset: str | None = None,
        context_policy: str | None = None,
        model: str | None = None,
    ) -> None:
        """Change the given settings; None leaves a setting as it is (`sampling={}` resets it)."""
        changes: dict[str, Any] = {}
        if system_prompt is not None:
            changes["system_prompt"] = system_prompt
        if sampling is not None:
            changes["sampling_json"] = sampling_json(sampling)
        if preset is not None:
            changes["preset"] = preset
        if context_policy is not None:
            check_policy(context_policy)
            changes["context_policy"] = context_policy
        if model is not None:
            changes["model"] = model
        with self._db.write() as conn:
            _require(conn, conv_id)
            if changes:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                conn.execute(
                    f"UPDATE conversations SET {assignments} WHERE id = ?",
                    (*changes.values(), conv_id),
                )

    def delete(self, conv_id: int) -> None:
        """Soft delete: hidden from list and search until `restore` or `purge_deleted`."""
        with self._db.write() as conn:
            _require(conn, conv_id)
            conn.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (time.time(), conv_id),
            )

    def restore(self, conv_id: int) -> None:
        with self._db.write() as conn:
            _require(conn, conv_id)
            conn.execute("UPDATE conversations SET deleted_at = NULL WHERE id = ?", (conv_id,))

    def purge_deleted(self, older_than_s: float = PURGE_AFTER_S) -> int:
        """Remove for good what was soft-deleted at least `older_than_s` ago; returns how many."""
        cutoff = time.time() - older_than_s
        with self._db.write() as conn:
            cursor = conn.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (cutoff,),
            )
            return cursor.rowcount

    # ---------------------------------------------------------------- messages

    def append_message(
        self,
        conv_id: int,
        role: str,
        content: str,
        *,
        finish_reason: str | None = None,
        stats: Mapping[str, Any] | None = None,
        sources: builtins.list[dict[str, Any]] | None = None,
    ) -> Message:
        """Add a message at the end, committed on return.

        The first user message names a conversation whose title is automatic (not chosen), so
        the sidebar shows something a person recognises without asking them for a title.
        """
        check_role(role)
        now = time.time()
        stats_text = stats_json(stats)
        sources_text = sources_json(sources)
        with self._db.write() as conn:
            title = _require(conn, conv_id)
            first_user = role == "user" and _first_user_position(conn, conv_id) is None
            position = conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM messages WHERE conversation_id = ?",
                (conv_id,),
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, position, role, content, created_at,"
                " finish_reason, stats_json, sources_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (conv_id, position, role, content, now, finish_reason, stats_text, sources_text),
            )
            new_title = title
            if first_user and _auto_title(conn, conv_id):
                new_title = title_from(content) or title
            conn.execute(
                "UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?",
                (now, new_title, conv_id),
            )
            message_id = cursor.lastrowid
        assert message_id is not None
        return Message(
            id=message_id,
            position=position,
            role=role,
            content=content,
            created_at=now,
            finish_reason=finish_reason,
            stats=load_json(stats_text),
            sources=[dict(x) for x in sources] if sources else None,
        )

    def truncate_from(self, conv_id: int, position: int) -> int:
        """Delete messages at `position` and after (Regenerate); returns how many went."""
        with self._db.write() as conn:
            _require(conn, conv_id)
            cursor = conn.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND position >= ?",
                (conv_id, position),
            )
            if cursor.rowcount:
                _touch(conn, conv_id)
            return cursor.rowcount

    def edit_message(self, conv_id: int, position: int, content: str) -> None:
        """Replace a user message and drop everything after it, in one transaction.

        One transaction, so a crash never leaves the edited question with the old answer.
        An automatic title follows an edit of the first user message (a chosen one stays).
        """
        with self._db.write() as conn:
            _require(conn, conv_id)
            retitle = _first_user_position(conn, conv_id) == position and _auto_title(conn, conv_id)
            row = conn.execute(
                "SELECT role FROM messages WHERE conversation_id = ? AND position = ?",
                (conv_id, position),
            ).fetchone()
            if row is None:
                raise KeyError(f"conversation {conv_id} has no message at position {position}")
            if row[0] != "user":
                raise ValueError(f"only user messages can be edited, not a {row[0]} message")
            conn.execute(
                "UPDATE messages SET content = ? WHERE conversation_id = ? AND position = ?",
                (content, conv_id, position),
            )
            conn.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND position > ?",
                (conv_id, position),
            )
            _touch(conn, conv_id)
            if retitle and title_from(content):
                conn.execute(
                    "UPDATE conversations SET title = ? WHERE id = ?",
                    (title_from(content), conv_id),
                )

    # ------------------------------------------------------------------ search

    def search(self, query: str, limit: int = 50) -> builtins.list[SearchHit]:
        """Messages and titles containing every word of `query` (substring, any script).

        The query is data, never FTS syntax: quotes, `*`, `-`, `OR` and brackets match literally.
        Title hits come first, then messages (best FTS rank, or newest without FTS).
        """
        with self._db.read() as conn:
            return search(conn, query, limit, fts=self._db.fts)

    # --------------------------------------------------------- export / import

    def export_markdown(self, conv_id: int) -> str:
        """Readable export: title heading, system prompt, one heading per turn, content verbatim."""
        texts = {a.id: text for a, text in self.attachments.of(conv_id)}
        return export_markdown(self.get(conv_id), texts)

    def export_json(self, conv_id: int) -> dict[str, Any]:
        """Everything needed to rebuild the conversation, tagged with a format and version."""
        return export_json(self.get(conv_id), self.attachments.of(conv_id))

    def import_json(self, data: Mapping[str, Any]) -> Conversation:
        """Add an exported conversation as a new one (new ids, not deleted), all or nothing."""
        with self._db.write() as conn:
            conv_id = insert_export(conn, data)
        return self.get(conv_id)


def _require(conn: sqlite3.Connection, conv_id: int) -> str:
    """The conversation's title; KeyError when there is no such conversation."""
    row = conn.execute("SELECT title FROM conversations WHERE id = ?", (conv_id,)).fetchone()
    if row is None:
        raise KeyError(conv_id)
    return str(row[0])


def _auto_title(conn: sqlite3.Connection, conv_id: int) -> bool:
    """Whether the title is automatic: made from the first user message, not chosen."""
    row = conn.execute("SELECT title_auto FROM conversations WHERE id = ?", (conv_id,)).fetchone()
    return bool(row and row[0])


def _first_user_position(conn: sqlite3.Connection, conv_id: int) -> int | None:
    row = conn.execute(
        "SELECT MIN(position) FROM messages WHERE conversation_id = ? AND role = 'user'",
        (conv_id,),
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _touch(conn: sqlite3.Connection, conv_id: int) -> None:
    conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (time.time(), conv_id))
