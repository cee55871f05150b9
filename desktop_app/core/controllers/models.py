"""The Models feature's flow and state, without Qt: the library, imports, downloads, the Hub.

The Models pane is a view over a `ModelsController`. What used to live in the pane's widgets and
in process-wide module globals lives here, so a rebuilt window (language, theme) hands the same
object to its new pane and loses nothing: the library listing, an import in progress, the
download queue of the models folder (downloads go on), the Hub search and the repo opened, and
the machine's report for the fit indicators.

Blocking work (listing, importing, Hub requests, reading the machine) leaves the caller's thread
through a `Runner`: the default runs it on a `core.jobs` thread, so listeners are called there;
the GUI passes one built on `ui/background.py`. The downloader's own events reach the listeners
through the runner too (`watch_downloads`), so a GUI gets them on its thread. Quick edits
(default, delete, folders, offline) run on the caller's thread and raise `AppError`, as the
library does; the caller says why to the person.

Start-up costs nothing and sends nothing: the downloader only reads the jobs a previous run left
(as paused), and nothing is listed or read until asked.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.controllers.models_events import (
    Change,
    ConfigChanged,
    DownloadChanged,
    Event,
    ImportEnded,
    ImportProgress,
    ImportStarted,
    LibraryChanged,
    Listed,
    ReportReady,
)
from desktop_app.core.controllers.models_hub import (
    SEARCH_LIMIT,
    HubQueries,
    error_message,
    hub_config,
)
from desktop_app.core.controllers.runner import Emit, Runner, thread_runner
from desktop_app.core.engine.hardware import HardwareReport, hardware_report
from desktop_app.core.models.downloads import Downloader, DownloadEvent, DownloadStatus
from desktop_app.core.models.hub import HubConfig, HubModel
from desktop_app.core.models.library import (
    ImportCancelledError,
    ImportMode,
    Listing,
    LocalModel,
    ModelLibrary,
)
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Top

__all__ = ["REPORT_MAX_AGE_S", "SEARCH_LIMIT", "Listener", "ModelsController", "hub_config"]

_log = logging.getLogger(__name__)

REPORT_MAX_AGE_S = 30.0  # free memory changes; a fresh report when the pane is shown again
_PROGRESS_EVERY_S = 0.1  # import progress events at most this often
Listener = Callable[[Event], None]


class ModelsController(HubQueries):
    """Library, imports, downloads, Hub queries and the machine report for one models folder.

    `report()` reads the machine (blocks a moment; a test may pass a fixed one). Listeners get an
    `Event` (models_events.py) after each change.
    """

    def __init__(
        self,
        paths: AppPaths,
        settings: Settings,
        *,
        runner: Runner = thread_runner,
        library: ModelLibrary | None = None,
        downloader: Downloader | None = None,
        report: Callable[[], HardwareReport] = hardware_report,
    ) -> None:
        self.paths = paths
        self.settings = settings
        self.runner = runner  # a view may replace it with one that delivers on its thread
        self._listeners: list[Listener] = []
        self.library = library or ModelLibrary(settings, paths=paths)
        self.config, self.config_problem = hub_config(settings)
        self.downloader = downloader or Downloader(paths.models_dir, self.config)
        self._read_report = report
        self._closed = False
        # the library
        self.listing: Listing | None = None
        self.default_key: str | None = None
        self.loaded_path: str | None = None  # the model loaded now (a local file), if any
        self.not_listed: LocalModel | None = None  # that model, when the library lacks it
        self._list_request = 0
        self._listing = False
        self._list_again = False
        # an import
        self.importing: ImportStarted | None = None
        self.import_progress: tuple[int, int] = (0, 0)
        self._stop_import: Callable[[], None] | None = None
        # downloads
        self._stop_watch: Callable[[], None] | None = None
        self.starter_job: str | None = None  # the welcome page's starter download, if running
        HubQueries.__init__(self)  # the Hub: query, results, the repo opened
        # the machine
        self.report: HardwareReport | None = None
        self.fixed_report = False
        self._report_at = 0.0
        self._reading_report = False

    # ---- the library ---------------------------------------------------------------------

    def refresh(self) -> None:
        """List the model folders (one listing at a time; asked again meanwhile: once more)."""
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        self._list_request += 1
        request, library, loaded = self._list_request, self.library, self.loaded_path

        def task(_emit: Emit, _cancel: threading.Event) -> object:
            listing = library.list_models()
            default = library.default_model(listing)
            outside = library.not_listed(loaded, listing) if loaded else None
            return listing, default.key if default is not None else None, outside

        def end(value: object, error: BaseException | None) -> None:
            self._listing = False
            if self._list_again:
                self._list_again = False
                self.refresh()
            if error is not None:
                _log.warning("listing the models failed: %r", error)
                return
            if request != self._list_request or not isinstance(value, tuple):
                return
            self.listing, self.default_key, self.not_listed = value
            self._notify(Listed(value[0], value[1]))

        self.runner("library-list", task, lambda _e: None, end)

    def set_loaded(self, path: str | None) -> None:
        """The model loaded now (None: none, or a remote server): the library lists it as
        "loaded from PATH", with an Import, while it is not one of the library's own."""
        if path == self.loaded_path:
            return
        self.loaded_path = path
        if path is None and self.not_listed is None:
            return  # nothing shown for it: no listing needed
        self.refresh()

    def _changed(self, what: Change) -> None:
        self._notify(LibraryChanged(what))
        self.refresh()

    def set_default(self, model: LocalModel) -> None:
        self.library.set_default(model)
        self._changed("default")

    def delete(self, model: LocalModel) -> None:
        """Delete the model's files (the caller asked the person); lists again even on error."""
        try:
            self.library.delete(model)
        finally:
            self._changed("deleted")

    def add_folder(self, folder: str) -> None:
        self.library.add_extra_dir(folder)
        self._changed("folders")

    def remove_folder(self, folder: str) -> None:
        self.library.remove_extra_dir(folder)
        self._changed("folders")

    # ---- import --------------------------------------------------------------------------

    def import_file(self, path: str | Path, mode: ImportMode) -> bool:
        """Copy (or register) `path`; `ImportProgress` events, then `ImportEnded`. False if an
        import is running."""
        if self.importing is not None or self._closed:
            return False
        started = ImportStarted(Path(path), mode)
        self.importing = started
        self.import_progress = (0, 0)
        library = self.library

        def task(emit: Emit, cancel: threading.Event) -> object:
            last = [0.0]

            def progress(done: int, total: int) -> None:
                now = time.monotonic()
                if now - last[0] >= _PROGRESS_EVERY_S or done >= total:
                    last[0] = now
                    emit(ImportProgress(done, total))

            return library.import_file(
                str(path), mode=mode, progress=progress, cancel=cancel.is_set
            )

        def on_event(event: object) -> None:
            if isinstance(event, ImportProgress) and self.importing is started:
                self.import_progress = (event.done, event.total)
                self._notify(event)

        def end(value: object, error: BaseException | None) -> None:
            self.importing = None
            self._stop_import = None
            if isinstance(value, LocalModel):
                self._notify(ImportEnded(value))
                self._changed("imported")
            elif isinstance(error, ImportCancelledError):
                self._notify(ImportEnded(None, error.message, cancelled=True))
            else:
                self._notify(ImportEnded(None, error_message(error or RuntimeError("no model"))))

        self._notify(started)
        self._stop_import = self.runner("model-import", task, on_event, end)
        return True

    def cancel_import(self) -> None:
        """Stop a copy (nothing is left behind); `ImportEnded(cancelled=True)` follows."""
        if self._stop_import is not None:
            self._stop_import()

    # ---- downloads -----------------------------------------------------------------------

    def watch_downloads(self) -> None:
        """Pass the downloader's events to the listeners, through the runner (once)."""
        if self._stop_watch is not None or self._closed:
            return
        downloader = self.downloader

        def task(emit: Emit, cancel: threading.Event) -> object:
            unsubscribe = downloader.subscribe(emit)
            try:
                cancel.wait()
            finally:
                unsubscribe()
            return None

        def on_event(event: object) -> None:
            if isinstance(event, DownloadEvent):
                self._on_download(event)

        self._stop_watch = self.runner("download-events", task, on_event, lambda _v, _e: None)

    def _on_download(self, event: DownloadEvent) -> None:
        self._notify(DownloadChanged(event))
        if event.kind == "done":
            self._changed("downloaded")

    def download(self, repo_id: str, model: HubModel, revision: str = "main") -> str:
        """Queue a download; the job id. Raises `AppError` (offline, already there, no space)."""
        self.watch_downloads()
        return self.downloader.add(repo_id, model, revision=revision)

    def pause(self, job_id: str) -> None:
        self.downloader.pause(job_id)

    def resume(self, job_id: str) -> None:
        self.watch_downloads()
        self.downloader.resume(job_id)

    def cancel_download(self, job_id: str) -> None:
        self.downloader.cancel(job_id)

    def forget_download(self, job_id: str) -> None:
        self.downloader.forget(job_id)

    def jobs(self) -> list[DownloadStatus]:
        return self.downloader.jobs()

    def status(self, job_id: str) -> DownloadStatus:
        return self.downloader.status(job_id)

    # ---- Hub settings and offline --------------------------------------------------------

    def settings_changed(self) -> HubConfig:
        """The Hub settings were edited: the downloader uses them from now on."""
        self.config, self.config_problem = hub_config(self.settings)
        self.downloader.set_config(self.config)
        self._notify(ConfigChanged(self.config, self.config_problem))
        return self.config

    def set_offline(self, offline: bool) -> None:
        """Save the switch (raises `AppError` if that fails; it applies anyway); offline pauses
        running downloads."""
        try:
            self.settings.put(Top.offline, bool(offline))
            if not self.settings.read_only:
                self.settings.save()
        finally:
            self.config, _problem = hub_config(self.settings)
            self.downloader.set_config(self.config)
            self._notify(ConfigChanged(self.config, self.config_problem))

    # ---- the machine ---------------------------------------------------------------------

    def read_machine(self, max_age: float = REPORT_MAX_AGE_S) -> None:
        """Read this machine's memory and GPUs (unless read within `max_age` or fixed);
        `ReportReady` follows, at once when a recent report is kept."""
        if self.report is not None and (
            self.fixed_report or time.monotonic() - self._report_at < max_age
        ):
            self._notify(ReportReady(self.report))
            return
        if self._reading_report:
            return
        self._reading_report = True
        read = self._read_report

        def end(value: object, error: BaseException | None) -> None:
            self._reading_report = False
            if error is not None or not isinstance(value, HardwareReport):
                _log.warning("reading the machine failed: %r", error)
                return
            if self.fixed_report:
                return
            self.report, self._report_at = value, time.monotonic()
            self._notify(ReportReady(value))

        self.runner("machine-report", lambda _emit, _cancel: read(), lambda _e: None, end)

    def set_machine(self, report: HardwareReport) -> None:
        """Judge fits for `report` instead of this machine (screenshots, what-if views)."""
        self.report, self.fixed_report = report, True
        self._notify(ReportReady(report))

    # ---- life ----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop following downloads and running imports; running downloads pause (resumable at
        the next start). For the app closing, or a controller no view will use."""
        self._closed = True
        self._hub_stop()  # a search in flight ends its socket now
        self.cancel_import()
        stop, self._stop_watch = self._stop_watch, None
        if stop is not None:
            stop()
        self.downloader.close()

    shutdown = close
