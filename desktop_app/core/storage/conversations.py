"""Conversations and their messages in one SQLite file (`AppPaths.conversations_db`).

Choices, each for the user's data:

* WAL journal with `synchronous=NORMAL`, and every write commits at once. A crash or kill of the
  app loses nothing committed; the caller appends an assistant message only once the answer is
  complete, so at most the answer in progress is lost. (A power cut may roll back the last few
  commits, never corrupt the file.)
* The schema is versioned with `PRAGMA user_version` and moved forward by `MIGRATIONS`; a file
  from a newer release is refused and left untouched.
* Search uses FTS5 with the `trigram` tokenizer, which matches substrings, so Chinese (written
  without spaces) is found as well as English. Trigrams need 3 characters: shorter terms use
  LIKE. Where SQLite lacks FTS5 or trigram (older than 3.34) everything uses LIKE. The FTS tables
  are an index, not data: they are created outside the versioned schema and rebuilt whenever their
  sync triggers were missing (for example after the file was written by a build without FTS5).
* Delete is soft (`deleted_at`), so the UI can offer undo; `purge_deleted` removes for good.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core.engine.events import Stats
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.errors import AppError

EXPORT_FORMAT = "hearth.conversation"
EXPORT_VERSION = 1
DEFAULT_TITLE = "New chat"
ROLES = ("system", "user", "assistant")
CONTEXT_POLICIES = ("stop", "drop_oldest")
TITLE_CHARS = 40
PREVIEW_CHARS = 80
SNIPPET_CHARS = 80
PURGE_AFTER_S = 30 * 24 * 3600.0

# Migration N (index N-1) turns a version N-1 database into version N. Append only.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            system_prompt TEXT NOT NULL DEFAULT '',
            sampling_json TEXT NOT NULL DEFAULT '{}',
            preset TEXT,
            context_policy TEXT NOT NULL DEFAULT 'drop_oldest'
                CHECK (context_policy IN ('stop', 'drop_oldest')),
            model TEXT,
            deleted_at REAL
        )
        """,
        "CREATE INDEX conversations_by_update ON conversations (updated_at DESC)",
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL
                REFERENCES conversations (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
            content TEXT NOT NULL,
            created_at REAL NOT NULL,
            finish_reason TEXT,
            stats_json TEXT,
            UNIQUE (conversation_id, position)
        )
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_FTS_TABLES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
    "content, content='messages', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS conversations_fts USING fts5("
    "title, content='conversations', content_rowid='id', tokenize='trigram')",
)
# External-content FTS: the triggers keep the index in step with the tables. A 'delete' must
# pass the old values exactly, which AFTER triggers have in `old`.
_FTS_TRIGGERS = {
    "messages_fts_ai": """
        CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END""",
    "messages_fts_ad": """
        CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
        END""",
    "messages_fts_au": """
        CREATE TRIGGER messages_fts_au AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, content)
                VALUES ('delete', old.id, old.content);
            INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
        END""",
    "conversations_fts_ai": """
        CREATE TRIGGER conversations_fts_ai AFTER INSERT ON conversations BEGIN
            INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
        END""",
    "conversations_fts_ad": """
        CREATE TRIGGER conversations_fts_ad AFTER DELETE ON conversations BEGIN
            INSERT INTO conversations_fts (conversations_fts, rowid, title)
                VALUES ('delete', old.id, old.title);
        END""",
    "conversations_fts_au": """
        CREATE TRIGGER conversations_fts_au AFTER UPDATE OF title ON conversations BEGIN
            INSERT INTO conversations_fts (conversations_fts, rowid, title)
                VALUES ('delete', old.id, old.title);
            INSERT INTO conversations_fts (rowid, title) VALUES (new.id, new.title);
        END""",
}


class ConversationStoreError(AppError):
    """The conversations database cannot be used (newer schema, unreadable file)."""

    kind = "conversation_store"


