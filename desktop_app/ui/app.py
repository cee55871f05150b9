"""The window. A plain shell until the GUI issue lands: it loads a model off the GUI thread
through the engine process and shows where it runs."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from desktop_app import APP_NAME, __version__
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Error, ModelInfo
from desktop_app.core.engine.params import LoadParams, parse_gpu_layers
from desktop_app.core.engine.worker import Result
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings


class _Bridge(QObject):
    """Carries engine events from the reader thread to the GUI thread (queued signal)."""

    loaded = Signal(object)
    failed = Signal(str)


class MainWindow(QMainWindow):
    def __init__(self, engine: EngineClient) -> None:
        super().__init__()
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        self.resize(900, 600)
        self._engine = engine
        self._bridge = _Bridge()
        self._bridge.loaded.connect(self._on_loaded)
        self._bridge.failed.connect(self._on_failed)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.status = QLabel("No model loaded. Start with: desktop-app --model starter")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Model status")
        layout.addWidget(self.status)
        self.setCentralWidget(central)

    def load(self, params: LoadParams) -> None:
        self.status.setText(f"Loading {Path(params.model_path).name}…")

        def on_event(event: object) -> None:
            if isinstance(event, Result) and isinstance(event.value, ModelInfo):
                self._bridge.loaded.emit(event.value)
            elif isinstance(event, Error):
                self._bridge.failed.emit(str(event.error))

        self._engine.load(params, callback=on_event)

    def _on_loaded(self, info: ModelInfo) -> None:
        where = info.backend if info.n_gpu_layers_offloaded else "CPU"
        text = f"{info.name} — {info.architecture}, context {info.n_ctx}, on {where}"
        if info.warnings:
            text += "\n" + "\n".join(info.warnings)
        self.status.setText(text)

    def _on_failed(self, message: str) -> None:
        self.status.setText(f"Could not load the model: {message}")


def run_gui(model: Path | None, settings: Settings) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    engine = EngineClient(log_dir=app_paths().log_dir).start()
    window = MainWindow(engine)
    window.show()
    if model is not None:
        load = settings.get("load", {}) or {}
        window.load(
            LoadParams(
                model_path=str(model),
                n_ctx=int(load.get("n_ctx", 4096)),
                n_gpu_layers=parse_gpu_layers(str(load.get("n_gpu_layers", "auto"))),
            )
        )
    try:
        return int(app.exec())
    finally:
        engine.close()
