"""Check a GGUF model file and read its metadata without loading any weights.

Why: llama.cpp can abort the whole process on a malformed file, so every file is checked here
first and a bad one becomes a readable `ModelFileError` instead of a crash. The same pass
gives the facts the app needs before loading (architecture, context length, KV-cache size).

Why not `gguf.GGUFReader`: it builds a numpy view for every token string (about 2 s on a
100 MB model) and trusts array lengths read from the file, so a corrupt length can make it
loop for hours. This reader walks only the header, with `struct`, checking every count and
length against the file size; it reads the header bytes into memory and keeps no handle or
mmap open afterwards (so the file can be deleted or replaced at once, on Windows too).

A file format, importing only errors: it sits below the engine (which checks a file before
llama.cpp loads it) and the models package (library, fit), which re-exports it as
`models/gguf_info.py`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from desktop_app.core.errors import ModelFileError, ModelNotFoundError
from desktop_app.core.gguf_facts import KV_CACHE_TYPES, GGUFInfo, build_info
from desktop_app.core.gguf_header import (
    BROKEN,
    F32,
    I32,
    MAX_DATA_BYTES,
    MAX_NAME_LEN,
    STRING,
    TOKENS_KEY,
    U32,
    U64,
    BadHeader,
    EndOfFile,
    HeaderReader,
    MetadataValue,
    TensorInfo,
    align,
    alignment_of,
    check_head,
    corrupt,
    read_tensor_info,
    truncated,
)
from desktop_app.core.i18n import QT_TRANSLATE_NOOP

__all__ = ["KV_CACHE_TYPES", "GGUFInfo", "MetadataValue", "inspect_gguf"]

MAX_LAYERS = 512  # LLAMA_MAX_LAYERS


def inspect_gguf(path: str | os.PathLike[str]) -> GGUFInfo:
    """Check that `path` is a complete, well-formed GGUF model and return its metadata.

    Raises ModelNotFoundError, NotGGUFError, TruncatedModelError or CorruptModelError
    (or ModelFileError when the file cannot be read), each with a message for a person.
    """
    p = Path(path)
    shown = p.name or str(p)
    if p.is_dir():
        raise ModelNotFoundError(
            QT_TRANSLATE_NOOP(
                "Model file", "Model file not found: {name} is a folder, not a model file."
            ).format(name=shown),
            details=str(p),
        )
    if p.exists() and not p.is_file():  # a pipe or device: opening it could block forever
        raise ModelNotFoundError(
            QT_TRANSLATE_NOOP(
                "Model file", "Model file not found: {name} is not a regular file."
            ).format(name=shown),
            details=str(p),
        )
    try:
        with open(p, "rb") as f:
            file_size = os.fstat(f.fileno()).st_size
            head = f.read(512)
            check_head(shown, head, file_size)
            return _parse(p, shown, f, head, file_size)
    except FileNotFoundError:
        raise ModelNotFoundError(
            QT_TRANSLATE_NOOP("Model file", "Model file not found: {path}").format(path=p),
            details=str(p),
        ) from None
    except ModelFileError:
        raise
    except OSError as e:
        raise ModelFileError(
            QT_TRANSLATE_NOOP("Model file", "Cannot read the model file {name}: {reason}.").format(
                name=shown, reason=e.strerror or e
            ),
            details=f"{p}: {e!r}",
        ) from None
    except Exception as e:  # any parser failure means a damaged file
        raise corrupt(
            shown,
            QT_TRANSLATE_NOOP("Model file", "its header could not be read"),
            f"{type(e).__name__}: {e}",
        ) from None


def _parse(p: Path, shown: str, f: BinaryIO, head: bytes, file_size: int) -> GGUFInfo:
    h = HeaderReader(f, head, file_size)
    h.off = 4
    version = h.unpack(U32)
    n_tensors = h.unpack(U64)
    n_kv = h.unpack(U64)
    meta: dict[str, MetadataValue] = {}
    lengths: dict[str, int] = {}
    item_types: dict[str, int] = {}
    tokens: list[bytes] | None = None
    tensors: list[TensorInfo] = []
    where = QT_TRANSLATE_NOOP("Model file", "metadata")
    try:
        for _ in range(n_kv):
            key = h.string(QT_TRANSLATE_NOOP("Model file", "metadata key"), MAX_NAME_LEN)
            vtype = h.unpack(U32)
            v = h.value(vtype, keep_strings=key == TOKENS_KEY)
            if key in meta or key in lengths:
                raise BadHeader(
                    QT_TRANSLATE_NOOP("Model file", "a metadata key appears twice"),
                    f"duplicate key {key!r}",
                )
            if v.length is not None and v.item_type is not None:
                lengths[key] = v.length
                item_types[key] = v.item_type
            if v.value is not None:
                meta[key] = v.value
            if v.raw_strings is not None:
                tokens = v.raw_strings
        alignment = alignment_of(meta)
        where = QT_TRANSLATE_NOOP("Model file", "tensor list")
        names: set[str] = set()
        for _ in range(n_tensors):
            t = read_tensor_info(h)
            if t.name in names:
                raise BadHeader(
                    QT_TRANSLATE_NOOP("Model file", "a tensor appears twice"),
                    f"duplicate tensor {t.name[:64]!r}",
                )
            names.add(t.name)
            tensors.append(t)
        _check_vocab(meta, lengths, item_types, tokens)
        _check_hparams(meta)
    except EndOfFile as e:
        raise truncated(shown, file_size, e.needed, where) from None
    except BadHeader as e:
        raise corrupt(shown, e.reason, e.details, e.hint) from None

    data_start = align(h.off, alignment)
    expected_offset = 0
    for t in tensors:
        if t.offset != expected_offset:
            raise corrupt(
                shown,
                QT_TRANSLATE_NOOP("Model file", "its tensor table is inconsistent"),
                f"tensor {t.name!r} at offset {t.offset}, expected {expected_offset}",
            )
        expected_offset += align(t.n_bytes, alignment)
    if expected_offset > MAX_DATA_BYTES:
        raise corrupt(
            shown,
            QT_TRANSLATE_NOOP("Model file", "its tensors add up to an impossible size"),
            f"{expected_offset}",
        )
    data_end = max((data_start + t.offset + t.n_bytes for t in tensors), default=data_start)
    if tensors and file_size < data_end:
        raise truncated(shown, file_size, data_end)

    arch = meta.get("general.architecture")
    if not isinstance(arch, str) or not arch:
        raise corrupt(
            shown,
            QT_TRANSLATE_NOOP("Model file", "it does not say which model architecture it contains"),
            "general.architecture missing or not a string",
        )
    return build_info(
        p, file_size, version, arch, meta, lengths, tensors, alignment, data_start, data_end, tokens
    )


def _check_vocab(
    meta: dict[str, MetadataValue],
    lengths: dict[str, int],
    item_types: dict[str, int],
    tokens: list[bytes] | None,
) -> None:
    """Vocabulary faults that make llama.cpp abort (GGML_ASSERT) or read out of bounds."""
    if TOKENS_KEY in meta and TOKENS_KEY not in lengths:
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "its vocabulary is not a list"),
            f"{TOKENS_KEY} is not an array",
        )
    if TOKENS_KEY not in lengths:
        return
    n_tokens = lengths[TOKENS_KEY]
    if item_types[TOKENS_KEY] != STRING or tokens is None:
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "its vocabulary is not a list of text tokens"),
            f"{TOKENS_KEY} item type",
        )
    duplicate = _first_duplicate(tokens)
    if duplicate is not None:
        raise BadHeader(
            QT_TRANSLATE_NOOP(
                "Model file",
                "its vocabulary lists the same token twice, which makes llama.cpp crash",
            ),
            f"duplicate token {duplicate!r}",
            BROKEN,
        )
    expected = {
        "tokenizer.ggml.scores": (F32, n_tokens),
        "tokenizer.ggml.token_type": (I32, n_tokens),
        "tokenizer.ggml.merges": (STRING, 0),
    }
    for key, (item_type, min_len) in expected.items():
        if key in meta and key not in lengths:
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "its vocabulary is inconsistent"),
                f"{key} is not an array",
            )
        if key in lengths and (item_types[key] != item_type or lengths[key] < min_len):
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "its vocabulary is inconsistent"),
                f"{key}: {lengths[key]} items of type {item_types[key]}, "
                f"need {min_len} of type {item_type}",
                BROKEN,
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
        raise BadHeader(
            QT_TRANSLATE_NOOP(
                "Model file", "it declares {n} layers (llama.cpp handles 1 to {most})"
            ).format(n=n_layer, most=MAX_LAYERS),
            f"block_count={n_layer}",
            BROKEN,
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
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "its mixture-of-experts settings are inconsistent"),
            f"experts={n_expert} used={n_used} groups={n_groups} group_used={n_group_used}",
            BROKEN,
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
