"""The inspector's memory estimate against what llama.cpp allocates in a real engine load.

The engine reads llama.cpp's own figures from its log (llama_log.parse_memory) into the load's
ModelInfo; the inspector controller pairs them with its estimate at the load's settings. Real
loads of the starter model in the engine process: no fakes.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from desktop_app.core.controllers.inspector import (
    Inspected,
    InspectFailed,
    InspectorController,
    LoadedChanged,
)
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.llama_log import parse_memory
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.models.anatomy import inspect_model

MiB = 1 << 20


def _inspect(controller: InspectorController, path: Path) -> None:
    """Inspect on the controller's own worker (its default runner) and wait for the answer."""
    done = threading.Event()

    def listener(event: object) -> None:
        if isinstance(event, Inspected | InspectFailed):
            done.set()

    controller.add_listener(listener)
    controller.inspect(str(path))
    assert done.wait(30)
    controller.remove_listener(listener)


@pytest.mark.parametrize(("kv_type", "flash"), [("f16", "off"), ("q8_0", "auto"), ("f16", "on")])
def test_the_estimate_beside_llama_cpps_allocation(
    bare_engine: EngineClient, starter_model: Path, kv_type: str, flash: str
) -> None:
    params = LoadParams(
        str(starter_model), n_ctx=4096, n_threads=2, kv_type=kv_type, flash_attn=flash
    )
    info = bare_engine.load(params).result(timeout=120)
    assert isinstance(info, ModelInfo) and info.memory is not None
    real = info.memory
    # q8_0 V cache: llama.cpp needs flash attention and turns it on; the engine says so
    assert real.flash_attn is (flash != "off")
    controller = InspectorController()
    _inspect(controller, starter_model)
    seen: list[object] = []
    controller.add_listener(seen.append)
    controller.set_loaded(info)
    assert isinstance(seen[-1], LoadedChanged)
    reported = controller.reported
    assert reported is not None
    est = reported.estimate
    assert (est.ctx, est.kv_type) == (4096, kv_type)
    # the KV cache exactly (to the log's 0.01 MiB): 90.00 MiB in f16, 47.81 MiB in q8_0
    assert round(est.kv_cache_bytes / MiB, 2) == round(real.kv_cache_bytes / MiB, 2)
    assert round(real.kv_cache_bytes / MiB, 2) == (90.0 if kv_type == "f16" else 47.81)
    assert round(est.weights_bytes / MiB, 2) == round(real.weights_bytes / MiB, 2)
    real_total = real.weights_bytes + real.kv_cache_bytes + real.compute_bytes + real.output_bytes
    assert abs(est.total_bytes - real_total) <= 0.10 * real_total, (est, real)
    assert abs(est.compute_bytes - real.compute_bytes) <= 0.10 * real.compute_bytes


def test_only_the_loaded_file_gets_the_comparison(
    bare_engine: EngineClient, starter_model: Path, tmp_path: Path
) -> None:
    info = bare_engine.load(LoadParams(str(starter_model), n_ctx=1024, n_threads=2)).result(
        timeout=120
    )
    copy = tmp_path / "other.gguf"
    copy.write_bytes(starter_model.read_bytes())  # the same bytes, another file
    controller = InspectorController()
    controller.set_loaded(info)
    _inspect(controller, copy)
    assert controller.anatomy is not None and controller.reported is None
    _inspect(controller, starter_model)
    reported = controller.reported
    assert reported is not None and reported.estimate.ctx == 1024  # the load's, not the view's
    controller.set_loaded(None)
    assert controller.reported is None
    remote = ModelInfo(
        str(starter_model), "m", "llama", 4096, 8192, 31, "0", 0, "CPU", "model", 0.1
    )
    controller.set_loaded(remote)  # a remote server reports no figures: no comparison
    assert controller.reported is None
    assert inspect_model(starter_model).weights_bytes == reported.estimate.weights_bytes


def test_the_log_parser_reads_every_device_and_the_last_reserve() -> None:
    lines = [
        "load_tensors:   CPU_Mapped model buffer size =    92.10 MiB",
        "load_tensors:        CUDA0 model buffer size =   100.00 MiB",
        "llama_context: flash_attn            = auto",
        "llama_context:        CPU  output buffer size =     1.50 MiB",
        "llama_kv_cache_unified:        CPU KV buffer size =    10.00 MiB",
        "llama_kv_cache_unified: size =   10.00 MiB (  4096 cells, ...), K (f16): 5.00 MiB",
        "llama_kv_cache: size =    2.50 MiB (  1024 cells, ...)",  # the SWA cache of the same load
        "resolve_fused_ops: Flash Attention enabled",
        "sched_reserve:        CPU compute buffer size =    50.00 MiB",
        "sched_reserve:      CUDA0 compute buffer size =    20.00 MiB",
        "sched_reserve:        CPU compute buffer size =    60.00 MiB",
    ]
    memory = parse_memory(lines)
    assert memory is not None
    assert memory.weights_bytes == round(192.10 * MiB)
    assert memory.kv_cache_bytes == round(12.5 * MiB)
    assert memory.compute_bytes == 80 * MiB and memory.output_bytes == round(1.5 * MiB)
    assert memory.flash_attn is True
    assert parse_memory(["print_info: file size = 92.10 MiB"]) is None
