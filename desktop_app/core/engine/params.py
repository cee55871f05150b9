"""Load options and sampling parameters: plain values that cross the process boundary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

# The load defaults and checks live below storage, so the settings' schema can share them; they are
# re-exported here, where the engine's callers have always imported them.
from desktop_app.core.ggml_devices import physical_cores
from desktop_app.core.load_defaults import (
    DEFAULT_N_BATCH,
    DEFAULT_N_CTX,
    FLASH_ATTN,
    KV_TYPES,
    GpuLayers,
    parse_gpu_layers,
)

__all__ = [
    "DEFAULT_N_BATCH",
    "DEFAULT_N_CTX",
    "FLASH_ATTN",
    "KV_TYPES",
    "ChatRequest",
    "GpuLayers",
    "LoadParams",
    "Message",
    "OutputFormat",
    "SamplingParams",
    "default_threads",
    "parse_gpu_layers",
]


def default_threads() -> int:
    """Physical cores are what llama.cpp scales with; hyperthreads mostly add contention."""
    return physical_cores()


@dataclass(frozen=True)
class LoadParams:
    """How to load a model. Defaults are safe on any machine (CPU, 4k context)."""

    model_path: str
    n_ctx: int = DEFAULT_N_CTX
    n_gpu_layers: GpuLayers = 0
    n_threads: int | None = None  # None: physical cores
    n_batch: int = DEFAULT_N_BATCH
    flash_attn: str = "auto"
    kv_type: str = "f16"
    use_mmap: bool = True
    use_mlock: bool = False

    def validate(self) -> None:
        if self.n_ctx < 16:
            raise ValueError(f"context size must be at least 16 tokens, not {self.n_ctx}")
        if isinstance(self.n_gpu_layers, int) and self.n_gpu_layers < 0:
            raise ValueError("GPU layers must be >= 0, 'all' or 'auto'")
        if isinstance(self.n_gpu_layers, str) and self.n_gpu_layers not in ("all", "auto"):
            raise ValueError(
                f"GPU layers must be a number, 'all' or 'auto', not {self.n_gpu_layers!r}"
            )
        if self.n_threads is not None and self.n_threads < 1:
            raise ValueError("threads must be at least 1")
        if self.n_batch < 1:
            raise ValueError("batch size must be at least 1")
        if self.kv_type not in KV_TYPES:
            raise ValueError(f"KV-cache type must be one of {', '.join(KV_TYPES)}")
        if self.flash_attn not in FLASH_ATTN:
            raise ValueError(f"flash attention must be one of {', '.join(FLASH_ATTN)}")

    @property
    def threads(self) -> int:
        return self.n_threads or default_threads()

    def with_(self, **changes: Any) -> LoadParams:
        return replace(self, **changes)


@dataclass(frozen=True)
class SamplingParams:
    """Sampling for one request. seed=None draws a fresh seed (reported back, so it can be reused)."""

    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    seed: int | None = None
    max_tokens: int = 512
    stop: tuple[str, ...] = ()
    frequency_penalty: float = 0.0  # OpenAI's: minus this times the token's count so far
    presence_penalty: float = 0.0  # OpenAI's: minus this once a token has appeared
    logprobs: int | None = None  # None: none; N: each token's log-probability and the N likeliest

    def validate(self) -> None:
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0")
        if not 0 < self.top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")
        if self.top_k < 0:
            raise ValueError("top_k must be >= 0 (0 disables it)")
        if not 0 <= self.min_p <= 1:
            raise ValueError("min_p must be in [0, 1]")
        if self.repeat_penalty <= 0:
            raise ValueError("repeat penalty must be > 0")
        if self.max_tokens < 1:
            raise ValueError("max tokens must be at least 1")
        if self.seed is not None and not 0 <= self.seed < 2**32:
            raise ValueError("seed must be in [0, 2^32)")
        for name in ("frequency_penalty", "presence_penalty"):
            if not -2 <= getattr(self, name) <= 2:
                raise ValueError(f"{name.replace('_', ' ')} must be in [-2, 2]")
        if self.logprobs is not None and not 0 <= self.logprobs <= 20:
            raise ValueError("top logprobs must be in [0, 20]")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SamplingParams:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        if "stop" in kwargs:
            kwargs["stop"] = tuple(kwargs["stop"] or ())
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}
# An assistant message may carry "tool_calls" (their JSON text) and a "tool" message the
# "tool_call_id" and "name" it answers: still strings, so a message stays plain text (tool_prompt.py).


@dataclass(frozen=True)
class OutputFormat:
    """The shape an answer must take, made into a llama.cpp grammar in the engine (grammar.py).

    Schemas travel as JSON text, so the request pickles and compares as plain data.
    """

    kind: str  # "json_object" | "json_schema" | "tools"
    schema: str = ""  # json_schema: the schema's JSON text
    tools: str = ""  # tools: JSON text of [{"name", "description", "parameters"}]
    tool_choice: str = "auto"  # tools: "auto" | "required" | "none" | the one function's name
    parallel: bool = True  # tools: more than one call in an answer


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion: the whole conversation so far and how to sample the answer."""

    messages: tuple[Message, ...]
    sampling: SamplingParams = field(default_factory=SamplingParams)
    prompt: str | None = None  # a raw prompt without the chat template (messages then unused)
    output: OutputFormat | None = None  # JSON, a schema or tool calls; None: free text

    @classmethod
    def of(cls, messages: list[Message], **sampling: Any) -> ChatRequest:
        return cls(tuple(dict(m) for m in messages), SamplingParams.from_dict(sampling))

    @classmethod
    def completion(cls, prompt: str, **sampling: Any) -> ChatRequest:
        """Continue `prompt` as it is (OpenAI's /v1/completions): no template, no template stops."""
        return cls((), SamplingParams.from_dict(sampling), prompt)
