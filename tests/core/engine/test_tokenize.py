"""The engine's tokenizer against llama-cpp-python's own, on the real starter model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.errors import AppError

TEXTS = {
    "english": "The quick brown fox jumps over the lazy dog, twice.",
    "chinese": "大型语言模型把文字切成词元，中文通常更费上下文。",
    "emoji": "🎉🦊👩‍👩‍👧 ok 👍🏽",
    "mixed": "Hello 世界! café naïve — 1234 tokens <|im_start|> 🚀\n\ttabs",
}


@pytest.fixture(scope="module")
def reference(starter_model: Path) -> Iterator[Any]:
    """llama-cpp-python's tokenizer, vocabulary only, in this process."""
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(starter_model), vocab_only=True, verbose=False)
    yield llm
    llm.close()


@pytest.mark.parametrize("kind", sorted(TEXTS))
def test_ids_equal_llama_cpp_python_and_pieces_join_back(
    engine: EngineClient, reference: Any, kind: str
) -> None:
    text = TEXTS[kind]
    ids = engine.tokenize(text).result(timeout=30)
    assert ids == reference.tokenize(text.encode(), add_bos=False, special=False)
    pieces = engine.token_pieces(ids).result(timeout=30)
    assert all(isinstance(p, bytes) and p for p in pieces)
    assert b"".join(pieces) == text.encode("utf-8")
    assert engine.detokenize(ids).result(timeout=30) == text


def test_a_chinese_character_can_split_over_tokens(engine: EngineClient) -> None:
    """Byte-level BPE: some pieces are not UTF-8 alone, only the join is."""
    pieces = engine.token_pieces(engine.tokenize(TEXTS["chinese"]).result(30)).result(30)
    broken = [p for p in pieces if not _is_utf8(p)]
    assert broken, "expected at least one piece holding part of a character"


def test_special_tokens_only_when_asked(engine: EngineClient, reference: Any) -> None:
    text = "<|im_start|>user"
    plain = engine.tokenize(text).result(30)
    special = engine.tokenize(text, parse_special=True).result(30)
    assert special == reference.tokenize(text.encode(), add_bos=False, special=True)
    assert len(special) < len(plain)
    assert engine.detokenize(special).result(30) == text  # a control token comes back as its text
    with_bos = engine.tokenize("hi", add_special=True).result(30)
    assert with_bos == reference.tokenize(b"hi", add_bos=True, special=False)


def test_empty_text_has_no_tokens(engine: EngineClient) -> None:
    assert engine.tokenize("").result(30) == []
    assert engine.token_pieces([]).result(30) == []
    assert engine.detokenize([]).result(30) == ""


def test_ids_outside_the_vocabulary_are_refused(engine: EngineClient) -> None:
    for bad in ([49152], [-1], [1, 2, 10**9]):
        with pytest.raises(AppError, match="not in the vocabulary"):
            engine.detokenize(bad).result(30)
    assert engine.alive  # refused before llama.cpp reads past its table
    assert engine.detokenize([19556]).result(30)  # still serving


def test_without_a_model(bare_engine: EngineClient) -> None:
    with pytest.raises(AppError, match="No model"):
        bare_engine.tokenize("hi").result(30)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
