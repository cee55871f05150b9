"""Where a chat answer's tokens meet text and its prompt meets llama.cpp: reading the prompt in
batches (with progress) and turning token bytes into text.

Apart from llama_engine.py so both can be tested on their own against the real model: the
prompt reader needs a loaded `Llama`, the decoder only the vocabulary's bytes.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from desktop_app.core.engine.events import PromptProgress

# Bytes a model writes that are no UTF-8 (a byte token sampled out of place) carry no character:
# they are dropped, never shown as U+FFFD. A character split across tokens is joined (below).
_DROP = "ignore"


class TokenText:
    """Token bytes in, text out, one token at a time.

    A byte-level vocabulary splits most CJK characters (3 bytes in UTF-8) across two or three
    tokens, so a token's bytes are often not text on their own. An incremental decoder keeps the
    bytes of an unfinished character until the rest arrive; `flush` drops what is left (a
    character cut off by max tokens or a stop).
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors=_DROP)

    def feed(self, data: bytes) -> str:
        return self._decoder.decode(data)

    @property
    def pending(self) -> bool:
        """Bytes of an unfinished character are held."""
        return bool(self._decoder.getstate()[0])

    def flush(self) -> str:
        return self._decoder.decode(b"", final=True)


def decode_stream(chunks: Sequence[bytes]) -> list[str]:
    """The text each chunk releases (tests, and any caller with a list of token bytes)."""
    text = TokenText()
    out = [text.feed(chunk) for chunk in chunks]
    if out:
        out[-1] += text.flush()
    return out


def cached_prefix(llm: Any, prompt: Sequence[int]) -> int:
    """Tokens at the start of `prompt` that the context already holds (a chat's earlier turns).

    The last prompt token is always read again: its logits are what the first answer token is
    sampled from.
    """
    if llm.n_tokens <= 0:
        return 0
    n = 0
    for a, b in zip(llm._input_ids, prompt, strict=False):
        if a != b:
            break
        n += 1
    return min(n, len(prompt) - 1)


def read_prompt(
    llm: Any, prompt: Sequence[int], cancel_requested: Callable[[], bool]
) -> Iterator[PromptProgress]:
    """Evaluate `prompt` batch by batch, yielding progress; stop early on a cancel.

    What llama-cpp-python's `generate` would do in one call (reuse the cached prefix, evaluate
    the rest in n_batch pieces), done here so that each batch can be reported. Batches are the
    micro-batch size (n_ubatch): llama.cpp computes in those anyway, so reporting costs nothing.
    `generate(prompt)` afterwards finds the whole prompt cached and samples at once (an older
    llama-cpp-python reads the last token again: one token). Raises llama.cpp's RuntimeError
    (its abort callback stops a batch on a cancel).
    """
    keep = cached_prefix(llm, prompt)
    if keep > 0 and not llm._ctx.kv_cache_seq_rm(-1, keep, -1):
        keep = 0  # this memory cannot drop a tail (recurrent models): read it all again
    if keep == 0:
        llm.reset()
    else:
        llm.n_tokens = keep
    rest = list(prompt[keep:])
    total = len(rest)
    yield PromptProgress(0, total)
    step = max(1, min(int(llm.n_batch), int(getattr(llm.context_params, "n_ubatch", 512) or 512)))
    for start in range(0, total, step):
        if cancel_requested():
            return
        llm.eval(rest[start : start + step])
        yield PromptProgress(min(total, start + step), total)
