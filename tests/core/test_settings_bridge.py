"""One conversion each: the CLI, the window and the API server get the same LoadParams for the
same settings (the window's side is in tests/ui/test_server_switch.py, which checks that
MainWindow.load_params is this bridge)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli import build_parser
from desktop_app.cli_common import load_params, sampling_from
from desktop_app.core.engine.params import DEFAULT_N_CTX, LoadParams
from desktop_app.core.remote.engine import RemoteConfig
from desktop_app.core.settings_bridge import (
    to_load_params,
    to_remote_config,
    to_sampling_params,
    to_server_args,
)
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Load, Remote, Sampling

MODEL = "/models/m.gguf"

VARIANTS: list[dict[str, Any]] = [
    {},
    {"load.n_ctx": 1024, "load.n_threads": 3, "load.n_gpu_layers": 12},
    {"load.n_gpu_layers": "all", "load.n_batch": 64, "load.flash_attn": "off"},
    {"load.kv_type": "q8_0", "load.use_mmap": False, "load.use_mlock": True},
    {"load.n_gpu_layers": 0, "load.flash_attn": "on", "load.n_ctx": 32768},
]


def _settings(tmp_path: Path, values: dict[str, Any]) -> Settings:
    s = Settings.load(tmp_path / "settings.json")
    for key, value in values.items():
        s.set(key, value)
    return s


def _cli(*argv: str) -> Any:
    return build_parser().parse_args(list(argv))


@pytest.mark.parametrize("values", VARIANTS, ids=lambda v: ",".join(v) or "defaults")
def test_cli_window_and_server_load_the_same(tmp_path: Path, values: dict[str, Any]) -> None:
    settings = _settings(tmp_path, values)
    expected = to_load_params(settings, MODEL)
    # the CLI without load options: the settings
    assert load_params(_cli("run", MODEL, "hi"), Path(MODEL), settings) == expected
    # the server the window starts: its command line alone says it (even on default settings)
    serve = _cli("serve", MODEL, "--port", "0", *to_server_args(settings))
    for server_settings in (settings, Settings(tmp_path / "other.json")):
        assert load_params(serve, Path(MODEL), server_settings) == expected


def test_the_defaults_are_the_schema_s(tmp_path: Path) -> None:
    p = to_load_params(Settings(tmp_path / "s.json"), MODEL)
    assert p == LoadParams(MODEL, n_ctx=DEFAULT_N_CTX, n_gpu_layers="auto")
    assert p.n_ctx == Load.n_ctx.default == 4096


def test_command_line_options_win(tmp_path: Path) -> None:
    settings = _settings(tmp_path, VARIANTS[3])
    args = _cli("run", MODEL, "hi", "-c", "2048", "-ngl", "all", "-t", "2", "--mmap",
                "--no-mlock", "--kv-type", "f16")  # fmt: skip
    p = load_params(args, Path(MODEL), settings)
    assert (p.n_ctx, p.n_gpu_layers, p.n_threads, p.kv_type) == (2048, "all", 2, "f16")
    assert p.use_mmap and not p.use_mlock
    old_flags = load_params(_cli("run", MODEL, "hi", "--no-mmap", "--mlock"), Path(MODEL),
                            _settings(tmp_path, {}))  # fmt: skip
    assert not old_flags.use_mmap and old_flags.use_mlock


def test_a_refused_value_is_a_value_error(tmp_path: Path) -> None:
    settings = _settings(tmp_path, {})
    with pytest.raises(ValueError, match="GPU layers"):
        to_load_params(settings, MODEL, n_gpu_layers="many")
    with pytest.raises(ValueError, match="at least 16"):
        load_params(_cli("run", MODEL, "hi", "-c", "8"), Path(MODEL), settings)


def test_remote_config(tmp_path: Path) -> None:
    settings = _settings(tmp_path, {})
    assert to_remote_config(settings) is None
    settings.put(Remote.base_url, "   ")
    assert to_remote_config(settings) is None
    settings.put(Remote.base_url, " http://host:8080/v1 ")
    settings.put(Remote.api_key, "  ")
    assert to_remote_config(settings) == RemoteConfig("http://host:8080/v1")
    settings.put(Remote.api_key, "k")
    settings.put(Remote.model, "qwen")
    settings.put(Remote.n_ctx, 8192)
    assert to_remote_config(settings) == RemoteConfig(
        "http://host:8080/v1", api_key="k", model="qwen", n_ctx=8192
    )


def test_sampling(tmp_path: Path) -> None:
    settings = _settings(tmp_path, {"sampling.temperature": 0.3, "sampling.max_tokens": 64})
    s = to_sampling_params(settings)
    assert (s.temperature, s.max_tokens, s.top_k) == (0.3, 64, Sampling.top_k.default)
    settings.set("sampling.seed", 7)  # a SamplingParams field written by hand: honoured
    assert to_sampling_params(settings).seed == 7
    cli = sampling_from(_cli("run", MODEL, "hi", "--temp", "0.9", "--stop", "END"), settings)
    assert (cli.temperature, cli.max_tokens, cli.stop, cli.seed) == (0.9, 64, ("END",), 7)
