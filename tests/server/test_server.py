"""`hearth serve` against the official openai client (and raw sockets where a client would
hide what is tested): answers, streaming, stop, limits, logprobs, errors, auth, disconnects, queue."""

from __future__ import annotations

import json
import math
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam
from server_process import API_KEY, ROOT, ServerProcess, wait_until

CHAT: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Name three colors."}]
COUNT = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,"  # the model keeps counting at temperature 0
GREEDY: dict[str, Any] = {"temperature": 0, "extra_body": {"repeat_penalty": 1.0}}


@pytest.fixture(scope="module")
def server(
    starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """The server under test: an API key, a queue of one, a 64 KiB body limit."""
    home = tmp_path_factory.mktemp("serve-home")
    proc = ServerProcess(
        starter_model, home, "--api-key", API_KEY, "--max-queue", "1", "--max-body-bytes", "65536"
    )
    try:
        yield proc.wait_ready()
    finally:
        proc.close()


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0, timeout=120) as c:
        yield c


def error_of(exc: openai.APIStatusError) -> dict[str, Any]:
    body = exc.response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["error"]["message"]
    return body["error"]


# ---- answers ----------------------------------------------------------------------------------


def test_models_and_health(server: ServerProcess, client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == [server.model_id]
    assert client.models.retrieve(server.model_id).id == server.model_id
    health = server.health()  # no key needed for /health
    assert health["status"] == "ok" and health["model"] == server.model_id
    status, _, listing = server.request("GET", "/v1/models")
    assert status == 200 and listing["data"][0]["context_length"] == 1024  # for remote clients
    status, _, counted = server.request("POST", "/extras/tokenize/count", {"input": "1, 2, 3"})
    assert status == 200 and counted == {"count": 7}  # llama-cpp-python's extension
    warm = [i for i, line in enumerate(server.lines) if "Warming up the model" in line]
    ready = [i for i, line in enumerate(server.lines) if "Serving" in line]
    assert warm and ready and warm[0] < ready[0], server.log  # "Serving" means warmed up


def test_chat_streaming_matches_non_streaming_with_the_same_seed(
    server: ServerProcess, client: OpenAI
) -> None:
    whole = client.chat.completions.create(
        model=server.model_id,
        messages=CHAT,
        max_tokens=12,
        seed=42,
    )
    text = whole.choices[0].message.content
    assert text and whole.choices[0].finish_reason in ("stop", "length")
    usage = whole.usage
    assert usage is not None and 0 < usage.completion_tokens <= 12
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens

    chunks = list(
        client.chat.completions.create(
            model=server.model_id, messages=CHAT, max_tokens=12, seed=42, stream=True,
            stream_options={"include_usage": True},
        )
    )  # fmt: skip
    assert chunks[0].choices[0].delta.role == "assistant"
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text  # same seed, same answer; the chunks join to the whole text
    finishes = [
        c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason
    ]
    assert finishes == [whole.choices[0].finish_reason]
    assert not chunks[-1].choices and chunks[-1].usage is not None  # include_usage: a last chunk
    assert chunks[-1].usage.model_dump() == usage.model_dump()
    assert len({c.id for c in chunks}) == 1


def test_completions_max_tokens_and_stop(server: ServerProcess, client: OpenAI) -> None:
    cut = client.completions.create(model=server.model_id, prompt=COUNT, max_tokens=5, **GREEDY)
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage is not None and cut.usage.completion_tokens == 5
    assert cut.choices[0].text.startswith(" 13")  # no chat template: the prompt is continued

    stopped = client.completions.create(
        model=server.model_id, prompt=COUNT, max_tokens=30, stop=[" 16", "zzz"], **GREEDY
    )
    assert stopped.choices[0].text == " 13, 14, 15,"  # the stop string itself is not returned
    assert stopped.choices[0].finish_reason == "stop"

    streamed = client.completions.create(
        model=server.model_id, prompt=COUNT, max_tokens=30, stop=" 16", stream=True, **GREEDY
    )
    parts = [(c.choices[0].text, c.choices[0].finish_reason) for c in streamed]
    assert "".join(t for t, _ in parts) == " 13, 14, 15,"
    assert parts[-1][1] == "stop"

    chat = client.chat.completions.create(
        model=server.model_id,
        messages=CHAT,
        max_completion_tokens=3,
        **GREEDY,
    )
    if chat.choices[0].finish_reason == "length":
        assert chat.usage is not None and chat.usage.completion_tokens == 3


def test_logprobs(server: ServerProcess, client: OpenAI) -> None:
    answer = client.chat.completions.create(
        model=server.model_id, messages=CHAT, max_tokens=4, logprobs=True, top_logprobs=5,
        **GREEDY,
    )  # fmt: skip
    choice = answer.choices[0]
    assert choice.logprobs is not None and choice.logprobs.content
    entries = choice.logprobs.content
    assert answer.usage is not None and len(entries) == answer.usage.completion_tokens
    assert "".join(e.token for e in entries) == choice.message.content
    for entry in entries:
        top = [t.logprob for t in entry.top_logprobs]
        assert len(top) == 5 and top == sorted(top, reverse=True)
        assert sum(math.exp(lp) for lp in top) <= 1 + 1e-6
        assert entry.logprob <= 0 and bytes(entry.bytes or []).decode() == entry.token
        assert entry.top_logprobs[0].token == entry.token  # greedy: the likeliest token was chosen
        assert entry.top_logprobs[0].logprob == pytest.approx(entry.logprob)

    plain = client.completions.create(
        model=server.model_id, prompt=COUNT, max_tokens=4, logprobs=2, stream=True, **GREEDY
    )
    tokens: list[str] = []
    text = ""
    for chunk in plain:
        text += chunk.choices[0].text
        lp = chunk.choices[0].logprobs
        if lp is not None and lp.tokens:
            assert lp.token_logprobs is not None and lp.top_logprobs is not None
            assert len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs)
            for token, value, top in zip(
                lp.tokens, lp.token_logprobs, lp.top_logprobs, strict=True
            ):
                assert top[token] == pytest.approx(value)  # the chosen token is among the top
                assert sum(math.exp(v) for v in top.values()) <= 1 + 1e-6
            tokens += lp.tokens
    assert len(tokens) == 4 and "".join(tokens) == text == " 13,"  # digits are single tokens

    no_logprobs = client.chat.completions.create(
        model=server.model_id,
        messages=CHAT,
        max_tokens=1,
    )
    assert no_logprobs.choices[0].logprobs is None


