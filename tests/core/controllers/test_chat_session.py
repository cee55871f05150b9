"""The chat session without Qt, on the real starter model: send, stream, store, fit, stop, reload."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from desktop_app.core.controllers.chat import (
    AnswerBegun,
    AnswerEnded,
    AnswerText,
    ChatSession,
    ConversationOpened,
    Event,
    FiguresChanged,
    GenerationFailed,
    GenerationStarted,
    MessageAdded,
    prompt_messages,
)
from desktop_app.core.controllers.runner import Task
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import LoadParams, SamplingParams
from desktop_app.core.storage.conversations import ConversationStore

TIMEOUT = 120
E = TypeVar("E")
End = Callable[[object, BaseException | None], None]


class Recorder:
    """A listener that keeps every event, and waits for one of a kind."""

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

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    with ConversationStore(tmp_path / "conversations.db") as s:
        yield s


def session_on(store: ConversationStore, engine: EngineClient, **sampling: object) -> ChatSession:
    session = ChatSession(store, lambda: engine)
    session.open_latest("New chat")
    session.update_settings(sampling=sampling)
    return session


def test_sampling_params_are_stored_as_the_store_s_plain_record(
    store: ConversationStore, engine: EngineClient
) -> None:
    """Storage is below the engine: the session turns SamplingParams into the store's record."""
    session = session_on(store, engine)
    wanted = SamplingParams(temperature=0.2, stop=("###",), max_tokens=64)
    session.update_settings(sampling=wanted)
    assert session.conversation is not None
    assert session.conversation.sampling["temperature"] == 0.2
    assert SamplingParams.from_dict(store.get(session.conversation.id).sampling) == wanted


def test_send_streams_a_real_answer_and_stores_it(
    store: ConversationStore, engine: EngineClient
) -> None:
    session = session_on(store, engine, seed=1, max_tokens=32)
    seen = Recorder()
    session.add_listener(seen)
    assert session.send("Write two sentences about rain.")
    assert session.generating
    assert not session.send("A second message while answering is refused.")
    ended = seen.wait_for(AnswerEnded)
    assert not session.generating
    assert ended.finish_reason in ("stop", "length") and ended.error is None
    pieces = [e.text for e in seen.of(AnswerText)]
    assert len(pieces) >= 2 and "".join(pieces) == ended.text == session.answer_text
    kinds = [type(e) for e in seen.events]
    assert kinds.index(MessageAdded) < kinds.index(GenerationStarted) < kinds.index(AnswerBegun)
    assert kinds.index(AnswerBegun) < kinds.index(AnswerText) < kinds.index(AnswerEnded)
    conv = store.get(ended.conversation_id)
    assert [m.role for m in conv.messages] == ["user", "assistant"]
    assert conv.messages[1].content == ended.text and conv.messages[1].stats
    assert conv.title == "Write two sentences about rain."  # the first message names it
    assert session.conversation == conv
    figures = session.figures
    assert figures.stats is not None and figures.stats.gen_tps > 0
    assert figures.n_ctx == 4096 and 0 < figures.context_used <= 4096
    assert seen.of(FiguresChanged)[-1].figures == figures


def test_a_small_context_leaves_out_the_oldest_turns(
    store: ConversationStore, starter_model: Path, tmp_path: Path
) -> None:
    small = EngineClient(log_dir=tmp_path / "logs").start()
    try:
        small.load(LoadParams(str(starter_model), n_ctx=512, n_threads=2)).result(timeout=120)
        session = session_on(store, small, seed=2, max_tokens=16)
        assert session.conversation is not None
        cid = session.conversation.id
        long_text = "The lighthouse keeper counted the waves every night. " * 12
        for turn in range(4):  # each turn well over 100 tokens: they cannot all fit in 512
            store.append_message(cid, "user", f"Turn {turn}: {long_text}")
            store.append_message(cid, "assistant", f"Noted, turn {turn}.")
        session.open(cid)
        seen = Recorder()
        session.add_listener(seen)
        assert session.send("What did the keeper count?")
        begun = seen.wait_for(AnswerBegun)
        assert begun.notice and "left out to fit the 512-token context" in begun.notice
        assert begun.position == 9
        ended = seen.wait_for(AnswerEnded)
        assert ended.stored is not None and ended.stored.position == 9
        assert len(store.get(cid).messages) == 10  # only the prompt was shortened, not the chat
        fitted = [e.figures for e in seen.of(FiguresChanged)]
        assert 0 < fitted[0].context_used <= 512 - 16 and fitted[0].n_ctx == 512
    finally:
        small.close()


