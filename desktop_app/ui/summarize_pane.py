"""The Summarize pane: a text (pasted, typed, dropped or opened), options, and a streamed summary.

Reading a file, counting tokens and summarizing all block (the engine is another process; a PDF
takes a while to parse), so each runs on a worker thread through a Background and reports back
with signals. A run can be cancelled at any moment and keeps what was finished: the parts'
summaries stay in the parts view, and the output shows them when the final pass was not reached.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QPalette,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
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

from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.errors import AppError
from desktop_app.core.storage.atomic import write_atomic
from desktop_app.core.storage.settings import Settings, SettingsError
from desktop_app.core.tasks.documents import Document, load_document, text_from_paste
from desktop_app.core.tasks.summarize import (
    DEFAULT_SAMPLING,
    LANGUAGES,
    STYLES,
    PartDone,
    Progress,
    Summarizer,
    SummaryOptions,
    SummaryResult,
    Token,
    answer_tokens,
)
from desktop_app.ui.background import Background
from desktop_app.ui.durations import duration
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.summary_widgets import PartsView, SourceEdit, SummaryView, drop_path

FILE_SUFFIXES = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.pdf", "*.docx")
MAX_COUNT_CHARS = 2_000_000  # beyond this the token count is not worth a request
ONE_PASS_OVERHEAD = 160  # about what the prompt around the text takes (template, task)
MAX_WORDS = 5000


class SummarizePane(QWidget):
    status_message = Signal(str)
    document_opened = Signal(object)  # Document, once it is in the text box
    document_failed = Signal(str)  # why a file could not be read (also shown in the pane)
    summary_finished = Signal(object)  # SummaryResult, once shown (cancelled ones too)
    summary_failed = Signal(str)  # the error message, once shown

    def __init__(
        self, service: EngineService, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = settings
        self.sampling = DEFAULT_SAMPLING  # the summarizer's calm defaults, as in the CLI
        self.setAcceptDrops(True)
        self._document: Document | None = None
        self._document_path: Path | None = None
        self._edited = False
        self._setting_text = False
        self._tokens: int | None = None
        self._text_generation = 0
        self._count_generation = -1
        self._summary = ""  # the markdown shown in the output, for Copy and Save
        self._streamed: list[str] = []
        self._result: SummaryResult | None = None
        self._started = 0.0
        self._last_dir = str(Path.home())

        self.runner = Background(lambda e: e.text if isinstance(e, Token) else None, self)
        self.runner.event_arrived.connect(self._on_event)
        self.runner.text.connect(self._on_text)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.reader = Background(parent=self)
        self.reader.finished.connect(self._on_document)
        self.reader.failed.connect(self._on_document_failed)
        self.reader.running_changed.connect(self._on_reading)
        self._counter = Background(parent=self)
        self._counter.finished.connect(self._on_counted)
        self._counter.failed.connect(lambda _e: None)  # a count is only a hint

        self._build_source()
        self._build_options()
        self._build_output()
        self._build_parts()
        self._lay_out()
        self._load_options()

        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(500)
        self._count_timer.timeout.connect(self._update_source_info)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_options)
        for combo in (self.style_box, self.language_box):
            combo.currentIndexChanged.connect(self._options_changed)
        self.length_box.valueChanged.connect(self._options_changed)
        self.instruction.textChanged.connect(self._options_changed)
        self.input.textChanged.connect(self._on_text_changed)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self, self.summarize)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape = QShortcut(QKeySequence("Esc"), self, self.cancel)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self._engine_down = False  # crashed: no model until the next load
        service.loaded.connect(self._on_model_changed)
        service.unloaded.connect(self._on_model_changed)
        service.load_started.connect(self._on_load_started)
        service.engine_crashed.connect(self._on_engine_crashed)
        self._sync()
        self._show_source_info()

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
        self.stage_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        options = QGridLayout()
        options.setHorizontalSpacing(8)
        options.addWidget(QLabel(self.tr("Style")), 0, 0)
        options.addWidget(self.style_box, 0, 1)
        options.addWidget(QLabel(self.tr("Length")), 0, 2)
        options.addWidget(self.length_box, 0, 3)
        options.addWidget(QLabel(self.tr("Language")), 1, 0)
        options.addWidget(self.language_box, 1, 1, 1, 3)
        options.addWidget(QLabel(self.tr("Instruction")), 2, 0)
        options.addWidget(self.instruction, 2, 1, 1, 3)
        options.setColumnStretch(1, 3)
        options.setColumnStretch(3, 2)
        run_row = QHBoxLayout()
        run_row.addWidget(self.summarize_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.model_hint, 1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        ll.addLayout(top)
        ll.addWidget(self.input, 1)
        ll.addWidget(self.source_error)
        ll.addWidget(self.source_info)
        ll.addSpacing(4)
        ll.addLayout(options)
        ll.addSpacing(4)
        ll.addLayout(run_row)

        head = QHBoxLayout()
        head.addWidget(self.output_title)
        head.addWidget(self.stage_label, 1)
        out_box = QWidget()
        ob = QVBoxLayout(out_box)
        ob.setContentsMargins(0, 0, 0, 0)
        ob.addLayout(head)
        ob.addWidget(self.progress)
        ob.addWidget(self.output, 1)
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
        self.right_split.setStretchFactor(0, 1)
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

    # ---- options -------------------------------------------------------------------------

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

    def _options_changed(self) -> None:
        self._save_timer.start()

    def save_options(self) -> None:
        """Remember the options for next time (a settings file from a newer release is left alone)."""
        self._save_timer.stop()
        o = self.options()
        try:
            self.settings.set("summarize.style", o.style)
            self.settings.set("summarize.target_words", o.target_words)
            self.settings.set("summarize.language", o.language)
            self.settings.set("summarize.instruction", o.instruction)
            if not self.settings.read_only:
                self.settings.save()
        except SettingsError as exc:
            self.status_message.emit(str(exc))

    # ---- the text ------------------------------------------------------------------------

    def open_dialog(self) -> None:
        filters = ";;".join(
            (
                self.tr("Documents ({0})").format(" ".join(FILE_SUFFIXES)),
                self.tr("All files (*)"),
            )
        )
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a document to summarize"), self._last_dir, filters
        )
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        """Read the file on a worker thread; its text replaces the box's (Ctrl+Z undoes that)."""
        if self.runner.running:
            self._show_source_error(self.tr("Wait for the summary to finish, or cancel it first."))
            return
        p = Path(path)
        if not self.reader.start(
            lambda _emit, _cancel: (p, load_document(p)), name="read-document"
        ):
            return
        self._last_dir = str(p.parent)
        self._show_source_error("")
        self.source_info.setText(self.tr("Reading {0}…").format(p.name))
        self.source_info.setVisible(True)

    def _on_reading(self, _reading: bool) -> None:
        self._sync()

    def _on_document(self, value: object) -> None:
        assert isinstance(value, tuple)
        path, doc = value
        assert isinstance(path, Path) and isinstance(doc, Document)
        self._set_text(doc.text)
        self._document, self._document_path, self._edited = doc, path, False
        self._show_source_info()
        self._update_source_info()
        self.status_message.emit(self.tr("Opened {0}").format(path.name))
        self.document_opened.emit(doc)

    def _on_document_failed(self, error: object) -> None:
        message = str(error) if isinstance(error, AppError) else self._unexpected(error)
        self._show_source_error(message)
        self._show_source_info()
        self.status_message.emit(message)
        self.document_failed.emit(message)

    def _set_text(self, text: str) -> None:
        self._setting_text = True
        try:
            if self.input.document().isEmpty():
                self.input.setPlainText(text)
            else:  # replace as one undoable edit, so the previous text is not lost
                cursor = self.input.textCursor()
                cursor.select(QTextCursor.SelectionType.Document)
                cursor.insertText(text)
                cursor.movePosition(QTextCursor.MoveOperation.Start)
                self.input.setTextCursor(cursor)
        finally:
            self._setting_text = False

    def clear_text(self) -> None:
        if self.runner.running:
            return
        cursor = self.input.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.removeSelectedText()
        self._document = None
        self._document_path = None
        self._show_source_error("")
        self._show_source_info()

    def text(self) -> str:
        return text_from_paste(self.input.toPlainText())

    def _on_text_changed(self) -> None:
        self._text_generation += 1
        self._tokens = None
        if not self._setting_text and self._document is not None:
            self._edited = True
        self._count_timer.start()
        self.clear_button.setEnabled(
            not self.runner.running and not self.input.document().isEmpty()
        )

    def _show_source_error(self, message: str) -> None:
        self.source_error.setText(message)
        self.source_error.setVisible(bool(message))

    def _update_source_info(self) -> None:
        """Show the counts; count the tokens on a worker (a round trip to the engine) if needed."""
        self._show_source_info()
        text = self.input.toPlainText()
        if (
            self.runner.running
            or self._tokens is not None
            or self._model() is None
            or not text.strip()
            or len(text) > MAX_COUNT_CHARS
        ):
            return
        if self._counter.running:
            return  # _on_counted sees the newer text and counts again
        client = self.service.client
        self._count_generation = self._text_generation
        self._counter.start(
            lambda _emit, _cancel: client.count_tokens(text).result(timeout=120), name="count"
        )

    def _on_counted(self, value: object) -> None:
        if self._count_generation != self._text_generation:
            self._update_source_info()
            return
        self._tokens = value if isinstance(value, int) else None
        self._show_source_info()

    def _show_source_info(self) -> None:
        bits: list[str] = []
        doc = self._document
        if doc is not None and self._document_path is not None:
            name = self._document_path.name
            self.source_title.setText(name)
            self.source_title.setToolTip(str(self._document_path))
            kind = {
                "text": self.tr("plain text"),
                "markdown": self.tr("Markdown"),
                "html": self.tr("web page"),
                "pdf": self.tr("PDF"),
                "docx": self.tr("Word document"),
            }.get(doc.kind, doc.kind)
            bits.append(kind)
            if doc.pages is not None:
                bits.append(self.tr("{0} pages").format(doc.pages))
            if doc.encoding == "UTF-8":
                bits.append(doc.encoding)
            elif doc.encoding:
                bits.append(self.tr("decoded as {0}").format(doc.encoding))
            if self._edited:
                bits.append(self.tr("edited"))
        else:
            self.source_title.setText(self.tr("Text to summarize"))
            self.source_title.setToolTip("")
        chars = self.input.document().characterCount() - 1
        if chars > 0:
            bits.append(self.tr("{0} characters").format(f"{chars:,}"))
        info = self._model()
        if self._tokens is not None:
            bits.append(self.tr("{0} tokens").format(f"{self._tokens:,}"))
            if info is not None:
                room = info.n_ctx - answer_tokens(self.options(), info.n_ctx) - ONE_PASS_OVERHEAD
                if self._tokens > room:
                    bits.append(
                        self.tr(
                            "too long for one request in the model's {0}-token context: "
                            "it will be read in parts"
                        ).format(f"{info.n_ctx:,}")
                    )
        self.source_info.setText(" · ".join(bits))
        self.source_info.setVisible(bool(bits))

    # ---- drops on the pane ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if drop_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = drop_path(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)

    # ---- summarizing ---------------------------------------------------------------------

    def summarize(self) -> None:
        if self.runner.running or self.reader.running:
            return
        info = self._model()
        if info is None:
            self.status_message.emit(self.tr("Load a model first."))
            return
        text = self.text()
        if not text.strip():
            self._show_source_error(
                self.tr("There is no text to summarize: paste some, or open a file.")
            )
            return
        self._show_source_error("")
        self.save_options()
        options = self.options()
        summarizer = Summarizer(self.service.client, info.n_ctx, self.sampling)
        self._reset_output()
        self._started = time.monotonic()
        self.runner.start(
            lambda emit, cancel: summarizer.run(text, options, on_event=emit, cancel=cancel),
            name="summarize",
        )
        self._set_stage(self.tr("Starting…"))
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.status_message.emit(self.tr("Summarizing…"))
        self._sync()

    def cancel(self) -> None:
        if not self.runner.running or self.runner.cancelling:
            return
        self.runner.cancel()
        self._set_stage(self.tr("Stopping…"))
        self.cancel_button.setEnabled(False)

    def _reset_output(self) -> None:
        self._summary = ""
        self._streamed = []
        self._result = None
        self.output.clear()
        self._set_notes("", "")
        self.parts.clear_parts()

    def _on_event(self, event: object) -> None:
        if isinstance(event, Progress):
            self._on_progress(event)
        elif isinstance(event, PartDone):
            self._on_part_done(event)

    def _on_progress(self, p: Progress) -> None:
        self.parts.on_progress(p)
        if p.stage in ("map", "reduce"):
            self.progress.setRange(0, p.n)
            self.progress.setValue(p.i - 1)
            if p.stage == "map":
                what = self.tr("Reading the parts: part {0} of {1}").format(p.i, p.n)
            else:
                what = self.tr("Combining the partial summaries: {0} of {1}").format(p.i, p.n)
            if self.parts.count > 1 and not self.parts_toggle.isChecked():
                self.parts_toggle.setChecked(True)
        else:
            what = self.tr("Writing the summary")
            self.progress.setRange(0, 0)
            self.output.clear()
        if p.eta_s is not None:
            what = self.tr("{0} · about {1} left").format(what, self._duration(p.eta_s))
        self._set_stage(what)

    def _on_part_done(self, e: PartDone) -> None:
        self.parts.on_part_done(e)
        if self.progress.maximum() > 0:
            self.progress.setValue(min(self.progress.maximum(), self.progress.value() + 1))

    def _on_text(self, text: str) -> None:
        if not self._streamed:
            self.output.clear()
        self._streamed.append(text)
        self.output.append_plain(text)

    def _on_finished(self, value: object) -> None:
        assert isinstance(value, SummaryResult)
        result = self._result = value
        seconds = time.monotonic() - self._started
        self.parts.fill(result)
        self._summary = self._markdown_of(result)
        if self._summary:
            self.output.show_markdown(self._summary)
        else:
            self.output.clear()
        first = sum(1 for p in result.parts if p.level == 1)
        done = sum(1 for p in result.parts if p.done)
        if result.cancelled:
            if result.summary:
                what = self.tr("Stopped while writing the summary: it is incomplete.")
            elif result.parts:
                what = self.tr("Stopped: {0} of {1} parts were summarized.").format(
                    done, len(result.parts)
                )
            else:
                what = self.tr("Stopped before anything was summarized.")
        elif result.levels > 1:
            what = self.tr("Done in {0}: {1} parts, combined in {2} rounds.").format(
                self._duration(seconds), first, result.levels
            )
        elif result.levels:
            what = self.tr("Done in {0}: {1} parts.").format(self._duration(seconds), first)
        else:
            what = self.tr("Done in {0}, in one pass.").format(self._duration(seconds))
        self._set_stage(what)
        warnings = list(dict.fromkeys(result.warnings))
        self._set_notes("\n".join(warnings), "warning")
        self.progress.setVisible(False)
        self.status_message.emit(what)
        self._sync()
        self._show_source_info()
        self.summary_finished.emit(result)

    def _on_failed(self, error: object) -> None:
        message = str(error) if isinstance(error, AppError) else self._unexpected(error)
        self.progress.setVisible(False)
        partial = "".join(self._streamed).strip()
        if partial:
            self._summary = partial
            self.output.show_markdown(partial)
        self._set_stage(self.tr("The summary failed."))
        self._set_notes(message, "error")
        self.status_message.emit(self.tr("The summary failed: {0}").format(message))
        self._sync()
        self.summary_failed.emit(message)

    def _markdown_of(self, result: SummaryResult) -> str:
        """What is shown, copied and saved: the summary, or after a cancel what was finished."""
        if result.summary:
            return result.summary
        done = [p for p in result.parts if p.done and p.summary]
        if not done:
            return ""
        note = self.tr(
            "*Stopped before the final summary. The summaries of {0} of {1} parts follow.*"
        ).format(len(done), len(result.parts))
        blocks = [note]
        for i, part in enumerate(result.parts, 1):
            if part.done and part.summary:
                blocks.append("**" + self.tr("Part {0}").format(i) + "**\n\n" + part.summary)
        return "\n\n".join(blocks)

    # ---- copy, save ----------------------------------------------------------------------

    def summary_text(self) -> str:
        return self._summary

    def copy_summary(self) -> None:
        if not self._summary:
            return
        QApplication.clipboard().setText(self._summary)
        self.status_message.emit(self.tr("Summary copied"))

    def save_summary(self, path: str | None = None) -> Path | None:
        if not self._summary:
            return None
        if path is None:
            stem = self._document_path.stem if self._document_path else self.tr("summary")
            suggested = str(Path(self._last_dir) / self.tr("{0} - summary.md").format(stem))
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the summary"), suggested, self.tr("Markdown (*.md)")
            )
            if not path:
                return None
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".md")
        text = self._summary.replace("\r\n", "\n").rstrip("\n") + "\n"
        try:
            write_atomic(target, text.encode("utf-8"))
        except OSError as exc:
            message = self.tr("Could not save {0}: {1}").format(target.name, exc.strerror or exc)
            self._set_notes(message, "error")
            self.status_message.emit(message)
            return None
        self._last_dir = str(target.parent)
        self.status_message.emit(self.tr("Saved to {0}").format(target.name))
        return target

    # ---- state ---------------------------------------------------------------------------

    def _model(self) -> ModelInfo | None:
        """The model to summarize with; none while loading or after the engine stopped."""
        return None if self._engine_down else self.service.model_info

    def _on_load_started(self, _path: str) -> None:
        self._sync()

    def _on_engine_crashed(self, _message: str) -> None:
        self._engine_down = True  # the service keeps its model_info until the next load
        self._sync()

    def _on_model_changed(self, *_args: object) -> None:
        self._engine_down = False
        self._tokens = None  # another model counts differently
        self._sync()
        self._update_source_info()

    def _sync(self) -> None:
        running = self.runner.running
        loaded = self._model() is not None
        reading = self.reader.running
        self.summarize_button.setEnabled(loaded and not running and not reading)
        self.cancel_button.setEnabled(running and not self.runner.cancelling)
        self.cancel_button.setVisible(running)
        self.input.setReadOnly(running)
        self.open_button.setEnabled(not running and not reading)
        for w in (self.style_box, self.length_box):
            w.setEnabled(not running)
        self.clear_button.setEnabled(not running and not self.input.document().isEmpty())
        self.language_box.setEnabled(not running)
        self.instruction.setEnabled(not running)
        has_output = bool(self._summary) and not running
        self.copy_button.setEnabled(has_output)
        self.save_button.setEnabled(has_output)
        if not loaded:
            hint = self.tr("Load a model (at the top) to summarize.")
        elif running:
            hint = self.tr("Esc cancels and keeps what is done.")
        else:
            hint = self.tr("Ctrl+Enter")
        self.model_hint.setText(hint)
        self.summarize_button.setToolTip(
            self.tr("Summarize the text (Ctrl+Enter)") if loaded else hint
        )

    def _set_stage(self, text: str) -> None:
        self.stage_label.setText(text)
        self.stage_label.setToolTip(text)

    def _set_notes(self, text: str, kind: str) -> None:
        color = "#c0392b" if kind == "error" else "#b06000"
        self.notes.setStyleSheet(f"color: {color};")
        self.notes.setText(text)
        self.notes.setVisible(bool(text))

    def _set_parts_title(self) -> None:
        n = self.parts.count
        done = self.parts.done
        if n:
            title = self.tr("Parts: {0} of {1} summarized").format(done, n)
        elif self._result is not None:
            title = self.tr("Parts: the text was read in one pass")
        else:
            title = self.tr("Parts")
        self.parts_toggle.setText(title)

    def _show_parts(self, shown: bool) -> None:
        self.parts.setVisible(shown)
        self.parts_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if shown:
            self.parts_box.setMaximumHeight(16_777_215)
            total = sum(self.right_split.sizes()) or 600
            self.right_split.setSizes([total * 11 // 20, total * 9 // 20])
        else:
            self.parts_box.setMaximumHeight(self.parts_toggle.sizeHint().height())

    def _duration(self, seconds: float) -> str:
        return duration(seconds)

    def _unexpected(self, error: object) -> str:
        return self.tr("Unexpected error: {0}").format(
            f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
        )

    def shutdown(self) -> None:
        """Stop a summary in flight (the window is closing)."""
        self.runner.cancel()
