"""The Sentiment pane's options: labels, few-shot examples, the method (method.py:
calibration, label words, instruction and presets) and reasons.

What the user types is checked as they type (fewer than two labels, a label twice, an example
whose label is not one of the labels) and a valid state is saved to the settings, so the
options are there again next time. The default labels are shown in the user's language and
saved, and run, as the model's English words (labels.py). The margin under which a result is
"unsure" is a display rule: changing it re-reads the results, it does not score them again.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.sentiment import Options, OptionsDraft
from desktop_app.core.errors import SettingsError
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Sentiment
from desktop_app.core.tasks.label_presets import Preset
from desktop_app.core.tasks.sentiment import DEFAULT_LABELS
from desktop_app.ui.sentiment.labels import (
    model_label,
    model_labels_text,
    shown_label,
    shown_labels_text,
)
from desktop_app.ui.sentiment.method import SentimentMethod

_SPLIT = re.compile(r"[,，、;；\n]")  # Chinese users type full-width commas
SAVE_DELAY_MS = 400
PROBLEM_STYLE = "color: #c0392b;"


def split_labels(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


class _LabelDelegate(QStyledItemDelegate):
    """The example's label column offers the current labels (and still takes free text)."""

    def __init__(self, options: SentimentOptions) -> None:
        super().__init__(options)
        self._options = options

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        box = QComboBox(parent)
        box.setEditable(True)
        box.addItems(split_labels(self._options.labels_edit.text()))
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data() or ""))
        else:
            super().setEditorData(editor, index)

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText().strip())
        else:
            super().setModelData(editor, model, index)


