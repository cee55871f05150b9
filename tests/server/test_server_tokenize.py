"""POST /tokenize and /detokenize (llama-server's shapes) through a real `hearth serve`, and the
remote backend's tokenizer against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_process import API_KEY, ServerProcess

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "大型语言模型把文字切成词元。",
    "🎉🦊 ok 👍🏽",
    "Hello 世界! café — 1234 🚀\n",
]


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
def reference(starter_model: Path) -> Iterator[Any]:
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(starter_model), vocab_only=True, verbose=False)
    yield llm
    llm.close()


@pytest.mark.parametrize("text", TEXTS)
def test_round_trip(server: ServerProcess, reference: Any, text: str) -> None:
    status, _, body = server.request("POST", "/tokenize", {"content": text})
    assert status == 200, body
    assert body == {"tokens": reference.tokenize(text.encode(), add_bos=False, special=False)}
    status, _, back = server.request("POST", "/detokenize", {"tokens": body["tokens"]})
    assert status == 200, back
    assert back == {"content": text}


def test_with_pieces_as_llama_server(server: ServerProcess) -> None:
    text = TEXTS[1]
    status, _, body = server.request("POST", "/tokenize", {"content": text, "with_pieces": True})
    assert status == 200, body
    pieces = body["tokens"]
    assert all(set(p) == {"id", "piece"} and isinstance(p["id"], int) for p in pieces)
    joined = b"".join(
        p["piece"].encode() if isinstance(p["piece"], str) else bytes(p["piece"]) for p in pieces
    )
    assert joined == text.encode()
    assert any(isinstance(p["piece"], list) for p in pieces)  # part of a character: its bytes


def test_add_special(server: ServerProcess, reference: Any) -> None:
    status, _, body = server.request("POST", "/tokenize", {"content": "hi", "add_special": True})
    assert status == 200, body
    assert body["tokens"] == reference.tokenize(b"hi", add_bos=True, special=False)


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/tokenize", {}, "content"),
        ("/tokenize", {"content": 5}, "content"),
        ("/tokenize", {"content": "x", "add_special": "yes"}, "add_special"),
        ("/detokenize", {}, "tokens"),
        ("/detokenize", {"tokens": "1 2"}, "tokens"),
        ("/detokenize", {"tokens": [1, "2"]}, "tokens"),
        ("/detokenize", {"tokens": [1, 2.5]}, "tokens"),
        ("/detokenize", {"tokens": [True]}, "tokens"),
        ("/detokenize", {"tokens": [49152]}, "tokens"),
        ("/detokenize", {"tokens": [-1]}, "tokens"),
        ("/detokenize", {"tokens": [1] * 1_000_001}, "tokens"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    server: ServerProcess, path: str, body: dict[str, Any], param: str
) -> None:
    status, _, answer = server.request("POST", path, body)
    assert status == 400, answer
    assert answer["error"]["param"] == param
    assert answer["error"]["message"]


def test_same_auth_as_the_other_routes(server: ServerProcess) -> None:
    status, _, _ = server.request("POST", "/tokenize", {"content": "hi"}, key=None)
    assert status == 401
    status, _, _ = server.request("POST", "/detokenize", {"tokens": [1]}, key="wrong")
    assert status == 401
    status, _, _ = server.request("GET", "/tokenize")
    assert status == 405


def test_the_remote_backend_tokenizes_through_the_server(server: ServerProcess) -> None:
    from desktop_app.core.errors import AppError
    from desktop_app.core.remote.engine import RemoteConfig, RemoteEngine

    remote = RemoteEngine(RemoteConfig(server.base_url, API_KEY))
    ids = remote.tokenize(TEXTS[3]).result(timeout=60)
    assert isinstance(ids, list) and ids
    assert remote.detokenize(ids).result(timeout=60) == TEXTS[3]
    with pytest.raises(AppError, match="bytes of each token"):
        remote.token_pieces(ids).result(timeout=60)
