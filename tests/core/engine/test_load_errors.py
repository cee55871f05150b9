"""Every bad model file gets its own message through the engine, and the engine survives it."""

from __future__ import annotations

from pathlib import Path

import pytest
from gguf_factory import write_not_gguf, write_tiny_llama, write_truncated

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import ChatRequest, LoadParams
from desktop_app.core.errors import (
    AppError,
    ModelNotFoundError,
    NotGGUFError,
    OutOfMemoryError,
    TruncatedModelError,
    UnsupportedArchitectureError,
)


def load_error(engine: EngineClient, path: Path, **kw: object) -> AppError:
    with pytest.raises(AppError) as caught:
        engine.load(LoadParams(str(path), n_threads=2, **kw)).result(timeout=120)  # type: ignore[arg-type]
    assert engine.alive, "a bad file must not take the engine down"
    return caught.value


def test_missing_file(bare_engine: EngineClient, tmp_path: Path) -> None:
    err = load_error(bare_engine, tmp_path / "nope.gguf")
    assert isinstance(err, ModelNotFoundError)
    assert "not found" in str(err) and "nope.gguf" in str(err)


@pytest.mark.parametrize("kind", ["html", "zip", "text"])
def test_not_gguf(bare_engine: EngineClient, tmp_path: Path, kind: str) -> None:
    err = load_error(bare_engine, write_not_gguf(tmp_path / f"model-{kind}.gguf", kind))
    assert isinstance(err, NotGGUFError)
    assert "not a GGUF" in str(err)


def test_truncated(bare_engine: EngineClient, starter_model: Path, tmp_path: Path) -> None:
    cut = write_truncated(starter_model, tmp_path / "cut.gguf", 0.5)
    err = load_error(bare_engine, cut)
    assert isinstance(err, TruncatedModelError)
    assert "truncated" in str(err)


def test_unsupported_architecture(bare_engine: EngineClient, tmp_path: Path) -> None:
    model = write_tiny_llama(tmp_path / "odd.gguf", arch="notarealarch")
    err = load_error(bare_engine, model)
    assert isinstance(err, UnsupportedArchitectureError)
    assert "notarealarch" in str(err)
    assert "unknown model architecture" in err.details  # llama.cpp's own words come along


def test_not_enough_memory_for_the_context(bare_engine: EngineClient, starter_model: Path) -> None:
    err = load_error(bare_engine, starter_model, n_ctx=8_000_000)
    assert isinstance(err, OutOfMemoryError)
    assert "8000000-token context" in str(err) and "GiB" in str(err)
    assert "would fit" in str(err)


def test_engine_works_after_all_of_that(bare_engine: EngineClient, starter_model: Path) -> None:
    info = bare_engine.load(LoadParams(str(starter_model), n_ctx=512, n_threads=2)).result(
        timeout=120
    )
    assert isinstance(info, ModelInfo)
    assert info.architecture == "llama" and info.n_ctx == 512
    assert info.chat_template_source == "model"
    assert info.backend == "CPU" and info.n_gpu_layers_offloaded == 0
    text = bare_engine.chat(
        ChatRequest.of([{"role": "user", "content": "Hi"}], seed=1, max_tokens=6)
    )
    assert text.text(timeout=60)


def test_gpu_requested_on_a_cpu_build_is_said_not_silent(
    bare_engine: EngineClient, starter_model: Path
) -> None:
    info = bare_engine.load(
        LoadParams(str(starter_model), n_ctx=512, n_threads=2, n_gpu_layers="all")
    ).result(timeout=120)
    assert info.n_gpu_layers_offloaded == 0
    assert any("GPU was requested" in w and "CPU" in w for w in info.warnings), info.warnings


def test_model_without_chat_template_uses_stated_fallback(
    bare_engine: EngineClient, tmp_path: Path
) -> None:
    model = write_tiny_llama(tmp_path / "tiny.gguf", chat_template=None)
    info = bare_engine.load(LoadParams(str(model), n_ctx=128, n_threads=2)).result(timeout=120)
    assert info.chat_template_source == "fallback"
    assert any("no chat template" in w for w in info.warnings)
    events = list(
        bare_engine.chat(
            ChatRequest.of([{"role": "user", "content": "hello"}], seed=1, max_tokens=4)
        ).events(timeout=60)
    )
    from desktop_app.core.engine.events import Done, Warning_

    assert any(isinstance(e, Warning_) and e.code == "template_fallback" for e in events)
    assert isinstance(events[-1], Done)
