"""Settings → what the engines and the server take: one function per conversion.

The CLI, the window and the API server (started by the window as `hearth serve`) load a model
with the same `LoadParams` for the same settings because they all come through here:
`to_load_params` for the engine, `to_server_args` for the server's command line (which the
server's own `to_load_params` turns back into the same values), `to_remote_config` for a remote
server set in Preferences, `to_sampling_params` for the default sampling.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desktop_app.core.engine.params import LoadParams, SamplingParams, parse_gpu_layers
from desktop_app.core.remote.engine import RemoteConfig
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Load, Remote, Sampling, Setting


def to_load_params(
    settings: Settings,
    model: str | Path,
    *,
    n_ctx: int | None = None,
    n_gpu_layers: str | int | None = None,
    n_threads: int | None = None,
    n_batch: int | None = None,
    flash_attn: str | None = None,
    kv_type: str | None = None,
    use_mmap: bool | None = None,
    use_mlock: bool | None = None,
) -> LoadParams:
    """The load settings for `model`, each keyword (when not None or 0) taking a setting's place.

    Raises ValueError for a value the engine would refuse (checked here, before any load).
    """
    gpu = n_gpu_layers if n_gpu_layers is not None else settings.value(Load.n_gpu_layers)
    params = LoadParams(
        model_path=str(model),
        n_ctx=n_ctx or settings.value(Load.n_ctx),
        n_gpu_layers=parse_gpu_layers(str(gpu)),
        n_threads=n_threads or settings.value(Load.n_threads),
        n_batch=n_batch or settings.value(Load.n_batch),
        flash_attn=flash_attn or settings.value(Load.flash_attn),
        kv_type=kv_type or settings.value(Load.kv_type),
        use_mmap=settings.value(Load.use_mmap) if use_mmap is None else use_mmap,
        use_mlock=settings.value(Load.use_mlock) if use_mlock is None else use_mlock,
    )
    params.validate()
    return params


def to_server_args(settings: Settings) -> list[str]:
    """The load options of `hearth serve` that give the server `to_load_params(settings, ...)`.

    Every option is spelled out, so the server loads what the window would even where its own
    reading of the settings file could differ (a window on a read-only file changed in memory).
    """
    load = to_load_params(settings, "-")
    args = ["--ctx", str(load.n_ctx), "--gpu-layers", str(load.n_gpu_layers)]
    if load.n_threads is not None:
        args += ["--threads", str(load.n_threads)]
    args += ["--batch", str(load.n_batch), "--flash-attn", load.flash_attn]
    args += ["--kv-type", load.kv_type]
    args += ["--mmap" if load.use_mmap else "--no-mmap"]
    args += ["--mlock" if load.use_mlock else "--no-mlock"]
    return args


def remote_config(
    base_url: str, *, api_key: str | None = None, model: str = "", n_ctx: int | None = None
) -> RemoteConfig | None:
    """A remote server from its parts, as typed by a person: blank fields mean none."""
    url = base_url.strip()
    if not url:
        return None
    return RemoteConfig(
        url, api_key=(api_key or "").strip() or None, model=model.strip(), n_ctx=n_ctx or None
    )


def to_remote_config(settings: Settings) -> RemoteConfig | None:
    """The remote server set in Preferences, or None when none is."""
    return remote_config(
        settings.value(Remote.base_url),
        api_key=settings.value(Remote.api_key),
        model=settings.value(Remote.model),
        n_ctx=settings.value(Remote.n_ctx),
    )


def to_sampling_params(
    settings: Settings, overrides: Mapping[str, Any] | None = None
) -> SamplingParams:
    """The default sampling from the settings, with `overrides` (None values skipped) over it.

    The schema's keys are read typed; other SamplingParams fields a person wrote into the
    section by hand (a seed, stop strings) are honoured as before. Raises ValueError (or
    TypeError for a hand-written value of the wrong type) for values the engine would refuse.
    """
    section = settings.get(Sampling.temperature.section, {})
    values: dict[str, Any] = dict(section) if isinstance(section, dict) else {}
    values.update({s.name: settings.value(s) for s in SAMPLING_KEYS})
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    sampling = SamplingParams.from_dict(values)
    sampling.validate()
    return sampling


SAMPLING_KEYS: tuple[Setting[Any], ...] = tuple(
    s for s in vars(Sampling).values() if isinstance(s, Setting)
)


__all__ = [
    "remote_config",
    "to_load_params",
    "to_remote_config",
    "to_sampling_params",
    "to_server_args",
]