def test_stop_mid_answer_keeps_the_partial_answer(
    store: ConversationStore, engine: EngineClient
) -> None:
    session = session_on(store, engine, seed=1, max_tokens=1500, temperature=1.0)
    seen = Recorder()
    session.add_listener(seen)
    session.send("Tell me a very long story about the sea.")
    for _ in range(5):
        seen.wait_for(AnswerText)
    session.stop()
    ended = seen.wait_for(AnswerEnded)
    assert ended.finish_reason == "cancelled" and ended.text
    assert ended.text.startswith("".join(e.text for e in seen.of(AnswerText))[:10])
    last = store.get(ended.conversation_id).messages[-1]
    assert last.role == "assistant" and last.finish_reason == "cancelled"
    assert last.content == ended.text
    assert not session.generating and session.send("And then?")  # ready for the next one
    assert seen.wait_for(AnswerEnded).finish_reason in ("stop", "length")


def test_close_during_an_answer_stores_what_was_written(
    store: ConversationStore, engine: EngineClient
) -> None:
    session = session_on(store, engine, seed=1, max_tokens=1500, temperature=1.0)
    seen = Recorder()
    session.add_listener(seen)
    session.send("Tell me a very long story about the sea.")
    seen.wait_for(AnswerText)
    assert session.conversation is not None
    cid = session.conversation.id
    session.close()  # the app closing: nothing waits for the engine
    assert not session.generating
    last = store.get(cid).messages[-1]
    assert last.role == "assistant" and last.content and last.finish_reason == "cancelled"
    # a view shown after the close (a rebuilt window) finds the answer in the conversation
    assert session.conversation is not None and session.conversation.messages[-1] == last
    ended = seen.of(AnswerEnded)[-1]
    assert ended.finish_reason == "cancelled" and ended.stored == last
    engine.budget([{"role": "user", "content": "hi"}], 0).result(timeout=TIMEOUT)  # drained
    assert len(store.get(cid).messages) == 2  # the engine's late end was not stored again


def test_a_new_session_reloads_the_conversation_from_the_store(
    store: ConversationStore, engine: EngineClient
) -> None:
    first = session_on(store, engine, seed=3, max_tokens=12)
    seen = Recorder()
    first.add_listener(seen)
    first.send("Remember the word marmalade.")
    answer = seen.wait_for(AnswerEnded)
    second = ChatSession(store, lambda: engine)
    opened = Recorder()
    second.add_listener(opened)
    second.open_latest("New chat")
    conv = opened.wait_for(ConversationOpened).conversation
    assert conv.id == answer.conversation_id
    assert [m.content for m in conv.messages] == ["Remember the word marmalade.", answer.text]
    assert second.figures.stats == first.figures.stats  # this chat's last speed (its use: below)
    assert second.new_conversation("New chat")
    assert second.figures.stats is None and second.figures.context_used == 0  # a new chat: none
    assert [r.conversation_id for r in second.rows("marmalade")] == [answer.conversation_id]


def test_edit_and_regenerate(store: ConversationStore, engine: EngineClient) -> None:
    session = session_on(store, engine, seed=4, max_tokens=8)
    seen = Recorder()
    session.add_listener(seen)
    for text in ("My cat is called Tom.", "What is my cat called?"):
        session.send(text)
        seen.wait_for(AnswerEnded)
    assert session.conversation is not None
    cid = session.conversation.id
    assert session.begin_edit(1) is None  # an answer cannot be edited
    assert session.begin_edit(0) == "My cat is called Tom."
    session.send("My dog is called Rex.")
    seen.wait_for(AnswerEnded)
    assert [m.content for m in store.get(cid).messages][:1] == ["My dog is called Rex."]
    assert store.get(cid).title == "My dog is called Rex."  # the automatic title follows
    assert len(store.get(cid).messages) == 2 and session.editing is None
    assert session.regenerate()
    ended = seen.wait_for(AnswerEnded)
    msgs = store.get(cid).messages
    assert [m.role for m in msgs] == ["user", "assistant"] and msgs[1].content == ended.text


