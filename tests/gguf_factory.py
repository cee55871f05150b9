"""Small model files for tests: tiny valid GGUF models, cut-off copies and look-alikes.

Why: tests must not depend on a downloaded model, and checking bad files needs bad files.
The tiny llama model is structurally complete (all tensors llama.cpp requires, a real
tokenizer), so llama.cpp can load it and generate (random) text from it in milliseconds.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from gguf import GGUFWriter, LlamaFileType, TokenType

__all__ = [
    "gguf_kv_string",
    "gguf_string",
    "write_not_gguf",
    "write_raw_gguf",
    "write_tiny_llama",
    "write_truncated",
]

NOT_GGUF_KINDS = ("html", "zip", "text", "json", "safetensors", "pickle", "lfs", "ggml", "binary")

_TEXT = (
    "Hello world the a an of to and is in it you that was for on are with as I his they be at "
    "one have this from or had by hot word but what some we can out other were all there when "
    "up use your how said each she which do their time if will way about many then them write"
)
_WORDS = _TEXT.split()


def _spm_vocab() -> tuple[list[str], list[float], list[int]]:
    """SentencePiece-style vocab: specials, the 256 byte tokens, characters, some words."""
    tokens = ["<unk>", "<s>", "</s>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [TokenType.BYTE] * 256
    pieces = ["▁", *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'-:"]
    pieces += [f"▁{w}" for w in _WORDS]
    for piece in pieces:
        if piece not in tokens:
            tokens.append(piece)
            types.append(TokenType.NORMAL)
    scores = [0.0] * 259 + [-float(i) for i in range(len(tokens) - 259)]
    return tokens, scores, [int(t) for t in types]


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte-to-printable-character table (byte-level BPE vocabularies use it)."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs = list(bs)
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs, strict=True)}


def _bpe_vocab() -> tuple[list[str], list[float], list[int], list[str]]:
    """GPT-2-style byte-level BPE vocab with merges building a few words."""
    tokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    types = [TokenType.CONTROL] * 3
    tokens += list(_bytes_to_unicode().values())
    types += [TokenType.NORMAL] * 256
    merges: list[str] = []
    for word in _WORDS:
        text = "Ġ" + word
        current = text[0]
        for ch in text[1:]:
            merge, merged = f"{current} {ch}", current + ch
            if merged not in tokens:
                merges.append(merge)
                tokens.append(merged)
                types.append(TokenType.NORMAL)
            current = merged
    return tokens, [0.0] * len(tokens), [int(t) for t in types], merges


def write_tiny_llama(
    path: str | os.PathLike[str],
    *,
    arch: str = "llama",
    n_layers: int = 2,
    n_embd: int = 64,
    n_head: int = 4,
    n_head_kv: int = 2,
    n_ff: int | None = None,
    vocab: int | None = None,
    extra_tokens: Sequence[str] = (),
    ctx: int = 256,
    tokenizer: str = "llama",
    chat_template: str | None = None,
    with_tensors: bool = True,
    name: str | None = "Tiny Test Llama",
    license: str | None = "apache-2.0",
    extra_metadata: Mapping[str, Any] | None = None,
    seed: int = 0,
) -> Path:
    """Write a tiny llama-architecture GGUF model (f32, random weights) and return its path.

    `tokenizer` is "llama" (SentencePiece, ~360 tokens) or "gpt2" (byte-level BPE, ~400);
    `extra_tokens` are appended as given (duplicates included: llama.cpp aborts on those);
    `vocab` pads the vocabulary with unused tokens up to that size. `arch` only renames the
    architecture (and its keys), e.g. "notarealarch" for an architecture llama.cpp lacks.
    `extra_metadata` values are written as strings, u32, f32, bools or arrays (lists).
    """
    path = Path(path)
    merges: list[str] = []
    if tokenizer == "llama":
        tokens, scores, types = _spm_vocab()
        bos, eos, unk = 1, 2, 0
    elif tokenizer == "gpt2":
        tokens, scores, types, merges = _bpe_vocab()
        bos, eos, unk = 1, 2, 0
    else:
        raise ValueError(f"tokenizer must be 'llama' or 'gpt2', not {tokenizer!r}")
    tokens += extra_tokens
    scores += [0.0] * len(extra_tokens)
    types += [int(TokenType.NORMAL)] * len(extra_tokens)
    if vocab is not None:
        if vocab < len(tokens):
            raise ValueError(f"vocab must be at least {len(tokens)}")
        extra = vocab - len(tokens)
        tokens += [f"<unused{i}>" for i in range(extra)]
        scores += [-1e9] * extra
        types += [int(TokenType.UNUSED)] * extra
    n_vocab = len(tokens)
    n_ff = n_ff or 2 * n_embd
    head_dim = n_embd // n_head

    w = GGUFWriter(path, arch)
    if name is not None:
        w.add_name(name)
    if license is not None:
        w.add_license(license)
    w.add_file_type(LlamaFileType.ALL_F32)
    w.add_context_length(ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layers)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head_kv)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_tokenizer_model(tokenizer)
    if tokenizer == "gpt2":
        w.add_tokenizer_pre("default")
        w.add_token_merges(merges)
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(bos)
    w.add_eos_token_id(eos)
    w.add_unk_token_id(unk)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    if chat_template is not None:
        w.add_chat_template(chat_template)
    for key, value in (extra_metadata or {}).items():
        if isinstance(value, bool):
            w.add_bool(key, value)
        elif isinstance(value, int):
            w.add_uint32(key, value)
        elif isinstance(value, float):
            w.add_float32(key, value)
        elif isinstance(value, list):
            w.add_array(key, value)
        else:
            w.add_string(key, str(value))

    if with_tensors:
        rng = np.random.default_rng(seed)

        def rand(*shape: int) -> np.ndarray:
            return (rng.standard_normal(shape) * 0.02).astype(np.float32)

        def ones(n: int) -> np.ndarray:
            return np.ones(n, dtype=np.float32)

        n_kv = head_dim * n_head_kv
        # numpy shapes are the reverse of ggml's ne: ne=[n_embd, n_vocab] is (n_vocab, n_embd)
        w.add_tensor("token_embd.weight", rand(n_vocab, n_embd))
        for i in range(n_layers):
            b = f"blk.{i}"
            w.add_tensor(f"{b}.attn_norm.weight", ones(n_embd))
            w.add_tensor(f"{b}.attn_q.weight", rand(n_embd, n_embd))
            w.add_tensor(f"{b}.attn_k.weight", rand(n_kv, n_embd))
            w.add_tensor(f"{b}.attn_v.weight", rand(n_kv, n_embd))
            w.add_tensor(f"{b}.attn_output.weight", rand(n_embd, n_embd))
            w.add_tensor(f"{b}.ffn_norm.weight", ones(n_embd))
            w.add_tensor(f"{b}.ffn_gate.weight", rand(n_ff, n_embd))
            w.add_tensor(f"{b}.ffn_up.weight", rand(n_ff, n_embd))
            w.add_tensor(f"{b}.ffn_down.weight", rand(n_embd, n_ff))
        w.add_tensor("output_norm.weight", ones(n_embd))
        w.add_tensor("output.weight", rand(n_vocab, n_embd))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def write_truncated(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], keep_fraction: float
) -> Path:
    """Copy the first `keep_fraction` of `src` to `dst`, like an interrupted download."""
    if not 0.0 <= keep_fraction <= 1.0:
        raise ValueError("keep_fraction must be between 0 and 1")
    data = Path(src).read_bytes()
    dst = Path(dst)
    dst.write_bytes(data[: int(len(data) * keep_fraction)])
    return dst


def write_not_gguf(dst: str | os.PathLike[str], kind: str = "html") -> Path:
    """Write a file that is not GGUF but might be mistaken for a model (see NOT_GGUF_KINDS)."""
    dst = Path(dst)
    if kind == "html":
        dst.write_text(
            "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
            "<body><h1>Entry not found</h1></body></html>\n",
            encoding="utf-8",
        )
    elif kind == "zip":  # what torch.save writes nowadays
        with zipfile.ZipFile(dst, "w") as z:
            z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
            z.writestr("archive/version", "3\n")
    elif kind == "text":
        dst.write_text("This is not a model, just some notes about one.\n" * 4, encoding="utf-8")
    elif kind == "json":
        dst.write_text(json.dumps({"error": "Repository not found"}) + "\n", encoding="utf-8")
    elif kind == "safetensors":
        header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})
        raw = header.encode()
        dst.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\x00" * 8)
    elif kind == "pickle":  # a legacy torch.save / pickle file
        dst.write_bytes(b"\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03." + b"\0" * 16)
    elif kind == "lfs":
        dst.write_text(
            "version https://git-lfs.github.com/spec/v1\n"
            "oid sha256:" + "0" * 64 + "\nsize 98362432\n",
            encoding="utf-8",
        )
    elif kind == "ggml":  # the pre-GGUF llama.cpp format ("ggjt" magic, little-endian)
        dst.write_bytes(struct.pack("<II", 0x67676A74, 3) + b"\0" * 64)
    elif kind == "binary":
        dst.write_bytes(bytes(range(256)) * 2)
    else:
        raise ValueError(f"kind must be one of {NOT_GGUF_KINDS}, not {kind!r}")
    return dst


def write_raw_gguf(
    dst: str | os.PathLike[str],
    *,
    magic: bytes = b"GGUF",
    version: int = 3,
    n_tensors: int = 0,
    n_kv: int = 0,
    body: bytes = b"",
) -> Path:
    """Write a hand-made GGUF header (+ `body`) to fake a damaged file byte by byte."""
    dst = Path(dst)
    dst.write_bytes(magic + struct.pack("<IQQ", version, n_tensors, n_kv) + body)
    return dst


def gguf_string(s: str | bytes) -> bytes:
    """Encode a GGUF string (u64 length + bytes), for building `write_raw_gguf` bodies."""
    raw = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(raw)) + raw


def gguf_kv_string(key: str, value: str | bytes) -> bytes:
    """Encode one metadata entry of type string."""
    return gguf_string(key) + struct.pack("<I", 8) + gguf_string(value)
