"""Hardware report (real, on this machine) and GPU-layer planning (pure, with made-up hardware)."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import multiprocessing
import pickle
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core import ggml_devices
from desktop_app.core.engine.hardware import (
    DEFAULT_RESERVE_BYTES,
    NO_GPU_BACKEND,
    Device,
    GpuPlan,
    HardwareReport,
    compute_buffer_bytes,
    hardware_report,
    plan_gpu_layers,
)

KiB, MiB, GiB = 1024, 1024**2, 1024**3


@dataclass(frozen=True)
class FakeGGUF:
    """Stands in for GGUFInfo: the attributes and the KV method planning reads."""

    file_size: int
    n_layers: int
    kv_bytes_per_token: int  # all layers, f16 K and V
    context_length: int | None = 8192
    architecture: str = "llama"
    vocab_size: int | None = 128_256

    def kv_cache_bytes(self, n_ctx: int, type_k: str = "f16", type_v: str = "f16") -> int:
        scale = {"f32": 2.0, "f16": 1.0, "q8_0": 34 / 64, "q4_0": 18 / 64}
        return int(n_ctx * self.kv_bytes_per_token * (scale[type_k] + scale[type_v]) / 2)


# Llama 3 8B Q4_K_M and 70B Q4_K_M: 8 KV heads of 128, so 4 KiB per token and layer at f16.
LLAMA_8B = FakeGGUF(file_size=int(4.58 * GiB), n_layers=32, kv_bytes_per_token=128 * KiB)
LLAMA_70B = FakeGGUF(file_size=int(39.6 * GiB), n_layers=80, kv_bytes_per_token=320 * KiB)

CPU = Device("CPU", "AMD Ryzen 9 7950X", "cpu", "CPU", 64 * GiB, 40 * GiB)
RTX_4060 = Device("CUDA0", "NVIDIA GeForce RTX 4060", "gpu", "CUDA", 8 * GiB, int(7.5 * GiB))
RTX_4090 = Device("CUDA0", "NVIDIA GeForce RTX 4090", "gpu", "CUDA", 24 * GiB, 22 * GiB)
IRIS = Device("Vulkan0", "Intel(R) Iris(R) Xe Graphics", "igpu", "Vulkan", 16 * GiB, 12 * GiB)


def gpu_report(*gpus: Device, backends: tuple[str, ...] = ("CUDA", "CPU")) -> HardwareReport:
    return HardwareReport(
        llama_cpp_version="0.3.36",
        backends=backends,
        devices=(*gpus, CPU),
        ram_total=64 * GiB,
        ram_available=40 * GiB,
        cpu_features="CPU : AVX2 = 1 | CUDA : ARCHS = 890",
        gpu_offload_supported=True,
    )


CUDA_8G = gpu_report(RTX_4060)
CUDA_24G = gpu_report(RTX_4090)
CPU_BUILD = HardwareReport(
    llama_cpp_version="0.3.36",
    backends=("CPU",),
    devices=(CPU,),
    ram_total=64 * GiB,
    ram_available=40 * GiB,
    cpu_features="CPU : AVX2 = 1",
    gpu_offload_supported=False,
    backend_libraries=("cpu",),
)
# A CUDA build on a machine whose driver is missing: the backend is there, no device is.
CUDA_NO_DEVICE = replace(CPU_BUILD, backends=("CUDA", "CPU"))
# The same with dynamic backends: ggml-cuda did not register, only its library shows.
CUDA_DL_NO_DEVICE = replace(CPU_BUILD, backend_libraries=("cpu", "cuda"))
DEVICES_UNKNOWN = replace(
    CUDA_8G, devices=(), devices_error="ggml does not export ggml_backend_dev_count"
)


def expected_auto(gguf: FakeGGUF, free: int, n_ctx: int, kv: str = "f16") -> int:
    """The documented formula, written out independently of the module."""
    per_layer = gguf.file_size // (gguf.n_layers + 1)
    kv_per_layer = gguf.kv_cache_bytes(n_ctx, kv, kv) // gguf.n_layers
    budget = free - DEFAULT_RESERVE_BYTES - compute_buffer_bytes(gguf, n_ctx)
    return max(0, min(gguf.n_layers + 1, budget // (per_layer + kv_per_layer)))


# --------------------------------------------------------------------------- the real report


@pytest.fixture(scope="module")
def real_report() -> HardwareReport:
    return hardware_report()


def test_real_report_lists_this_machine(real_report: HardwareReport) -> None:
    import llama_cpp

    r = real_report
    assert r.llama_cpp_version == llama_cpp.__version__
    assert "CPU" in r.backends
    assert r.devices_known, r.devices_error
    assert len(r.devices) >= 1
    cpu = next(d for d in r.devices if d.kind == "cpu")
    assert cpu.backend == "CPU"
    assert cpu.memory_total > 0
    assert r.ram_total > 0
    assert 0 < r.ram_available <= r.ram_total
    assert "AVX" in r.cpu_features or "NEON" in r.cpu_features or "CPU" in r.cpu_features


def test_real_report_format_explains_gpu_offload(real_report: HardwareReport) -> None:
    text = real_report.format()
    assert "CPU" in text
    assert "RAM:" in text
    assert "GiB" in text
    if real_report.gpus:  # a GPU build on a GPU machine
        assert "GPU offload: possible" in text
    else:
        assert "GPU offload: not possible" in text
        assert NO_GPU_BACKEND in text or "no device was found (driver missing?)" in text


def test_real_report_is_picklable_and_json_friendly(real_report: HardwareReport) -> None:
    assert pickle.loads(pickle.dumps(real_report)) == real_report
    left, right = multiprocessing.Pipe()
    try:
        left.send(real_report)
        assert right.recv() == real_report
    finally:
        left.close()
        right.close()
    data = json.loads(json.dumps(real_report.to_dict()))
    assert "CPU" in data["backends"]
    assert data["devices"][0]["name"]
    assert data["gpu_offload_possible"] is (not data["gpu_offload_problem"])


def test_report_fails_soft_without_ggml_symbols(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        ggml_devices, "load_api", lambda lib_dir: ggml_devices.GgmlApi([], "no library")
    )
    r = hardware_report()
    assert r.devices == ()
    assert not r.devices_known
    assert "ggml_backend_dev_count" in r.devices_error
    assert "CPU" in r.backends  # read from llama_print_system_info instead
    assert "Devices: unknown" in r.format()
    assert pickle.loads(pickle.dumps(r)) == r


def test_ggml_api_without_library(tmp_path: Path) -> None:
    api = ggml_devices.GgmlApi.load(tmp_path)
    devices, error = api.devices()
    assert devices == ()
    assert "no ggml library" in error
    assert api.backend_names() is None


def test_ggml_api_with_a_library_missing_the_symbols() -> None:
    libm = ctypes.util.find_library("m")
    if libm is None:
        pytest.skip("no libm to stand in for an old ggml")
    api = ggml_devices.GgmlApi([ctypes.CDLL(libm)])
    devices, error = api.devices()
    assert devices == ()
    assert "ggml_backend_dev_count" in error
    assert api.backend_names() is None


# --------------------------------------------------------------------------- report formatting


def test_format_gpu_machine() -> None:
    text = CUDA_24G.format()
    assert "Backends: CUDA, CPU" in text
    assert "CUDA0 [gpu, CUDA]: NVIDIA GeForce RTX 4090: 24.0 GiB total, 22.0 GiB free" in text
    assert "GPU offload: possible (NVIDIA GeForce RTX 4090 (CUDA))" in text
    assert CUDA_24G.gpus == (RTX_4090,)
    assert CUDA_24G.to_dict()["gpu_offload_possible"] is True


def test_format_cpu_build_says_how_to_rebuild() -> None:
    text = CPU_BUILD.format()
    assert f"GPU offload: not possible: {NO_GPU_BACKEND}" in text
    assert "CMAKE_ARGS=-DGGML_CUDA=on" in text
    assert CPU_BUILD.gpus == ()


@pytest.mark.parametrize("report", [CUDA_NO_DEVICE, CUDA_DL_NO_DEVICE])
def test_format_gpu_backend_without_device(report: HardwareReport) -> None:
    text = report.format()
    assert "the build has a GPU backend but no device was found (driver missing?)" in text
    assert "cuda" in report.offload_problem.lower()
    assert NO_GPU_BACKEND not in text


def test_format_names_a_dynamic_backend_that_did_not_load() -> None:
    assert "Backend libraries not loaded: cuda" in CUDA_DL_NO_DEVICE.format()
    assert "not loaded" not in CPU_BUILD.format()


# --------------------------------------------------------------------------- planning


ALL_REPORTS = [CUDA_8G, CUDA_24G, CPU_BUILD, CUDA_NO_DEVICE, DEVICES_UNKNOWN]


@pytest.mark.parametrize("report", ALL_REPORTS)
def test_zero_layers_is_the_cpu_without_comment(report: HardwareReport) -> None:
    assert plan_gpu_layers(0, LLAMA_8B, 4096, "f16", report) == GpuPlan(0, "CPU")


@pytest.mark.parametrize("requested", [12, "all"])
def test_requested_gpu_on_cpu_build_warns_with_rebuild_hint(requested: Any) -> None:
    plan = plan_gpu_layers(requested, LLAMA_8B, 4096, "f16", CPU_BUILD)
    assert plan.n_gpu_layers == 0
    assert plan.backend == "CPU"
    (warning,) = plan.warnings
    assert warning.startswith(f"The GPU was requested (GPU layers: {requested})")
    assert "the model runs on the CPU" in warning
    assert "no GPU backend (CPU only)" in warning
    assert "-DGGML_CUDA=on" in warning and "-DGGML_METAL=on" in warning


@pytest.mark.parametrize("report", [CUDA_NO_DEVICE, CUDA_DL_NO_DEVICE])
@pytest.mark.parametrize("requested", [12, "all"])
def test_requested_gpu_without_device_warns_driver(requested: Any, report: HardwareReport) -> None:
    plan = plan_gpu_layers(requested, LLAMA_8B, 4096, "f16", report)
    assert plan.n_gpu_layers == 0
    (warning,) = plan.warnings
    assert "runs on the CPU" in warning
    assert "no device was found (driver missing?)" in warning


@pytest.mark.parametrize("report", [CPU_BUILD, CUDA_NO_DEVICE])
def test_auto_without_gpu_is_a_note_not_a_warning(report: HardwareReport) -> None:
    plan = plan_gpu_layers("auto", LLAMA_8B, 4096, "f16", report)
    assert plan.n_gpu_layers == 0
    assert plan.warnings == ()
    assert plan.notes[0].startswith("no GPU: running on the CPU")


def test_all_is_minus_one() -> None:
    plan = plan_gpu_layers("all", LLAMA_8B, 4096, "f16", CUDA_24G)
    assert plan.n_gpu_layers == -1
    assert plan.backend == "NVIDIA GeForce RTX 4090 (CUDA)"
    assert plan.warnings == ()
    assert plan.notes == ("all 33 layers on NVIDIA GeForce RTX 4090 (CUDA)",)


@pytest.mark.parametrize(("requested", "expected"), [(1, 1), (20, 20), (33, 33), (999, 33)])
def test_a_count_is_capped_at_layers_plus_output(requested: int, expected: int) -> None:
    plan = plan_gpu_layers(requested, LLAMA_8B, 4096, "f16", CUDA_24G)
    assert plan.n_gpu_layers == expected
    assert plan.warnings == ()
    assert plan.backend == "NVIDIA GeForce RTX 4090 (CUDA)"


def test_negative_count_means_all() -> None:
    assert plan_gpu_layers(-1, LLAMA_8B, 4096, "f16", CUDA_24G).n_gpu_layers == -1


@pytest.mark.parametrize("requested", ["all", 81])
def test_explicit_request_too_big_for_vram_is_kept_with_a_warning(requested: Any) -> None:
    plan = plan_gpu_layers(requested, LLAMA_70B, 4096, "f16", CUDA_8G)
    assert plan.n_gpu_layers == (-1 if requested == "all" else 81)
    (warning,) = plan.warnings
    assert "All 81 layers on NVIDIA GeForce RTX 4060 (CUDA) need about" in warning
    assert "7.5 GiB is free" in warning
    assert "'auto'" in warning


def test_explicit_count_that_fits_has_no_warning() -> None:
    plan = plan_gpu_layers(8, LLAMA_70B, 4096, "f16", CUDA_8G)
    assert plan.n_gpu_layers == 8
    assert plan.warnings == ()
    assert plan.notes == ("8 of 81 layers on NVIDIA GeForce RTX 4060 (CUDA)",)


def test_auto_small_model_goes_all_on_gpu() -> None:
    plan = plan_gpu_layers("auto", LLAMA_8B, 8192, "f16", CUDA_24G)
    assert plan.n_gpu_layers == -1
    assert plan.warnings == ()
    assert plan.notes == ("auto: all 33 layers on NVIDIA GeForce RTX 4090 (CUDA) (22.0 GiB free)",)
    assert plan_gpu_layers("auto", LLAMA_8B, 4096, "f16", CUDA_8G).n_gpu_layers == -1


def test_auto_big_model_gets_as_many_layers_as_fit() -> None:
    plan = plan_gpu_layers("auto", LLAMA_70B, 8192, "f16", CUDA_24G)
    expected = expected_auto(LLAMA_70B, 22 * GiB, 8192)
    assert 20 < expected < 81
    assert plan.n_gpu_layers == expected
    assert plan.backend == "NVIDIA GeForce RTX 4090 (CUDA)"
    assert plan.warnings == ()
    assert plan.notes[0].startswith(
        f"auto: {expected} of 81 layers on NVIDIA GeForce RTX 4090 (CUDA) (22.0 GiB free)"
    )


def test_auto_long_context_leaves_fewer_layers() -> None:
    short = plan_gpu_layers("auto", LLAMA_8B, 4096, "f16", CUDA_8G).n_gpu_layers
    long = plan_gpu_layers("auto", LLAMA_8B, 131072, "f16", CUDA_8G)
    assert short == -1
    assert long.n_gpu_layers == expected_auto(LLAMA_8B, int(7.5 * GiB), 131072)
    assert 0 < long.n_gpu_layers < 33


def test_auto_uses_the_kv_type() -> None:
    f16 = plan_gpu_layers("auto", LLAMA_70B, 32768, "f16", CUDA_24G).n_gpu_layers
    q8 = plan_gpu_layers("auto", LLAMA_70B, 32768, "q8_0", CUDA_24G).n_gpu_layers
    assert q8 == expected_auto(LLAMA_70B, 22 * GiB, 32768, "q8_0")
    assert q8 > f16 > 0


def test_auto_reserve_is_configurable() -> None:
    default = plan_gpu_layers("auto", LLAMA_70B, 8192, "f16", CUDA_24G).n_gpu_layers
    roomy = plan_gpu_layers("auto", LLAMA_70B, 8192, "f16", CUDA_24G, reserve_bytes=4 * GiB)
    assert roomy.n_gpu_layers < default


def test_auto_nothing_fits_warns() -> None:
    busy = replace(RTX_4060, memory_free=1 * GiB)  # another program holds most of the VRAM
    plan = plan_gpu_layers("auto", LLAMA_70B, 8192, "f16", gpu_report(busy))
    assert plan.n_gpu_layers == 0
    assert plan.backend == "CPU"
    (warning,) = plan.warnings
    assert "does not fit in the free VRAM of NVIDIA GeForce RTX 4060 (CUDA)" in warning
    assert "8192-token context" in warning
    assert "runs on the CPU" in warning
    assert plan.notes == ("auto: 0 of 81 layers on NVIDIA GeForce RTX 4060 (CUDA) (1.0 GiB free)",)


def test_auto_picks_the_gpu_with_most_free_memory() -> None:
    second = replace(RTX_4060, name="CUDA1")
    plan = plan_gpu_layers("auto", LLAMA_70B, 8192, "f16", gpu_report(second, RTX_4090))
    assert plan.backend == "NVIDIA GeForce RTX 4090 (CUDA) + 1 more GPU"
    assert plan.n_gpu_layers == expected_auto(LLAMA_70B, 22 * GiB, 8192)


def test_discrete_gpu_wins_over_integrated() -> None:
    report = gpu_report(IRIS, RTX_4060, backends=("CUDA", "Vulkan", "CPU"))
    assert plan_gpu_layers("all", LLAMA_8B, 4096, "f16", report).backend == RTX_4060.label


def test_integrated_gpu_alone_is_used() -> None:
    plan = plan_gpu_layers("auto", LLAMA_8B, 4096, "f16", gpu_report(IRIS, backends=("Vulkan",)))
    assert plan.n_gpu_layers == -1
    assert plan.backend == "Intel(R) Iris(R) Xe Graphics (Vulkan)"


def test_gpu_without_memory_figures_is_not_guessed_for_auto() -> None:
    mute = replace(RTX_4090, memory_total=0, memory_free=0)
    plan = plan_gpu_layers("auto", LLAMA_8B, 4096, "f16", gpu_report(mute))
    assert plan.n_gpu_layers == 0
    assert "does not report its free memory" in plan.warnings[0]
    assert plan_gpu_layers(10, LLAMA_8B, 4096, "f16", gpu_report(mute)).warnings == ()


def test_unlisted_devices_keep_explicit_counts_and_refuse_auto() -> None:
    assert DEVICES_UNKNOWN.gpu_offload_possible
    assert plan_gpu_layers(10, LLAMA_8B, 4096, "f16", DEVICES_UNKNOWN).n_gpu_layers == 10
    assert plan_gpu_layers("all", LLAMA_8B, 4096, "f16", DEVICES_UNKNOWN).n_gpu_layers == -1
    auto = plan_gpu_layers("auto", LLAMA_8B, 4096, "f16", DEVICES_UNKNOWN)
    assert auto.n_gpu_layers == 0
    assert "could not be read" in auto.warnings[0]


def test_unknown_layer_count_is_all_or_nothing_for_auto() -> None:
    odd = FakeGGUF(file_size=300 * MiB, n_layers=0, kv_bytes_per_token=0, vocab_size=None)
    assert plan_gpu_layers("auto", odd, 4096, "f16", CUDA_8G).n_gpu_layers == -1
    assert plan_gpu_layers(7, odd, 4096, "f16", CUDA_8G).n_gpu_layers == 7
    tight = gpu_report(replace(RTX_4060, memory_free=400 * MiB))
    assert plan_gpu_layers("auto", odd, 4096, "f16", tight).n_gpu_layers == 0


def test_bad_request_is_refused() -> None:
    with pytest.raises(ValueError, match="GPU layers"):
        plan_gpu_layers("many", LLAMA_8B, 4096, "f16", CUDA_8G)  # type: ignore[arg-type]


def test_plan_is_picklable() -> None:
    plan = plan_gpu_layers("auto", LLAMA_70B, 8192, "f16", CUDA_24G)
    assert pickle.loads(pickle.dumps(plan)) == plan
