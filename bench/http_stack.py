"""Is the hand-written HTTP layer worth keeping? `hearth serve` beside Starlette on uvicorn (h11),
on what the HTTP layer alone decides, in one run (issue 18).

Each stack serves /health (no model work: the layer is measured, not llama.cpp). Per stack:

* req/s: 4 client threads, keep-alive, for a few seconds;
* 300 idle connections (opened, nothing sent), then /health on a new one: its status;
* a request head sent halfway and never finished: seconds until the server gives up on it;
* a request announcing a 50 MB body: the status, and how many bytes the server read first.

uvicorn runs twice: with `limit_concurrency` at the connection bound `hearth serve` uses (its way
to bound connections), and without any bound.

    python bench/http_stack.py [--model PATH] [--seconds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
CONNECTION_BOUND = 8 + 32  # hearth serve's default: --max-queue 8, plus 32
IDLE = 300
HALF_HEAD_CAP_S = 30.0


def reference_app(port: int, limit: int | None) -> None:
    """Starlette on uvicorn: /health, and a POST that reads its body (the body-limit case)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def chat(request: Request) -> JSONResponse:
        body = await request.body()
        return JSONResponse({"read": len(body)})

    app = Starlette(
        routes=[Route("/health", health), Route("/v1/chat/completions", chat, methods=["POST"])]
    )
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="error", limit_concurrency=limit,
        timeout_keep_alive=60,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_health(port: int, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with contextlib.suppress(OSError):
            if get_health(port)[0] == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"no /health on {port}")


def get_health(port: int, timeout: float = 10) -> tuple[int, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.monotonic() - started


@contextlib.contextmanager
def started(cmd: list[str], port: int) -> Iterator[None]:
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_health(port)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def rate(port: int, seconds: float) -> float:
    done = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            f = s.makefile("rb")
            while time.monotonic() < stop:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                length = 0
                while (line := f.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                f.read(length)
                with lock:
                    done[0] += 1

    threads = [threading.Thread(target=client) for _ in range(4)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.monotonic() - began)


def idle_then_health(port: int) -> str:
    idle = []
    try:
        for _ in range(IDLE):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError as exc:
                return f"refused after {len(idle)} idle ({exc.__class__.__name__})"
        time.sleep(0.5)
        try:
            status, took = get_health(port)
        except OSError as exc:
            return f"no answer ({exc.__class__.__name__})"
        return f"{status} in {took * 1000:.0f} ms"
    finally:
        for s in idle:
            s.close()


def half_head(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=HALF_HEAD_CAP_S + 5) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        began = time.monotonic()
        s.settimeout(HALF_HEAD_CAP_S)
        try:
            data = s.recv(4096)
        except TimeoutError:
            return f"still open after {HALF_HEAD_CAP_S:.0f} s"
        took = time.monotonic() - began
        head = data.split(b"\r\n", 1)[0].decode(errors="replace") or "closed"
        return f"{head} after {took:.1f} s"


def big_body(port: int) -> str:
    size = 50 * 1024 * 1024
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n" + f"Content-Length: {size}\r\n\r\n".encode()
        )
        chunk = b"x" * (1 << 20)
        s.settimeout(0.5)
        answer = b""
        while sent < size:
            try:
                s.sendall(chunk)
                sent += len(chunk)
            except (TimeoutError, OSError):
                break
            with contextlib.suppress(TimeoutError, BlockingIOError):
                s.setblocking(False)
                try:
                    answer = s.recv(4096)
                except BlockingIOError:
                    answer = b""
                finally:
                    s.setblocking(True)
                    s.settimeout(0.5)
            if answer:
                break
        if not answer:
            s.settimeout(30)
            with contextlib.suppress(OSError):
                answer = s.recv(4096)
    head = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "closed"
    return f"{head} after {sent / 1e6:.0f} MB sent"


def measure(name: str, port: int, seconds: float) -> dict[str, str]:
    out = {"stack": name, "req/s": f"{rate(port, seconds):.0f}"}
    out["300 idle, then /health"] = idle_then_health(port)
    out["half-sent head"] = half_head(port)
    out["50 MB body"] = big_body(port)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--reference-app", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference_app:
        reference_app(args.reference_app, args.limit)
        return 0
    from desktop_app.core.models.starter import ensure_starter_model

    model = args.model or ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    rows = []
    port = free_port()
    hearth = [sys.executable, "-m", "desktop_app", "serve", str(model), "--port", str(port)]
    with started([*hearth, "--no-warmup", "-q", "-c", "512"], port):
        rows.append(measure("hearth serve (http11.py)", port, args.seconds))
    for limit in (CONNECTION_BOUND, None):
        port = free_port()
        cmd = [sys.executable, __file__, "--reference-app", str(port)]
        cmd += ["--limit", str(limit)] if limit else []
        name = f"Starlette + uvicorn (limit_concurrency={limit})"
        with started(cmd, port):
            rows.append(measure(name, port, args.seconds))
    print(json.dumps(rows, indent=2, ensure_ascii=False))
    ours, bounded = float(rows[0]["req/s"]), float(rows[1]["req/s"])
    print(f"\nreq/s: hearth {ours:.0f}, uvicorn {bounded:.0f}, ratio {ours / max(1, bounded):.2f}")
    for key in ("300 idle, then /health", "half-sent head", "50 MB body"):
        print(f"{key}: " + " | ".join(f"{r['stack']}: {r[key]}" for r in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
