"""The GUI's handle on the engine: loading and unloading (local or a remote server), switching
from one model to another in place, the model loaded, the engine for the features, crashes.
Every call returns at once, results come as signals.

Chatting is not here: the Chat pane is a view over core/controllers/chat.py's ChatSession, which
drives `client` like every other feature.

A switch (a model loaded, another one asked for) checks the new file's header first, so a broken
download is refused while the loaded model stays loaded and nothing is lost. Then the old
engine process is closed and a fresh one loads the new model: everything the old model held
(the memory the allocator kept, GPU buffers) goes back to the machine. If that load fails, the
model loaded before is loaded again, so the app is left as it was, with the reason said.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.engine.client import EngineClient, RequestHandle
from desktop_app.core.engine.events import Error, ModelInfo, Progress, Result
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.errors import CancelledError, EngineCrashedError
from desktop_app.core.gguf_reader import inspect_gguf
from desktop_app.core.remote.engine import RemoteConfig, RemoteEngine
from desktop_app.ui.background import error_text, run

Target = LoadParams | RemoteConfig  # what can be loaded: a local model, or a remote server


def where(target: Target) -> str:
    """What `load_started` names: the model's path, or the server's address."""
    return target.model_path if isinstance(target, LoadParams) else target.base_url


@dataclass(frozen=True)
class _LoadEnd:
    """A load's last event, handed from the engine's reader thread to the GUI thread."""

    target: Target
    restore: Target | None  # what a failure goes back to (the model a switch replaced)
    remote: RemoteEngine | None  # the server connected, for a remote target
    event: object


class EngineService(QObject):
    load_started = Signal(str)
    load_progress = Signal(float)
    loaded = Signal(object)  # ModelInfo
    load_failed = Signal(str)
    unloaded = Signal()
    engine_crashed = Signal(str)
    _load_ended = Signal(object)  # _LoadEnd, emitted on the reader thread, handled on this one

    def __init__(self, log_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = EngineClient(log_dir=log_dir).start()
        self._client.on_crash = self._on_crash
        self._load: RequestHandle | None = None
        self._remote: RemoteEngine | None = None  # set while a remote server is the engine
        self._target: Target | None = None  # what is loaded now
        self._switching = False  # checking the new file or closing the old engine
        self._cancel_switch = False
        self._next: Target | None = None  # what the switch under way loads
        self._in_load = False  # from a load's start until its end is handled here
        self._closed = False
        self.returning_to: str | None = None  # while a failed switch loads the old model again
        self.model_info: ModelInfo | None = None
        self._load_ended.connect(self._on_load_ended)

    def _on_crash(self, error: EngineCrashedError) -> None:  # reader thread
        if self._remote is None:
            self.model_info = None  # nothing is loaded in a fresh engine
        if self._in_load or self._switching:
            return  # the load's own failure says it (and a switch goes back to the old model)
        self.engine_crashed.emit(str(error))

    @property
    def client(self) -> Engine:
        """The engine in use, for the features (chat, summarize, sentiment) that drive it.

        The local client runs one request at a time and queues the rest, so a task and a chat
        never interleave inside llama.cpp. With a remote server connected, it is that server.
        During a switch's close it is not restarted: a request then fails at once.
        """
        if self._remote is not None:
            return self._remote
        if not self._client.alive and not self._switching and not self._closed:
            self._client.start()
        return self._client

    @property
    def remote(self) -> bool:
        return self._remote is not None

    # ---- model ---------------------------------------------------------------------------

    @property
    def loading(self) -> bool:
        return self._switching or (self._load is not None and not self._load.finished)

    def load(self, params: LoadParams) -> None:
        """Load a local model; one loaded now is switched for it (see the module's docstring)."""
        self.use(params)

    def connect_remote(self, config: RemoteConfig) -> None:
        """Use a remote server instead of this computer; the local model is unloaded first."""
        self.use(config)

    def use(self, target: Target) -> None:
        """Load `target`: at once when nothing is loaded, else as a switch."""
        if self._switching:  # asked again while a switch is under way: that one loads this
            self._next = target
            return
        if self.model_info is None or self.loading:
            self._begin(target, restore=None)
            return
        previous = self._target
        self._switching, self._cancel_switch, self._next = True, False, target
        if isinstance(target, RemoteConfig):
            self._replace(previous)
            return
        run(
            self,
            "model-check",
            lambda: inspect_gguf(target.model_path),
            lambda _info: self._replace(previous),
            self._refused,
        )

    def _refused(self, exc: BaseException) -> None:
        """The new file is broken: nothing was touched, the loaded model stays loaded."""
        self._switching, self._next = False, None
        self.load_failed.emit(error_text(exc))

    def _replace(self, previous: Target | None) -> None:
        """Close the old engine (off the GUI thread), then load the target in a fresh one."""
        target = self._next
        if self._closed or target is None:
            return
        self.model_info = None
        self._target = None
        self.unloaded.emit()  # the panes stop offering the old model at once
        self.load_started.emit(where(target))
        remote, self._remote = self._remote, None
        client = self._client

        def close_old() -> None:
            if remote is not None:
                remote.close()
            client.close()

        def closed(_value: object = None) -> None:
            if self._closed:
                return
            if self._cancel_switch:
                self._switching = False
                self.load_failed.emit(self.tr("Loading was cancelled."))
                return
            latest, self._next = self._next or target, None  # the last one asked for
            self._begin(latest, restore=previous, announced=latest is target)

        run(self, "engine-close", close_old, closed, closed)

    def _begin(self, target: Target, *, restore: Target | None, announced: bool = False) -> None:
        """Start loading `target` (`restore`: what a failure loads again)."""
        self._switching = False
        self.model_info = None
        self._target = None
        self._in_load = True
        remote: RemoteEngine | None = None
        if isinstance(target, LoadParams):
            self._disconnect_remote()
            if not self._client.alive:
                self._client.start()
        else:
            if self._remote is None and self._client.alive and self._client.model_info:
                self._client.unload()
            self._disconnect_remote()
            remote = RemoteEngine(target)
        if not announced:
            self.load_started.emit(where(target))

        def on_event(event: object) -> None:  # the engine's reader thread
            if isinstance(event, Progress):
                self.load_progress.emit(event.fraction)
            elif isinstance(event, Result | Error):
                self._load_ended.emit(_LoadEnd(target, restore, remote, event))

        if remote is not None:
            self._load = remote.load(callback=on_event)
        else:
            assert isinstance(target, LoadParams)
            self._load = self._client.load(target, callback=on_event)

    def _on_load_ended(self, end: _LoadEnd) -> None:
        self._in_load = False
        self.returning_to = None
        event = end.event
        if isinstance(event, Result) and isinstance(event.value, ModelInfo):
            self._remote = end.remote
            self._target = end.target
            self.model_info = event.value
            self.loaded.emit(event.value)
            return
        if not isinstance(event, Error):
            return
        back = end.restore
        if back is not None and not isinstance(event.error, CancelledError) and not self._closed:
            self.returning_to = where(back)  # the window says so with the failure
            self.load_failed.emit(str(event.error))
            self._begin(back, restore=None)
        else:
            self.load_failed.emit(str(event.error))

    def cancel_load(self) -> None:
        """llama.cpp stops at its next progress report; if it is past those, a new engine does."""
        if self._switching:
            self._cancel_switch = True  # the old engine is closing: no load follows
            return
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
        self._target = None
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
        self._closed = True  # a switch under way starts no new engine
        self._client.on_crash = None  # a close is not a crash, and this object may go first
        self._disconnect_remote()
        self._client.close()
