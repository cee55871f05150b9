"""inspect_gguf: every bad-file branch becomes the right readable error; good files give facts."""

from __future__ import annotations

import os
import pickle
import random
import struct
import subprocess
import sys
import time
from pathlib import Path

import gguf
import pytest
from gguf_factory import (
    NOT_GGUF_KINDS,
    gguf_kv_string,
    gguf_string,
    write_not_gguf,
    write_raw_gguf,
    write_tiny_llama,
    write_truncated,
)

from desktop_app.core.errors import (
    CorruptModelError,
    ModelFileError,
    ModelNotFoundError,
    NotGGUFError,
    TruncatedModelError,
)
from desktop_app.core.models.gguf_info import GGUFInfo, inspect_gguf

ARCH_KV = gguf_kv_string("general.architecture", "llama")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_llama(
        tmp_path_factory.mktemp("tiny") / "tiny.gguf", chat_template="{{ messages }}"
    )


@pytest.fixture(scope="module")
def real_model(starter_model: Path) -> Path:
    """The real starter model (root conftest fetches and verifies it)."""
    return starter_model


def tensor_info(name: str, dims: list[int], ggml_type: int = 0, offset: int = 0) -> bytes:
    """One raw tensor description: name, n_dims, dims, type, offset."""
    return (
        gguf_string(name)
        + struct.pack("<I", len(dims))
        + struct.pack(f"<{len(dims)}Q", *dims)
        + struct.pack("<IQ", ggml_type, offset)
    )


def raises(exc: type[ModelFileError], path: Path, *words: str) -> ModelFileError:
    """inspect_gguf(path) raises exactly `exc`, naming the file and saying `words`."""
    with pytest.raises(exc) as info:
        inspect_gguf(path)
    err = info.value
    assert type(err) is exc
    assert path.name in str(err)
    for word in words:
        assert word.lower() in str(err).lower(), str(err)
    return err


# --------------------------------------------------------------------------- missing / short


def test_missing_file(tmp_path: Path) -> None:
    err = raises(ModelNotFoundError, tmp_path / "nope.gguf", "Model file not found")
    assert str(tmp_path) in err.details


def test_directory_is_not_a_model(tmp_path: Path) -> None:
    folder = tmp_path / "model.gguf"
    folder.mkdir()
    raises(ModelNotFoundError, folder, "folder")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_not_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "model.gguf"
    os.mkfifo(pipe)
    raises(ModelNotFoundError, pipe, "not a regular file")


def test_accepts_str_path(tiny: Path) -> None:
    assert inspect_gguf(str(tiny)).architecture == "llama"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(b"")
    raises(TruncatedModelError, path, "empty")


