"""What the terminal commands share: engine and sampling options, opening the engine, sampling.

Each command module (cli_chat, cli_summarize, cli_sentiment, cli_serve) imports these helpers
from here; cli.py only builds the parser and dispatches, so no command reaches back into it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli_output import note
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import FLASH_ATTN, KV_TYPES, LoadParams, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.environment import env_name, get_env
from desktop_app.core.models.resolve import resolve_model
from desktop_app.core.remote.engine import RemoteEngine
from desktop_app.core.settings_bridge import remote_config, to_load_params, to_sampling_params
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings
from desktop_app.core.text_decode import decode

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
REMOTE_KEY_ENV = env_name("REMOTE_API_KEY")
SAMPLING_OPTIONS = (
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "repeat_penalty",
    "seed",
    "max_tokens",
)


def add_load_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("load options (defaults from settings)")
    g.add_argument("-c", "--ctx", type=int, metavar="N", help="context size in tokens")
    g.add_argument("-ngl", "--gpu-layers", metavar="N|all|auto",
                   help="layers on the GPU: a number, 'all', or 'auto' (as many as fit)")  # fmt: skip
    g.add_argument("-t", "--threads", type=int, metavar="N", help="CPU threads")
    g.add_argument("-b", "--batch", type=int, metavar="N", help="prompt batch size")
    g.add_argument("--flash-attn", choices=FLASH_ATTN, help="flash attention")
    g.add_argument("--kv-type", choices=KV_TYPES, help="KV-cache type")
    g.add_argument("--mmap", action=argparse.BooleanOptionalAction,
                   help="map the model file (--no-mmap: read it into RAM)")  # fmt: skip
    g.add_argument("--mlock", action=argparse.BooleanOptionalAction,
                   help="lock the model in RAM")  # fmt: skip


def add_remote_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("remote server (instead of a local model)")
    g.add_argument("--remote", metavar="URL",
                   help="an OpenAI-compatible server, e.g. http://host:8080/v1 (llama-server, vLLM, "
                        "Ollama, hearth serve)")  # fmt: skip
    g.add_argument("--api-key", metavar="KEY",
                   help=f"the server's API key (default: ${REMOTE_KEY_ENV})")  # fmt: skip
    g.add_argument("--remote-model", metavar="NAME", default="",
                   help="the model on the server (default: its first)")  # fmt: skip


def add_engine_options(p: argparse.ArgumentParser) -> None:
    """Load options for a local model and the remote-server options: the tasks take both."""
    add_load_options(p)
    add_remote_options(p)


def open_engine(
    args: argparse.Namespace, settings: Settings, quiet: bool
) -> tuple[Engine, ModelInfo]:
    """The remote server given with --remote, else the local engine with the model loaded."""
    if getattr(args, "remote", None):
        config = remote_config(
            args.remote,
            api_key=args.api_key or get_env("REMOTE_API_KEY"),
            model=args.remote_model or "",
            n_ctx=args.ctx,
        )
        if config is None:
            raise ValueError("--remote needs a server address")
        remote = RemoteEngine(config)
        info = remote.load().result()
        assert isinstance(info, ModelInfo)
        if not quiet:
            note(f"{info.name} on {info.backend}, context {info.n_ctx}")
            for n in info.notes:
                note(f"note: {n}")
        return remote, info
    model = resolve_model(getattr(args, "model", None), settings)
    return start_and_load(load_params(args, model, settings), quiet)


def add_sampling_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sampling")
    g.add_argument("--temp", "--temperature", dest="temperature", type=float, metavar="T")
    g.add_argument("--top-p", type=float, metavar="P")
    g.add_argument("--top-k", type=int, metavar="K")
    g.add_argument("--min-p", type=float, metavar="P")
    g.add_argument("--repeat-penalty", type=float, metavar="R")
    g.add_argument(
        "-s", "--seed", type=int, help="same seed, same answer (default: a new one each time)"
    )
    g.add_argument("-n", "--max-tokens", type=int, metavar="N", help="longest answer, in tokens")
    g.add_argument(
        "--stop", action="append", default=[], metavar="TEXT", help="stop string (repeatable)"
    )
    g.add_argument("--system", metavar="TEXT", help="system prompt")


def load_params(args: argparse.Namespace, model: Path, settings: Settings) -> LoadParams:
    """The settings' load options with the ones given on the command line over them."""
    return to_load_params(
        settings,
        model,
        n_ctx=args.ctx,
        n_gpu_layers=args.gpu_layers,
        n_threads=args.threads,
        n_batch=args.batch,
        flash_attn=args.flash_attn,
        kv_type=args.kv_type,
        use_mmap=args.mmap,
        use_mlock=args.mlock,
    )


def sampling_from(args: argparse.Namespace, settings: Settings) -> SamplingParams:
    """The app's sampling settings, with the options given on the command line over them."""
    overrides: dict[str, Any] = {name: getattr(args, name) for name in SAMPLING_OPTIONS}
    overrides["stop"] = tuple(args.stop)
    return to_sampling_params(settings, overrides)


def start_and_load(params: LoadParams, quiet: bool) -> tuple[EngineClient, ModelInfo]:
    """A fresh engine process with the model loaded; Ctrl+C during the load closes it."""
    paths = app_paths().ensure()
    engine = EngineClient(log_dir=paths.log_dir).start()
    try:
        handle = engine.load(params)
        while True:
            try:
                info = handle.result()
                break
            except KeyboardInterrupt:
                engine.close()
                raise
    except BaseException:
        engine.close()
        raise
    assert isinstance(info, ModelInfo)
    if not quiet:
        where = info.backend if info.n_gpu_layers_offloaded else "CPU"
        note(
            f"{info.name}: {info.architecture}, context {info.n_ctx}, on {where} "
            f"({info.n_gpu_layers_offloaded}/{info.n_layers} layers on GPU), loaded in {info.load_s:.1f} s"
        )
    if not quiet:
        for n in info.notes:
            note(f"note: {n}")
    for w in info.warnings:
        note(f"warning: {w}")
    return engine, info


def read_prompt(arg: str, what: str = "the prompt") -> str:
    """The prompt from the command line or ('-') standard input, checked before any model loads.

    Standard input is read as bytes and decoded like a document (UTF-8, a BOM, UTF-16,
    GB18030, Windows-1252); an argument Python could not decode as UTF-8 carries lone
    surrogates, which no model can take: both are refused with the reason."""
    if arg == "-":
        return decode(sys.stdin.buffer.read(), name=f"{what} on standard input").text
    check_text(arg, what)
    return arg


def check_text(text: str, what: str) -> None:
    for i, c in enumerate(text):
        if "\ud800" <= c <= "\udfff":
            byte = f" (byte 0x{ord(c) - 0xDC00:02X})" if "\udc80" <= c <= "\udcff" else ""
            raise ValueError(
                f"{what.capitalize()} is not valid UTF-8{byte} at character {i + 1}: "
                "set the terminal to UTF-8, or pass the text with '-' on standard input."
            )


__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "REMOTE_KEY_ENV",
    "SAMPLING_OPTIONS",
    "add_engine_options",
    "add_load_options",
    "add_remote_options",
    "add_sampling_options",
    "check_text",
    "load_params",
    "open_engine",
    "read_prompt",
    "sampling_from",
    "start_and_load",
]
