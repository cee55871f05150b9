"""The downloader's name for the app's one HTTP client (desktop_app/core/web_client.py).

Kept so that `from desktop_app.core.models import net` and `net.open_url(...)` keep working in the
Hub client, the downloader, the package-index fetch and the starter fetch.
"""

from __future__ import annotations

from desktop_app.core.web_client import (
    DEFAULT_TIMEOUTS,
    USER_AGENT,
    Abort,
    Aborted,
    NetworkError,
    OfflineError,
    Response,
    Timeouts,
    open_url,
    origin,
)

__all__ = [
    "DEFAULT_TIMEOUTS",
    "USER_AGENT",
    "Abort",
    "Aborted",
    "NetworkError",
    "OfflineError",
    "Response",
    "Timeouts",
    "open_url",
    "origin",
]
