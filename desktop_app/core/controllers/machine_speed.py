"""This machine's speed with the synthetic models' figures: the RAM's bandwidth (models/speed.py)
and the overhead, rate-by-width and prompt figures (engine/speed_probe.py), measured once and kept.

Here, above both, because a model file is judged without the engine and the engine runs a path
without knowing the catalog; the catalog view and `hearth models files` both call it.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from desktop_app.core.engine.speed_probe import measure_probe
from desktop_app.core.models.speed import CPU_EFFICIENCY, MachineSpeed, keep_speed, machine_speed

__all__ = ["machine_busy", "probed_speed"]

BUSY_SHARE = 0.5  # load average over this share of the cores: other work would skew the probe


def machine_busy() -> bool:
    """Other programs keep the cores busy (the last minute's load average; False if unknown)."""
    try:
        import psutil

        load = float(psutil.getloadavg()[0])
    except Exception:  # psutil can fail in restricted sandboxes
        return False
    return load > BUSY_SHARE * (os.cpu_count() or 1)


def probed_speed(
    path: Path | None = None, *, refresh: bool = False, when_idle: bool = False
) -> MachineSpeed:
    """The machine's speed with the overhead and prompt figures (core/engine/speed_probe.py),
    measuring what is missing (all with `refresh`) and keeping it: seconds, the first time.

    `when_idle` (the catalog, unasked): on a busy machine the synthetic models would read slow
    and the slow figures would be kept, so they are not run; the bandwidth alone is returned.
    """
    speed = machine_speed(path, refresh=refresh)
    known = (speed.layer_overhead_s, speed.prompt_rate, speed.gen_rate, speed.vocab_overhead_s)
    if None not in known and speed.width_rates and not refresh:
        return speed
    if when_idle and machine_busy():
        return speed
    result = measure_probe(speed.bandwidth, speed.threads, CPU_EFFICIENCY)
    speed = dataclasses.replace(
        speed,
        layer_overhead_s=result.layer_overhead_s,
        prompt_rate=result.prompt_rate,
        gen_rate=result.gen_rate,
        width_rates=result.width_rates,
        vocab_overhead_s=result.vocab_overhead_s,
    )
    keep_speed(speed, path)
    return speed
