"""The conversations database file: its connection and transactions, its versioned schema, and
the FTS index kept beside the tables.

* WAL journal with `synchronous=NORMAL`; every write is one `BEGIN IMMEDIATE` transaction,
  committed before it returns.

* The schema is versioned with `PRAGMA user_version` and moved forward by `MIGRATIONS`; a file
  from a newer release is refused and left untouched.
* The FTS tables are an index, not data: they are created outside the versioned schema and
  rebuilt whenever their sync triggers were missing (for example after the file was written by a
  build without FTS5).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from desktop_app.core.errors import AppError

__all__ = [
    "FTS_TABLES",
    "FTS_TRIGGERS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ConversationDb",
    "ConversationStoreError",
    "fts_available",
    "migrate",
    "sync_fts",
]

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
    # 2: whether the title is automatic (the first user message's, which follows an edit of that
    # message) or chosen (renamed, imported). Older titles count as automatic when they are the
    # placeholder or read as made from the first user message (its text, or its start and "…").
    (
        "ALTER TABLE conversations ADD COLUMN title_auto INTEGER NOT NULL DEFAULT 0",
        """
        UPDATE conversations SET title_auto = 1 WHERE title = 'New chat' OR EXISTS (
            SELECT 1 FROM messages m
            WHERE m.conversation_id = conversations.id AND m.role = 'user'
              AND m.position = (SELECT MIN(position) FROM messages
                                WHERE conversation_id = conversations.id AND role = 'user')
              AND (trim(m.content, char(32, 9, 10, 13)) = conversations.title
                   OR (length(conversations.title) > 1
                       AND substr(conversations.title, -1) = '…'
                       AND substr(ltrim(m.content, char(32, 9, 10, 13)), 1,
                                  length(conversations.title) - 1)
                           = substr(conversations.title, 1, length(conversations.title) - 1))))
        """,
    ),
    # 3: documents attached to a conversation (their extracted text, so an answer can use them
    # after a restart without the original file), and the sources an answer cited in them.
    (
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL
                REFERENCES conversations (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'text',
            text TEXT NOT NULL,
            created_at REAL NOT NULL
        )
        """,
        "CREATE INDEX attachments_by_conversation ON attachments (conversation_id, id)",
        "ALTER TABLE messages ADD COLUMN sources_json TEXT",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

FTS_TABLES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
    "content, content='messages', content_rowid='id', tokenize='trigram')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS conversations_fts USING fts5("
    "title, content='conversations', content_rowid='id', tokenize='trigram')",
)
# External-content FTS: the triggers keep the index in step with the tables. A 'delete' must
# pass the old values exactly, which AFTER triggers have in `old`.
FTS_TRIGGERS = {
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


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Move the schema forward to SCHEMA_VERSION (the caller holds a write transaction).

    A file from a newer release is refused and left untouched.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ConversationStoreError(
            f"{path.name} was written by a newer version (schema {version}); "
            f"this version understands up to {SCHEMA_VERSION}. The file is left untouched."
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[target - 1]:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(target)}")


def sync_fts(conn: sqlite3.Connection, fts: bool) -> None:
    """Create the FTS index and its triggers; rebuild it when the triggers were missing (the
    caller holds a write transaction). Without *fts* the triggers are dropped."""
    present = {
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    if not fts:
        # Without FTS the triggers must go: on a build lacking FTS5 they would make every
        # write fail. The next open with FTS sees them missing and rebuilds the index.
        for name in FTS_TRIGGERS:
            if name in present:
                conn.execute(f"DROP TRIGGER {name}")
        return
    for statement in FTS_TABLES:
        conn.execute(statement)
    if all(name in present for name in FTS_TRIGGERS):
        return
    for name, statement in FTS_TRIGGERS.items():
        if name in present:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(statement)
    conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild')")


class ConversationDb:
    """One connection to the file, used only under one lock; opened with the schema up to date.

    `fts=None` detects FTS5/trigram; `fts=False` forces the LIKE search.
    """

    def __init__(self, path: Path, fts: bool | None = None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self.fts = fts_available() if fts is None else (fts and fts_available())
        # isolation_level=None: no implicit transactions; writes use explicit BEGIN IMMEDIATE so
        # they take the write lock up front instead of failing half way when another process
        # (a second app window) holds it.
        try:
            self.conn = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise ConversationStoreError(
                f"Could not open the conversations database {self.path}: {exc}",
                details=repr(exc),
            ) from exc
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            with self.write() as conn:
                migrate(conn, self.path)
            with self.write() as conn:
                sync_fts(conn, self.fts)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed before returning: each public write is durable on return."""
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction, so multi-statement reads see one snapshot."""
        with self._lock:
            conn = self.conn
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")
