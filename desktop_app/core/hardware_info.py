"""The hardware report: what the llama.cpp build and the machine offer, as plain values.

It crosses the engine's pipe (pickled) and is shown by the CLI's `info` and the settings page;
`offload_problem` says what the user has to fix when no layer can go to a GPU.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from desktop_app.core.ggml_devices import Device

__all__ = ["NON_GPU_BACKENDS", "NO_GPU_BACKEND", "NO_GPU_DEVICE", "HardwareReport", "gib"]

GiB = 1024**3

# Registered backends (and backend libraries) that do not drive a GPU.
NON_GPU_BACKENDS = frozenset({"CPU", "BLAS", "RPC", "ZDNN", "BASE"})

NO_GPU_BACKEND = (
    "this llama.cpp build has no GPU backend (CPU only); rebuild llama-cpp-python with "
    "CMAKE_ARGS=-DGGML_CUDA=on / -DGGML_METAL=on / -DGGML_VULKAN=on"
)
NO_GPU_DEVICE = "the build has a GPU backend but no device was found (driver missing?)"


@dataclass(frozen=True)
class HardwareReport:
    """A snapshot of the build and the machine. Plain values: it crosses the engine's pipe."""

    llama_cpp_version: str
    backends: tuple[str, ...]  # registered ggml backends, e.g. ("CUDA", "CPU")
    devices: tuple[Device, ...]
    ram_total: int
    ram_available: int
    cpu_features: str  # llama_print_system_info()
    gpu_offload_supported: bool  # llama_supports_gpu_offload()
    devices_error: str = ""  # why devices could not be listed; "" when they were
    backend_libraries: tuple[str, ...] = ()  # ggml backend libraries shipped: ("cpu", "cuda")

    @property
    def devices_known(self) -> bool:
        return not self.devices_error

    @property
    def gpus(self) -> tuple[Device, ...]:
        """Discrete and integrated GPUs."""
        return tuple(d for d in self.devices if d.kind in ("gpu", "igpu"))

    @property
    def offload_gpus(self) -> tuple[Device, ...]:
        """The GPUs llama.cpp offloads to by default: the discrete ones, else the integrated."""
        discrete = tuple(d for d in self.devices if d.kind == "gpu")
        return discrete or tuple(d for d in self.devices if d.kind == "igpu")

    @property
    def gpu_backends(self) -> tuple[str, ...]:
        """GPU backends registered or shipped as a library (a dynamic backend that found no
        device is not registered, but its library still shows that the build has one)."""
        seen: dict[str, str] = {}
        for name in (*self.backends, *self.backend_libraries):
            if name.upper() not in NON_GPU_BACKENDS:
                seen.setdefault(name.upper(), name)
        return tuple(seen.values())

    @property
    def offload_problem(self) -> str:
        """Why no layer can go to a GPU, "" when some can: the thing the user has to fix."""
        if self.gpu_offload_supported and (self.gpus or not self.devices_known):
            return ""
        if self.gpus:
            return "llama.cpp reports that this build cannot offload to the GPU"
        backends = self.gpu_backends
        if backends:
            return f"{NO_GPU_DEVICE}; GPU backend: {', '.join(backends)}"
        if self.gpu_offload_supported:
            return NO_GPU_DEVICE
        return NO_GPU_BACKEND

    @property
    def gpu_offload_possible(self) -> bool:
        return not self.offload_problem

    def format(self) -> str:
        """A readable multi-line report (the CLI's `info`)."""
        lines = [
            f"llama-cpp-python: {self.llama_cpp_version}",
            f"Backends: {', '.join(self.backends) or 'none registered'}",
        ]
        registered = {b.upper() for b in self.backends}
        unregistered = [lib for lib in self.backend_libraries if lib.upper() not in registered]
        if unregistered:  # a dynamic backend that did not load (no device, no driver)
            lines.append(f"Backend libraries not loaded: {', '.join(unregistered)}")
        if not self.devices_known:
            lines.append(f"Devices: unknown ({self.devices_error})")
        elif not self.devices:
            lines.append("Devices: none")
        else:
            lines.append("Devices:")
            for d in self.devices:
                memory = (
                    f"{gib(d.memory_total)} total, {gib(d.memory_free)} free"
                    if d.memory_total
                    else "memory unknown"
                )
                lines.append(
                    f"  {d.name} [{d.kind}, {d.backend}]: {d.description or '?'}: {memory}"
                )
        ram = (
            f"{gib(self.ram_total)} total, {gib(self.ram_available)} available"
            if self.ram_total
            else "unknown"
        )
        lines.append(f"RAM: {ram}")
        lines.append(f"CPU features: {self.cpu_features or 'unknown'}")
        problem = self.offload_problem
        if problem:
            lines.append(f"GPU offload: not possible: {problem}")
        elif self.offload_gpus:
            lines.append(f"GPU offload: possible ({', '.join(d.label for d in self.offload_gpus)})")
        else:
            lines.append("GPU offload: possible (the build supports it; devices unknown)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: lists instead of tuples, plus the derived offload verdict."""
        data = asdict(self)
        data["backends"] = list(self.backends)
        data["backend_libraries"] = list(self.backend_libraries)
        data["devices"] = [asdict(d) for d in self.devices]
        data["gpu_offload_possible"] = self.gpu_offload_possible
        data["gpu_offload_problem"] = self.offload_problem
        return data


def gib(n: int) -> str:
    """Bytes as GiB with one decimal, as the report and the planner show memory."""
    return f"{n / GiB:.1f} GiB"