# ---- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"n": 2}, "n"),
        ({"messages": [{"role": "user", "content": 123}]}, "messages[0].content"),
        ({"messages": [{"role": "robot", "content": "hi"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]}, "messages[0].content[0].type"),
        ({"max_tokens": "ten"}, "max_tokens"),
        ({"temperature": 5}, "temperature"),
        ({"top_logprobs": 30, "logprobs": True}, "top_logprobs"),
        ({"stop": [1, 2]}, "stop"),
        ({"tools": [{"type": "function"}]}, "tools[0].function"),  # tools: test_server_structured.py
        ({"grammar": 'root ::= "yes"'}, "grammar"),  # refused rather than silently ignored
    ],
)  # fmt: skip
def test_bad_chat_requests_are_400_with_the_field_named(
    server: ServerProcess, client: OpenAI, changes: dict[str, Any], param: str
) -> None:
    request: dict[str, Any] = {"model": server.model_id, "messages": CHAT, **changes}
    with pytest.raises(openai.BadRequestError) as caught:
        client.post("/chat/completions", body=request, cast_to=object)
    error = error_of(caught.value)
    assert error["type"] == "invalid_request_error" and error["param"] == param


def test_malformed_bodies(server: ServerProcess, client: OpenAI) -> None:
    status, _, body = server.request("POST", "/v1/chat/completions", {"model": server.model_id})
    assert status == 400 and body["error"]["param"] == "messages"  # messages missing
    status, _, body = server.request(
        "POST", "/v1/chat/completions", b'{"messages": [', {"Content-Type": "application/json"}
    )
    assert status == 400 and "JSON" in body["error"]["message"]
    status, _, body = server.request(
        "POST", "/v1/chat/completions", b"[]", {"Content-Type": "application/json"}
    )
    assert status == 400 and "object" in body["error"]["message"]
    lone = b'{"messages": [{"role": "user", "content": "hi \\ud800 there"}]}'  # valid JSON
    status, _, body = server.request(
        "POST", "/v1/chat/completions", lone, {"Content-Type": "application/json"}
    )
    assert status == 400, body  # was a 500 with the codec's message
    assert "messages[0].content" in body["error"]["message"]
    assert "lone surrogate" in body["error"]["message"]
    status, _, body = server.request(  # what a web page could send without a CORS preflight
        "POST", "/v1/chat/completions", json.dumps({"messages": CHAT}).encode(),
        {"Content-Type": "text/plain"},
    )  # fmt: skip
    assert status == 415 and body["error"]["code"] == "unsupported_media_type"
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="no-such-model", messages=CHAT)
    assert error_of(caught.value)["code"] == "model_not_found"
    status, _, body = server.request("GET", "/v1/nothing-here")
    assert status == 404 and body["error"]["type"] == "invalid_request_error"
    status, headers, _ = server.request("GET", "/v1/chat/completions")
    assert status == 405 and headers["allow"] == "POST"


