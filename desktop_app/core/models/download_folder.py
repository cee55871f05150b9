"""Where downloads live on disk: the hidden staging folder, each job's saved state, and the checks
that keep Hub names and sizes from harming the models folder.

- Layout: `<models>/.downloads/<job>/job.json` (what, from where, the ETag seen; written
  atomically) and `files/<name>.part` (a hidden folder: library scans skip it). A new
  `Downloader` over the same folder lists those jobs as paused (nothing starts by itself at
  start-up: no network use until the user asks).
- Free disk is checked before the start (`DiskFullError`).
- A verified file moves into the models folder with one `os.replace` (a shard set: its folder),
  so the models folder never shows half a model. Existing files are never overwritten.
- Names from the Hub go through `hub.unsafe_name_reason` and must resolve inside the models
  folder, else `UnsafeFileNameError` ("refused unsafe file name") before any request.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from desktop_app.core.models.download_state import DownloadState, FileSpec, Job, format_bytes
from desktop_app.core.models.hub import HubModel, unsafe_name_reason
from desktop_app.core.models.hub_errors import (
    AlreadyExistsError,
    DiskFullError,
    DownloadError,
    UnsafeFileNameError,
)
from desktop_app.core.storage.atomic import write_atomic

__all__ = ["JOB_FILE", "PART_SUFFIX", "STAGING_DIR", "DownloadFolder", "job_from_json"]

_log = logging.getLogger(__name__)

STAGING_DIR = ".downloads"
JOB_FILE = "job.json"
PART_SUFFIX = ".part"
JOB_VERSION = 1


class DownloadFolder:
    """The models folder as the downloader sees it: staging, saved jobs, safety checks."""

    def __init__(self, models_dir: Path, free_margin: int) -> None:
        self.models_dir = Path(models_dir)
        self.staging = self.models_dir / STAGING_DIR
        self.free_margin = free_margin

    def job_dir(self, job: Job) -> Path:
        return self.staging / job.job_id

    def files_dir(self, job: Job) -> Path:
        return self.job_dir(job) / "files"

    # ------------------------------------------------------------------ checks

    def dest_for(self, model: HubModel) -> str:
        """Where *model* will land, relative to the models folder, once its names are checked."""
        for f in model.files:
            self.check_name(f.name)
        if model.sharded:
            self.check_name(model.name)
            dest = model.name
        else:
            dest = model.first_file.basename
        self.check_inside(self.models_dir / dest)
        return dest

    def check_name(self, name: str) -> None:
        why = unsafe_name_reason(name)
        if why is not None:
            raise UnsafeFileNameError(
                f"Refused unsafe file name {name!r} from the Hub ({why}).", details=name
            )

    def check_inside(self, path: Path) -> None:
        root = self.models_dir.resolve()
        if not path.resolve().is_relative_to(root) or path.resolve() == root:
            raise UnsafeFileNameError(
                f"Refused unsafe file name {path.name!r}: it would be written outside the "
                "models folder.",
                details=str(path),
            )

    def check_space(self, job: Job) -> None:
        total = job.total
        if total is None:
            return
        remaining = max(0, total - job.done_before - self.partial_bytes(job))
        self.staging.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self.staging).free
        if free < remaining + self.free_margin:
            raise DiskFullError(
                f"Not enough free disk space for {job.name}: it needs {format_bytes(remaining)} "
                f"more, and {format_bytes(free)} is free on the disk of the models folder "
                f"({self.models_dir}). Free up space or choose another models folder.",
                details=f"free {free}, remaining {remaining}, margin {self.free_margin}",
            )

    def partial_bytes(self, job: Job) -> int:
        files_dir = self.files_dir(job)
        total = 0
        for f in job.files:
            part = files_dir / (f.basename + PART_SUFFIX)
            with contextlib.suppress(OSError):
                total += part.stat().st_size
        return total

    def install(self, job: Job, files_dir: Path) -> None:
        """Move the verified file (or the shard set's folder) into the models folder in one step."""
        target = self.models_dir / job.dest
        self.check_inside(target)
        if target.exists():
            raise AlreadyExistsError(
                f"{job.dest} appeared in the models folder during the download; it was not "
                "overwritten. Delete it and resume to install the download."
            )
        if len(job.files) == 1:
            os.replace(files_dir / job.files[0].basename, target)
        else:
            os.replace(files_dir, target)
        self.remove_staging(job)

    # ------------------------------------------------------------------ persistence

    def save(self, job: Job) -> None:
        data = {
            "version": JOB_VERSION,
            "job_id": job.job_id,
            "repo_id": job.repo_id,
            "revision": job.revision,
            "name": job.name,
            "quant": job.quant,
            "dest": job.dest,
            "files": [
                {"name": f.name, "size": f.size, "sha256": f.sha256, "etag": f.etag}
                for f in job.files
            ],
            "error": (
                {"kind": job.error.kind, "message": job.error.message} if job.error else None
            ),
        }
        try:
            write_atomic(self.job_dir(job) / JOB_FILE, json.dumps(data, indent=1).encode())
        except (
            OSError
        ) as e:  # a full disk: the part is still there, the job just won't survive a restart
            _log.warning("could not save download state for %s: %s", job.name, e)

    def load_saved(self) -> list[Job]:
        """Jobs left by an earlier run come back paused, with the bytes they have."""
        if not self.staging.is_dir():
            return []
        jobs: list[Job] = []
        for job_file in sorted(self.staging.glob(f"*/{JOB_FILE}")):
            try:
                data = json.loads(job_file.read_text("utf-8"))
                job = job_from_json(data)
            except (OSError, ValueError, KeyError, TypeError) as e:
                _log.warning("ignoring unreadable download state %s: %s", job_file, e)
                continue
            if job.job_id != job_file.parent.name:
                continue
            files_dir = self.files_dir(job)
            for f in job.files:
                if (files_dir / f.basename).is_file():
                    job.done_before += (files_dir / f.basename).stat().st_size
                    job.files_done += 1
            job.current = self.partial_bytes(job)
            error = data.get("error")
            job.state = DownloadState.PAUSED
            if isinstance(error, dict) and error.get("message"):
                job.error = DownloadError(str(error["message"]))
                job.message = str(error["message"])
            else:
                job.message = "Paused"
            jobs.append(job)
        return jobs

    def remove_staging(self, job: Job) -> None:
        shutil.rmtree(self.job_dir(job), ignore_errors=True)
        with contextlib.suppress(OSError):
            self.staging.rmdir()  # only when empty


def job_from_json(data: dict[str, Any]) -> Job:
    """The job saved in a `job.json`; raises ValueError, KeyError or TypeError when unreadable."""
    if data.get("version") != JOB_VERSION:
        raise ValueError(f"unknown version {data.get('version')!r}")
    files = [
        FileSpec(
            name=str(f["name"]),
            size=int(f["size"]) if f.get("size") is not None else None,
            sha256=str(f["sha256"]) if f.get("sha256") else None,
            etag=str(f["etag"]) if f.get("etag") else None,
        )
        for f in data["files"]
    ]
    if not files:
        raise ValueError("no files")
    return Job(
        job_id=str(data["job_id"]),
        repo_id=str(data["repo_id"]),
        revision=str(data["revision"]),
        name=str(data["name"]),
        quant=str(data["quant"]) if data.get("quant") else None,
        files=files,
        dest=str(data["dest"]),
    )
