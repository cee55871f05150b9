"""The transfer of one download job: ranged requests, resume, retries, verification.

Runs on the job's worker thread; the queue (`downloads.Downloader`) owns the job's state.

- Resume: a Range request from the part's size; the Hub's `X-Linked-Etag` (the LFS sha256) must
  be unchanged, else the file starts over. Hashing continues over resumes by re-reading the part.
- Retries with exponential backoff on dropped connections, stalls (no byte for `timeouts.read`),
  429 and 5xx; the attempt count resets whenever bytes arrive.
- Verified: sha256 against the Hub's LFS metadata before the file is accepted; a mismatch
  deletes the part and fails with `ChecksumMismatchError`.
- A full disk mid-write fails with `DiskFullError`; the part stays resumable in staging.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

from desktop_app.core.errors import AppError
from desktop_app.core.models import net
from desktop_app.core.models.download_errors import (
    CUT_SHORT,
    FAILED,
    KEEPS_CHANGING,
    REDIRECTS,
    checksum_error,
    disk_error,
    hub_error,
)
from desktop_app.core.models.download_folder import PART_SUFFIX, DownloadFolder
from desktop_app.core.models.download_state import (
    CHECKING,
    CONNECTING,
    DOWNLOADING,
    GAVE_UP,
    RETRYING,
    SHA256_RE,
    FileSpec,
    Job,
    RetryPolicy,
    format_bytes,
)
from desktop_app.core.models.hub import HubConfig
from desktop_app.core.models.hub_errors import (
    ChecksumMismatchError,
    DownloadError,
    NetworkError,
    UnsafeFileNameError,
)
from desktop_app.core.models.part_file import PartFile

__all__ = ["Transfer", "content_range", "disk_error", "hub_error"]

_log = logging.getLogger(__name__)


class Restart(Exception):
    """Start this file over from byte 0."""


class Transfer:
    """Moves one job's bytes from the Hub into its staging folder, then into the models folder."""

    def __init__(
        self,
        folder: DownloadFolder,
        lock: threading.Condition,
        config: Callable[[], HubConfig],
        emit: Callable[[str, Job], None],
        *,
        retry: RetryPolicy,
        timeouts: net.Timeouts,
        progress_interval: float,
    ) -> None:
        self._folder = folder
        self._cond = lock
        self._config = config
        self._emit = emit
        self._retry = retry
        self._timeouts = timeouts
        self._progress_interval = progress_interval

    def run_job(self, job: Job, abort: net.Abort) -> str:
        """Run *job* to its end; returns how it ended: done, cancelled, paused or failed (then
        `job.error` says why and `job.resumable` whether its partial data is worth keeping)."""
        try:
            self._run(job, abort)
            return "done"
        except net.Aborted:
            return "cancelled" if abort.reason == "cancel" else "paused"
        except ChecksumMismatchError as e:
            self._fail(job, e, resumable=False)
        except UnsafeFileNameError as e:
            self._fail(job, e, resumable=False)
        except AppError as e:
            self._fail(job, e, resumable=True)
        except Exception as e:  # a bug: say so, keep the partial data
            _log.exception("download %s failed", job.job_id)
            self._fail(job, DownloadError(FAILED.format(error=repr(e))), resumable=True)
        return "failed"

    def _fail(self, job: Job, error: AppError, *, resumable: bool) -> None:
        with self._cond:
            job.error = error
            job.resumable = resumable
            job.message = error.message

    def _run(self, job: Job, abort: net.Abort) -> None:
        folder = self._folder
        files_dir = folder.files_dir(job)
        files_dir.mkdir(parents=True, exist_ok=True)
        with self._cond:
            job.error = None
            job.resumable = True
            job.done_before = 0
            job.files_done = 0
            for f in job.files:
                folder.check_name(f.name)
                if (files_dir / f.basename).is_file():  # verified in an earlier run
                    job.done_before += f.size or (files_dir / f.basename).stat().st_size
                    job.files_done += 1
        folder.check_inside(folder.models_dir / job.dest)
        folder.check_space(job)
        for f in job.files:
            if not (files_dir / f.basename).is_file():
                self._fetch(job, f, files_dir, abort)
        abort.check()
        folder.install(job, files_dir)

    def _fetch(self, job: Job, f: FileSpec, files_dir: Path, abort: net.Abort) -> None:
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
                except Restart:
                    restarts += 1
                    if restarts > 3:
                        raise NetworkError(
                            KEEPS_CHANGING.format(name=f.basename), details=f.name
                        ) from None
                    part.reset()
                    self._set_current(job, 0)
                except NetworkError as e:
                    if job.received > before:
                        failures, delay = 0, self._retry.base
                    failures += 1
                    if failures >= self._retry.attempts:
                        raise NetworkError(
                            GAVE_UP.format(reason=e.message, n=failures), details=e.details
                        ) from None
                    with self._cond:
                        job.message = RETRYING.format(
                            reason=e.message,
                            seconds=f"{delay:g}",
                            n=failures + 1,
                            total=self._retry.attempts,
                        )
                    self._emit("retrying", job)
                    abort.sleep(delay)
                    delay = min(self._retry.cap, delay * 2)
            try:
                part.sync()  # some file systems report a full disk only here
            except OSError as e:
                raise disk_error(job, e) from None
            size = part.size()
            digest = part.hexdigest()
        expected = f.sha256
        if (f.size is not None and size != f.size) or (expected and digest != expected):
            with contextlib.suppress(OSError):
                path.unlink()
            what = f"{size} bytes, expected {f.size}" if size != f.size else f"sha256 {digest}"
            raise checksum_error(f.basename, f"{what}; expected sha256 {expected}")
        os.replace(path, files_dir / f.basename)
        with self._cond:
            job.done_before += size
            job.current = 0
            job.files_done += 1

    def _rehash(self, job: Job, part: PartFile, f: FileSpec, abort: net.Abort) -> None:
        """Hash what an earlier run wrote, so the final sha256 covers the whole file."""
        have = part.size()
        if have and f.size is not None and have > f.size:
            part.reset()
            have = 0
        if have:
            with self._cond:
                job.message = CHECKING
            self._set_current(job, have)
            self._emit("verifying", job)
            part.rehash(abort.check)
        self._set_current(job, have)

    def _transfer(self, job: Job, f: FileSpec, part: PartFile, abort: net.Abort) -> None:
        """One attempt: ask for the bytes after the part's end, append what arrives."""
        config = self._config()
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
            job.message = CONNECTING
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
            hub_error(self._config(), job, resp)
            if resp.status == 416:  # nothing after `have`
                if f.size is not None and have == f.size:
                    return
                raise Restart()
            if resp.status == 206:
                start, total = content_range(resp.header("Content-Range"))
                if start != have or (None not in (total, f.size) and total != f.size):
                    raise Restart()
            elif have:  # 200: the whole file again
                part.reset()
                self._set_current(job, 0)
            with self._cond:
                job.message = DOWNLOADING
            self._emit("progress", job)
            self._stream(job, resp, part)
        finally:
            resp.close()
        if f.size is not None and part.size() < f.size:
            raise NetworkError(
                CUT_SHORT.format(done=format_bytes(part.size()), total=format_bytes(f.size)),
                details=url,
            )

    def _follow(
        self,
        job: Job,
        f: FileSpec,
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
                offline=self._config().offline,
            )
        resp.close()
        raise NetworkError(REDIRECTS, details=url)

    def _note_etag(self, job: Job, f: FileSpec, resp: net.Response, have: int) -> None:
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
            if SHA256_RE.match(etag) and (changed or f.sha256 is None):
                f.sha256 = etag  # the Hub's LFS oid of what it serves now
            if linked.isdigit() and (changed or f.size is None):
                f.size = int(linked)
            self._folder.save(job)
        if changed and have:
            _log.info("%s changed on the Hub; starting it over", f.name)
            raise Restart()

    def _stream(self, job: Job, resp: net.Response, part: PartFile) -> None:
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
                raise disk_error(job, e) from None
            self._progress(job, n)

    def _set_current(self, job: Job, n: int) -> None:
        with self._cond:
            job.current = n

    def _progress(self, job: Job, n: int) -> None:
        now = time.monotonic()
        with self._cond:
            job.current += n
            job.received += n
            job.samples.append((now, job.received))
            due = now - job.last_event >= self._progress_interval
        if due:
            self._emit("progress", job)


def _clean_etag(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"') or None


def content_range(value: str | None) -> tuple[int | None, int | None]:
    """ "bytes 100-199/1000" -> (100, 1000)."""
    m = re.match(r"^\s*bytes\s+(\d+)-\d+/(\d+|\*)\s*$", value or "")
    if not m:
        return None, None
    return int(m[1]), (int(m[2]) if m[2] != "*" else None)
