"""Documents attached to a chat, without Qt, on the real starter model: a short one goes into the
prompt whole, a long one by the parts retrieved for the question; the answer's sources are spans
of the document; the attachment survives reopening the store."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from chat_documents_text import TOPICS, long_document

from desktop_app.core.controllers.chat import (
    AnswerEnded,
    AttachFailed,
    AttachmentsChanged,
    ChatSession,
    Event,
    GenerationFailed,
)
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.storage.conversations import ConversationStore

TIMEOUT = 180
E = TypeVar("E")


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self._queue: queue.SimpleQueue[Event] = queue.SimpleQueue()

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        self._queue.put(event)

    def wait_for(self, kind: type[E], timeout: float = TIMEOUT) -> E:
        while True:
            event = self._queue.get(timeout=timeout)
            if isinstance(event, GenerationFailed) and kind is not GenerationFailed:
                raise AssertionError(f"generation failed: {event.message}")
            if isinstance(event, kind):
                return event


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "conversations.db"


@pytest.fixture
def store(db: Path) -> Iterator[ConversationStore]:
    with ConversationStore(db) as s:
        yield s


def session_on(store: ConversationStore, engine: EngineClient) -> tuple[ChatSession, Recorder]:
    session = ChatSession(store, lambda: engine)
    session.new_conversation("New chat")
    session.update_settings(sampling={"seed": 7, "max_tokens": 32, "temperature": 0.2})
    seen = Recorder()
    session.add_listener(seen)
    return session, seen


def attach(session: ChatSession, seen: Recorder, path: Path) -> None:
    assert session.attach(path)
    changed = seen.wait_for(AttachmentsChanged)
    assert [a.name for a in changed.attachments][-1] == path.name


def test_a_document_that_fits_goes_into_the_prompt_whole(
    store: ConversationStore, engine: EngineClient, tmp_path: Path
) -> None:
    path = tmp_path / "bread.txt"
    path.write_text(TOPICS["bread"] + "\n\n" + TOPICS["violin"], encoding="utf-8")
    session, seen = session_on(store, engine)
    attach(session, seen, path)
    assert session.send("How long does the dough rise?")
    ended = seen.wait_for(AnswerEnded)
    placed = session.placement
    assert placed is not None and placed.mode == "whole"
    system = placed.messages[0]
    assert system["role"] == "system" and "[1] (bread.txt, characters 0–" in system["content"]
    assert TOPICS["bread"] in system["content"] and TOPICS["violin"] in system["content"]
    assert placed.messages[-1] == {"role": "user", "content": "How long does the dough rise?"}
    assert ended.stored is not None and ended.text
    for source in ended.stored.sources or []:
        assert 0 <= source["start"] < source["end"] <= path.stat().st_size


@pytest.mark.timeout(900)  # two answers over ~1,200-token prompts: a minute each on a busy CPU
def test_a_long_document_answers_from_retrieved_parts_with_spans(
    store: ConversationStore, engine: EngineClient, db: Path, tmp_path: Path
) -> None:
    text = long_document(40)  # about 9,000 tokens: more than the 4096-token context
    path = tmp_path / "handbook.md"
    path.write_text(text, encoding="utf-8")
    session, seen = session_on(store, engine)
    attach(session, seen, path)
    assert session.send("What does a violin bow need on its horsehair?")
    ended = seen.wait_for(AnswerEnded)
    placed = session.placement
    assert placed is not None and placed.mode == "parts"
    assert 1 <= len(placed.parts) <= 4
    assert all("violin" in p.text for p in placed.parts)  # retrieval found the right parts
    for p in placed.parts:
        assert text[p.start : p.end] == p.text
    assert ended.stored is not None
    sources = ended.stored.sources
    assert sources, f"no source resolved for {ended.text!r}"
    for s in sources:
        cited = placed.parts[s["n"] - 1]
        assert 0 <= s["start"] < s["end"] <= len(text)
        assert text[s["start"] : s["end"]] == cited.text
    assert session.conversation is not None
    cid = session.conversation.id

    # a restart: another store on the same file, another session; the document is still used
    with ConversationStore(db) as reopened:
        again = ChatSession(reopened, lambda: engine)
        follow = Recorder()
        again.add_listener(follow)
        assert again.open(cid)
        assert again.conversation is not None
        assert [a.name for a in again.conversation.attachments] == ["handbook.md"]
        assert again.conversation.messages[-1].sources == sources
        assert again.send("How do you bake bread?")
        follow.wait_for(AnswerEnded)
        assert again.placement is not None and again.placement.mode == "parts"
        assert any("bread" in p.text for p in again.placement.parts)
        assert "Section" in again.document_text(again.conversation.attachments[0].id)


def test_a_file_that_cannot_be_attached_is_said_and_nothing_is_stored(
    store: ConversationStore, engine: EngineClient, tmp_path: Path
) -> None:
    blob = tmp_path / "photo.jpg"
    blob.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    session, seen = session_on(store, engine)
    assert session.attach(blob)
    failed = seen.wait_for(AttachFailed)
    assert failed.name == "photo.jpg" and "it is not text" in failed.message
    assert session.conversation is not None and session.conversation.attachments == []
