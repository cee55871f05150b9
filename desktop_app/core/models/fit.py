"""Will a model run well on this machine? A memory estimate, a verdict, and the quantization to pick.

    est = estimate_local(local_model, report, n_ctx=4096, kv_type="f16")   # None: unreadable
    shape = ModelShape.from_local(local_model)        # or .from_info(GGUFInfo),
                                                      # .from_catalog(entry, file), .guess(size, name)
    est = estimate_fit(shape, report, n_ctx=4096, kv_type="f16")
    est.verdict    # "gpu" | "partial" | "cpu" | "tight" | "too_large" | "unknown"
    est.label      # "fits on GPU", "partly on GPU (20 of 33 layers)", "fits in RAM (CPU)", ...
    est.summary()  # the numbers behind it
    rec = recommend_for_entry(catalog_entry, report, n_ctx=4096)   # Recommendation | None
    rec = recommend_quant([(quant, shape), ...], report)           # e.g. a Hub repo's files

`report` is a `HardwareReport`: `hardware_report()` for this machine, or `machine(ram_gib=16,
vram_gib=8)` for a hypothetical one (tests, "what if" views). Everything here is a pure function
of its arguments.

Memory = weights (the file size: llama.cpp maps the file) + the KV cache at the chosen context
and KV type (layers x KV heads x (key + value size) x context x bytes per element; the same formula
as GGUFInfo.kv_cache_bytes) + the compute buffer (hardware.compute_buffer_bytes). Where the layers
go comes from hardware.plan_gpu_layers("auto", ...), the planner the engine uses at load, so the
indicator and the actual load agree. Sliding-window models (Gemma 2/3) get a smaller cache from
llama.cpp than this formula says: the estimate errs on the safe side.

Verdicts: "gpu" every layer fits in free VRAM with 20% headroom; "partial" some layers on the GPU,
the rest fits in RAM with headroom; "cpu" no usable GPU, fits in RAM with headroom; "tight" it
fits, but without the headroom (other programs may have to close); "too_large" it does not fit
in this machine's memory; "unknown" the machine's memory could not be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from desktop_app.core.gguf_reader import KV_CACHE_TYPES, GGUFInfo
from desktop_app.core.machine import (
    DEFAULT_RESERVE_BYTES,
    Device,
    HardwareReport,
    compute_buffer_bytes,
    plan_gpu_layers,
)
from desktop_app.core.models.fit_machine import machine
from desktop_app.core.models.quant import BITS_PER_WEIGHT, quality_rank, quant_from_name

if TYPE_CHECKING:
    from desktop_app.core.models.catalog import CatalogEntry, CatalogFile
    from desktop_app.core.models.library import LocalModel

__all__ = [
    "HEADROOM",
    "FitEstimate",
    "ModelShape",
    "Recommendation",
    "Verdict",
    "estimate_fit",
    "estimate_local",
    "machine",
    "recommend_for_entry",
    "recommend_quant",
]

GiB = 1024**3
MiB = 1024**2

Verdict = Literal["gpu", "partial", "cpu", "tight", "too_large", "unknown"]
Placement = Literal["gpu", "partial", "cpu"]

HEADROOM = 1.2  # "comfortable": 20% more than the estimate is free
RAM_USABLE_FRACTION = 0.85  # the rest of the RAM belongs to the OS and the app itself
GPU_HOST_BYTES = 256 * MiB  # host memory a fully offloaded model still takes (buffers, embeddings)
# KV bytes per token (f16 K+V, all layers) per parameter, for a file whose architecture is
# unknown: about what current GQA models need (Llama 3.1 8B: 16e-6, Qwen3 8B: 18e-6), rounded up.
_GUESS_KV_PER_PARAM = 24e-6


@dataclass(frozen=True)
class ModelShape:
    """What the estimate needs to know about a model. Satisfies hardware.ModelFacts.

    `kv_bytes_per_token` (f16 K+V over all layers) replaces the head shape when given: for
    unusual attention (compressed latents) and for guessed shapes.
    """

    file_size: int  # bytes of all files (shards) together
    n_layers: int
    n_kv_heads: int = 0
    key_length: int = 0
    value_length: int = 0
    vocab_size: int | None = None
    n_params: int = 0
    quantization: str = ""
    kv_bytes_per_token: int | None = None
    estimated: bool = False  # guessed from the file size: treat the numbers as rough

    def kv_cache_bytes(self, n_ctx: int, type_k: str = "f16", type_v: str = "f16") -> int:
        """Bytes of KV cache for `n_ctx` tokens with K and V stored as `type_k` / `type_v`."""
        if n_ctx < 0:
            raise ValueError(f"n_ctx must be >= 0, got {n_ctx}")
        bk, bv = _kv_type(type_k), _kv_type(type_v)
        if self.kv_bytes_per_token is not None:
            total = Fraction(self.kv_bytes_per_token * n_ctx) * (bk + bv) / 4
        else:
            per_token_layer = self.n_kv_heads * (self.key_length * bk + self.value_length * bv)
            total = self.n_layers * n_ctx * per_token_layer
        return int(-(-total.numerator // total.denominator))

    # ------------------------------------------------------------- constructors

    @classmethod
    def from_info(cls, info: GGUFInfo, file_size: int | None = None) -> ModelShape:
        """From a parsed header; `file_size` overrides for a sharded set (all files)."""
        return cls(
            file_size=info.file_size if file_size is None else file_size,
            n_layers=info.n_layers,
            n_kv_heads=info.n_head_kv,
            key_length=info.key_length,
            value_length=info.value_length,
            vocab_size=info.vocab_size,
            n_params=info.n_params,
            quantization=info.quantization,
        )

    @classmethod
    def from_local(cls, model: LocalModel) -> ModelShape | None:
        """From a library entry (all shards' size); None when its header could not be read."""
        h = model.header
        if h is None or model.error:
            return None
        return cls(
            file_size=model.size,
            n_layers=h.n_layers,
            n_kv_heads=h.n_head_kv,
            key_length=h.key_length,
            value_length=h.value_length,
            vocab_size=h.vocab_size,
            n_params=model.n_params,
            quantization=h.quantization,
        )

    @classmethod
    def from_catalog(cls, entry: CatalogEntry, file: CatalogFile) -> ModelShape:
        a = entry.architecture
        return cls(
            file_size=file.size,
            n_layers=a.n_layers,
            n_kv_heads=a.n_kv_heads,
            key_length=a.head_dim,
            value_length=a.head_dim,
            vocab_size=a.vocab_size,
            n_params=entry.params,
            quantization=file.quant,
            kv_bytes_per_token=a.kv_bytes_per_token,
        )

    @classmethod
    def guess(cls, file_size: int, file_name: str = "") -> ModelShape:
        """A rough shape from a file's size and name alone (a Hub file not yet downloaded):
        parameters from the quantization's bits per weight, a typical KV cache for that size."""
        quant = quant_from_name(file_name) or "Q4_K_M"
        bpw = BITS_PER_WEIGHT.get(quant, 4.85)
        n_params = int(file_size * 8 / bpw)
        return cls(
            file_size=file_size,
            n_layers=_typical_layers(n_params),
            n_params=n_params,
            quantization=quant,
            kv_bytes_per_token=max(8192, int(n_params * _GUESS_KV_PER_PARAM)),
            estimated=True,
        )


def _kv_type(name: str) -> Fraction:
    try:
        return KV_CACHE_TYPES[name.lower()]
    except KeyError:
        known = ", ".join(KV_CACHE_TYPES)
        raise ValueError(f"unknown KV cache type {name!r}; expected one of {known}") from None


def _typical_layers(n_params: int) -> int:
    for limit, layers in ((1.0e9, 24), (2.5e9, 28), (5e9, 36), (10e9, 40), (20e9, 48), (40e9, 64)):
        if n_params < limit:
            return layers
    return 80


# --------------------------------------------------------------------------- estimate


@dataclass(frozen=True)
class FitEstimate:
    """The verdict and the numbers behind it (bytes). `label` is English for the CLI; the GUI
    words its own from `verdict`, `placement`, `gpu_layers` and `n_layers_total`."""

    verdict: Verdict
    placement: Placement  # where the layers go: all on the GPU, split, or CPU only
    label: str
    n_ctx: int
    kv_type: str
    weights_bytes: int
    kv_bytes: int
    compute_bytes: int
    total_bytes: int
    gpu_bytes: int  # of the total, on the GPU
    ram_bytes: int  # of the total, in RAM
    gpu_layers: int  # layers on the GPU (llama.cpp's count, output layer included)
    n_layers_total: int
    gpu_name: str  # "" without a usable GPU
    vram_free: int
    ram_available: int
    ram_total: int
    comfortable: bool  # fits with HEADROOM to spare
    estimated: bool  # the model's shape was guessed: numbers are rough
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """One paragraph with the numbers, e.g. for the CLI and a tooltip."""
        approx = "roughly " if self.estimated else "about "
        parts = [
            f"Needs {approx}{_gib(self.total_bytes)}: {_gib(self.weights_bytes)} weights + "
            f"{_gib(self.kv_bytes)} KV cache ({self.n_ctx} tokens, {self.kv_type}) + "
            f"{_gib(self.compute_bytes)} work space."
        ]
        if self.gpu_name:
            parts.append(f"{self.gpu_name}: {_gib(self.vram_free)} VRAM free.")
        if self.ram_total:
            parts.append(f"RAM: {_gib(self.ram_available)} free of {_gib(self.ram_total)}.")
        return " ".join(parts)


def estimate_fit(
    shape: ModelShape,
    report: HardwareReport,
    *,
    n_ctx: int = 4096,
    kv_type: str = "f16",
    headroom: float = HEADROOM,
    reserve_bytes: int = DEFAULT_RESERVE_BYTES,
) -> FitEstimate:
    """How `shape` would load on `report`'s machine at `n_ctx` tokens of `kv_type` KV cache."""
    if n_ctx <= 0:
        raise ValueError(f"n_ctx must be positive, got {n_ctx}")
    kv = shape.kv_cache_bytes(n_ctx, kv_type, kv_type)
    compute = compute_buffer_bytes(shape, n_ctx)
    weights = shape.file_size
    total = weights + kv + compute
    n_total = shape.n_layers + 1 if shape.n_layers > 0 else 0

    plan = plan_gpu_layers("auto", shape, n_ctx, kv_type, report, reserve_bytes=reserve_bytes)
    gpu: Device | None = None
    if plan.n_gpu_layers != 0 and report.offload_gpus:
        gpu = max(report.offload_gpus, key=lambda d: d.memory_free)
    placement: Placement
    if gpu is None:
        placement, on_gpu, gpu_bytes = "cpu", 0, 0
        ram = total
    elif plan.n_gpu_layers < 0 or plan.n_gpu_layers >= n_total:
        placement, on_gpu, gpu_bytes = "gpu", n_total, total
        ram = min(total, weights // max(1, n_total) + GPU_HOST_BYTES)
    else:
        per_layer = weights // max(1, n_total) + (kv // shape.n_layers if shape.n_layers else 0)
        placement, on_gpu = "partial", plan.n_gpu_layers
        gpu_bytes = on_gpu * per_layer + compute
        ram = max(0, total - on_gpu * per_layer)

    vram_free = gpu.memory_free if gpu else 0
    ram_total, ram_free = report.ram_total, report.ram_available
    usable = int(ram_total * RAM_USABLE_FRACTION)
    free = ram_free if ram_free > 0 else usable
    ram_comfortable = ram * headroom <= free
    ram_fits = ram <= usable

    verdict: Verdict
    if ram_total <= 0:
        verdict, comfortable = "unknown", False
    elif placement == "gpu":
        vram_ok = (weights + kv) * headroom + compute + reserve_bytes <= vram_free
        comfortable = vram_ok and ram_fits
        verdict = "gpu" if comfortable else "tight"
    else:
        comfortable = ram_comfortable
        if ram_comfortable:
            verdict = placement
        elif ram_fits:
            verdict = "tight"
        else:
            verdict = "too_large"

    notes = list(plan.warnings)
    if verdict == "tight" and ram > free:
        notes.append(
            f"Only {_gib(free)} of RAM is free now; close other programs before loading it."
        )
    if shape.estimated:
        notes.append("The model's layout is guessed from the file size; the numbers are rough.")
    return FitEstimate(
        verdict=verdict,
        placement=placement,
        label=_label(verdict, placement, on_gpu, n_total),
        n_ctx=n_ctx,
        kv_type=kv_type,
        weights_bytes=weights,
        kv_bytes=kv,
        compute_bytes=compute,
        total_bytes=total,
        gpu_bytes=gpu_bytes,
        ram_bytes=ram,
        gpu_layers=on_gpu,
        n_layers_total=n_total,
        gpu_name=gpu.label if gpu else "",
        vram_free=vram_free,
        ram_available=ram_free,
        ram_total=ram_total,
        comfortable=comfortable,
        estimated=shape.estimated,
        notes=tuple(notes),
    )


def estimate_local(
    model: LocalModel, report: HardwareReport, *, n_ctx: int = 4096, kv_type: str = "f16"
) -> FitEstimate | None:
    """`estimate_fit` for an installed model; None when its header could not be read."""
    shape = ModelShape.from_local(model)
    return None if shape is None else estimate_fit(shape, report, n_ctx=n_ctx, kv_type=kv_type)


def _label(verdict: Verdict, placement: Placement, on_gpu: int, n_total: int) -> str:
    where = {
        "gpu": "fits on GPU",
        "partial": f"partly on GPU ({on_gpu} of {n_total} layers)",
        "cpu": "fits in RAM (CPU)",
    }[placement]
    if verdict == "tight":
        return f"tight ({where})"
    if verdict == "too_large":
        return "too large"
    if verdict == "unknown":
        return "unknown (memory could not be read)"
    return where


# --------------------------------------------------------------------------- recommendation


@dataclass(frozen=True)
class Recommendation:
    """The quantization to download for this machine, why, and the estimate of every option."""

    quant: str
    estimate: FitEstimate
    reason: str
    estimates: dict[str, FitEstimate]
    file: CatalogFile | None = None  # set by recommend_for_entry


CPU_BEST_LARGE = "Q5_K_M"  # the best quantization recommended for a large model on the CPU
CPU_SMALL_MODEL_BYTES = 2 * 1024**3  # below this, any quantization runs fast enough on a CPU


def recommend_quant(
    options: Sequence[tuple[str, ModelShape]],
    report: HardwareReport,
    *,
    n_ctx: int = 4096,
    kv_type: str = "f16",
) -> Recommendation | None:
    """The best quantization that fits comfortably: all on the GPU if any option does (speed
    matters more than the step from Q4 to Q8), else in RAM; failing that the smallest that fits
    at all ("tight"). None when nothing fits or the machine's memory is unknown."""
    estimates = {q: estimate_fit(s, report, n_ctx=n_ctx, kv_type=kv_type) for q, s in options}
    ordered = sorted(estimates, key=quality_rank)
    tiers: tuple[tuple[tuple[Verdict, ...], str], ...] = (
        (("gpu",), "the best quality that fits in the GPU's memory with room to spare"),
        (
            ("partial", "cpu"),
            "the best quality that fits in this computer's memory with room to spare",
        ),
    )
    for verdicts, reason in tiers:
        fitting = [q for q in ordered if estimates[q].verdict in verdicts]
        if not fitting:
            continue
        q = fitting[0]
        if verdicts != ("gpu",):
            # On the CPU every token reads all the weights from RAM: past ~5 bits per weight
            # the answer gets slower for little gain, so large models get Q5_K_M or below.
            lean = [
                x
                for x in fitting
                if quality_rank(x) >= quality_rank(CPU_BEST_LARGE)
                or estimates[x].weights_bytes <= CPU_SMALL_MODEL_BYTES
            ]
            if lean and lean[0] != q:
                q = lean[0]
                reason = (
                    "the best quality that fits in this computer's memory and still runs at a "
                    "useful speed on the CPU"
                )
        return Recommendation(q, estimates[q], reason, estimates)
    tight = [q for q in ordered if estimates[q].verdict == "tight"]
    if tight:
        q = tight[-1]
        return Recommendation(
            q,
            estimates[q],
            "the smallest option; it fits, but with little memory to spare",
            estimates,
        )
    return None


def recommend_for_entry(
    entry: CatalogEntry, report: HardwareReport, *, n_ctx: int = 4096, kv_type: str = "f16"
) -> Recommendation | None:
    """`recommend_quant` over a catalog entry's files."""
    by_quant = {f.quant: f for f in entry.files}
    rec = recommend_quant(
        [(f.quant, ModelShape.from_catalog(entry, f)) for f in entry.files],
        report,
        n_ctx=n_ctx,
        kv_type=kv_type,
    )
    if rec is None:
        return None
    return Recommendation(rec.quant, rec.estimate, rec.reason, rec.estimates, by_quant[rec.quant])


def _gib(n: int) -> str:
    return f"{n / GiB:.1f} GiB"
