"""The Summarize pane's widgets and their layout: built once per view, holding no state.

Kept apart from the pane's behaviour (pane.py) so each stays readable; the pane mixes this in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.storage.settings import Settings
from desktop_app.core.tasks.summarize import LANGUAGES, STYLES, SummaryOptions
from desktop_app.ui.summary_widgets import PartsView, SourceEdit, SummaryView, drop_path

MAX_WORDS = 5000


class SummarizeLayout(QWidget):
    """The widgets; the slots they connect to (summarize, cancel, ...) are the pane's."""

    status_message = Signal(str)
    figures_changed = Signal(str)  # the status bar's figures for this pane; "" for none

    settings: Settings
    # made by SummarizeClaims._build_claims (claims.py), placed here
    claims_view: QWidget
    coverage_strip: QWidget
    coverage_label: QLabel

    # ---- building ------------------------------------------------------------------------

    def _build_source(self) -> None:
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.setToolTip(self.tr("Open a .txt, .md, .html, .pdf or .docx file"))
        self.open_button.setAccessibleName(self.tr("Open a document"))
        self.open_button.clicked.connect(self.open_dialog)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Empty the text box (Ctrl+Z brings the text back)"))
        self.clear_button.clicked.connect(self.clear_text)
        self.source_title = QLabel(self.tr("Text to summarize"))
        bold = self.source_title.font()
        bold.setBold(True)
        self.source_title.setFont(bold)
        self.source_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.input = SourceEdit()
        self.input.setAccessibleName(self.tr("Text to summarize"))
        self.input.setPlaceholderText(
            self.tr(
                "Paste or type a text here, drop a file on this box, or click Open… "
                "(.txt .md .html .pdf .docx).\n\nCtrl+Enter summarizes."
            )
        )
        self.input.submit_requested.connect(self.summarize)
        self.input.file_dropped.connect(self.open_file)
        self.source_info = QLabel()
        self.source_info.setWordWrap(True)
        self.source_info.setAccessibleName(self.tr("About the text"))
        self.source_info.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.source_error = QLabel()
        self.source_error.setWordWrap(True)
        self.source_error.setStyleSheet("color: #c0392b;")
        self.source_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source_error.setVisible(False)

    def _build_options(self) -> None:
        self.style_box = QComboBox()
        self.style_box.setAccessibleName(self.tr("Style"))
        for key, label in zip(
            STYLES,
            (
                self.tr("One-sentence TL;DR"),
                self.tr("Bullet points"),
                self.tr("Paragraph"),
                self.tr("Outline with headings"),
            ),
            strict=True,
        ):
            self.style_box.addItem(label, key)
        self.length_box = QSpinBox()
        self.length_box.setAccessibleName(self.tr("Target length"))
        self.length_box.setRange(0, MAX_WORDS)
        self.length_box.setSingleStep(10)
        self.length_box.setSpecialValueText(self.tr("Auto"))
        self.length_box.setSuffix(self.tr(" words"))
        self.length_box.setToolTip(
            self.tr(
                "About how long the summary should be. Auto lets the style decide. "
                "For a Chinese summary this counts characters."
            )
        )
        self.language_box = QComboBox()
        self.language_box.setAccessibleName(self.tr("Language of the summary"))
        for key, label in zip(
            LANGUAGES,
            (self.tr("Same as the text"), self.tr("English"), self.tr("Chinese (简体中文)")),
            strict=True,
        ):
            self.language_box.addItem(label, key)
        for combo in (self.style_box, self.language_box):  # may shrink in a narrow window
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
        self.instruction = QLineEdit()
        self.instruction.setAccessibleName(self.tr("Extra instruction"))
        self.instruction.setPlaceholderText(self.tr("Optional, e.g. “focus on the costs”"))
        self.instruction.setClearButtonEnabled(True)
        self.instruction.returnPressed.connect(self.summarize)

        self.summarize_button = QPushButton(self.tr("Summarize"))
        self.summarize_button.setToolTip(self.tr("Summarize the text (Ctrl+Enter)"))
        self.summarize_button.setDefault(True)
        self.summarize_button.clicked.connect(self.summarize)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop now and keep what is done (Esc)"))
        self.cancel_button.clicked.connect(self.cancel)
        self.model_hint = QLabel()
        self.model_hint.setWordWrap(True)
        self.model_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

    def _build_output(self) -> None:
        self.output_title = QLabel(self.tr("Summary"))
        bold = self.output_title.font()
        bold.setBold(True)
        self.output_title.setFont(bold)
        self.stage_label = QLabel()
        self.stage_label.setAccessibleName(self.tr("Progress"))
        # its own wrapped line under the title: the stage, the tokens read and the time left
        # never fit beside it in a narrow window (800x600)
        self.stage_label.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # wrapped: as tall as its text needs at the width it gets
        self.stage_label.setSizePolicy(policy)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Progress"))
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.setVisible(False)
        self.output = SummaryView()
        self.output.setAccessibleName(self.tr("Summary"))
        self.output.setPlaceholderText(self.tr("The summary appears here."))
        self.output.copied.connect(lambda: self.status_message.emit(self.tr("Code copied")))
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setVisible(False)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the summary (as Markdown) to the clipboard"))
        self.copy_button.clicked.connect(self.copy_summary)
        self.save_button = QPushButton(self.tr("Save as Markdown…"))
        self.save_button.clicked.connect(lambda: self.save_summary())

    def _build_parts(self) -> None:
        self.parts_toggle = QToolButton()
        self.parts_toggle.setCheckable(True)
        self.parts_toggle.setAutoRaise(True)
        self.parts_toggle.setStyleSheet("QToolButton { border: none; padding: 3px 0; }")
        bold = self.parts_toggle.font()
        bold.setBold(True)
        self.parts_toggle.setFont(bold)
        self.parts_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.parts_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.parts_toggle.setAccessibleName(self.tr("Show the parts"))
        self.parts_toggle.toggled.connect(self._show_parts)
        self.parts = PartsView()
        self.parts.changed.connect(self._set_parts_title)
        self.parts.setVisible(False)
        self._set_parts_title()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.source_title, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.clear_button)
        # one option a row: two side by side do not fit the left column of an 800-px window
        options = QGridLayout()
        options.setHorizontalSpacing(8)
        options.addWidget(QLabel(self.tr("Style")), 0, 0)
        options.addWidget(self.style_box, 0, 1)
        options.addWidget(QLabel(self.tr("Length")), 1, 0)
        options.addWidget(self.length_box, 1, 1, Qt.AlignmentFlag.AlignLeft)
        options.addWidget(QLabel(self.tr("Language")), 2, 0)
        options.addWidget(self.language_box, 2, 1)
        options.addWidget(QLabel(self.tr("Instruction")), 3, 0)
        options.addWidget(self.instruction, 3, 1)
        options.setColumnStretch(1, 1)
        run_row = QHBoxLayout()
        run_row.addWidget(self.summarize_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.model_hint, 1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        ll.addLayout(top)
        source_row = QHBoxLayout()  # the coverage strip beside the text it maps
        source_row.setSpacing(2)
        source_row.addWidget(self.input, 1)
        source_row.addWidget(self.coverage_strip)
        ll.addLayout(source_row, 1)
        ll.addWidget(self.source_error)
        ll.addWidget(self.source_info)
        ll.addSpacing(4)
        ll.addLayout(options)
        ll.addSpacing(4)
        ll.addLayout(run_row)

        out_box = QWidget()
        ob = QVBoxLayout(out_box)
        ob.setContentsMargins(0, 0, 0, 0)
        ob.addWidget(self.output_title)
        ob.addWidget(self.stage_label)
        ob.addWidget(self.progress)
        ob.addWidget(self.output, 1)
        ob.addWidget(self.claims_view, 1)
        ob.addWidget(self.coverage_label)
        ob.addWidget(self.notes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        ob.addLayout(buttons)
        self.parts_box = QWidget()
        pb = QVBoxLayout(self.parts_box)
        pb.setContentsMargins(0, 0, 0, 0)
        pb.addWidget(self.parts_toggle)
        pb.addWidget(self.parts, 1)
        self.right_split = QSplitter(Qt.Orientation.Vertical)
        self.right_split.addWidget(out_box)
        self.right_split.addWidget(self.parts_box)
        self.right_split.setCollapsible(0, False)
        self.right_split.setCollapsible(1, False)
        self.right_split.setStretchFactor(0, 1)  # both: a smaller window shrinks both in
        self.right_split.setStretchFactor(1, 1)  # proportion, not the claims to nothing
        self._show_parts(False)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        rl.addWidget(self.right_split)

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(left)
        self.split.addWidget(right)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(0, 5)
        self.split.setStretchFactor(1, 6)
        self.split.setSizes([440, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.split)

    # ---- the options' values ---------------------------------------------------------------

    def _load_options(self) -> None:
        style = self.settings.get("summarize.style", "bullets")
        language = self.settings.get("summarize.language", "same")
        words = self.settings.get("summarize.target_words")
        instruction = self.settings.get("summarize.instruction", "")
        self.style_box.setCurrentIndex(max(0, self.style_box.findData(style)))
        self.language_box.setCurrentIndex(max(0, self.language_box.findData(language)))
        self.length_box.setValue(int(words) if isinstance(words, int) and words > 0 else 0)
        self.instruction.setText(str(instruction or ""))

    def options(self) -> SummaryOptions:
        words = self.length_box.value()
        return SummaryOptions(
            style=self.style_box.currentData(),
            target_words=words or None,
            language=self.language_box.currentData(),
            instruction=self.instruction.text().strip(),
        )

    # ---- drops on the pane ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if drop_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = drop_path(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)

    # ---- the pane's actions (defined in pane.py) -------------------------------------------

    def summarize(self) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def open_dialog(self) -> None:
        raise NotImplementedError

    def open_file(self, path: str) -> None:
        raise NotImplementedError

    def clear_text(self) -> None:
        raise NotImplementedError

    def copy_summary(self) -> None:
        raise NotImplementedError

    def save_summary(self, path: str | None = None) -> object:
        raise NotImplementedError

    def _show_parts(self, shown: bool) -> None:
        raise NotImplementedError

    def _set_parts_title(self) -> None:
        raise NotImplementedError
