"""Is a model practical here? A tier (good / slow / won't fit) and the reason, in words.

The fit estimate (fit.py) says whether the memory is there, the speed guess (speed.py) how fast
it would answer; a person wants the two together: "about 2 tokens/s here: slow on 2 CPU cores",
"needs 11.2 GB at a 4096-token context; this computer has 8.0 GB of RAM".

    p = practical(shape, report, machine_speed, n_ctx=4096, kv_type="f16")
    p = judge(fit_estimate, speed_guess)          # from parts already computed
    p.tier     # "good" | "slow" | "wont_fit" | "unknown"
    p.reason   # English, marked with QT_TRANSLATE_NOOP (context "Fit"): the GUI translates it

Tiers: "good" fits with headroom and makes at least GOOD_TOKENS_PER_S (a fully offloaded model
on a GPU whose speed is not in the table counts as good: it fits, and GPUs are fast); "slow"
fits but is slower than that, or fits without headroom ("tight"); "wont_fit" the memory at the
chosen context is not there; "unknown" the machine's memory could not be read, or the model
fits but the RAM's speed is not measured yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models.fit import (
    FitEstimate,
    ModelShape,
    Recommendation,
    estimate_fit,
    recommend_for_entry,
)
from desktop_app.core.models.model_files import format_size
from desktop_app.core.models.speed import (
    MachineSpeed,
    SpeedGuess,
    predict_prompt_speed,
    predict_speed,
)

if TYPE_CHECKING:
    from desktop_app.core.machine import HardwareReport
    from desktop_app.core.models.catalog import CatalogEntry
    from desktop_app.core.models.hub import HubModel, RepoFiles

__all__ = [
    "GOOD_TOKENS_PER_S",
    "TIER_ORDER",
    "EntryFit",
    "Practical",
    "Tier",
    "advise_hub",
    "hub_fit",
    "judge",
    "judge_entry",
    "practical",
    "rate_label",
    "recommend_hub",
]

Tier = Literal["good", "slow", "wont_fit", "unknown"]
TIER_ORDER: tuple[Tier, ...] = ("good", "slow", "unknown", "wont_fit")
GOOD_TOKENS_PER_S = 10.0  # about reading speed: below it a person waits for the text
TIER_WORDS: dict[Tier, str] = {"good": "good", "slow": "slow", "wont_fit": "won't fit",
                               "unknown": "unknown"}  # fmt: skip


@dataclass(frozen=True)
class Practical:
    """A tier, the reason for it, and the estimates behind both."""

    tier: Tier
    reason: str
    fit: FitEstimate
    speed: SpeedGuess
    prompt_tokens_per_s: float | None = None  # reading a prompt, where measured (speed.py)

    @property
    def speed_text(self) -> str:
        """ "~45 tok/s", "<= 3.1 tok/s" (an upper bound), "?" (unknown): for a terminal table."""
        tps = self.speed.tokens_per_s
        if self.tier == "wont_fit":
            return "-"
        if tps is None:
            return "?"
        return f"{'<=' if self.speed.upper_bound else '~'}{rate_label(tps)} tok/s"

    @property
    def tier_text(self) -> str:
        return TIER_WORDS[self.tier]

    def to_json(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "reason": self.reason,
            "ram_bytes": self.fit.ram_bytes,
            "vram_bytes": self.fit.gpu_bytes,
            "n_ctx": self.fit.n_ctx,
            "kv_type": self.fit.kv_type,
            "tokens_per_s": self.speed.tokens_per_s,
            "tokens_per_s_upper_bound": self.speed.upper_bound,
            "prompt_tokens_per_s": self.prompt_tokens_per_s,
        }

    @property
    def rank(self) -> tuple[int, float]:
        """For sorting: the better tier first, then the faster model."""
        return TIER_ORDER.index(self.tier), -(self.speed.tokens_per_s or 0.0)


def rate_label(tps: float) -> str:
    """2.04 -> "2.0", 45.3 -> "45": as many digits as the estimate deserves."""
    return f"{tps:.1f}" if tps < 10 else f"{tps:.0f}"


def practical(
    shape: ModelShape,
    report: HardwareReport,
    speed: MachineSpeed | None,
    *,
    n_ctx: int = 4096,
    kv_type: str = "f16",
) -> Practical:
    """The tier of `shape` on `report`'s machine; `speed` None: the speed is not known yet."""
    est = estimate_fit(shape, report, n_ctx=n_ctx, kv_type=kv_type)
    guess = predict_speed(est, speed, report, n_params=shape.n_params, vocab=shape.vocab_size or 0)
    return judge(est, guess)


