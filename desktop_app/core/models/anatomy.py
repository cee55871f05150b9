"""How a model is built, read from its GGUF header alone: the numbers a person reads about
(layers, attention heads and KV heads, widths, RoPE, vocabulary, tokenizer) and what it will
cost in memory at a chosen context and KV-cache type.

No weights are loaded: the header reader (core/gguf_reader.py) bounds every length before it
allocates, so a hostile file costs a clear error, not the process. The memory figures follow
llama.cpp's own allocation: the KV cache is exact (layers x context x KV heads x (key + value
width) x the type's bytes per element, as llama_kv_cache allocates it); the compute buffer is the
larger of the logits of one micro-batch and, without flash attention, the attention scores (and
the f32 mask) of one micro-batch against the whole context, plus a small work space: ggml's graph
allocator reuses the same memory for both phases. Measured on the starter model (llama.cpp's
"compute buffer size") against this estimate: 98.25 / 100.1 MiB at ctx 512, 99.38 / 100.1 at
4096, 166.38 / 164.1 at 8192, and with flash attention 102.51 / 100.1 at 2048.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.gguf_facts import GGUFInfo, kv_type_bytes
from desktop_app.core.gguf_reader import inspect_gguf

__all__ = ["DEFAULT_UBATCH", "Anatomy", "Memory", "Rope", "anatomy_of", "inspect_model"]

DEFAULT_UBATCH = 512  # llama.cpp's n_ubatch default: one micro-batch of the compute graph
_WORK_SPACE_PER_TOKEN_EMBD = 4 * 4  # bytes x a few activations of width n_embd per ubatch token


@dataclass(frozen=True)
class Rope:
    """Rotary position embedding: the base frequency, how it is stretched, how many dims."""

    freq_base: float | None
    dimension: int | None
    scaling: str | None  # "linear", "yarn", ... or None
    scaling_factor: float | None
    original_context: int | None


@dataclass(frozen=True)
class Memory:
    """What a load at `ctx` with `kv_type` will take, in bytes."""

    ctx: int
    kv_type: str
    weights_bytes: int
    kv_cache_bytes: int
    compute_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_cache_bytes + self.compute_bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "ctx": self.ctx,
            "kv_type": self.kv_type,
            "weights_bytes": self.weights_bytes,
            "kv_cache_bytes": self.kv_cache_bytes,
            "compute_bytes": self.compute_bytes,
            "total_bytes": self.total_bytes,
        }


@dataclass(frozen=True)
class Anatomy:
    """A model's architecture as its header states it (0 or None where it does not)."""

    path: str
    name: str
    architecture: str
    parameters: int
    size_label: str
    quantization: str
    file_size: int
    layers: int
    heads: int
    kv_heads: int
    embedding: int
    feed_forward: int
    head_dim: int
    key_length: int
    value_length: int
    context_train: int | None
    rope: Rope
    vocab: int | None
    tokenizer: str | None
    tokenizer_pre: str | None
    special_tokens: dict[str, tuple[int, str]]
    chat_template: str | None
    experts: int | None
    experts_used: int | None
    sliding_window: int | None
    tensor_count: int
    tensor_types: dict[str, int]  # ggml type -> tensors of that type
    tensor_type_bytes: dict[str, int]  # ggml type -> bytes of those tensors
    weights_bytes: int
    extra: dict[str, str] = field(default_factory=dict)  # license, languages, ... for display

    @property
    def gqa_ratio(self) -> float | None:
        """Query heads per KV head (grouped-query attention); 1 is classic multi-head."""
        return self.heads / self.kv_heads if self.heads and self.kv_heads else None

    def kv_cache_bytes(self, ctx: int, kv_type: str = "f16") -> int:
        """Exactly what llama.cpp allocates for the K and V caches at `ctx` cells."""
        if ctx < 0:
            raise ValueError(f"the context must be 0 or more, not {ctx}")
        per_element = kv_type_bytes(kv_type)
        elements = self.layers * ctx * self.kv_heads * (self.key_length + self.value_length)
        total = elements * per_element
        return int(-(-total.numerator // total.denominator))

    def compute_bytes(
        self, ctx: int, ubatch: int = DEFAULT_UBATCH, flash_attn: bool = False
    ) -> int:
        """llama.cpp's compute buffer for one micro-batch (see the module's docstring)."""
        tokens = max(1, min(ubatch, ctx or ubatch))
        logits = tokens * (self.vocab or 0) * 4
        scores = 0 if flash_attn else tokens * ctx * (max(self.heads, 1) + 1) * 4  # + f32 mask
        work = tokens * (self.embedding + self.feed_forward) * _WORK_SPACE_PER_TOKEN_EMBD // 4
        return max(logits, scores) + work

    def memory(
        self, ctx: int, kv_type: str = "f16", *, ubatch: int = DEFAULT_UBATCH,
        flash_attn: bool | None = None,
    ) -> Memory:  # fmt: skip
        """The memory bar: weights, KV cache, compute. A quantized KV cache needs flash
        attention in llama.cpp, so it is assumed on for one unless told."""
        flash = kv_type not in ("f16", "f32", "bf16") if flash_attn is None else flash_attn
        return Memory(
            ctx=ctx,
            kv_type=kv_type,
            weights_bytes=self.weights_bytes,
            kv_cache_bytes=self.kv_cache_bytes(ctx, kv_type),
            compute_bytes=self.compute_bytes(ctx, ubatch, flash),
        )

    def to_json(self, ctx: int | None = None, kv_type: str = "f16") -> dict[str, Any]:
        """The shape `hearth inspect --json` prints (issue 15's machine-readable fields)."""
        ctx = ctx or self.context_train or 4096
        return {
            "path": self.path,
            "name": self.name,
            "architecture": self.architecture,
            "parameters": self.parameters,
            "size_label": self.size_label,
            "quantization": self.quantization,
            "file_size": self.file_size,
            "layers": self.layers,
            "heads": self.heads,
            "kv_heads": self.kv_heads,
            "gqa_ratio": self.gqa_ratio,
            "embedding": self.embedding,
            "feed_forward": self.feed_forward,
            "head_dim": self.head_dim,
            "key_length": self.key_length,
            "value_length": self.value_length,
            "context_train": self.context_train,
            "rope_freq_base": self.rope.freq_base,
            "rope": {
                "freq_base": self.rope.freq_base,
                "dimension": self.rope.dimension,
                "scaling": self.rope.scaling,
                "scaling_factor": self.rope.scaling_factor,
                "original_context": self.rope.original_context,
            },
            "vocab": self.vocab,
            "tokenizer": self.tokenizer,
            "tokenizer_pre": self.tokenizer_pre,
            "special_tokens": {
                k: {"id": i, "text": t} for k, (i, t) in self.special_tokens.items()
            },
            "chat_template": self.chat_template,
            "experts": self.experts,
            "experts_used": self.experts_used,
            "sliding_window": self.sliding_window,
            "tensor_count": self.tensor_count,
            "tensor_types": dict(self.tensor_types),
            "tensor_type_bytes": dict(self.tensor_type_bytes),
            "memory": self.memory(ctx, kv_type).to_json(),
        }


def inspect_model(path: str | os.PathLike[str]) -> Anatomy:
    """Read `path`'s header (never its weights); raises the reader's clear errors."""
    return anatomy_of(inspect_gguf(path))


def anatomy_of(info: GGUFInfo) -> Anatomy:
    meta = info.metadata
    arch = info.architecture

    def num(key: str) -> int | None:
        v = meta.get(f"{arch}.{key}")
        if isinstance(v, list):  # per-layer values: the largest
            ints = [x for x in v if isinstance(x, int) and not isinstance(x, bool)]
            v = max(ints) if ints else None
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def real(key: str) -> float | None:
        v = meta.get(f"{arch}.{key}")
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    def text(key: str) -> str | None:
        v = meta.get(key)
        return v if isinstance(v, str) else None

    extra = {}
    for key, label in (("general.license", "license"), ("general.organization", "organization"),
                       ("general.finetune", "finetune"), ("general.basename", "basename")):  # fmt: skip
        if (v := text(key)) is not None:
            extra[label] = v
    languages = meta.get("general.languages")
    if isinstance(languages, list) and all(isinstance(x, str) for x in languages):
        extra["languages"] = ", ".join(str(x) for x in languages)
    head_dim = info.key_length or (info.n_embd // info.n_head if info.n_head else 0)
    return Anatomy(
        path=str(info.path),
        name=info.name,
        architecture=arch,
        parameters=info.n_params,
        size_label=info.size_label,
        quantization=info.quantization,
        file_size=info.file_size,
        layers=info.n_layers,
        heads=info.n_head,
        kv_heads=info.n_head_kv,
        embedding=info.n_embd,
        feed_forward=num("feed_forward_length") or 0,
        head_dim=head_dim,
        key_length=info.key_length,
        value_length=info.value_length,
        context_train=info.context_length,
        rope=Rope(
            freq_base=real("rope.freq_base"),
            dimension=num("rope.dimension_count"),
            scaling=text(f"{arch}.rope.scaling.type"),
            scaling_factor=real("rope.scaling.factor"),
            original_context=num("rope.scaling.original_context_length"),
        ),
        vocab=info.vocab_size,
        tokenizer=info.tokenizer_model,
        tokenizer_pre=text("tokenizer.ggml.pre"),
        special_tokens=dict(info.special_tokens),
        chat_template=info.chat_template,
        experts=num("expert_count"),
        experts_used=num("expert_used_count"),
        sliding_window=num("attention.sliding_window"),
        tensor_count=info.n_tensors,
        tensor_types=dict(info.tensor_types),
        tensor_type_bytes=dict(info.tensor_type_bytes),
        weights_bytes=info.tensor_bytes,
        extra=extra,
    )