def real_use(store: ConversationStore, engine: EngineClient, cid: int) -> int:
    """What the conversation's rendered prompt takes, counted by the engine's tokenizer."""
    messages = prompt_messages(store.get(cid))
    return int(engine.budget(messages, 0).result(timeout=TIMEOUT).prompt_tokens)


def wait_for_use(seen: Recorder, wanted: int) -> FiguresChanged:
    """The FiguresChanged that shows `wanted` tokens used (the count follows the opening)."""
    while True:
        event = seen.wait_for(FiguresChanged)
        if event.figures.context_used == wanted:
            return event


def test_the_meter_shows_each_conversation_s_own_use(
    store: ConversationStore, engine: EngineClient
) -> None:
    """A new chat shows 0 and no speed; reopening a chat (or a restart) shows its real use,
    also for one whose last answer left no figures (stopped, or written by an older version)."""
    session = session_on(store, engine, seed=3, max_tokens=12)
    seen = Recorder()
    session.add_listener(seen)
    session.send("Remember the word marmalade.")
    first = seen.wait_for(AnswerEnded).conversation_id
    speed = session.figures.stats
    assert speed is not None and session.figures.context_used > 0
    assert session.new_conversation("New chat")
    assert session.figures.stats is None and session.figures.context_used == 0
    assert seen.of(FiguresChanged)[-1].figures == session.figures  # the view was told
    assert session.open(first)
    counted = wait_for_use(seen, real_use(store, engine, first)).figures
    assert counted.context_used > 0 and counted.n_ctx == 4096
    assert counted.stats == speed  # its own last answer's speed
    assert session.figures == counted

    bare = store.create("Stored without figures")  # as a stopped answer leaves it
    store.append_message(bare.id, "user", "What is a lighthouse for?")
    store.append_message(bare.id, "assistant", "It warns ships.", finish_reason="cancelled")
    restarted = ChatSession(store, lambda: engine)
    again = Recorder()
    restarted.add_listener(again)
    restarted.open_latest("New chat")  # the app started again: the latest chat opens
    assert restarted.conversation is not None and restarted.conversation.id == bare.id
    figures = wait_for_use(again, real_use(store, engine, bare.id)).figures
    assert figures.context_used > 5 and figures.stats is None


def test_a_count_overtaken_by_another_chat_is_dropped(
    store: ConversationStore, engine: EngineClient
) -> None:
    """A count that ends after the user moved on to another chat is not shown for it."""
    held: list[tuple[Task, End]] = []

    def held_runner(
        name: str, task: Task, on_event: Callable[[object], None], on_end: End
    ) -> Callable[[], None]:
        held.append((task, on_end))  # run below, once the user has moved on
        return lambda: None

    full = store.create("Full")
    store.append_message(full.id, "user", "Tell me about the sea. " * 20)
    empty = store.create("Empty")
    session = ChatSession(store, lambda: engine, held_runner)
    seen = Recorder()
    session.add_listener(seen)
    session.open(full.id)
    session.open(empty.id)
    assert len(held) == 1  # the full chat's count; an empty chat has nothing to count
    task, on_end = held.pop()
    counted = task(lambda _e: None, threading.Event())
    assert isinstance(counted, tuple) and counted[0] > 100  # a real count, too late
    on_end(counted, None)
    assert session.figures.context_used == 0
    assert seen.of(FiguresChanged)[-1].figures.context_used == 0
    session.open(full.id)
    task, on_end = held.pop()
    on_end(task(lambda _e: None, threading.Event()), None)  # in time: shown
    assert session.figures.context_used == counted[0] == real_use(store, engine, full.id)
