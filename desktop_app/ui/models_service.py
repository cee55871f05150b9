"""Things the Models pane shares beyond one window: the download queue and the machine's report.

The downloader outlives a window: a language change rebuilds the window around the same engine,
and a download in progress must go on through that, so there is one Downloader per models folder
per process, closed (running downloads paused, kept for the next start) when the app's last
window closes. Its events come on worker threads; `DownloadRelay` carries them to the GUI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.core.engine.hardware import HardwareReport, hardware_report
from desktop_app.core.models.downloads import Downloader, DownloadEvent
from desktop_app.core.models.hub import DEFAULT_ENDPOINT, HubConfig
from desktop_app.core.models.hub_errors import HubConfigError
from desktop_app.core.storage.settings import Settings

_lock = threading.Lock()
_downloaders: dict[str, Downloader] = {}
_report: tuple[float, HardwareReport] | None = None
REPORT_MAX_AGE_S = 30.0  # free memory changes; a fresh report when the pane is shown again


def hub_config(settings: Settings) -> tuple[HubConfig, str]:
    """The Hub settings as a config, and "" or the problem with them (then the default Hub is
    used, with the offline switch kept, so a bad address never sends a token anywhere else)."""
    try:
        return HubConfig.from_settings(settings), ""
    except HubConfigError as e:
        return HubConfig(DEFAULT_ENDPOINT, None, bool(settings.get("offline"))), e.message


def shared_downloader(models_dir: Path, config: HubConfig) -> Downloader:
    """The process's download queue for `models_dir` (made on first use: it reads the jobs a
    previous run left, as paused, and makes no request)."""
    key = str(models_dir.absolute())
    with _lock:
        dl = _downloaders.get(key)
        if dl is None:
            dl = Downloader(models_dir, config)
            _downloaders[key] = dl
            return dl
    dl.set_config(config)
    return dl


def close_downloader(dl: Downloader) -> None:
    """Pause what is running (resumable at the next start) and forget this queue."""
    with _lock:
        for key in [k for k, v in _downloaders.items() if v is dl]:
            del _downloaders[key]
    dl.close()


def machine_report(max_age: float = REPORT_MAX_AGE_S) -> HardwareReport:
    """This machine's memory and GPUs (blocks a moment: call it from a worker thread)."""
    global _report
    with _lock:
        cached = _report
    if cached is not None and time.monotonic() - cached[0] < max_age:
        return cached[1]
    report = hardware_report()
    with _lock:
        _report = (time.monotonic(), report)
    return report


class DownloadRelay(QObject):
    """Re-posts a downloader's events to the GUI thread, where this object lives."""

    arrived = Signal(object)  # DownloadEvent

    def __init__(self, downloader: Downloader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = None
        self._unsubscribe = downloader.subscribe(self._listen)

    def _listen(self, event: DownloadEvent) -> None:  # any thread
        try:
            self.arrived.emit(event)
        except RuntimeError:  # this relay's window is gone: stop listening
            self.detach()

    def detach(self) -> None:
        stop, self._unsubscribe = self._unsubscribe, None
        if stop is not None:
            stop()
