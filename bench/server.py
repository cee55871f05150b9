"""Serving under concurrent load: `hearth serve` beside llama-cpp-python's own server
(llama_cpp.server) on the same model, threads and context, in one run.

N clients stream chat completions at once, each R requests in a row; both servers get the same
prompts, max_tokens and seed, and rounds alternate between them (each round starts with the other
one). Prints requests/s, latency p50/p99, time to first token p50/p99, CPU seconds per request
(server and engine processes), tokens per answer, failed requests (goal: none) and the ratios
app/reference. Both servers answer one request at a time and queue the rest; llama_cpp.server
runs with --interrupt_requests False, since by default a new request cuts off the one being
streamed.

    python bench/server.py [--model PATH] [--clients 4] [--requests 3] [--rounds 4] [--max-tokens 64]
                           [--threads N]

On a machine whose cores are busy with other programs, give --threads fewer than the idle cores:
llama.cpp's threads spin at barriers, so one descheduled thread makes the others burn CPU, and a
48-token answer can take a hundred seconds on either server.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.engine.params import default_threads
from desktop_app.core.models.starter import ensure_starter_model

SAMPLING: dict[str, Any] = dict(
    temperature=0.7, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.1
)


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[str]
    port: int
    model: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    ok: bool
    latency: float = 0.0
    ttft: float = 0.0
    chunks: int = 0
    error: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def drain(
    proc: subprocess.Popen[str], lines: list[str], ready: threading.Event, pattern: str
) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        if re.search(pattern, line):
            ready.set()
    ready.set()


def start_app(model: Path, ctx: int, threads: int, queue: int, home: str) -> Server:
    cmd = [sys.executable, "-m", "desktop_app", "serve", str(model), "--port", "0", "-c", str(ctx),
           "-t", str(threads), "--max-queue", str(queue), "-q"]  # fmt: skip
    env = {**os.environ, "HEARTH_HOME": home}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    lines: list[str] = []
    ready = threading.Event()
    threading.Thread(
        target=drain, args=(proc, lines, ready, r"Serving \S+ at"), daemon=True
    ).start()
    if not ready.wait(300) or proc.poll() is not None:
        raise SystemExit("hearth serve did not start:\n" + "\n".join(lines))
    match = next(
        m for m in map(re.compile(r"Serving (\S+) at http://[^:]+:(\d+)/v1").search, lines) if m
    )
    return Server("app", proc, int(match.group(2)), match.group(1), lines)


def start_reference(model: Path, ctx: int, threads: int) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--n_ctx", str(ctx),
           "--n_threads", str(threads), "--n_threads_batch", str(threads), "--n_batch", "512",
           "--flash_attn", "True", "--interrupt_requests", "False", "--verbose", "False",
           "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    ready = threading.Event()
    pattern = r"Uvicorn running on"
    threading.Thread(target=drain, args=(proc, lines, ready, pattern), daemon=True).start()
    if not ready.wait(300) or proc.poll() is not None:
        raise SystemExit("llama_cpp.server did not start:\n" + "\n".join(lines[-30:]))
    return Server("ref", proc, port, str(model), lines)


def stop(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()  # both shut down cleanly on SIGTERM
        try:
            server.proc.wait(30)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(10)


def prompt(round_no: int, client: int, request: int) -> list[dict[str, str]]:
    return [
        {
            "role": "system",
            "content": f"Session {round_no}-{client}-{request}. You are a storyteller.",
        },
        {"role": "user", "content": "Write a story about a lighthouse keeper and a storm."},
    ]


def stream_once(
    server: Server, messages: list[dict[str, str]], max_tokens: int, seed: int
) -> Outcome:
    body = json.dumps({"model": server.model, "messages": messages, "max_tokens": max_tokens,
                       "seed": seed, "stream": True, **SAMPLING}).encode()  # fmt: skip
    started = time.perf_counter()
    first = 0.0
    chunks = 0
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        if resp.status != 200:
            return Outcome(False, error=f"HTTP {resp.status}: {resp.read()[:200]!r}")
        done = False
        for raw in iter(resp.readline, b""):
            line = raw.strip()
            if not line.startswith(b"data:"):
                continue
            data = line[5:].strip()
            if data == b"[DONE]":
                done = True
                break
            event = json.loads(data)
            if "error" in event:
                return Outcome(False, error=str(event["error"]))
            choices = event.get("choices") or [{}]
            if choices[0].get("delta", {}).get("content"):
                chunks += 1
                if not first:
                    first = time.perf_counter()
        if not done:
            return Outcome(False, error="the stream ended without [DONE]")
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return Outcome(False, error=repr(exc))
    finally:
        conn.close()
    end = time.perf_counter()
    return Outcome(True, end - started, (first or end) - started, chunks)


def load_round(server: Server, round_no: int, clients: int, requests: int, max_tokens: int,
               seed: int) -> tuple[float, list[Outcome]]:  # fmt: skip
    """All clients at once; the round's wall time and every request's outcome."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    gate = threading.Barrier(clients + 1)

    def client(c: int) -> None:
        gate.wait()
        for r in range(requests):
            outcome = stream_once(server, prompt(round_no, c, r), max_tokens, seed)
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    gate.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started, outcomes


