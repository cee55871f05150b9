"""What a checked GGUF header means for the app: the model's facts (architecture, size,
quantization, context length) and what its KV cache will cost in memory."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from desktop_app.core.gguf_header import MetadataValue, TensorInfo, gguf_module

__all__ = ["KV_CACHE_TYPES", "GGUFInfo", "build_info", "quantization", "size_label", "type_name"]

# The special tokens a GGUF names by id (tokenizer.ggml.<role>_token_id), in the order shown.
SPECIAL_ROLES = ("bos", "eos", "eot", "eom", "unknown", "padding", "separator", "cls", "mask")

# Bytes per element of the KV-cache types llama.cpp accepts for `type_k` / `type_v`.
KV_CACHE_TYPES: dict[str, Fraction] = {
    "f32": Fraction(4),
    "f16": Fraction(2),
    "bf16": Fraction(2),
    "q8_0": Fraction(34, 32),
    "q5_1": Fraction(24, 32),
    "q5_0": Fraction(22, 32),
    "q4_1": Fraction(20, 32),
    "q4_0": Fraction(18, 32),
    "iq4_nl": Fraction(18, 32),
}


@dataclass(frozen=True)
class GGUFInfo:
    """What the app needs to know about a model before (and instead of) loading it.

    Integer hyper-parameters are 0 when the file does not state them.
    """

    path: Path
    file_size: int
    gguf_version: int
    architecture: str
    name: str
    size_label: str
    n_params: int
    quantization: str
    file_type: int | None
    context_length: int | None
    n_layers: int
    n_embd: int
    n_head: int
    n_head_kv: int
    key_length: int
    value_length: int
    vocab_size: int | None
    tokenizer_model: str | None
    license: str | None
    chat_template: str | None
    bos_token_id: int | None
    eos_token_id: int | None
    n_tensors: int
    alignment: int
    tensor_data_start: int
    tensor_data_end: int
    tensor_bytes: int
    tensor_types: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, MetadataValue] = field(default_factory=dict)
    array_lengths: dict[str, int] = field(default_factory=dict)
    tensor_type_bytes: dict[str, int] = field(default_factory=dict)  # type -> bytes of data
    special_tokens: dict[str, tuple[int, str]] = field(default_factory=dict)  # "bos" -> (id, text)

    def kv_cache_bytes(self, n_ctx: int, type_k: str = "f16", type_v: str = "f16") -> int:
        """Bytes of KV cache llama.cpp allocates for `n_ctx` tokens (decides which context fits)."""
        if n_ctx < 0:
            raise ValueError(f"n_ctx must be >= 0, got {n_ctx}")
        bytes_k, bytes_v = kv_type_bytes(type_k), kv_type_bytes(type_v)
        per_token_layer = self.n_head_kv * (self.key_length * bytes_k + self.value_length * bytes_v)
        total = self.n_layers * n_ctx * per_token_layer
        return int(-(-total.numerator // total.denominator))  # ceil


def kv_type_bytes(type_name: str) -> Fraction:
    try:
        return KV_CACHE_TYPES[type_name.lower()]
    except KeyError:
        known = ", ".join(KV_CACHE_TYPES)
        raise ValueError(f"unknown KV cache type {type_name!r}; expected one of {known}") from None


# --------------------------------------------------------------------------- summarising


def build_info(
    p: Path,
    file_size: int,
    version: int,
    arch: str,
    meta: dict[str, MetadataValue],
    lengths: dict[str, int],
    tensors: list[TensorInfo],
    alignment: int,
    data_start: int,
    data_end: int,
    tokens: list[bytes] | None = None,
) -> GGUFInfo:
    def num(key: str) -> int | None:
        v = meta.get(key)
        if isinstance(v, list):  # per-layer values (e.g. head counts): the largest matters
            ints = [x for x in v if isinstance(x, int)]
            v = max(ints) if ints else None
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def text(key: str) -> str | None:
        v = meta.get(key)
        return v if isinstance(v, str) else None

    n_embd = num(f"{arch}.embedding_length") or 0
    n_head = num(f"{arch}.attention.head_count") or 0
    n_head_kv = num(f"{arch}.attention.head_count_kv")
    head_dim = n_embd // n_head if n_head else 0
    n_params = sum(t.n_elements for t in tensors)
    file_type = num("general.file_type")
    vocab = lengths.get("tokenizer.ggml.tokens") or num(f"{arch}.vocab_size")
    type_bytes: Counter[str] = Counter()
    for t in tensors:
        type_bytes[type_name(t.ggml_type)] += t.n_bytes
    special: dict[str, tuple[int, str]] = {}
    for role in SPECIAL_ROLES:
        token_id = num(f"tokenizer.ggml.{role}_token_id")
        if token_id is not None and tokens is not None and 0 <= token_id < len(tokens):
            special[role] = (token_id, tokens[token_id].decode("utf-8", "replace"))
        elif token_id is not None:
            special[role] = (token_id, "")
    return GGUFInfo(
        path=p,
        file_size=file_size,
        gguf_version=version,
        architecture=arch,
        name=text("general.name") or p.stem,
        size_label=text("general.size_label") or size_label(n_params),
        n_params=n_params,
        quantization=quantization(file_type, tensors),
        file_type=file_type,
        context_length=num(f"{arch}.context_length"),
        n_layers=num(f"{arch}.block_count") or 0,
        n_embd=n_embd,
        n_head=n_head,
        n_head_kv=n_head if n_head_kv is None else n_head_kv,
        key_length=num(f"{arch}.attention.key_length") or head_dim,
        value_length=num(f"{arch}.attention.value_length") or head_dim,
        vocab_size=vocab,
        tokenizer_model=text("tokenizer.ggml.model"),
        license=text("general.license"),
        chat_template=text("tokenizer.chat_template"),
        bos_token_id=num("tokenizer.ggml.bos_token_id"),
        eos_token_id=num("tokenizer.ggml.eos_token_id"),
        n_tensors=len(tensors),
        alignment=alignment,
        tensor_data_start=data_start,
        tensor_data_end=data_end,
        tensor_bytes=sum(t.n_bytes for t in tensors),
        tensor_types=dict(Counter(type_name(t.ggml_type) for t in tensors).most_common()),
        metadata=meta,
        array_lengths=lengths,
        tensor_type_bytes=dict(type_bytes.most_common()),
        special_tokens=special,
    )


def type_name(raw: int) -> str:
    return str(gguf_module().GGMLQuantizationType(raw).name)


def quantization(file_type: int | None, tensors: list[TensorInfo]) -> str:
    """A label like "Q4_K_M": from general.file_type, else the type holding most weights."""
    if file_type is not None:
        file_types = gguf_module().LlamaFileType
        try:
            ft = file_types(file_type)
        except ValueError:
            ft = None
        if ft is not None and ft is not file_types.GUESSED:
            return ft.name.removeprefix("MOSTLY_").removeprefix("ALL_")
    matrices = [t for t in tensors if t.n_dims >= 2] or tensors
    if not matrices:
        return "unknown"
    weight: Counter[int] = Counter()
    for t in matrices:
        weight[t.ggml_type] += t.n_elements
    return type_name(weight.most_common(1)[0][0])


def size_label(n_params: int) -> str:
    if n_params <= 0:
        return ""
    for scale, unit, digits in ((1e12, "T", 1), (1e9, "B", 1), (1e6, "M", 0), (1e3, "K", 0)):
        if n_params >= scale:
            return f"{n_params / scale:.{digits}f}".removesuffix(".0") + unit
    return str(n_params)
