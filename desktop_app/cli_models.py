"""`hearth models …`: the installed models, the catalog and the Hub from a terminal.

    hearth models list [--json]
    hearth models search QUERY [--sort downloads|likes|recent] [--limit N] [--json]
    hearth models files REPO [--json]
    hearth models pull REPO[:FILE|:QUANT] | CATALOG_ID[:QUANT]
    hearth models import PATH [--in-place]
    hearth models rm NAME [--yes] [--forget]
    hearth models default [NAME] [--clear]
    hearth models catalog [QUERY] [--json]

This module holds the parser and the library commands (list, import, rm, default); the Hub and
catalog commands are in cli_models_hub.py. Results go to standard output, progress and notes to
standard error, and errors reach cli.py's one "error: …" line (exit 1; 2 for a usage error, such
as `rm` off a terminal without --yes; 130 after Ctrl+C).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop_app import cli_models_hub as hub_cmds
from desktop_app.cli_models_hub import ENDPOINT_ENV, SORTS, fit_context, fit_dict, hardware
from desktop_app.cli_output import ProgressLine, err, note, print_table
from desktop_app.core.errors import AppError
from desktop_app.core.models.model_files import format_size
from desktop_app.core.storage.settings import Settings

if TYPE_CHECKING:
    from desktop_app.core.models.fit import FitEstimate
    from desktop_app.core.models.library import LocalModel

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `models` and its commands to cli.py's parser."""
    p = subparsers.add_parser(
        "models",
        help="list, search, download, import and delete models",
        description="The models on this computer, the built-in catalog, and GGUF models on the "
        "Hugging Face Hub (or a mirror).",
    )
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    hub = argparse.ArgumentParser(add_help=False)
    g = hub.add_argument_group("Hub")
    g.add_argument(
        "--endpoint",
        metavar="URL",
        help=f"the Hub or a mirror, e.g. https://hf-mirror.com (default: ${ENDPOINT_ENV} "
        "if set, else the hub.endpoint setting)",
    )
    g.add_argument(
        "--token",
        metavar="TOKEN",
        help="a Hugging Face token, for gated repos (default: the hub.token setting, "
        "which is only sent to the endpoint in the settings)",
    )
    g.add_argument(
        "--offline",
        action="store_true",
        help="use no network at all (as the 'offline' setting does): Hub commands fail at once",
    )
    fit = argparse.ArgumentParser(add_help=False)
    fit.add_argument(
        "-c",
        "--ctx",
        type=int,
        metavar="N",
        help="context size the fit estimate assumes (default: the load.n_ctx setting)",
    )

    q = sub.add_parser(
        "list",
        parents=[fit],
        help="the installed models",
        description="Installed models with their size, context and whether they "
        "fit this machine; unreadable files are listed with their error.",
    )
    q.add_argument("--json", action="store_true", help="machine-readable output")

    q = sub.add_parser("search", parents=[hub], help="search the Hub for GGUF repos")
    q.add_argument("query", metavar="QUERY", help="words in the repo's name")
    q.add_argument("--sort", choices=SORTS, default="downloads", help="order (default: downloads)")
    q.add_argument(
        "--limit", type=int, default=20, metavar="N", help="at most N repos (default: 20)"
    )
    q.add_argument("--json", action="store_true", help="machine-readable output")

    q = sub.add_parser(
        "files",
        parents=[hub, fit],
        help="a Hub repo's GGUF files by quantization",
        description="A repo's GGUF models grouped by quantization, with sizes and "
        "the fit for this machine; * marks the recommended quantization.",
    )
    q.add_argument("repo", metavar="REPO", help="owner/name")
    q.add_argument("--json", action="store_true", help="machine-readable output")

    q = sub.add_parser(
        "pull",
        parents=[hub, fit],
        help="download a model from the Hub",
        description="Download a GGUF model (a sharded set as one), verify its "
        "sha256 and install it in the models folder; prints its path. Without a "
        "file or quantization, the one recommended for this machine. Ctrl+C "
        "pauses; the same command resumes.",
    )
    q.add_argument(
        "spec",
        metavar="REPO[:FILE|:QUANT]",
        help="owner/name, optionally :file.gguf or :Q4_K_M; or a catalog id "
        "(hearth models catalog) with an optional :QUANT",
    )
    q.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")

    q = sub.add_parser(
        "import",
        help="add a .gguf file to the library",
        description="Copy a .gguf file (every shard of a split model) into the "
        "models folder, or with --in-place list it where it is.",
    )
    q.add_argument("path", metavar="PATH", help="a .gguf file (any shard of a split model)")
    q.add_argument("--in-place", action="store_true", help="do not copy: use the file where it is")
    q.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")

    q = sub.add_parser(
        "rm",
        help="delete an installed model",
        description="Delete a model's file(s) from disk, every shard. Asks first unless --yes.",
    )
    q.add_argument(
        "name", metavar="NAME", help="a name, file name, path, or a unique part of a name"
    )
    q.add_argument("-y", "--yes", action="store_true", help="do not ask")
    q.add_argument(
        "--forget",
        action="store_true",
        help="for a file imported in place: take it out of the library, keep the file",
    )

    q = sub.add_parser("default", help="show or set the default model")
    q.add_argument("name", metavar="NAME", nargs="?", help="the model to make the default")
    q.add_argument("--clear", action="store_true", help="no default model")

    q = sub.add_parser(
        "catalog",
        parents=[fit],
        help="the built-in catalog of instruct models",
        description="Well-known instruct models with the quantization recommended "
        "for this machine; `models pull ID` downloads one.",
    )
    q.add_argument(
        "query",
        metavar="QUERY",
        nargs="?",
        default="",
        help="filter: name, family, tag or language (zh)",
    )
    q.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `models` action; AppErrors go up to cli.py's error line."""
    handlers: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
        "list": cmd_list,
        "search": hub_cmds.cmd_search,
        "files": hub_cmds.cmd_files,
        "pull": hub_cmds.cmd_pull,
        "import": cmd_import,
        "rm": cmd_rm,
        "default": cmd_default,
        "catalog": hub_cmds.cmd_catalog,
    }
    try:
        return handlers[args.models_command](args, settings)
    except BrokenPipeError:  # the reader went away (`models list | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


