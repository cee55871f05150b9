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

How a download is kept honest: resumed with Range requests against an unchanged ETag, retried
with backoff, sha256-verified, installed with one `os.replace` (`download_io`); staged in a
hidden `<models>/.downloads/` folder that survives restarts (jobs come back paused), with names
and free disk checked before any request (`download_folder`). Cancel and pause end within a
second even when the server stopped answering: the socket is shut down under the blocked read
(see `net.Abort`). Cancel deletes the partial download.

Where files land: a single file as `<models>/<file name>`; a shard set as
`<models>/<set name>/<set name>-0000i-of-0000n.gguf` (llama.cpp opens the first and finds the rest).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.core import jobs as core_jobs  # the Downloads class has a jobs() method
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models import net
from desktop_app.core.models.download_folder import (
    JOB_FILE,
    PART_SUFFIX,
    STAGING_DIR,
    DownloadFolder,
)
from desktop_app.core.models.download_io import Transfer
from desktop_app.core.models.download_state import (
    CANCELLED,
    CANCELLING,
    DEFAULT_RETRY,
    DONE,
    PAUSED,
    PAUSED_OFFLINE,
    PAUSING,
    RESUMABLE,
    SETTLED,
    STARTING,
    WAITING,
    DownloadEvent,
    DownloadState,
    DownloadStatus,
    FileSpec,
    Job,
    RetryPolicy,
    format_bytes,
    hub_sha256,
    snapshot,
)
from desktop_app.core.models.hub import HubConfig, HubModel
from desktop_app.core.models.hub_errors import AlreadyExistsError, DownloadError

__all__ = [
    "DEFAULT_RETRY",
    "JOB_FILE",
    "PART_SUFFIX",
    "STAGING_DIR",
    "DownloadEvent",
    "DownloadState",
    "DownloadStatus",
    "Downloader",
    "RetryPolicy",
    "format_bytes",
]

_log = logging.getLogger(__name__)


def _report_crash(worker: core_jobs.Job[None]) -> None:
    """A worker that raised is a bug: log it, as an uncaught exception in a thread would be."""
    if isinstance(worker.error, Exception):
        _log.error("%s failed", worker.name, exc_info=worker.error)


_NO_FILES = QT_TRANSLATE_NOOP("Downloads", "{name} has no files to download.")
_WRITING = QT_TRANSLATE_NOOP("Downloads", "Another download ({repo}) is already writing {dest}.")
_THERE = QT_TRANSLATE_NOOP(
    "Downloads", "{dest} is already in the models folder; delete it first to download it again."
)
_NO_JOB = QT_TRANSLATE_NOOP("Downloads", "No download with id {job_id}.")


