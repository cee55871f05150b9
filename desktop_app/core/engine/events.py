"""What the engine sends back: a stream of events per request (token, warning, stats, done, error)."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core.errors import AppError


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Warning_:
    """Something the caller should show: a fallback chat template, a clamped answer length."""

    code: str
    message: str


@dataclass(frozen=True)
class Progress:
    """How far a model load has come (0..1), as llama.cpp reports it."""

    fraction: float


@dataclass(frozen=True)
class Stats:
    prompt_tokens: int  # tokens in the prompt
    prompt_tokens_evaluated: int  # of those, not reused from the cache
    completion_tokens: int
    ttft_s: float  # request received -> first token out
    prompt_tps: float  # prompt evaluation speed (tokens/s)
    gen_tps: float  # generation speed after the first token (tokens/s)
    total_s: float
    seed: int  # the seed used, so an answer can be reproduced


@dataclass(frozen=True)
class Done:
    finish_reason: str  # "stop" | "length" | "cancelled"
    text: str


@dataclass(frozen=True)
class Error:
    error: AppError


Event = Token | Warning_ | Stats | Done | Error | Progress


@dataclass(frozen=True)
class ContextBudget:
    """Prompt tokens + max tokens against the context size, for callers to show and enforce."""

    prompt_tokens: int
    max_tokens: int
    n_ctx: int

    @property
    def fits(self) -> bool:
        return self.prompt_tokens + self.max_tokens <= self.n_ctx

    @property
    def prompt_fits(self) -> bool:
        return self.prompt_tokens < self.n_ctx

    @property
    def room_for_answer(self) -> int:
        return max(0, self.n_ctx - self.prompt_tokens)


@dataclass(frozen=True)
class ModelInfo:
    """What a load produced: where layers went, the template in use, warnings to show."""

    path: str
    name: str
    architecture: str
    n_ctx: int
    n_ctx_train: int
    n_layers: int
    n_gpu_layers_requested: str
    n_gpu_layers_offloaded: int
    backend: str  # "CPU" or the GPU's name
    chat_template_source: str  # "model" | "fallback"
    load_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)  # to show: something is not as asked
    notes: tuple[str, ...] = field(default_factory=tuple)  # to tell: how "auto" choices were made
    flash_attn: str = "auto"
    kv_type: str = "f16"
