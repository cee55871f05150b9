"""GUI-thread stalls while a 2,000-token answer streams into the chat view, and at its end.

Tokens are fed at a steady rate from a worker thread into the app's real path: the Chat pane's
runner (`ui/chat/pane.background_runner`, a `ui/background.Background` that coalesces streamed
tokens per frame, as the chat session's answers run), then the transcript, which shows the
answer as markdown while it streams (rendered off the GUI thread, block by block) and, when it
ends, its final form. A 1 ms heartbeat timer on the GUI thread measures stalls (the gaps
between its ticks) from the first token until the final form is on screen. The reference, in
the same run, is the naive way: re-render the whole answer as markdown on every update.

Goals: longest stall < 50 ms, p99 < 16 ms, a per-token cost on the GUI thread that does not
grow from the start of the answer to its end, on an idle machine and with `--load`, another
process keeping a core busy as on any real desktop: `spin` (a Python loop) or `model` (a second
model generating on one thread, with `--model PATH` or the starter model).

    python bench/ui_stream.py [--tokens 2000] [--rate 200] [--load spin|model] [--model PATH]
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.core.engine.events import Token
from desktop_app.ui.chat import live_answer
from desktop_app.ui.chat.pane import background_runner
from desktop_app.ui.chat.transcript import Transcript
from desktop_app.ui.markdown import render_markdown, warm_up

SPIN = "while True: pass"
GENERATE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_threads=1, n_ctx=1024, verbose=False)
ready = False
while True:
    for _ in llm.create_completion("Once upon a time", max_tokens=400, stream=True):
        if not ready:
            print("ready", flush=True)
            ready = True
"""


# make_tokens' text has the same shape every SHAPE tokens (a list item every 40 tokens, a code
# block every 300): the cost per token of its first and its last SHAPE tokens compare like
# with like, so a difference is growth with the answer's length.
SHAPE = 600


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


@contextmanager
def gui_time(costs: list[tuple[int, float]], received: list[int]) -> Iterator[None]:
    """The GUI thread's CPU time for a piece of its work, booked at the number of tokens
    received so far. CPU time, not wall time: on a busy machine a step is often preempted, and
    the time it waits for a core says nothing about how much work it is."""
    t = time.thread_time()
    try:
        yield
    finally:
        costs.append((received[0], time.thread_time() - t))


def per_token(steps: list[float], tokens: int) -> float:
    """GUI CPU time per token (µs) over a stretch of the answer."""
    return sum(steps) * 1e6 / tokens


def run(mode: str, tokens: list[str], rate: float) -> dict[str, float]:
    view = Transcript()
    view.resize(900, 700)
    view.show()
    view.begin_answer(0)
    costs: list[tuple[int, float]] = []  # (tokens so far, seconds of GUI-thread view work)
    received = [0]
    updates = [0]
    text_so_far: list[str] = []
    arrived = live_answer.LiveAnswer._arrived  # the app's off-thread renders land here

    def timed_arrival(self: live_answer.LiveAnswer, *args: Any) -> None:
        with gui_time(costs, received):
            arrived(self, *args)

    live_answer.LiveAnswer._arrived = timed_arrival  # type: ignore[method-assign,assignment]

    def on_tokens(text: str) -> None:
        n = max(1, text.count(" ") + text.count("\n"))
        updates[0] += 1
        with gui_time(costs, received):
            if mode == "app":
                view.append_tokens(text)
            else:  # naive: re-render the whole answer each update
                text_so_far.append(text)
                view.setHtml(render_markdown("".join(text_so_far)).html)
        received[0] += n

    def on_event(event: object) -> None:  # the GUI thread: one Token per frame
        if isinstance(event, Token):
            on_tokens(event.text)

    ticks: list[tuple[float, float]] = []  # (wall clock, the GUI thread's CPU time)
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
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
    ended = time.perf_counter()
    final_costs = len(costs)
    if mode == "app":
        with gui_time(costs, received):
            view.end_answer("".join(tokens), 0)
        if view.rendering:  # the last block is still being rendered off the GUI thread
            view.answer_shown.connect(loop.quit)
            loop.exec()
    shown_ms = (time.perf_counter() - ended) * 1000
    QApplication.processEvents()
    heartbeat.stop()
    live_answer.LiveAnswer._arrived = arrived  # type: ignore[method-assign]
    gaps = sorted((b[0] - a[0]) * 1000 for a, b in itertools.pairwise(ticks))
    busy = sorted((b[1] - a[1]) * 1000 for a, b in itertools.pairwise(ticks))
    n = len(tokens)
    view.close()
    return {
        "max_stall_ms": gaps[-1],
        "p99_ms": gaps[int(len(gaps) * 0.99)],
        "max_busy_ms": busy[-1],
        "p99_busy_ms": busy[int(len(busy) * 0.99)],
        "start_us": per_token([s for k, s in costs if k < SHAPE], SHAPE),
        "end_us": per_token([s for k, s in costs[:final_costs] if k >= n - SHAPE], SHAPE),
        "final_gui_ms": max((s for _, s in costs[final_costs:]), default=0.0) * 1000,
        "final_shown_ms": shown_ms,
        "updates": updates[0],
        "gui_ms_total": sum(s for _, s in costs) * 1000,
    }