class SentimentOptions(QWidget):
    """Labels, examples and the two switches; `changed` fires on every edit."""

    changed = Signal()
    unsure_changed = Signal(float)  # the margin under which a result is unsure
    save_failed = Signal(str)  # the settings file could not be written

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)

        labels_title = QLabel(self.tr("Labels"))
        _bold(labels_title)
        self.labels_edit = QLineEdit()
        self.labels_edit.setAccessibleName(self.tr("Labels"))
        self.labels_edit.setPlaceholderText(self.tr("positive, negative, neutral"))
        self.labels_edit.setToolTip(
            self.tr("The labels to choose from, separated by commas, e.g. add “mixed”.")
        )
        labels_title.setBuddy(self.labels_edit)
        self.labels_hint = QLabel()
        self.labels_hint.setWordWrap(True)
        self.labels_hint.setAccessibleName(self.tr("Labels check"))

        self.method = SentimentMethod()  # calibration, label words, instruction (method.py)
        self.method.preset_chosen.connect(self._preset)
        self.reason = QCheckBox(self.tr("One-sentence reason"))
        self.reason.setToolTip(
            self.tr(
                "The model also writes why it chose the label. Slower: one short answer per text."
            )
        )

        self.unsure = QSpinBox()
        self.unsure.setRange(0, 50)
        self.unsure.setSuffix("%")
        self.unsure.setAccessibleName(self.tr("Unsure below a margin of"))
        self.unsure.setToolTip(
            self.tr(
                "The margin is the top label's probability minus the second's. Below it the "
                "result is shown as unsure (a near tie is no answer); 0 turns this off."
            )
        )
        unsure_label = QLabel(self.tr("Unsure below a margin of"))
        unsure_label.setWordWrap(True)
        unsure_label.setBuddy(self.unsure)
        unsure_row = QHBoxLayout()
        unsure_row.addWidget(unsure_label, 1)
        unsure_row.addWidget(self.unsure, 0, Qt.AlignmentFlag.AlignVCenter)

        examples_title = QLabel(self.tr("Examples (optional)"))
        _bold(examples_title)
        examples_text = QLabel(self.tr("Texts with the label you expect; they guide the model."))
        examples_text.setWordWrap(True)
        as_hint(examples_text)
        self.examples = QTableWidget(0, 2)
        self.examples.setAccessibleName(self.tr("Examples"))
        self.examples.setHorizontalHeaderLabels([self.tr("Text"), self.tr("Label")])
        self.examples.verticalHeader().setVisible(False)
        header = self.examples.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.examples.setItemDelegateForColumn(1, _LabelDelegate(self))
        self.examples.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.examples.setWordWrap(False)
        self.add_example = QPushButton(self.tr("Add"))
        self.add_example.setAccessibleName(self.tr("Add an example"))
        self.add_example.clicked.connect(self.new_example)
        self.remove_example = QPushButton(self.tr("Remove"))
        self.remove_example.setAccessibleName(self.tr("Remove the selected examples"))
        self.remove_example.clicked.connect(self.remove_selected_examples)
        self.examples_hint = QLabel()
        self.examples_hint.setWordWrap(True)
        self.examples_hint.setStyleSheet(PROBLEM_STYLE)
        self.examples_hint.setVisible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_example)
        buttons.addWidget(self.remove_example)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(labels_title)
        layout.addWidget(self.labels_edit)
        layout.addWidget(self.labels_hint)
        layout.addSpacing(6)
        layout.addWidget(self.method)
        layout.addWidget(self.reason)
        layout.addLayout(unsure_row)
        layout.addSpacing(10)
        layout.addWidget(examples_title)
        layout.addWidget(examples_text)
        layout.addWidget(self.examples, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.examples_hint)

        self._load()
        self.labels_edit.textChanged.connect(self._edited)
        self.method.changed.connect(self._edited)
        self.reason.toggled.connect(self._edited)
        self.unsure.valueChanged.connect(self._unsure_edited)
        self.examples.itemChanged.connect(self._edited)
        self._check()

    # ---- settings ------------------------------------------------------------------------

    def _load(self) -> None:
        labels = self.settings.get("sentiment.labels")
        if not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
            labels = list(DEFAULT_LABELS)
        self.labels_edit.setText(", ".join(shown_label(x) for x in labels))
        self.method.load(self.settings)
        self.reason.setChecked(bool(self.settings.get("sentiment.reason", False)))
        self.unsure.setValue(round(self.settings.value(Sentiment.unsure_below) * 100))
        for pair in self.settings.get("sentiment.examples") or []:
            if isinstance(pair, (list, tuple)) and len(pair) == 2:
                self.append_example(str(pair[0]), shown_label(str(pair[1])), notify=False)

    def save(self) -> None:
        """Write the options if they are valid; a settings file that cannot be written is said."""
        self._save_timer.stop()
        labels = self.labels()
        if labels is None or self.settings.read_only:
            return
        try:
            self.settings.set("sentiment.labels", list(labels))
            examples = [[t, model_label(lab)] for t, lab in self._example_rows()]
            self.settings.set("sentiment.examples", examples)
            self.method.save(self.settings)
            self.settings.set("sentiment.reason", self.reason.isChecked())
            self.settings.put(Sentiment.unsure_below, self.unsure_below())
            self.settings.save()
        except SettingsError as exc:
            self.save_failed.emit(self.tr("The options could not be saved: {0}").format(exc))

    # ---- what the user chose -------------------------------------------------------------

    def labels(self) -> tuple[str, ...] | None:
        """The labels as the model is asked about them, or None while they are not valid
        (see `problem`)."""
        labels = split_labels(self.labels_edit.text())
        if self._labels_problem(labels):
            return None
        return tuple(model_label(x) for x in labels)

    def unsure_below(self) -> float:
        """The margin under which a result is unsure (0 to 0.5)."""
        return self.unsure.value() / 100

    def options(self) -> Options | None:
        """What a run uses now, or None while the options are not valid."""
        labels = self.labels()
        if labels is None or self.problem():
            return None
        return self.method.options(labels, tuple(self.examples_list()), self.reason.isChecked())

    def draft(self) -> OptionsDraft:
        """The options as typed, valid or not (the controller keeps them for a rebuilt pane)."""
        return OptionsDraft(
            model_labels_text(self.labels_edit.text()),  # read again in another language
            tuple((t, model_label(lab)) for t, lab in self._example_rows()),
            self.method.method() != "none",
            self.reason.isChecked(),
            self.unsure_below(),
            *self.method.draft(),
        )

    def show_draft(self, draft: OptionsDraft) -> None:
        """Show options typed in an earlier panel; saved like an edit, if they are valid."""
        if draft == self.draft():
            return
        widgets = (self.labels_edit, self.reason, self.unsure, self.examples)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.labels_edit.setText(shown_labels_text(draft.labels_text))
            method = draft.calibration if draft.calibrate else "none"
            self.method.show_choice(method, draft.label_words, draft.instruction)
            self.reason.setChecked(draft.reason)
            self.unsure.setValue(round(draft.unsure_below * 100))
            self.examples.setRowCount(0)
            for text, label in draft.examples:
                self.append_example(text, shown_label(label), notify=False)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._edited()

    def _preset(self, preset: Preset) -> None:
        """A preset's labels (the instruction is the method part's)."""
        self.labels_edit.setText(", ".join(shown_label(x) for x in preset.labels))

    def examples_list(self) -> list[tuple[str, str]]:
        """Complete examples, with each label spelt as the model is asked about it."""
        labels = {model_label(x).casefold(): model_label(x) for x in self._split()}
        return [
            (t, labels.get(model_label(lab).casefold(), lab))
            for t, lab in self._example_rows()
            if t and lab
        ]

    def _split(self) -> list[str]:
        return split_labels(self.labels_edit.text())

    def problem(self) -> str | None:
        """Why the options cannot be used now, or None."""
        labels = split_labels(self.labels_edit.text())
        return self._labels_problem(labels) or self._examples_problem(labels)

    def _labels_problem(self, labels: list[str]) -> str | None:
        if len(labels) < 2:
            return self.tr("Give at least two labels, separated by commas.")
        seen: set[str] = set()
        for label in labels:
            if model_label(label).casefold() in seen:  # "positive" and its translation, too
                return self.tr("“{0}” is there twice: each label once, please.").format(label)
            seen.add(model_label(label).casefold())
        return None

    def _examples_problem(self, labels: list[str]) -> str | None:
        known = {model_label(x).casefold() for x in labels}
        for n, (text, label) in enumerate(self._example_rows(), start=1):
            if not text or not label:
                return self.tr("Example {0} needs both a text and a label.").format(n)
            if model_label(label).casefold() not in known:
                return self.tr("Example {0}: “{1}” is not one of the labels.").format(n, label)
        return None

    # ---- examples table ------------------------------------------------------------------

    def append_example(self, text: str, label: str, *, notify: bool = True) -> int:
        row = self.examples.rowCount()
        self.examples.blockSignals(True)
        self.examples.insertRow(row)
        self.examples.setItem(row, 0, QTableWidgetItem(text))
        self.examples.setItem(row, 1, QTableWidgetItem(label))
        self.examples.blockSignals(False)
        if notify:
            self._edited()
        return row

    def new_example(self) -> None:
        """An empty row, ready for typing."""
        row = self.append_example("", "")
        self.examples.setCurrentCell(row, 0)
        item = self.examples.item(row, 0)
        if item is not None:
            self.examples.editItem(item)

    def remove_selected_examples(self) -> None:
        rows = sorted({i.row() for i in self.examples.selectedIndexes()}, reverse=True)
        if not rows and self.examples.currentRow() >= 0:
            rows = [self.examples.currentRow()]
        for row in rows:
            self.examples.removeRow(row)
        if rows:
            self._edited()

    def _example_rows(self) -> list[tuple[str, str]]:
        """Rows with anything in them (a blank row is no example, and no problem either)."""
        out = []
        for row in range(self.examples.rowCount()):
            cells = [self.examples.item(row, col) for col in (0, 1)]
            text, label = ((c.text().strip() if c is not None else "") for c in cells)
            if text or label:
                out.append((text, label))
        return out

    # ---- feedback ------------------------------------------------------------------------

    def _unsure_edited(self, _value: int) -> None:
        self._edited()
        self.unsure_changed.emit(self.unsure_below())

    def _edited(self, *_args: Any) -> None:
        self._check()
        self._save_timer.start()
        self.changed.emit()

    def _check(self) -> None:
        labels = split_labels(self.labels_edit.text())
        problem = self._labels_problem(labels)
        if problem:
            self.labels_hint.setText(problem)
            self.labels_hint.setStyleSheet(PROBLEM_STYLE)
        else:
            self.labels_hint.setText(self.tr("{0} labels").format(len(labels)))
            self.labels_hint.setStyleSheet("")
            as_hint(self.labels_hint)
        examples = None if problem else self._examples_problem(labels)
        self.examples_hint.setText(examples or "")
        self.examples_hint.setVisible(bool(examples))


def as_hint(label: QLabel) -> None:
    """Quiet text in the palette's placeholder colour (follows the light or dark theme)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def _bold(label: QLabel) -> None:
    f = label.font()
    f.setBold(True)
    label.setFont(f)
