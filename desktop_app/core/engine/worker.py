"""The engine process: owns the model, reads requests from a pipe, writes events back.

It runs apart from the application because llama.cpp can abort or segfault on a bad file or a
driver fault; then only this process dies, and its log file (fd 2) keeps llama.cpp's last words.
Each request type (requests.py) has one handler in HANDLERS; the debug requests (Crash) are
served only when the process is started with HEARTH_ENGINE_DEBUG=1.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from desktop_app.core.engine import messages
from desktop_app.core.engine import requests as rq
from desktop_app.core.engine.events import ClassifyReport, Error, Event, Progress, Result
from desktop_app.core.environment import get_env
from desktop_app.core.errors import AppError, ModelLoadError

if TYPE_CHECKING:
    from desktop_app.core.engine.llama_engine import LlamaEngine

Reply = Callable[[Event | Result], None]
Handler = Callable[["LlamaEngine", Any, Reply], None]
DEBUG_ENV = "ENGINE_DEBUG"  # HEARTH_ENGINE_DEBUG=1: serve the debug requests too


class _ProgressSender:
    """Forward load progress, at most one event per percent (llama.cpp reports per tensor)."""

    def __init__(self, send: Callable[[float], None]) -> None:
        self._send = send
        self._last = -1.0

    def __call__(self, fraction: float) -> None:
        if fraction - self._last >= 0.01 or fraction >= 1.0:
            self._last = fraction
            self._send(fraction)


# ---- the handlers ----------------------------------------------------------------------------


def _load(engine: LlamaEngine, request: rq.Load, reply: Reply) -> None:
    progress = _ProgressSender(lambda fraction: reply(Progress(fraction)))
    engine.embedder.close()  # the embedding context follows the loaded model (embeddings.py)
    info = engine.load(request.params, progress)
    engine.embedder.use(request.params.model_path, info.n_ctx, request.params.threads)
    reply(Result(info))


def _unload(engine: LlamaEngine, _request: rq.Unload, reply: Reply) -> None:
    engine.unload()
    engine.embedder.close()
    reply(Result(None))


def _chat(engine: LlamaEngine, request: rq.Chat, reply: Reply) -> None:
    for event in engine.chat(request.request):
        reply(event)


def _classify(engine: LlamaEngine, request: rq.Classify, reply: Reply) -> None:
    for item in engine.classify(request.request):  # ItemScore per text, then the report
        reply(Result(item) if isinstance(item, ClassifyReport) else item)


def _prompt_rate(engine: LlamaEngine, request: rq.MeasurePromptRate, reply: Reply) -> None:
    from desktop_app.core.engine import prompt_rate

    rate = prompt_rate.measure(
        engine.require(),
        request.n_tokens,
        request.repetitions,
        engine._cancel_requested,
        warmup=request.warmup,
    )
    reply(Result(rate))


def _budget(engine: LlamaEngine, request: rq.Budget, reply: Reply) -> None:
    reply(Result(engine.budget(request.messages, request.max_tokens)))


def _count(engine: LlamaEngine, request: rq.CountTokens, reply: Reply) -> None:
    reply(Result(engine.count_tokens(request.text)))


def _tokenize(engine: LlamaEngine, request: rq.Tokenize, reply: Reply) -> None:
    from desktop_app.core.engine import tokens  # the engine process's side; imported on use

    llm = engine.require()
    reply(Result(tokens.tokenize(llm, request.text, request.add_special, request.parse_special)))


def _tokenize_file(engine: LlamaEngine, request: rq.TokenizeFile, reply: Reply) -> None:
    from desktop_app.core.engine import vocab

    args = (request.model_path, request.text, request.add_special, request.parse_special)
    reply(Result(vocab.tokenize_file(*args, log=engine._log)))


def _pieces(engine: LlamaEngine, request: rq.Pieces, reply: Reply) -> None:
    from desktop_app.core.engine import tokens

    reply(Result(tokens.token_pieces(engine.require(), request.ids)))


def _detokenize(engine: LlamaEngine, request: rq.Detokenize, reply: Reply) -> None:
    from desktop_app.core.engine import tokens

    reply(Result(tokens.detokenize(engine.require(), request.ids)))


def _embed(engine: LlamaEngine, request: rq.Embed, reply: Reply) -> None:
    engine.require()  # a model is loaded (a failed load leaves none)
    reply(Result(engine.embedder.embed(request.inputs, request.model_path)))


def _render(engine: LlamaEngine, request: rq.Render, reply: Reply) -> None:
    reply(Result(engine.render(request.messages)))


def _hardware(_engine: LlamaEngine, _request: rq.Hardware, reply: Reply) -> None:
    from desktop_app.core.engine import hardware  # the engine process's view; imported on use

    reply(Result(hardware.hardware_report()))


def _crash(_engine: LlamaEngine, _request: rq.Crash, _reply: Reply) -> None:
    """Die the way llama.cpp does on a failed assert: a last line on stderr, then abort()."""
    sys.stderr.write("GGML_ASSERT(test) failed: crash requested\n")
    sys.stderr.flush()
    os.abort()


HANDLERS: dict[type, Handler] = {
    rq.Load: _load,
    rq.Unload: _unload,
    rq.Chat: _chat,
    rq.Classify: _classify,
    rq.MeasurePromptRate: _prompt_rate,
    rq.Budget: _budget,
    rq.CountTokens: _count,
    rq.Tokenize: _tokenize,
    rq.TokenizeFile: _tokenize_file,
    rq.Pieces: _pieces,
    rq.Detokenize: _detokenize,
    rq.Embed: _embed,
    rq.Render: _render,
    rq.Hardware: _hardware,
}
DEBUG_HANDLERS: dict[type, Handler] = {rq.Crash: _crash}


STALL_ENV = "ENGINE_STALL"  # with the debug flag: a request of this op hangs, deaf to cancels


def _stall_if_asked(request: Any) -> None:
    """The test hook for a step that never checks for a cancel (a hostile template, a driver
    hang): the engine process then has to be ended from outside. Only in debug mode."""
    if get_env(DEBUG_ENV) == "1" and get_env(STALL_ENV) == getattr(request, "op", None):
        sys.stderr.write(f"stalling on {request.op} (test hook)\n")
        sys.stderr.flush()
        while True:
            time.sleep(1.0)


def handlers(debug: bool) -> dict[type, Handler]:
    """The dispatch table: the debug requests only where asked for."""
    return {**HANDLERS, **DEBUG_HANDLERS} if debug else dict(HANDLERS)


def serve_one(engine: LlamaEngine, table: dict[type, Handler], request: Any, reply: Reply) -> None:
    """Run one request; every failure becomes an Error event (the engine keeps serving)."""
    try:
        handler = table.get(type(request))
        if handler is None:
            reply(Error(ModelLoadError(f"unknown request {type(request).__name__!r}")))
            return
        _stall_if_asked(request)
        handler(engine, request, reply)
    except AppError as exc:
        reply(Error(exc))
    except (ValueError, TypeError) as exc:
        reply(Error(AppError(str(exc))))
    except Exception as exc:  # report, keep serving: one bad request must not end the engine
        reply(Error(AppError(messages.UNEXPECTED.format(reason=repr(exc)))))


# ---- the process -----------------------------------------------------------------------------


def _redirect_output(log_path: str) -> None:
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)  # noqa: SIM115


def _die_with_parent(parent_pid: int, life: Connection | None, pdeathsig: bool) -> None:
    """End this process when the application ends, whatever the engine is doing.

    A model file can keep the work loop busy for ever (a template CPU bomb, a driver hang), so
    neither the request pipe nor the loop may be what notices: on Linux the kernel sends SIGKILL
    (PR_SET_PDEATHSIG; only when the parent started us on its main thread, since the signal
    follows the thread), and everywhere a daemon thread waits on `life`, a pipe the parent never
    writes to: end of file, or a new parent pid, means the application is gone.
    """
    if pdeathsig and sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # the watchdog below still holds
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died before the death signal was armed
    if life is None:
        return
    watched = life

    def watch(_job: object) -> None:
        while True:
            try:
                if watched.poll(0.5):
                    watched.recv()  # the parent never writes: this is its end of file
            except (EOFError, OSError):
                os._exit(1)
            if os.getppid() != parent_pid:
                os._exit(1)

    from desktop_app.core import jobs

    jobs.start(watch, name="engine-parent-watch")


def engine_main(
    conn: Connection,
    cancel_id: Any,
    log_path: str,
    parent_pid: int | None = None,
    life: Connection | None = None,
    pdeathsig: bool = False,
) -> None:
    """Entry point of the child. `cancel_id` is shared memory: the id of the request to stop;
    `life` is the parent's lifeline (see _die_with_parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the front end
    _die_with_parent(os.getppid() if parent_pid is None else parent_pid, life, pdeathsig)
    _redirect_output(log_path)

    # Only the child needs the engine itself; the application's side imports this module light.
    from desktop_app.core.engine.llama_engine import LlamaEngine
    from desktop_app.core.engine.llama_log import LlamaLog

    log = LlamaLog()
    log.install()
    current = [0]
    engine = LlamaEngine(cancel_requested=lambda: cancel_id.value == current[0], log=log)
    table = handlers(get_env(DEBUG_ENV) == "1")

    while True:
        try:
            req_id, request = conn.recv()
        except (EOFError, OSError):
            break
        if isinstance(request, rq.Shutdown):
            break
        current[0] = req_id

        def reply(event: Event | Result, rid: int = req_id) -> None:
            conn.send((rid, event))

        try:
            serve_one(engine, table, request, reply)
        finally:
            current[0] = 0
    engine.close()
    engine.embedder.close()
    conn.close()
