"""Load options reach llama.cpp: KV-cache type, flash attention, mmap/mlock, batch, GPU layers."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import ChatRequest, LoadParams, parse_gpu_layers

HI = [{"role": "user", "content": "Say hi."}]


@pytest.fixture(scope="module")
def client(bare_engine: EngineClient) -> EngineClient:
    return bare_engine


def load(client: EngineClient, model: Path, **kw: object) -> ModelInfo:
    info = client.load(LoadParams(str(model), n_threads=2, **kw)).result(timeout=120)  # type: ignore[arg-type]
    assert isinstance(info, ModelInfo)
    assert client.chat(ChatRequest.of(HI, seed=1, max_tokens=6)).text(timeout=60)
    return info


@pytest.mark.parametrize(
    "options",
    [
        {"kv_type": "q8_0", "flash_attn": "auto"},
        {"kv_type": "q4_0", "flash_attn": "on", "n_batch": 64},
        {"kv_type": "f16", "flash_attn": "off", "use_mmap": False},
        {"use_mlock": True, "n_ctx": 256},
    ],
)
def test_options_load_and_answer(client: EngineClient, starter_model: Path, options: dict) -> None:
    info = load(client, starter_model, **options)
    assert info.kv_type == options.get("kv_type", "f16")
    assert info.n_ctx == options.get("n_ctx", 4096)


def test_quantized_cache_without_flash_attention_is_refused(
    client: EngineClient, starter_model: Path
) -> None:
    with pytest.raises(Exception, match="needs flash attention"):
        client.load(LoadParams(str(starter_model), kv_type="q8_0", flash_attn="off")).result(
            timeout=60
        )
    assert client.alive


def test_auto_gpu_layers_on_a_cpu_machine_is_explained(
    client: EngineClient, starter_model: Path
) -> None:
    info = load(client, starter_model, n_gpu_layers="auto", n_ctx=512)
    assert info.n_gpu_layers_offloaded == 0 and info.backend == "CPU"
    assert any("CPU" in n for n in info.notes), info.notes
    assert not info.warnings  # "auto" asked for no GPU in particular: a note, not a warning


def test_gpu_layers_parsing() -> None:
    assert parse_gpu_layers("auto") == "auto"
    assert parse_gpu_layers("ALL") == "all"
    assert parse_gpu_layers("-1") == "all"
    assert parse_gpu_layers("12") == 12
    with pytest.raises(ValueError, match="GPU layers"):
        parse_gpu_layers("lots")


def test_load_reports_progress(client: EngineClient, starter_model: Path) -> None:
    from desktop_app.core.engine.events import Progress

    seen: list[float] = []
    handle = client.load(
        LoadParams(str(starter_model), n_ctx=512, n_threads=2),
        callback=lambda e: seen.append(e.fraction) if isinstance(e, Progress) else None,
    )
    assert isinstance(handle.result(timeout=120), ModelInfo)
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == 1.0


def test_a_load_can_be_cancelled_and_the_engine_stays_usable(
    client: EngineClient, starter_model: Path
) -> None:
    from desktop_app.core.engine.events import Progress
    from desktop_app.core.errors import CancelledError

    handles: list = []

    def on_event(e: object) -> None:
        if isinstance(e, Progress) and e.fraction < 1.0:
            handles[0].cancel()  # the user pressed Cancel while the model was loading

    handles.append(
        client.load(LoadParams(str(starter_model), n_ctx=512, n_threads=2), callback=on_event)
    )
    with pytest.raises(CancelledError):
        handles[0].result(timeout=120)
    assert client.alive
    load(client, starter_model, n_ctx=512)
