"""The model bar: pick an installed model, load or unload it, see where it runs.

With a model loaded, picking another one loads it in its place (EngineService.use), as in
LM Studio or Jan: the picker is usable whenever no load is under way, and says why when not.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.models.shards import parse_shard_name

REMOTE_KEY = "remote:"  # the model list's entry for the remote server (and its default_model value)


def model_label(path: Path) -> str:
    """A file's name without .gguf, and a shard set's without "-00001-of-00003"."""
    shard = parse_shard_name(path.name)
    return shard.base if shard is not None else path.stem


class ModelBar(QWidget):
    load_requested = Signal(str)  # model path
    unload_requested = Signal()
    cancel_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.models = QComboBox()
        self.models.setMinimumWidth(260)
        self.models.setAccessibleName(self.tr("Model"))
        self.models.activated.connect(self._on_picked)  # the person's pick, not set_models
        self.load_button = QPushButton(self.tr("Load"))
        self.load_button.setAccessibleName(self.tr("Load or unload the model"))
        self.load_button.clicked.connect(self._on_load_clicked)
        self.info = QLabel(self.tr("No model loaded"))
        self.info.setAccessibleName(self.tr("Model status"))
        # a long message (an engine error with its log path) must not widen the window past
        # the screen: the label takes the room there is; the whole text is in its tooltip
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.settings_button = QToolButton()
        self.settings_button.setText("⚙")
        self.settings_button.setToolTip(self.tr("Load options and preferences"))
        self.settings_button.setAccessibleName(self.tr("Preferences"))
        self.settings_button.clicked.connect(self.settings_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.models)
        layout.addWidget(self.load_button)
        layout.addWidget(self.info, 1)
        layout.addWidget(self.settings_button)
        self._state = "idle"  # idle | loading | loaded
        self._loaded_key: str | None = None  # the picker's entry of the model loaded
        self._started = 0.0
        self._fraction = 0.0
        self._ticker = QTimer(self)
        self._ticker.setInterval(250)
        self._ticker.timeout.connect(self._tick)
        self._set_picker(True)

    def set_models(
        self, paths: list[Path], current: str | None = None, *, remote_label: str | None = None
    ) -> None:
        self.models.clear()
        for p in paths:
            self.models.addItem(model_label(p), str(p))
        if remote_label:
            self.models.addItem(self.tr("Remote server · {0}").format(remote_label), REMOTE_KEY)
        if current:
            i = self.models.findData(current)
            if i < 0:
                self.models.addItem(model_label(Path(current)), current)
                i = self.models.count() - 1
            self.models.setCurrentIndex(i)

    def current_path(self) -> str | None:
        data = self.models.currentData()
        return str(data) if data else None

    def select(self, key: str | None) -> None:
        """Show `key` (a model's path, or REMOTE_KEY) in the picker, if it is listed."""
        i = self.models.findData(key) if key else -1
        if i >= 0:
            self.models.setCurrentIndex(i)

    @property
    def loaded_key(self) -> str | None:
        """The picker's entry of the model loaded now (None: none loaded)."""
        return self._loaded_key if self._state == "loaded" else None

    def _on_picked(self, _index: int) -> None:
        """Another model picked while one is loaded: load it in its place."""
        path = self.current_path()
        if self._state == "loaded" and path is not None and path != self._loaded_key:
            self.load_requested.emit(path)

    def show_note(self, text: str) -> None:
        """A message about the last action (a failed or refused switch), whole in the tooltip."""
        self.info.setText(text)
        self.info.setToolTip(text)

    def _set_picker(self, enabled: bool) -> None:
        if not enabled:
            tip = self.tr("A model is loading: wait for it, or press Cancel, to pick another.")
        elif self._state == "loaded":
            tip = self.tr("Pick another model to load it in place of this one.")
        else:
            tip = self.tr("Pick a model, then press Load.")
        self.models.setToolTip(tip)  # first: it says why as soon as it is greyed out
        self.models.setEnabled(enabled)

    def _on_load_clicked(self) -> None:
        if self._state == "loading":
            self.cancel_requested.emit()
        elif self._state == "loaded":
            self.unload_requested.emit()
        elif (path := self.current_path()) is not None:
            self.load_requested.emit(path)

    def show_loading(self, path: str) -> None:
        self._state = "loading"
        self._fraction = 0.0
        self._started = time.perf_counter()
        self.load_button.setText(self.tr("Cancel"))
        remote = path.startswith(("http://", "https://"))
        self.select(REMOTE_KEY if remote else path)  # also when a failed switch goes back
        self._set_picker(False)
        name = self.tr("the remote server") if remote else Path(path).stem
        self.info.setText(self.tr("Loading {0}…").format(name))
        self._ticker.start()

    def show_progress(self, fraction: float) -> None:
        self._fraction = fraction
        self._tick()

    def _tick(self) -> None:
        seconds = time.perf_counter() - self._started
        name = self.models.currentText()
        self.info.setText(
            self.tr("Loading {0}… {1:.0f}% ({2:.0f} s)").format(name, self._fraction * 100, seconds)
        )

    def show_loaded(self, info: ModelInfo) -> None:
        self._ticker.stop()
        self._state = "loaded"
        self._loaded_key = REMOTE_KEY if info.architecture == "remote" else info.path
        if self.models.findData(self._loaded_key) < 0 and self._loaded_key != REMOTE_KEY:
            self.models.addItem(model_label(Path(info.path)), info.path)  # loaded by path
        self.select(self._loaded_key)
        self.load_button.setText(self.tr("Unload"))
        self._set_picker(True)
        if info.architecture == "remote":
            text = self.tr("{0} · {1} · context {2}").format(info.backend, info.name, info.n_ctx)
        else:
            where = info.backend if info.n_gpu_layers_offloaded else self.tr("CPU")
            text = self.tr("{0} · {1} layers on GPU of {2} · context {3}").format(
                where, info.n_gpu_layers_offloaded, info.n_layers, info.n_ctx
            )
        self.info.setText(text)
        self.info.setToolTip("\n".join([*info.warnings, *info.notes]))

    def show_idle(self, message: str = "") -> None:
        self._ticker.stop()
        self._state = "idle"
        self._loaded_key = None
        self.load_button.setText(self.tr("Load"))
        self._set_picker(True)
        self.info.setText(message or self.tr("No model loaded"))
        self.info.setToolTip(message)