class Downloader:
    """A download queue over one models folder. See the module docstring for the API.

    This class is the queue and its state machine; the bytes move in `download_io.Transfer`,
    the staging folder and its checks are `download_folder.DownloadFolder`.
    """

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
        self._folder = DownloadFolder(self.models_dir, free_margin)
        self.staging = self._folder.staging
        self._config = config or HubConfig()
        self._max_parallel = max(1, max_parallel)
        self._cond = threading.Condition(threading.RLock())
        self._transfer = Transfer(
            self._folder,
            self._cond,
            lambda: self._config,
            lambda kind, job: self._emit(self._event(kind, job)),
            retry=retry,
            timeouts=timeouts,
            progress_interval=progress_interval,
        )
        self._jobs: dict[str, Job] = {}
        self._listeners: list[Callable[[DownloadEvent], None]] = [on_event] if on_event else []
        self._closed = False
        for job in self._folder.load_saved():
            self._jobs[job.job_id] = job

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
            raise DownloadError(QT_TRANSLATE_NOOP("Downloads", "The download queue is closed."))
        if not model.files:
            raise DownloadError(_NO_FILES.format(name=model.name))
        dest = self._folder.dest_for(model)
        job_id = hashlib.sha1(f"{repo_id}\0{model.name}".encode()).hexdigest()[:16]
        with self._cond:
            old = self._jobs.get(job_id)
            if old is not None and old.state in (DownloadState.QUEUED, DownloadState.RUNNING):
                return job_id
            again = old is not None and old.state in RESUMABLE and old.resumable
        if again:
            self.resume(job_id)
            return job_id
        with self._cond:
            for other in self._jobs.values():
                if other.dest == dest and other.job_id != job_id and other.state not in SETTLED:
                    raise AlreadyExistsError(_WRITING.format(repo=other.repo_id, dest=dest))
            if (self.models_dir / dest).exists():
                raise AlreadyExistsError(_THERE.format(dest=dest))
            job = Job(
                job_id=job_id,
                repo_id=repo_id,
                revision=revision,
                name=model.name,
                quant=model.quant,
                files=[FileSpec(f.name, f.size, hub_sha256(f)) for f in model.files],
                dest=dest,
            )
            self._folder.check_space(job)
            self._folder.job_dir(job).mkdir(parents=True, exist_ok=True)
            self._folder.save(job)
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
                job.message = PAUSED
                self._folder.save(job)
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
            job.message = WAITING
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
                self._folder.remove_staging(job)
                job.state = DownloadState.CANCELLED
                job.message = CANCELLED
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
                self._folder.remove_staging(job)
            del self._jobs[job_id]

    def jobs(self) -> list[DownloadStatus]:
        with self._cond:
            return [snapshot(j, self.models_dir) for j in self._jobs.values()]

    def status(self, job_id: str) -> DownloadStatus:
        with self._cond:
            return snapshot(self._get(job_id), self.models_dir)

    def wait(self, job_id: str, timeout: float | None = None) -> DownloadStatus:
        """Block until the job is done, failed, cancelled or paused (or `timeout` passes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                job = self._get(job_id)
                if job.state in SETTLED:
                    return snapshot(job, self.models_dir)
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return snapshot(job, self.models_dir)
                self._cond.wait(left)

    def close(self, timeout: float = 5.0) -> None:
        """Pause every running download (kept for the next start) and wait for the workers."""
        with self._cond:
            self._closed = True
            running = [j for j in self._jobs.values() if j.state == DownloadState.RUNNING]
            for job in self._jobs.values():
                if job.state == DownloadState.QUEUED:
                    job.state = DownloadState.PAUSED
                    self._folder.save(job)
        for job in running:
            self._stop(job, "pause")
        deadline = time.monotonic() + timeout
        for job in running:
            if job.worker is not None:
                job.worker.wait(max(0.0, deadline - time.monotonic()))

    # ------------------------------------------------------------------ scheduling

    def _get(self, job_id: str) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise DownloadError(_NO_JOB.format(job_id=job_id)) from None

    def _stop(self, job: Job, reason: str) -> None:
        with self._cond:
            abort = job.abort
            if job.state != DownloadState.RUNNING or abort is None:
                return
            job.message = CANCELLING if reason == "cancel" else PAUSING
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
            job.message = STARTING
            job.worker = core_jobs.start(
                functools.partial(self._work, job),
                name=f"download-{job.job_id}",
                on_done=_report_crash,
            )
            running += 1

    def _work(self, job: Job, _worker: core_jobs.Job[None]) -> None:
        """A worker (a jobs.Job): one job from start to a settled state."""
        abort = job.abort
        assert abort is not None
        self._emit(self._event("started", job))
        kind = self._transfer.run_job(job, abort)
        with self._cond:
            job.abort = None
            if kind == "done":
                job.state = DownloadState.DONE
                job.message = DONE
            elif kind == "cancelled":
                self._folder.remove_staging(job)
                job.state = DownloadState.CANCELLED
                job.current = 0
                job.message = CANCELLED
            elif kind == "paused":
                job.state = DownloadState.PAUSED
                job.message = PAUSED_OFFLINE if self._config.offline else PAUSED
                self._folder.save(job)
            else:
                job.state = DownloadState.FAILED
                if job.resumable:
                    self._folder.save(job)
                else:
                    self._folder.remove_staging(job)
            event = self._event(kind, job)
            self._cond.notify_all()
            self._pump()
        self._emit(event)

    def _event(self, kind: str, job: Job) -> DownloadEvent:
        with self._cond:
            job.last_event = time.monotonic()
            return DownloadEvent(kind, snapshot(job, self.models_dir))

    def _emit(self, event: DownloadEvent) -> None:
        with self._cond:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                _log.exception("download event listener failed")
