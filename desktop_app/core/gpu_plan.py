"""How many layers go to the GPU: the user's choice (0, N, "all", "auto") against the VRAM.

Why: llama.cpp quietly falls back to the CPU when the build has no GPU backend or the GPU has
no room, and a model that "loads on the GPU" at two tokens a second looks like a bug in the app.
The planner turns the choice into a layer count and says why whenever the GPU will not be used
as asked. The engine's load and the Models pane's fit indicator use this same planner.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from desktop_app.core.ggml_devices import Device
from desktop_app.core.hardware_info import HardwareReport, gib
from desktop_app.core.load_defaults import GpuLayers

__all__ = [
    "DEFAULT_RESERVE_BYTES",
    "GpuPlan",
    "ModelFacts",
    "compute_buffer_bytes",
    "plan_gpu_layers",
]

KiB = 1024
MiB = 1024**2

# VRAM left free for the driver, the desktop and other programs: filling a GPU to the last byte
# makes the load (or the first long prompt) fail.
DEFAULT_RESERVE_BYTES = 512 * MiB

# The engine's micro-batch (n_ubatch); the compute buffer scales with it.
UBATCH = 512
# Vocabulary assumed when the model does not say: large, as in current models (Qwen, Llama 3).
DEFAULT_VOCAB = 152_064


class ModelFacts(Protocol):
    """What planning needs from a model file; GGUFInfo has it."""

    @property
    def file_size(self) -> int: ...

    @property
    def n_layers(self) -> int: ...

    def kv_cache_bytes(self, n_ctx: int, type_k: str = "f16", type_v: str = "f16") -> int: ...


@dataclass(frozen=True)
class GpuPlan:
    """How many layers to hand llama.cpp (0, N, or -1 for all) and what the user should know.

    `warnings` are for the user: the GPU will not be used as asked. `notes` explain the choice.
    """

    n_gpu_layers: int
    backend: str  # the GPU used, e.g. "NVIDIA GeForce RTX 4090 (CUDA)"; "CPU" when none
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def compute_buffer_bytes(gguf: ModelFacts, n_ctx: int) -> int:
    """Rough VRAM llama.cpp's compute buffer takes for one micro-batch: the logits plus
    attention work space that grows with the context. Deliberately high: guessing low makes
    the load fail, guessing high costs a layer or two."""
    vocab = getattr(gguf, "vocab_size", None) or DEFAULT_VOCAB
    logits = UBATCH * int(vocab) * 4
    return 128 * MiB + logits + max(0, n_ctx) * 32 * KiB


def plan_gpu_layers(
    requested: GpuLayers,
    gguf: ModelFacts,
    n_ctx: int,
    kv_type: str,
    report: HardwareReport,
    *,
    reserve_bytes: int = DEFAULT_RESERVE_BYTES,
) -> GpuPlan:
    """Turn the user's GPU-layers choice into what llama.cpp gets, never silently dropping it."""
    if isinstance(requested, bool) or not (
        isinstance(requested, int) or requested in ("all", "auto")
    ):
        raise ValueError(f"GPU layers must be a number, 'all' or 'auto', not {requested!r}")
    if requested == 0:
        return GpuPlan(0, "CPU")
    if isinstance(requested, int) and requested < 0:
        requested = "all"  # llama.cpp's -1

    problem = report.offload_problem
    if problem:
        if requested == "auto":
            return GpuPlan(0, "CPU", notes=(f"no GPU: running on the CPU ({problem})",))
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                f"The GPU was requested (GPU layers: {requested}) but the model runs on the "
                f"CPU: {problem}.",
            ),
        )

    n_layers = max(0, gguf.n_layers)
    total = n_layers + 1 if n_layers else 0  # llama.cpp counts the output layer as one more
    gpus = report.offload_gpus
    if not gpus:  # the build can offload but the devices could not be listed
        return _plan_blind(requested, total, report.devices_error)

    best = max(gpus, key=lambda d: d.memory_free)
    label = best.label
    if len(gpus) > 1:
        label += f" + {len(gpus) - 1} more GPU{'s' if len(gpus) > 2 else ''}"
    costs = _Costs.of(gguf, n_ctx, kv_type)

    compute = compute_buffer_bytes(gguf, n_ctx)
    if requested == "auto":
        return _plan_auto(costs, total, best, label, n_ctx, reserve_bytes + compute)

    n = -1 if requested == "all" else min(requested, total) if total else requested
    if n == -1 or n == total:
        shown = f"all {total} layers" if total else "all layers"
    else:
        shown = f"{n} of {total} layers" if total else f"{n} layers"
    warnings: list[str] = []
    free = sum(d.memory_free for d in gpus)
    need = costs.bytes_for(n, total) + compute
    if all(d.memory_total for d in gpus) and need > free:
        warnings.append(
            f"{shown.capitalize()} on {label} need about {gib(need)} of VRAM at a {n_ctx}-token "
            f"context, but {gib(free)} is free; loading may fail or spill into shared memory. "
            "GPU layers 'auto' picks a number that fits."
        )
    return GpuPlan(n, label, tuple(warnings), (f"{shown} on {label}",))


