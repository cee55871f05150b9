"""What the engine sends back: a stream of events per request (token, warning, stats, done, error)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import AppError


@dataclass(frozen=True)
class Result:
    """The answer to a request that is not a stream (load, hardware, token count)."""

    value: Any


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class TokenLogprob:
    """A sampled token's log-probability and the likeliest alternatives, best first.

    Sent before the token's text, only when the request asked (SamplingParams.logprobs). Bytes,
    not text: a token can hold part of a UTF-8 character. Tokens of a stop string are reported
    too, though their text is not.
    """

    token: bytes
    logprob: float
    top: tuple[tuple[bytes, float], ...]


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
class PromptProgress:
    """How much of a chat request's prompt llama.cpp has read: `done` of `total` tokens.

    Sent before the first token, once when reading starts (done 0) and after each batch, so a
    long prompt (a summary's part) shows progress and a speed long before its first token.
    `total` counts only the tokens to evaluate (a prefix reused from the cache is not read again).
    The remote backend sends none: a server does not say how far it has read.
    """

    done: int
    total: int


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
    stop_sequence: str | None = None  # the stop string that ended it (Anthropic's API says which)


@dataclass(frozen=True)
class Error:
    error: AppError


@dataclass(frozen=True)
class ItemScore:
    """One classified item: label probabilities (summing to 1), or why it could not be scored."""

    index: int  # position in the request's texts
    label: str | None  # the most probable label; None with an error
    probs: dict[str, float]  # label -> probability (calibrated if asked); empty with an error
    error: str | None = None
    label_mass: float = 0.0  # how much of the model's next-token probability the labels got
    raw_probs: dict[str, float] = field(default_factory=dict)  # before calibration


Event = (
    Token | TokenLogprob | Warning_ | Stats | Done | Error | Progress | PromptProgress | ItemScore
)


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
class ClassifyReport:
    """The end of a classify request (after its ItemScore events): counts and costs."""

    labels: tuple[str, ...]
    n_items: int
    n_scored: int
    n_errors: int
    cancelled: bool
    calibration: dict[str, float] | None  # label distribution of the content-free inputs
    mode: str  # "first_token" | "sequence" (labels scored by their whole token sequences)
    parallel: int  # items per decode
    prefix_tokens: int  # the shared prompt prefix
    prefix_evaluations: int  # times it was evaluated in this request (0: reused from the cache)
    prefix_tokens_evaluated: int
    tokens_evaluated: int  # every token decoded for this request (prefix, items, label tokens)
    llama_prompt_tokens: int  # llama.cpp's own count (n_p_eval: tokens of multi-token decodes)
    decodes: int
    total_s: float
    item_tokens: int = 0  # of tokens_evaluated: the texts' own (text, template tail, label tokens)


@dataclass(frozen=True)
class LoadedMemory:
    """What llama.cpp says a load allocated (read from its log, llama_log.parse_memory), in
    bytes, so the inspector can show its estimate beside reality."""

    weights_bytes: int  # the model buffers, every device
    kv_cache_bytes: int
    compute_bytes: int  # the scheduler's compute buffers, every device
    output_bytes: int = 0  # the logits/embeddings output buffer
    flash_attn: bool | None = None  # what llama.cpp chose ("auto" resolved); None: not logged
    ubatch: int = 512  # the micro-batch the compute buffer was sized for


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
    n_vocab: int = 0  # tokens in the vocabulary; 0 where unknown (a remote server)
    memory: LoadedMemory | None = None  # what llama.cpp allocated; None where unknown (remote)
