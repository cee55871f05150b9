"""The engine process never outlives the app and never makes a cancel wait (issue 18).

A model file can keep the engine's work loop busy on a step that never checks for a cancel (a
template CPU bomb, a driver hang). The test hook HEARTH_ENGINE_STALL=<op> (debug mode only, which
conftest sets) makes the real engine process hang that way on a request of that op.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from desktop_app.core.engine.client import STOPPED_TEXT, EngineClient
from desktop_app.core.engine.events import Error
from desktop_app.core.engine.params import ChatRequest
from desktop_app.core.errors import CancelledError

ROOT = Path(__file__).resolve().parents[3]


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_gone(pid: int, timeout: float) -> float | None:
    """Seconds until the process `pid` is gone, or None if it is still there after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if _gone(pid):
            return time.monotonic() - start
        time.sleep(0.02)
    return None


def _wait_for(path: Path, text: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {path}")


def test_an_unanswered_cancel_stops_the_engine_and_a_new_one_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARTH_ENGINE_STALL", "chat")
    client = EngineClient(log_dir=tmp_path).start()
    try:
        pid = client._process.pid
        handle = client.chat(ChatRequest(({"role": "user", "content": "hi"},)))
        assert client.log_path is not None
        _wait_for(client.log_path, "stalling on chat")
        start = time.monotonic()
        handle.cancel()
        assert handle.wait(5), "the cancel never ended the request"
        took = time.monotonic() - start
        print(f"stuck request ended {took:.2f} s after the cancel")
        assert took < 4.5
        assert isinstance(handle.final, Error)
        assert isinstance(handle.final.error, CancelledError)
        assert str(handle.final.error) == STOPPED_TEXT
        assert _wait_gone(pid, 2.0) is not None
        assert not client.alive
        assert client.crashed is not None and "did not end a cancelled request" in str(
            client.crashed
        )
        after = client.hardware()  # queued on a dead engine: fails at once, as after a crash
        assert isinstance(after.final, Error)

        monkeypatch.delenv("HEARTH_ENGINE_STALL")
        client.start()  # the restart path the CLI chat, the GUI and the server use
        assert client.alive
        assert client.hardware().result(60) is not None
    finally:
        client.close()


_PARENT = """
import sys, time
from desktop_app.core import jobs
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import ChatRequest

def begin(_job=None):
    client = EngineClient(log_dir=sys.argv[1]).start()
    client.chat(ChatRequest(({"role": "user", "content": "hi"},)))
    print(client._process.pid, client.log_path, flush=True)
    return client

if sys.argv[2] == "main":
    keep = begin()
else:  # started off the main thread: no PR_SET_PDEATHSIG there, the watchdog must do it
    job = jobs.start(begin, name="starter")
    job.wait()
    keep = job.result
time.sleep(600)
"""


@pytest.mark.parametrize("thread", ["main", "worker"])
def test_the_engine_dies_with_its_parent_even_mid_step(tmp_path: Path, thread: str) -> None:
    env = {**os.environ, "HEARTH_ENGINE_STALL": "chat", "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_PARENT), str(tmp_path), thread],
        stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    ) as parent:  # fmt: skip
        try:
            assert parent.stdout is not None
            pid_text, log_path = parent.stdout.readline().split()
            pid = int(pid_text)
            _wait_for(Path(log_path), "stalling on chat")
            assert not _gone(pid)
            parent.kill()  # SIGKILL: no cleanup of any kind runs in the parent
            took = _wait_gone(pid, 5.0)
            print(f"engine gone {took} s after its parent ({thread} thread)")
            if took is None:
                os.kill(pid, signal.SIGKILL)
            assert took is not None and took < 2.0
        finally:
            if parent.poll() is None:
                parent.kill()


def test_ctrl_c_ends_a_stuck_run_within_a_second(starter_model: Path, tmp_path: Path) -> None:
    env = {**os.environ, "HEARTH_ENGINE_STALL": "chat", "PYTHONUNBUFFERED": "1"}
    errors_path = tmp_path / "stderr.txt"
    with (
        open(errors_path, "w") as errors,
        subprocess.Popen(
            [sys.executable, "-m", "desktop_app", "run", str(starter_model), "hi", "-c", "1024"],
            stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT, env=env,
        ) as proc,
    ):  # fmt: skip
        try:
            _wait_for(errors_path, "loaded in", timeout=180)
            children = psutil.Process(proc.pid).children(recursive=True)
            engines = [c for c in children if not _gone(c.pid)]
            assert engines, "no engine process"
            time.sleep(1.0)  # the chat request reaches the engine and stalls there
            start = time.monotonic()
            proc.send_signal(signal.SIGINT)
            code = proc.wait(timeout=30)
            took = time.monotonic() - start
            print(f"`hearth run` ended {took:.2f} s after Ctrl+C")
        finally:
            if proc.poll() is None:
                proc.kill()
    shown = errors_path.read_text()
    assert took < 1.5, shown  # 0.5 s grace, the kill, and the interpreter's exit
    assert code == 130, shown
    assert STOPPED_TEXT in shown
    for engine in engines:
        assert _wait_gone(engine.pid, 2.0) is not None
