"""Log-probabilities of sampled tokens, read from llama.cpp's logits only when a request asks.

The chat token loop calls a `LogprobReader` per sampled token when `SamplingParams.logprobs` is
set; otherwise the loop never creates one, so the normal path pays a single `is None` check.
The values are the model's own distribution (log-softmax of the raw logits, before penalties,
temperature and truncation), which is what callers scoring labels want.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

from desktop_app.core.engine.events import TokenLogprob

MAX_TOP_LOGPROBS = 20
_FLOOR = -1e4  # finite stand-in for log(0): JSON has no -inf


class LogprobReader:
    """Turns the logits behind the token just sampled into a TokenLogprob event."""

    def __init__(self, llm: Any, top_n: int) -> None:
        import llama_cpp
        import numpy as np

        self._np = np
        self._lib = llama_cpp
        self._ctx = llm.ctx
        self._vocab = llm._model.vocab
        self._n_vocab = int(llm.n_vocab())
        self._top_n = max(0, min(top_n, MAX_TOP_LOGPROBS, self._n_vocab))
        self._buf = ctypes.create_string_buffer(64)

    def __call__(self, token: int) -> TokenLogprob:
        """Call right after `token` was sampled: the context's last logits produced it."""
        np = self._np
        ptr = self._lib.llama_get_logits_ith(self._ctx, -1)
        logits = np.ctypeslib.as_array(ptr, shape=(self._n_vocab,)).astype(np.float64)
        top = float(logits.max())
        norm = top + math.log(float(np.exp(logits - top).sum()))
        alternatives: tuple[tuple[bytes, float], ...] = ()
        if self._top_n:
            ids = np.argpartition(-logits, self._top_n - 1)[: self._top_n]
            ids = ids[np.argsort(-logits[ids], kind="stable")]
            alternatives = tuple(
                (self._piece(int(i)), _finite(float(logits[i]) - norm)) for i in ids
            )
        return TokenLogprob(self._piece(token), _finite(float(logits[token]) - norm), alternatives)

    def _piece(self, token: int) -> bytes:
        """The token's bytes; special tokens (end of turn…) as their text, so they are visible."""
        fn = self._lib.llama_token_to_piece
        n = fn(self._vocab, token, self._buf, len(self._buf), 0, True)
        if n < 0:
            self._buf = ctypes.create_string_buffer(-n)
            n = fn(self._vocab, token, self._buf, len(self._buf), 0, True)
        return self._buf.raw[:n]


def _finite(value: float) -> float:
    return value if value > _FLOOR else _FLOOR
