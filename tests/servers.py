"""Start OpenAI-compatible servers as real subprocesses on loopback, for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    """Poll `url` until it answers 200; fail with the server's log if it dies or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                return
        time.sleep(0.2)  # polling a subprocess's port: there is no signal to wait on
    raise RuntimeError(f"server not ready after {timeout} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def llama_cpp_server(
    model: Path, log: Path, *, n_ctx: int = 2048, threads: int = 2, api_key: str | None = None
) -> Iterator[str]:
    """llama-cpp-python's own server (`python -m llama_cpp.server`); yields its base URL (…/v1)."""
    port = free_port()
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--n_ctx", str(n_ctx),
        "--n_threads", str(threads), "--n_threads_batch", str(threads), "--host", "127.0.0.1",
        "--port", str(port), "--verbose", "False",
    ]  # fmt: skip
    if api_key:
        cmd += ["--api_key", api_key]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ))
    try:
        headers_url = f"http://127.0.0.1:{port}/v1/models"
        if api_key:  # the listing needs the key too: wait on the docs page instead
            headers_url = f"http://127.0.0.1:{port}/docs"
        wait_ready(headers_url, process, log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def app_server(
    model: Path, log: Path, *, n_ctx: int = 2048, threads: int = 2, api_key: str | None = None
) -> Iterator[str]:
    """This app's own server (`hearth serve`, the server tests' ServerProcess); yields …/v1."""
    from server_process import ServerProcess

    extra = ["-c", str(n_ctx), "-t", str(threads)] + (["--api-key", api_key] if api_key else [])
    server = ServerProcess(model, log.parent / "app-home", *extra)
    try:
        yield server.wait_ready().base_url
    finally:
        server.close()
        log.write_text(server.log, encoding="utf-8")
