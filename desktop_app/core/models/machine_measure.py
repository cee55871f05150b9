"""This machine's facts and its RAM's copy bandwidth, as models/speed.py keeps them.

Split from speed.py (the prediction): what is measured about the machine itself, not about a model.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from typing import Any

from desktop_app.core import jobs
from desktop_app.core.ggml_devices import physical_cores, ram

MiB = 1024**2
BUFFER_BYTES = 256 * MiB  # larger than the last-level caches of desktop and most server CPUs
SMALL_BUFFER_BYTES = 64 * MiB  # when little RAM is free
RUNS = 3


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_facts() -> dict[str, str | int]:
    """What the bandwidth depends on: when any of these changes, it is measured again."""
    return {
        "system": platform.system(),
        "arch": platform.machine(),
        "cpu": _cpu_name(),
        "cores": physical_cores(),
        "logical_cpus": os.cpu_count() or 0,
        "ram_total": ram()[0],
    }


# --------------------------------------------------------------------------- measurement


def measure_bandwidth(
    threads: int | None = None, size: int | None = None, runs: int = RUNS
) -> float:
    """Bytes read + written per second copying a buffer larger than the caches, split over
    `threads` jobs (numpy copies without the GIL), best of `runs` after one warm-up copy."""
    threads = max(1, threads or physical_cores())
    if size is None:
        free = ram()[1]
        size = BUFFER_BYTES if free == 0 or free > 16 * BUFFER_BYTES else SMALL_BUFFER_BYTES
    try:
        import numpy as np
    except ImportError:  # numpy comes with llama-cpp-python and gguf; a plain copy else
        src_b = bytearray(size)
        dst_b = bytearray(size)

        def copy_plain() -> None:
            dst_b[:] = src_b

        return 2 * size / _best(copy_plain, runs)
    src = np.ones(size, dtype=np.uint8)
    dst = np.empty_like(src)
    step = -(-size // threads)
    pieces = [(dst[i : i + step], src[i : i + step]) for i in range(0, size, step)]

    def copy_all() -> None:
        if len(pieces) == 1:
            np.copyto(*pieces[0])
            return
        started = [jobs.start(_copier(d, s), name="bandwidth") for d, s in pieces]
        for job in started:
            job.wait()

    return 2 * size / _best(copy_all, runs)


def _copier(dst: Any, src: Any) -> Callable[[jobs.Job[None]], None]:
    def work(_job: jobs.Job[None]) -> None:
        dst[...] = src  # numpy releases the GIL for the copy: the jobs run side by side

    return work


def _best(copy: Callable[[], None], runs: int) -> float:
    copy()  # warm-up: the destination's pages are touched the first time
    best = float("inf")
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        copy()
        best = min(best, time.perf_counter() - t0)
    return max(best, 1e-9)