def test_the_api_key_is_enforced(server: ServerProcess) -> None:
    wrong = OpenAI(base_url=server.base_url, api_key="wrong", max_retries=0)
    with wrong, pytest.raises(openai.AuthenticationError) as caught:
        wrong.models.list()
    assert error_of(caught.value)["code"] == "invalid_api_key"
    status, headers, body = server.request("GET", "/v1/models", key=None)
    assert status == 401 and "Bearer" in body["error"]["message"]
    assert headers["www-authenticate"] == "Bearer"
    assert server.request("GET", "/health", key=None)[0] == 200


def test_binding_beyond_loopback_needs_a_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "serve", str(tmp_path / "m.gguf"), "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert "without an API key" in done.stderr and "--api-key" in done.stderr
    assert "Traceback" not in done.stderr


def test_bodies_over_the_limit_get_413(server: ServerProcess, client: OpenAI) -> None:
    big: list[ChatCompletionMessageParam] = [{"role": "user", "content": "x" * 70_000}]
    with pytest.raises(openai.APIStatusError) as caught:
        client.chat.completions.create(model=server.model_id, messages=big)
    assert caught.value.status_code == 413
    assert error_of(caught.value)["code"] == "request_too_large"

    # A chunked body announces no length: it is cut off once it passes the limit.
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {API_KEY}\r\n".encode()
            + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 16384
        for _ in range(5):
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
        head, body = read_response(sock)
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["error"]["code"] == "request_too_large"
    assert server.health()["status"] == "ok"


# ---- disconnects and the queue ----------------------------------------------------------------


def raw_request(server: ServerProcess, path: str, body: dict[str, Any]) -> socket.socket:
    data = json.dumps(body).encode()
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=120)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
        + data
    )
    return sock


def read_events(sock: socket.socket, n: int) -> bytes:
    """Read a stream until `n` events have arrived."""
    data = b""
    while data.count(b"data: ") < n:
        more = sock.recv(65536)
        assert more, data
        data += more
    return data


def read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += sock.recv(65536)
    return head, body


LONG = {"prompt": COUNT, "max_tokens": 400, "temperature": 0, "repeat_penalty": 1.0}


def cancelled_tokens(server: ServerProcess, kind: str) -> list[int]:
    pattern = re.compile(rf"{kind} cancelled after (\d+) tokens.*\(client disconnected\)")
    return [int(m.group(1)) for m in map(pattern.search, server.lines) if m]


def test_a_disconnect_while_streaming_stops_the_generation(
    server: ServerProcess, client: OpenAI
) -> None:
    before = server.health()["counters"]["cancelled"]
    sock = raw_request(server, "/v1/completions", {**LONG, "stream": True})
    read_events(sock, 3)
    sock.close()
    # The engine moves on: the next request is answered, and the first one was cut short.
    started = time.monotonic()
    quick = client.completions.create(model=server.model_id, prompt="Hi", max_tokens=2)
    assert quick.choices[0].text is not None
    assert time.monotonic() - started < 60
    assert server.health()["counters"]["cancelled"] == before + 1
    wait_until(lambda: bool(cancelled_tokens(server, "completion stream")), 10, "the log line")
    assert cancelled_tokens(server, "completion stream")[-1] < 400


def test_a_disconnect_before_a_whole_answer_stops_the_generation(server: ServerProcess) -> None:
    """No stream, nothing written yet: the server notices the closed socket by itself."""
    before = server.health()["counters"]["cancelled"]
    sock = raw_request(server, "/v1/completions", LONG)
    wait_until(lambda: server.health()["queue"]["running"] == 1, 60, "the request to start")
    sock.close()
    wait_until(lambda: server.health()["counters"]["cancelled"] == before + 1, 60, "the cancel")
    assert server.health()["queue"] == {"running": 0, "waiting": 0, "max_waiting": 1}
    # the counter can be read before the server's log line arrives (as in the streaming case)
    wait_until(lambda: bool(cancelled_tokens(server, "completion")), 10, "the log line")
    assert cancelled_tokens(server, "completion")[-1] < 400


