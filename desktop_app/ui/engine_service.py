"""The GUI's handle on the engine process: every call returns at once, results come as signals.

Tokens arrive on the engine client's reader thread, one by one; a FrameCoalescer hands them to
the GUI thread at most once per frame, as one string.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.engine.client import EngineClient, RequestHandle
from desktop_app.core.engine.events import (
    Done,
    Error,
    ModelInfo,
    Progress,
    Result,
    Stats,
    Token,
    Warning_,
)
from desktop_app.core.engine.params import ChatRequest, LoadParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.errors import AppError, EngineCrashedError
from desktop_app.core.remote.engine import RemoteConfig, RemoteEngine
from desktop_app.ui.frame_coalescer import FrameCoalescer


class EngineService(QObject):
    load_started = Signal(str)
    load_progress = Signal(float)
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str)
    unloaded = Signal()
    tokens_arrived = Signal(str)  # text since the last emission (coalesced per frame)
    warning_raised = Signal(str)
    stats_ready = Signal(object)  # Stats
    answer_finished = Signal(object)  # Done
    answer_failed = Signal(str)
    engine_crashed = Signal(str)

    def __init__(self, log_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = EngineClient(log_dir=log_dir).start()
        self._client.on_crash = self._on_crash
        self._frames = FrameCoalescer(self)
        self._frames.text.connect(self.tokens_arrived)
        self._answer: RequestHandle | None = None
        self._load: RequestHandle | None = None
        self._remote: RemoteEngine | None = None  # set while a remote server is the engine
        self.model_info: ModelInfo | None = None

    def _on_crash(self, error: EngineCrashedError) -> None:  # reader thread
        if self._remote is None:
            self.model_info = None  # nothing is loaded in a fresh engine
        self.engine_crashed.emit(str(error))

    @property
    def client(self) -> Engine:
        """The engine in use, for tasks (summarize, sentiment) that drive it from a worker thread.

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

    @property
    def generating(self) -> bool:
        return self._answer is not None and not self._answer.finished

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

    # ---- chat ----------------------------------------------------------------------------

    def count(self, messages: list[dict[str, str]]) -> int:
        """Prompt tokens for these messages. Blocks: call from a worker thread, not the GUI's."""
        budget = self.client.budget(messages, 0).result(timeout=60)
        return int(budget.prompt_tokens)

    def chat(self, request: ChatRequest) -> None:
        self._frames.take()  # nothing of an earlier answer carries over
        self._answer = self.client.chat(request, callback=self._on_chat_event)

    def stop(self) -> None:
        if self._answer is not None:
            self._answer.cancel()

    def _on_chat_event(self, event: object) -> None:  # reader thread
        if isinstance(event, Token):
            self._frames.add(event.text)
            return
        if isinstance(event, (Done, Error)):
            self._frames.request()  # deliver any last tokens before the end
        if isinstance(event, Warning_):
            self.warning_raised.emit(event.message)
        elif isinstance(event, Stats):
            self.stats_ready.emit(event)
        elif isinstance(event, Done):
            self.answer_finished.emit(event)
        elif isinstance(event, Error):
            err: AppError = event.error
            if not isinstance(err, EngineCrashedError):  # reported by engine_crashed
                self.answer_failed.emit(str(err))

    def flush_now(self) -> None:
        """Hand over buffered tokens before an end-of-answer event is handled."""
        self._frames.flush_now()

    # ---- life cycle ----------------------------------------------------------------------

    def hardware_report_text(self) -> str:
        from desktop_app.core.engine.hardware import hardware_report

        return hardware_report().format()

    def shutdown(self) -> None:
        self._client.on_crash = None  # a close is not a crash, and this object may go first
        self._disconnect_remote()
        self._client.close()
