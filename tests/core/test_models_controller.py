"""The Models controller without Qt: the real library on real small GGUF files, the real
downloader and Hub client against the local Hub stand-in (tests/hub_server.py) serving the real
starter model, and the real machine report. Events arrive on worker threads (the plain runner)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gguf_factory import write_tiny_llama
from hub_server import SMOLLM_FILE, SMOLLM_REPO, TINY_REPO, HubServer

from desktop_app.core.controllers.models import ModelsController, hub_config
from desktop_app.core.controllers.models_events import (
    ConfigChanged,
    DownloadChanged,
    Event,
    HubCancelled,
    HubFailed,
    HubOpened,
    HubSearched,
    HubStarted,
    ImportEnded,
    ImportProgress,
    ImportStarted,
    LibraryChanged,
    Listed,
    ReportReady,
)
from desktop_app.core.engine.hardware import HardwareReport
from desktop_app.core.models.downloads import STAGING_DIR, DownloadState
from desktop_app.core.models.fit import machine
from desktop_app.core.models.starter import STARTER_SHA256
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings

WAIT = 30.0


class Recorder:
    """Every event the controller told its listener, and a way to wait for one."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._cond = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(self, check: Callable[[Event], bool], timeout: float = WAIT) -> Event:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for e in self.events:
                    if check(e):
                        return e
                left = deadline - time.monotonic()
                assert left > 0, f"no such event; got {[type(e).__name__ for e in self.events]}"
                self._cond.wait(left)

    def of(self, kind: type) -> list[Event]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind)]

    def clear(self) -> None:
        with self._cond:
            self.events.clear()


def listed(events: Recorder) -> Listed:
    event = events.wait_for(lambda e: isinstance(e, Listed))
    assert isinstance(event, Listed)
    return event


@pytest.fixture
def make() -> Iterator[Callable[..., tuple[ModelsController, Recorder]]]:
    made: list[ModelsController] = []

    def build(endpoint: str | None = None, **kwargs: object) -> tuple[ModelsController, Recorder]:
        paths = AppPaths.current().ensure()
        settings = Settings.load(paths.settings_file)
        if endpoint is not None:
            settings.set("hub.endpoint", endpoint)
            settings.save()
        controller = ModelsController(paths, settings, **kwargs)  # type: ignore[arg-type]
        events = Recorder()
        controller.add_listener(events)
        made.append(controller)
        return controller, events

    yield build
    for c in made:
        c.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- the library


def test_lists_imports_sets_default_and_deletes(
    make: Callable[..., tuple[ModelsController, Recorder]], tmp_path: Path
) -> None:
    controller, events = make()
    models = controller.paths.models_dir
    models.mkdir(parents=True, exist_ok=True)
    write_tiny_llama(models / "tiny-a.gguf", seed=1)
    controller.refresh()
    first = listed(events)
    assert [m.file_name for m in first.listing] == ["tiny-a.gguf"]
    assert controller.listing is first.listing and controller.default_key is None

    (tmp_path / "outside").mkdir()
    source = write_tiny_llama(tmp_path / "outside" / "tiny-b.gguf", seed=2)
    events.clear()
    assert controller.import_file(source, "copy")
    assert not controller.import_file(source, "copy")  # one import at a time
    ended = events.wait_for(lambda e: isinstance(e, ImportEnded))
    assert isinstance(ended, ImportEnded) and ended.model is not None
    assert (models / "tiny-b.gguf").is_file() and source.is_file()
    assert isinstance(events.events[0], ImportStarted)
    assert events.of(ImportProgress), "the copy reports its bytes"
    assert controller.importing is None
    events.wait_for(lambda e: isinstance(e, LibraryChanged) and e.what == "imported")
    after = events.wait_for(lambda e: isinstance(e, Listed) and len(e.listing) == 2)
    assert isinstance(after, Listed)

    b = next(m for m in after.listing if m.file_name == "tiny-b.gguf")
    events.clear()
    controller.set_default(b)
    events.wait_for(lambda e: isinstance(e, LibraryChanged) and e.what == "default")
    assert listed(events).default_key == b.key

    events.clear()
    controller.delete(b)
    assert not (models / "tiny-b.gguf").exists()
    gone = listed(events)
    assert [m.file_name for m in gone.listing] == ["tiny-a.gguf"] and gone.default_key is None


def test_a_cancelled_import_leaves_nothing_and_a_bad_file_says_why(
    make: Callable[..., tuple[ModelsController, Recorder]],
    tmp_path: Path,
    starter_model: Path,
) -> None:
    controller, events = make()
    started = threading.Event()
    release = threading.Event()

    def runner(name: str, task, on_event, on_end):  # type: ignore[no-untyped-def]
        """The plain runner, with the import's first progress held until the test cancels."""
        from desktop_app.core.controllers.runner import thread_runner

        def held(event: object) -> None:
            if isinstance(event, ImportProgress) and not started.is_set():
                started.set()
                release.wait(WAIT)
            on_event(event)

        return thread_runner(name, task, held, on_end)

    controller.runner = runner
    assert controller.import_file(starter_model, "copy")
    assert started.wait(WAIT)
    controller.cancel_import()
    release.set()
    ended = events.wait_for(lambda e: isinstance(e, ImportEnded))
    assert isinstance(ended, ImportEnded) and ended.cancelled and ended.model is None
    assert not (controller.paths.models_dir / starter_model.name).exists()
    assert not events.of(LibraryChanged)

    events.clear()
    broken = tmp_path / "page.gguf"
    broken.write_bytes(b"<html>not a model</html>")
    assert controller.import_file(broken, "in_place")
    ended = events.wait_for(lambda e: isinstance(e, ImportEnded))
    assert isinstance(ended, ImportEnded) and not ended.cancelled and ended.model is None
    assert "HTML" in ended.message or "html" in ended.message


