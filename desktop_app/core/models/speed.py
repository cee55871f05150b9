"""How fast a model would answer on this machine: measured machine figures and a prediction.

The model of one generated token on the CPU:

    time per token = overhead + bytes read ÷ rate(width)
    bytes read     = the weights + the KV cache filled so far (n_past tokens of it)
    overhead       = layer_overhead_s × layers

Generating a token reads every weight once and the keys and values of every token before it.
How fast those bytes go is measured, not derived from the RAM's bandwidth: on few cores the
arithmetic weighs as much as the RAM, and short rows cost more per byte than long ones (a dot
product's set-up and sums): on two cores the starter's 576-wide layers get through about 10 GB/s
of weights, a 2048-wide model 22 GB/s, while a copy reads 27 GB/s. `rate(width)` comes from
4-bit synthetic models of widths 512, 1024 and 2048, each larger than the caches, generating
(engine/speed_probe.py, `width_rates`, bytes/s); a model's rate is read off that curve
(log-linear between the points, the end points beyond). A model's width is not in every
description of it (a catalog entry has parameters and layers), so it comes from the parameters:
about 12 × width² per layer plus the vocabulary's embedding (`model_width`). A tiny model reads so
little that the fixed work per token dominates: building and scheduling the compute graph,
sampling, detokenizing. That overhead is measured on a synthetic model that reads almost nothing
(32 narrow layers, its time minus its bytes' time, per layer), and again with a 65,536-entry
vocabulary and the app's default sampling: what the logits cost per entry (`vocab_overhead_s`,
about a millisecond a token at the starter's 49,152 on two cores; on the CPU wherever the layers
run). All are kept with the machine's
facts. Without the curve (figures kept by an older version) the estimate is overhead +
max(bytes ÷ (bandwidth × CPU_EFFICIENCY), parameters ÷ gen_rate). Prompt reading is
compute-bound: `prompt_rate` (parameters × tokens per second, measured on a wide synthetic model)
÷ the model's parameters. On a GPU the bandwidth comes from a table and no overhead is added (not
measured: no GPU here).

The bandwidth of the RAM is measured here once (a copy of a buffer larger than the caches,
on as many threads as llama.cpp uses, best of a few runs: a few tenths of a second) and kept with
the machine's facts in the app's cache folder; it is measured again when the facts change (another
CPU, more RAM) or when asked. A GPU's bandwidth comes from a table of known GPUs; an unknown GPU's
speed is "unknown", never a guess.

    speed = machine_speed()                       # cached, else measured (call off the GUI thread)
    guess = predict_speed(fit_estimate, speed, report, n_past=512)
    guess.tokens_per_s   # None: unknown; guess.upper_bound: "at most" (GPU part unknown)
    predict_prompt_speed(n_params, speed)        # None until engine/speed_probe.py has measured

The efficiency factors (CPU_EFFICIENCY, GPU_EFFICIENCY) and how they were checked are described
beside them.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from desktop_app.core.models.machine_measure import (
    machine_facts,
    measure_bandwidth,
    physical_cores,
)
from desktop_app.core.storage.atomic import write_atomic
from desktop_app.core.storage.paths import app_paths

if TYPE_CHECKING:
    from desktop_app.core.machine import Device, HardwareReport
    from desktop_app.core.models.fit import FitEstimate

__all__ = [
    "CPU_EFFICIENCY",
    "GPU_EFFICIENCY",
    "MachineSpeed",
    "SpeedGuess",
    "cached_speed",
    "gpu_bandwidth",
    "machine_facts",
    "machine_speed",
    "measure_bandwidth",
    "predict_prompt_speed",
    "predict_speed",
    "speed_file",
]

_log = logging.getLogger(__name__)
MiB = 1024**2
GB = 1e9
CACHE_NAME = "machine-speed.json"
FORMAT = 1

# The share of the copy bandwidth (bytes read plus bytes written per second, as STREAM's "copy"
# counts them) that llama.cpp's weight streaming reaches once the per-token overhead is counted
# apart: for large models on desktop CPUs, where the overhead is negligible, llama.cpp's
# published figures come to 0.6-0.7 of a copy benchmark; the lower end, so large models err on
# the slow side, where the tiers matter. Not fitted to the starter model: bench/advisor.py
# checks the whole prediction against a real generation of it.
CPU_EFFICIENCY = 0.6
TYPICAL_VOCAB = 32000  # a model's vocabulary when its description lacks one (Llama 2's)
TYPICAL_PAST = 512  # tokens already in the context for the advisor's figure: early in a chat
# Of a GPU's nominal bandwidth (the table below) llama.cpp's decoding reaches roughly 55%
# (e.g. 7B Q4_0, 3.6 GB, at about 150 tokens/s on a 1 TB/s card). Not measured here: no GPU.
GPU_EFFICIENCY = 0.55

# Nominal memory bandwidth (GB/s) of common GPUs, matched against the device's description
# (the longest name that occurs in it wins: "RTX 4070 Ti SUPER" before "RTX 4070"). Laptop
# variants are slower than the desktop card of the same name: they stay unknown.
GPU_BANDWIDTH_GBS: dict[str, float] = {
    "RTX 5090": 1792, "RTX 5080": 960, "RTX 5070 Ti": 896, "RTX 5070": 672,
    "RTX 4090": 1008, "RTX 4080 SUPER": 736, "RTX 4080": 717, "RTX 4070 Ti SUPER": 672,
    "RTX 4070 Ti": 504, "RTX 4070 SUPER": 504, "RTX 4070": 504, "RTX 4060 Ti": 288,
    "RTX 4060": 272, "RTX 3090 Ti": 1008, "RTX 3090": 936, "RTX 3080 Ti": 912,
    "RTX 3080": 760, "RTX 3070 Ti": 608, "RTX 3070": 448, "RTX 3060 Ti": 448, "RTX 3060": 360,
    "RTX 2080 Ti": 616, "RTX 2080": 448, "RTX 2070": 448, "RTX 2060": 336,
    "A100": 1555, "H100": 2000, "H200": 4800, "L40S": 864, "L40": 864, "L4": 300, "T4": 320,
    "V100": 900, "A10": 600, "A6000": 768,
    "RX 7900 XTX": 960, "RX 7900 XT": 800, "RX 7800 XT": 624, "RX 7700 XT": 432,
    "RX 7600": 288, "RX 6900 XT": 512, "RX 6800 XT": 512, "RX 6800": 512, "RX 6700 XT": 384,
    "Apple M1 Ultra": 800, "Apple M1 Max": 400, "Apple M1 Pro": 200, "Apple M1": 68,
    "Apple M2 Ultra": 800, "Apple M2 Max": 400, "Apple M2 Pro": 200, "Apple M2": 100,
    "Apple M3 Ultra": 800, "Apple M3 Max": 300, "Apple M3 Pro": 150, "Apple M3": 100,
    "Apple M4 Max": 410, "Apple M4 Pro": 273, "Apple M4": 120,
}  # fmt: skip

Basis = Literal["cpu", "gpu", "partial"]


@dataclass(frozen=True)
class MachineSpeed:
    """This machine's measured RAM bandwidth and the facts it was measured with."""

    bandwidth: float  # bytes/s, read + written (a copy), on `threads` threads
    threads: int
    cores: int  # physical cores: what llama.cpp runs on
    facts: dict[str, str | int]
    measured_at: float  # time.time()
    layer_overhead_s: float | None = None  # per token and layer, beyond the bytes (speed_probe)
    prompt_rate: float | None = None  # parameters x prompt tokens per second (speed_probe)
    gen_rate: float | None = None  # weights per second of a generating token's arithmetic
    width_rates: tuple[tuple[int, float], ...] = ()  # (model width, bytes/s generating)
    vocab_overhead_s: float | None = None  # per token and vocabulary entry (sampling, logits)

    def to_json(self) -> dict[str, object]:
        return {"format": FORMAT, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> MachineSpeed | None:
        try:
            if data.get("format") != FORMAT:
                return None
            facts = data["facts"]
            bandwidth = float(data["bandwidth"])  # type: ignore[arg-type]
            if not isinstance(facts, dict) or not bandwidth > 0:
                return None
            return cls(
                bandwidth=bandwidth,
                threads=int(data["threads"]),  # type: ignore[call-overload]
                cores=int(data["cores"]),  # type: ignore[call-overload]
                facts=dict(facts),
                measured_at=float(data["measured_at"]),  # type: ignore[arg-type]
                layer_overhead_s=_positive(data.get("layer_overhead_s"), zero=True),
                prompt_rate=_positive(data.get("prompt_rate")),
                gen_rate=_positive(data.get("gen_rate")),
                width_rates=_width_rates(data.get("width_rates")),
                vocab_overhead_s=_positive(data.get("vocab_overhead_s"), zero=True),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _width_rates(value: object) -> tuple[tuple[int, float], ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if isinstance(item, list) and len(item) == 2:
            width, rate = _positive(item[0]), _positive(item[1])
            if width and rate:
                out.append((int(width), rate))
    return tuple(sorted(out))


def _positive(value: object, zero: bool = False) -> float | None:
    """A kept figure, or None when absent or not a sensible number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if value > 0 or (zero and value == 0) else None


@dataclass(frozen=True)
class SpeedGuess:
    """The expected generation speed of one model here, and what it rests on."""

    tokens_per_s: float | None  # None: unknown (a GPU not in the table, nothing measured)
    basis: Basis  # where the weights are read from
    upper_bound: bool = False  # only "at most": the GPU's share is unknown, the CPU's is not
    bandwidth: float | None = None  # bytes/s the prediction used (the slower memory for a split)
    cores: int = 0  # CPU cores, for the reason's words
    overhead_s: float = 0.0  # of each token's time, the fixed work (0: not measured, or a GPU)


# --------------------------------------------------------------------------- machine facts


def speed_file() -> Path:
    return app_paths().cache_dir / CACHE_NAME


_memo: MachineSpeed | None = None


def cached_speed(path: Path | None = None) -> MachineSpeed | None:
    """The kept measurement if it was made on this machine as it is now; None otherwise.
    Cheap (a small file): fine on the GUI thread."""
    global _memo
    facts = machine_facts()
    if path is None and _memo is not None and _memo.facts == facts:
        return _memo
    path = path or speed_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    speed = MachineSpeed.from_json(data) if isinstance(data, dict) else None
    if speed is None or speed.facts != facts:
        return None
    return speed


def machine_speed(path: Path | None = None, *, refresh: bool = False) -> MachineSpeed:
    """This machine's speed: the kept measurement, else a new one (kept for next time).
    `refresh` measures again. Blocks for the measurement: call it off the GUI thread."""
    global _memo
    if not refresh:
        kept = cached_speed(path)
        if kept is not None:
            _memo = kept
            return kept
    facts = machine_facts()
    threads = int(facts["cores"])
    bandwidth = measure_bandwidth(threads)
    kept = cached_speed(path) if refresh else None
    if kept is not None and kept.threads == threads:
        # a machine's bandwidth does not drop: a lower figure means other programs were busy
        bandwidth = max(bandwidth, kept.bandwidth)
    speed = MachineSpeed(
        bandwidth=bandwidth, threads=threads, cores=threads, facts=facts, measured_at=time.time(),
        layer_overhead_s=kept.layer_overhead_s if kept else None,
        prompt_rate=kept.prompt_rate if kept else None,
        gen_rate=kept.gen_rate if kept else None,
        width_rates=kept.width_rates if kept else (),
        vocab_overhead_s=kept.vocab_overhead_s if kept else None,
    )  # fmt: skip
    keep_speed(speed, path)
    _log.info("memory bandwidth %.1f GB/s on %d threads", speed.bandwidth / GB, threads)
    return speed


def keep_speed(speed: MachineSpeed, path: Path | None = None) -> None:
    """Keep `speed` for next time (and for this process)."""
    global _memo
    target = path or speed_file()
    try:
        write_atomic(target, json.dumps(speed.to_json(), indent=1).encode("utf-8"))
    except OSError as exc:  # a read-only cache folder: measured again next time
        _log.info("could not keep the machine's speed in %s: %s", target, exc)
    _memo = speed


# --------------------------------------------------------------------------- prediction


def gpu_bandwidth(device: Device | str) -> float | None:
    """A known GPU's nominal bandwidth in bytes/s, from its description; None when unknown."""
    text = device if isinstance(device, str) else f"{device.description} {device.name}"
    norm = " ".join(text.replace("GeForce", " ").split()).casefold()
    if "laptop" in norm or "mobile" in norm or "max-q" in norm:
        return None
    best = ""
    for name in GPU_BANDWIDTH_GBS:
        key = name.casefold()
        if len(key) > len(best) and _has_word(norm, key):
            best = name
    return GPU_BANDWIDTH_GBS[best] * GB if best else None


def _has_word(text: str, key: str) -> bool:
    """`key` in `text` as whole words ("L4" is not in "L40S", "A10" not in "A100")."""
    start = text.find(key)
    while start >= 0:
        end = start + len(key)
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = text.find(key, start + 1)
    return False


def predict_speed(
    est: FitEstimate,
    speed: MachineSpeed | None,
    report: HardwareReport,
    n_past: int = TYPICAL_PAST,
    n_params: int = 0,
    vocab: int = 0,
) -> SpeedGuess:
    """Tokens/s for the model behind `est`, placed as the estimate places it, with `n_past`
    tokens already in the context (their keys and values are read for every new token)."""
    cores = speed.cores if speed is not None else physical_cores()
    cpu_bw = speed.bandwidth * CPU_EFFICIENCY if speed is not None else None
    kv_read = est.kv_bytes * min(max(0, n_past), est.n_ctx) // max(1, est.n_ctx)
    per_token = max(1, est.weights_bytes + kv_read)
    n_total = max(1, est.n_layers_total)
    layer_s = (speed.layer_overhead_s or 0.0) if speed is not None else 0.0
    # sampling and the logits' handling, on the CPU wherever the layers run
    vocab_s = (speed.vocab_overhead_s or 0.0) * (vocab or TYPICAL_VOCAB) if speed is not None else 0.0
    if est.placement == "cpu":
        overhead = layer_s * max(0, n_total - 1) + vocab_s  # the output layer is in the count
        if speed is not None and speed.width_rates and n_params > 0:  # measured by width
            width = model_width(n_params, n_total - 1, vocab)
            rate = rate_at_width(speed.width_rates, width)
            measured = 1 / (overhead + per_token / rate)
            return SpeedGuess(measured, "cpu", bandwidth=rate, cores=cores, overhead_s=overhead)
        gen_rate = speed.gen_rate if speed is not None else None
        compute = n_params / gen_rate if gen_rate and n_params > 0 else 0.0  # the arithmetic
        tps = 1 / (overhead + max(per_token / cpu_bw, compute)) if cpu_bw else None
        return SpeedGuess(tps, "cpu", bandwidth=cpu_bw, cores=cores, overhead_s=overhead)
    gpu = _gpu_of(est, report)
    gpu_bw = _effective_gpu_bandwidth(gpu, cpu_bw)
    if est.placement == "gpu":
        tps = 1 / (per_token / gpu_bw + vocab_s) if gpu_bw else None
        return SpeedGuess(tps, "gpu", bandwidth=gpu_bw, cores=cores, overhead_s=vocab_s)
    on_gpu = min(est.gpu_layers, n_total)
    cpu_bytes = per_token * (n_total - on_gpu) / n_total
    gpu_bytes = per_token - cpu_bytes
    if not cpu_bw:
        return SpeedGuess(None, "partial", cores=cores)
    overhead = layer_s * (n_total - on_gpu) + vocab_s
    cpu_time = overhead + cpu_bytes / cpu_bw
    if not gpu_bw:  # the CPU's share alone sets a ceiling
        return SpeedGuess(
            1 / cpu_time, "partial", upper_bound=True, bandwidth=cpu_bw, cores=cores,
            overhead_s=overhead,
        )  # fmt: skip
    return SpeedGuess(
        1 / (cpu_time + gpu_bytes / gpu_bw), "partial", bandwidth=cpu_bw, cores=cores,
        overhead_s=overhead,
    )  # fmt: skip


def model_width(n_params: int, n_blocks: int, vocab: int = 0) -> float:
    """A model's width from its parameters: a block is about 12 x width^2 (attention 4 d^2 with
    full KV heads, feed-forward 8 d^2 at 2.7 d), the embedding vocab x width; d solves
    12 L d^2 + V d = parameters (V: TYPICAL_VOCAB when not known). Starter: 547 (its header: 576)."""
    vocab = vocab or TYPICAL_VOCAB
    a = 12 * max(1, n_blocks)
    return (-vocab + math.sqrt(vocab * vocab + 4 * a * max(0, n_params))) / (2 * a)


def rate_at_width(curve: tuple[tuple[int, float], ...], width: float) -> float:
    """The measured bytes/s at `width`: log-linear between the curve's points, flat beyond."""
    points = sorted(curve)
    if width <= points[0][0]:
        return points[0][1]
    for (w0, r0), (w1, r1) in itertools.pairwise(points):
        if width <= w1:
            t = math.log(width / w0) / math.log(w1 / w0)
            return r0 + t * (r1 - r0)
    return points[-1][1]


def predict_prompt_speed(n_params: int, speed: MachineSpeed | None) -> float | None:
    """Prompt tokens/s on the CPU: reading a prompt is compute-bound (about two operations per
    parameter per token), so the measured rate ÷ the parameters. None until measured."""
    if speed is None or not speed.prompt_rate or n_params <= 0:
        return None
    return speed.prompt_rate / n_params


def _gpu_of(est: FitEstimate, report: HardwareReport) -> Device | None:
    gpus = report.offload_gpus
    named = [d for d in gpus if d.label == est.gpu_name]
    return (named or list(gpus))[0] if gpus else None


def _effective_gpu_bandwidth(gpu: Device | None, cpu_bw: float | None) -> float | None:
    """Usable GPU bandwidth: a known card's from the table; an integrated GPU shares the RAM
    (its measured bandwidth); an unknown discrete card: None."""
    if gpu is None:
        return None
    nominal = gpu_bandwidth(gpu)
    if nominal is not None:
        return nominal * GPU_EFFICIENCY
    return cpu_bw if gpu.kind == "igpu" else None
