"""Anthropic's Messages API (`POST /v1/messages`) through a real `hearth serve` on the starter
model, driven by the official `anthropic` client: whole and streamed messages, stop sequences,
max_tokens, the API key in both header forms, and errors in Anthropic's shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anthropic
import pytest
from anthropic.types import MessageParam, TextBlock, TextBlockParam
from server_process import API_KEY, ServerProcess

QUESTION: list[MessageParam] = [
    {"role": "user", "content": "Count from 1 to 20, separated by commas."}
]
# This SDK version has no sampling arguments; the server takes Anthropic's fields all the same.
GREEDY: dict[str, object] = {"temperature": 0.0, "top_k": 1}


def text_of(message: anthropic.types.Message) -> str:
    block = message.content[0]
    assert isinstance(block, TextBlock)
    return block.text


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
def client(server: ServerProcess) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key=API_KEY, base_url=f"http://127.0.0.1:{server.port}", max_retries=0, timeout=120
    )


def test_whole_message(server: ServerProcess, client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=server.model_id,
        max_tokens=12,
        messages=QUESTION,
        extra_body=GREEDY,
    )
    assert message.type == "message" and message.role == "assistant"
    assert message.id.startswith("msg_")
    assert message.model == server.model_id
    assert len(message.content) == 1
    assert text_of(message).strip()
    assert message.stop_reason == "max_tokens" and message.stop_sequence is None
    assert message.usage.output_tokens == 12
    assert message.usage.input_tokens > 10
    with_system = client.messages.create(
        model=server.model_id,
        max_tokens=1,
        system="You are a terse assistant who answers in French. " * 8,
        messages=QUESTION,
    )
    assert with_system.usage.input_tokens > message.usage.input_tokens  # the system text is in


def test_stream_matches_the_whole_answer(
    server: ServerProcess, client: anthropic.Anthropic
) -> None:
    system: list[TextBlockParam] = [{"type": "text", "text": "Answer with numbers only."}]
    whole = client.messages.create(
        model=server.model_id, max_tokens=10, messages=QUESTION, system=system, extra_body=GREEDY
    )
    pieces: list[str] = []
    with client.messages.stream(
        model=server.model_id, max_tokens=10, messages=QUESTION, system=system, extra_body=GREEDY
    ) as stream:
        for text in stream.text_stream:
            pieces.append(text)
        final = stream.get_final_message()
    assert len(pieces) > 1  # token by token, not one lump
    assert "".join(pieces) == text_of(final) == text_of(whole)
    assert final.stop_reason == "max_tokens"
    assert final.usage.output_tokens == 10
    assert final.usage.input_tokens == whole.usage.input_tokens > 0


def test_raw_event_sequence(server: ServerProcess, client: anthropic.Anthropic) -> None:
    events = list(
        client.messages.create(
            model=server.model_id,
            max_tokens=3,
            messages=[{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
            stream=True,
        )
    )
    kinds = [e.type for e in events]
    assert kinds[:2] == ["message_start", "content_block_start"]
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert set(kinds[2:-3]) <= {"content_block_delta", "ping"}
    assert any(k == "content_block_delta" for k in kinds)


def test_stop_sequence(server: ServerProcess, client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=server.model_id,
        max_tokens=60,
        messages=QUESTION,
        extra_body=GREEDY,
        stop_sequences=["5"],
    )
    assert message.stop_reason == "stop_sequence" and message.stop_sequence == "5"
    assert "5" not in text_of(message)
    assert "4" in text_of(message)


def test_the_key_in_either_header(server: ServerProcess) -> None:
    body = {"model": server.model_id, "max_tokens": 1, "messages": QUESTION}
    for headers in ({"x-api-key": API_KEY}, {"Authorization": f"Bearer {API_KEY}"}):
        status, _, answer = server.request("POST", "/v1/messages", body, headers, key=None)
        assert status == 200, answer
        assert answer["type"] == "message"


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-api-key": "wrong"}, {"x-api-key": API_KEY, "Authorization": "Bearer wrong"}],
    ids=["missing", "wrong", "one-right-one-wrong"],
)
def test_a_missing_or_wrong_key_is_401_in_anthropics_shape(
    server: ServerProcess, headers: dict[str, str]
) -> None:
    body = {"model": server.model_id, "max_tokens": 1, "messages": QUESTION}
    status, _, answer = server.request("POST", "/v1/messages", body, headers, key=None)
    assert status == 401
    assert answer["type"] == "error"
    assert answer["error"]["type"] == "authentication_error"
    assert "API key" in answer["error"]["message"]


def test_the_client_raises_authentication_error(server: ServerProcess) -> None:
    wrong = anthropic.Anthropic(
        api_key="wrong", base_url=f"http://127.0.0.1:{server.port}", max_retries=0
    )
    with pytest.raises(anthropic.AuthenticationError):
        wrong.messages.create(model=server.model_id, max_tokens=1, messages=QUESTION)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"max_tokens": None}, "max_tokens"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "system", "content": "x"}]}, "messages.0.role"),
        ({"messages": [{"role": "user", "content": [{"type": "image"}]}]}, "messages.0.content.0"),
        ({"temperature": 1.5}, "temperature"),
        ({"stop_sequences": "x"}, "stop_sequences"),
        ({"tools": [{"name": "f", "input_schema": {}}]}, "tools"),
    ],
)
def test_bad_requests_name_the_field(
    server: ServerProcess, change: dict[str, object], says: str
) -> None:
    body: dict[str, object] = {"model": server.model_id, "max_tokens": 4, "messages": QUESTION}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    status, _, answer = server.request("POST", "/v1/messages", body)
    assert status == 400, answer
    assert answer["type"] == "error"
    assert answer["error"]["type"] == "invalid_request_error"
    assert says in answer["error"]["message"]


def test_an_unknown_model_is_not_found(server: ServerProcess, client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError):
        client.messages.create(model="claude-nope", max_tokens=1, messages=QUESTION)