# ---- list / default / rm / import --------------------------------------------------------------


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.fit import estimate_local
    from desktop_app.core.models.library import ModelLibrary

    lib = ModelLibrary(settings)
    listing = lib.list_models()
    n_ctx, kv_type = fit_context(args, settings)
    report = hardware()
    fits = {m.key: estimate_local(m, report, n_ctx=n_ctx, kv_type=kv_type) for m in listing}
    if args.json:
        payload = {
            "models_dir": str(lib.models_dir),
            "n_ctx": n_ctx,
            "models": [_local_dict(m, lib.is_default(m), fits[m.key]) for m in listing],
            "problems": list(listing.problems),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    good = [m for m in listing if m.ok]
    broken = [m for m in listing if not m.ok]
    if not listing.models:
        print(
            f"No models installed in {lib.models_dir}.\n"
            "Get one with `hearth models pull REPO` (or a catalog id, see `hearth "
            "models catalog`), or add a file with `hearth models import FILE`."
        )
    if good:
        rows = []
        for m in good:
            fit = fits[m.key]
            rows.append(
                [
                    "*" if lib.is_default(m) else "",
                    m.name,
                    m.quantization or "?",
                    m.params_label or "?",
                    format_size(m.size),
                    str(m.context_length or "?"),
                    "vision projector" if m.is_projector else (fit.label if fit else "?"),
                ]
            )
        print_table(
            ["", "NAME", "QUANT", "PARAMS", "SIZE", "CONTEXT", f"FIT ({n_ctx} ctx)"],
            rows,
            right={3, 4, 5},
        )
        if any(row[0] for row in rows):
            print("* default model")
    if broken:
        print(
            f"\n{len(broken)} file(s) could not be used:"
            if good
            else "Files that could not be used:"
        )
        for m in broken:
            print(f"  {m.name}  ({m.path})\n    {m.error}")
    for problem in listing.problems:
        print(f"\nnote: {problem}")
    if listing.models:
        print(f"\nModels folder: {lib.models_dir}")
    return 0


def cmd_default(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.library import ModelLibrary

    lib = ModelLibrary(settings)
    if args.clear and args.name:
        raise ValueError("give a NAME or --clear, not both")
    if args.clear:
        lib.set_default(None)
        note("default model cleared")
        return 0
    if args.name:
        model = lib.find(args.name)
        if not model.ok:
            raise AppError(f"{model.name} cannot be used: {model.error}")
        lib.set_default(model)
        note(f"default model: {model.name}")
        print(model.path)
        return 0
    current = lib.default_model()
    if current is None:
        spec = settings.get("default_model")
        if spec:
            note(f"the default model {spec!r} is not installed")
        else:
            note("no default model; set one with `hearth models default NAME`")
        return 1
    print(f"{current.name}\t{current.path}")
    return 0


def cmd_rm(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.library import ModelLibrary

    lib = ModelLibrary(settings)
    model = lib.find(args.name)  # AmbiguousModelError lists the candidates
    if args.forget:
        lib.forget(model)  # refuses (LibraryError) unless imported in place
        note(f"{model.name} is no longer in the library; its file stays at {model.path}")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            err(f"not deleting {model.name} without confirmation: pass --yes")
            return EXIT_USAGE
        files = "\n".join(f"  {f}" for f in model.files) or f"  {model.path}"
        sys.stderr.write(
            f"Delete {model.name} ({format_size(model.size)}) from disk?\n{files}\n[y/N] "
        )
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            note("nothing deleted")
            return 1
    removed = lib.delete(model)
    for path in removed:
        print(path)
    note(f"deleted {model.name} ({len(removed)} file(s), {format_size(model.size)})")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.library import ModelLibrary

    lib = ModelLibrary(settings)
    if args.in_place:
        model = lib.import_file(args.path, mode="in_place")
        note(f"{model.name}: listed where it is (not copied)")
        print(model.path)
        return 0
    progress = ProgressLine(sys.stderr, quiet=args.quiet)
    started = time.monotonic()

    def on_progress(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        speed = done / elapsed if elapsed > 0.2 else 0.0
        eta = (total - done) / speed if speed > 0 else None
        progress.show(done, total, speed, eta)

    try:
        model = lib.import_file(args.path, mode="copy", progress=on_progress)
    except KeyboardInterrupt:
        progress.end_line()
        note("import cancelled; nothing was added")
        return EXIT_INTERRUPTED
    progress.end_line()
    note(f"{model.name}: {format_size(model.size)} in the models folder")
    print(model.path)
    return 0


def _local_dict(m: LocalModel, is_default: bool, fit: FitEstimate | None) -> dict[str, Any]:
    return {
        "name": m.name,
        "display_name": m.display_name,
        "path": str(m.path),
        "files": [str(f) for f in m.files],
        "size": m.size,
        "source": m.source,
        "architecture": m.architecture,
        "quantization": m.quantization,
        "n_params": m.n_params or None,
        "context_length": m.context_length,
        "license": m.license,
        "chat_template": m.has_chat_template,
        "default": is_default,
        "fit": fit_dict(fit),
        "error": m.error or None,
        "error_kind": m.error_kind or None,
    }
