"""A conversation's automatic title: made from the first user message, following an edit of it,
kept once the user chose one; and older files, whose titles are recognised as automatic."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.storage.conversation_db import MIGRATIONS
from desktop_app.core.storage.conversations import DEFAULT_TITLE, ConversationStore, title_from


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    with ConversationStore(tmp_path / "c.sqlite3") as s:
        yield s


def test_the_automatic_title_follows_an_edit_of_the_first_message(store: ConversationStore) -> None:
    c = store.create()
    store.append_message(c.id, "user", "What is the capital of France?")
    store.append_message(c.id, "assistant", "Paris.")
    store.append_message(c.id, "user", "And of Italy?")
    assert store.get(c.id).title == "What is the capital of France?"
    store.edit_message(c.id, 2, "And of Spain?")  # not the first message: the title stays
    assert store.get(c.id).title == "What is the capital of France?"
    long = "Tell me everything about the lighthouses of the northern coast of Scotland"
    store.edit_message(c.id, 0, long)
    assert store.get(c.id).title == title_from(long) != long


def test_a_chosen_title_is_kept_through_an_edit(store: ConversationStore) -> None:
    c = store.create()
    store.append_message(c.id, "user", "first question")
    store.rename(c.id, "My notes")
    store.edit_message(c.id, 0, "a different question")
    assert store.get(c.id).title == "My notes"
    named = store.create("Mine")  # a title given at creation is chosen too
    store.append_message(named.id, "user", "hello")
    store.edit_message(named.id, 0, "hello again")
    assert store.get(named.id).title == "Mine"


def test_a_placeholder_in_another_language_is_replaced(store: ConversationStore) -> None:
    c = store.create("新对话", auto_title=True)  # the view's own language's "New chat"
    store.append_message(c.id, "user", "灯塔是怎样工作的？")
    assert store.get(c.id).title == "灯塔是怎样工作的？"
    store.edit_message(c.id, 0, "海浪从哪里来？")
    assert store.get(c.id).title == "海浪从哪里来？"


def test_titles_in_an_older_file_are_recognised(tmp_path: Path) -> None:
    """A version 1 file has no record of which titles were chosen: those that read as made
    from the first user message (or the placeholder) are taken as automatic."""
    path = tmp_path / "old.sqlite3"
    long = "Tell me everything about the lighthouses of the northern coast of Scotland"
    raw = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    for cid, title, first in (
        (1, "Short question", "Short question"),
        (2, title_from(long), long),
        (3, "Renamed by me", "Something else"),
        (4, DEFAULT_TITLE, None),
    ):
        raw.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, 0, 0)",
            (cid, title),
        )
        if first is not None:
            raw.execute(
                "INSERT INTO messages (conversation_id, position, role, content, created_at)"
                " VALUES (?, 0, 'user', ?, 0)",
                (cid, first),
            )
    raw.commit()
    raw.close()
    with ConversationStore(path) as s:
        for cid in (1, 2, 3):
            s.edit_message(cid, 0, "An edited first question")
        s.append_message(4, "user", "Named at last")
        titles = [s.get(cid).title for cid in (1, 2, 3, 4)]
    assert titles == ["An edited first question"] * 2 + ["Renamed by me", "Named at last"]
