"""Attachments in the conversations database: stored with their text, kept across a reopen,
exported and imported with the conversation, cited sources kept with the answer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_app.core.storage.conversations import ConversationStore

TEXT = "First paragraph about lamps.\n\nSecond paragraph about bread."


def test_attachment_survives_a_reopen_with_the_answer_s_sources(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with ConversationStore(db) as store:
        conv = store.create()
        a = store.attachments.add(conv.id, "notes.txt", TEXT)
        store.append_message(conv.id, "user", "About bread?")
        sources = [{"n": 1, "attachment_id": a.id, "name": "notes.txt", "start": 30, "end": 59,
                    "cited": True}]  # fmt: skip
        stored = store.append_message(conv.id, "assistant", "Bread [1].", sources=sources)
        assert stored.sources == sources
    with ConversationStore(db) as store:
        again = store.get(conv.id)
        assert [(x.name, x.chars) for x in again.attachments] == [("notes.txt", len(TEXT))]
        assert store.attachments.text(a.id) == TEXT
        assert again.messages[1].sources == sources
        assert again.messages[0].sources is None
        store.attachments.remove(a.id)
        assert store.get(conv.id).attachments == []


def test_deleting_a_conversation_for_good_removes_its_attachments(tmp_path: Path) -> None:
    with ConversationStore(tmp_path / "c.db") as store:
        conv = store.create()
        store.attachments.add(conv.id, "notes.txt", TEXT)
        store.delete(conv.id)
        store.purge_deleted(older_than_s=0)
        assert store._conn.execute("SELECT COUNT(*) FROM attachments").fetchone()[0] == 0


def test_export_lists_attachments_and_quotes_sources(tmp_path: Path) -> None:
    with ConversationStore(tmp_path / "c.db") as store:
        conv = store.create(title="Reading")
        a = store.attachments.add(conv.id, "notes.txt", TEXT)
        store.append_message(conv.id, "user", "About bread?")
        source = {"n": 1, "attachment_id": a.id, "name": "notes.txt", "start": 30, "end": 59}
        store.append_message(conv.id, "assistant", "Bread [1].", sources=[source])
        md = store.export_markdown(conv.id)
        assert "## Attachments\n\n- notes.txt (59 characters)" in md
        assert "- [1] notes.txt, characters 30–59: “Second paragraph about bread.”" in md
        data = store.export_json(conv.id)
        assert data["attachments"][0]["name"] == "notes.txt"
        assert data["attachments"][0]["text"] == TEXT
        copy = store.import_json(data)
        assert copy.id != conv.id and [x.name for x in copy.attachments] == ["notes.txt"]
        new_id = copy.attachments[0].id
        assert new_id != a.id and store.attachments.text(new_id) == TEXT
        assert copy.messages[1].sources == [{**source, "attachment_id": new_id}]


def test_a_version_2_file_moves_forward(tmp_path: Path) -> None:
    """A database from before attachments opens, gains the table, and keeps its messages."""
    db = tmp_path / "old.db"
    with ConversationStore(db) as store:
        conv = store.create()
        store.append_message(conv.id, "user", "hello")
    with sqlite3.connect(db) as conn:  # undo migration 3, as an older release left the file
        conn.execute("DROP TABLE attachments")
        conn.execute("ALTER TABLE messages DROP COLUMN sources_json")
        conn.execute("PRAGMA user_version = 2")
    with ConversationStore(db) as store:
        assert store.get(conv.id).messages[0].content == "hello"
        store.attachments.add(conv.id, "a.txt", "text")
        assert [x.name for x in store.get(conv.id).attachments] == ["a.txt"]
