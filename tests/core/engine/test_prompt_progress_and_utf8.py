"""Issue 14: a long prompt reports its reading progress, and streamed text never splits a
character. On the real starter model (its byte-level tokens split CJK characters)."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, PromptProgress, Token
from desktop_app.core.engine.params import ChatRequest
from desktop_app.core.engine.token_stream import TokenText, decode_stream

CHINESE = (
    "大海是地球上最大的水体，覆盖了约百分之七十一的表面。"
    "沿海城市的历史往往与港口、贸易和渔业紧密相连。"
    "人们在这里修建灯塔，记录潮汐，也讲述关于远航的故事。😀"
)


def _long_messages(n: int = 70) -> list[dict[str, str]]:
    text = " ".join(f"Item {i}: the quick brown fox jumps over the lazy dog." for i in range(n))
    return [{"role": "user", "content": text + "\nSummarize in one sentence."}]


def test_progress_is_reported_while_a_long_prompt_is_read(engine: EngineClient) -> None:
    messages = _long_messages()
    budget = engine.budget(messages, 16).result(timeout=60)
    events = list(engine.chat(ChatRequest.of(messages, max_tokens=12, seed=3)).events(120))
    first_token = next(i for i, e in enumerate(events) if isinstance(e, Token))
    progress = [e for e in events if isinstance(e, PromptProgress)]
    assert all(isinstance(e, PromptProgress) for e in events[: len(progress)])
    assert all(i < first_token for i, e in enumerate(events) if isinstance(e, PromptProgress))
    assert progress[0].done == 0 and progress[-1].done == progress[-1].total
    assert len(progress) >= 3, progress  # batches of at most 512 tokens: counted as they end
    dones = [p.done for p in progress]
    assert dones == sorted(set(dones))
    total = progress[-1].total
    assert budget.prompt_tokens - 64 <= total <= budget.prompt_tokens
    answer = events[-1]
    assert isinstance(answer, Done)

    # Again: the context holds the prompt, so only its last token is read, and the answer (same
    # seed) is the same as from a fresh read.
    again = list(engine.chat(ChatRequest.of(messages, max_tokens=12, seed=3)).events(120))
    read = [e for e in again if isinstance(e, PromptProgress)]
    assert read[-1].total == 1
    final = again[-1]
    assert isinstance(final, Done) and final.text == answer.text


def test_a_character_split_across_chunks_is_joined() -> None:
    data = "你好 😀 é".encode()
    assert len(data) > 10
    pieces = [data[i : i + 1] for i in range(len(data))]  # one byte at a time
    out = decode_stream(pieces)
    assert "".join(out) == "你好 😀 é"
    assert out[0] == "" and out[2] == "你"  # held until its third byte came
    cut = TokenText()
    assert cut.feed("你".encode()[:2]) == "" and cut.pending
    assert cut.feed("你".encode()[2:] + b"!") == "你!" and not cut.pending
    assert cut.feed("好".encode()[:1]) == "" and cut.flush() == ""  # a cut-off tail is dropped
    # bytes no UTF-8 text can hold (a byte token sampled out of place) are dropped, not "\ufffd"
    assert "".join(decode_stream([b"a", b"\xe4", b"b", b"\xff", "好".encode()])) == "ab好"


@pytest.fixture(scope="module")
def vocab_model(starter_model: Path):  # type: ignore[no-untyped-def]
    import llama_cpp

    llm = llama_cpp.Llama(str(starter_model), vocab_only=True, verbose=False)
    yield llm
    llm.close()


def test_chinese_streamed_token_by_token_through_the_starter_vocabulary(vocab_model) -> None:  # type: ignore[no-untyped-def]
    import llama_cpp

    tokens = vocab_model.tokenize(CHINESE.encode(), add_bos=False, special=False)
    vocab = vocab_model._model.vocab
    buf = ctypes.create_string_buffer(64)

    def piece(token: int) -> bytes:
        n = llama_cpp.llama_token_to_piece(vocab, token, buf, len(buf), 0, False)
        return buf.raw[:n]

    chunks = [piece(t) for t in tokens]
    broken = 0
    for chunk in chunks:
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            broken += 1
    assert broken >= 10, "the starter model's tokens split CJK characters: the case under test"
    text = "".join(decode_stream(chunks))
    assert "\ufffd" not in text
    assert text == CHINESE
    # decoding each token on its own (what a non-incremental stream does) breaks characters
    naive = "".join(c.decode("utf-8", "replace") for c in chunks)
    assert "\ufffd" in naive


def test_a_chinese_answer_streams_without_broken_characters(engine: EngineClient) -> None:
    messages = [{"role": "user", "content": "请用中文写一段关于大海和城市历史的文章。"}]
    for seed in (2, 3):
        events = list(engine.chat(ChatRequest.of(messages, max_tokens=80, seed=seed)).events(120))
        streamed = "".join(e.text for e in events if isinstance(e, Token))
        done = events[-1]
        assert isinstance(done, Done)
        assert "\ufffd" not in streamed and streamed == done.text
        assert any("\u4e00" <= c <= "\u9fff" for c in streamed)
