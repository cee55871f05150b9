"""`hearth serve [MODEL]`: the model behind a local OpenAI-compatible API.

The address is checked before the model loads (a non-loopback address without an API key is
refused), the port is bound before the load too (a busy port fails at once), and the URL is
printed on standard error once the model is ready. Ctrl+C stops: running answers end, the
engine closes.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import sys
from dataclasses import replace
from pathlib import Path

from desktop_app.cli_common import EXIT_INTERRUPTED, add_load_options, load_params
from desktop_app.cli_output import note
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.environment import env_name, get_env
from desktop_app.core.gguf_reader import inspect_gguf
from desktop_app.core.models.library import ModelLibrary
from desktop_app.core.models.resolve import resolve_model
from desktop_app.core.settings_bridge import to_sampling_params
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings
from desktop_app.server.app import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_QUEUE,
    DEFAULT_PORT,
    ApiServer,
    ServeConfig,
)
from desktop_app.server.cors import normalize_origin

API_KEY_ENV = env_name("API_KEY")


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the `serve` command (with the load options of cli_common)."""
    p = subparsers.add_parser(
        "serve",
        help="serve a model through a local OpenAI-compatible API",
        description="Serve a model at http://HOST:PORT/v1 (chat completions, completions, "
        "embeddings, models; streaming, logprobs; Anthropic-style /v1/messages too). Listens on 127.0.0.1 unless told otherwise; any other "
        "address needs an API key. Ctrl+C stops.",
    )
    p.add_argument("model", metavar="MODEL", nargs="?",
                   help="a .gguf path, a name in the models folder, or 'starter' (default: the default model)")  # fmt: skip
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; others need --api-key)")  # fmt: skip
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")  # fmt: skip
    p.add_argument("--api-key", metavar="KEY",
                   help=f"require 'Authorization: Bearer KEY' or 'x-api-key: KEY' (or set {API_KEY_ENV})")  # fmt: skip
    p.add_argument("--max-queue", type=int, default=DEFAULT_MAX_QUEUE, metavar="N",
                   help=f"requests that may wait for the model; more get 503 (default {DEFAULT_MAX_QUEUE})")  # fmt: skip
    p.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES, metavar="N",
                   help=f"largest request body; larger get 413 (default {DEFAULT_MAX_BODY_BYTES})")  # fmt: skip
    p.add_argument("--cors", action="append", metavar="ORIGIN",
                   help="let a web page at ORIGIN (e.g. http://localhost:3000) call the API; "
                        "repeatable; default: no page may")  # fmt: skip
    p.add_argument("--embedding-model", metavar="GGUF",
                   help="a .gguf path or a name in the models folder for /v1/embeddings "
                        "(default: the served model, in embedding mode)")  # fmt: skip
    p.add_argument("--max-models", type=int, default=1, metavar="N",
                   help="models loaded at once; a request naming another model of the models "
                        "folder loads it, unloading the least recently used idle one (default 1)")  # fmt: skip
    p.add_argument("--ttl", type=float, metavar="SECONDS",
                   help="unload a model after this long without requests (default: never)")  # fmt: skip
    p.add_argument("--no-warmup", dest="warm_up", action="store_false",
                   help="skip the short generation after the load that makes the first request as fast as the next")  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no line per request on standard error")  # fmt: skip
    add_load_options(p)
    return p


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until Ctrl+C: 0 after a clean stop, 130 when stopped while loading."""
    config = ServeConfig(
        host=args.host,
        port=args.port,
        api_key=args.api_key or get_env("API_KEY") or None,
        max_queue=args.max_queue,
        max_body_bytes=args.max_body_bytes,
        warm_up=args.warm_up,
        embedding_model=_embedding_model(args.embedding_model, settings),
        cors_origins=tuple(normalize_origin(o) for o in args.cors or ()),
        max_models=args.max_models,
        ttl_s=args.ttl,
    )
    config.validate()  # before the model loads: a refused address costs nothing
    model = resolve_model(args.model, settings)
    params = load_params(args, model, settings)
    server = ApiServer(
        config,
        params,
        default_sampling(settings),
        log_dir=app_paths().log_dir,
        notify=note,
        find_models=functools.partial(installed_models, settings),
    )
    handler = _request_log(args.quiet)
    try:
        return asyncio.run(server.run())
    except KeyboardInterrupt:  # where asyncio cannot take signals (Windows)
        server.engine.close()
        note("stopped")
        return EXIT_INTERRUPTED
    finally:
        logging.getLogger("desktop_app.server").removeHandler(handler)


def _embedding_model(name: str | None, settings: Settings) -> str | None:
    """--embedding-model as a path, resolved as MODEL is (a path or a name in the models folder)
    and checked before the server starts: a bad file is said now, not at the first request."""
    if not name:
        return None
    path = resolve_model(name, settings)
    inspect_gguf(path)
    return str(path.resolve())


def installed_models(settings: Settings) -> dict[str, Path]:
    """What a request may name besides the served model: the library's usable models by id."""
    listing = ModelLibrary(settings=settings).list_models()
    return {m.name: m.path for m in listing.models if m.ok}


def default_sampling(settings: Settings) -> SamplingParams:
    """The app's sampling settings, for fields a request leaves out (never a fixed seed)."""
    try:
        sampling = to_sampling_params(settings)
    except (TypeError, ValueError):
        sampling = SamplingParams()
    return replace(sampling, seed=None, stop=(), logprobs=None)


def _request_log(quiet: bool) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    handler.setLevel(logging.WARNING if quiet else logging.INFO)
    logger = logging.getLogger("desktop_app.server")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler
