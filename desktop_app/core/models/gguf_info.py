"""Check a GGUF model file and read its metadata without loading any weights.

Why: llama.cpp can abort the whole process on a malformed file, so every file is checked here
first and a bad one becomes a readable `ModelFileError` instead of a crash. The same pass
gives the facts the app needs before loading (architecture, context length, KV-cache size).

Why not `gguf.GGUFReader`: it builds a numpy view for every token string (about 2 s on a
100 MB model) and trusts array lengths read from the file, so a corrupt length can make it
loop for hours. This reader walks only the header, with `struct`, checking every count and
length against the file size; it reads the header bytes into memory and keeps no handle or
mmap open afterwards (so the file can be deleted or replaced at once, on Windows too).
"""

from __future__ import annotations

import os
import struct
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, TypeAlias

from desktop_app.core.errors import (
    CorruptModelError,
    ModelFileError,
    ModelNotFoundError,
    NotGGUFError,
    TruncatedModelError,
)

__all__ = ["KV_CACHE_TYPES", "GGUFInfo", "MetadataValue", "inspect_gguf"]

MetadataValue: TypeAlias = str | int | float | bool | list["MetadataValue"]

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
HEADER_SIZE = 24  # magic(4) version(u32) n_tensors(u64) n_kv(u64)

# Limits far above any real model, far below what would exhaust memory or time.
MAX_COUNT = 10_000_000  # tensors, metadata entries
MAX_ARRAY_LEN = 100_000_000  # elements of one metadata array
MAX_STRING_LEN = 16 * 1024 * 1024  # one metadata string value (chat templates are ~10 KB)
MAX_ITEM_LEN = 1024 * 1024  # one string in an array (a token, a merge)
MAX_NAME_LEN = 4096  # a metadata key or tensor name (real ones are < 100)
MAX_DATA_BYTES = 1 << 50  # 1 PiB of tensor data: beyond this a size is garbage, not a cut
MAX_HEADER_BYTES = 256 * 1024 * 1024  # metadata + tensor descriptions
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_LAYERS = 512  # LLAMA_MAX_LAYERS
SHORT_ARRAY_LEN = 256  # arrays up to this length are kept in `metadata`
DEFAULT_ALIGNMENT = 32

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

# GGUF value types: id -> struct format of one scalar (STRING=8 and ARRAY=9 are handled apart).
_SCALAR_FORMATS: dict[int, str] = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_I32, _F32, _STRING, _ARRAY = 5, 6, 8, 9

TOKENS_KEY = "tokenizer.ggml.tokens"
_RETRY = "Try downloading it again."
_BROKEN = "This conversion of the model is broken; look for another GGUF file of it."

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")


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

    def kv_cache_bytes(self, n_ctx: int, type_k: str = "f16", type_v: str = "f16") -> int:
        """Bytes of KV cache llama.cpp allocates for `n_ctx` tokens (decides which context fits)."""
        if n_ctx < 0:
            raise ValueError(f"n_ctx must be >= 0, got {n_ctx}")
        bytes_k, bytes_v = _kv_type_bytes(type_k), _kv_type_bytes(type_v)
        per_token_layer = self.n_head_kv * (self.key_length * bytes_k + self.value_length * bytes_v)
        total = self.n_layers * n_ctx * per_token_layer
        return int(-(-total.numerator // total.denominator))  # ceil


def _kv_type_bytes(type_name: str) -> Fraction:
    try:
        return KV_CACHE_TYPES[type_name.lower()]
    except KeyError:
        known = ", ".join(KV_CACHE_TYPES)
        raise ValueError(f"unknown KV cache type {type_name!r}; expected one of {known}") from None


# --------------------------------------------------------------------------- checking


def inspect_gguf(path: str | os.PathLike[str]) -> GGUFInfo:
    """Check that `path` is a complete, well-formed GGUF model and return its metadata.

    Raises ModelNotFoundError, NotGGUFError, TruncatedModelError or CorruptModelError
    (or ModelFileError when the file cannot be read), each with a message for a person.
    """
    p = Path(path)
    shown = p.name or str(p)
    if p.is_dir():
        raise ModelNotFoundError(
            f"Model file not found: {shown} is a folder, not a model file.", details=str(p)
        )
    if p.exists() and not p.is_file():  # a pipe or device: opening it could block forever
        raise ModelNotFoundError(
            f"Model file not found: {shown} is not a regular file.", details=str(p)
        )
    try:
        with open(p, "rb") as f:
            file_size = os.fstat(f.fileno()).st_size
            head = f.read(512)
            _check_head(shown, head, file_size)
            return _parse(p, shown, f, head, file_size)
    except FileNotFoundError:
        raise ModelNotFoundError(f"Model file not found: {p}", details=str(p)) from None
    except ModelFileError:
        raise
    except OSError as e:
        raise ModelFileError(
            f"Cannot read the model file {shown}: {e.strerror or e}.", details=f"{p}: {e!r}"
        ) from None
    except Exception as e:  # any parser failure means a damaged file
        raise _corrupt(shown, "its header could not be read", f"{type(e).__name__}: {e}") from None


def _check_head(shown: str, head: bytes, file_size: int) -> None:
    """The cheap checks on the first bytes: empty, not GGUF, too short, wrong version."""
    if file_size == 0:
        raise TruncatedModelError(
            f"{shown} is empty (0 bytes); the download probably failed.", details="size 0"
        )
    if head[:4] != GGUF_MAGIC[: len(head)]:  # a shorter prefix of b"GGUF" is a cut-off GGUF
        what = _describe_non_gguf(head)
        raise NotGGUFError(
            f"{shown} is not a GGUF model file{': ' + what if what else ''}.",
            details=f"first bytes: {head[:16]!r}",
        )
    if file_size < HEADER_SIZE:
        raise TruncatedModelError(
            f"{shown} is truncated: {file_size} bytes, too short even for a GGUF header; "
            "the download is probably incomplete.",
            details=f"size {file_size} < {HEADER_SIZE}",
        )
    (version,) = _U32.unpack_from(head, 4)
    if version not in SUPPORTED_VERSIONS:
        if version & 0xFFFF == 0 and (version >> 24) in SUPPORTED_VERSIONS:
            reason = "it is a big-endian GGUF file, which this computer cannot use"
        elif version == 1:
            reason = "it uses GGUF version 1, an early format llama.cpp no longer reads"
        else:
            reason = f"it declares GGUF version {version}, which is not supported"
        hint = "Look for a current GGUF version of this model."
        raise _corrupt(shown, reason, f"version {version}", hint)
    n_tensors, n_kv = struct.unpack_from("<QQ", head, 8)
    if n_tensors > MAX_COUNT or n_kv > MAX_COUNT:
        raise _corrupt(
            shown,
            "its header declares an impossible number of entries",
            f"n_tensors={n_tensors} n_kv={n_kv}",
        )


def _describe_non_gguf(head: bytes) -> str:
    """Name what a non-GGUF file looks like, so the person knows what went wrong."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        stripped.startswith(b"<") and b"<html" in stripped
    ):
        return "it is a web page (HTML), probably an error page saved by a failed download"
    if stripped.startswith(b"version https://git-lfs"):
        return "it is a Git LFS pointer, not the model data; download the actual file"
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive (possibly a PyTorch checkpoint); llama.cpp needs a GGUF file"
    if head.startswith((b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")):
        return "it is a PyTorch/pickle checkpoint; llama.cpp needs a GGUF file"
    if len(head) >= 9 and head[8:9] == b"{" and _U64.unpack_from(head, 0)[0] < 100_000_000:
        return "it is a safetensors file; it must be converted to GGUF first"
    if head[:4] in (b"lmgg", b"fmgg", b"tjgg", b"ggml", b"ggmf", b"ggjt"):
        return "it is an old GGML-format model, which llama.cpp no longer reads"
    if stripped.startswith((b"{", b"[")):
        return "it is a JSON text file"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as e:
            if e.start < len(head) - 4:  # not just a character cut at the end of the sample
                return ""
        return "it is a text file"
    return ""


def _corrupt(shown: str, reason: str, details: str = "", hint: str = _RETRY) -> CorruptModelError:
    return CorruptModelError(
        f"{shown} is damaged or is not a valid model: {reason}. {hint}", details=details
    )


def _truncated(shown: str, size: int, needed: int, where: str = "") -> TruncatedModelError:
    if where:  # the total size is unknown when the header itself is cut off
        what = f"the file ends inside its {where}, after {size} bytes"
    else:
        what = f"{size} bytes of {needed}"
    return TruncatedModelError(
        f"{shown} is truncated: {what}; the download is probably incomplete.",
        details=f"file size {size}, needs at least {needed}",
    )


# --------------------------------------------------------------------------- parsing


class _EndOfFile(Exception):
    def __init__(self, needed: int) -> None:
        super().__init__(needed)
        self.needed = needed


class _Bad(Exception):
    """A header value that cannot be right (reason for a person, details for a log)."""

    def __init__(self, reason: str, details: str = "", hint: str = _RETRY) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details
        self.hint = hint


class _Header:
    """Sequential reader over the file's header bytes, read from disk on demand."""

    def __init__(self, f: BinaryIO, head: bytes, file_size: int) -> None:
        self.f = f
        self.file_size = file_size
        self.buf = bytes(head)
        self.off = 0

    def ensure(self, end: int) -> None:
        if end <= len(self.buf):
            return
        if end > self.file_size:
            raise _EndOfFile(end)
        if end > MAX_HEADER_BYTES:
            raise _Bad("its metadata section is impossibly large", f"header reaches {end}")
        want = min(self.file_size, MAX_HEADER_BYTES, max(end, 2 * len(self.buf), 1 << 20))
        self.f.seek(len(self.buf))
        self.buf += self.f.read(want - len(self.buf))
        if end > len(self.buf):  # the file shrank while we read it
            raise _EndOfFile(end)

    def unpack(self, s: struct.Struct) -> int:
        self.ensure(self.off + s.size)
        (v,) = s.unpack_from(self.buf, self.off)
        self.off += s.size
        return int(v)

    def scalar(self, fmt: str) -> int | float | bool:
        size = struct.calcsize(fmt)
        self.ensure(self.off + size)
        (v,) = struct.unpack_from(fmt, self.buf, self.off)
        self.off += size
        return v

    def string(self, what: str, limit: int = MAX_STRING_LEN) -> str:
        n = self.unpack(_U64)
        if n > limit:
            raise _Bad(f"a {what} has an impossible length", f"string length {n} at {self.off}")
        self.ensure(self.off + n)
        raw = self.buf[self.off : self.off + n]
        self.off += n
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            if what == "value":  # tokenizer data may hold broken UTF-8; llama.cpp copes
                return raw.decode("utf-8", errors="replace")
            raise _Bad(f"a {what} is not valid text", f"{raw[:64]!r} at {self.off - n}") from None

    def strings(self, count: int, keep: bool) -> list[bytes]:
        """Read (keep=True) or skip `count` array strings; vocabularies hold 50k-250k of them."""
        out: list[bytes] = []
        buf, off, unpack = self.buf, self.off, _U64.unpack_from
        for _ in range(count):
            if off + 8 > len(buf):
                self.ensure(off + 8)
                buf = self.buf
            (n,) = unpack(buf, off)
            if n > MAX_ITEM_LEN:
                raise _Bad("a metadata string has an impossible length", f"length {n} at {off}")
            off += 8 + n
            if keep:
                if off > len(buf):
                    self.ensure(off)
                    buf = self.buf
                out.append(buf[off - n : off])
        self.ensure(off)
        self.off = off
        return out

    def value(self, vtype: int, keep_strings: bool = False, depth: int = 0) -> _Value:
        """Read one value; long arrays are skipped (only their length and type are kept)."""
        fmt = _SCALAR_FORMATS.get(vtype)
        if fmt is not None:
            return _Value(self.scalar(fmt))
        if vtype == _STRING:
            return _Value(self.string("value"))
        if vtype != _ARRAY:
            raise _Bad("a metadata entry has an unknown type", f"value type {vtype}")
        if depth > 4:
            raise _Bad("a metadata array is nested too deeply", f"depth {depth}")
        itype = self.unpack(_U32)
        count = self.unpack(_U64)
        if count > MAX_ARRAY_LEN:
            raise _Bad("a metadata array has an impossible length", f"array length {count}")
        short = count <= SHORT_ARRAY_LEN
        ifmt = _SCALAR_FORMATS.get(itype)
        if ifmt is not None:
            end = self.off + count * struct.calcsize(ifmt)
            self.ensure(end)
            items = struct.unpack_from(f"<{count}{ifmt[1]}", self.buf, self.off) if short else ()
            self.off = end
            return _Value(list(items) if short else None, count, itype)
        if itype == _STRING:
            raw = self.strings(count, keep=short or keep_strings)
            text: list[MetadataValue] | None = None
            if short:
                text = [r.decode("utf-8", errors="replace") for r in raw]
            return _Value(text, count, itype, raw if keep_strings else None)
        if itype == _ARRAY:
            for _ in range(count):
                self.value(_ARRAY, depth=depth + 1)
            return _Value(None, count, itype)
        raise _Bad("a metadata array has an unknown element type", f"element type {itype}")


class _Value(NamedTuple):
    value: MetadataValue | None  # None: an array too long to keep
    length: int | None = None  # arrays only
    item_type: int | None = None  # arrays only
    raw_strings: list[bytes] | None = None  # string arrays read with keep_strings


@dataclass
class _Tensor:
    name: str
    ggml_type: int
    n_elements: int
    n_bytes: int
    offset: int  # relative to the start of the data section
    n_dims: int


def _parse(p: Path, shown: str, f: BinaryIO, head: bytes, file_size: int) -> GGUFInfo:
    h = _Header(f, head, file_size)
    h.off = 4
    version = h.unpack(_U32)
    n_tensors = h.unpack(_U64)
    n_kv = h.unpack(_U64)
    meta: dict[str, MetadataValue] = {}
    lengths: dict[str, int] = {}
    item_types: dict[str, int] = {}
    tokens: list[bytes] | None = None
    tensors: list[_Tensor] = []
    where = "metadata"
    try:
        for _ in range(n_kv):
            key = h.string("metadata key", MAX_NAME_LEN)
            vtype = h.unpack(_U32)
            v = h.value(vtype, keep_strings=key == TOKENS_KEY)
            if key in meta or key in lengths:
                raise _Bad("a metadata key appears twice", f"duplicate key {key!r}")
            if v.length is not None and v.item_type is not None:
                lengths[key] = v.length
                item_types[key] = v.item_type
            if v.value is not None:
                meta[key] = v.value
            if v.raw_strings is not None:
                tokens = v.raw_strings
        alignment = _alignment(meta)
        where = "tensor list"
        names: set[str] = set()
        for _ in range(n_tensors):
            t = _read_tensor_info(h)
            if t.name in names:
                raise _Bad("a tensor appears twice", f"duplicate tensor {t.name[:64]!r}")
            names.add(t.name)
            tensors.append(t)
        _check_vocab(meta, lengths, item_types, tokens)
        _check_hparams(meta)
    except _EndOfFile as e:
        raise _truncated(shown, file_size, e.needed, where) from None
    except _Bad as e:
        raise _corrupt(shown, e.reason, e.details, e.hint) from None

    data_start = _align(h.off, alignment)
    expected_offset = 0
    for t in tensors:
        if t.offset != expected_offset:
            raise _corrupt(
                shown,
                "its tensor table is inconsistent",
                f"tensor {t.name!r} at offset {t.offset}, expected {expected_offset}",
            )
        expected_offset += _align(t.n_bytes, alignment)
    if expected_offset > MAX_DATA_BYTES:
        raise _corrupt(shown, "its tensors add up to an impossible size", f"{expected_offset}")
    data_end = max((data_start + t.offset + t.n_bytes for t in tensors), default=data_start)
    if tensors and file_size < data_end:
        raise _truncated(shown, file_size, data_end)

    arch = meta.get("general.architecture")
    if not isinstance(arch, str) or not arch:
        raise _corrupt(
            shown,
            "it does not say which model architecture it contains",
            "general.architecture missing or not a string",
        )
    return _build_info(
        p, file_size, version, arch, meta, lengths, tensors, alignment, data_start, data_end
    )


def _check_vocab(
    meta: dict[str, MetadataValue],
    lengths: dict[str, int],
    item_types: dict[str, int],
    tokens: list[bytes] | None,
) -> None:
    """Vocabulary faults that make llama.cpp abort (GGML_ASSERT) or read out of bounds."""
    if TOKENS_KEY in meta and TOKENS_KEY not in lengths:
        raise _Bad("its vocabulary is not a list", f"{TOKENS_KEY} is not an array")
    if TOKENS_KEY not in lengths:
        return
    n_tokens = lengths[TOKENS_KEY]
    if item_types[TOKENS_KEY] != _STRING or tokens is None:
        raise _Bad("its vocabulary is not a list of text tokens", f"{TOKENS_KEY} item type")
    duplicate = _first_duplicate(tokens)
    if duplicate is not None:
        raise _Bad(
            "its vocabulary lists the same token twice, which makes llama.cpp crash",
            f"duplicate token {duplicate!r}",
            _BROKEN,
        )
    expected = {
        "tokenizer.ggml.scores": (_F32, n_tokens),
        "tokenizer.ggml.token_type": (_I32, n_tokens),
        "tokenizer.ggml.merges": (_STRING, 0),
    }
    for key, (item_type, min_len) in expected.items():
        if key in meta and key not in lengths:
            raise _Bad("its vocabulary is inconsistent", f"{key} is not an array")
        if key in lengths and (item_types[key] != item_type or lengths[key] < min_len):
            raise _Bad(
                "its vocabulary is inconsistent",
                f"{key}: {lengths[key]} items of type {item_types[key]}, "
                f"need {min_len} of type {item_type}",
                _BROKEN,
            )


def _check_hparams(meta: dict[str, MetadataValue]) -> None:
    """Hyper-parameters that llama.cpp GGML_ASSERTs on (abort) instead of raising."""
    arch = meta.get("general.architecture")

    def get(name: str) -> int | None:
        v = meta.get(f"{arch}.{name}")
        if isinstance(v, list):  # per-layer values
            v = max((x for x in v if isinstance(x, int)), default=None)
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    n_layer = get("block_count")
    if n_layer is not None and not 0 < n_layer <= MAX_LAYERS:
        raise _Bad(
            f"it declares {n_layer} layers (llama.cpp handles 1 to {MAX_LAYERS})",
            f"block_count={n_layer}",
            _BROKEN,
        )
    n_expert = get("expert_count") or 0
    n_used = get("expert_used_count") or 0
    n_groups = get("expert_group_count") or 0
    n_group_used = get("expert_group_used_count") or 0
    if n_expert > 0:
        ok = 0 < n_used <= n_expert and n_groups < n_expert
        if n_groups > 1:
            ok = ok and n_expert % n_groups == 0 and 0 < n_group_used < n_groups
    else:
        ok = n_used == 0 and n_groups == 0
    if not ok:
        raise _Bad(
            "its mixture-of-experts settings are inconsistent",
            f"experts={n_expert} used={n_used} groups={n_groups} group_used={n_group_used}",
            _BROKEN,
        )


def _first_duplicate(tokens: list[bytes]) -> bytes | None:
    """The first token llama.cpp would see twice (it reads C strings; empty ones get renamed)."""
    if len(set(tokens)) == len(tokens) and b"\0" not in b"".join(tokens):
        return None  # the common case, decided in C
    seen: set[bytes] = set()
    for i, raw in enumerate(tokens):
        text = raw.split(b"\0", 1)[0] or f"[EMPTY_{i}]".encode()
        if text in seen:
            return text
        seen.add(text)
    return None


def _alignment(meta: dict[str, MetadataValue]) -> int:
    a = meta.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(a, int) or isinstance(a, bool) or a <= 0 or a & (a - 1):
        raise _Bad("its data alignment is invalid", f"general.alignment={a!r}")
    return a


def _align(n: int, alignment: int) -> int:
    return n + (-n) % alignment


def _read_tensor_info(h: _Header) -> _Tensor:
    name = h.string("tensor name", MAX_NAME_LEN)
    label = repr(name[:64])
    n_dims = h.unpack(_U32)
    if n_dims > MAX_DIMS:
        raise _Bad(f"tensor {label} has too many dimensions", f"n_dims={n_dims}")
    dims = [h.unpack(_U64) for _ in range(n_dims)]
    raw_type = h.unpack(_U32)
    offset = h.unpack(_U64)
    try:
        gguf = _gguf()
        qtype = gguf.GGMLQuantizationType(raw_type)
        block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
    except (ValueError, KeyError):
        raise _Bad(f"tensor {label} has an unknown data type", f"ggml type {raw_type}") from None
    n_elements = 1
    for d in dims:
        n_elements *= d
    if any(d >= 1 << 63 for d in dims) or n_elements >= 1 << 63:
        raise _Bad(f"tensor {label} has an impossible shape", f"dims={dims}")
    if dims and dims[0] % block_size:
        raise _Bad(
            f"tensor {label} has a shape its data type cannot hold",
            f"dims={dims} block={block_size}",
        )
    if offset >= 1 << 63:
        raise _Bad(f"tensor {label} has an impossible offset", f"offset={offset}")
    n_bytes = n_elements * type_size // block_size
    if n_bytes > MAX_DATA_BYTES:
        raise _Bad(f"tensor {label} has an impossible size", f"dims={dims} bytes={n_bytes}")
    return _Tensor(name, raw_type, n_elements, n_bytes, offset, n_dims)


# --------------------------------------------------------------------------- summarising


def _build_info(
    p: Path,
    file_size: int,
    version: int,
    arch: str,
    meta: dict[str, MetadataValue],
    lengths: dict[str, int],
    tensors: list[_Tensor],
    alignment: int,
    data_start: int,
    data_end: int,
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
    return GGUFInfo(
        path=p,
        file_size=file_size,
        gguf_version=version,
        architecture=arch,
        name=text("general.name") or p.stem,
        size_label=text("general.size_label") or _size_label(n_params),
        n_params=n_params,
        quantization=_quantization(file_type, tensors),
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
        tensor_types=dict(Counter(_type_name(t.ggml_type) for t in tensors).most_common()),
        metadata=meta,
        array_lengths=lengths,
    )


def _gguf() -> Any:
    """The gguf package, imported on first use: it brings numpy (~100 ms), which the window's
    start-up should not pay when every header comes from the cache."""
    import gguf

    return gguf


def _type_name(raw: int) -> str:
    return str(_gguf().GGMLQuantizationType(raw).name)


def _quantization(file_type: int | None, tensors: list[_Tensor]) -> str:
    """A label like "Q4_K_M": from general.file_type, else the type holding most weights."""
    if file_type is not None:
        file_types = _gguf().LlamaFileType
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
    return _type_name(weight.most_common(1)[0][0])


def _size_label(n_params: int) -> str:
    if n_params <= 0:
        return ""
    for scale, unit, digits in ((1e12, "T", 1), (1e9, "B", 1), (1e6, "M", 0), (1e3, "K", 0)):
        if n_params >= scale:
            return f"{n_params / scale:.{digits}f}".removesuffix(".0") + unit
    return str(n_params)
