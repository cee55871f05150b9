"""A dying engine process reaches the caller as an error with llama.cpp's last log lines,
and a fresh engine then answers."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Error, Token
from desktop_app.core.engine.params import ChatRequest, LoadParams
from desktop_app.core.engine.requests import Crash
from desktop_app.core.errors import EngineCrashedError

HELLO = [{"role": "user", "content": "Say hello."}]


def _loaded(model: Path, tmp_path: Path) -> EngineClient:
    client = EngineClient(log_dir=tmp_path).start()
    client.load(LoadParams(str(model), n_ctx=1024, n_threads=2)).result(timeout=120)
    return client


def test_llama_cpp_abort_reaches_caller_with_log_lines(starter_model: Path, tmp_path: Path) -> None:
    client = _loaded(starter_model, tmp_path)
    crashes: list[EngineCrashedError] = []
    client.on_crash = crashes.append
    try:
        handle = client.submit(Crash())  # the engine calls abort() as GGML_ASSERT does
        with pytest.raises(EngineCrashedError) as caught:
            handle.result(timeout=30)
        err = caught.value
        assert "SIGABRT" in str(err)
        assert "GGML_ASSERT" in err.details  # the line written just before the abort
        assert "llama" in err.details  # and llama.cpp's own log lines before it
        assert crashes and crashes[0] is err
        assert not client.alive
        # a request to the dead engine fails at once, with the same error
        with pytest.raises(EngineCrashedError):
            client.chat(ChatRequest.of(HELLO)).result(timeout=5)
        # a fresh engine answers
        client.start()
        client.load(LoadParams(str(starter_model), n_ctx=1024, n_threads=2)).result(timeout=120)
        assert client.chat(ChatRequest.of(HELLO, seed=1, max_tokens=8)).text(timeout=60)
    finally:
        client.close()


def test_killed_during_generation(starter_model: Path, tmp_path: Path) -> None:
    client = _loaded(starter_model, tmp_path)
    first = threading.Event()
    try:
        handle = client.chat(
            ChatRequest.of([{"role": "user", "content": "Write a long poem."}], max_tokens=1000),
            callback=lambda e: first.set() if isinstance(e, Token) else None,
        )
        queued = client.chat(ChatRequest.of(HELLO, max_tokens=8))
        assert first.wait(60)
        os.kill(client._process.pid, signal.SIGKILL)
        events = list(handle.events(timeout=30))
        assert isinstance(events[-1], Error)
        assert isinstance(events[-1].error, EngineCrashedError)
        assert "SIGKILL" in str(events[-1].error)
        assert any(
            isinstance(e, Token) for e in events
        )  # what streamed before stays with the caller
        assert isinstance(queued.final or next(iter(queued.events(timeout=5))), Error)
        client.start()
        client.load(LoadParams(str(starter_model), n_ctx=1024, n_threads=2)).result(timeout=120)
        done = client.chat(ChatRequest.of(HELLO, seed=1, max_tokens=8)).result(timeout=60)
        assert isinstance(done, Done) and done.text
    finally:
        client.close()


def test_close_during_generation_is_clean(starter_model: Path, tmp_path: Path) -> None:
    client = _loaded(starter_model, tmp_path)
    first = threading.Event()
    handle = client.chat(
        ChatRequest.of([{"role": "user", "content": "Write a long poem."}], max_tokens=1000),
        callback=lambda e: first.set() if isinstance(e, Token) else None,
    )
    assert first.wait(60)
    client.close()
    assert handle.wait(10)
    assert not list(tmp_path.glob("engine-*.log"))  # a clean exit leaves no crash log behind
