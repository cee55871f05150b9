"""`hearth tokenize MODEL TEXT|-`: how the model splits a text into tokens, and what it costs.

    hearth tokenize MODEL TEXT|- [--ids] [--json]

The text alone is tokenized (no BOS/EOS, special-token text read as plain text): the same ids as
llama-cpp-python's `Llama.tokenize(text, add_bos=False, special=False)`. Only the vocabulary is
loaded (llama.cpp's vocab_only: no weights, no context memory, so a model too big for this
computer can still be tokenized), in the engine process, since a malformed file can abort.

A byte-level tokenizer splits a CJK character or an emoji over several tokens, so a token's bytes
need not be UTF-8 on their own. Such a token is shown with the bytes that are not as `\\xNN`
escapes (Python's "backslashreplace"): "世" over two tokens reads "\\xe4\\xb8" and "\\x96". In
`--json`, `text` is written the same way; the ids are exact, and the engine's `token_pieces`
gives the raw bytes, which join back to the text's UTF-8.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from desktop_app.cli_common import read_prompt
from desktop_app.core.engine import requests as rq
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.models.resolve import resolve_model
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings

# Alternating backgrounds (black text), so neighbouring tokens are told apart on a terminal.
_BACKGROUNDS = ("\x1b[30;43m", "\x1b[30;46m", "\x1b[30;42m", "\x1b[30;45m")
_RESET = "\x1b[0m"
_SHOWN = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}  # whitespace a token holds, made visible


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "tokenize",
        help="show how a model splits a text into tokens (ids, count, characters per token)",
        description="Split a text into the model's tokens, as llama.cpp does (no BOS/EOS, "
        "special tokens off). On a terminal the tokens are coloured; a token that holds part of "
        "a character shows those bytes as \\xNN.",
    )
    p.add_argument("model", metavar="MODEL",
                   help="a .gguf path, a name in the models folder, or 'starter'")  # fmt: skip
    p.add_argument("text", metavar="TEXT", help="the text, or '-' to read standard input")
    p.add_argument("--ids", action="store_true", help="show each token's id after it")
    p.add_argument("--json", action="store_true",
                   help='machine-readable output: {"count": n, "tokens": [{"id", "text"}]}')  # fmt: skip
    return p


def run(args: argparse.Namespace, settings: Settings) -> int:
    text = read_prompt(args.text, "the text")
    model = resolve_model(args.model, settings)
    ids, pieces = tokenize_file(str(model), text)
    tokens = [(i, piece_text(p)) for i, p in zip(ids, pieces, strict=True)]
    if args.json:
        print(json.dumps(to_json(tokens), ensure_ascii=False))
        return 0
    print(show(tokens, colour=_colour(), ids=args.ids))
    print(summary(len(ids), len(text)))
    return 0


def tokenize_file(path: str, text: str) -> tuple[list[int], list[bytes]]:
    """The ids and pieces from the file's vocabulary alone, in a fresh engine process."""
    engine = EngineClient(log_dir=app_paths().ensure().log_dir).start()
    try:
        ids, pieces = engine.submit(rq.TokenizeFile(path, text)).result()
    finally:
        engine.close()
    return list(ids), list(pieces)


def piece_text(piece: bytes) -> str:
    """A token's text; the bytes that are not UTF-8 on their own as \\xNN escapes."""
    return piece.decode("utf-8", errors="backslashreplace")


def to_json(tokens: list[tuple[int, str]]) -> dict[str, Any]:
    return {"count": len(tokens), "tokens": [{"id": i, "text": t} for i, t in tokens]}


def show(tokens: list[tuple[int, str]], *, colour: bool, ids: bool) -> str:
    """The tokens in a row: on alternating backgrounds, or split by '|' without colour."""
    parts: list[str] = []
    for n, (token_id, text) in enumerate(tokens):
        shown = "".join(_SHOWN.get(c, c) for c in text)
        if ids:
            shown += f"({token_id})"
        if colour:
            shown = f"{_BACKGROUNDS[n % len(_BACKGROUNDS)]}{shown}{_RESET}"
        parts.append(shown + ("\n" if text.endswith("\n") else ""))
    return ("" if colour else "|").join(parts)


def summary(count: int, characters: int) -> str:
    per = f"{characters / count:.2f}" if count else "-"
    noun = "token" if count == 1 else "tokens"
    return f"{count} {noun}, {characters} characters, {per} characters per token"


def _colour() -> bool:
    return (
        sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    )
