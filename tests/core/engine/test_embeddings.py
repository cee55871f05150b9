"""Embeddings through the engine process (core/engine/embeddings.py) on the starter model: the
second context in embedding mode, its vectors, its input checks, and its life with the model."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.embeddings import MAX_EMBEDDING_CTX, EmbeddingInputError, Embeddings
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.errors import NoModelLoadedError, PromptTooLongError

N_EMBD = 576


def embed(engine: EngineClient, *inputs: str | list[int]) -> Embeddings:
    result = engine.embed(list(inputs)).result(timeout=180)
    assert isinstance(result, Embeddings)
    return result


def test_vectors_are_unit_length_and_mean_pooled(engine: EngineClient) -> None:
    result = embed(engine, "Green tea is calming.", "Black coffee is bitter.")
    assert (
        result.n_embd == N_EMBD and result.pooling == "mean"
    )  # a chat model: no pooling of its own
    assert [len(v) for v in result.vectors] == [N_EMBD, N_EMBD]
    for vector in result.vectors:
        assert math.isclose(math.fsum(x * x for x in vector), 1.0, rel_tol=1e-5)
    assert result.vectors[0] != result.vectors[1]


def test_text_and_its_token_ids_give_the_same_vector(engine: EngineClient) -> None:
    ids = engine.tokenize("Hello there", add_special=True).result(timeout=60)
    by_text, by_ids = embed(engine, "Hello there", ids).vectors
    assert by_ids == pytest.approx(by_text, abs=1e-6)


def test_bad_inputs_are_refused(engine: EngineClient) -> None:
    with pytest.raises(EmbeddingInputError, match="vocabulary"):
        embed(engine, [1, 10**8])
    with pytest.raises(PromptTooLongError, match=str(MAX_EMBEDDING_CTX)):
        embed(engine, "word " * (MAX_EMBEDDING_CTX + 100))
    assert len(embed(engine, "still fine").vectors) == 1  # the engine keeps serving


def test_unload_closes_it(starter_model: Path, bare_engine: EngineClient) -> None:
    with pytest.raises(NoModelLoadedError):
        embed(bare_engine, "nothing loaded")
    bare_engine.load(LoadParams(str(starter_model), n_ctx=512, n_threads=2)).result(timeout=120)
    assert embed(bare_engine, "loaded now").n_embd == N_EMBD
    bare_engine.unload().result(timeout=60)
    with pytest.raises(NoModelLoadedError):
        embed(bare_engine, "unloaded again")
