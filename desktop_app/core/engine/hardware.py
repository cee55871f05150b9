"""The machine report and the GPU-layer planner, where the engine's callers have always found them.

They live in `core/machine.py` (with `ggml_devices`, `hardware_info`, `gpu_plan`), below the
engine and the models package, so that the engine's load and the models' fit estimate share one
planner without either importing the other; this module only re-exports them.
"""

from __future__ import annotations

from desktop_app.core.machine import (
    DEFAULT_RESERVE_BYTES,
    NO_GPU_BACKEND,
    NO_GPU_DEVICE,
    Device,
    DeviceKind,
    GpuPlan,
    HardwareReport,
    ModelFacts,
    compute_buffer_bytes,
    hardware_report,
    plan_gpu_layers,
)

__all__ = [
    "DEFAULT_RESERVE_BYTES",
    "NO_GPU_BACKEND",
    "NO_GPU_DEVICE",
    "Device",
    "DeviceKind",
    "GpuPlan",
    "HardwareReport",
    "ModelFacts",
    "compute_buffer_bytes",
    "hardware_report",
    "plan_gpu_layers",
]
