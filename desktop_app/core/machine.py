"""What this machine and this llama.cpp build can run a model on, and how many layers go to the GPU.

Why: llama.cpp quietly falls back to the CPU when the build has no GPU backend or the GPU has
no room, and a model that "loads on the GPU" at two tokens a second looks like a bug in the app.
The report says what the build and the machine offer (the CLI's `info`, the settings page); the
planner turns the user's choice (0, N, "all", "auto") into a layer count and says why whenever
the GPU will not be used as asked.

This module gathers the report (`hardware_report`) and keeps the public names in one place:
the probes are in `ggml_devices` (ggml through ctypes, RAM), the report's values in
`hardware_info`, the planner in `gpu_plan`. Enumeration fails soft: a missing library or symbol
gives a report whose devices are unknown, never an exception.

They sit below the engine and the models package (not in `engine/`), because both need them: the
engine's load and the fit estimate share the one planner. `engine/hardware.py` re-exports them.
"""

from __future__ import annotations

import re

from desktop_app.core import ggml_devices
from desktop_app.core.ggml_devices import Device, DeviceKind
from desktop_app.core.gpu_plan import (
    DEFAULT_RESERVE_BYTES,
    GpuPlan,
    ModelFacts,
    compute_buffer_bytes,
    plan_gpu_layers,
)
from desktop_app.core.hardware_info import NO_GPU_BACKEND, NO_GPU_DEVICE, HardwareReport

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


def hardware_report() -> HardwareReport:
    """Ask llama.cpp and the OS what is here now (not cached: free memory changes)."""
    ram_total, ram_available = ggml_devices.ram()
    try:
        import llama_cpp
    except Exception as exc:  # a broken install must still give `info` something to print
        return HardwareReport(
            llama_cpp_version=f"not available ({exc})",
            backends=(),
            devices=(),
            ram_total=ram_total,
            ram_available=ram_available,
            cpu_features="",
            gpu_offload_supported=False,
            devices_error=f"llama_cpp could not be imported: {exc}",
        )

    lib_dir = ggml_devices.lib_dir_of(llama_cpp)
    api = ggml_devices.load_api(str(lib_dir))
    ggml_devices.ensure_backends(api, str(lib_dir))
    cpu_features = ggml_devices.system_info(llama_cpp)
    backends = api.backend_names()
    if backends is None:  # registry not reachable: the system info names the backends too
        backends = tuple(dict.fromkeys(re.findall(r"([A-Za-z][\w.-]*) : ", cpu_features)))
    devices, error = api.devices()
    try:
        offload = bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        offload = False
    return HardwareReport(
        llama_cpp_version=str(getattr(llama_cpp, "__version__", "unknown")),
        backends=backends,
        devices=devices,
        ram_total=ram_total,
        ram_available=ram_available,
        cpu_features=cpu_features,
        gpu_offload_supported=offload,
        devices_error=error,
        backend_libraries=ggml_devices.backend_libraries(lib_dir),
    )
