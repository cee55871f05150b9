"""The engine process: owns the model, reads requests from a pipe, writes events back.

It runs apart from the application because llama.cpp can abort or segfault on a bad file or a
driver fault; then only this process dies, and its log file (fd 2) keeps llama.cpp's last words.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from desktop_app.core.engine.events import ClassifyReport, Error, Event, Progress
from desktop_app.core.errors import AppError, ModelLoadError


@dataclass(frozen=True)
class Result:
    """The answer to a request that is not a stream (load, hardware, token count)."""

    value: Any


class _ProgressSender:
    """Forward load progress, at most one event per percent (llama.cpp reports per tensor)."""

    def __init__(self, send: Any) -> None:
        self._send = send
        self._last = -1.0

    def __call__(self, fraction: float) -> None:
        if fraction - self._last >= 0.01 or fraction >= 1.0:
            self._last = fraction
            self._send(fraction)


def _redirect_output(log_path: str) -> None:
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)  # noqa: SIM115


def engine_main(conn: Connection, cancel_id: Any, log_path: str) -> None:
    """Entry point of the child. `cancel_id` is shared memory: the id of the request to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C belongs to the front end
    _redirect_output(log_path)

    from desktop_app.core.engine import hardware
    from desktop_app.core.engine.llama_engine import LlamaEngine
    from desktop_app.core.engine.llama_log import LlamaLog

    log = LlamaLog()
    log.install()
    current = [0]
    engine = LlamaEngine(cancel_requested=lambda: cancel_id.value == current[0], log=log)

    def send(req_id: int, event: Event | Result) -> None:
        conn.send((req_id, event))

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        op, req_id, args = message
        current[0] = req_id
        try:
            if op == "shutdown":
                break
            if op == "chat":
                for event in engine.chat(args):
                    send(req_id, event)
            elif op == "classify":
                for item in engine.classify(args):  # ItemScore per text, then the report
                    send(req_id, Result(item) if isinstance(item, ClassifyReport) else item)
            elif op == "load":
                progress = _ProgressSender(
                    lambda fraction, rid=req_id: send(rid, Progress(fraction))
                )
                send(req_id, Result(engine.load(args, progress)))
            elif op == "unload":
                engine.unload()
                send(req_id, Result(None))
            elif op == "budget":
                messages, max_tokens = args
                send(req_id, Result(engine.budget(messages, max_tokens)))
            elif op == "count":
                send(req_id, Result(engine.count_tokens(args)))
            elif op == "render":
                send(req_id, Result(engine.render(args)))
            elif op == "hardware":
                send(req_id, Result(hardware.hardware_report()))
            elif op == "crash":  # for tests: die the way llama.cpp does on a failed assert
                sys.stderr.write("GGML_ASSERT(test) failed: crash requested\n")
                sys.stderr.flush()
                os.abort()
            else:
                send(req_id, Error(ModelLoadError(f"unknown request {op!r}")))
        except AppError as exc:
            send(req_id, Error(exc))
        except (ValueError, TypeError) as exc:
            send(req_id, Error(AppError(str(exc))))
        except Exception as exc:  # report, keep serving: one bad request must not end the engine
            send(req_id, Error(AppError(f"Unexpected engine error: {exc!r}")))
        finally:
            current[0] = 0
    engine.close()
    conn.close()
