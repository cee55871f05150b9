"""Downloads of Hub models a user can trust: queued, resumable across restarts, verified, atomic.

The API for the CLI (`desktop-app models pull`) and the GUI Models pane; thread-safe and Qt-free:

    dl = Downloader(app_paths().models_dir, HubConfig.from_settings(settings), on_event=callback)
    job = dl.add(repo.repo_id, model, revision=repo.revision)  # a HubModel from hub.RepoFiles
    # or by hand, e.g. for a catalog entry: HubModel(file, quant, (HubFile(file, size, sha256),));
    # without a sha256 the file is checked against the one the Hub's resolve answer names
    # (X-Linked-Etag, the LFS oid); only a non-LFS file (no sha256 anywhere) is checked by size.
    dl.pause(job); dl.resume(job); dl.cancel(job)               # return at once
    dl.jobs() -> list[DownloadStatus]; dl.status(job); dl.wait(job, timeout=...)
    dl.set_config(config)   # settings changed; turning offline on pauses running downloads
    dl.close()              # on quit: running downloads pause and stay resumable

Events (`DownloadEvent(kind, status)`) arrive on worker threads (or the caller's, for pause and
cancel of a job that is not running): a GUI re-posts them to its own thread. Kinds: added,
queued (resumed), started, verifying (re-reading a partial file), progress (at most every
`progress_interval` s per job), retrying, paused, done, failed, cancelled. While offline, queued
jobs wait; `set_config` with offline off starts them. `DownloadStatus` is a frozen snapshot:
bytes done and total, speed (bytes/s over the last few seconds), ETA, the message to show, and
the error.

How a download is kept honest:

- Layout: `<models>/.downloads/<job>/job.json` (what, from where, the ETag seen; written
  atomically) and `files/<name>.part` (a hidden folder: library scans skip it). A new `Downloader` over the same folder lists those jobs as paused
  (nothing starts by itself at start-up: no network use until the user asks).
- Resume: a Range request from the part's size; the Hub's `X-Linked-Etag` (the LFS sha256) must
  be unchanged, else the file starts over. Hashing continues over resumes by re-reading the part.
- Retries with exponential backoff on dropped connections, stalls (no byte for `timeouts.read`),
  429 and 5xx; the attempt count resets whenever bytes arrive.
- Cancel and pause end within a second even when the server stopped answering: the socket is
  shut down under the blocked read (see `net.Abort`). Cancel deletes the partial download.
- Verified: sha256 against the Hub's LFS metadata before the file is accepted; a mismatch
  deletes the part and fails with `ChecksumMismatchError`.
- Free disk is checked before the start (`DiskFullError`); a full disk mid-write fails the job
  with `DiskFullError`, keeping the part resumable in the hidden staging folder.
- A verified file moves into the models folder with one `os.replace` (a shard set: its folder),
  so the models folder never shows half a model. Existing files are never overwritten.
- Names from the Hub go through `hub.unsafe_name_reason` and must resolve inside the models
  folder, else `UnsafeFileNameError` ("refused unsafe file name") before any request.

Where files land: a single file as `<models>/<file name>`; a shard set as
`<models>/<set name>/<set name>-0000i-of-0000n.gguf` (llama.cpp opens the first and finds the rest).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from desktop_app.core.errors import AppError
from desktop_app.core.models import net
from desktop_app.core.models.hub import HubConfig, HubFile, HubModel, gated_message
from desktop_app.core.models.hub import unsafe_name_reason as _unsafe_reason
from desktop_app.core.models.hub_errors import (
    AlreadyExistsError,
    ChecksumMismatchError,
    DiskFullError,
    DownloadError,
    EntryNotFoundError,
    GatedRepoError,
    HubHTTPError,
    NetworkError,
    RepoNotFoundError,
    UnsafeFileNameError,
)
from desktop_app.core.models.part_file import PartFile
from desktop_app.core.storage.atomic import write_atomic

__all__ = [
    "DownloadEvent",
    "DownloadState",
    "DownloadStatus",
    "Downloader",
    "RetryPolicy",
    "format_bytes",
]

_log = logging.getLogger(__name__)

STAGING_DIR = ".downloads"
JOB_FILE = "job.json"
PART_SUFFIX = ".part"
_JOB_VERSION = 1
_BUFFER = 1 << 20
_SPEED_WINDOW_S = 3.0
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class DownloadState(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


_SETTLED = (DownloadState.PAUSED, DownloadState.DONE, DownloadState.FAILED, DownloadState.CANCELLED)
_RESUMABLE = (DownloadState.PAUSED, DownloadState.FAILED)


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
class _FileSpec:
    name: str  # the path in the repo
    size: int | None
    sha256: str | None
    etag: str | None = None  # seen on the first response; a change means the file changed

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass
class _Job:
    job_id: str
    repo_id: str
    revision: str
    name: str
    quant: str | None
    files: list[_FileSpec]
    dest: str  # relative to the models folder: a file name, or a set's folder name
    state: DownloadState = DownloadState.QUEUED
    error: AppError | None = None
    resumable: bool = True
    message: str = ""
    done_before: int = 0  # bytes of the files already complete
    current: int = 0  # bytes in the part being written
    files_done: int = 0
    abort: net.Abort | None = None
    thread: threading.Thread | None = None
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


class _Restart(Exception):
    """Start this file over from byte 0."""


class Downloader:
    """A download queue over one models folder. See the module docstring for the API."""

    def __init__(
        self,
        models_dir: Path,
        config: HubConfig | None = None,
        *,
        on_event: Callable[[DownloadEvent], None] | None = None,
        max_parallel: int = 1,
        retry: RetryPolicy = DEFAULT_RETRY,
        timeouts: net.Timeouts = net.DEFAULT_TIMEOUTS,
        free_margin: int = 64 * 1024 * 1024,
        progress_interval: float = 0.1,
    ) -> None:
        self.models_dir = Path(models_dir)
        self.staging = self.models_dir / STAGING_DIR
        self._config = config or HubConfig()
        self._max_parallel = max(1, max_parallel)
        self._retry = retry
        self._timeouts = timeouts
        self._free_margin = free_margin
        self._progress_interval = progress_interval
        self._cond = threading.Condition(threading.RLock())
        self._jobs: dict[str, _Job] = {}
        self._listeners: list[Callable[[DownloadEvent], None]] = [on_event] if on_event else []
        self._closed = False
        self._load_saved()

    # ------------------------------------------------------------------ public API

    @property
    def config(self) -> HubConfig:
        return self._config

    def subscribe(self, callback: Callable[[DownloadEvent], None]) -> Callable[[], None]:
        """Add an event listener; returns the function that removes it."""
        with self._cond:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._cond, contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def set_config(self, config: HubConfig) -> None:
        """New endpoint, token or offline switch; offline pauses what is running."""
        with self._cond:
            self._config = config
            running = [j for j in self._jobs.values() if j.state == DownloadState.RUNNING]
            self._pump()
        if config.offline:
            for job in running:
                self._stop(job, "pause")

    def add(self, repo_id: str, model: HubModel, *, revision: str = "main") -> str:
        """Queue `model` from `repo_id`; returns the job id (the same one for the same model, so
        adding a paused download again resumes it).

        Raises before queueing: `OfflineError`, `UnsafeFileNameError`, `AlreadyExistsError`,
        `DiskFullError`.
        """
        self._config.require_online()
        if self._closed:
            raise DownloadError("The download queue is closed.")
        if not model.files:
            raise DownloadError(f"{model.name} has no files to download.")
        for f in model.files:
            self._check_name(f.name)
        if model.sharded:
            self._check_name(model.name)
            dest = model.name
        else:
            dest = model.first_file.basename
        self._check_inside(self.models_dir / dest)
        job_id = hashlib.sha1(f"{repo_id}\0{model.name}".encode()).hexdigest()[:16]
        with self._cond:
            old = self._jobs.get(job_id)
            if old is not None and old.state in (DownloadState.QUEUED, DownloadState.RUNNING):
                return job_id
            again = old is not None and old.state in _RESUMABLE and old.resumable
        if again:
            self.resume(job_id)
            return job_id
        with self._cond:
            for other in self._jobs.values():
                if other.dest == dest and other.job_id != job_id and other.state not in _SETTLED:
                    raise AlreadyExistsError(
                        f"Another download ({other.repo_id}) is already writing {dest}."
                    )
            if (self.models_dir / dest).exists():
                raise AlreadyExistsError(
                    f"{dest} is already in the models folder; delete it first to download it again."
                )
            job = _Job(
                job_id=job_id,
                repo_id=repo_id,
                revision=revision,
                name=model.name,
                quant=model.quant,
                files=[_FileSpec(f.name, f.size, _sha(f)) for f in model.files],
                dest=dest,
            )
            self._check_space(job)
            self._job_dir(job).mkdir(parents=True, exist_ok=True)
            self._save(job)
            self._jobs.pop(job_id, None)
            self._jobs[job_id] = job  # the newest last
            event = self._event("added", job)
            self._pump()
        self._emit(event)
        return job_id

    def pause(self, job_id: str) -> None:
        """Stop a queued or running download, keeping what it has (also across restarts)."""
        event = None
        with self._cond:
            job = self._get(job_id)
            if job.state == DownloadState.QUEUED:
                job.state = DownloadState.PAUSED
                job.message = "Paused"
                self._save(job)
                event = self._event("paused", job)
                self._cond.notify_all()
        if event is not None:
            self._emit(event)
        else:
            self._stop(job, "pause")

    def resume(self, job_id: str) -> None:
        """Queue a paused (or resumable failed) download again. Raises `OfflineError` when offline."""
        self._config.require_online()
        with self._cond:
            job = self._get(job_id)
            if job.state not in (DownloadState.PAUSED, DownloadState.FAILED) or not job.resumable:
                return
            job.state = DownloadState.QUEUED
            job.error = None
            job.message = "Waiting"
            event = self._event("queued", job)
            self._pump()
        self._emit(event)

    def cancel(self, job_id: str) -> None:
        """Stop a download and delete its partial data (a finished model is not touched)."""
        event = None
        with self._cond:
            job = self._get(job_id)
            if job.state in (DownloadState.DONE, DownloadState.CANCELLED):
                return
            if job.state != DownloadState.RUNNING:
                self._remove_staging(job)
                job.state = DownloadState.CANCELLED
                job.message = "Cancelled"
                job.current = 0
                event = self._event("cancelled", job)
                self._cond.notify_all()
                self._pump()
        if event is not None:
            self._emit(event)
        else:
            self._stop(job, "cancel")

    def forget(self, job_id: str) -> None:
        """Drop a job that is not queued or running from `jobs()`; a paused or failed one's partial
        data is deleted."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None or job.state in (DownloadState.QUEUED, DownloadState.RUNNING):
                return
            if job.state in (DownloadState.FAILED, DownloadState.PAUSED):
                self._remove_staging(job)
            del self._jobs[job_id]

    def jobs(self) -> list[DownloadStatus]:
        with self._cond:
            return [self._snapshot(j) for j in self._jobs.values()]

    def status(self, job_id: str) -> DownloadStatus:
        with self._cond:
            return self._snapshot(self._get(job_id))

    def wait(self, job_id: str, timeout: float | None = None) -> DownloadStatus:
        """Block until the job is done, failed, cancelled or paused (or `timeout` passes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                job = self._get(job_id)
                if job.state in _SETTLED:
                    return self._snapshot(job)
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return self._snapshot(job)
                self._cond.wait(left)

    def close(self, timeout: float = 5.0) -> None:
        """Pause every running download (kept for the next start) and wait for the workers."""
        with self._cond:
            self._closed = True
            running = [j for j in self._jobs.values() if j.state == DownloadState.RUNNING]
            for job in self._jobs.values():
                if job.state == DownloadState.QUEUED:
                    job.state = DownloadState.PAUSED
                    self._save(job)
        for job in running:
            self._stop(job, "pause")
        deadline = time.monotonic() + timeout
        for job in running:
            if job.thread is not None:
                job.thread.join(max(0.0, deadline - time.monotonic()))

    # ------------------------------------------------------------------ scheduling

    def _get(self, job_id: str) -> _Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise DownloadError(f"No download with id {job_id}.") from None

    def _stop(self, job: _Job, reason: str) -> None:
        with self._cond:
            abort = job.abort
            if job.state != DownloadState.RUNNING or abort is None:
                return
            job.message = "Cancelling…" if reason == "cancel" else "Pausing…"
        abort.set(reason)

    def _pump(self) -> None:
        """Start queued jobs while there are free slots (caller holds the lock)."""
        if self._closed or self._config.offline:
            return
        running = sum(1 for j in self._jobs.values() if j.state == DownloadState.RUNNING)
        for job in self._jobs.values():
            if running >= self._max_parallel:
                break
            if job.state != DownloadState.QUEUED:
                continue
            job.state = DownloadState.RUNNING
            job.abort = net.Abort()
            job.samples.clear()
            job.message = "Starting"
            job.thread = threading.Thread(
                target=self._work, args=(job,), name=f"download-{job.job_id}", daemon=True
            )
            job.thread.start()
            running += 1

    def _work(self, job: _Job) -> None:
        """A worker thread: one job from start to a settled state."""
        abort = job.abort
        assert abort is not None
        self._emit(self._event("started", job))
        kind = "failed"
        try:
            self._run(job, abort)
            kind = "done"
        except net.Aborted:
            kind = "cancelled" if abort.reason == "cancel" else "paused"
        except ChecksumMismatchError as e:
            self._fail(job, e, resumable=False)
        except UnsafeFileNameError as e:
            self._fail(job, e, resumable=False)
        except AppError as e:
            self._fail(job, e, resumable=True)
        except Exception as e:  # a bug: say so, keep the partial data
            _log.exception("download %s failed", job.job_id)
            self._fail(job, DownloadError(f"The download failed: {e!r}"), resumable=True)
        with self._cond:
            job.abort = None
            if kind == "done":
                job.state = DownloadState.DONE
                job.message = "Done"
            elif kind == "cancelled":
                self._remove_staging(job)
                job.state = DownloadState.CANCELLED
                job.current = 0
                job.message = "Cancelled"
            elif kind == "paused":
                job.state = DownloadState.PAUSED
                job.message = "Paused: offline mode is on" if self._config.offline else "Paused"
                self._save(job)
            else:
                job.state = DownloadState.FAILED
                if job.resumable:
                    self._save(job)
                else:
                    self._remove_staging(job)
            event = self._event(kind, job)
            self._cond.notify_all()
            self._pump()
        self._emit(event)

    def _fail(self, job: _Job, error: AppError, *, resumable: bool) -> None:
        with self._cond:
            job.error = error
            job.resumable = resumable
            job.message = error.message

    # ------------------------------------------------------------------ the transfer

    def _run(self, job: _Job, abort: net.Abort) -> None:
        files_dir = self._job_dir(job) / "files"
        files_dir.mkdir(parents=True, exist_ok=True)
        with self._cond:
            job.error = None
            job.resumable = True
            job.done_before = 0
            job.files_done = 0
            for f in job.files:
                self._check_name(f.name)
                if (files_dir / f.basename).is_file():  # verified in an earlier run
                    job.done_before += f.size or (files_dir / f.basename).stat().st_size
                    job.files_done += 1
        self._check_inside(self.models_dir / job.dest)
        self._check_space(job)
        for f in job.files:
            if not (files_dir / f.basename).is_file():
                self._fetch(job, f, files_dir, abort)
        abort.check()
        self._install(job, files_dir)

    def _fetch(self, job: _Job, f: _FileSpec, files_dir: Path, abort: net.Abort) -> None:
        """Download one file into its part (resuming), verify it, rename it to its final name."""
        path = files_dir / (f.basename + PART_SUFFIX)
        with PartFile(path) as part:
            self._rehash(job, part, f, abort)
            failures = restarts = 0
            delay = self._retry.base
            while True:
                before = job.received
                try:
                    self._transfer(job, f, part, abort)
                    break
                except _Restart:
                    restarts += 1
                    if restarts > 3:
                        raise NetworkError(
                            f"The Hub keeps changing {f.basename} during the download.",
                            details=f.name,
                        ) from None
                    part.reset()
                    self._set_current(job, 0)
                except NetworkError as e:
                    if job.received > before:
                        failures, delay = 0, self._retry.base
                    failures += 1
                    if failures >= self._retry.attempts:
                        raise NetworkError(
                            f"{e.message} Gave up after {failures} tries; resume to try again.",
                            details=e.details,
                        ) from None
                    with self._cond:
                        job.message = (
                            f"{e.message} Retrying in {delay:g} s "
                            f"(try {failures + 1} of {self._retry.attempts})."
                        )
                    self._emit(self._event("retrying", job))
                    abort.sleep(delay)
                    delay = min(self._retry.cap, delay * 2)
            try:
                part.sync()  # some file systems report a full disk only here
            except OSError as e:
                raise self._disk_error(job, e) from None
            size = part.size()
            digest = part.hexdigest()
        expected = f.sha256
        if (f.size is not None and size != f.size) or (expected and digest != expected):
            with contextlib.suppress(OSError):
                path.unlink()
            what = f"{size} bytes, expected {f.size}" if size != f.size else f"sha256 {digest}"
            raise ChecksumMismatchError(
                f"{f.basename}: checksum mismatch: the downloaded data is not the file the Hub "
                "lists. It was deleted; try again later, or from another mirror.",
                details=f"{what}; expected sha256 {expected}",
            )
        os.replace(path, files_dir / f.basename)
        with self._cond:
            job.done_before += size
            job.current = 0
            job.files_done += 1

    def _rehash(self, job: _Job, part: PartFile, f: _FileSpec, abort: net.Abort) -> None:
        """Hash what an earlier run wrote, so the final sha256 covers the whole file."""
        have = part.size()
        if have and f.size is not None and have > f.size:
            part.reset()
            have = 0
        if have:
            with self._cond:
                job.message = "Checking the partial download"
            self._set_current(job, have)
            self._emit(self._event("verifying", job))
            part.rehash(abort.check)
        self._set_current(job, have)

    def _transfer(self, job: _Job, f: _FileSpec, part: PartFile, abort: net.Abort) -> None:
        """One attempt: ask for the bytes after the part's end, append what arrives."""
        config = self._config
        have = part.size()
        if f.size is not None and have == f.size:
            return  # complete already (an earlier attempt ended right after the last byte)
        url = config.file_url(job.repo_id, f.name, job.revision)
        headers: dict[str, str] = {}
        if config.token:
            headers["Authorization"] = f"Bearer {config.token}"
        if have:
            headers["Range"] = f"bytes={have}-"
        with self._cond:
            job.message = "Connecting"
        resp = net.open_url(
            "GET",
            url,
            headers=headers,
            abort=abort,
            timeouts=self._timeouts,
            offline=config.offline,
        )
        try:
            resp = self._follow(job, f, resp, url, headers, have, abort)
            self._check_status(job, resp)
            if resp.status == 416:  # nothing after `have`
                if f.size is not None and have == f.size:
                    return
                raise _Restart()
            if resp.status == 206:
                start, total = _content_range(resp.header("Content-Range"))
                if start != have or (None not in (total, f.size) and total != f.size):
                    raise _Restart()
            elif have:  # 200: the whole file again
                part.reset()
                self._set_current(job, 0)
            with self._cond:
                job.message = "Downloading"
            self._emit(self._event("progress", job))
            self._stream(job, resp, part)
        finally:
            resp.close()
        if f.size is not None and part.size() < f.size:
            raise NetworkError(
                f"The connection closed after {format_bytes(part.size())} of "
                f"{format_bytes(f.size)}.",
                details=url,
            )

    def _follow(
        self,
        job: _Job,
        f: _FileSpec,
        resp: net.Response,
        url: str,
        headers: dict[str, str],
        have: int,
        abort: net.Abort,
    ) -> net.Response:
        """Follow the Hub's redirect to its CDN, checking the file is still the one we started."""
        self._note_etag(job, f, resp, have)
        for _ in range(8):
            location = resp.header("Location")
            if resp.status not in (301, 302, 303, 307, 308) or not location:
                return resp
            target = urljoin(url, location)
            resp.close()
            if net.origin(target) != net.origin(url):  # the token stays with the Hub
                headers = {k: v for k, v in headers.items() if k != "Authorization"}
            url = target
            resp = net.open_url(
                "GET",
                url,
                headers=headers,
                abort=abort,
                timeouts=self._timeouts,
                offline=self._config.offline,
            )
        resp.close()
        raise NetworkError("Too many redirects from the Hub.", details=url)

    def _note_etag(self, job: _Job, f: _FileSpec, resp: net.Response, have: int) -> None:
        """Learn ETag (the LFS sha256), size and sha256 from the Hub's answer; a change restarts."""
        if resp.status >= 400:
            return
        etag = _clean_etag(resp.header("X-Linked-Etag") or resp.header("ETag"))
        linked = resp.header("X-Linked-Size") or ""
        if not etag:
            return
        with self._cond:
            if etag == f.etag:
                return
            changed = f.etag is not None
            f.etag = etag
            if _SHA256_RE.match(etag) and (changed or f.sha256 is None):
                f.sha256 = etag  # the Hub's LFS oid of what it serves now
            if linked.isdigit() and (changed or f.size is None):
                f.size = int(linked)
            self._save(job)
        if changed and have:
            _log.info("%s changed on the Hub; starting it over", f.name)
            raise _Restart()

    def _check_status(self, job: _Job, resp: net.Response) -> None:
        status = resp.status
        if status in (200, 206, 416):
            return
        code = resp.header("X-Error-Code") or ""
        text = resp.header("X-Error-Message") or resp.reason
        details = f"{status} {code} {text}: {resp.url}"
        if status in (401, 403) and (code == "GatedRepo" or "gated" in text.lower()):
            raise GatedRepoError(
                gated_message(self._config, job.repo_id, status=status), details=details
            )
        if status in (401, 403):
            hint = "set a token in Settings" if not self._config.token else "check the token"
            raise HubHTTPError(
                f"The Hub refused access to {job.repo_id} ({status}): if it is private, {hint}.",
                details=details,
            )
        if status == 404:
            if code == "RepoNotFound":
                raise RepoNotFoundError(f"No repo {job.repo_id} on the Hub.", details=details)
            raise EntryNotFoundError(
                f"{job.name} is no longer in {job.repo_id} on the Hub.", details=details
            )
        if status == 429 or status >= 500:
            raise NetworkError(f"The Hub is busy or failing ({status}).", details=details)
        raise HubHTTPError(f"The Hub refused the download ({status} {text}).", details=details)

    def _stream(self, job: _Job, resp: net.Response, part: PartFile) -> None:
        while True:
            buf = part.buffer()
            try:
                n = resp.read_into(memoryview(buf))
            except BaseException:
                part.release(buf)
                raise
            if n == 0:
                part.release(buf)
                return
            try:
                part.append(buf, n)
            except OSError as e:
                raise self._disk_error(job, e) from None
            self._progress(job, n)

    def _disk_error(self, job: _Job, e: OSError) -> AppError:
        done = format_bytes(job.done_before + job.current)
        if e.errno == errno.EFBIG:
            return DiskFullError(
                f"The models folder's disk (or a size limit) cannot take a file this large: "
                f"{done} of {job.name} written. Free up space or move the models folder to a "
                "disk with a modern file system, then resume; cancel deletes the partial data.",
                details=repr(e),
            )
        if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return DiskFullError(
                f"The disk is full: {done} of {job.name} written. Free up space and resume; "
                "cancel deletes the partial download.",
                details=repr(e),
            )
        return DownloadError(
            f"Cannot write {job.name} to the models folder: {e.strerror or e}.", details=repr(e)
        )

    def _install(self, job: _Job, files_dir: Path) -> None:
        """Move the verified file (or the shard set's folder) into the models folder in one step."""
        target = self.models_dir / job.dest
        self._check_inside(target)
        if target.exists():
            raise AlreadyExistsError(
                f"{job.dest} appeared in the models folder during the download; it was not "
                "overwritten. Delete it and resume to install the download."
            )
        if len(job.files) == 1:
            os.replace(files_dir / job.files[0].basename, target)
        else:
            os.replace(files_dir, target)
        self._remove_staging(job)

    # ------------------------------------------------------------------ checks

    def _check_name(self, name: str) -> None:
        why = _unsafe_reason(name)
        if why is not None:
            raise UnsafeFileNameError(
                f"Refused unsafe file name {name!r} from the Hub ({why}).", details=name
            )

    def _check_inside(self, path: Path) -> None:
        root = self.models_dir.resolve()
        if not path.resolve().is_relative_to(root) or path.resolve() == root:
            raise UnsafeFileNameError(
                f"Refused unsafe file name {path.name!r}: it would be written outside the "
                "models folder.",
                details=str(path),
            )

    def _check_space(self, job: _Job) -> None:
        total = job.total
        if total is None:
            return
        remaining = max(0, total - job.done_before - self._partial_bytes(job))
        self.staging.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self.staging).free
        if free < remaining + self._free_margin:
            raise DiskFullError(
                f"Not enough free disk space for {job.name}: it needs {format_bytes(remaining)} "
                f"more, and {format_bytes(free)} is free on the disk of the models folder "
                f"({self.models_dir}). Free up space or choose another models folder.",
                details=f"free {free}, remaining {remaining}, margin {self._free_margin}",
            )

    def _partial_bytes(self, job: _Job) -> int:
        files_dir = self._job_dir(job) / "files"
        total = 0
        for f in job.files:
            part = files_dir / (f.basename + PART_SUFFIX)
            with contextlib.suppress(OSError):
                total += part.stat().st_size
        return total

    # ------------------------------------------------------------------ progress and events

    def _set_current(self, job: _Job, n: int) -> None:
        with self._cond:
            job.current = n

    def _progress(self, job: _Job, n: int) -> None:
        now = time.monotonic()
        with self._cond:
            job.current += n
            job.received += n
            job.samples.append((now, job.received))
            due = now - job.last_event >= self._progress_interval
        if due:
            self._emit(self._event("progress", job))

    def _event(self, kind: str, job: _Job) -> DownloadEvent:
        with self._cond:
            job.last_event = time.monotonic()
            return DownloadEvent(kind, self._snapshot(job))

    def _snapshot(self, job: _Job) -> DownloadStatus:
        total = job.total
        done = job.done_before + job.current
        speed = _speed(job.samples) if job.state == DownloadState.RUNNING else 0.0
        eta = (total - done) / speed if (total is not None and speed > 0) else None
        path = None
        if job.state == DownloadState.DONE:
            target = self.models_dir / job.dest
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
            speed=speed,
            eta=eta,
            files_done=job.files_done,
            files_total=len(job.files),
            message=job.message,
            error=job.error,
            resumable=job.resumable and job.state in (DownloadState.PAUSED, DownloadState.FAILED),
            path=path,
        )

    def _emit(self, event: DownloadEvent) -> None:
        with self._cond:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                _log.exception("download event listener failed")

    # ------------------------------------------------------------------ persistence

    def _job_dir(self, job: _Job) -> Path:
        return self.staging / job.job_id

    def _save(self, job: _Job) -> None:
        data = {
            "version": _JOB_VERSION,
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
            write_atomic(self._job_dir(job) / JOB_FILE, json.dumps(data, indent=1).encode())
        except (
            OSError
        ) as e:  # a full disk: the part is still there, the job just won't survive a restart
            _log.warning("could not save download state for %s: %s", job.name, e)

    def _load_saved(self) -> None:
        """Jobs left by an earlier run come back paused, with the bytes they have."""
        if not self.staging.is_dir():
            return
        for job_file in sorted(self.staging.glob(f"*/{JOB_FILE}")):
            try:
                data = json.loads(job_file.read_text("utf-8"))
                job = _job_from_json(data)
            except (OSError, ValueError, KeyError, TypeError) as e:
                _log.warning("ignoring unreadable download state %s: %s", job_file, e)
                continue
            if job.job_id != job_file.parent.name:
                continue
            files_dir = self._job_dir(job) / "files"
            for f in job.files:
                if (files_dir / f.basename).is_file():
                    job.done_before += (files_dir / f.basename).stat().st_size
                    job.files_done += 1
            job.current = self._partial_bytes(job)
            error = data.get("error")
            job.state = DownloadState.PAUSED
            if isinstance(error, dict) and error.get("message"):
                job.error = DownloadError(str(error["message"]))
                job.message = str(error["message"])
            else:
                job.message = "Paused"
            self._jobs[job.job_id] = job

    def _remove_staging(self, job: _Job) -> None:
        shutil.rmtree(self._job_dir(job), ignore_errors=True)
        with contextlib.suppress(OSError):
            self.staging.rmdir()  # only when empty


# ---------------------------------------------------------------------- helpers


def _sha(f: HubFile) -> str | None:
    value = (f.sha256 or "").lower()
    return value if _SHA256_RE.match(value) else None


def _clean_etag(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"') or None


def _content_range(value: str | None) -> tuple[int | None, int | None]:
    """ "bytes 100-199/1000" -> (100, 1000)."""
    m = re.match(r"^\s*bytes\s+(\d+)-\d+/(\d+|\*)\s*$", value or "")
    if not m:
        return None, None
    return int(m[1]), (int(m[2]) if m[2] != "*" else None)


def _speed(samples: Iterable[tuple[float, int]]) -> float:
    points = list(samples)
    if len(points) < 2:
        return 0.0
    now = time.monotonic()
    recent = [p for p in points if now - p[0] <= _SPEED_WINDOW_S] or points[-2:]
    if len(recent) < 2:
        recent = points[-2:]
    (t0, b0), (t1, b1) = recent[0], recent[-1]
    if now - t1 > _SPEED_WINDOW_S:
        return 0.0  # nothing arrived for a while
    span = max(t1 - t0, 1e-3)
    return (b1 - b0) / span


def _job_from_json(data: dict[str, Any]) -> _Job:
    if data.get("version") != _JOB_VERSION:
        raise ValueError(f"unknown version {data.get('version')!r}")
    files = [
        _FileSpec(
            name=str(f["name"]),
            size=int(f["size"]) if f.get("size") is not None else None,
            sha256=str(f["sha256"]) if f.get("sha256") else None,
            etag=str(f["etag"]) if f.get("etag") else None,
        )
        for f in data["files"]
    ]
    if not files:
        raise ValueError("no files")
    return _Job(
        job_id=str(data["job_id"]),
        repo_id=str(data["repo_id"]),
        revision=str(data["revision"]),
        name=str(data["name"]),
        quant=str(data["quant"]) if data.get("quant") else None,
        files=files,
        dest=str(data["dest"]),
    )
