"""The `hearth` command: the GUI by default, and run / chat / info in a terminal.

The terminal commands use the same engine process as the GUI, so a model that crashes
llama.cpp ends with a message here too, not a dead terminal.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app import (
    APP_ID,
    APP_NAME,
    __version__,
    cli_models,
    cli_sentiment,
    cli_serve,
    cli_summarize,
    self_test,
)
from desktop_app.cli_output import err as _err
from desktop_app.cli_output import note as _note
from desktop_app.core.engine.client import EngineClient, RequestHandle
from desktop_app.core.engine.events import Done, Error, ModelInfo, Stats, Token, Warning_
from desktop_app.core.engine.params import (
    FLASH_ATTN,
    KV_TYPES,
    ChatRequest,
    LoadParams,
    Message,
    SamplingParams,
    parse_gpu_layers,
)
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.environment import env_name, get_env
from desktop_app.core.errors import AppError
from desktop_app.core.models.resolve import resolve_model
from desktop_app.core.storage import legacy
from desktop_app.core.storage.logs import setup_logging
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings

EXIT_USAGE = 2
REMOTE_KEY_ENV = env_name("REMOTE_API_KEY")
EXIT_INTERRUPTED = 130


# ---- options ------------------------------------------------------------------------------


def _add_load_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("load options (defaults from settings)")
    g.add_argument("-c", "--ctx", type=int, metavar="N", help="context size in tokens")
    g.add_argument("-ngl", "--gpu-layers", metavar="N|all|auto",
                   help="layers on the GPU: a number, 'all', or 'auto' (as many as fit)")  # fmt: skip
    g.add_argument("-t", "--threads", type=int, metavar="N", help="CPU threads")
    g.add_argument("-b", "--batch", type=int, metavar="N", help="prompt batch size")
    g.add_argument("--flash-attn", choices=FLASH_ATTN, help="flash attention")
    g.add_argument("--kv-type", choices=KV_TYPES, help="KV-cache type")
    g.add_argument(
        "--no-mmap", action="store_true", help="read the model into RAM instead of mapping it"
    )
    g.add_argument("--mlock", action="store_true", help="lock the model in RAM")


def _add_remote_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("remote server (instead of a local model)")
    g.add_argument("--remote", metavar="URL",
                   help="an OpenAI-compatible server, e.g. http://host:8080/v1 (llama-server, vLLM, "
                        "Ollama, hearth serve)")  # fmt: skip
    g.add_argument("--api-key", metavar="KEY",
                   help=f"the server's API key (default: ${REMOTE_KEY_ENV})")  # fmt: skip
    g.add_argument("--remote-model", metavar="NAME", default="",
                   help="the model on the server (default: its first)")  # fmt: skip


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    """Load options for a local model and the remote-server options: the tasks take both."""
    _add_load_options(p)
    _add_remote_options(p)


def _open_engine(
    args: argparse.Namespace, settings: Settings, quiet: bool
) -> tuple[Engine, ModelInfo]:
    """The remote server given with --remote, else the local engine with the model loaded."""
    if getattr(args, "remote", None):
        from desktop_app.core.remote.engine import RemoteConfig, RemoteEngine

        remote = RemoteEngine(
            RemoteConfig(
                args.remote,
                api_key=args.api_key or get_env("REMOTE_API_KEY") or None,
                model=args.remote_model or "",
                n_ctx=args.ctx or None,
            )
        )
        info = remote.load().result()
        assert isinstance(info, ModelInfo)
        if not quiet:
            _note(f"{info.name} on {info.backend}, context {info.n_ctx}")
            for n in info.notes:
                _note(f"note: {n}")
        return remote, info
    model = resolve_model(getattr(args, "model", None), settings)
    return _start_and_load(_load_params(args, model, settings), quiet)


def _add_sampling_options(p: argparse.ArgumentParser) -> None:
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


def _load_params(args: argparse.Namespace, model: Path, settings: Settings) -> LoadParams:
    d = settings.get("load", {}) or {}
    gpu = args.gpu_layers if args.gpu_layers is not None else str(d.get("n_gpu_layers", "auto"))
    params = LoadParams(
        model_path=str(model),
        n_ctx=args.ctx or int(d.get("n_ctx", 4096)),
        n_gpu_layers=parse_gpu_layers(str(gpu)),
        n_threads=args.threads or d.get("n_threads"),
        n_batch=args.batch or int(d.get("n_batch", 512)),
        flash_attn=args.flash_attn or str(d.get("flash_attn", "auto")),
        kv_type=args.kv_type or str(d.get("kv_type", "f16")),
        use_mmap=not args.no_mmap and bool(d.get("use_mmap", True)),
        use_mlock=args.mlock or bool(d.get("use_mlock", False)),
    )
    params.validate()
    return params


def _sampling(args: argparse.Namespace, settings: Settings) -> SamplingParams:
    values: dict[str, Any] = dict(settings.get("sampling", {}) or {})
    for name in ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "seed", "max_tokens"):
        value = getattr(args, name)
        if value is not None:
            values[name] = value
    values["stop"] = tuple(args.stop)
    sampling = SamplingParams.from_dict(values)
    sampling.validate()
    return sampling


# ---- streaming ----------------------------------------------------------------------------


def _stream(handle: RequestHandle, *, show_stats: bool) -> Done | None:
    """Print tokens as they come. Ctrl+C cancels the generation and keeps what was written.

    While streaming, Ctrl+C is a signal handler that asks for the cancel, not a KeyboardInterrupt:
    one raised in the middle of printing a token would escape and end the whole chat.
    """
    done: Done | None = None
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda _sig, _frame: handle.cancel())
    try:
        while done is None:
            done = _print_event(handle.next_event(), show_stats)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if done is not None and not done.text.endswith("\n"):
        sys.stdout.write("\n")
        sys.stdout.flush()
    return done


def _print_event(event: object, show_stats: bool) -> Done | None:
    """Show one streamed event; the Done that ends the stream, else None."""
    if isinstance(event, Token):
        sys.stdout.write(event.text)
        sys.stdout.flush()
    elif isinstance(event, Warning_):
        _note(f"warning: {event.message}")
    elif isinstance(event, Stats) and show_stats:
        _note(
            f"\n[{event.completion_tokens} tokens, {event.gen_tps:.1f} tok/s, "
            f"first token {event.ttft_s * 1000:.0f} ms, prompt {event.prompt_tokens} tokens "
            f"at {event.prompt_tps:.0f} tok/s, seed {event.seed}]"
        )
    elif isinstance(event, Done):
        if event.finish_reason == "cancelled":
            _note("\n[stopped]")
        return event
    elif isinstance(event, Error):
        raise event.error
    return None


def _start_and_load(params: LoadParams, quiet: bool) -> tuple[EngineClient, ModelInfo]:
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
        _note(
            f"{info.name}: {info.architecture}, context {info.n_ctx}, on {where} "
            f"({info.n_gpu_layers_offloaded}/{info.n_layers} layers on GPU), loaded in {info.load_s:.1f} s"
        )
    if not quiet:
        for n in info.notes:
            _note(f"note: {n}")
    for w in info.warnings:
        _note(f"warning: {w}")
    return engine, info


# ---- commands -----------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    sampling = _sampling(args, settings)
    engine, _ = _open_engine(args, settings, args.quiet)
    try:
        messages: list[Message] = []
        if args.system:
            messages.append({"role": "system", "content": args.system})
        prompt = args.prompt if args.prompt != "-" else sys.stdin.read()
        messages.append({"role": "user", "content": prompt})
        done = _stream(
            engine.chat(ChatRequest(tuple(messages), sampling)), show_stats=not args.quiet
        )
        return EXIT_INTERRUPTED if done and done.finish_reason == "cancelled" else 0
    finally:
        engine.close()


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    sampling = _sampling(args, settings)
    engine, _ = _open_engine(args, settings, False)
    history: list[Message] = []
    system = args.system
    _note("Type a message and press Enter. /reset clears the chat, /system TEXT sets the system "
          "prompt, /exit quits. Ctrl+C stops an answer; Ctrl+D quits.")  # fmt: skip
    try:
        while True:
            try:
                line = input("> ")
            except EOFError:
                print()
                return 0
            except KeyboardInterrupt:
                print()
                return 0
            text = line.strip()
            if not text:
                continue
            if text in ("/exit", "/quit"):
                return 0
            if text == "/reset":
                history.clear()
                _note("[chat cleared]")
                continue
            if text.startswith("/system"):
                system = text[len("/system") :].strip() or None
                _note(f"[system prompt {'set' if system else 'cleared'}]")
                continue
            history.append({"role": "user", "content": line})
            messages = ([{"role": "system", "content": system}] if system else []) + history
            try:
                done = _stream(engine.chat(ChatRequest(tuple(messages), sampling)), show_stats=True)
            except AppError as exc:
                history.pop()
                _err(str(exc))
                if not engine.alive:
                    _note("Restarting the engine…")
                    engine.close()
                    engine, _ = _open_engine(args, settings, True)
                continue
            if done is not None and done.text:
                history.append({"role": "assistant", "content": done.text})
    finally:
        engine.close()


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.engine.hardware import hardware_report
    from desktop_app.core.models.gguf_info import inspect_gguf

    out: dict[str, Any] = {}
    report = hardware_report()
    if args.model:
        model = resolve_model(args.model, settings)
        info = inspect_gguf(model)
        out["model"] = info
    if args.json:
        payload: dict[str, Any] = {"app": __version__, "hardware": report.to_dict()}
        if "model" in out:
            payload["model"] = _model_dict(out["model"])
        print(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return 0
    print(f"{APP_NAME} {__version__}")
    print(report.format())
    if "model" in out:
        print()
        print(_format_model(out["model"]))
    return 0


def _model_dict(info: Any) -> dict[str, Any]:
    keys = ("path", "file_size", "architecture", "name", "n_params", "quantization", "context_length",
            "n_layers", "n_embd", "n_head", "n_head_kv", "license", "gguf_version")  # fmt: skip
    d = {k: getattr(info, k, None) for k in keys}
    d["chat_template"] = bool(getattr(info, "chat_template", None))
    return d


def _format_model(info: Any) -> str:
    d = _model_dict(info)
    params = d["n_params"]
    size = d["file_size"]
    kv = info.kv_cache_bytes(4096)
    lines = [
        f"Model:          {d['name']}",
        f"File:           {d['path']} ({size / 2**20:.0f} MiB)",
        f"Architecture:   {d['architecture']}",
        f"Parameters:     {params / 1e6:.0f} M" if params else "Parameters:     unknown",
        f"Quantization:   {d['quantization']}",
        f"Trained ctx:    {d['context_length']}",
        f"Layers:         {d['n_layers']}",
        f"License:        {d['license'] or 'not stated'}",
        f"Chat template:  {'yes' if d['chat_template'] else 'no (ChatML fallback will be used)'}",
        f"KV cache @4096: {kv / 2**20:.0f} MiB (f16)",
    ]
    return "\n".join(lines)


def cmd_gui(args: argparse.Namespace, settings: Settings) -> int:
    model: Path | None = None
    if args.model:
        model = resolve_model(args.model, settings)
    from desktop_app.ui.app import run_gui

    return run_gui(model, settings)


# ---- entry --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=APP_ID,
        description=f"{APP_NAME}: run language models on this machine. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--model", dest="gui_model", metavar="MODEL",
                        help="open the window with this model (a .gguf path, a name in the models folder, or 'starter')")  # fmt: skip
    self_test.add_arguments(parser)
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="Linux: add Hearth to this user's application menu (a .desktop file and icon)")  # fmt: skip
    parser.add_argument("--uninstall-desktop-entry", action="store_true",
                        help="Linux: remove that menu entry again (models and chats stay)")  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="stream one answer to the terminal")
    p.add_argument(
        "model",
        metavar="MODEL",
        nargs="?",
        help="a .gguf path, a name in the models folder, or 'starter' (default: the default "
        "model; ignored with --remote)",
    )
    p.add_argument("prompt", metavar="PROMPT", help="the prompt ('-' reads it from standard input)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the answer")
    _add_engine_options(p)
    _add_sampling_options(p)

    p = sub.add_parser("chat", help="chat in the terminal")
    p.add_argument("model", metavar="MODEL", nargs="?", help="as for run")
    _add_engine_options(p)
    _add_sampling_options(p)

    cli_summarize.add_parser(sub, _add_engine_options, _add_sampling_options)
    cli_sentiment.add_parser(sub, _add_engine_options, _add_sampling_options)
    cli_serve.add_parser(sub, _add_load_options)
    cli_models.add_parser(sub)

    p = sub.add_parser("info", help="print the hardware report and a model's metadata")
    p.add_argument("model", metavar="MODEL", nargs="?")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("gui", help="open the window (the default)")
    p.add_argument("model", metavar="MODEL", nargs="?")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_files_open_the_window(sys.argv[1:] if argv is None else list(argv)))
    if args.self_test is not None or args.gui:
        return self_test.run(parser, args)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        return _desktop_entry(install=args.install_desktop_entry)
    paths = app_paths().ensure()
    for line in legacy.take_notes():
        _note(f"{APP_ID}: {line} (the app's 0.1 folders)")
    setup_logging(paths.log_dir)
    try:
        settings = Settings.load(paths.settings_file, allow_newer=True)
    except AppError as exc:
        _err(str(exc))
        return EXIT_USAGE
    for w in settings.warnings:
        _note(f"warning: {w}")
    command = args.command or "gui"
    if command == "gui" and not getattr(args, "model", None):
        args.model = args.gui_model
    handlers = {
        "run": cmd_run,
        "chat": cmd_chat,
        "info": cmd_info,
        "gui": cmd_gui,
        "summarize": cli_summarize.run,
        "sentiment": cli_sentiment.run,
        "serve": cli_serve.run,
        "models": cli_models.run,
    }
    try:
        return handlers[command](args, settings)
    except AppError as exc:
        _err(str(exc))
        if exc.details and getattr(args, "verbose", False):
            _note(exc.details)
        return 1
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        _note("interrupted")
        return EXIT_INTERRUPTED


def _files_open_the_window(argv: list[str]) -> list[str]:
    """`hearth model.gguf` (a file manager's "Open with", the menu entry's %F) opens the window."""
    if argv and argv[0].lower().endswith(".gguf") and not argv[0].startswith("-"):
        return ["gui", argv[0]]
    return argv


def _desktop_entry(*, install: bool) -> int:
    from desktop_app import desktop_entry

    try:
        done = desktop_entry.install() if install else desktop_entry.uninstall()
    except OSError as exc:
        _err(str(exc))
        return 1
    if install:
        print(f"{APP_NAME} is in the application menu:", *done, sep="\n  ")
    elif done:
        print("Removed:", *done, sep="\n  ")
    else:
        print("There was no menu entry to remove.")
    return 0


def gui_main() -> int:
    """`hearth-gui`: the window and nothing else (a windowed entry point: no console on Windows)."""
    argv = sys.argv[1:]
    return main(argv if argv[:1] and argv[0].startswith("-") else ["gui", *argv])


def deprecated_main() -> int:
    """`desktop-app`, the 0.1 name of the command: works for one more release, and says so."""
    print(
        f"desktop-app: warning: this command is now called '{APP_ID}'; 'desktop-app' will be "
        "removed in the next release.",
        file=sys.stderr,
    )
    return main()


if __name__ == "__main__":
    sys.exit(main())
