"""The `hearth` command: the GUI by default, and run / chat / info in a terminal.

The terminal commands use the same engine process as the GUI, so a model that crashes
llama.cpp ends with a message here too, not a dead terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from desktop_app import (
    APP_ID,
    APP_NAME,
    __version__,
    cli_chat,
    cli_inspect,
    cli_models,
    cli_sentiment,
    cli_serve,
    cli_summarize,
    cli_tokenize,
    self_test,
)
from desktop_app.cli_common import EXIT_INTERRUPTED, EXIT_USAGE
from desktop_app.cli_output import err as _err
from desktop_app.cli_output import note as _note
from desktop_app.core.errors import AppError
from desktop_app.core.models.resolve import resolve_model
from desktop_app.core.storage import legacy
from desktop_app.core.storage.logs import setup_logging
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings

# ---- commands -----------------------------------------------------------------------------


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    # on use: the hardware probe and the GGUF reader stay off `hearth --version`'s start-up path
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
    from desktop_app.core.models.starter import STARTER_NAME, starter_path

    model: Path | None = None
    fetch_starter = False
    if args.model == STARTER_NAME and not _has(starter_path(app_paths().models_dir)):
        fetch_starter = True  # in the window, which opens at once and shows the download
    elif args.model:
        model = resolve_model(args.model, settings)
    from desktop_app.ui.app import run_gui

    return run_gui(model, settings, fetch_starter=fetch_starter)


def _has(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


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

    cli_chat.add_parsers(sub)
    cli_summarize.add_parser(sub)
    cli_sentiment.add_parser(sub)
    cli_serve.add_parser(sub)
    cli_models.add_parser(sub)
    cli_inspect.add_parser(sub)
    cli_tokenize.add_parser(sub)

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
        "run": cli_chat.cmd_run,
        "chat": cli_chat.cmd_chat,
        "info": cmd_info,
        "gui": cmd_gui,
        "summarize": cli_summarize.run,
        "sentiment": cli_sentiment.run,
        "serve": cli_serve.run,
        "models": cli_models.run,
        "inspect": cli_inspect.run,
        "tokenize": cli_tokenize.run,
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