def test_extra_folders_are_listed_and_removed(
    make: Callable[..., tuple[ModelsController, Recorder]], tmp_path: Path
) -> None:
    controller, events = make()
    folder = tmp_path / "more"
    folder.mkdir()
    write_tiny_llama(folder / "tiny-c.gguf", seed=3)
    controller.add_folder(str(folder))
    got = events.wait_for(lambda e: isinstance(e, Listed) and len(e.listing) == 1)
    assert isinstance(got, Listed) and got.listing.models[0].source == "extra"
    events.clear()
    controller.remove_folder(str(folder))
    assert len(listed(events).listing) == 0
    assert (folder / "tiny-c.gguf").is_file()  # its files stay


# --------------------------------------------------------------------------- the Hub


def test_search_and_open_keep_their_answers(
    make: Callable[..., tuple[ModelsController, Recorder]], hub_server: HubServer
) -> None:
    controller, events = make(hub_server.endpoint)
    assert hub_server.requests == []  # nothing is sent until asked
    hub_server.set_fault(where="api", hang=True, times=1)  # the first search never answers
    assert controller.search("never answered", "downloads")
    assert controller.hub_busy and isinstance(events.events[0], HubStarted)
    wait_until(lambda: len(hub_server.requests) == 1)  # the server holds it
    assert controller.search("SmolLM2", "downloads")  # a new search replaces the old one
    found = events.wait_for(lambda e: isinstance(e, HubSearched))
    assert len(events.of(HubSearched)) == 1 and not events.of(HubFailed)
    assert isinstance(found, HubSearched) and found.results[0].repo_id == SMOLLM_REPO
    assert controller.hub_results == found.results and controller.hub_query == "SmolLM2"
    assert not controller.hub_busy

    assert controller.open_repo(TINY_REPO)
    opened = events.wait_for(lambda e: isinstance(e, HubOpened))
    assert isinstance(opened, HubOpened) and controller.hub_repo is opened.repo
    assert controller.hub_last is opened  # what a new view shows as the state
    assert controller.hub_results == found.results  # the search stays beside the repo

    assert controller.open_repo("nobody/nothing-here")
    failed = events.wait_for(lambda e: isinstance(e, HubFailed))
    assert isinstance(failed, HubFailed) and failed.message
    assert controller.hub_repo is opened.repo


def test_cancel_ends_a_search_the_hub_never_answers_at_once(
    make: Callable[..., tuple[ModelsController, Recorder]], hub_server: HubServer
) -> None:
    """Issue 14: Cancel really stops the wait (the socket is shut down), nothing comes later."""
    hub_server.set_fault(where="api", hang=True)
    controller, events = make(hub_server.endpoint)
    assert controller.search("SmolLM2")
    wait_until(lambda: len(hub_server.requests) == 1)  # the server holds the request
    started = time.monotonic()
    assert controller.cancel_hub()
    assert time.monotonic() - started < 0.5
    cancelled = events.wait_for(lambda e: isinstance(e, HubCancelled))
    assert isinstance(cancelled, HubCancelled) and cancelled.kind == "search"
    assert not controller.hub_busy and not controller.cancel_hub()
    time.sleep(0.3)  # a late answer of the stopped request would arrive here
    assert not events.of(HubFailed) and not events.of(HubSearched)
    hub_server.clear_faults()


def test_a_missing_host_is_said_at_once(
    make: Callable[..., tuple[ModelsController, Recorder]],
) -> None:
    controller, events = make("https://nonexistent.invalid")
    started = time.monotonic()
    assert controller.search("qwen")
    failed = events.wait_for(lambda e: isinstance(e, HubFailed), timeout=5)
    assert time.monotonic() - started < 3
    assert isinstance(failed, HubFailed) and "nonexistent.invalid" in failed.message
    assert "DNS" in failed.message