@dataclass(frozen=True)
class Message:
    id: int
    position: int
    role: str
    content: str
    created_at: float
    finish_reason: str | None = None
    stats: dict[str, Any] | None = None


@dataclass(frozen=True)
class Conversation:
    """One conversation with its messages in order. `sampling` holds SamplingParams fields;
    an empty dict means "the app's defaults"."""

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


def fts_available() -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34+, FTS5 compiled in)."""
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return False
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


class ConversationStore:
    """All conversation storage. Thread-safe: one connection, every use under one lock.

    `fts=None` detects FTS5/trigram; `fts=False` forces the LIKE search (for tests, and for
    SQLite builds without it).
    """

    def __init__(self, path: str | os.PathLike[str], *, fts: bool | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._fts = fts_available() if fts is None else (fts and fts_available())
        # isolation_level=None: no implicit transactions; writes use explicit BEGIN IMMEDIATE so
        # they take the write lock up front instead of failing half way when another process
        # (a second app window) holds it.
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise ConversationStoreError(
                f"Could not open the conversations database {self.path}: {exc}",
                details=repr(exc),
            ) from exc
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self._sync_fts()
        except BaseException:
            self._conn.close()
            raise

    # ------------------------------------------------------------- lifecycle

    @property
    def uses_fts(self) -> bool:
        return self._fts

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed before returning: each public write is durable on return."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so multi-statement reads see one snapshot."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConversationStoreError(
                    f"{self.path.name} was written by a newer version (schema {version}); "
                    f"this version understands up to {SCHEMA_VERSION}. The file is left untouched."
                )
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {int(target)}")

    def _sync_fts(self) -> None:
        """Create the FTS index and its triggers; rebuild it when the triggers were missing."""
        with self._write() as conn:
            present = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            }
            if not self._fts:
                # Without FTS the triggers must go: on a build lacking FTS5 they would make every
                # write fail. The next open with FTS sees them missing and rebuilds the index.
                for name in _FTS_TRIGGERS:
                    if name in present:
                        conn.execute(f"DROP TRIGGER {name}")
                return
            for statement in _FTS_TABLES:
                conn.execute(statement)
            if all(name in present for name in _FTS_TRIGGERS):
                return
            for name, statement in _FTS_TRIGGERS.items():
                if name in present:
                    conn.execute(f"DROP TRIGGER {name}")
                conn.execute(statement)
            conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
            conn.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild')")

    # ----------------------------------------------------------- conversations

    def create(
        self,
        title: str = DEFAULT_TITLE,
        system_prompt: str = "",
        sampling: SamplingParams | Mapping[str, Any] | None = None,
        preset: str | None = None,
        context_policy: str = "drop_oldest",
        model: str | None = None,
    ) -> Conversation:
        _check_policy(context_policy)
        now = time.time()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, created_at, updated_at, system_prompt,"
                " sampling_json, preset, context_policy, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    title,
                    now,
                    now,
                    system_prompt,
                    _sampling_json(sampling),
                    preset,
                    context_policy,
                    model,
                ),
            )
            conv_id = cursor.lastrowid
        assert conv_id is not None
        return self.get(conv_id)

    def list(self, include_deleted: bool = False) -> builtins.list[ConversationSummary]:
        """Newest activity first (ties: newest created first)."""
        with self._read() as conn:
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
        return [
            ConversationSummary(
                id=row[0],
                title=row[1],
                updated_at=row[2],
                deleted_at=row[3],
                n_messages=row[4],
                preview=_shorten(row[5] or "", PREVIEW_CHARS),
            )
            for row in rows
        ]

    def get(self, conv_id: int) -> Conversation:
        """The conversation with all its messages (also when soft-deleted); KeyError if absent."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id, title, created_at, updated_at, system_prompt, sampling_json, preset,"
                " context_policy, model, deleted_at FROM conversations WHERE id = ?",
                (conv_id,),
            ).fetchone()
            if row is None:
                raise KeyError(conv_id)
            message_rows = conn.execute(
                "SELECT id, position, role, content, created_at, finish_reason, stats_json"
                " FROM messages WHERE conversation_id = ? ORDER BY position",
                (conv_id,),
            ).fetchall()
        return Conversation(
            id=row[0],
            title=row[1],
            created_at=row[2],
            updated_at=row[3],
            system_prompt=row[4],
            sampling=_load_json(row[5]) or {},
            preset=row[6],
            context_policy=row[7],
            model=row[8],
            deleted_at=row[9],
            messages=[_message(r) for r in message_rows],
        )

    def rename(self, conv_id: int, title: str) -> None:
        """Rename without touching updated_at: a rename is not activity, so the order stays."""
        with self._write() as conn:
            _require(conn, conv_id)
            conn.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, conv_id))

    def update_settings(
        self,
        conv_id: int,
        *,
        system_prompt: str | None = None,
        sampling: SamplingParams | Mapping[str, Any] | None = None,
        preset: str | None = None,
        context_policy: str | None = None,
        model: str | None = None,
    ) -> None:
        """Change the given settings; None leaves a setting as it is (`sampling={}` resets it)."""
        changes: dict[str, Any] = {}
        if system_prompt is not None:
            changes["system_prompt"] = system_prompt
        if sampling is not None:
            changes["sampling_json"] = _sampling_json(sampling)
        if preset is not None:
            changes["preset"] = preset
        if context_policy is not None:
            _check_policy(context_policy)
            changes["context_policy"] = context_policy
        if model is not None:
            changes["model"] = model
        with self._write() as conn:
            _require(conn, conv_id)
            if changes:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                conn.execute(
                    f"UPDATE conversations SET {assignments} WHERE id = ?",
                    (*changes.values(), conv_id),
                )

    def delete(self, conv_id: int) -> None:
        """Soft delete: hidden from list and search until `restore` or `purge_deleted`."""
        with self._write() as conn:
            _require(conn, conv_id)
            conn.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (time.time(), conv_id),
            )

    def restore(self, conv_id: int) -> None:
        with self._write() as conn:
            _require(conn, conv_id)
            conn.execute("UPDATE conversations SET deleted_at = NULL WHERE id = ?", (conv_id,))

    def purge_deleted(self, older_than_s: float = PURGE_AFTER_S) -> int:
        """Remove for good what was soft-deleted at least `older_than_s` ago; returns how many."""
        cutoff = time.time() - older_than_s
        with self._write() as conn:
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
        stats: Stats | Mapping[str, Any] | None = None,
    ) -> Message:
        """Add a message at the end, committed on return.

        The first user message names a conversation still called "New chat", so the sidebar
        shows something a person recognises without asking them for a title.
        """
        _check_role(role)
        now = time.time()
        stats_json = _stats_json(stats)
        with self._write() as conn:
            title = _require(conn, conv_id)
            position = conn.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM messages WHERE conversation_id = ?",
                (conv_id,),
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, position, role, content, created_at,"
                " finish_reason, stats_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conv_id, position, role, content, now, finish_reason, stats_json),
            )
            new_title = title
            if role == "user" and title == DEFAULT_TITLE:
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
            stats=_load_json(stats_json),
        )

    def truncate_from(self, conv_id: int, position: int) -> int:
        """Delete messages at `position` and after (Regenerate); returns how many went."""
        with self._write() as conn:
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
        """
        with self._write() as conn:
            _require(conn, conv_id)
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

    # ------------------------------------------------------------------ search

    def search(self, query: str, limit: int = 50) -> builtins.list[SearchHit]:
        """Messages and titles containing every word of `query` (substring, any script).

        The query is data, never FTS syntax: quotes, `*`, `-`, `OR` and brackets match literally.
        Title hits come first, then messages (best FTS rank, or newest without FTS).
        """
        # FTS5 reads query strings as C strings: a NUL would end one early ("unterminated string").
        terms = query.replace("\x00", " ").split()
        if not terms or limit <= 0:
            return []
        long_terms = [t for t in terms if len(t) >= 3] if self._fts else []
        short_terms = [t for t in terms if t not in long_terms]
        with self._read() as conn:
            titles = self._search_rows(conn, "title", long_terms, short_terms, limit)
            messages = self._search_rows(conn, "message", long_terms, short_terms, limit)
        hits = [
            SearchHit(
                conversation_id=row[0],
                title=row[1],
                message_id=None,
                snippet=_snippet(row[1], terms),
            )
            for row in titles
        ]
        hits += [
            SearchHit(
                conversation_id=row[0],
                title=row[1],
                message_id=row[2],
                position=row[3],
                snippet=_snippet(row[4], terms),
            )
            for row in messages
        ]
        return hits[:limit]

    @staticmethod
    def _search_rows(
        conn: sqlite3.Connection,
        kind: str,
        long_terms: Sequence[str],
        short_terms: Sequence[str],
        limit: int,
    ) -> builtins.list[tuple[Any, ...]]:
        """FTS MATCH narrows by the long terms; LIKE checks the short ones (or all, without FTS)."""
        if kind == "title":
            select = "SELECT c.id, c.title FROM conversations c"
            fts_join = " JOIN conversations_fts f ON f.rowid = c.id"
            fts_table, text_column = "conversations_fts", "c.title"
            order_plain = "c.updated_at DESC"
        else:
            select = (
                "SELECT c.id, c.title, m.id, m.position, m.content FROM messages m"
                " JOIN conversations c ON c.id = m.conversation_id"
            )
            fts_join = " JOIN messages_fts f ON f.rowid = m.id"
            fts_table, text_column = "messages_fts", "m.content"
            order_plain = "c.updated_at DESC, m.position"
        where = ["c.deleted_at IS NULL"]
        params: builtins.list[Any] = []
        sql = select
        if long_terms:
            sql += fts_join
            where.append(f"f.{fts_table} MATCH ?")
            params.append(_fts_query(long_terms))
        for term in short_terms:
            where.append(f"{text_column} LIKE ? ESCAPE '\\'")
            params.append(_like_pattern(term))
        order = "f.rank, " + order_plain if long_terms else order_plain
        sql += " WHERE " + " AND ".join(where) + f" ORDER BY {order} LIMIT ?"
        params.append(limit)
        return conn.execute(sql, params).fetchall()

    # --------------------------------------------------------- export / import

    def export_markdown(self, conv_id: int) -> str:
        """Readable export: title heading, system prompt, one heading per turn, content verbatim."""
        conv = self.get(conv_id)
        title = " ".join(conv.title.split()) or DEFAULT_TITLE
        parts = [f"# {title}"]
        if conv.model:
            parts.append(f"Model: {conv.model}")
        if conv.system_prompt:
            parts.append(f"## System prompt\n\n{conv.system_prompt}")
        for message in conv.messages:
            parts.append(f"## {message.role.capitalize()}\n\n{message.content}")
        return "\n\n".join(parts) + "\n"

    def export_json(self, conv_id: int) -> dict[str, Any]:
        """Everything needed to rebuild the conversation, tagged with a format and version."""
        conv = self.get(conv_id)
        data = dataclasses.asdict(conv)
        data["messages"] = [dataclasses.asdict(m) for m in conv.messages]
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, **data}

    def import_json(self, data: Mapping[str, Any]) -> Conversation:
        """Add an exported conversation as a new one (new ids, not deleted), all or nothing."""
        if data.get("format") != EXPORT_FORMAT:
            raise ValueError(f"not a {EXPORT_FORMAT} export")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ValueError(f"invalid export version {version!r}")
        if version > EXPORT_VERSION:
            raise ValueError(
                f"this export is version {version}; this app reads up to {EXPORT_VERSION}"
            )
        policy = str(data.get("context_policy") or "drop_oldest")
        _check_policy(policy)
        raw_messages = data.get("messages") or []
        if not isinstance(raw_messages, builtins.list):
            raise ValueError("messages must be a list")
        now = time.time()
        created_at = _number(data.get("created_at"), now)
        messages = []
        for index, raw in enumerate(raw_messages):
            if not isinstance(raw, Mapping):
                raise ValueError(f"message {index} is not an object")
            role = raw.get("role")
            content = raw.get("content")
            if not isinstance(role, str) or not isinstance(content, str):
                raise ValueError(f"message {index} needs a role and text content")
            _check_role(role)
            stats = raw.get("stats")
            messages.append(
                (
                    _number(raw.get("position"), index),
                    index,
                    role,
                    content,
                    _number(raw.get("created_at"), created_at),
                    _optional_str(raw.get("finish_reason")),
                    _stats_json(stats) if isinstance(stats, Mapping) else None,
                )
            )
        messages.sort(key=lambda m: (m[0], m[1]))
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, created_at, updated_at, system_prompt,"
                " sampling_json, preset, context_policy, model) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(data.get("title") or DEFAULT_TITLE),
                    created_at,
                    _number(data.get("updated_at"), created_at),
                    str(data.get("system_prompt") or ""),
                    _sampling_json(data.get("sampling") or {}),
                    _optional_str(data.get("preset")),
                    policy,
                    _optional_str(data.get("model")),
                ),
            )
            conv_id = cursor.lastrowid
            conn.executemany(
                "INSERT INTO messages (conversation_id, position, role, content, created_at,"
                " finish_reason, stats_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(conv_id, pos, *m[2:]) for pos, m in enumerate(messages)],
            )
        assert conv_id is not None
        return self.get(conv_id)


# ---------------------------------------------------------------------- helpers


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


def _require(conn: sqlite3.Connection, conv_id: int) -> str:
    """The conversation's title; KeyError when there is no such conversation."""
    row = conn.execute("SELECT title FROM conversations WHERE id = ?", (conv_id,)).fetchone()
    if row is None:
        raise KeyError(conv_id)
    return str(row[0])


