"""`hearth tokenize`'s vocabulary-only load gives the same ids as the loaded model, in the
engine process, and a bad file is refused there with a clear error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from gguf_factory import write_tiny_llama

from desktop_app.core.engine import requests as rq
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.errors import AppError

TEXTS = {
    "english": "The quick brown fox jumps over the lazy dog, twice.",
    "chinese": "大型语言模型把文字切成词元，中文通常更费上下文。",
    "emoji": "🎉🦊👩‍👩‍👧 ok 👍🏽",
    "mixed": "Hello 世界! café naïve — 1234 tokens <|im_start|> 🚀\n\ttabs",
}


@pytest.mark.parametrize("kind", sorted(TEXTS))
def test_vocab_only_ids_equal_the_full_loads(
    engine: EngineClient, starter_model: Path, kind: str
) -> None:
    text = TEXTS[kind]
    full = engine.tokenize(text).result(timeout=30)  # the model loaded with its weights
    ids, pieces = engine.submit(rq.TokenizeFile(str(starter_model), text)).result(timeout=60)
    assert ids == full
    assert pieces == engine.token_pieces(full).result(timeout=30)
    assert b"".join(pieces) == text.encode("utf-8")
    assert engine.model_info is not None  # the loaded model stays loaded
    assert engine.tokenize("hi").result(timeout=30)


def test_special_tokens_as_asked(engine: EngineClient, starter_model: Path) -> None:
    text = "<|im_start|>user"
    request = rq.TokenizeFile(str(starter_model), text, add_special=True, parse_special=True)
    ids, _ = engine.submit(request).result(timeout=60)
    assert ids == engine.tokenize(text, add_special=True, parse_special=True).result(30)


def test_no_weights_are_read_and_no_model_is_needed(
    bare_engine: EngineClient, starter_model: Path
) -> None:
    started = time.perf_counter()
    ids, _ = bare_engine.submit(rq.TokenizeFile(str(starter_model), "hello")).result(60)
    assert ids and time.perf_counter() - started < 60  # a bound against a hang, not a benchmark
    assert bare_engine.model_info is None  # nothing was loaded for it


def test_a_bad_file_is_refused_in_the_engine(bare_engine: EngineClient, tmp_path: Path) -> None:
    dup = write_tiny_llama(tmp_path / "dup.gguf", extra_tokens=["▁the"])  # llama.cpp aborts
    with pytest.raises(AppError, match="same token twice"):
        bare_engine.submit(rq.TokenizeFile(str(dup), "the")).result(timeout=60)
    notes = tmp_path / "notes.gguf"
    notes.write_text("just some notes", encoding="utf-8")
    with pytest.raises(AppError):
        bare_engine.submit(rq.TokenizeFile(str(notes), "the")).result(timeout=60)
    assert bare_engine.alive  # refused by the header check, before llama.cpp saw them
    tiny = write_tiny_llama(tmp_path / "tiny.gguf", tokenizer="gpt2")
    ids, pieces = bare_engine.submit(rq.TokenizeFile(str(tiny), "ab")).result(timeout=60)
    assert b"".join(pieces) == b"ab" and ids
