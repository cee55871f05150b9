"""The tokenizer's requests: a text's ids, each id's bytes, ids back to text.

The ids are llama-cpp-python's `Llama.tokenize(text, add_bos=add_special, special=parse_special)`.
Pieces are bytes, not text: a byte-level BPE splits a CJK character or an emoji over several
tokens, and only the pieces joined are valid UTF-8. Ids are checked against the vocabulary
first, since llama.cpp reads its table without a bounds check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop_app.core.engine.llama_setup import PieceReader


def tokenize(
    llm: Any, text: str, add_special: bool = False, parse_special: bool = False
) -> list[int]:
    return list(llm.tokenize(text.encode("utf-8"), add_bos=add_special, special=parse_special))


def token_pieces(llm: Any, ids: Sequence[int]) -> list[bytes]:
    """Each token's own bytes, a special token as its text ("<|im_end|>", not nothing)."""
    check_token_ids(ids, llm.n_vocab())
    piece = PieceReader(llm._model.vocab, special=True)
    return [piece(i) for i in ids]


def detokenize(llm: Any, ids: Sequence[int]) -> str:
    """The pieces joined, as llama-server's /detokenize: bytes that are not UTF-8 replaced."""
    return b"".join(token_pieces(llm, ids)).decode("utf-8", errors="replace")


def check_token_ids(ids: Sequence[int], n_vocab: int) -> None:
    """Refuse an id outside the vocabulary before llama.cpp reads past its table."""
    for i, token in enumerate(ids):
        if isinstance(token, bool) or not isinstance(token, int) or not 0 <= token < n_vocab:
            raise ValueError(
                f"Token {i + 1} ({token!r}) is not in the vocabulary: ids run from 0 to "
                f"{n_vocab - 1}."
            )