@dataclass(frozen=True)
class _Costs:
    """VRAM per offloaded layer: weights (the file spread over n_layers + 1) plus its KV cache."""

    weights: int  # the whole file
    kv_total: int
    per_layer: int
    kv_per_layer: int

    @classmethod
    def of(cls, gguf: ModelFacts, n_ctx: int, kv_type: str) -> _Costs:
        n_layers = max(0, gguf.n_layers)
        kv_total = gguf.kv_cache_bytes(n_ctx, kv_type, kv_type) if n_layers else 0
        return cls(
            weights=gguf.file_size,
            kv_total=kv_total,
            per_layer=gguf.file_size // (n_layers + 1),
            kv_per_layer=kv_total // n_layers if n_layers else 0,
        )

    def bytes_for(self, n: int, total: int) -> int:
        if n < 0 or not total or n >= total:
            return self.weights + self.kv_total
        return n * (self.per_layer + self.kv_per_layer)


def _plan_auto(
    costs: _Costs, total: int, gpu: Device, label: str, n_ctx: int, overhead: int
) -> GpuPlan:
    """As many layers as fit in the largest GPU's free VRAM after `overhead` (the reserve
    plus the compute buffer); -1 when all of them do."""
    free = gpu.memory_free
    if not gpu.memory_total:
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                f"GPU layers are 'auto' but {label} does not report its free memory, so the "
                "model runs on the CPU. Set a number of GPU layers to use the GPU.",
            ),
        )
    budget = free - overhead
    if budget >= costs.weights + costs.kv_total:
        layers = f"all {total} layers" if total else "all layers"
        return GpuPlan(-1, label, notes=(f"auto: {layers} on {label} ({gib(free)} free)",))
    fit = 0  # an unknown layer count is all or nothing
    if total:
        fit = max(0, min(total, budget // max(1, costs.per_layer + costs.kv_per_layer)))
    if fit >= total > 0:  # only when rounding says so: the whole file was just checked
        return GpuPlan(
            -1, label, notes=(f"auto: all {total} layers on {label} ({gib(free)} free)",)
        )
    if fit == 0:
        per = costs.per_layer + costs.kv_per_layer
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                f"The model does not fit in the free VRAM of {label} at a {n_ctx}-token context "
                f"({gib(free)} free, {gib(overhead)} of it kept for work space and other "
                f"programs; one layer with its KV cache needs about {gib(per)}), so it runs on "
                "the CPU. A shorter context, a quantized KV cache or a smaller "
                "quantization would let layers onto the GPU.",
            ),
            notes=(f"auto: 0 of {total or '?'} layers on {label} ({gib(free)} free)",),
        )
    note = f"auto: {fit} of {total} layers on {label} ({gib(free)} free); the rest on the CPU"
    return GpuPlan(fit, label, notes=(note,))


def _plan_blind(requested: GpuLayers, total: int, why: str) -> GpuPlan:
    """The build can offload but ggml's devices could not be listed: honour an explicit count,
    refuse to guess for "auto"."""
    if requested == "auto":
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                "GPU layers are 'auto' but the GPU's free memory could not be read "
                f"({why}), so the model runs on the CPU. Set a number of GPU layers to use "
                "the GPU.",
            ),
        )
    n = -1 if requested == "all" else min(requested, total) if total else int(requested)
    return GpuPlan(n, "GPU", notes=(f"GPU devices could not be listed ({why}); sizes unchecked",))
