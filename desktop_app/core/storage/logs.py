"""The app's log file, and reading the end of a log cheaply.

Logs rotate (1 MB x 5) so a long-running install never fills the disk, and `tail_lines`
reads from the end so showing llama.cpp's last words after a crash is fast even when the
log is large or contains binary garbage from a dying process.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOGGER_NAME = "desktop_app"
LOG_FILE_NAME = "hearth.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
_HANDLER_NAME = "desktop_app.file"


def setup_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    """Send the `desktop_app` logger to a rotating file; returns the file's path.

    Idempotent: a second call adjusts the level (and moves the file if `log_dir` changed)
    instead of stacking another handler, which would write every line twice.
    """
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / LOG_FILE_NAME
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)

    for handler in list(logger.handlers):
        if handler.get_name() != _HANDLER_NAME:
            continue
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == Path(
            os.path.abspath(log_file)
        ):
            return log_file
        logger.removeHandler(handler)
        handler.close()

    handler = logging.handlers.RotatingFileHandler(
        log_file,
        maxBytes=MAX_BYTES,
        backupCount=BACKUP_COUNT,
        encoding="utf-8",
        errors="backslashreplace",  # a stray surrogate in a path must not kill logging
        delay=True,  # no empty file until something is logged
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    return log_file


def tail_lines(path: Path, n: int = 40, *, max_bytes: int = 1024 * 1024) -> list[str]:
    """The last `n` lines of a text file, read backwards from the end.

    Bytes are split on newlines before decoding (UTF-8, errors replaced), so garbage cannot
    corrupt neighbouring lines. At most `max_bytes` are read, so a huge file without
    newlines cannot stall a crash report. A missing file gives `[]`: the caller is usually
    already handling a failure and has nothing better to show.
    """
    if n <= 0:
        return []
    block = 64 * 1024
    chunks: list[bytes] = []
    newlines = 0
    try:
        with open(path, "rb") as f:
            pos = f.seek(0, os.SEEK_END)
            read = 0
            # n + 1 newlines guarantee n complete lines even with a trailing newline.
            while pos > 0 and newlines <= n and read < max_bytes:
                step = min(block, pos, max_bytes - read)
                pos -= step
                f.seek(pos)
                chunk = f.read(step)
                chunks.append(chunk)
                newlines += chunk.count(b"\n")
                read += step
    except FileNotFoundError:
        return []
    data = b"".join(reversed(chunks))
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()  # the file ended with a newline: no empty last line
    return [p.rstrip(b"\r").decode("utf-8", errors="replace") for p in parts[-n:]]