def judge(est: FitEstimate, speed: SpeedGuess) -> Practical:
    """The tier and the reason for a fit estimate and a speed guess of the same model."""
    if est.verdict == "unknown":
        reason = QT_TRANSLATE_NOOP("Fit", "This computer's memory could not be read.")
        return Practical("unknown", reason, est, speed)
    if est.verdict == "too_large":
        return Practical("wont_fit", _too_large(est), est, speed)
    if est.verdict == "tight":
        return Practical("slow", _tight(est), est, speed)
    tps = speed.tokens_per_s
    if tps is None:
        if est.placement == "gpu":
            reason = QT_TRANSLATE_NOOP(
                "Fit", "Fits in the GPU's memory; its speed is not known here."
            )
            return Practical("good", reason, est, speed)
        reason = QT_TRANSLATE_NOOP("Fit", "Fits in memory; the speed is not measured yet.")
        return Practical("unknown", reason, est, speed)
    rate = rate_label(tps)
    fast = tps >= GOOD_TOKENS_PER_S
    if est.placement == "cpu":
        reason = (
            QT_TRANSLATE_NOOP("Fit", "About {rate} tokens/s here, on the CPU.")
            if fast
            else QT_TRANSLATE_NOOP("Fit", "About {rate} tokens/s here: slow on {cores} CPU cores.")
        ).format(rate=rate, cores=speed.cores)
    elif est.placement == "gpu":
        reason = (
            QT_TRANSLATE_NOOP("Fit", "About {rate} tokens/s here, on the GPU.")
            if fast
            else QT_TRANSLATE_NOOP("Fit", "About {rate} tokens/s here: slow, even on the GPU.")
        ).format(rate=rate)
    elif speed.upper_bound:
        reason = (
            QT_TRANSLATE_NOOP(
                "Fit", "At most {rate} tokens/s here: {n} of {total} layers on the GPU."
            )
            if fast
            else QT_TRANSLATE_NOOP(
                "Fit",
                "At most {rate} tokens/s here: slow, only {n} of {total} layers fit on the GPU.",
            )
        ).format(rate=rate, n=est.gpu_layers, total=est.n_layers_total)
    else:
        reason = (
            QT_TRANSLATE_NOOP(
                "Fit", "About {rate} tokens/s here: {n} of {total} layers on the GPU."
            )
            if fast
            else QT_TRANSLATE_NOOP(
                "Fit",
                "About {rate} tokens/s here: slow, only {n} of {total} layers fit on the GPU.",
            )
        ).format(rate=rate, n=est.gpu_layers, total=est.n_layers_total)
    return Practical("good" if fast else "slow", reason, est, speed)


def _too_large(est: FitEstimate) -> str:
    need, ctx = format_size(est.total_bytes), est.n_ctx
    ram = format_size(est.ram_total)
    if est.gpu_name:
        return QT_TRANSLATE_NOOP(
            "Fit",
            "Needs {need} at a {ctx}-token context; this computer has {ram} of RAM and {vram} free on the GPU.",
        ).format(need=need, ctx=ctx, ram=ram, vram=format_size(est.vram_free))
    return QT_TRANSLATE_NOOP(
        "Fit", "Needs {need} at a {ctx}-token context; this computer has {ram} of RAM."
    ).format(need=need, ctx=ctx, ram=ram)


