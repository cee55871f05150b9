"""The tokenizer view's controller, without Qt, on the real starter model: its tokens are
llama-cpp-python's, its chunks join back to the text, and the chat's draft count is the engine's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.controllers.chat import ChatSession, DraftCounted
from desktop_app.core.controllers.tokenizer import (
    CHINESE,
    ENGLISH,
    SAMPLES,
    NoModel,
    Piece,
    Split,
    Tokenized,
    TokenizeFailed,
    TokenizerController,
    chunks_of,
    split_text,
)
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.storage.conversations import ConversationStore

TEXTS = {
    "english": "The quick brown fox jumps over the lazy dog, twice.",
    "chinese": "大型语言模型把文字切成词元，中文通常更费上下文。",
    "emoji": "🎉🦊👩‍👩‍👧 ok 👍🏽",
    "mixed": "Hello 世界! café naïve — 1234 tokens <|im_start|> 🚀\n\ttabs",
}


@pytest.fixture(scope="module")
def reference(starter_model: Path) -> Iterator[Any]:
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(starter_model), vocab_only=True, verbose=False)
    yield llm
    llm.close()


class Events:
    """A listener that remembers every event and lets a test wait for one."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self._arrived = threading.Condition()

    def __call__(self, event: object) -> None:
        with self._arrived:
            self.events.append(event)
            self._arrived.notify_all()

    def wait(self, kind: type, count: int = 1, timeout: float = 60) -> list[Any]:
        with self._arrived:
            self._arrived.wait_for(
                lambda: len([e for e in self.events if isinstance(e, kind)]) >= count, timeout
            )
            found = [e for e in self.events if isinstance(e, kind)]
        assert len(found) >= count, f"no {kind.__name__} within {timeout} s: {self.events}"
        return found


@pytest.mark.parametrize("kind", sorted(TEXTS))
def test_the_split_is_llama_cpp_pythons_and_joins_back(
    engine: EngineClient, reference: Any, kind: str
) -> None:
    text = TEXTS[kind]
    split = split_text(engine, text)
    assert list(split.ids) == reference.tokenize(text.encode(), add_bos=False, special=False)
    assert [p.id for c in split.chunks for p in c.pieces] == list(split.ids)
    assert "".join(c.text for c in split.chunks) == text
    assert b"".join(p.data for c in split.chunks for p in c.pieces) == text.encode()
    assert split.count == len(split.ids) and split.characters == len(text)
    assert not split.capped


def test_a_character_over_two_tokens_is_one_chunk_of_two(engine: EngineClient) -> None:
    split = split_text(engine, TEXTS["chinese"])
    joined = [c for c in split.chunks if len(c.pieces) > 1]
    assert joined, "expected a character made of more than one token"
    for chunk in joined:
        assert any(_not_utf8(p.data) for p in chunk.pieces)
        assert b"".join(p.data for p in chunk.pieces).decode() == chunk.text


def test_chunks_of_handles_bytes_that_never_make_a_character() -> None:
    chunks = chunks_of(
        [Piece(1, b"a"), Piece(2, b"\xe4\xb8"), Piece(3, b"\x96b"), Piece(4, b"\xe4")]
    )
    assert [c.text for c in chunks] == ["a", "世b", "\ufffd"]
    assert [[p.id for p in c.pieces] for c in chunks] == [[1], [2, 3], [4]]


def test_a_long_text_is_counted_whole_and_shown_in_part(engine: EngineClient) -> None:
    text = "one two three four five. " * 60
    split = split_text(engine, text, cap=50)
    assert split.capped and split.shown_tokens == 50
    assert split.count == len(engine.tokenize(text).result(30)) > 50


def test_the_controller_splits_both_samples_and_compares_them(engine: EngineClient) -> None:
    events = Events()
    controller = TokenizerController(lambda: engine)
    controller.add_listener(events)
    controller.tokenize_all()
    done = events.wait(Tokenized, 2)
    assert {e.side for e in done} == {ENGLISH, CHINESE}
    english, chinese = controller.splits[ENGLISH], controller.splits[CHINESE]
    assert isinstance(english, Split) and isinstance(chinese, Split)
    assert english.text == SAMPLES[ENGLISH] and chinese.text == SAMPLES[CHINESE]
    ratio = controller.ratio()
    assert ratio is not None and ratio > 1.0  # an English-trained vocabulary: Chinese costs more
    assert ratio == pytest.approx(chinese.count / english.count)


def test_a_text_overtaken_by_a_newer_one_is_dropped(engine: EngineClient) -> None:
    events = Events()
    controller = TokenizerController(lambda: engine)
    controller.add_listener(events)
    for text in ("a", "ab", "abc", "the last text"):
        controller.set_text(ENGLISH, text)
    events.wait(Tokenized)
    assert [e.split.text for e in events.events if isinstance(e, Tokenized)] == ["the last text"]


def test_without_a_model_it_says_so(bare_engine: EngineClient) -> None:
    events = Events()
    controller = TokenizerController(lambda: bare_engine)
    controller.add_listener(events)
    controller.tokenize(ENGLISH)
    assert events.wait(NoModel)[0].side == ENGLISH
    controller = TokenizerController(lambda: None)
    controller.add_listener(events)
    controller.tokenize(CHINESE)
    assert events.wait(NoModel, 2)[1].side == CHINESE


def test_an_engine_failure_is_reported(engine: EngineClient) -> None:
    class Broken:
        model_info = engine.model_info

        def tokenize(self, text: str) -> Any:
            raise RuntimeError("the engine went away")

    events = Events()
    controller = TokenizerController(lambda: Broken())  # type: ignore[arg-type, return-value]
    controller.add_listener(events)
    controller.tokenize(ENGLISH)
    assert "went away" in events.wait(TokenizeFailed)[0].message


def test_the_chats_draft_count_is_the_engines(engine: EngineClient, tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "chat.db")
    session = ChatSession(store, lambda: engine)
    events = Events()
    session.add_listener(events)
    session.new_conversation("draft")
    assert session.conversation is not None
    cid = session.conversation.id
    store.append_message(cid, "user", "What is the capital of France?")
    store.append_message(cid, "assistant", "Paris.")
    session.open(cid)
    text = "And what is the capital of China? 中国的首都是哪里？"
    session.count_draft("  " + text + "\n")
    counted = events.wait(DraftCounted)[0]
    assert counted.text == text
    assert counted.tokens == len(engine.tokenize(text).result(30))
    messages = [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "Paris."},
        {"role": "user", "content": text},
    ]
    budget = engine.budget(messages, 0).result(30)
    assert counted.prompt_tokens == budget.prompt_tokens > counted.tokens
    assert counted.n_ctx == 4096 and counted.left == 4096 - budget.prompt_tokens
    assert counted.fits
    # while editing the first message, the turns after it are not counted
    session.begin_edit(0)
    session.count_draft(text)
    edited = events.wait(DraftCounted, 2)[1]
    only = engine.budget([{"role": "user", "content": text}], 0).result(30)
    assert edited.prompt_tokens == only.prompt_tokens < counted.prompt_tokens
    store.close()


def test_a_draft_that_does_not_fit_says_so(engine: EngineClient, tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "chat.db")
    session = ChatSession(store, lambda: engine)
    events = Events()
    session.add_listener(events)
    session.new_conversation("long")
    session.count_draft("word " * 3700)  # plus the answer's room: over 4096
    counted = events.wait(DraftCounted)[0]
    assert counted.tokens >= 3700 and not counted.fits
    session.count_draft("   ")  # nothing to count: no event
    store.close()


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
