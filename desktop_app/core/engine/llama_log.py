"""Capture llama.cpp's log in the engine process.

Lines go to file descriptor 2 (the engine's log file, which survives an abort) and into a ring
buffer, which the engine reads for facts llama.cpp only logs (layers offloaded, why a load failed).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
from collections import deque
from typing import Any

_LEVELS = {0: "", 1: "D", 2: "I", 3: "W", 4: "E", 5: "C"}  # GGML_LOG_LEVEL_*; 5 = continue


class LlamaLog:
    """Installs itself as llama.cpp's log callback; keeps the last lines in memory."""

    def __init__(self, max_lines: int = 400, min_level: int = 2) -> None:
        self.lines: deque[str] = deque(maxlen=max_lines)
        self._partial = ""
        self._min_level = min_level
        self._last_level = 2
        self._callback: Any = None

    def install(self) -> None:
        import llama_cpp

        @llama_cpp.llama_log_callback
        def _callback(level: int, text: bytes, _user: ctypes.c_void_p) -> None:
            self.feed(level, text.decode("utf-8", errors="replace"))

        self._callback = _callback  # keep a reference: ctypes does not
        llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))

    def feed(self, level: int, text: str) -> None:
        if level == 5:
            level = self._last_level
        self._last_level = level
        if level < self._min_level and level != 0:
            return
        with contextlib.suppress(OSError):
            os.write(2, text.encode("utf-8", errors="replace"))
        self._partial += text
        *complete, self._partial = self._partial.split("\n")
        self.lines.extend(line for line in complete if line.strip())

    def mark(self) -> int:
        """A position to read new lines from (for one load's lines only)."""
        self.lines.append("\x00mark")
        return len(self.lines)

    def since_mark(self) -> list[str]:
        out: list[str] = []
        for line in reversed(self.lines):
            if line == "\x00mark":
                break
            out.append(line)
        return list(reversed(out))


_OFFLOAD_RE = re.compile(r"offloaded (\d+)/(\d+) layers to GPU")


def parse_offloaded(lines: list[str]) -> tuple[int, int] | None:
    """llama.cpp states where layers went only in its log: "offloaded 12/31 layers to GPU"."""
    for line in reversed(lines):
        m = _OFFLOAD_RE.search(line)
        if m:
            return int(m.group(1)), int(m.group(2))
    return None