def _touch(conn: sqlite3.Connection, conv_id: int) -> None:
    conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (time.time(), conv_id))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def _check_policy(policy: str) -> None:
    if policy not in CONTEXT_POLICIES:
        raise ValueError(f"context policy must be one of {', '.join(CONTEXT_POLICIES)}")


def _sampling_json(sampling: SamplingParams | Mapping[str, Any] | None) -> str:
    if sampling is None:
        return "{}"
    data = sampling.to_dict() if isinstance(sampling, SamplingParams) else dict(sampling)
    return _dump(data, "sampling")


def _stats_json(stats: Stats | Mapping[str, Any] | None) -> str | None:
    if stats is None:
        return None
    data = dataclasses.asdict(stats) if isinstance(stats, Stats) else dict(stats)
    return _dump(data, "stats")


def _dump(data: dict[str, Any], what: str) -> str:
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be storable as JSON: {exc}") from exc


def _load_json(text: str | None) -> dict[str, Any] | None:
    """A stored JSON object; None for NULL or for a damaged value (never fail a whole load)."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _message(row: Sequence[Any]) -> Message:
    return Message(
        id=row[0],
        position=row[1],
        role=row[2],
        content=row[3],
        created_at=row[4],
        finish_reason=row[5],
        stats=_load_json(row[6]),
    )


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return value


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _fts_query(terms: Sequence[str]) -> str:
    """Each term as an FTS5 string (quotes doubled): operators inside are plain text."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _shorten(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _snippet(text: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters around the first match, on one line, with … where cut."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    found = [i for i in (lowered.find(t.lower()) for t in terms) if i >= 0]
    if not found or len(flat) <= width:
        return _shorten(flat, width)
    start = max(0, min(found) - width // 3)
    end = min(len(flat), start + width)
    start = max(0, end - width)
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")