@contextmanager
def load(kind: str, model: str | None) -> Iterator[str]:
    """Another process keeping a core busy for the duration; yields what it is, in words."""
    if kind == "none":
        yield "no load added"
        return
    if kind == "spin":
        args, what = [sys.executable, "-c", SPIN], "a busy Python process"
    else:
        if model is None:
            from desktop_app.core.models.starter import ensure_starter_model

            model = str(ensure_starter_model(Path.home() / ".cache" / "hearth-tests"))
        args = [sys.executable, "-c", GENERATE, model]
        what = f"a second model generating on 1 thread ({Path(model).name})"
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        if kind == "model":
            assert proc.stdout is not None
            proc.stdout.readline()  # generating from now on
        else:
            time.sleep(0.5)
        yield what
    finally:
        proc.kill()
        proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tokens", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=200.0, help="tokens per second fed in")
    ap.add_argument("--load", choices=["none", "spin", "model"], default="none")
    ap.add_argument("--model", help="the model the `--load model` process runs")
    args = ap.parse_args()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    warm_up()  # what the app has done off the GUI thread by the time a first answer arrives
    tokens = make_tokens(args.tokens)
    with load(args.load, args.model) as what:
        ours = run("app", tokens, args.rate)
        naive = run("naive", tokens, args.rate)
    print(
        f"{args.tokens} tokens at {args.rate:.0f} tokens/s, platform {app.platformName()}, {what}"
    )
    print(f"{'':36}{'app':>9}{'re-render (ref)':>17}{'ratio':>8}")

    def row(label: str, key: str) -> None:
        a, r = ours[key], naive[key]
        print(f"{label:36}{a:9.1f}{r:17.1f}{r / a if a else float('inf'):8.2f}")

    row("longest GUI stall (ms)", "max_stall_ms")
    row("99th percentile stall (ms)", "p99_ms")
    row("  of it the GUI thread's CPU: max (ms)", "max_busy_ms")
    row("  of it the GUI thread's CPU: p99 (ms)", "p99_busy_ms")
    row(f"GUI CPU µs per token, first {SHAPE}", "start_us")
    row(f"GUI CPU µs per token, last {SHAPE}", "end_us")
    row("GUI CPU in the view, total (ms)", "gui_ms_total")
    print(f"{'view updates':36}{ours['updates']:9.0f}{naive['updates']:17.0f}")
    print(f"{'end: longest GUI-thread step (CPU ms)':36}{ours['final_gui_ms']:9.1f}")
    print(f"{'end: final form shown after (ms)':36}{ours['final_shown_ms']:9.1f}")
    print("ratio = reference / app: higher is better. A stall is the longest gap between ticks of")
    print("a 1 ms timer on the GUI thread; the CPU rows count only that thread's own work in the")
    print("gap (the rest is waiting: for a core the machine gives to other processes, or the GIL)")
    growth = ours["end_us"] / ours["start_us"] if ours["start_us"] else float("inf")  # CPU
    ref_growth = naive["end_us"] / naive["start_us"]
    print(f"GUI CPU per token end/start: app {growth:.2f}, reference {ref_growth:.2f}")
    ok = ours["max_stall_ms"] < 50 and ours["p99_ms"] < 16 and growth < 2
    print(f"goals (max < 50 ms, p99 < 16 ms, no growth): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
