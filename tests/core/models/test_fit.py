"""The fit indicator: KV-cache size from a real header (checked against llama.cpp), verdicts and
recommended quantizations on hand-built machines (8/16/24 GiB GPUs, 8/16/64 GB of RAM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.engine.hardware import (
    compute_buffer_bytes,
    hardware_report,
    plan_gpu_layers,
)
from desktop_app.core.models.catalog import CatalogEntry, load_catalog
from desktop_app.core.models.fit import (
    ModelShape,
    estimate_fit,
    estimate_local,
    machine,
    recommend_for_entry,
    recommend_quant,
)
from desktop_app.core.models.gguf_info import inspect_gguf
from desktop_app.core.models.library import ModelLibrary
from desktop_app.core.models.quant import quality_rank, quant_from_name
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings

MiB = 1024**2
GiB = 1024**3

# llama.cpp's own report when it loads the starter model at n_ctx=4096 with an f16 cache:
#   llama_kv_cache: size = 90.00 MiB (4096 cells, 30 layers, 1/1 seqs), K (f16): 45.00 MiB, ...
#   CPU compute buffer size = 99.38 MiB
LLAMA_CPP_KV_4096 = 90 * MiB
LLAMA_CPP_COMPUTE_4096 = int(99.38 * MiB)

NO_GPU_8 = machine(ram_gib=8, ram_free_gib=6)
NO_GPU_16 = machine(ram_gib=16, ram_free_gib=12)
NO_GPU_64 = machine(ram_gib=64, ram_free_gib=56)
GPU_8 = machine(ram_gib=16, ram_free_gib=12, vram_gib=8, vram_free_gib=7.6)
GPU_16 = machine(ram_gib=32, ram_free_gib=24, vram_gib=16, vram_free_gib=15.2)
GPU_24 = machine(ram_gib=64, ram_free_gib=48, vram_gib=24, vram_free_gib=23)


def entry(entry_id: str) -> CatalogEntry:
    e = load_catalog().get(entry_id)
    assert e is not None
    return e


def shape(entry_id: str, quant: str) -> ModelShape:
    e = entry(entry_id)
    f = e.file_for(quant)
    assert f is not None
    return ModelShape.from_catalog(e, f)


# --------------------------------------------------------------------------- KV cache


def test_kv_cache_of_the_real_model_matches_llama_cpp(starter_model: Path) -> None:
    info = inspect_gguf(starter_model)
    s = ModelShape.from_info(info)
    assert s.kv_cache_bytes(4096) == info.kv_cache_bytes(4096) == LLAMA_CPP_KV_4096
    # layers x kv heads x (key + value) x tokens x 2 bytes
    assert LLAMA_CPP_KV_4096 == 30 * 3 * (64 + 64) * 4096 * 2
    assert s.kv_cache_bytes(4096, "q8_0", "q8_0") == LLAMA_CPP_KV_4096 * 34 // 64
    assert s.kv_cache_bytes(4096, "q4_0", "q4_0") == LLAMA_CPP_KV_4096 * 18 // 64
    # the catalog's hand-typed architecture gives the same number
    assert shape("smollm2-135m-instruct", "Q4_1").kv_cache_bytes(4096) == LLAMA_CPP_KV_4096
    # the work-space estimate errs on the safe side of what llama.cpp allocated
    assert compute_buffer_bytes(s, 4096) >= LLAMA_CPP_COMPUTE_4096


def test_kv_cache_by_bytes_per_token_and_bad_input() -> None:
    s = ModelShape(file_size=1, n_layers=2, kv_bytes_per_token=1000)
    assert s.kv_cache_bytes(10) == 10_000
    assert s.kv_cache_bytes(10, "q8_0", "q8_0") == 5313  # 10000 x 17/32, rounded up
    with pytest.raises(ValueError, match="unknown KV cache type"):
        s.kv_cache_bytes(10, "q3_k")
    with pytest.raises(ValueError):
        s.kv_cache_bytes(-1)
    with pytest.raises(ValueError):
        estimate_fit(s, NO_GPU_8, n_ctx=0)


def test_estimate_of_an_installed_model(starter_model: Path) -> None:
    paths = app_paths()
    lib = ModelLibrary(Settings.load(paths.settings_file), paths=paths)
    m = lib.import_file(starter_model, mode="in_place")
    s = ModelShape.from_local(m)
    assert s is not None and s.file_size == 98_362_432 and s.n_params == 134_515_008
    est = estimate_fit(s, NO_GPU_8, n_ctx=4096)
    assert est == estimate_local(m, NO_GPU_8, n_ctx=4096)
    assert est.verdict == "cpu" and est.label == "fits in RAM (CPU)"
    assert est.kv_bytes == LLAMA_CPP_KV_4096 and est.weights_bytes == 98_362_432
    assert est.total_bytes == est.weights_bytes + est.kv_bytes + est.compute_bytes
    assert est.gpu_layers == 0 and est.gpu_name == ""
    assert "KV cache" in est.summary() and "4096 tokens" in est.summary()
    # this machine, as hardware.py reports it
    here = estimate_fit(s, hardware_report(), n_ctx=4096)
    assert here.verdict in ("gpu", "cpu", "partial")


# --------------------------------------------------------------------------- verdicts


def test_an_8b_model_on_each_machine() -> None:
    s = shape("llama-3.1-8b-instruct", "Q4_K_M")
    on = {name: estimate_fit(s, m, n_ctx=4096) for name, m in [
        ("gpu8", GPU_8), ("gpu16", GPU_16), ("gpu24", GPU_24),
        ("ram8", NO_GPU_8), ("ram16", NO_GPU_16), ("ram64", NO_GPU_64),
    ]}  # fmt: skip
    assert on["gpu8"].verdict == "gpu" and on["gpu8"].label == "fits on GPU"
    assert on["gpu8"].gpu_layers == on["gpu8"].n_layers_total == 33
    assert on["gpu8"].gpu_name == "Test GPU (CUDA)"
    assert on["gpu24"].verdict == on["gpu16"].verdict == "gpu"
    assert on["ram16"].verdict == on["ram64"].verdict == "cpu"
    assert on["ram8"].verdict == "tight" and on["ram8"].label == "tight (fits in RAM (CPU))"
    assert not on["ram8"].comfortable and on["ram8"].notes == ()
    busy = estimate_fit(s, machine(ram_gib=8, ram_free_gib=4), n_ctx=4096)
    assert busy.verdict == "tight" and any("close other programs" in n for n in busy.notes)
    assert on["gpu8"].kv_bytes == 32 * 8 * (128 + 128) * 4096 * 2  # 512 MiB


def test_a_14b_model_splits_across_gpu_and_ram() -> None:
    s = shape("qwen2.5-14b-instruct", "Q4_K_M")
    est = estimate_fit(s, GPU_8, n_ctx=4096)
    assert est.verdict == "partial" and est.placement == "partial"
    assert 0 < est.gpu_layers < est.n_layers_total == 49
    assert est.label == f"partly on GPU ({est.gpu_layers} of 49 layers)"
    plan = plan_gpu_layers("auto", s, 4096, "f16", GPU_8)
    assert est.gpu_layers == plan.n_gpu_layers  # the same planner the engine uses
    assert est.ram_bytes + est.gpu_bytes >= est.total_bytes
    assert estimate_fit(s, GPU_16, n_ctx=4096).verdict == "gpu"
    assert estimate_fit(s, NO_GPU_64, n_ctx=4096).verdict == "cpu"
    assert estimate_fit(s, NO_GPU_8, n_ctx=4096).verdict == "too_large"
    assert estimate_fit(s, NO_GPU_8, n_ctx=4096).label == "too large"


def test_q8_of_14b_needs_the_24_gib_gpu() -> None:
    s = shape("qwen2.5-14b-instruct", "Q8_0")
    assert estimate_fit(s, GPU_24, n_ctx=4096).verdict == "gpu"
    assert estimate_fit(s, GPU_16, n_ctx=4096).verdict == "partial"


def test_context_and_kv_type_change_the_verdict() -> None:
    s = shape("llama-3.1-8b-instruct", "Q4_K_M")
    long_f16 = estimate_fit(s, GPU_8, n_ctx=32768)
    long_q4 = estimate_fit(s, GPU_8, n_ctx=32768, kv_type="q4_0")
    assert long_f16.kv_bytes == 4 * GiB and long_f16.verdict == "partial"
    assert long_q4.kv_bytes < long_f16.kv_bytes / 3
    assert long_q4.gpu_layers > long_f16.gpu_layers


def test_unknown_memory_gives_unknown() -> None:
    blind = machine(ram_gib=0, ram_free_gib=0)
    est = estimate_fit(shape("qwen2.5-0.5b-instruct", "Q4_K_M"), blind)
    assert est.verdict == "unknown" and not est.comfortable


# --------------------------------------------------------------------------- recommendations


@pytest.mark.parametrize(
    ("hw", "expected"),
    [
        (GPU_24, "Q8_0"),  # all of Q8_0 on the GPU with room to spare
        (GPU_16, "Q8_0"),
        (GPU_8, "Q4_K_M"),  # Q5_K_M would fit only without headroom
        (NO_GPU_64, "Q5_K_M"),  # on a CPU, Q8_0 of 8B is slow for little gain
        (NO_GPU_16, "Q5_K_M"),
        (NO_GPU_8, "Q4_K_M"),  # only tightly: the smallest
    ],
)
def test_recommended_quant_for_an_8b_model(hw: object, expected: str) -> None:
    rec = recommend_for_entry(entry("llama-3.1-8b-instruct"), hw, n_ctx=4096)  # type: ignore[arg-type]
    assert rec is not None and rec.quant == expected
    assert rec.file is not None and rec.file.quant == expected
    assert set(rec.estimates) == {"Q4_K_M", "Q5_K_M", "Q8_0"}


def test_recommendation_prefers_all_on_gpu_and_says_when_it_is_tight() -> None:
    rec = recommend_for_entry(entry("qwen2.5-14b-instruct"), GPU_16, n_ctx=4096)
    assert rec is not None and rec.estimate.verdict == "gpu"
    assert rec.estimates["Q8_0"].verdict == "partial"  # better quality, but split: not chosen
    assert rec.quant in ("Q4_K_M", "Q5_K_M")
    tight = recommend_for_entry(entry("llama-3.1-8b-instruct"), NO_GPU_8, n_ctx=4096)
    assert tight is not None and tight.estimate.verdict == "tight" and "little" in tight.reason
    assert recommend_for_entry(entry("qwen2.5-14b-instruct"), NO_GPU_8, n_ctx=4096) is None


def test_every_catalog_entry_gets_a_verdict_on_each_machine() -> None:
    for e in load_catalog():
        for hw in (NO_GPU_8, NO_GPU_16, GPU_8, GPU_24):
            for f in e.files:
                est = estimate_fit(ModelShape.from_catalog(e, f), hw, n_ctx=4096)
                assert est.verdict in ("gpu", "partial", "cpu", "tight", "too_large")
        rec = recommend_for_entry(e, GPU_24, n_ctx=4096)
        assert rec is not None, e.id
    tiny = recommend_for_entry(entry("smollm2-135m-instruct"), NO_GPU_8)
    assert tiny is not None and tiny.quant == "Q8_0"


# --------------------------------------------------------------------------- Hub files


def test_a_hub_file_known_only_by_name_and_size() -> None:
    s = ModelShape.guess(4_920_000_000, "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf")
    assert s.estimated and s.quantization == "Q4_K_M"
    assert 7e9 < s.n_params < 9e9
    est = estimate_fit(s, GPU_8, n_ctx=4096)
    assert est.estimated and any("guessed" in n for n in est.notes)
    assert "roughly" in est.summary()
    assert est.verdict in ("gpu", "tight")
    options = [
        (q, ModelShape.guess(size, f"x-{q}.gguf"))
        for q, size in (("Q4_K_M", 4_920_000_000), ("Q8_0", 8_540_000_000))
    ]
    rec = recommend_quant(options, GPU_24)
    assert rec is not None and rec.quant == "Q8_0"


def test_quant_names() -> None:
    assert quant_from_name("Qwen2.5-7B-Instruct-Q4_K_M.gguf") == "Q4_K_M"
    assert quant_from_name("SmolLM2-135M-Instruct.Q4_1.gguf") == "Q4_1"
    assert quant_from_name("minicpm3-4b-fp16.gguf") == "F16"
    assert quant_from_name("Qwen_Qwen3-8B-IQ4_XS.gguf") == "IQ4_XS"
    assert quant_from_name("model.gguf") is None
    assert quality_rank("Q8_0") < quality_rank("Q5_K_M") < quality_rank("Q4_K_M")
    assert quality_rank("nonsense") > quality_rank("IQ1_S")


def test_a_small_model_on_a_cpu_keeps_its_best_quant() -> None:
    rec = recommend_for_entry(entry("qwen2.5-0.5b-instruct"), NO_GPU_16, n_ctx=4096)
    assert rec is not None and rec.quant == "Q8_0"  # < 2 GiB: fast enough at any quant
