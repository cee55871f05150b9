"""The GUI's handle on the engine: loading and unloading (local or a remote server), the model
loaded, the engine for the features, crashes. Every call returns at once, results come as signals.

Chatting is not here: the Chat pane is a view over core/controllers/chat.py's ChatSession, which
drives `client` like every other feature.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.engine.client import EngineClient, RequestHandle
from desktop_app.core.engine.events import Error, ModelInfo, Progress, Result
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.errors import EngineCrashedError
from desktop_app.core.remote.engine import RemoteConfig, RemoteEngine


class EngineService(QObject):
    load_started = Signal(str)
    load_progress = Signal(float)
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str)
    unloaded = Signal()
    engine_crashed = Signal(str)

    def __init__(self, log_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = EngineClient(log_dir=log_dir).start()
        self._client.on_crash = self._on_crash
        self._load: RequestHandle | None = None
        self._remote: RemoteEngine | None = None  # set while a remote server is the engine
        self.model_info: ModelInfo | None = None

    def _on_crash(self, error: EngineCrashedError) -> None:  # reader thread
        if self._remote is None:
            self.model_info = None  # nothing is loaded in a fresh engine
        self.engine_crashed.emit(str(error))

    @property
    def client(self) -> Engine:
        """The engine in use, for the features (chat, summarize, sentiment) that drive it.

        The local client runs one request at a time and queues the rest, so a task and a chat
        never interleave inside llama.cpp. With a remote server connected, it is that server.
        """
        if self._remote is not None:
            return self._remote
        if not self._client.alive:
            self._client.start()
        return self._client

    @property
    def remote(self) -> bool:
        return self._remote is not None

    def connect_remote(self, config: RemoteConfig) -> None:
        """Use a remote server instead of this computer; the local model is unloaded first."""
        if self.model_info is not None and self._remote is None:
            self._client.unload()
        self.model_info = None
        remote = RemoteEngine(config)
        self.load_started.emit(config.base_url)

        def on_event(event: object) -> None:
            if isinstance(event, Result) and isinstance(event.value, ModelInfo):
                self._remote = remote
                self.model_info = event.value
                self.loaded.emit(event.value)
            elif isinstance(event, Error):
                self.load_failed.emit(str(event.error))

        self._load = remote.load(callback=on_event)

    # ---- model ---------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._load is not None and not self._load.finished

    def load(self, params: LoadParams) -> None:
        self._disconnect_remote()
        if not self._client.alive:
            self._client.start()
        self.model_info = None
        self.load_started.emit(params.model_path)

        def on_event(event: object) -> None:
            if isinstance(event, Progress):
                self.load_progress.emit(event.fraction)
            elif isinstance(event, Result) and isinstance(event.value, ModelInfo):
                self.model_info = event.value
                self.loaded.emit(event.value)
            elif isinstance(event, Error):
                self.load_failed.emit(str(event.error))

        self._load = self._client.load(params, callback=on_event)

    def cancel_load(self) -> None:
        """llama.cpp stops at its next progress report; if it is past those, a new engine does."""
        if not self.loading or self._load is None:
            return
        handle = self._load
        handle.cancel()

        def fallback() -> None:
            if not handle.finished:  # e.g. allocating a large KV cache: no progress reports there
                self._client.close(timeout=1.0)
                self._client.start()
                self.model_info = None

        QTimer.singleShot(3000, fallback)

    def unload(self) -> None:
        self.model_info = None
        if self._remote is not None:
            self._disconnect_remote()
            self.unloaded.emit()
            return
        self._client.unload(callback=lambda _e: self.unloaded.emit())

    def _disconnect_remote(self) -> None:
        remote, self._remote = self._remote, None
        if remote is not None:
            remote.close()

    # ---- life cycle ----------------------------------------------------------------------

    def hardware_report_text(self) -> str:
        from desktop_app.core.engine.hardware import hardware_report

        return hardware_report().format()

    def shutdown(self) -> None:
        self._client.on_crash = None  # a close is not a crash, and this object may go first
        self._disconnect_remote()
        self._client.close()
