"""The physical limit of batch classification: prompt-processing rate and the bound it sets.

Scoring a text costs at least one forward pass over its own tokens (the text and the template's
tail after it; the shared prefix is evaluated once). The fastest any engine can do that on this
machine is llama.cpp's prompt-processing rate, measured as llama-bench's `pp` test does: decode a
batch of n tokens into a fresh sequence, time it, repeat, take the median. bench/sentiment.py
prints `bound ratio R` = texts/s achieved ÷ texts/s at that rate.

`measure` runs in the engine process (the Llama object is not thread-safe: the engine's loop is
the only caller); the arithmetic below it is plain and runs anywhere.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.engine import messages
from desktop_app.core.errors import CancelledError, GenerationError


@dataclass(frozen=True)
class PromptRate:
    """Seconds per decode of `n_tokens` tokens, one entry per repetition."""

    n_tokens: int
    seconds: tuple[float, ...]

    @property
    def median_s(self) -> float:
        return float(statistics.median(self.seconds))

    @property
    def tokens_per_s(self) -> float:
        return self.n_tokens / self.median_s if self.median_s > 0 else float("inf")


def bound_seconds(item_tokens: Sequence[int], tokens_per_s: float) -> float:
    """The least time the items can take: every item's own tokens at the prompt rate."""
    if tokens_per_s <= 0:
        raise ValueError("the prompt rate must be positive")
    return sum(item_tokens) / tokens_per_s


def bound_ratio(
    n_texts: int, seconds: float, item_tokens: Sequence[int], tokens_per_s: float
) -> float:
    """R = texts/s achieved ÷ texts/s at the bound (= bound time ÷ time taken); 1.0 is the limit."""
    if seconds <= 0 or n_texts <= 0:
        raise ValueError("need a positive time and at least one text")
    achieved = n_texts / seconds
    at_bound = n_texts / bound_seconds(item_tokens, tokens_per_s)
    return achieved / at_bound


# ---- the engine process's side ------------------------------------------------------------------


def measure(
    llm: Any,
    n_tokens: int,
    repetitions: int,
    cancel_requested: Callable[[], bool] = lambda: False,
    *,
    warmup: bool = True,
    seed: int = 0,
) -> PromptRate:
    """Time `repetitions` decodes of `n_tokens` random tokens into a fresh sequence.

    `warmup`: one untimed run first, as llama-bench does (pointless when the engine just ran).

    The tokens go in batches of the context's n_batch (as llama-bench's pp does), into the
    highest sequence id, so sequence 0 (chat's cache and the classify prefix) stays as it is;
    a context with one sequence has its cache cleared instead.
    """
    import llama_cpp

    from desktop_app.core.engine.scorer import Batch

    if n_tokens < 1 or repetitions < 1:
        raise ValueError("need at least one token and one repetition")
    ctx = llm.ctx
    mem = llama_cpp.llama_get_memory(ctx)
    n_ctx = int(llm.n_ctx())
    n_batch = max(1, int(llm.n_batch))
    if n_tokens > n_ctx:
        raise ValueError(f"{n_tokens} tokens do not fit in the context ({n_ctx})")
    n_seq = int(llama_cpp.llama_n_seq_max(ctx))
    seq = n_seq - 1
    if seq == 0:
        llama_cpp.llama_memory_clear(mem, True)
        llm.n_tokens = 0
    rng = random.Random(seed)
    n_vocab = int(llm.n_vocab())
    batch = Batch(llama_cpp, n_batch)
    times: list[float] = []
    try:
        for _ in range(repetitions + int(warmup)):
            if cancel_requested():
                raise CancelledError(messages.CANCELLED)
            tokens = [rng.randrange(n_vocab) for _ in range(n_tokens)]
            llama_cpp.llama_memory_seq_rm(mem, seq, -1, -1)
            started = time.perf_counter()
            for k in range(0, n_tokens, n_batch):
                batch.clear()
                batch.add(tokens[k : k + n_batch], k, seq, "last")
                batch.raw.n_tokens = batch.n
                rc = llama_cpp.llama_decode(ctx, batch.raw)
                if rc != 0:
                    raise GenerationError(
                        f"llama_decode failed ({rc}) while timing the prompt rate."
                    )
            llama_cpp.llama_synchronize(ctx)
            times.append(time.perf_counter() - started)
    finally:
        llama_cpp.llama_memory_seq_rm(mem, seq, -1, -1)
        batch.close()
    return PromptRate(n_tokens, tuple(times[int(warmup) :]))


__all__ = ["PromptRate", "bound_ratio", "bound_seconds", "measure"]