@pytest.mark.parametrize("data", [b"G", b"GGUF", b"GGUF\x03\x00\x00\x00", b"GGUF" + bytes(19)])
def test_shorter_than_header_is_truncated(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "short.gguf"
    path.write_bytes(data)
    raises(TruncatedModelError, path, "truncated", "incomplete")


def test_short_non_gguf_is_not_gguf(tmp_path: Path) -> None:
    path = tmp_path / "short.gguf"
    path.write_bytes(b"hi\n")
    raises(NotGGUFError, path, "not a GGUF")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX non-root")
def test_unreadable_file(tiny: Path, tmp_path: Path) -> None:
    path = tmp_path / "locked.gguf"
    path.write_bytes(tiny.read_bytes())
    path.chmod(0)
    err = raises(ModelFileError, path, "cannot read")
    assert type(err) is ModelFileError


def test_read_error_is_a_model_file_error(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_app.core.gguf_reader as mod

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(mod, "open", denied, raising=False)
    err = raises(ModelFileError, tiny, "cannot read", "permission denied")
    assert type(err) is ModelFileError


# --------------------------------------------------------------------------- not GGUF

DESCRIPTIONS = {
    "html": "web page",
    "zip": "ZIP archive",
    "text": "text file",
    "json": "JSON",
    "safetensors": "safetensors",
    "pickle": "pickle",
    "lfs": "Git LFS pointer",
    "ggml": "old GGML",
    "binary": "not a GGUF model file.",
}


@pytest.mark.parametrize("kind", NOT_GGUF_KINDS)
def test_not_gguf_says_what_it_looks_like(tmp_path: Path, kind: str) -> None:
    path = write_not_gguf(tmp_path / f"{kind}.gguf", kind)
    err = raises(NotGGUFError, path, "not a GGUF model file", DESCRIPTIONS[kind])
    assert err.details.startswith("first bytes")


# --------------------------------------------------------------------------- header values


@pytest.mark.parametrize(
    ("version", "words"),
    [
        (1, "version 1"),
        (4, "version 4"),
        (0xFFFFFFFF, "version 4294967295"),
        (0x03000000, "big-endian"),
    ],
)
def test_unsupported_version(tmp_path: Path, version: int, words: str) -> None:
    path = write_raw_gguf(tmp_path / "v.gguf", version=version, n_kv=1, body=ARCH_KV)
    raises(CorruptModelError, path, words)


@pytest.mark.parametrize(("n_tensors", "n_kv"), [(2**63, 1), (1, 2**64 - 1), (10_000_001, 0)])
def test_absurd_counts_are_corrupt_and_fast(tmp_path: Path, n_tensors: int, n_kv: int) -> None:
    path = write_raw_gguf(tmp_path / "n.gguf", n_tensors=n_tensors, n_kv=n_kv, body=ARCH_KV)
    start = time.perf_counter()
    raises(CorruptModelError, path, "damaged")
    assert time.perf_counter() - start < 0.5


def test_missing_architecture_is_corrupt(tmp_path: Path) -> None:
    body = gguf_kv_string("general.name", "x")
    path = write_raw_gguf(tmp_path / "noarch.gguf", n_kv=1, body=body)
    raises(CorruptModelError, path, "architecture")


def test_header_only_is_corrupt(tmp_path: Path) -> None:
    raises(CorruptModelError, write_raw_gguf(tmp_path / "h.gguf"), "architecture")


@pytest.mark.parametrize(
    ("body", "n_kv", "n_tensors", "words"),
    [
        (gguf_string("k") + struct.pack("<I", 13) + b"\0" * 8, 1, 0, "unknown type"),
        (ARCH_KV + ARCH_KV, 2, 0, "appears twice"),
        (struct.pack("<Q", 2**40) + b"abc", 1, 0, "impossible length"),
        (gguf_string(b"\xff\xfe") + struct.pack("<I", 4) + b"\0" * 4, 1, 0, "not valid text"),
        (
            gguf_string("a") + struct.pack("<IIQ", 9, 4, 2**62) + b"\0" * 16,
            1,
            0,
            "impossible length",
        ),
        (
            gguf_string("a") + struct.pack("<IIQ", 9, 77, 1) + b"\0" * 16,
            1,
            0,
            "unknown element type",
        ),
        (
            ARCH_KV + gguf_string("general.alignment") + struct.pack("<II", 4, 3),
            2,
            0,
            "alignment",
        ),
        (ARCH_KV + tensor_info("t", [32], ggml_type=4), 1, 1, "unknown data type"),
        (ARCH_KV + tensor_info("t", [1, 1, 1, 1, 1]), 1, 1, "too many dimensions"),
        (ARCH_KV + tensor_info("t", [33], ggml_type=8), 1, 1, "shape"),
        (ARCH_KV + tensor_info("t", [2**32, 2**32]), 1, 1, "impossible shape"),
        (ARCH_KV + tensor_info("t", [2**26, 2**26]), 1, 1, "impossible size"),
        (ARCH_KV + tensor_info("t", [8]) + tensor_info("t", [8], offset=32), 1, 2, "twice"),
        (ARCH_KV + tensor_info("t", [8], offset=64), 1, 1, "inconsistent"),
        (ARCH_KV + tensor_info("a", [8]) + tensor_info("b", [8]), 1, 2, "inconsistent"),
    ],
    ids=[
        "bad-value-type",
        "duplicate-key",
        "huge-key",
        "key-not-utf8",
        "huge-array",
        "bad-array-type",
        "bad-alignment",
        "bad-tensor-type",
        "five-dims",
        "misaligned-block",
        "shape-overflow",
        "size-beyond-1PiB",
        "duplicate-tensor",
        "tensor-gap",
        "tensor-overlap",
    ],
)
def test_corrupt_header_values(
    tmp_path: Path, body: bytes, n_kv: int, n_tensors: int, words: str
) -> None:
    body += bytes(4096)  # plenty of (zero) bytes after, so nothing is cut off
    path = write_raw_gguf(tmp_path / "bad.gguf", n_kv=n_kv, n_tensors=n_tensors, body=body)
    err = raises(CorruptModelError, path, "damaged", words)
    assert err.details


def test_random_damage_never_escapes_as_another_error(tiny: Path, tmp_path: Path) -> None:
    """Whatever bytes of the header are garbled, the result is info or a ModelFileError."""
    original = tiny.read_bytes()
    header_end = inspect_gguf(tiny).tensor_data_start
    rng = random.Random(1234)
    path = tmp_path / "fuzz.gguf"
    start = time.perf_counter()
    outcomes: set[str] = set()
    for _ in range(300):
        data = bytearray(original)
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(0, header_end)
            data[pos] = rng.randrange(256)
        path.write_bytes(bytes(data))
        try:
            inspect_gguf(path)
            outcomes.add("ok")
        except ModelFileError as e:
            outcomes.add(e.kind)
    assert time.perf_counter() - start < 30
    assert "corrupt_model" in outcomes


# --------------------------------------------------------------------------- vocabulary


@pytest.mark.parametrize(
    ("extra", "duplicate"),
    [(["▁the"], "▁the".encode()), (["ab\0x", "ab\0y"], b"ab")],
    ids=["same-token", "same-up-to-NUL"],
)
def test_duplicate_tokens_are_corrupt(tmp_path: Path, extra: list[str], duplicate: bytes) -> None:
    """llama.cpp aborts on these (GGML_ASSERT id_to_token.size() == token_to_id.size())."""
    path = write_tiny_llama(tmp_path / "dup.gguf", extra_tokens=extra)
    err = raises(CorruptModelError, path, "same token twice", "another GGUF")
    assert repr(duplicate) in err.details


def test_empty_tokens_are_not_duplicates(tmp_path: Path) -> None:
    """llama.cpp renames empty tokens to [EMPTY_<id>], so several of them are fine."""
    path = write_tiny_llama(tmp_path / "empty.gguf", extra_tokens=["", ""])
    assert inspect_gguf(path).vocab_size is not None


def write_vocab(path: Path, scores: list[float] | list[str], types: list[int]) -> Path:
    w = gguf.GGUFWriter(path, "llama")
    w.add_token_list(["a", "b", "c"])
    w.add_array("tokenizer.ggml.scores", scores)
    w.add_token_types(types)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.close()
    return path


def test_consistent_vocab_is_fine(tmp_path: Path) -> None:
    info = inspect_gguf(write_vocab(tmp_path / "v.gguf", [0.0, 1.0, 2.0], [1, 1, 1]))
    assert info.vocab_size == 3
    assert info.metadata["tokenizer.ggml.tokens"] == ["a", "b", "c"]  # short: kept


@pytest.mark.parametrize(
    ("scores", "types"),
    [([0.0, 1.0], [1, 1, 1]), ([0.0, 1.0, 2.0], [1]), (["x", "y", "z"], [1, 1, 1])],
    ids=["short-scores", "short-types", "string-scores"],
)
def test_inconsistent_vocab_is_corrupt(tmp_path: Path, scores: list, types: list[int]) -> None:
    """llama.cpp would read past the end of these arrays (or assert on their type)."""
    raises(CorruptModelError, write_vocab(tmp_path / "v.gguf", scores, types), "vocabulary")


# --------------------------------------------------------------------------- hyper-parameters

ABORTS_LLAMA_CPP = {
    "no-layers": {"n_layers": 0},
    "513-layers": {"n_layers": 513, "with_tensors": False},
    "more-experts-used-than-exist": {
        "extra_metadata": {"llama.expert_count": 4, "llama.expert_used_count": 5}
    },
    "experts-used-without-experts": {"extra_metadata": {"llama.expert_used_count": 2}},
    "expert-groups-do-not-divide": {
        "extra_metadata": {
            "llama.expert_count": 8,
            "llama.expert_used_count": 2,
            "llama.expert_group_count": 3,
            "llama.expert_group_used_count": 1,
        }
    },
}


@pytest.mark.parametrize("kwargs", ABORTS_LLAMA_CPP.values(), ids=ABORTS_LLAMA_CPP.keys())
def test_hyper_parameters_llama_cpp_asserts_on(tmp_path: Path, kwargs: dict) -> None:
    raises(CorruptModelError, write_tiny_llama(tmp_path / "h.gguf", **kwargs), "another GGUF")


def test_plausible_moe_settings_pass(tmp_path: Path) -> None:
    meta = {"llama.expert_count": 8, "llama.expert_used_count": 2}
    assert inspect_gguf(write_tiny_llama(tmp_path / "moe.gguf", extra_metadata=meta))
    assert inspect_gguf(write_tiny_llama(tmp_path / "l.gguf", n_layers=512, with_tensors=False))


# --------------------------------------------------------------------------- truncation


@pytest.mark.parametrize("fraction", [0.001, 0.01, 0.05, 0.3, 0.5, 0.9, 0.999])
def test_truncated_copies(tiny: Path, tmp_path: Path, fraction: float) -> None:
    path = write_truncated(tiny, tmp_path / "cut.gguf", fraction)
    raises(TruncatedModelError, path, "truncated", "incomplete")


def test_one_byte_missing_reports_sizes(tiny: Path, tmp_path: Path) -> None:
    data = tiny.read_bytes()
    path = tmp_path / "cut.gguf"
    path.write_bytes(data[:-1])
    raises(TruncatedModelError, path, f"{len(data) - 1} bytes of {len(data)}")


def test_cut_inside_header_says_so(tiny: Path, tmp_path: Path) -> None:
    data = tiny.read_bytes()
    path = tmp_path / "cut.gguf"
    path.write_bytes(data[:200])
    raises(TruncatedModelError, path, "ends inside its metadata")


def test_cut_right_after_header(tiny: Path, tmp_path: Path) -> None:
    info = inspect_gguf(tiny)
    path = tmp_path / "cut.gguf"
    path.write_bytes(tiny.read_bytes()[: info.tensor_data_start])
    raises(TruncatedModelError, path, f"of {info.tensor_data_end}")


def test_extra_bytes_after_the_data_are_fine(tiny: Path, tmp_path: Path) -> None:
    path = tmp_path / "longer.gguf"
    path.write_bytes(tiny.read_bytes() + b"\0" * 100)
    info = inspect_gguf(path)
    assert info.file_size == info.tensor_data_end + 100


# --------------------------------------------------------------------------- good files


def test_tiny_llama_facts(tiny: Path) -> None:
    info = inspect_gguf(tiny)
    assert info.path == tiny
    assert info.file_size == tiny.stat().st_size < 1_000_000
    assert info.gguf_version == 3
    assert info.architecture == "llama"
    assert info.name == "Tiny Test Llama"
    assert info.quantization == "F32"
    assert info.file_type == 0
    assert info.context_length == 256
    assert (info.n_layers, info.n_embd, info.n_head, info.n_head_kv) == (2, 64, 4, 2)
    assert (info.key_length, info.value_length) == (16, 16)
    assert info.license == "apache-2.0"
    assert info.chat_template == "{{ messages }}"
    assert (info.bos_token_id, info.eos_token_id) == (1, 2)
    assert info.tokenizer_model == "llama"
    assert info.vocab_size is not None
    vocab = info.vocab_size
    n_ff = 128
    per_block = 2 * 64 + 2 * 64 * 64 + 2 * 64 * 32 + 3 * 64 * n_ff
    assert info.n_params == 2 * vocab * 64 + 64 + 2 * per_block
    assert info.size_label == f"{round(info.n_params / 1000)}K"
    assert info.n_tensors == 3 + 9 * 2
    assert info.tensor_types == {"F32": 21}
    assert info.tensor_bytes == 4 * info.n_params
    assert info.tensor_data_end == info.file_size
    assert info.tensor_data_start % info.alignment == 0
    assert info.metadata["llama.block_count"] == 2
    assert info.metadata["llama.attention.layer_norm_rms_epsilon"] == pytest.approx(1e-5)
    assert info.metadata["tokenizer.ggml.add_bos_token"] is True
    assert "tokenizer.ggml.tokens" not in info.metadata  # too long to keep
    assert info.array_lengths["tokenizer.ggml.tokens"] == vocab
    assert info.array_lengths["tokenizer.ggml.scores"] == vocab


def test_gpt2_tokenizer_and_padding(tmp_path: Path) -> None:
    path = write_tiny_llama(tmp_path / "bpe.gguf", tokenizer="gpt2", vocab=512, name=None)
    info = inspect_gguf(path)
    assert info.tokenizer_model == "gpt2"
    assert info.vocab_size == 512
    assert info.name == "bpe"  # no general.name: the file name
    assert info.chat_template is None
    assert info.array_lengths["tokenizer.ggml.merges"] > 0


def test_unknown_architecture_is_read_not_judged(tmp_path: Path) -> None:
    """Whether llama.cpp knows the architecture is the loader's call; the file itself is fine."""
    info = inspect_gguf(write_tiny_llama(tmp_path / "x.gguf", arch="notarealarch", n_layers=3))
    assert info.architecture == "notarealarch"
    assert info.n_layers == 3
    assert info.context_length == 256


def test_vocab_only_file(tmp_path: Path) -> None:
    info = inspect_gguf(write_tiny_llama(tmp_path / "vocab.gguf", with_tensors=False))
    assert (info.n_params, info.n_tensors, info.size_label) == (0, 0, "")
    assert info.tensor_data_end == info.tensor_data_start
    assert info.quantization == "F32"  # from general.file_type


def test_quantization_falls_back_to_tensor_types(tmp_path: Path) -> None:
    path = tmp_path / "q.gguf"
    w = gguf.GGUFWriter(path, "llama")
    w.add_tensor("norm", gguf.np.ones(32, dtype=gguf.np.float32))
    raw = gguf.np.zeros((4, 34), dtype=gguf.np.uint8)  # 4 x 32 Q8_0 weights
    w.add_tensor("w", raw, raw_shape=(4, 34), raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor("w2", raw, raw_shape=(4, 34), raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    info = inspect_gguf(path)
    assert info.file_type is None
    assert info.quantization == "Q8_0"
    assert info.n_params == 32 + 2 * 128
    assert info.tensor_bytes == 128 + 2 * 4 * 34


def test_per_layer_head_counts_and_explicit_head_dims(tmp_path: Path) -> None:
    path = write_tiny_llama(
        tmp_path / "m.gguf",
        extra_metadata={
            "llama.attention.key_length": 24,
            "llama.attention.value_length": 8,
            "general.tags": ["a", "b"],
        },
    )
    info = inspect_gguf(path)
    assert (info.key_length, info.value_length) == (24, 8)
    assert info.metadata["general.tags"] == ["a", "b"]

    path = tmp_path / "layers.gguf"
    w = gguf.GGUFWriter(path, "llama")
    w.add_embedding_length(64)
    w.add_block_count(3)
    w.add_array("llama.attention.head_count", [4, 4, 4])
    w.add_array("llama.attention.head_count_kv", [1, 2, 1])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.close()
    info = inspect_gguf(path)
    assert (info.n_head, info.n_head_kv, info.key_length) == (4, 2, 16)
    assert info.context_length is None
    assert info.kv_cache_bytes(10) == 3 * 10 * 2 * (16 * 2 + 16 * 2)


def test_kv_cache_bytes(tiny: Path) -> None:
    info = inspect_gguf(tiny)
    # 2 layers, 2 KV heads, head dim 16
    assert info.kv_cache_bytes(256) == 2 * 256 * (2 * 16 * 2 + 2 * 16 * 2)
    assert info.kv_cache_bytes(256, "f32", "f32") == 2 * info.kv_cache_bytes(256)
    assert info.kv_cache_bytes(256, "q8_0", "Q8_0") == 2 * 256 * 2 * 2 * 16 * 34 // 32
    assert info.kv_cache_bytes(256, "q4_0", "f16") == 2 * 256 * 2 * (16 * 18 // 32 + 16 * 2)
    assert info.kv_cache_bytes(0) == 0
    for t in ("bf16", "q5_1", "q5_0", "q4_1", "iq4_nl"):
        assert 0 < info.kv_cache_bytes(256, t, t) <= info.kv_cache_bytes(256)
    with pytest.raises(ValueError, match="unknown KV cache type"):
        info.kv_cache_bytes(256, "q3_k")
    with pytest.raises(ValueError):
        info.kv_cache_bytes(-1)


@pytest.mark.parametrize("tokenizer", ["llama", "gpt2"])
def test_agrees_with_gguf_reader(tmp_path: Path, tokenizer: str) -> None:
    path = write_tiny_llama(tmp_path / "t.gguf", tokenizer=tokenizer, chat_template="{{x}}")
    check_against_gguf_reader(inspect_gguf(path))


def check_against_gguf_reader(info: GGUFInfo) -> None:
    """The reference reader (slow, trusting) sees the same metadata and tensor layout."""
    reader = gguf.GGUFReader(info.path, "r")
    try:
        keys = [k for k in reader.fields if not k.startswith("GGUF.")]
        assert set(keys) == set(info.metadata) | set(info.array_lengths)
        for key in keys:
            field = reader.fields[key]
            if field.types[0] == gguf.GGUFValueType.ARRAY:
                assert info.array_lengths[key] == len(field.data), key
                if key in info.metadata:
                    assert info.metadata[key] == field.contents(), key
            else:
                assert info.metadata[key] == field.contents(), key
        assert info.n_tensors == len(reader.tensors)
        assert info.tensor_data_start == reader.data_offset
        assert info.tensor_data_end == max(t.data_offset + t.n_bytes for t in reader.tensors)
        assert info.n_params == sum(int(t.n_elements) for t in reader.tensors)
    finally:
        del reader


def test_file_is_released(tiny: Path, tmp_path: Path) -> None:
    """No handle or mapping stays open: the file can be replaced or deleted right away."""
    path = tmp_path / "m.gguf"
    path.write_bytes(tiny.read_bytes())
    fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    inspect_gguf(path)
    if fds is not None:
        assert len(os.listdir("/proc/self/fd")) == fds
    path.unlink()
    assert not path.exists()


def test_errors_and_info_cross_process_boundaries(tiny: Path, tmp_path: Path) -> None:
    info = inspect_gguf(tiny)
    assert pickle.loads(pickle.dumps(info)) == info
    path = write_truncated(tiny, tmp_path / "cut.gguf", 0.5)
    with pytest.raises(TruncatedModelError) as caught:
        inspect_gguf(path)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is TruncatedModelError
    assert (copy.kind, str(copy), copy.details) == (
        "truncated_model",
        str(caught.value),
        caught.value.details,
    )


# --------------------------------------------------------------------------- the real model


def test_real_model(real_model: Path) -> None:
    info = inspect_gguf(real_model)
    assert info.architecture == "llama"
    assert info.quantization == "Q4_1"
    assert info.context_length == 8192
    assert info.n_layers == 30
    assert (info.n_embd, info.n_head, info.n_head_kv, info.key_length) == (576, 9, 3, 64)
    assert info.chat_template and "<|im_start|>" in info.chat_template
    assert info.vocab_size == 49152
    assert info.size_label == "135M"
    assert 130e6 < info.n_params < 140e6
    assert info.tensor_data_end == info.file_size
    assert info.kv_cache_bytes(2048) == 30 * 2048 * (3 * 64 * 2 * 2)  # 45 MiB


def test_real_model_is_fast(real_model: Path) -> None:
    inspect_gguf(real_model)  # warm the page cache
    start = time.perf_counter()
    inspect_gguf(real_model)
    assert time.perf_counter() - start < 0.3


def test_real_model_agrees_with_gguf_reader(real_model: Path) -> None:
    check_against_gguf_reader(inspect_gguf(real_model))


@pytest.mark.parametrize(("fraction", "words"), [(0.005, "metadata"), (0.6, "bytes of")])
def test_real_model_truncated(
    real_model: Path, tmp_path: Path, fraction: float, words: str
) -> None:
    path = write_truncated(real_model, tmp_path / real_model.name, fraction)
    raises(TruncatedModelError, path, "truncated", words)


# --------------------------------------------------------------------------- llama.cpp itself

LOAD = """
import sys, llama_cpp
llm = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=64, verbose=True)
print(repr(llm.create_completion("Hello world", max_tokens=4)["choices"][0]["text"]))
"""


def load_in_llama_cpp(path: Path) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("llama_cpp")
    return subprocess.run(
        [sys.executable, "-c", LOAD, str(path)], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("tokenizer", ["llama", "gpt2"])
def test_tiny_llama_loads_and_generates_in_llama_cpp(tmp_path: Path, tokenizer: str) -> None:
    path = write_tiny_llama(tmp_path / "t.gguf", tokenizer=tokenizer)
    result = load_in_llama_cpp(path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("'")


ABORTS = {"duplicate-token": {"extra_tokens": ["▁the"]}, **ABORTS_LLAMA_CPP}


@pytest.mark.parametrize("kwargs", ABORTS.values(), ids=ABORTS.keys())
def test_what_the_checks_prevent_really_aborts_llama_cpp(tmp_path: Path, kwargs: dict) -> None:
    """These files kill the whole process (GGML_ASSERT -> abort), not raise an exception."""
    path = write_tiny_llama(tmp_path / "bad.gguf", **kwargs)
    with pytest.raises(CorruptModelError):
        inspect_gguf(path)
    result = load_in_llama_cpp(path)
    assert result.returncode != 0
    assert "GGML_ASSERT" in result.stderr


def test_unknown_architecture_is_an_exception_in_llama_cpp(tmp_path: Path) -> None:
    """Left to the loader: llama.cpp raises (no abort) and says why on stderr."""
    path = write_tiny_llama(tmp_path / "x.gguf", arch="notarealarch")
    result = load_in_llama_cpp(path)
    assert result.returncode == 1
    assert "unknown model architecture: 'notarealarch'" in result.stderr
    assert "ValueError: Failed to load model from file" in result.stderr
