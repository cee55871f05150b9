"""The Sentiment options' method part: the calibration, several words per label, and the
instruction with its presets (issue 16).

Calibration is a choice (core/tasks/calibration.py): automatic (the best on the dev set for the
texts' language), contextual, batch (the batch's own mean; one text falls back to contextual),
domain (random in-domain words as the content-free input) or none. A preset fills the labels
and the instruction (sentiment, topic, intent, language, yes / no); both stay editable. The
instruction is what the model reads, so it stays as typed (English works best with a small
model); `{labels}` in it becomes the labels.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from desktop_app.core.controllers.sentiment import Options
from desktop_app.core.storage.settings import Settings
from desktop_app.core.tasks.calibration import (
    AUTOMATIC,
    CHOICES,
    DEFAULT_LABEL_WORDS,
    DEFAULT_METHOD,
)
from desktop_app.core.tasks.label_presets import PRESETS, Preset

CALIBRATION_KEY = "sentiment.calibration"
INSTRUCTION_KEY = "sentiment.instruction"
LABEL_WORDS_KEY = "sentiment.label_words"


class SentimentMethod(QWidget):
    """Calibration, label words, instruction; `changed` on every edit, `preset_chosen` with the
    preset whose labels the options should take."""

    changed = Signal()
    preset_chosen = Signal(object)  # a label_presets.Preset

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calibration = QComboBox()
        self.calibration.setAccessibleName(self.tr("Calibration"))
        names = {
            AUTOMATIC: self.tr("Automatic (English: {0}, Chinese: {1})").format(
                DEFAULT_METHOD["en"], DEFAULT_METHOD["zh"]
            ),
            "contextual": self.tr("Contextual (content-free inputs)"),
            "batch": self.tr("Batch (the batch's own mean)"),
            "domain": self.tr("Domain (random words of the texts)"),
            "none": self.tr("None"),
        }
        for key in CHOICES:
            self.calibration.addItem(names[key], key)
        self.calibration.setToolTip(
            self.tr(
                "How the prompt's own bias towards some labels is divided out. Batch and domain "
                "need a batch of texts; one text uses contextual."
            )
        )
        self.label_words = QCheckBox(self.tr("Several words per label"))
        self.label_words.setToolTip(
            self.tr("Also score good / 正面 / 好评 for positive, bad / 负面 / 差评 for negative…")
        )
        self.preset = QComboBox()
        self.preset.setAccessibleName(self.tr("Preset"))
        self.preset.addItem(self.tr("Choose a preset…"), None)
        for p in PRESETS:
            self.preset.addItem(QCoreApplication.translate("LabelPreset", p.title), p.name)
        for box in (self.calibration, self.preset):  # a narrow options column still fits
            box.setMinimumContentsLength(10)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.instruction = QLineEdit()
        self.instruction.setAccessibleName(self.tr("Instruction"))
        self.instruction.setPlaceholderText(self.tr("Default: classify the sentiment"))
        self.instruction.setToolTip(
            self.tr("What the model is told; {labels} becomes the labels. Empty: the default.")
        )
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("Calibration"), self.calibration)
        form.addRow(self.label_words)
        form.addRow(self.tr("Preset"), self.preset)
        form.addRow(self.tr("Instruction"), self.instruction)
        self.calibration.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.label_words.toggled.connect(lambda _c: self.changed.emit())
        self.instruction.textChanged.connect(lambda _t: self.changed.emit())
        self.preset.activated.connect(self._preset_activated)

    def method(self) -> str:
        return str(self.calibration.currentData() or AUTOMATIC)

    def set_method(self, method: str) -> None:
        index = self.calibration.findData(method if method in CHOICES else AUTOMATIC)
        self.calibration.setCurrentIndex(max(0, index))

    def options(
        self, labels: tuple[str, ...], examples: tuple[tuple[str, str], ...], reason: bool
    ) -> Options:
        """A run's options with this method."""
        method = self.method()
        words = self.label_words.isChecked()
        instruction = self.instruction_text() or None
        return Options(labels, examples, method != "none", reason, method, instruction, words)

    def draft(self) -> tuple[str, str, bool]:
        """OptionsDraft's calibration, instruction and label_words, as shown."""
        return self.method(), self.instruction_text(), self.label_words.isChecked()

    def instruction_text(self) -> str:
        return self.instruction.text().strip()

    def _preset_activated(self, index: int) -> None:
        name = self.preset.itemData(index)
        found: Preset | None = next((p for p in PRESETS if p.name == name), None)
        self.preset.setCurrentIndex(0)
        if found is None:
            return
        self.instruction.setText("" if found.name == "sentiment" else found.instruction)
        self.preset_chosen.emit(found)

    # ---- settings ------------------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        """The saved choice; before issue 16 only "Calibrate" was saved (on: automatic)."""
        method = settings.get(CALIBRATION_KEY)
        if not isinstance(method, str) or method not in CHOICES:
            method = AUTOMATIC if settings.get("sentiment.calibrate", True) else "none"
        self.set_method(method)
        self.label_words.setChecked(bool(settings.get(LABEL_WORDS_KEY, DEFAULT_LABEL_WORDS)))
        text = settings.get(INSTRUCTION_KEY)
        self.instruction.setText(text if isinstance(text, str) else "")

    def save(self, settings: Settings) -> None:
        """Write the choice (SettingsError if the file cannot take it)."""
        settings.set("sentiment.calibrate", self.method() != "none")
        settings.set(CALIBRATION_KEY, self.method())
        settings.set(LABEL_WORDS_KEY, self.label_words.isChecked())
        settings.set(INSTRUCTION_KEY, self.instruction_text())

    def show_choice(self, method: str, label_words: bool, instruction: str) -> None:
        """Show a draft's choice without signalling."""
        for widget in (self.calibration, self.label_words, self.instruction):
            widget.blockSignals(True)
        try:
            self.set_method(method)
            self.label_words.setChecked(label_words)
            self.instruction.setText(instruction)
        finally:
            for widget in (self.calibration, self.label_words, self.instruction):
                widget.blockSignals(False)
