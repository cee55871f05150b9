"""Issue 14: the Hub view says why a search failed at once and can stop a search that waits; the
Downloads tab shows a download's whole state at 800x600 with no horizontal scrolling; the status
bar's message never runs into the pane's figures. Real widgets, offscreen, against the local Hub
stand-in (tests/hub_server.py) and addresses that fail for real."""

from __future__ import annotations

import time

from hub_server import HubServer
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from test_models_pane import click, click_tab, make_window, open_models

from desktop_app.core.errors import AppError
from desktop_app.core.models.download_state import RETRYING
from desktop_app.core.models.downloads import DownloadEvent, DownloadState, DownloadStatus
from desktop_app.core.models.hub_errors import NetworkError
from desktop_app.core.web_sockets import NO_SUCH_NAME
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.downloads_model import C_ACTIONS, C_STATE
from desktop_app.ui.models.pane import TAB_DOWNLOADS, TAB_HUB
from desktop_app.ui.window_status import CHAT_ROW, MessageBar

WAIT = 30_000


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    pane = open_models(qtbot, window)
    click_tab(qtbot, pane.tabs, TAB_HUB)
    qtbot.keyClicks(pane.hub_view.query, text)
    click(qtbot, pane.hub_view.search_button)


def test_a_host_that_does_not_resolve_is_said_at_once(qtbot: QtBot) -> None:
    window = make_window(qtbot, "https://nonexistent.invalid")
    hub = window.models.hub_view
    started = time.monotonic()
    search(qtbot, window, "qwen")
    qtbot.waitUntil(lambda: "nonexistent.invalid" in hub.state.text() and "DNS" in hub.state.text())
    assert time.monotonic() - started < 3  # not the 20 s of five retries
    assert "did not answer" not in hub.state.text()
    assert not hub.waiting.isVisible() and hub.search_button.isEnabled()
    window.close()


def test_cancel_ends_a_search_the_hub_never_answers(qtbot: QtBot, hub_server: HubServer) -> None:
    hub_server.set_fault(where="api", hang=True)
    window = make_window(qtbot, hub_server.endpoint)
    hub = window.models.hub_view
    search(qtbot, window, "SmolLM2")
    qtbot.waitUntil(lambda: len(hub_server.requests) == 1, timeout=WAIT)
    assert hub.waiting.isVisible() and hub.waiting.busy.maximum() == 0  # a busy bar, and Cancel
    assert hub.cancel_button.isVisible() and hub.search_button.isEnabled()
    started = time.monotonic()
    click(qtbot, hub.cancel_button)
    assert time.monotonic() - started < 1
    assert hub.state.text() == "Search cancelled." and not hub.waiting.isVisible()
    assert not window.models.controller.hub_busy
    hub_server.clear_faults()
    window.close()


def test_a_port_nobody_listens_on_is_refused(qtbot: QtBot) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    window = make_window(qtbot, f"http://127.0.0.1:{port}")
    hub = window.models.hub_view
    search(qtbot, window, "qwen")
    qtbot.waitUntil(lambda: "refused" in hub.state.text(), timeout=5000)
    assert f"port {port}" in hub.state.text()
    window.close()


# --------------------------------------------------------------------------- Downloads, 800x600


def status(
    job: str,
    state: DownloadState,
    *,
    message: str = "",
    error: AppError | None = None,
    done: int = 0,
) -> DownloadStatus:
    return DownloadStatus(
        job_id=job,
        repo_id="bartowski/Qwen2.5-7B-Instruct-GGUF",
        revision="main",
        name=f"Qwen2.5-7B-Instruct-{job}.gguf",
        quant="Q4_K_M",
        state=state,
        bytes_done=done,
        bytes_total=4_683_073_536,
        speed=3_400_000.0 if state == DownloadState.RUNNING else 0.0,
        eta=1200.0 if state == DownloadState.RUNNING else None,
        files_done=0,
        files_total=1,
        message=message,
        error=error,
        resumable=error is not None,
        path=None,
    )


def test_downloads_fit_800_by_600_and_show_the_whole_reason(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.resize(800, 600)
    pane = open_models(qtbot, window)
    click_tab(qtbot, pane.tabs, TAB_DOWNLOADS)
    view = pane.downloads_view
    reason = NO_SUCH_NAME.format(host="huggingface.co")
    retry = RETRYING.format(reason=reason, seconds="8", n=4, total=8)
    for event in (
        DownloadEvent("done", status("Q8_0", DownloadState.DONE, done=4_683_073_536)),
        DownloadEvent("progress", status("Q4_K_M", DownloadState.RUNNING, done=10**9)),
        DownloadEvent("retrying", status("Q5_K_M", DownloadState.RUNNING, message=retry)),
        DownloadEvent("failed", status("Q6_K", DownloadState.FAILED, error=NetworkError(reason))),
    ):
        view.on_event(event)
    qtbot.waitUntil(lambda: view.table.viewport().width() < 700)
    table = view.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width()  # no column past the right edge
    for row in range(4):
        actions = view.actions_for(view.model.status_at(row).job_id)  # type: ignore[union-attr]
        assert actions is not None
        buttons = [
            b
            for b in (actions.pause, actions.resume, actions.cancel, actions.remove)
            if b.isVisible()
        ]
        assert buttons
        for b in buttons:  # every button lies inside the table, whole
            box = QRect(b.mapTo(table.viewport(), QPoint(0, 0)), b.size())
            assert table.viewport().rect().contains(box), (row, b.text(), box)
    assert table.columnWidth(C_ACTIONS) > 0
    # the failed download's reason, whole, in the details line (the cell may elide it)
    assert view.details.isVisible()
    assert reason in view.details.text() and "Q6_K" in view.details.text()
    details = view.details  # tall enough for every wrapped line, once laid out
    qtbot.waitUntil(lambda: details.height() >= details.heightForWidth(details.width()))
    assert in_window(view.details, window).right() <= window.width()
    # the selected one's state (a retry), whole
    table.selectRow(2)
    assert retry in view.details.text()
    assert view.model.index(2, C_STATE).data() == retry
    window.close()


# --------------------------------------------------------------------------- the status bar


def test_the_status_message_never_runs_into_the_figures(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.resize(800, 600)
    bar = window.statusBar()
    assert isinstance(bar, MessageBar)
    window._set_figures(CHAT_ROW, "51.2 tokens/s · first token 120 ms")
    long = NO_SUCH_NAME.format(host="huggingface.co") + " " * 3 + "x" * 200
    bar.showMessage(long, 10_000)
    qtbot.waitUntil(lambda: bar.message.text().endswith("…"))
    assert bar.currentMessage() == long and bar.message.toolTip() == long
    message, figures = in_window(bar.message, window), in_window(window.speed, window)
    assert window.speed.isVisible() and window.speed.text().startswith("51.2")
    assert message.right() < figures.left()  # side by side, never over each other
    width = bar.message.fontMetrics().horizontalAdvance(bar.message.text())
    assert width <= bar.message.contentsRect().width()
    bar.showMessage("Saved.")
    assert bar.message.text() == "Saved." and bar.message.toolTip() == ""
    bar.clearMessage()
    assert bar.currentMessage() == "" and bar.message.text() == ""
    window.close()
