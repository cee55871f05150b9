"""The inspector's numbers are the GGUF's own, and its memory figures are llama.cpp's."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gguf import GGUFReader
from gguf_factory import write_tiny_llama

from desktop_app.core.models.anatomy import inspect_model

MiB = 2**20


def _field(reader: GGUFReader, key: str) -> object:
    return reader.fields[key].contents()


def test_the_starter_models_numbers_are_its_headers(starter_model: Path) -> None:
    a = inspect_model(starter_model)
    reader = GGUFReader(starter_model)  # the gguf package's own reader, for an independent look
    assert (a.architecture, a.layers, a.heads, a.kv_heads, a.embedding) == ("llama", 30, 9, 3, 576)
    assert a.layers == _field(reader, "llama.block_count")
    assert a.heads == _field(reader, "llama.attention.head_count")
    assert a.kv_heads == _field(reader, "llama.attention.head_count_kv")
    assert a.embedding == _field(reader, "llama.embedding_length")
    assert a.feed_forward == _field(reader, "llama.feed_forward_length") == 1536
    assert a.context_train == _field(reader, "llama.context_length") == 8192
    assert a.rope.freq_base == _field(reader, "llama.rope.freq_base") == 100000.0
    assert a.rope.dimension == 64 and a.head_dim == 576 // 9 == 64
    assert a.vocab == len(reader.fields["tokenizer.ggml.tokens"].data) == 49152
    assert a.tokenizer == "gpt2" and a.tokenizer_pre == "smollm"
    assert a.special_tokens["bos"] == (1, "<|im_start|>")
    assert a.special_tokens["eos"] == (2, "<|im_end|>")
    assert a.gqa_ratio == 3.0
    counts: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for t in reader.tensors:
        counts[t.tensor_type.name] = counts.get(t.tensor_type.name, 0) + 1
        sizes[t.tensor_type.name] = sizes.get(t.tensor_type.name, 0) + int(t.n_bytes)
    assert a.tensor_types == counts == {"Q4_1": 210, "F32": 61, "Q8_0": 1}
    assert a.tensor_type_bytes == sizes
    assert a.weights_bytes == sum(sizes.values())
    assert a.parameters == sum(int(t.n_elements) for t in reader.tensors)
    assert a.chat_template is not None and "<|im_start|>" in a.chat_template


def _llama_cpp_reports(model: Path, ctx: int, kv_type: str, flash: bool) -> dict[str, float]:
    """Load in a child process with llama.cpp's log on, and read what it says it allocated."""
    code = f"""
import llama_cpp
t = {{"f16": 1, "q8_0": 8}}[{kv_type!r}]
llm = llama_cpp.Llama({str(model)!r}, n_ctx={ctx}, n_threads=1, verbose=True, type_k=t,
                      type_v=t, flash_attn={flash!r})
llm.close()
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    log = done.stderr
    found = {
        "kv": re.search(r"llama_kv_cache: size =\s+([\d.]+) MiB", log),
        "compute": re.search(r"CPU compute buffer size =\s+([\d.]+) MiB", log),
        "weights": re.search(r"CPU_Mapped model buffer size =\s+([\d.]+) MiB", log),
    }
    assert all(found.values()), log[-3000:]
    return {k: float(m.group(1)) for k, m in found.items() if m}


@pytest.mark.parametrize(("kv_type", "flash"), [("f16", False), ("q8_0", True)])
def test_the_memory_estimate_is_what_llama_cpp_allocates(
    starter_model: Path, kv_type: str, flash: bool
) -> None:
    memory = inspect_model(starter_model).memory(4096, kv_type, flash_attn=flash)
    real = _llama_cpp_reports(starter_model, 4096, kv_type, flash)
    assert round(memory.kv_cache_bytes / MiB, 2) == real["kv"]  # exact, to the log's precision
    real_total = (real["kv"] + real["compute"] + real["weights"]) * MiB
    assert abs(memory.total_bytes - real_total) <= 0.10 * real_total, (memory, real)


def test_inspect_json_has_the_machine_readable_fields(starter_model: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "inspect", str(starter_model), "--ctx", "4096",
         "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for key in ("architecture", "parameters", "layers", "heads", "kv_heads", "embedding",
                "feed_forward", "head_dim", "context_train", "rope_freq_base", "vocab",
                "tokenizer", "tensor_types", "memory"):  # fmt: skip
        assert key in out, key
    assert out["memory"]["ctx"] == 4096 and out["memory"]["kv_type"] in ("f16", "q8_0")
    assert set(out["memory"]) >= {"ctx", "kv_type", "weights_bytes", "kv_cache_bytes",
                                  "compute_bytes"}  # fmt: skip
    assert out["chat_template_sample"].endswith("<|im_start|>assistant\n")


def test_inspect_text_draws_the_stack_and_a_hostile_template_is_refused(tmp_path: Path) -> None:
    bomb = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    model = write_tiny_llama(tmp_path / "bomb.gguf", chat_template=bomb)
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "inspect", str(model), "--ctx", "256"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 x block" in done.stdout and "4 heads, 2 KV heads" in done.stdout
    assert "did not finish within 2 s: refused" in done.stdout


def test_inspecting_a_broken_file_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("<html>not a model</html>", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "inspect", str(bad)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and "error:" in done.stderr and "Traceback" not in done.stderr
