"""GUI-thread stalls while a 2,000-token answer streams into the chat view.

Tokens are fed at a steady rate from a worker thread into the app's real path: the Chat pane's
runner (`ui/chat/pane.background_runner`, a `ui/background.Background` that coalesces streamed
tokens per frame, as the chat session's answers run), then the transcript's in-place append, and
at the end the single markdown render of the finished answer. A 1 ms heartbeat timer on the GUI thread measures stalls
(the gaps between its ticks). The reference, in the same run, is the naive way: re-render the
whole answer as markdown on every update. Goals: longest stall < 50 ms, p99 < 16 ms, and a
per-token cost that does not grow from the start of the answer to its end.

    python bench/ui_stream.py [--tokens 2000] [--rate 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.core.engine.events import Token
from desktop_app.ui.chat.pane import background_runner
from desktop_app.ui.chat.transcript import Transcript
from desktop_app.ui.markdown import render_markdown


def make_tokens(n: int) -> list[str]:
    """A markdown-shaped answer: prose, lists, a code block every so often, Chinese too."""
    words = ["the", "model", "streams", "each", "token", "into", "the", "view", "while", "the", "window", "stays", "responsive", "大海", "和", "沙滩", "code", "block", "list", "item"]  # fmt: skip
    out: list[str] = []
    i = 0
    while len(out) < n:
        if i % 300 == 150:
            out += ["\n\n```python\n", "def f(x):\n", "    return x * 2\n", "```\n\n"]
        elif i % 40 == 39:
            out.append("\n- ")
        else:
            out.append((" " if out else "") + words[i % len(words)])
        i += 1
    return out[:n]


def run(mode: str, tokens: list[str], rate: float) -> dict[str, float]:
    view = Transcript()
    view.resize(900, 700)
    view.show()
    view.begin_answer(0)
    per_token_us: list[tuple[int, float]] = []  # (tokens so far, µs per token of this update)
    received = [0]
    text_so_far: list[str] = []

    def on_tokens(text: str) -> None:
        n = max(1, text.count(" ") + text.count("\n"))
        t = time.perf_counter()
        if mode == "app":
            view.append_tokens(text)
        else:  # naive: re-render the whole answer each update
            text_so_far.append(text)
            view.setHtml(render_markdown("".join(text_so_far)).html)
        per_token_us.append((received[0], (time.perf_counter() - t) * 1e6 / n))
        received[0] += n

    def on_event(event: object) -> None:  # the GUI thread: one Token per frame
        if isinstance(event, Token):
            on_tokens(event.text)

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(1)
    loop = QEventLoop()

    def feed(emit: Callable[[object], None], cancel: threading.Event) -> object:
        gap = 1.0 / rate  # the worker thread, as the chat session's answer runs
        start = time.perf_counter()
        for i, tok in enumerate(tokens):
            delay = start + i * gap - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if cancel.is_set():
                break
            emit(Token(tok))  # the engine's reader thread does this for a real answer
        return None

    background_runner("bench", feed, on_event, lambda _result, _error: loop.quit())
    loop.exec()  # every token has been handed over when the end arrives
    t = time.perf_counter()
    if mode == "app":
        view.end_answer("".join(tokens), 0)
    final_render_ms = (time.perf_counter() - t) * 1000
    QApplication.processEvents()
    heartbeat.stop()
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    gaps.sort()
    first = [c for n, c in per_token_us if n < 200]
    last = [c for n, c in per_token_us if n >= len(tokens) - 200]
    view.close()
    return {
        "max_stall_ms": max(gaps[-1], final_render_ms),
        "p99_ms": gaps[int(len(gaps) * 0.99)],
        "start_us": statistics.median(first),
        "end_us": statistics.median(last),
        "final_ms": final_render_ms,
        "updates": len(per_token_us),
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tokens", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=200.0, help="tokens per second fed in")
    args = ap.parse_args()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    tokens = make_tokens(args.tokens)
    ours = run("app", tokens, args.rate)
    naive = run("naive", tokens, args.rate)
    print(f"{args.tokens} tokens at {args.rate:.0f} tokens/s, platform {app.platformName()}")
    print(f"{'':34}{'app':>10}{'re-render (ref)':>17}")
    print(f"{'longest GUI stall (ms)':34}{ours['max_stall_ms']:10.1f}{naive['max_stall_ms']:17.1f}")
    print(f"{'99th percentile stall (ms)':34}{ours['p99_ms']:10.1f}{naive['p99_ms']:17.1f}")
    print(f"{'cost per token, first 200 (µs)':34}{ours['start_us']:10.1f}{naive['start_us']:17.1f}")
    print(f"{'cost per token, last 200 (µs)':34}{ours['end_us']:10.1f}{naive['end_us']:17.1f}")
    print(f"{'view updates':34}{ours['updates']:10.0f}{naive['updates']:17.0f}")
    print(f"{'final markdown render (ms)':34}{ours['final_ms']:10.1f}")
    growth = ours["end_us"] / ours["start_us"]
    print(
        f"per-token cost end/start: app {growth:.2f}, reference {naive['end_us'] / naive['start_us']:.2f}"
    )
    ok = ours["max_stall_ms"] < 50 and ours["p99_ms"] < 16 and growth < 2
    print(f"goals (max < 50 ms, p99 < 16 ms, no growth): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
