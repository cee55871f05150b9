"""Errors of the Hub client and the downloader, each with a `kind` to branch on and a message for people.

`NetworkError` and `OfflineError` are the shared HTTP client's own (core/web_client.py), so the
remote backend sees the same ones. One module so that `hub`, `net` and `downloads` share them without importing each other, and a
front end can catch them from one place. All are `AppError`s (picklable, `details` for logs).
"""

from __future__ import annotations

from desktop_app.core.errors import AppError
from desktop_app.core.web_client import NetworkError, OfflineError

__all__ = [
    "AlreadyExistsError",
    "ChecksumMismatchError",
    "DiskFullError",
    "DownloadError",
    "EntryNotFoundError",
    "GatedRepoError",
    "HubConfigError",
    "HubError",
    "HubHTTPError",
    "NetworkError",
    "OfflineError",
    "RepoNotFoundError",
    "UnsafeFileNameError",
]


class HubError(AppError):
    """Anything that went wrong talking to the Hub (or a mirror)."""

    kind = "hub"


class HubConfigError(HubError):
    """The endpoint setting is not a usable URL."""

    kind = "hub_config"


class HubHTTPError(HubError):
    """The Hub answered with an error that retrying will not fix."""

    kind = "hub_http"


class GatedRepoError(HubError):
    """The repo is gated and the request had no token, or one without access."""

    kind = "gated_repo"


class RepoNotFoundError(HubError):
    kind = "repo_not_found"


class EntryNotFoundError(HubError):
    """The repo exists but the file (or revision) does not."""

    kind = "entry_not_found"


class DownloadError(AppError):
    """A download could not be completed for a reason of its own (not the network)."""

    kind = "download"


class ChecksumMismatchError(DownloadError):
    kind = "checksum_mismatch"


class DiskFullError(DownloadError):
    """Not enough free space before the start, or the disk (or file system limit) ran out mid-write."""

    kind = "disk_full"


class UnsafeFileNameError(DownloadError):
    """A file name from the Hub would land outside the models folder (or is not portable)."""

    kind = "unsafe_file_name"


class AlreadyExistsError(DownloadError):
    """A different file of the same name is already in the models folder; it is never overwritten."""

    kind = "already_exists"
