"""`hearth serve` as a real subprocess on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
API_KEY = "test-key-123"
READY = re.compile(r"Serving (\S+) at http://127\.0\.0\.1:(\d+)/v1")


class ServerProcess:
    """A running server; its stderr is read on a thread (lines kept) so the pipe never fills."""

    def __init__(self, model: Path, home: Path, *extra: str) -> None:
        env = {**os.environ, "HEARTH_HOME": str(home)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop_app", "serve", str(model), "--port", "0",
             "-c", "1024", "-t", "2", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
        )  # fmt: skip
        self.lines: list[str] = []
        self.model_id = ""
        self.port = 0
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            match = READY.search(line)
            if match:
                self.model_id, self.port = match.group(1), int(match.group(2))
                self._ready.set()
        self._ready.set()  # the process ended: wake the waiter

    def wait_ready(self, timeout: float = 180) -> ServerProcess:
        assert self._ready.wait(timeout), f"no 'Serving' line within {timeout} s:\n{self.log}"
        assert self.port, f"the server exited:\n{self.log}"
        return self

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = API_KEY,
        timeout: float = 120,
    ) -> tuple[int, dict[str, str], Any]:
        """A plain HTTP request; returns status, headers (lower-case) and the parsed JSON body."""
        hdrs = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if key:
            hdrs.setdefault("Authorization", f"Bearer {key}")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            got = {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()
        return resp.status, got, json.loads(data) if data else None

    def health(self) -> dict[str, Any]:
        status, _, body = self.request("GET", "/health", key=None)
        assert status == 200, body
        return body

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl+C, as a terminal sends it; the exit code."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout)
        self._reader.join(10)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def wait_until(predicate: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
    """Poll another process's state (no signal to wait on across processes)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what or predicate}"
        time.sleep(0.05)
