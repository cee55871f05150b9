"""What a failed download means for a person: a refusing Hub answer, a full disk, bad data.

Split from download_io.py (the transfer) by job: here are only the messages, each marked with
QT_TRANSLATE_NOOP so the GUI shows them in the interface's language (ui/core_text.shown), while
the CLI and the logs keep the English text.
"""

from __future__ import annotations

import errno

from desktop_app.core.errors import AppError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models import net
from desktop_app.core.models.download_state import Job, format_bytes
from desktop_app.core.models.hub import HubConfig, gated_message
from desktop_app.core.models.hub_errors import (
    ChecksumMismatchError,
    DiskFullError,
    DownloadError,
    EntryNotFoundError,
    GatedRepoError,
    HubHTTPError,
    NetworkError,
    RepoNotFoundError,
)

__all__ = [
    "CUT_SHORT",
    "FAILED",
    "KEEPS_CHANGING",
    "REDIRECTS",
    "checksum_error",
    "disk_error",
    "hub_error",
]

FAILED = QT_TRANSLATE_NOOP("Downloads", "The download failed: {error}")
KEEPS_CHANGING = QT_TRANSLATE_NOOP(
    "Downloads", "The Hub keeps changing {name} during the download."
)
CUT_SHORT = QT_TRANSLATE_NOOP("Downloads", "The connection closed after {done} of {total}.")
REDIRECTS = QT_TRANSLATE_NOOP("Downloads", "Too many redirects from the Hub.")
_MISMATCH = QT_TRANSLATE_NOOP(
    "Downloads",
    "{name}: checksum mismatch: the downloaded data is not the file the Hub lists. It was "
    "deleted; try again later, or from another mirror.",
)
_NO_ACCESS = QT_TRANSLATE_NOOP(
    "Downloads",
    "The Hub refused access to {repo} ({status}): if it is private, set a token in Settings.",
)
_TOKEN_REFUSED = QT_TRANSLATE_NOOP(
    "Downloads",
    "The Hub refused access to {repo} ({status}): if it is private, check the token.",
)
_NO_REPO = QT_TRANSLATE_NOOP("Downloads", "No repo {repo} on the Hub.")
_GONE = QT_TRANSLATE_NOOP("Downloads", "{name} is no longer in {repo} on the Hub.")
_BUSY = QT_TRANSLATE_NOOP("Downloads", "The Hub is busy or failing ({status}).")
_REFUSED = QT_TRANSLATE_NOOP("Downloads", "The Hub refused the download ({status} {text}).")
_TOO_LARGE = QT_TRANSLATE_NOOP(
    "Downloads",
    "The models folder's disk (or a size limit) cannot take a file this large: {done} of {name} "
    "written. Free up space or move the models folder to a disk with a modern file system, then "
    "resume; cancel deletes the partial data.",
)
_DISK_FULL = QT_TRANSLATE_NOOP(
    "Downloads",
    "The disk is full: {done} of {name} written. Free up space and resume; cancel deletes the "
    "partial download.",
)
_CANNOT_WRITE = QT_TRANSLATE_NOOP(
    "Downloads", "Cannot write {name} to the models folder: {reason}."
)


def hub_error(config: HubConfig, job: Job, resp: net.Response) -> None:
    """Raise the error a refusing Hub answer means (nothing for 200, 206 and 416)."""
    status = resp.status
    if status in (200, 206, 416):
        return
    code = resp.header("X-Error-Code") or ""
    text = resp.header("X-Error-Message") or resp.reason
    details = f"{status} {code} {text}: {resp.url}"
    if status in (401, 403) and (code == "GatedRepo" or "gated" in text.lower()):
        raise GatedRepoError(gated_message(config, job.repo_id, status=status), details=details)
    if status in (401, 403):
        template = _TOKEN_REFUSED if config.token else _NO_ACCESS
        raise HubHTTPError(template.format(repo=job.repo_id, status=status), details=details)
    if status == 404:
        if code == "RepoNotFound":
            raise RepoNotFoundError(_NO_REPO.format(repo=job.repo_id), details=details)
        raise EntryNotFoundError(_GONE.format(name=job.name, repo=job.repo_id), details=details)
    if status == 429 or status >= 500:
        raise NetworkError(_BUSY.format(status=status), details=details)
    raise HubHTTPError(_REFUSED.format(status=status, text=text), details=details)


def disk_error(job: Job, e: OSError) -> AppError:
    """What a failed write means for the user: a full disk, a size limit, or another error."""
    done = format_bytes(job.done_before + job.current)
    if e.errno == errno.EFBIG:
        return DiskFullError(_TOO_LARGE.format(done=done, name=job.name), details=repr(e))
    if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFullError(_DISK_FULL.format(done=done, name=job.name), details=repr(e))
    return DownloadError(
        _CANNOT_WRITE.format(name=job.name, reason=e.strerror or e), details=repr(e)
    )


def checksum_error(name: str, details: str) -> ChecksumMismatchError:
    return ChecksumMismatchError(_MISMATCH.format(name=name), details=details)
