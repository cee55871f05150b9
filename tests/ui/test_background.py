"""Background: a blocking task on a worker thread, its events relayed in order to the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from desktop_app.ui.background import Background, Emit, error_text, run


def text_of(event: object) -> str | None:
    return event if isinstance(event, str) else None


def test_text_is_coalesced_and_stays_in_order_with_events(qtbot: QtBot) -> None:
    runner = Background(text_of)
    seen: list[tuple[str, object]] = []
    threads: set[object] = set()

    def on_text(text: str) -> None:
        threads.add(QThread.currentThread())
        seen.append(("text", text))

    runner.text.connect(on_text)
    runner.event_arrived.connect(lambda e: seen.append(("event", e)))

    def task(emit: Emit, cancel: threading.Event) -> str:
        for block in range(5):
            for i in range(400):
                emit(f"{block}.{i} ")
            emit(block)  # a marker between runs of text
        emit("tail")
        return "done"

    with qtbot.waitSignal(runner.finished, timeout=10_000) as done:
        assert runner.start(task)
        assert runner.running
        assert not runner.start(task), "one task at a time"
    assert done.args == ["done"] and not runner.running
    assert threads == {QThread.currentThread()}, "signals arrive on the GUI thread"
    texts = [v for kind, v in seen if kind == "text"]
    assert len(texts) < 2000, "streamed text is handed over in batches, not piece by piece"
    # Everything written before a marker arrived before it, nothing after it did.
    written = ""
    for kind, value in seen:
        if kind == "text":
            assert isinstance(value, str)
            written += value
        else:
            assert isinstance(value, int)
            assert written == "".join(f"{b}.{i} " for b in range(value + 1) for i in range(400))
    assert written.endswith("4.399 tail")


def test_failure_and_cancel(qtbot: QtBot) -> None:
    runner = Background()

    def broken(emit: Emit, cancel: threading.Event) -> None:
        raise ValueError("no such thing")

    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.start(broken)
    assert isinstance(failed.args[0], ValueError) and not runner.running

    started = threading.Event()

    def waits(emit: Emit, cancel: threading.Event) -> str:
        started.set()
        cancel.wait(30)
        return "stopped" if cancel.is_set() else "timed out"

    with qtbot.waitSignal(runner.finished, timeout=10_000) as done:
        runner.start(waits)
        assert started.wait(10)
        runner.cancel()
        assert runner.cancelling
    assert done.args == ["stopped"]


def test_run_delivers_the_result_or_the_error_on_the_gui_thread(qtbot: QtBot) -> None:
    from PySide6.QtCore import QObject

    owner = QObject()
    got: list[tuple[str, object, bool]] = []
    gui = QThread.currentThread()
    run(
        owner,
        "answer",
        lambda: 6 * 7,
        lambda v: got.append(("ok", v, QThread.currentThread() is gui)),
    )

    def broken() -> int:
        raise OSError(2, "No such file or directory", "/nowhere")

    run(
        owner, "broken", broken, lambda _v: None, lambda e: got.append(("err", error_text(e), True))
    )
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10_000)
    assert ("ok", 42, True) in got
    assert ("err", "No such file or directory: /nowhere", True) in got


def test_jobs_report_their_outcome_on_their_own_thread() -> None:
    from desktop_app.core import jobs

    seen: list[object] = []
    job = jobs.start(
        lambda j: j.cancel_event.wait(10) and "cancelled",
        name="t",
        on_done=lambda j: seen.append(j.result),
    )
    assert not job.done
    job.cancel()
    assert job.wait(10) and job.cancelled and seen == ["cancelled"]
    failing = jobs.start(lambda j: 1 / 0, name="f")
    assert failing.wait(10) and isinstance(failing.error, ZeroDivisionError)
