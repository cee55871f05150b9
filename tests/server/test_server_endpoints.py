"""`/v1/embeddings`, `/v1/completions` with logprobs and `/v1/models` through a real `hearth
serve` on the starter model, driven by the official openai client where it has the call."""

from __future__ import annotations

import base64
import math
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from openai import OpenAI
from server_process import API_KEY, ROOT, ServerProcess

N_EMBD = 576  # SmolLM2-135M's width
GREEDY: dict[str, Any] = {"temperature": 0, "extra_body": {"repeat_penalty": 1.0}}


@pytest.fixture(scope="module")
def server(
    starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    proc = ServerProcess(starter_model, tmp_path_factory.mktemp("serve-home"), "--api-key", API_KEY)
    try:
        yield proc.wait_ready()
    finally:
        proc.close()


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0, timeout=180) as c:
        yield c


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


# ---- embeddings -------------------------------------------------------------------------------


def test_embeddings_width_norm_and_similarity(server: ServerProcess, client: OpenAI) -> None:
    texts = [
        "The cat sat on the mat.",
        "A cat was sitting on a rug.",
        "Quarterly tax filings are due in April.",
    ]
    answer = client.embeddings.create(model=server.model_id, input=texts)
    assert answer.model == server.model_id
    assert [d.index for d in answer.data] == [0, 1, 2]
    vectors = [d.embedding for d in answer.data]
    assert all(len(v) == N_EMBD for v in vectors)
    assert all(math.isclose(math.sqrt(dot(v, v)), 1.0, abs_tol=1e-4) for v in vectors)
    assert vectors[0] != vectors[1]
    cat, cat2, tax = vectors
    assert dot(cat, cat2) > dot(cat, tax)  # similar texts are closer than unrelated ones
    assert answer.usage.prompt_tokens == answer.usage.total_tokens > len(texts)

    again = client.embeddings.create(model=server.model_id, input=texts[0])
    assert len(again.data) == 1
    assert again.data[0].embedding == pytest.approx(cat, abs=1e-5)  # the same text, same vector


def test_embeddings_as_base64_and_from_token_ids(server: ServerProcess, client: OpenAI) -> None:
    text = "Local models are useful."
    floats = client.embeddings.create(model=server.model_id, input=text).data[0].embedding
    status, _, body = server.request(
        "POST", "/v1/embeddings", {"input": text, "encoding_format": "base64"}
    )
    assert status == 200, body
    raw = base64.b64decode(body["data"][0]["embedding"])
    assert list(struct.unpack(f"<{N_EMBD}f", raw)) == pytest.approx(floats, abs=1e-6)

    _, _, tokens = server.request("POST", "/tokenize", {"content": text, "add_special": True})
    by_ids = client.embeddings.create(model=server.model_id, input=[tokens["tokens"]])
    assert by_ids.data[0].embedding == pytest.approx(floats, abs=1e-5)
    assert by_ids.usage.prompt_tokens == len(tokens["tokens"])


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"input": ""},
        {"input": []},
        {"input": [1, "two"]},
        {"input": [[1, 2], [10**9]]},
        {"input": "x", "encoding_format": "int8"},
        {"input": "x", "dimensions": 64},
        {"input": "word " * 3000},  # past the embedding context
    ],
    ids=["none", "empty", "empty-list", "mixed", "bad-id", "format", "dimensions", "too-long"],
)
def test_bad_embedding_requests_are_400s(server: ServerProcess, body: dict[str, object]) -> None:
    status, _, answer = server.request("POST", "/v1/embeddings", body)
    assert status == 400, answer
    assert answer["error"]["param"] in ("input", "encoding_format", "dimensions")
    assert answer["error"]["message"]


def test_embeddings_need_the_key(server: ServerProcess) -> None:
    status, _, _ = server.request("POST", "/v1/embeddings", {"input": "x"}, key=None)
    assert status == 401


def test_a_chosen_embedding_model(
    starter_model: Path, tmp_path: Path, client: OpenAI, server: ServerProcess
) -> None:
    """--embedding-model: embeddings from that file (here the same model, so the same vectors)."""
    reference = client.embeddings.create(model=server.model_id, input="hello").data[0].embedding
    other = ServerProcess(starter_model, tmp_path, "--embedding-model", str(starter_model))
    try:
        other.wait_ready()
        status, _, body = other.request("POST", "/v1/embeddings", {"input": "hello"}, key=None)
    finally:
        other.close()
    assert status == 200, body
    assert body["data"][0]["embedding"] == pytest.approx(reference, abs=1e-5)


def test_a_bad_embedding_model_is_refused_at_start(starter_model: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("not a model")
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "serve", str(starter_model), "--port", "0",
         "--embedding-model", str(bad)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "notes.gguf" in done.stderr and "Serving" not in done.stderr


# ---- completions with logprobs ------------------------------------------------------------------


def test_completion_logprobs_whole(server: ServerProcess, client: OpenAI) -> None:
    prompt = "The capital of France is"
    answer = client.completions.create(
        model=server.model_id, prompt=prompt, max_tokens=6, logprobs=5, **GREEDY
    )
    choice = answer.choices[0]
    lp = choice.logprobs
    assert lp is not None and lp.tokens and lp.token_logprobs and lp.top_logprobs
    assert lp.text_offset is not None
    assert len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs) == 6
    assert "".join(lp.tokens) == choice.text  # the tokens join to the text
    offset = lp.text_offset[0]
    for token, value, top, at in zip(
        lp.tokens, lp.token_logprobs, lp.top_logprobs, lp.text_offset, strict=True
    ):
        assert value <= 0
        assert 5 <= len(top) <= 6  # the five likeliest, and the chosen one if not among them
        assert all(v <= 0 for v in top.values())
        assert top[token] == pytest.approx(value)
        assert max(top.values()) == pytest.approx(value)  # greedy: the likeliest was chosen
        assert at == offset
        offset += len(token)


def test_chat_top_logprobs(server: ServerProcess, client: OpenAI) -> None:
    answer = client.chat.completions.create(
        model=server.model_id,
        messages=[{"role": "user", "content": "Say hi."}],
        max_tokens=3,
        logprobs=True,
        top_logprobs=3,
        **GREEDY,
    )
    content = answer.choices[0].logprobs
    assert content is not None and content.content
    assert all(len(e.top_logprobs) == 3 and e.logprob <= 0 for e in content.content)


# ---- models ----------------------------------------------------------------------------------


def test_models_say_context_capabilities_and_loaded(server: ServerProcess, client: OpenAI) -> None:
    listed = client.models.list()
    assert [m.id for m in listed.data] == [server.model_id]
    entry = listed.data[0].model_dump()
    assert entry["loaded"] is True
    assert entry["context_length"] == 1024  # ServerProcess serves with -c 1024
    assert entry["n_ctx_train"] == 8192
    assert entry["architecture"] == "llama"
    assert {"chat", "completions", "embeddings"} <= set(entry["capabilities"])
    one = client.models.retrieve(server.model_id).model_dump()
    assert one == entry
