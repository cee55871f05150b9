"""The local engine's scoring machinery: llama.cpp batches, the shared prefix, label log-scores.

Runs inside the engine process, on the engine's own llama.cpp context (not thread-safe: the
engine's loop is the only caller). The prefix is evaluated once per request (and kept in the KV
cache for the next request with the same prefix); each item then costs only its own tokens: the
cache is cut back to the prefix (`llama_memory_seq_rm`) and the item's tokens are decoded after
it. Where the context has several sequences over a unified KV cache, the prefix is shared with
other sequences (`llama_memory_seq_cp`, no copy of the data) and several items go into one decode.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.engine.label_plan import LabelPlan
from desktop_app.core.engine.label_scores import logsumexp
from desktop_app.core.errors import GenerationError

# Arm llama.cpp's abort callback (a Python call per graph node, a few ms per decode) only for
# decodes at least this long: a group of texts then stops mid-decode on a cancel, and the
# one-token label continuations pay nothing.
ABORT_MIN_TOKENS = 32


class ScoringCancelled(Exception):
    """A cancel reached a decode or the gap between groups."""


class NoRoom(Exception):
    """The KV cache has no room for the decode (fragmented or full)."""


class Batch:
    def __init__(self, lib: Any, capacity: int) -> None:
        self._lib = lib
        self.capacity = capacity
        self.raw = lib.llama_batch_init(capacity, 0, 1)
        self.n = 0

    def clear(self) -> None:
        self.n = 0

    def add(self, tokens: Sequence[int], pos0: int, seq: int, outputs: str) -> list[int]:
        """Append tokens of one sequence; `outputs` "last" or "all". Returns output indexes."""
        raw = self.raw
        start = self.n
        for j, tok in enumerate(tokens):
            i = start + j
            raw.token[i] = tok
            raw.pos[i] = pos0 + j
            raw.n_seq_id[i] = 1
            raw.seq_id[i][0] = seq
            raw.logits[i] = outputs == "all"
        self.n = start + len(tokens)
        if outputs == "last" and tokens:
            raw.logits[self.n - 1] = True
        if outputs == "all":
            return list(range(start, self.n))
        return [self.n - 1] if tokens else []

    def close(self) -> None:
        if self.raw is not None:
            self._lib.llama_batch_free(self.raw)
            self.raw = None


@dataclass
class Counters:
    decodes: int = 0
    tokens: int = 0
    prefix_evaluations: int = 0
    prefix_tokens_evaluated: int = 0
    item_tokens: int = 0  # decoded for items: their tokens and the label continuations


@dataclass
class Scorer:
    llm: Any
    cancel_requested: Callable[[], bool]
    arm_abort: Callable[[bool], None]
    counters: Counters = field(default_factory=Counters)

    def __post_init__(self) -> None:
        import llama_cpp
        import numpy as np

        self.lib = llama_cpp
        self.np = np
        self.ctx = self.llm.ctx
        self.mem = llama_cpp.llama_get_memory(self.ctx)
        self.n_ctx = int(self.llm.n_ctx())
        self.n_batch = max(1, int(self.llm.n_batch))
        self.n_vocab = int(self.llm.n_vocab())
        self.batch = Batch(llama_cpp, self.n_batch)
        self.prefix: list[int] = []
        self.prefix_ok = 0  # prefix tokens known to be in sequence 0
        self.used_seqs: set[int] = set()

    # ---- llama.cpp calls -------------------------------------------------------------------

    def _decode(self) -> None:
        if self.batch.n == 0:
            return
        self.batch.raw.n_tokens = self.batch.n
        long = self.batch.n >= ABORT_MIN_TOKENS
        if long:
            self.arm_abort(True)
        try:
            rc = self.lib.llama_decode(self.ctx, self.batch.raw)
        finally:
            if long:
                self.arm_abort(False)
        self.counters.decodes += 1
        self.counters.tokens += self.batch.n
        if rc == 2 or (rc != 0 and self.cancel_requested()):
            raise ScoringCancelled()
        if rc == 1:
            raise NoRoom()
        if rc != 0:
            raise GenerationError(f"llama.cpp failed to evaluate the input (llama_decode {rc}).")

    def _log_softmax_at(self, i: int) -> Any:
        ptr = self.lib.llama_get_logits_ith(self.ctx, i)
        logits = self.np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).astype(self.np.float64)
        top = logits.max()
        return logits - (top + math.log(float(self.np.exp(logits - top).sum())))

    def _seq_rm(self, seq: int, p0: int) -> bool:
        return bool(self.lib.llama_memory_seq_rm(self.mem, seq, p0, -1))

    # ---- the shared prefix ------------------------------------------------------------------

    def load_prefix(self, prefix: list[int]) -> None:
        """Put `prefix` in sequence 0, reusing what the Llama object already holds there."""
        llm = self.llm
        self.prefix = prefix
        cached = int(llm.n_tokens)
        held = [int(t) for t in llm.input_ids[:cached]]
        common = 0
        for a, b in zip(held, prefix, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(prefix))
        if not self._seq_rm(0, common):
            self.lib.llama_memory_clear(self.mem, True)
            common = 0
        llm.n_tokens = common
        self.prefix_ok = common
        rest = prefix[common:]
        if rest:
            self.counters.prefix_evaluations += 1
            self.counters.prefix_tokens_evaluated += len(rest)
        for k in range(0, len(rest), self.n_batch):
            chunk = rest[k : k + self.n_batch]
            self.batch.clear()
            self.batch.add(chunk, common + k, 0, "none")
            self._decode()
            self.prefix_ok = common + k + len(chunk)
            llm.input_ids[common + k : self.prefix_ok] = chunk
            llm.n_tokens = self.prefix_ok

    def reset_to_prefix(self, seq: int) -> None:
        if seq != 0:
            self._seq_rm(seq, -1)  # the whole sequence; the prefix is shared again below
            self.lib.llama_memory_seq_cp(self.mem, 0, seq, 0, len(self.prefix))
        elif not self._seq_rm(0, len(self.prefix)):
            # a model whose memory cannot be cut back (recurrent): evaluate the prefix again
            self.lib.llama_memory_clear(self.mem, True)
            self.llm.n_tokens = 0
            self.prefix_ok = 0
            self.load_prefix(self.prefix)
        self.used_seqs.add(seq)

    def finish(self) -> None:
        """Leave the cache as the Llama object believes it is: the prefix in sequence 0."""
        for seq in self.used_seqs - {0}:
            self._seq_rm(seq, -1)
        if self.prefix_ok and self._seq_rm(0, self.prefix_ok):
            self.llm.n_tokens = self.prefix_ok
        else:
            self.lib.llama_memory_clear(self.mem, True)
            self.llm.n_tokens = 0
        self.batch.close()

    # ---- items ------------------------------------------------------------------------------

    def score_group(self, items: list[list[int]], plan: LabelPlan) -> list[tuple[float, ...]]:
        """Label log-scores (unnormalised log-probabilities) for items decoded together."""
        p = len(self.prefix)
        for seq in sorted(self.used_seqs - {0} - set(range(len(items)))):
            self._seq_rm(seq, -1)  # a sequence of a larger earlier group: free its cells
            self.used_seqs.discard(seq)
        for seq in range(len(items)):
            self.reset_to_prefix(seq)
        self.counters.item_tokens += sum(len(tokens) for tokens in items)
        outs: list[int] = []
        if len(items) == 1 and len(items[0]) > self.n_batch:
            tokens = items[0]
            for k in range(0, len(tokens), self.n_batch):
                self.batch.clear()
                last = k + self.n_batch >= len(tokens)
                idx = self.batch.add(
                    tokens[k : k + self.n_batch], p + k, 0, "last" if last else "none"
                )
                self._decode()
                if self.cancel_requested():
                    raise ScoringCancelled()
            outs = idx
        else:
            self.batch.clear()
            for seq, tokens in enumerate(items):
                outs += self.batch.add(tokens, p, seq, "last")
            self._decode()
        results: list[tuple[float, ...]] = []
        for seq, (tokens, out) in enumerate(zip(items, outs, strict=True)):
            logp = self._log_softmax_at(out)
            if plan.mode == "first_token":
                results.append(
                    tuple(logsumexp([float(logp[f[0]]) for f in forms]) for forms in plan.forms)
                )
            else:
                results.append(self._sequence_scores(seq, p + len(tokens), logp, plan))
        return results

    def _sequence_scores(
        self, seq: int, end: int, first: Any, plan: LabelPlan
    ) -> tuple[float, ...]:
        """Each form's summed log-probability: feed its tokens after the item, one form at a time."""
        scores: list[float] = []
        for forms in plan.forms:
            totals: list[float] = []
            for form in forms:
                total = float(first[form[0]])
                if len(form) > 1:
                    self._seq_rm(seq, end)
                    self.batch.clear()
                    idx = self.batch.add(form[:-1], end, seq, "all")
                    self._decode()
                    self.counters.item_tokens += len(form) - 1
                    for i, tok in zip(idx, form[1:], strict=True):
                        total += float(self._log_softmax_at(i)[tok])
                totals.append(total)
            scores.append(logsumexp(totals))
        self._seq_rm(seq, end)
        return tuple(scores)


def groups(lengths: list[int], n_par: int, n_batch: int, room: int) -> list[list[int]]:
    """Consecutive items per decode: at most n_par, n_batch tokens, and `room` cache cells."""
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, n in enumerate(lengths):
        if current and (len(current) >= n_par or used + n > n_batch or used + n > room):
            groups.append(current)
            current, used = [], 0
        current.append(i)
        used += n
    if current:
        groups.append(current)
    return groups


def sequences_per_decode(llm: Any, lib: Any, wanted: int) -> int:
    """Sequences per decode: only with a unified KV cache (the prefix is then shared, not copied)."""
    n_seq = int(lib.llama_n_seq_max(llm.ctx))
    unified = bool(getattr(getattr(llm, "context_params", None), "kv_unified", False))
    if n_seq <= 1 or not unified:
        return 1
    return max(1, min(wanted, n_seq))


__all__ = [
    "Batch",
    "Counters",
    "NoRoom",
    "Scorer",
    "ScoringCancelled",
    "groups",
    "sequences_per_decode",
]
