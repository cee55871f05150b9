"""Dialogs: preferences (load options, language, theme), a conversation's settings, renaming a
conversation, About."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.core.engine.params import FLASH_ATTN, KV_TYPES, SamplingParams
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Load, Remote, Top
from desktop_app.ui.core_text import shown

PRESETS: dict[str, dict[str, Any]] = {
    "balanced": dict(temperature=0.7, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.1),
    "precise": dict(temperature=0.2, top_p=0.9, top_k=20, min_p=0.1, repeat_penalty=1.05),
    "creative": dict(temperature=1.0, top_p=0.98, top_k=80, min_p=0.02, repeat_penalty=1.15),
    "deterministic": dict(temperature=0.0, top_p=1.0, top_k=1, min_p=0.0, repeat_penalty=1.0),
}
PRESET_TOLERANCE = 0.005  # half the dialog's step (two decimals): 0.1 stored as 0.1000001 matches


def preset_of(values: Mapping[str, float]) -> str | None:
    """The preset whose every value `values` has (floats within PRESET_TOLERANCE), or None."""
    for key, preset in PRESETS.items():
        if all(
            name in values and math.isclose(values[name], value, abs_tol=PRESET_TOLERANCE)
            for name, value in preset.items()
        ):
            return key
    return None


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class PreferencesDialog(QDialog):
    """Load options, language and theme; saved to the settings file on OK."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self._settings = settings
        form = QFormLayout()

        self.ctx = QSpinBox()
        self.ctx.setRange(256, 1_048_576)
        self.ctx.setSingleStep(1024)
        self.ctx.setValue(settings.value(Load.n_ctx))
        self.ctx.setAccessibleName(self.tr("Context size"))
        form.addRow(self.tr("Context size (tokens):"), self.ctx)

        gpu_row = QHBoxLayout()
        self.gpu_mode = QComboBox()
        self.gpu_mode.setAccessibleName(self.tr("GPU layers"))
        for key, label in (("auto", self.tr("Auto (as many as fit)")), ("all", self.tr("All layers")),
                           ("0", self.tr("None (CPU only)")), ("n", self.tr("A number of layers")),):  # fmt: skip
            self.gpu_mode.addItem(label, key)
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setRange(1, 999)
        self.gpu_layers.setAccessibleName(self.tr("Number of GPU layers"))
        gpu = str(settings.value(Load.n_gpu_layers))
        if gpu.isdigit() and gpu != "0":
            self.gpu_mode.setCurrentIndex(3)
            self.gpu_layers.setValue(int(gpu))
        else:
            self.gpu_mode.setCurrentIndex(max(0, self.gpu_mode.findData(gpu)))
        self.gpu_mode.currentIndexChanged.connect(self._sync_gpu)
        gpu_row.addWidget(self.gpu_mode, 1)
        gpu_row.addWidget(self.gpu_layers)
        form.addRow(self.tr("GPU layers:"), gpu_row)
        self._sync_gpu()

        self.threads = QSpinBox()
        self.threads.setRange(0, 256)
        self.threads.setSpecialValueText(self.tr("Automatic"))
        self.threads.setValue(settings.value(Load.n_threads) or 0)
        self.threads.setAccessibleName(self.tr("CPU threads"))
        form.addRow(self.tr("CPU threads:"), self.threads)

        self.flash = QComboBox()
        for key, label in zip(
            FLASH_ATTN, (self.tr("Auto"), self.tr("On"), self.tr("Off")), strict=True
        ):
            self.flash.addItem(label, key)
        self.flash.setCurrentIndex(max(0, self.flash.findData(settings.value(Load.flash_attn))))
        self.flash.setAccessibleName(self.tr("Flash attention"))
        form.addRow(self.tr("Flash attention:"), self.flash)

        self.kv = QComboBox()
        for key in KV_TYPES:
            self.kv.addItem(key, key)
        self.kv.setCurrentIndex(max(0, self.kv.findData(settings.value(Load.kv_type))))
        self.kv.setAccessibleName(self.tr("KV-cache type"))
        form.addRow(self.tr("KV-cache type:"), self.kv)

        self.language = QComboBox()
        for key, label in (
            ("system", self.tr("Follow the system")),
            ("en", "English"),
            ("zh_CN", "简体中文"),
        ):
            self.language.addItem(label, key)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.value(Top.language))))
        self.language.setAccessibleName(self.tr("Language"))
        form.addRow(self.tr("Language:"), self.language)

        self.theme = QComboBox()
        for key, label in (
            ("system", self.tr("Follow the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.value(Top.theme))))
        self.theme.setAccessibleName(self.tr("Theme"))
        form.addRow(self.tr("Theme:"), self.theme)

        hint = QLabel(self.tr("Load options apply the next time a model is loaded."))
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self._remote_box(settings))
        layout.addWidget(_buttons(self))

    def _remote_box(self, settings: Settings) -> QGroupBox:
        """A server (llama-server, vLLM, Ollama, another Hearth) for models too large for here."""
        box = QGroupBox(self.tr("Remote server (OpenAI-compatible)"))
        form = QFormLayout(box)
        self.remote_url = QLineEdit(settings.value(Remote.base_url))
        self.remote_url.setPlaceholderText("http://192.168.1.20:8080/v1")
        self.remote_url.setAccessibleName(self.tr("Server address"))
        form.addRow(self.tr("Address:"), self.remote_url)
        self.remote_key = QLineEdit(settings.value(Remote.api_key) or "")
        self.remote_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.remote_key.setAccessibleName(self.tr("API key"))
        form.addRow(self.tr("API key:"), self.remote_key)
        self.secret_place = QLabel(shown(settings.secrets.where()))
        self.secret_place.setWordWrap(True)
        form.addRow("", self.secret_place)
        self.remote_model = QLineEdit(settings.value(Remote.model))
        self.remote_model.setPlaceholderText(self.tr("the server's first model"))
        self.remote_model.setAccessibleName(self.tr("Model on the server"))
        form.addRow(self.tr("Model:"), self.remote_model)
        self.remote_ctx = QSpinBox()
        self.remote_ctx.setRange(0, 1_048_576)
        self.remote_ctx.setSingleStep(1024)
        self.remote_ctx.setSpecialValueText(self.tr("Ask the server"))
        self.remote_ctx.setValue(settings.value(Remote.n_ctx) or 0)
        self.remote_ctx.setAccessibleName(self.tr("Context size on the server"))
        form.addRow(self.tr("Context size:"), self.remote_ctx)
        note = QLabel(
            self.tr(
                "Pick “Remote server” in the model list to run Chat, Summarize and Sentiment there."
            )
        )
        note.setWordWrap(True)
        form.addRow(note)
        return box

    def _sync_gpu(self) -> None:
        self.gpu_layers.setEnabled(self.gpu_mode.currentData() == "n")

    def gpu_value(self) -> str | int:
        mode = self.gpu_mode.currentData()
        if mode == "n":
            return int(self.gpu_layers.value())
        if mode == "0":
            return 0
        return str(mode)

    def apply(self) -> None:
        s = self._settings
        s.put(Load.n_ctx, int(self.ctx.value()))
        s.put(Load.n_gpu_layers, self.gpu_value())
        s.put(Load.n_threads, int(self.threads.value()) or None)
        s.put(Load.flash_attn, str(self.flash.currentData()))
        s.put(Load.kv_type, str(self.kv.currentData()))
        s.put(Top.language, str(self.language.currentData()))
        s.put(Top.theme, str(self.theme.currentData()))
        s.put(Remote.base_url, self.remote_url.text().strip())
        s.put(Remote.api_key, self.remote_key.text().strip() or None)
        s.put(Remote.model, self.remote_model.text().strip())
        s.put(Remote.n_ctx, int(self.remote_ctx.value()) or None)
        if not s.read_only:
            s.save()


class ConversationSettingsDialog(QDialog):
    """A conversation's system prompt, sampling (with named presets) and context policy."""

    def __init__(
        self, system_prompt: str, sampling: dict[str, Any], preset: str | None, policy: str,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(self.tr("Conversation settings"))
        s = SamplingParams.from_dict(sampling)
        form = QFormLayout()
        self.system = QPlainTextEdit(system_prompt)
        self.system.setPlaceholderText(self.tr("For example: You are a concise assistant."))
        self.system.setAccessibleName(self.tr("System prompt"))
        self.system.setMaximumHeight(110)
        form.addRow(self.tr("System prompt:"), self.system)

        self.preset = QComboBox()
        self.preset.setAccessibleName(self.tr("Preset"))
        names = {"balanced": self.tr("Balanced"), "precise": self.tr("Precise"),
                 "creative": self.tr("Creative"), "deterministic": self.tr("Deterministic")}  # fmt: skip
        self.preset.addItem(self.tr("Custom"), "custom")
        for key, label in names.items():
            self.preset.addItem(label, key)
        self.preset.setCurrentIndex(max(0, self.preset.findData(preset or "custom")))
        self.preset.activated.connect(self._apply_preset)
        form.addRow(self.tr("Preset:"), self.preset)

        def dspin(value: float, lo: float, hi: float, step: float, name: str) -> QDoubleSpinBox:
            w = QDoubleSpinBox()
            w.setRange(lo, hi)
            w.setSingleStep(step)
            w.setDecimals(2)
            w.setValue(value)
            w.setAccessibleName(name)
            w.valueChanged.connect(self._sync_preset)
            return w

        self.temperature = dspin(s.temperature, 0, 2, 0.05, self.tr("Temperature"))
        self.top_p = dspin(s.top_p, 0.01, 1, 0.01, "top_p")
        self.min_p = dspin(s.min_p, 0, 1, 0.01, "min_p")
        self.repeat_penalty = dspin(s.repeat_penalty, 0.5, 2, 0.01, self.tr("Repeat penalty"))
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 1000)
        self.top_k.setValue(s.top_k)
        self.top_k.setAccessibleName("top_k")
        self.top_k.valueChanged.connect(self._sync_preset)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 131072)
        self.max_tokens.setValue(s.max_tokens)
        self.max_tokens.setAccessibleName(self.tr("Maximum answer length"))
        self.seed = QLineEdit("" if s.seed is None else str(s.seed))
        self.seed.setPlaceholderText(self.tr("random"))
        self.seed.setAccessibleName(self.tr("Seed"))
        form.addRow(self.tr("Temperature:"), self.temperature)
        form.addRow("top_p:", self.top_p)
        form.addRow("top_k:", self.top_k)
        form.addRow("min_p:", self.min_p)
        form.addRow(self.tr("Repeat penalty:"), self.repeat_penalty)
        form.addRow(self.tr("Seed:"), self.seed)
        form.addRow(self.tr("Max tokens:"), self.max_tokens)

        self.policy = QComboBox()
        self.policy.addItem(
            self.tr("Drop the oldest turns (keep the system prompt)"), "drop_oldest"
        )
        self.policy.addItem(self.tr("Stop and say so"), "stop")
        self.policy.setCurrentIndex(max(0, self.policy.findData(policy)))
        self.policy.setAccessibleName(self.tr("When the conversation outgrows the context"))
        form.addRow(self.tr("When the context is full:"), self.policy)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        self._sync_preset()  # values equal to a preset are that preset, whatever was stored

    def _apply_preset(self) -> None:
        key = self.preset.currentData()
        values = PRESETS.get(key)
        if not values:
            return
        for name, value in values.items():
            widget = getattr(self, name)
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)

    def _sync_preset(self) -> None:
        """Name the preset the values equal, or Custom."""
        key = preset_of({name: getattr(self, name).value() for name in PRESETS["balanced"]})
        self.preset.setCurrentIndex(max(0, self.preset.findData(key or "custom")))

    def values(self) -> tuple[str, dict[str, Any], str | None, str]:
        seed_text = self.seed.text().strip()
        sampling = SamplingParams(
            temperature=self.temperature.value(), top_p=self.top_p.value(), top_k=self.top_k.value(),
            min_p=self.min_p.value(), repeat_penalty=self.repeat_penalty.value(),
            seed=int(seed_text) if seed_text.isdigit() else None, max_tokens=self.max_tokens.value(),
        ).to_dict()  # fmt: skip
        sampling.pop("stop", None)
        preset = self.preset.currentData()
        return (self.system.toPlainText(), sampling, None if preset == "custom" else preset,
                str(self.policy.currentData()))  # fmt: skip