def wait_until(check: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_offline_sends_nothing_and_a_bad_address_is_said(
    make: Callable[..., tuple[ModelsController, Recorder]], hub_server: HubServer
) -> None:
    controller, events = make(hub_server.endpoint)
    controller.set_offline(True)
    changed = events.wait_for(lambda e: isinstance(e, ConfigChanged))
    assert isinstance(changed, ConfigChanged) and changed.config.offline
    assert Settings.load(controller.paths.settings_file).get("offline") is True
    assert not controller.search("SmolLM2") and not controller.open_repo(SMOLLM_REPO)
    time.sleep(0.2)  # nothing may be on its way either
    assert hub_server.requests == []
    controller.set_offline(False)

    controller.settings.set("hub.endpoint", "not an address")
    config, problem = hub_config(controller.settings)
    assert problem and not config.offline and config.token is None
    controller.settings_changed()
    assert controller.config_problem == problem
    assert not controller.search("x")
    assert isinstance(controller.hub_last, HubFailed) and controller.hub_last.message == problem
    assert hub_server.requests == []


# --------------------------------------------------------------------------- downloads


def test_download_pause_resume_and_done_lists_the_library(
    make: Callable[..., tuple[ModelsController, Recorder]],
    hub_server: HubServer,
    starter_model: Path,
) -> None:
    _ = hub_server.file(SMOLLM_REPO, SMOLLM_FILE).blob.sha256  # hash now, not during the test
    hub_server.set_fault(file=SMOLLM_FILE, throttle=4_000_000)  # slow enough to pause
    controller, events = make(hub_server.endpoint)
    controller.watch_downloads()
    controller.search("SmolLM2")
    events.wait_for(lambda e: isinstance(e, HubSearched))
    controller.open_repo(SMOLLM_REPO)
    events.wait_for(lambda e: isinstance(e, HubOpened))
    repo = controller.hub_repo
    assert repo is not None
    model = next(m for m in repo.models if m.name == SMOLLM_FILE)

    job = controller.download(repo.repo_id, model, revision=repo.revision)

    def download(kind: str) -> Callable[[Event], bool]:
        return lambda e: isinstance(e, DownloadChanged) and e.event.kind == kind

    events.wait_for(
        lambda e: download("progress")(e) and e.event.status.bytes_done > 0  # type: ignore[union-attr]
    )
    controller.pause(job)
    events.wait_for(download("paused"))
    assert controller.status(job).state == DownloadState.PAUSED
    had = controller.status(job).bytes_done
    assert had > 0

    hub_server.clear_faults()
    events.clear()
    controller.resume(job)
    events.wait_for(download("done"), timeout=60)
    events.wait_for(lambda e: isinstance(e, LibraryChanged) and e.what == "downloaded")
    got = events.wait_for(lambda e: isinstance(e, Listed) and len(e.listing) == 1)
    assert isinstance(got, Listed) and got.listing.models[0].file_name == SMOLLM_FILE
    path = controller.paths.models_dir / SMOLLM_FILE
    assert sha256(path) == STARTER_SHA256 == sha256(starter_model)
    ranges = [r.headers.get("Range") for r in hub_server.requests if r.server == "cdn"]
    assert f"bytes={had}-" in ranges, "the download went on from where it stopped"
    controller.forget_download(job)
    assert controller.jobs() == []


def test_close_pauses_a_running_download_for_the_next_start(
    make: Callable[..., tuple[ModelsController, Recorder]],
    hub_server: HubServer,
) -> None:
    _ = hub_server.file(SMOLLM_REPO, SMOLLM_FILE).blob.sha256
    hub_server.set_fault(file=SMOLLM_FILE, throttle=2_000_000)
    controller, events = make(hub_server.endpoint)
    assert controller.open_repo(SMOLLM_REPO)
    events.wait_for(lambda e: isinstance(e, HubOpened))
    assert controller.hub_repo is not None
    model = next(m for m in controller.hub_repo.models if m.name == SMOLLM_FILE)
    job = controller.download(SMOLLM_REPO, model)  # watches the downloader by itself
    events.wait_for(
        lambda e: (
            isinstance(e, DownloadChanged)
            and e.event.kind == "progress"
            and e.event.status.bytes_done > 0
        )
    )
    controller.close()
    assert (controller.paths.models_dir / STAGING_DIR).is_dir()

    again, _events = make(hub_server.endpoint)
    [status] = again.jobs()  # listed at once, before anything is asked
    assert status.job_id == job and status.state == DownloadState.PAUSED
    assert status.bytes_done > 0


# --------------------------------------------------------------------------- the machine


def test_the_machine_report_is_read_once_and_kept_a_while(
    make: Callable[..., tuple[ModelsController, Recorder]],
) -> None:
    reads: list[float] = []

    def counting_report() -> HardwareReport:
        from desktop_app.core.engine.hardware import hardware_report

        reads.append(time.monotonic())
        return hardware_report()

    controller, events = make(report=counting_report)
    controller.read_machine()
    ready = events.wait_for(lambda e: isinstance(e, ReportReady))
    assert isinstance(ready, ReportReady) and ready.report.ram_total > 0
    events.clear()
    controller.read_machine()  # within the age: the kept report, at once
    assert isinstance(events.events[0], ReportReady) and len(reads) == 1
    controller.read_machine(max_age=0)
    events.wait_for(lambda e: isinstance(e, ReportReady))
    assert len(reads) == 2

    fixed = machine(ram_gib=16, vram_gib=8)
    controller.set_machine(fixed)
    controller.read_machine(max_age=0)
    assert controller.report is fixed and len(reads) == 2
