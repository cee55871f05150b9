"""The application's side of the engine: starts the engine process and talks to it.

Every call returns at once with a RequestHandle; events arrive on a reader thread and go to the
handle's queue and to an optional callback, so no caller's thread waits on llama.cpp. One request
runs at a time; later ones wait here (not in the pipe) so a queued request can be cancelled for free.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing as mp
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop_app.core import jobs
from desktop_app.core.engine import messages
from desktop_app.core.engine import requests as rq
from desktop_app.core.engine.events import Done, Error, ModelInfo, Result, Token
from desktop_app.core.engine.handle import Callback, RequestHandle
from desktop_app.core.engine.label_scores import ClassifyRequest
from desktop_app.core.engine.params import ChatRequest, LoadParams, Message
from desktop_app.core.engine.worker import engine_main
from desktop_app.core.errors import CancelledError, EngineCrashedError
from desktop_app.core.storage.logs import tail_lines

log = logging.getLogger(__name__)

_KEEP_CRASH_LOGS = 5
# A cancel the engine has not answered by then ends the engine process: a model file must not be
# able to make Stop, Cancel or Ctrl+C wait on a step that never checks (issue 18).
CANCEL_GRACE_S = 3.0  # a loaded 2-core machine can spend over 1 s in one batch step (CI)
CANCEL_LIMIT_S = 10.0
STOPPED_TEXT = messages.STOPPED


class EngineClient:
    """Owns the engine process. Safe to call from any thread."""

    def __init__(self, log_dir: str | os.PathLike[str] | None = None) -> None:
        self._log_dir = Path(log_dir) if log_dir else Path(tempfile.gettempdir())
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._pending: deque[tuple[RequestHandle, rq.EngineRequest]] = deque()
        self._active: RequestHandle | None = None
        self._process: Any = None
        self._conn: Any = None
        self._reader: threading.Thread | None = None
        self._cancel_id: Any = None
        self._life: Any = None  # the child's lifeline: it ends itself when this end closes
        self._stopped_for: RequestHandle | None = None  # the cancel that ended the process
        self._event_at: float | None = None  # when the running request's last event came
        self._gap = 0.0  # the longest wait between its events: a slow model is not a stuck one
        # how long a cancel may go unanswered before the process is ended; None: CANCEL_GRACE_S
        # or twice the longest gap. A one-shot command sets a short one: it exits anyway.
        self.cancel_grace_s: float | None = None
        self._closing = False
        self.log_path: Path | None = None
        self.model_info: ModelInfo | None = None
        self.crashed: EngineCrashedError | None = None
        self.on_crash: Callable[[EngineCrashedError], None] | None = None

    # ---- life cycle ----------------------------------------------------------------------

    def start(self) -> EngineClient:
        """Start a fresh engine process (after a crash too). Returns at once."""
        self.close()
        ctx = mp.get_context("spawn")
        self._log_dir.mkdir(parents=True, exist_ok=True)
        _prune_logs(self._log_dir)
        fd, name = tempfile.mkstemp(prefix="engine-", suffix=".log", dir=self._log_dir)
        os.close(fd)
        self.log_path = Path(name)
        parent_conn, child_conn = ctx.Pipe()
        self._cancel_id = ctx.RawValue("q", 0)
        life_child, self._life = ctx.Pipe(duplex=False)  # the child reads, nobody writes
        on_main = threading.current_thread() is threading.main_thread()  # PDEATHSIG follows it
        self._process = ctx.Process(
            target=engine_main,
            args=(child_conn, self._cancel_id, name, os.getpid(), life_child, on_main),
            name="hearth-engine",
            daemon=True,
        )
        with _sigint_ignored():
            self._process.start()  # born ignoring Ctrl+C: the front end decides what it stops
        child_conn.close()  # so that recv() sees EOF when the child dies
        life_child.close()
        self._conn = parent_conn
        self._stopped_for = None
        self.crashed = None
        self.model_info = None
        self._reader = threading.Thread(target=self._read_loop, name="engine-reader", daemon=True)
        self._reader.start()
        return self

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive() and self.crashed is None

    def close(self, timeout: float = 5.0) -> None:
        """Stop the engine: cancel what runs, ask it to exit, kill it if it does not."""
        process, conn = self._process, self._conn
        if process is None:
            return
        self._closing = True
        with self._lock:
            pending = list(self._pending)
            self._pending.clear()
            active = self._active
        for handle, _ in pending:
            handle.deliver(Error(CancelledError(messages.CLOSED)))
        if active is not None and self._cancel_id is not None:
            self._cancel_id.value = active.id
        with contextlib.suppress(OSError, ValueError):
            conn.send((0, rq.Shutdown()))
        if active is not None and not active.wait(CANCEL_GRACE_S):
            process.kill()  # stuck on a step that never checks: waiting longer changes nothing
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(timeout)
        self._process = None
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout)
        with contextlib.suppress(OSError):
            conn.close()
        if self._life is not None:
            with contextlib.suppress(OSError):
                self._life.close()
        self._conn = None
        self._life = None
        self._closing = False
        if active is not None and not active.finished:
            active.deliver(Error(CancelledError(messages.CLOSED)))
        with self._lock:
            self._active = None
        if self.crashed is None and self.log_path is not None:
            with contextlib.suppress(OSError):
                self.log_path.unlink()

    def __enter__(self) -> EngineClient:
        if self._process is None:
            self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ---- requests ------------------------------------------------------------------------

    def load(self, params: LoadParams, callback: Callback | None = None) -> RequestHandle:
        return self.submit(rq.Load(params), callback)

    def unload(self, callback: Callback | None = None) -> RequestHandle:
        return self.submit(rq.Unload(), callback)

    def chat(self, request: ChatRequest, callback: Callback | None = None) -> RequestHandle:
        return self.submit(rq.Chat(request), callback)

    def classify(self, request: ClassifyRequest, callback: Callback | None = None) -> RequestHandle:
        """Label probabilities: an ItemScore event per text, then Result(ClassifyReport)."""
        return self.submit(rq.Classify(request), callback)

    def budget(self, messages: list[Message], max_tokens: int) -> RequestHandle:
        return self.submit(rq.Budget(tuple(messages), max_tokens))

    def count_tokens(self, text: str) -> RequestHandle:
        return self.submit(rq.CountTokens(text))

    def tokenize(
        self, text: str, add_special: bool = False, parse_special: bool = False
    ) -> RequestHandle:
        """Result(list[int]): the ids llama.cpp gives (by default no BOS/EOS, special text plain)."""
        return self.submit(rq.Tokenize(text, add_special, parse_special))

    def token_pieces(self, ids: Sequence[int]) -> RequestHandle:
        """Result(list[bytes]): each token's own bytes; joined, they are the text's UTF-8."""
        return self.submit(rq.Pieces(tuple(ids)))

    def detokenize(self, ids: Sequence[int]) -> RequestHandle:
        """Result(str): the tokens' text, as llama-server's /detokenize gives it."""
        return self.submit(rq.Detokenize(tuple(ids)))

    def embed(
        self, inputs: Sequence[str | Sequence[int]], model_path: str | None = None
    ) -> RequestHandle:
        """Result(Embeddings): a unit vector per text or token list (embeddings.py); from the
        loaded model, or the embedding GGUF at `model_path`."""
        items = tuple(i if isinstance(i, str) else tuple(i) for i in inputs)
        return self.submit(rq.Embed(items, model_path))

    def render(self, messages: list[Message]) -> RequestHandle:
        return self.submit(rq.Render(tuple(messages)))

    def hardware(self) -> RequestHandle:
        return self.submit(rq.Hardware())

    def submit(self, request: rq.EngineRequest, callback: Callback | None = None) -> RequestHandle:
        """Queue any request (requests.py); the methods above are the usual way in."""
        handle = RequestHandle(self, next(self._ids), request.op, callback)
        if not self.alive:
            handle.deliver(Error(self.crashed or EngineCrashedError(messages.NOT_RUNNING)))
            return handle
        with self._lock:
            self._pending.append((handle, request))
        self._pump()
        return handle

    def _pump(self) -> None:
        """Send the next waiting request if none is running."""
        with self._lock:
            if self._active is not None or not self._pending:
                return
            handle, request = self._pending.popleft()
            self._active = handle
            self._event_at, self._gap = None, 0.0
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self._conn.send((handle.id, request))  # if dead: the reader thread reports it

    def cancel(self, handle: RequestHandle) -> None:
        """Stop a request: a waiting one ends at once, a running one at its next check."""
        with self._lock:
            for item in list(self._pending):
                if item[0] is handle:
                    self._pending.remove(item)
                    handle.deliver(
                        Done("cancelled", "")
                        if handle.op == "chat"
                        else Error(CancelledError(messages.CANCELLED))
                    )
                    return
            if self._active is not handle or self._cancel_id is None:
                return
            self._cancel_id.value = handle.id
            process = self._process
        jobs.start(lambda _job: self._stop_if_deaf(handle, process), name="engine-cancel-watch")

    @property
    def _grace(self) -> float:
        return CANCEL_GRACE_S if self.cancel_grace_s is None else self.cancel_grace_s

    def _stop_if_deaf(self, handle: RequestHandle, process: Any) -> None:
        """End the engine process when a cancel goes unanswered: no event for CANCEL_GRACE_S
        (or twice the request's longest wait between events, for a big model on a CPU), and
        in any case after CANCEL_LIMIT_S."""
        started = time.monotonic()
        fixed = self.cancel_grace_s
        while not handle.wait(0.05):
            now = time.monotonic()
            last = max(started, self._event_at or started)
            if fixed is not None:
                if now - started > fixed:
                    break
            elif now - last > max(CANCEL_GRACE_S, 2 * self._gap) or now - started > CANCEL_LIMIT_S:
                break
        else:
            return
        with self._lock:
            if self._active is not handle or self._process is not process or self._closing:
                return
            self._stopped_for = handle
        log.warning("the engine did not answer a cancel within %.1f s: stopping it", self._grace)
        process.terminate()
        process.join(0.5)
        if process.is_alive():
            process.kill()  # the reader then sees the pipe's end and reports (_on_exit)

    # ---- events --------------------------------------------------------------------------

    def _read_loop(self) -> None:
        conn = self._conn
        while True:
            try:
                req_id, event = conn.recv()
            except (EOFError, OSError, ValueError):
                break
            with self._lock:
                handle = self._active if self._active and self._active.id == req_id else None
            if handle is None:
                continue
            now = time.monotonic()
            if self._event_at is not None:
                self._gap = max(self._gap, now - self._event_at)
            self._event_at = now
            if isinstance(event, Result) and isinstance(event.value, ModelInfo):
                self.model_info = event.value
            final = isinstance(event, (Done, Error, Result))
            if final:
                with self._lock:
                    self._active = None
            handle.deliver(event)
            if final:
                self._pump()
        self._on_exit()

    def _on_exit(self) -> None:
        process = self._process
        if process is None or self._closing:
            return  # close() asked for this exit
        process.join(2.0)
        code = process.exitcode
        lines = tail_lines(self.log_path, 30) if self.log_path else []
        how = _describe_exit(code)
        stopped = self._stopped_for
        error = EngineCrashedError(
            f"The engine was stopped: it did not end a cancelled request within "
            f"{self._grace:g} s. A new engine can be started."
            if stopped is not None
            else f"The engine stopped unexpectedly ({how}). A new engine can be started; "
            f"the log is at {self.log_path}.",
            details="\n".join(lines),
        )
        self.crashed = error
        self.model_info = None
        with self._lock:
            victims = [self._active] if self._active else []
            victims += [h for h, _ in self._pending]
            self._active = None
            self._pending.clear()
        for handle in victims:
            cancelled = handle is stopped
            handle.deliver(Error(CancelledError(STOPPED_TEXT) if cancelled else error))
        if self.on_crash is not None:
            self.on_crash(error)


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """A spawned child inherits an ignored SIGINT, and Python then leaves it ignored."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        import signal

        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _prune_logs(folder: Path) -> None:
    """Keep the last few crash logs for the user; a clean exit removes its own."""
    logs = sorted(folder.glob("engine-*.log"), key=lambda p: p.stat().st_mtime)
    for old in logs[:-_KEEP_CRASH_LOGS]:
        with contextlib.suppress(OSError):
            old.unlink()


def wait_loaded(handle: RequestHandle, timeout: float | None = None) -> ModelInfo:
    info = handle.result(timeout)
    assert isinstance(info, ModelInfo)
    return info


__all__ = ["Callback", "EngineClient", "RequestHandle", "Result", "Token", "wait_loaded"]
