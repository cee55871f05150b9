"""`hearth models search | files | pull | catalog`: the Hub and the catalog from a terminal.

The Hub commands take --endpoint (else $HF_ENDPOINT, else the hub.endpoint setting), --token and
--offline; offline (the flag or the "offline" setting) stops them before any request. The token in
the settings is sent only to the endpoint in the settings.

A pull runs on the core Downloader's worker thread, so Ctrl+C reaches the main thread, which
pauses the download (the partial file stays in the models folder's hidden .downloads/, with its
state) and exits 130; the same pull command resumes it with a Range request. Without a file or a
quantization, a pull takes the quantization recommended for this machine and says which.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli_models_json import entry_dict, repo_dict, summary_dict
from desktop_app.cli_models_json import fit_dict as fit_dict  # re-exported: cli_models imports it
from desktop_app.cli_output import ProgressLine, count, err, note, print_table
from desktop_app.core.controllers.machine_speed import probed_speed as probed_speed  # re-exported
from desktop_app.core.errors import AppError
from desktop_app.core.models.hub_errors import GatedRepoError, HubConfigError, OfflineError
from desktop_app.core.models.model_files import format_size
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Load

if TYPE_CHECKING:
    from desktop_app.core.engine.hardware import HardwareReport
    from desktop_app.core.models.downloads import Downloader, DownloadStatus
    from desktop_app.core.models.hub import HubClient, HubConfig, HubModel, RepoFiles

EXIT_INTERRUPTED = 130
PAUSED_MESSAGE = "paused; run the same command again to resume"
ENDPOINT_ENV = "HF_ENDPOINT"
SORTS = ("downloads", "likes", "recent")
_SETTLED_STATES = ("paused", "done", "failed", "cancelled")  # DownloadState values
_QUIET_MESSAGES = ("Downloading", "Starting", "Connecting", "Waiting", "")  # no news to show


# ---- search / files ------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.hub import HubClient

    if args.limit < 1:
        raise ValueError("--limit must be at least 1")
    client = HubClient(hub_config(args, settings))
    hits = client.search(args.query, sort=args.sort, limit=args.limit)
    if args.json:
        print(json.dumps([summary_dict(h) for h in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        print(f"No GGUF repos match {args.query!r}.")
        return 0
    rows = [
        [
            h.repo_id + (" (gated)" if h.gated else ""),
            count(h.downloads),
            count(h.likes),
            h.last_modified.strftime("%Y-%m-%d") if h.last_modified else "",
            count(h.n_params) if h.n_params else "",
        ]
        for h in hits
    ]
    print_table(["REPO", "DOWNLOADS", "LIKES", "UPDATED", "PARAMS"], rows, right={1, 2, 4})
    return 0


def cmd_files(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.hub import HubClient
    from desktop_app.core.models.practical import advise_hub, recommend_hub

    config = hub_config(args, settings)
    repo_id = check_repo_id(args.repo)
    repo = HubClient(config).repo_files(repo_id)
    n_ctx, kv_type = fit_context(args, settings)
    report = hardware()
    rec = recommend_hub(repo, report, n_ctx=n_ctx, kv_type=kv_type)
    speed = probed_speed()  # measured once on this machine (a few seconds), then kept
    advice = {m.first_file.name: advise_hub(m, report, speed, n_ctx, kv_type) for m in repo.models}
    fits = {name: a.fit if a else None for name, a in advice.items()}
    if args.json:
        data = repo_dict(repo, fits, rec)
        for m in data.get("models", []):
            a = advice.get(m.get("name", ""))
            m["advice"] = a.to_json() if a else None
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    gpu = bool(report.offload_gpus)
    print(
        f"{repo.repo_id} (commit {repo.revision[:12]})"
        + (_gated_note(config) if repo.gated else "")
    )
    rows = []
    for quant, models in repo.by_quant().items():
        for m in models:
            a = advice[m.first_file.name]
            row = [
                "*" if rec is not None and rec.quant == quant else "",
                quant,
                m.name + (f" ({len(m.files)} files)" if m.sharded else ""),
                format_size(m.size) if m.size is not None else "?",
                a.fit.label if a else "size unknown",
                format_size(a.fit.ram_bytes) if a else "?",
                *([format_size(a.fit.gpu_bytes) if a else "?"] if gpu else []),
                a.speed_text if a else "?",
                a.tier_text if a else "?",
                a.reason if a else "",
            ]
            rows.append(row)
    if rows:
        head = ["", "QUANT", "FILE", "SIZE", f"FIT ({n_ctx} ctx)", "RAM"]
        head += [*(["VRAM"] if gpu else []), "SPEED", "TIER", "WHY"]
        print_table(head, rows, right={3, 5, 6, 7} if gpu else {3, 5, 6})
    else:
        print("No GGUF models in this repo.")
    if rec is not None:
        print(f"* recommended for this machine: {rec.quant} ({rec.reason})")
    elif rows:
        print("None of these fits this machine's memory.")
    projectors = [m for m in repo.models if m.kind == "mmproj"]
    if projectors:
        print("\nVision projectors (companion files, not chat models):")
        for m in projectors:
            print(f"  {m.name}  {format_size(m.size) if m.size is not None else '?'}")
    if repo.refused:
        print("\nNot offered:")
        for r in repo.refused:
            print(f"  {r.name}: {r.reason}")
    return 0


# ---- the Hub: pull -----------------------------------------------------------------------------


def cmd_pull(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.hub import HubClient

    config = hub_config(args, settings)  # offline: fails here, before anything else
    target, _, choice = args.spec.strip().partition(":")
    n_ctx, kv_type = fit_context(args, settings)
    client = HubClient(config)
    if "/" in target:
        repo = client.repo_files(check_repo_id(target))
        model = _pick(repo, choice.strip(), n_ctx, kv_type, quiet=args.quiet)
    else:
        repo, model = _pick_from_catalog(client, target, choice.strip(), n_ctx, kv_type, args.quiet)
    if repo.gated and config.token is None:
        raise GatedRepoError(_gated_message(config, repo.repo_id))
    from desktop_app.core.models.practical import hub_fit

    fit = hub_fit(model, hardware(), n_ctx, kv_type)
    if fit is not None and fit.verdict == "too_large":
        note(f"warning: {model.name} is probably too large for this machine. {fit.summary()}")
    return download(repo, model, config, quiet=args.quiet)


def _pick(repo: RepoFiles, choice: str, n_ctx: int, kv_type: str, *, quiet: bool) -> HubModel:
    """The model named by `choice`, or the one recommended for this machine (saying which)."""
    if choice:
        return repo.select(choice)
    models = [m for m in repo.models if m.kind == "model"]
    if len(models) <= 1:
        return repo.select(None)  # the only one, or the core's "no GGUF model files"
    from desktop_app.core.models.practical import recommend_hub

    rec = recommend_hub(repo, hardware(), n_ctx=n_ctx, kv_type=kv_type)
    if rec is None:
        raise AppError(
            f"None of the {len(models)} models in {repo.repo_id} fits this machine's memory; "
            f"name one to download it anyway (REPO:FILE or REPO:QUANT): "
            f"{', '.join(m.name for m in models)}."
        )
    model = repo.select(rec.quant)
    if not quiet:
        note(
            f"picked {rec.quant}, recommended for this machine ({rec.reason}): {model.name}. "
            f"`hearth models files {repo.repo_id}` lists the others; add :FILE or :QUANT "
            "to choose."
        )
    return model


def _pick_from_catalog(
    client: HubClient, entry_id: str, quant: str, n_ctx: int, kv_type: str, quiet: bool
) -> tuple[RepoFiles, HubModel]:
    """A catalog entry's file (the recommended quantization unless one is named), as the Hub
    lists it now (exact sizes and sha256)."""
    from desktop_app.core.models.catalog import load_catalog
    from desktop_app.core.models.fit import recommend_for_entry

    entry = load_catalog().get(entry_id)
    if entry is None:
        raise AppError(
            f"{entry_id!r} is neither a Hub repo (owner/name) nor a catalog id; "
            "`hearth models catalog` lists the ids."
        )
    if quant:
        file = entry.file_for(quant)
        if file is None:
            raise AppError(
                f"The catalog has {entry.id} in {', '.join(entry.quants)}, not {quant}; "
                f"for other files: hearth models files {entry.repo}"
            )
    else:
        rec = recommend_for_entry(entry, hardware(), n_ctx=n_ctx, kv_type=kv_type)
        if rec is None or rec.file is None:
            raise AppError(
                f"No quantization of {entry.name} fits this machine's memory; name one to "
                f"download it anyway ({entry.id}:QUANT, one of {', '.join(entry.quants)})."
            )
        file = rec.file
        if not quiet:
            note(
                f"picked {file.quant} of {entry.name}, recommended for this machine ({rec.reason})"
            )
    repo = client.repo_files(entry.repo)
    return repo, repo.select(file.file)


def download(repo: RepoFiles, model: HubModel, config: HubConfig, *, quiet: bool = False) -> int:
    """Download `model` with a progress line; print its path. Ctrl+C pauses (exit 130)."""
    from desktop_app.core.models.downloads import Downloader, DownloadState
    from desktop_app.core.storage.paths import app_paths

    models_dir = app_paths().models_dir
    progress = ProgressLine(sys.stderr, quiet=quiet)
    installed = _installed_path(models_dir, model)
    if installed is not None:
        progress.note(f"{model.name} is already in the models folder")
        print(installed)
        return 0
    dl = Downloader(models_dir, config)
    try:
        before = next(
            (s for s in dl.jobs() if s.repo_id == repo.repo_id and s.name == model.name), None
        )
        size = format_size(model.size) if model.size is not None else "size unknown"
        if before is not None and before.bytes_done > 0:
            progress.note(
                f"resuming {model.name}: {format_size(before.bytes_done)} of {size} already here"
            )
        else:
            progress.note(f"downloading {model.name} ({size}) from {repo.repo_id}")
        job = dl.add(repo.repo_id, model, revision=repo.revision)
        try:
            status = dl.status(job)
            while status.state.value not in _SETTLED_STATES:
                progress.show(
                    status.bytes_done,
                    status.bytes_total,
                    status.speed,
                    status.eta,
                    "" if status.message in _QUIET_MESSAGES else status.message,
                )
                status = dl.wait(job, timeout=0.1)
        except KeyboardInterrupt:
            dl.pause(job)
            status = _wait_settled(dl, job)
            progress.end_line()
            if status.state == DownloadState.PAUSED:
                done = format_size(status.bytes_done)
                note(f"{PAUSED_MESSAGE} ({done} of {size} kept)")
                return EXIT_INTERRUPTED
        progress.end_line()
        if status.state == DownloadState.DONE and status.path is not None:
            sha = "sha256 verified" if all(f.sha256 for f in model.files) else "size checked"
            progress.note(f"{model.name}: {format_size(status.bytes_done)}, {sha}")
            print(status.path)
            return 0
        error = status.error
        message = error.message if error is not None else status.message
        if status.resumable and status.bytes_done > 0:
            message += " The partial download is kept: run the same command again to resume."
        elif status.state == DownloadState.FAILED:
            dl.forget(status.job_id)  # nothing worth keeping
        err(message)
        return 1
    finally:
        dl.close()


def _wait_settled(dl: Downloader, job: str) -> DownloadStatus:
    """Wait for a pause to land (within a second, by the downloader's design); a second Ctrl+C
    does not cut it short, so the partial file and its state stay consistent."""
    deadline = time.monotonic() + 10
    while True:
        try:
            status = dl.wait(job, timeout=max(0.0, deadline - time.monotonic()))
            if status.state.value in _SETTLED_STATES or time.monotonic() >= deadline:
                return status
        except KeyboardInterrupt:
            continue


def _installed_path(models_dir: Path, model: HubModel) -> Path | None:
    """The installed file when this exact model (same sizes) is already in the models folder."""
    if model.sharded:
        folder = models_dir / model.name
        paths = [folder / f.basename for f in model.files]
    else:
        paths = [models_dir / model.first_file.basename]
    for path, f in zip(paths, model.files, strict=True):
        if not path.is_file() or (f.size is not None and path.stat().st_size != f.size):
            return None
    return paths[0]


# ---- catalog -----------------------------------------------------------------------------------


def cmd_catalog(args: argparse.Namespace, settings: Settings) -> int:
    from desktop_app.core.models.catalog import load_catalog
    from desktop_app.core.models.fit import recommend_for_entry

    entries = load_catalog().search(args.query)
    n_ctx, kv_type = fit_context(args, settings)
    report = hardware()
    recs = {e.id: recommend_for_entry(e, report, n_ctx=n_ctx, kv_type=kv_type) for e in entries}
    if args.json:
        payload = [entry_dict(e, recs[e.id]) for e in entries]
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print(f"No catalog entry matches {args.query!r}.")
        return 0
    rows = []
    for e in entries:
        rec = recs[e.id]
        rows.append(
            [
                e.id + (" (gated)" if e.gated else ""),
                count(e.params),
                ",".join(e.languages[:4]) + ("…" if len(e.languages) > 4 else ""),
                rec.quant if rec else "-",
                format_size(rec.file.size) if rec and rec.file else "-",
                rec.estimate.label if rec else "too large",
            ]
        )
    print_table(
        ["ID", "PARAMS", "LANGUAGES", "PICK", "SIZE", f"FIT ({n_ctx} ctx)"], rows, right={1, 4}
    )
    print("\n`hearth models pull ID[:QUANT]` downloads one (PICK: recommended for this machine).")
    return 0


# ---- configuration -----------------------------------------------------------------------------


def hub_config(args: argparse.Namespace, settings: Settings) -> HubConfig:
    """The Hub to use: --endpoint, else $HF_ENDPOINT, else the setting. Offline (flag or setting)
    raises OfflineError here, before any client exists. The token from the settings goes only to
    the endpoint the settings name; another endpoint gets --token or none."""
    from desktop_app.core.models.hub import HubConfig

    if args.offline or settings.get("offline"):
        why = "--offline was given" if args.offline else 'the "offline" setting is on'
        raise OfflineError(
            f"Offline mode ({why}): the Hub is not contacted. Search, file lists and downloads "
            "need the network; installed models still work."
        )
    chosen = args.endpoint or os.environ.get(ENDPOINT_ENV, "").strip()
    try:
        saved: str | None = HubConfig(endpoint=str(settings.get("hub.endpoint") or "")).endpoint
    except HubConfigError:
        if not chosen:
            raise
        saved = None  # a bad setting does not stop an endpoint given here
    config = HubConfig(endpoint=chosen or saved or "")
    token = args.token
    if token is None and config.endpoint == saved:
        token = settings.get("hub.token") or None
    return HubConfig(endpoint=config.endpoint, token=token)


def _gated_message(config: HubConfig, repo_id: str) -> str:
    from desktop_app.core.models.hub import gated_message

    return gated_message(config, repo_id) + " Or pass --token TOKEN."


def _gated_note(config: HubConfig) -> str:
    return " - gated: " + ("your token is used" if config.token else "needs a token (--token)")


def check_repo_id(repo_id: str) -> str:
    repo_id = repo_id.strip().strip("/")
    if repo_id.count("/") != 1 or " " in repo_id:
        raise ValueError(f"{repo_id!r} is not a repo id; a Hub repo looks like owner/name")
    return repo_id


def fit_context(args: argparse.Namespace, settings: Settings) -> tuple[int, str]:
    n_ctx: int = getattr(args, "ctx", None) or settings.value(Load.n_ctx)
    if n_ctx <= 0:
        raise ValueError("--ctx must be positive")
    return n_ctx, settings.value(Load.kv_type)


def hardware() -> HardwareReport:
    from desktop_app.core.engine.hardware import hardware_report

    return hardware_report()
