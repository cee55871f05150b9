"""What a download is: its states, the job record the queue keeps, and the snapshot shown for it.

Kept apart from the queue (`downloads.Downloader`), the transfer (`download_io`) and the staging
folder (`download_folder`) so that each of those reads the same plain records without importing
the others. A `Job` is mutable and guarded by the queue's lock; a `DownloadStatus` is the frozen
copy handed to listeners and callers.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from desktop_app.core import jobs
from desktop_app.core.errors import AppError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models import net
from desktop_app.core.models.hub import HubFile

__all__ = [
    "DEFAULT_RETRY",
    "RESUMABLE",
    "SETTLED",
    "SHA256_RE",
    "DownloadEvent",
    "DownloadState",
    "DownloadStatus",
    "FileSpec",
    "Job",
    "RetryPolicy",
    "format_bytes",
    "hub_sha256",
    "snapshot",
    "speed",
]

SPEED_WINDOW_S = 3.0

# A job's message (`Job.message`): English for the CLI and the logs, marked so that the GUI shows
# it in the interface's language (ui/core_text.shown); nested ones translate part by part.
WAITING = QT_TRANSLATE_NOOP("Downloads", "Waiting")
STARTING = QT_TRANSLATE_NOOP("Downloads", "Starting")
CONNECTING = QT_TRANSLATE_NOOP("Downloads", "Connecting")
CHECKING = QT_TRANSLATE_NOOP("Downloads", "Checking the partial download")
DOWNLOADING = QT_TRANSLATE_NOOP("Downloads", "Downloading")
PAUSING = QT_TRANSLATE_NOOP("Downloads", "Pausing…")
CANCELLING = QT_TRANSLATE_NOOP("Downloads", "Cancelling…")
PAUSED = QT_TRANSLATE_NOOP("Downloads", "Paused")
PAUSED_OFFLINE = QT_TRANSLATE_NOOP("Downloads", "Paused: offline mode is on")
CANCELLED = QT_TRANSLATE_NOOP("Downloads", "Cancelled")
DONE = QT_TRANSLATE_NOOP("Downloads", "Done")
RETRYING = QT_TRANSLATE_NOOP("Downloads", "{reason} Retrying in {seconds} s (try {n} of {total}).")
GAVE_UP = QT_TRANSLATE_NOOP("Downloads", "{reason} Gave up after {n} tries; resume to try again.")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class DownloadState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


SETTLED = (DownloadState.PAUSED, DownloadState.DONE, DownloadState.FAILED, DownloadState.CANCELLED)
RESUMABLE = (DownloadState.PAUSED, DownloadState.FAILED)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: `base`, 2x, 4x ... capped at `cap` seconds, `attempts` tries in a row
    without a byte arriving."""

    attempts: int = 8
    base: float = 1.0
    cap: float = 30.0


DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True)
class DownloadStatus:
    """A snapshot of one download, for display."""

    job_id: str
    repo_id: str
    revision: str
    name: str
    quant: str | None
    state: DownloadState
    bytes_done: int
    bytes_total: int | None
    speed: float  # bytes per second, recent
    eta: float | None  # seconds, when the speed and the total are known
    files_done: int
    files_total: int
    message: str  # what to show beside the progress bar ("Retrying in 4 s ...")
    error: AppError | None
    resumable: bool  # a failed job that `resume` continues (its partial data is kept)
    path: Path | None  # the file to load, once done (a shard set: its first file)

    @property
    def fraction(self) -> float | None:
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_done / self.bytes_total)


@dataclass(frozen=True)
class DownloadEvent:
    kind: str
    status: DownloadStatus


@dataclass
class FileSpec:
    """One file of a job, as the Hub describes it (size and sha256 may be learnt on the way)."""

    name: str  # the path in the repo
    size: int | None
    sha256: str | None
    etag: str | None = None  # seen on the first response; a change means the file changed

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass
class Job:
    """The queue's record of one download; every field is read and written under its lock."""

    job_id: str
    repo_id: str
    revision: str
    name: str
    quant: str | None
    files: list[FileSpec]
    dest: str  # relative to the models folder: a file name, or a set's folder name
    state: DownloadState = DownloadState.QUEUED
    error: AppError | None = None
    resumable: bool = True
    message: str = ""
    done_before: int = 0  # bytes of the files already complete
    current: int = 0  # bytes in the part being written
    files_done: int = 0
    abort: net.Abort | None = None
    worker: jobs.Job[None] | None = None  # the jobs.Job running it, while it runs
    samples: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=256))
    received: int = 0  # bytes received in this session (only grows): the speed's basis
    last_event: float = 0.0

    @property
    def total(self) -> int | None:
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)


def format_bytes(n: float) -> str:
    """1536 -> "1.5 KB" (decimal units, as the Hub and file managers show sizes)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def speed(samples: Iterable[tuple[float, int]]) -> float:
    """Bytes per second over the last few seconds of (time, bytes received) samples."""
    points = list(samples)
    if len(points) < 2:
        return 0.0
    now = time.monotonic()
    recent = [p for p in points if now - p[0] <= SPEED_WINDOW_S] or points[-2:]
    if len(recent) < 2:
        recent = points[-2:]
    (t0, b0), (t1, b1) = recent[0], recent[-1]
    if now - t1 > SPEED_WINDOW_S:
        return 0.0  # nothing arrived for a while
    span = max(t1 - t0, 1e-3)
    return (b1 - b0) / span


def snapshot(job: Job, models_dir: Path) -> DownloadStatus:
    """The frozen status of *job* (the caller holds the queue's lock)."""
    total = job.total
    done = job.done_before + job.current
    rate = speed(job.samples) if job.state == DownloadState.RUNNING else 0.0
    eta = (total - done) / rate if (total is not None and rate > 0) else None
    path = None
    if job.state == DownloadState.DONE:
        target = models_dir / job.dest
        path = target / job.files[0].basename if len(job.files) > 1 else target
    return DownloadStatus(
        job_id=job.job_id,
        repo_id=job.repo_id,
        revision=job.revision,
        name=job.name,
        quant=job.quant,
        state=job.state,
        bytes_done=done,
        bytes_total=total,
        speed=rate,
        eta=eta,
        files_done=job.files_done,
        files_total=len(job.files),
        message=job.message,
        error=job.error,
        resumable=job.resumable and job.state in (DownloadState.PAUSED, DownloadState.FAILED),
        path=path,
    )


def hub_sha256(f: HubFile) -> str | None:
    """The file's sha256 when the Hub listed a well-formed one."""
    value = (f.sha256 or "").lower()
    return value if SHA256_RE.match(value) else None
