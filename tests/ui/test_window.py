"""The plain window loads a model off the GUI thread and shows where it runs."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import LoadParams
from desktop_app.ui.app import MainWindow


def test_window_loads_the_model_in_the_background(
    qtbot: QtBot, starter_model: Path, tmp_path: Path
) -> None:
    engine = EngineClient(log_dir=tmp_path).start()
    try:
        window = MainWindow(engine)
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window._bridge.loaded, timeout=120_000):
            window.load(LoadParams(str(starter_model), n_ctx=512, n_threads=2))
            assert "Loading" in window.status.text()  # returned at once: the GUI never waits
        assert "on CPU" in window.status.text()
    finally:
        engine.close()


def test_window_shows_a_failed_load_and_stays_usable(qtbot: QtBot, tmp_path: Path) -> None:
    engine = EngineClient(log_dir=tmp_path).start()
    try:
        window = MainWindow(engine)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window._bridge.failed, timeout=60_000):
            window.load(LoadParams(str(tmp_path / "missing.gguf")))
        assert "Could not load the model: Model file not found" in window.status.text()
        assert engine.alive
    finally:
        engine.close()
