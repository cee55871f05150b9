"""llama-server's tokenizer shapes: POST /tokenize and POST /detokenize.

    /tokenize    {"content": str, "add_special"?: bool, "parse_special"?: bool, "with_pieces"?: bool}
                 -> {"tokens": [int]}, or with_pieces: {"tokens": [{"id": int, "piece": str | [int]}]}
    /detokenize  {"tokens": [int]} -> {"content": str}

As llama-server: a piece that is not valid UTF-8 alone (part of a CJK character or an emoji) is
given as its list of byte values. Bad input is a 400 naming the field: a token list that is not
a list of integers, an id outside the vocabulary, a text or a list longer than the limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.server.errors import bad_request

MAX_CONTENT_CHARS = 2_000_000  # the body limit (4 MiB) holds about this much text
MAX_TOKENS = 1_000_000


@dataclass(frozen=True)
class TokenizeJob:
    content: str
    add_special: bool = False
    parse_special: bool = False
    with_pieces: bool = False


def _fields(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def _flag(f: dict[str, Any], name: str) -> bool:
    value = f.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false.", name)
    return value


def parse_tokenize(body: Any) -> TokenizeJob:
    f = _fields(body)
    content = f.get("content")
    if not isinstance(content, str):
        raise bad_request("content is required: the text to split into tokens.", "content")
    if len(content) > MAX_CONTENT_CHARS:
        raise bad_request(
            f"content is too long: {len(content):,} characters, at most {MAX_CONTENT_CHARS:,}.",
            "content",
        )
    flags = (_flag(f, n) for n in ("add_special", "parse_special", "with_pieces"))
    return TokenizeJob(content, *flags)


def parse_detokenize(body: Any, n_vocab: int) -> list[int]:
    """The ids, each checked against the vocabulary (`n_vocab` 0: not checked here)."""
    tokens = _fields(body).get("tokens")
    if not isinstance(tokens, list):
        raise bad_request("tokens is required: a list of token ids (integers).", "tokens")
    if len(tokens) > MAX_TOKENS:
        raise bad_request(
            f"tokens is too long: {len(tokens):,} ids, at most {MAX_TOKENS:,}.", "tokens"
        )
    for i, token in enumerate(tokens):
        if isinstance(token, bool) or not isinstance(token, int):
            raise bad_request(f"tokens[{i}] must be an integer token id, not {token!r}.", "tokens")
        if token < 0 or (n_vocab and token >= n_vocab):
            top = f" to {n_vocab - 1}" if n_vocab else " up"
            raise bad_request(
                f"tokens[{i}] = {token} is not in the vocabulary (ids run from 0{top}).", "tokens"
            )
    return tokens


def tokens_body(ids: list[int], pieces: list[bytes] | None) -> dict[str, Any]:
    if pieces is None:
        return {"tokens": ids}
    return {"tokens": [{"id": i, "piece": _piece(p)} for i, p in zip(ids, pieces, strict=True)]}


def _piece(data: bytes) -> str | list[int]:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return list(data)  # llama-server's form for a piece that is part of a character
