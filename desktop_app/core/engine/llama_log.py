"""Capture llama.cpp's log in the engine process.

Lines go to file descriptor 2 (the engine's log file, which survives an abort) and into a ring
buffer, which the engine reads for facts llama.cpp only logs (layers offloaded, why a load failed,
what the KV cache and the compute buffers took: its C API has no call for those sizes, only a
C++ one, llama_get_memory_breakdown, that ctypes cannot reach).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
from collections import deque
from typing import Any

from desktop_app.core.engine.events import LoadedMemory

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


_MIB = 1 << 20
_SIZE = r"([\d.]+) MiB"
_KV_RE = re.compile(r"llama_kv_cache\w*: size =\s*" + _SIZE)  # one per cache (two with SWA)
_BUFFER_RE = re.compile(r"(\S+)\s+(model|compute|output) buffer size =\s*" + _SIZE)
_FLASH_RE = re.compile(r"flash_attn\s*= (enabled|disabled)|Flash Attention (enabled|disabled)")


def parse_memory(lines: list[str], ubatch: int = 512) -> LoadedMemory | None:
    """What one load's log says llama.cpp allocated, in bytes (to its 0.01 MiB precision).

    Buffers are per device ("CPU_Mapped model", "CUDA0 compute"): the last line for each device
    counts (the scheduler may reserve more than once), the devices add up. None when the log
    names no KV cache (a llama.cpp whose wording changed): then nothing is claimed.
    """
    kv = 0
    found_kv = False
    buffers: dict[tuple[str, str], int] = {}
    flash: bool | None = None
    for line in lines:
        if m := _KV_RE.search(line):
            kv += round(float(m.group(1)) * _MIB)
            found_kv = True
        elif m := _BUFFER_RE.search(line):
            buffers[(m.group(2), m.group(1))] = round(float(m.group(3)) * _MIB)
        if m := _FLASH_RE.search(line):
            flash = (m.group(1) or m.group(2)) == "enabled"
    if not found_kv:
        return None

    def total(kind: str) -> int:
        return sum(n for (k, _device), n in buffers.items() if k == kind)

    return LoadedMemory(
        weights_bytes=total("model"),
        kv_cache_bytes=kv,
        compute_bytes=total("compute"),
        output_bytes=total("output"),
        flash_attn=flash,
        ubatch=ubatch,
    )