class RenameDialog(QDialog):
    """A conversation's new title. Wide enough for its own title and a long name (the stock
    QInputDialog is ~200 px, cutting both); the caller passes its texts, in its language."""

    CHARS = 40  # a title made from a message is at most this long

    def __init__(
        self, current: str, window_title: str, label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self.edit = QLineEdit(current)
        self.edit.setAccessibleName(label.rstrip(":：").strip() or label)
        self.edit.selectAll()
        metrics = self.edit.fontMetrics()
        self.edit.setMinimumWidth(metrics.averageCharWidth() * self.CHARS + 16)
        form = QFormLayout()
        form.addRow(label, self.edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_buttons(self))
        title_room = metrics.horizontalAdvance(window_title) + 160  # the title bar's buttons
        self.setMinimumWidth(max(360, title_room))

    def text(self) -> str:
        return self.edit.text().strip()


def show_about(parent: QWidget, hardware_text: str) -> None:
    try:
        import llama_cpp

        llama_version = llama_cpp.__version__
    except Exception:  # the About box must open even if the engine library is broken
        llama_version = "?"
    box = QMessageBox(parent)
    box.setWindowTitle(QCoreApplication.translate("AboutBox", "About {0}").format(APP_NAME))
    box.setText(
        f"<b>{APP_NAME}</b> {__version__}<br>"
        + QCoreApplication.translate("AboutBox", "Run language models on your own machine.")
        + f"<br><br>Qt {qVersion()} · llama-cpp-python {llama_version}"
    )
    box.setDetailedText(hardware_text)
    box.exec()
