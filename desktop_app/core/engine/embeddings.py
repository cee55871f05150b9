"""Embeddings: a second llama.cpp context in embedding mode, made on the first request.

The chat context cannot give them: it is made for generation (logits of the last token, several
sequences for classification), while an embedding is the model's hidden states pooled over one
text. So the engine process opens the same file a second time (memory-mapped: the weights are
shared) with `embedding=True`, or a chosen embedding GGUF (`hearth serve --embedding-model`),
only when a first embedding is asked for, and closes it with the model.

Pooling is the model's own (an embedding model says mean, CLS or last in its GGUF); a chat
model says none, and then the mean over the text's tokens is used. Vectors are normalized to
length 1, as OpenAI's are, so a dot product is the cosine similarity.

This module is imported by the application's side too (the result type crosses the pipe), so
llama.cpp is imported only where a context is made.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.engine import messages
from desktop_app.core.errors import (
    AppError,
    CancelledError,
    NoModelLoadedError,
    PromptTooLongError,
)

MAX_EMBEDDING_CTX = 2048  # tokens per input; the compute buffer grows with its square
# A text, or its token ids (OpenAI's `input` takes both).
EmbedInput = str | tuple[int, ...]
_POOLING = {0: "none", 1: "mean", 2: "cls", 3: "last", 4: "rank"}


class EmbeddingInputError(AppError):
    """An input the model cannot embed (no tokens, an id outside the vocabulary)."""

    kind = "invalid_input"


@dataclass(frozen=True)
class Embeddings:
    """One vector per input (unit length), and what they cost."""

    vectors: list[list[float]]
    n_tokens: int  # every input's tokens together (OpenAI's usage.prompt_tokens)
    n_embd: int
    model_path: str
    pooling: str  # "mean" | "cls" | "last"


@dataclass(frozen=True)
class _Source:
    path: str
    n_ctx: int
    n_threads: int | None


class Embedder:
    """Owns the embedding context: at most one, for the model it was made from."""

    def __init__(self, cancel_requested: Callable[[], bool]) -> None:
        self._cancel_requested = cancel_requested
        self._default: _Source | None = None  # the loaded chat model's file
        self._llm: Any = None
        self._source: _Source | None = None
        self._pooling = "mean"

    def use(self, model_path: str, n_ctx: int, n_threads: int | None) -> None:
        """The loaded model, embedded from when a request names no other file."""
        self.close()
        self._default = _Source(model_path, min(n_ctx, MAX_EMBEDDING_CTX), n_threads)

    def close(self) -> None:
        self._close_context()
        self._default = None

    def _close_context(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self._source = None

    def embed(self, inputs: Sequence[EmbedInput], model_path: str | None = None) -> Embeddings:
        """Each input's vector. A text is read with the model's BOS (as llama-server does);
        token ids as given, after a check against the vocabulary."""
        llm = self._context(model_path)
        assert self._source is not None
        limit = self._source.n_ctx
        batches: list[list[int]] = []
        for i, item in enumerate(inputs):
            if isinstance(item, str):
                ids = list(llm.tokenize(item.encode("utf-8"), add_bos=True, special=False))
            else:
                from desktop_app.core.engine.tokens import check_token_ids

                try:
                    check_token_ids(item, llm.n_vocab())
                except ValueError as exc:
                    raise EmbeddingInputError(f"Input {i}: {exc}") from None
                ids = list(item)
            if not ids:
                raise EmbeddingInputError(f"Input {i} has no tokens: send some text or token ids.")
            if len(ids) > limit:
                raise PromptTooLongError(
                    f"Input {i} is {len(ids)} tokens long; an embedding takes at most {limit}."
                )
            batches.append(ids)
        vectors = []
        for ids in batches:
            if self._cancel_requested():
                raise CancelledError(messages.CANCELLED)
            vectors.append(self._vector(llm, ids))
        return Embeddings(
            vectors,
            sum(len(ids) for ids in batches),
            int(llm.n_embd()),
            self._source.path,
            self._pooling,
        )

    def _vector(self, llm: Any, ids: list[int]) -> list[float]:
        import llama_cpp

        llm._ctx.kv_cache_clear()
        llm._batch.reset()
        llm._batch.add_sequence(ids, 0, True)  # every token an output: pooling reads them all
        llm._ctx.decode(llm._batch)
        llm._batch.reset()
        n_embd = int(llm.n_embd())
        vector = [float(x) for x in llama_cpp.llama_get_embeddings_seq(llm._ctx.ctx, 0)[:n_embd]]
        llm._ctx.kv_cache_clear()
        norm = math.sqrt(sum(x * x for x in vector))
        return [x / norm for x in vector] if norm > 0 else vector

    def _context(self, model_path: str | None) -> Any:
        """The embedding context for `model_path` (None: the loaded model), made if needed."""
        if model_path is None:
            if self._default is None:
                raise NoModelLoadedError(messages.NO_MODEL)
            wanted = self._default
        else:
            from desktop_app.core.gguf_reader import inspect_gguf

            inspect_gguf(model_path)  # a specific error for a bad file, before llama.cpp sees it
            threads = self._default.n_threads if self._default else None
            wanted = _Source(str(Path(model_path)), MAX_EMBEDDING_CTX, threads)
        if self._llm is not None and self._source == wanted:
            return self._llm
        self._close_context()
        import llama_cpp

        llm = self._open(wanted, llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED)
        pooling = int(llm.pooling_type())
        if pooling == llama_cpp.LLAMA_POOLING_TYPE_NONE:  # a chat model: the mean of its tokens
            llm.close()
            llm = self._open(wanted, llama_cpp.LLAMA_POOLING_TYPE_MEAN)
            pooling = int(llm.pooling_type())
        if pooling == llama_cpp.LLAMA_POOLING_TYPE_RANK:
            llm.close()
            raise ValueError(
                f"{Path(wanted.path).name} is a reranking model: it scores pairs of texts and "
                "gives no embeddings."
            )
        self._llm, self._source, self._pooling = llm, wanted, _POOLING.get(pooling, "mean")
        return llm

    def _open(self, source: _Source, pooling: int) -> Any:
        import llama_cpp

        try:
            return llama_cpp.Llama(
                model_path=source.path,
                embedding=True,
                pooling_type=pooling,
                n_ctx=source.n_ctx,
                n_batch=source.n_ctx,
                n_ubatch=source.n_ctx,  # a text's tokens in one pass, as pooling needs
                n_threads=source.n_threads,
                n_threads_batch=source.n_threads,
                n_gpu_layers=0,
                verbose=True,  # False would point fds 1 and 2 at /dev/null (see llama_engine)
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ValueError(
                f"Could not open {Path(source.path).name} for embeddings: {exc}"
            ) from None