def _tight(est: FitEstimate) -> str:
    if est.placement == "gpu":
        return QT_TRANSLATE_NOOP(
            "Fit", "Needs {need}; only just fits in the GPU's {vram} free: it may not load."
        ).format(need=format_size(est.gpu_bytes), vram=format_size(est.vram_free))
    free = est.ram_available
    return QT_TRANSLATE_NOOP(
        "Fit",
        "Needs {need}; {free} of RAM is free now, little to spare: close other programs first.",
    ).format(need=format_size(est.ram_bytes), free=format_size(free))


# --------------------------------------------------------------------------- catalog entries


@dataclass(frozen=True)
class EntryFit:
    """A catalog entry on this machine: the recommended file and every file's tier."""

    recommendation: Recommendation | None
    options: dict[str, Practical]  # quantization -> its tier, in the entry's file order
    shown_quant: str  # the file a one-line summary talks about: the recommended, else the smallest

    @property
    def shown(self) -> Practical | None:
        return self.options.get(self.shown_quant)


def judge_entry(
    entry: CatalogEntry,
    report: HardwareReport,
    speed: MachineSpeed | None,
    *,
    n_ctx: int = 4096,
    kv_type: str = "f16",
) -> EntryFit:
    """Every file of `entry` judged at `n_ctx` / `kv_type`, with the recommended one."""
    rec = recommend_for_entry(entry, report, n_ctx=n_ctx, kv_type=kv_type)
    options: dict[str, Practical] = {}
    for f in entry.files:
        est = rec.estimates.get(f.quant) if rec is not None else None
        if est is None:
            shape = ModelShape.from_catalog(entry, f)
            est = estimate_fit(shape, report, n_ctx=n_ctx, kv_type=kv_type)
        n_params = entry.params
        guess = predict_speed(
            est, speed, report, n_params=n_params, vocab=entry.architecture.vocab_size or 0
        )
        options[f.quant] = judge(est, guess)
    shown = rec.quant if rec is not None else min(entry.files, key=lambda f: f.size).quant
    return EntryFit(rec, options, shown)


# --------------------------------------------------------------------------- Hub files


def hub_fit(
    model: HubModel, report: HardwareReport, n_ctx: int, kv_type: str
) -> FitEstimate | None:
    """The fit of a Hub file not yet downloaded, from its size and name (None: size unknown)."""
    if model.size is None:
        return None
    shape = ModelShape.guess(model.size, model.first_file.basename)
    return estimate_fit(shape, report, n_ctx=n_ctx, kv_type=kv_type)


def advise_hub(
    model: HubModel, report: HardwareReport, speed: MachineSpeed | None, n_ctx: int, kv_type: str
) -> Practical | None:
    """A Hub file's tier, reason, memory and predicted speeds here (None: size unknown)."""
    if model.size is None:
        return None
    shape = ModelShape.guess(model.size, model.first_file.basename)
    judged = practical(shape, report, speed, n_ctx=n_ctx, kv_type=kv_type)
    prompt = predict_prompt_speed(shape.n_params, speed) if judged.fit.placement == "cpu" else None
    return Practical(judged.tier, judged.reason, judged.fit, judged.speed, prompt)


def recommend_hub(
    repo: RepoFiles, report: HardwareReport, *, n_ctx: int, kv_type: str
) -> Recommendation | None:
    """The quantization to download from `repo` for this machine (one estimate per quant group,
    from its smallest model's size and name; unknown quantizations are not recommended)."""
    from desktop_app.core.models.fit import recommend_quant

    options = [
        (quant, ModelShape.guess(models[0].size, models[0].first_file.basename))
        for quant, models in repo.by_quant().items()
        if quant != "?" and models[0].size
    ]
    if not options:
        return None
    return recommend_quant(options, report, n_ctx=n_ctx, kv_type=kv_type)
