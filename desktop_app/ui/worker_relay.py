"""Small helpers for running blocking engine work on a Python thread and reporting back.

The results travel as signals of a QObject that lives on the GUI thread; emitted from the
worker, they are queued and handled there.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any


def in_thread(name: str, work: Callable[[], None]) -> None:
    """Daemon: a worker still waiting on the engine never keeps the app from quitting."""
    threading.Thread(target=work, name=name, daemon=True).start()


def emit(signal: Any, *args: object) -> None:
    """Emit from a worker; if the receiver is already gone there is no one left to tell."""
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)


def error_text(exc: BaseException) -> str:
    """What to show for an exception: the OS's words for file errors, else its message."""
    if isinstance(exc, OSError) and exc.strerror:
        name = getattr(exc, "filename", None)
        return f"{exc.strerror}: {name}" if name else exc.strerror
    return str(exc) or type(exc).__name__
