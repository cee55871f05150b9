"""Hypothetical machines for fit estimates: tests, screenshots and "what if" views.

Why a module of its own: building a `HardwareReport` by hand is a different job from estimating
whether a model fits one; fit.py re-exports `machine` so `fit.machine` keeps working.
`ram_speed` is the same for the speed a tier is judged by (core/models/speed.py measures this
machine's).
"""

from __future__ import annotations

from desktop_app.core.machine import Device, HardwareReport
from desktop_app.core.models.speed import MachineSpeed

__all__ = ["machine", "ram_speed"]

GiB = 1024**3


def machine(
    *,
    ram_gib: float,
    vram_gib: float = 0,
    ram_free_gib: float | None = None,
    vram_free_gib: float | None = None,
    gpu_name: str = "Test GPU",
    backend: str = "CUDA",
) -> HardwareReport:
    """A hypothetical machine: `ram_gib` of RAM (75% free unless `ram_free_gib` says), and a GPU
    with `vram_gib` of VRAM (95% free unless `vram_free_gib` says) when vram_gib > 0."""
    ram = int(ram_gib * GiB)
    ram_free = int((ram_gib * 0.75 if ram_free_gib is None else ram_free_gib) * GiB)
    devices = [Device("CPU", "Test CPU", "cpu", "CPU", ram, ram_free)]
    backends: tuple[str, ...] = ("CPU",)
    if vram_gib > 0:
        vram = int(vram_gib * GiB)
        vram_free = int((vram_gib * 0.95 if vram_free_gib is None else vram_free_gib) * GiB)
        devices.insert(0, Device(f"{backend}0", gpu_name, "gpu", backend, vram, vram_free))
        backends = (backend, "CPU")
    return HardwareReport(
        llama_cpp_version="hypothetical",
        backends=backends,
        devices=tuple(devices),
        ram_total=ram,
        ram_available=ram_free,
        cpu_features="",
        gpu_offload_supported=vram_gib > 0,
    )


def ram_speed(*, bandwidth_gbs: float, cores: int = 4) -> MachineSpeed:
    """A hypothetical machine's RAM speed: `bandwidth_gbs` as the copy measurement would give it
    (a desktop with dual-channel DDR5: about 60-70; a 2-core virtual machine: about 18)."""
    return MachineSpeed(
        bandwidth=bandwidth_gbs * 1e9, threads=cores, cores=cores, facts={}, measured_at=0.0
    )