def test_idle_connections_cost_nothing_and_are_reaped(server: ServerProcess) -> None:
    """300 connections opened and never used (was: /health answered 503): the longest idle
    ones are closed to make room, so the server stays reachable."""
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(300)]
    try:
        status, _, body = server.request("GET", "/health", key=None)
        assert status == 200 and body["status"] == "ok"
        assert body["counters"]["reaped_idle"] >= 300 - 33  # the limit here: queue 1 + 32
        status, _, answer = server.request(
            "POST", "/v1/chat/completions", {"messages": CHAT, "max_tokens": 2, "seed": 1}
        )
        assert status == 200 and answer["choices"][0]["message"]["content"] is not None
        idle[0].settimeout(10)
        assert idle[0].recv(1) == b""  # the oldest was closed, not left hanging
    finally:
        for sock in idle:
            sock.close()


def test_a_full_queue_answers_503_at_once(server: ServerProcess, client: OpenAI) -> None:
    running = raw_request(server, "/v1/completions", {**LONG, "stream": True})
    read_events(running, 2)  # it holds the engine
    box: dict[str, Any] = {}

    def waiting_request() -> None:
        try:
            box["answer"] = client.chat.completions.create(
                model=server.model_id,
                messages=CHAT,
                max_tokens=3,
            )
        except Exception as exc:
            box["error"] = exc

    waiter = threading.Thread(target=waiting_request)
    waiter.start()
    try:
        wait_until(lambda: server.health()["queue"]["waiting"] == 1, 60, "the queued request")
        started = time.monotonic()
        with pytest.raises(openai.InternalServerError) as caught:
            client.chat.completions.create(model=server.model_id, messages=CHAT, max_tokens=3)
        assert time.monotonic() - started < 5  # refused at once, not queued
        assert caught.value.status_code == 503
        assert error_of(caught.value)["code"] == "queue_full"
        assert int(caught.value.response.headers["retry-after"]) >= 1
        assert server.health()["counters"]["rejected_queue_full"] >= 1
    finally:
        running.close()  # frees the engine for the waiting request
        waiter.join(120)
    assert "error" not in box, box.get("error")
    assert box["answer"].choices[0].message.content is not None


def test_an_engine_crash_is_a_500_and_the_server_recovers(
    server: ServerProcess, client: OpenAI
) -> None:
    import psutil

    sock = raw_request(server, "/v1/completions", LONG)
    wait_until(lambda: server.health()["queue"]["running"] == 1, 60, "the request to start")
    children = psutil.Process(server.proc.pid).children()
    (engine,) = [p for p in children if "spawn_main" in " ".join(p.cmdline())]
    engine.kill()  # as llama.cpp dies on a failed assert
    with sock:
        head, body = read_response(sock)
    assert head.startswith(b"HTTP/1.1 500")
    error = json.loads(body)["error"]
    assert error["code"] == "engine_crashed" and "stopped unexpectedly" in error["message"]
    wait_until(lambda: "The engine is back." in server.log, 120, "the engine to come back")
    assert server.health()["status"] == "ok"
    again = client.completions.create(model=server.model_id, prompt=COUNT, max_tokens=3, **GREEDY)
    assert again.choices[0].text == " 13"


# ---- a server without a key -------------------------------------------------------------------


def test_keyless_server_answers_only_localhost_and_stops_on_ctrl_c(
    starter_model: Path, tmp_path: Path
) -> None:
    proc = ServerProcess(starter_model, tmp_path / "home").wait_ready()
    try:
        status, _, body = proc.request("GET", "/v1/models", key=None)
        assert status == 200 and body["data"][0]["id"] == proc.model_id
        status, _, body = proc.request("GET", "/v1/models", headers={"Host": "evil.example:80"})
        assert status == 403 and body["error"]["code"] == "forbidden_host"  # DNS rebinding
        assert proc.interrupt() == 0
        assert "Stopped." in proc.log and "Traceback" not in proc.log
    finally:
        proc.close()