def cpu_seconds(server: Server) -> float:
    """CPU time of the server and its children (the app's engine process): a figure that the
    load of other programs on the machine disturbs far less than wall-clock time."""
    import psutil

    total = 0.0
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(server.proc.pid)
        for p in [proc, *proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = p.cpu_times()
                total += times.user + times.system
    return total


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: with few samples p99 is the slowest request, as it should be."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@contextlib.contextmanager
def servers(model: Path, ctx: int, threads: int, queue: int) -> Iterator[tuple[Server, Server]]:
    home = tempfile.mkdtemp(prefix="bench-server-")
    app = start_app(model, ctx, threads, queue, home)
    try:
        ref = start_reference(model, ctx, threads)
        try:
            yield app, ref
        finally:
            stop(ref)
    finally:
        stop(app)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", type=Path)
    ap.add_argument("--clients", type=int, default=4, help="concurrent streaming clients")
    ap.add_argument("--requests", type=int, default=3, help="requests per client per round")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=min(2, default_threads()))
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    model = args.model or ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    print(f"model {model.name}, threads {args.threads}, ctx {args.ctx}, {args.clients} clients x "
          f"{args.requests} requests, max tokens {args.max_tokens}, seed {args.seed}, "
          f"{args.rounds} rounds (alternating)")  # fmt: skip
    results: dict[str, dict[str, Any]] = {
        name: {"wall": 0.0, "cpu": 0.0, "out": []} for name in ("app", "ref")
    }
    with servers(model, args.ctx, args.threads, args.clients + 4) as (app, ref):
        for server in (app, ref):  # warm up: first-request costs are not the subject
            stream_once(server, prompt(-1, 0, 0), 8, args.seed)
        for r in range(args.rounds):
            order = (app, ref) if r % 2 == 0 else (ref, app)
            for server in order:
                cpu = cpu_seconds(server)
                wall, outcomes = load_round(server, r, args.clients, args.requests, args.max_tokens,
                                            args.seed)  # fmt: skip
                results[server.name]["wall"] += wall
                results[server.name]["cpu"] += cpu_seconds(server) - cpu
                results[server.name]["out"] += outcomes

    rows: dict[str, dict[str, float]] = {}
    for name, res in results.items():
        ok = [o for o in res["out"] if o.ok]
        rows[name] = {
            "requests/s": len(ok) / res["wall"] if res["wall"] else 0.0,
            "latency p50 (s)": percentile([o.latency for o in ok], 50),
            "latency p99 (s)": percentile([o.latency for o in ok], 99),
            "first token p50 (s)": percentile([o.ttft for o in ok], 50),
            "first token p99 (s)": percentile([o.ttft for o in ok], 99),
            "CPU s per request": res["cpu"] / len(res["out"]) if res["out"] else 0.0,
            "chunks per answer (median)": statistics.median(o.chunks for o in ok) if ok else 0.0,
            "failed requests": float(len(res["out"]) - len(ok)),
        }
        for o in res["out"]:
            if not o.ok:
                print(f"{name} failure: {o.error}")
    print(f"{'':28}{'app server':>12}{'llama_cpp.server':>18}{'app/ref':>9}")
    for key in rows["app"]:
        a, b = rows["app"][key], rows["ref"][key]
        ratio = f"{a / b:9.2f}" if b and key != "failed requests" else f"{'':9}"
        print(f"{key:28}{a:12.3f}{b:18.3f}{ratio}")
    print(
        "(requests/s: higher is better; latency, first token and CPU: lower is better; CPU time is\n"
        " the steadiest figure on a busy machine, wall-clock times move with other programs' load)"
    )
    failed = rows["app"]["failed requests"] + rows["ref"]["failed requests"]
    print(f"failed requests: {'none' if not failed else int(failed)}")
    return 0 if not rows["app"]["failed requests"] else 1


if __name__ == "__main__":
    sys.exit(main())
