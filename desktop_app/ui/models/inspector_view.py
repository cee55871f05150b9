"""Models › Inspector: how a model is built and what it costs, from its header alone.

A view over core/controllers/inspector.InspectorController: the stack picture and the memory
bar (ui/models/anatomy_picture.py), the numbers in a form, the tensor types with their sizes,
and the chat template with its rendering on a sample conversation. The context and KV type
start at the load settings and can be changed here to see what another choice costs. For the
model loaded now, the estimate at the load's settings stands beside what llama.cpp allocated.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.inspector import (
    Inspected,
    InspectFailed,
    InspectorController,
    LoadedChanged,
    MemoryChanged,
)
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.gguf_facts import KV_CACHE_TYPES
from desktop_app.core.models.anatomy import Anatomy
from desktop_app.core.models.model_files import format_size
from desktop_app.ui.background import gui_runner
from desktop_app.ui.core_text import shown
from desktop_app.ui.models.anatomy_picture import MemoryBar, StackPicture


class InspectorView(QWidget):
    """Shows one model's anatomy; `inspect(path)` picks it, "Open a GGUF file…" too."""

    inspected = Signal()  # an anatomy (or a failure) is on screen: tests and screenshots wait

    def __init__(
        self,
        controller: InspectorController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller or InspectorController(gui_runner)
        self.title = QLabel(
            self.tr("Pick a model in the Library and choose Inspect, or open a file.")
        )
        self.title.setWordWrap(True)
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.open_button = QPushButton(self.tr("Open a GGUF file…"))
        self.open_button.clicked.connect(self._choose_file)
        self.ctx = QSpinBox()
        self.ctx.setRange(16, 1 << 20)
        self.ctx.setSingleStep(1024)
        self.ctx.setValue(self.controller.ctx)
        self.ctx.setAccessibleName(self.tr("Context size for the memory figures"))
        self.kv_type = QComboBox()
        for name in KV_CACHE_TYPES:
            self.kv_type.addItem(name, name)
        self.kv_type.setCurrentIndex(max(0, self.kv_type.findData(self.controller.kv_type)))
        self.kv_type.setAccessibleName(self.tr("KV cache type for the memory figures"))
        self.ctx.valueChanged.connect(self._context_changed)
        self.kv_type.currentIndexChanged.connect(self._context_changed)

        self.picture = StackPicture()
        self.memory_bar = MemoryBar()
        self.memory_text = QLabel()
        self.memory_text.setWordWrap(True)
        self.reported_text = QLabel()  # estimate beside llama.cpp's figures, for the loaded model
        self.reported_text.setWordWrap(True)
        self.reported_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reported_text.hide()
        self.facts = QFormLayout()
        self.facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        facts_box = QGroupBox(self.tr("Numbers"))
        facts_box.setLayout(self.facts)
        self.tensors = QTableWidget(0, 3)
        self.tensors.setHorizontalHeaderLabels(
            [self.tr("Type"), self.tr("Tensors"), self.tr("Size")]
        )
        self.tensors.verticalHeader().setVisible(False)
        self.tensors.horizontalHeader().setStretchLastSection(True)
        self.tensors.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.template = QPlainTextEdit()
        self.template.setReadOnly(True)
        self.sample = QPlainTextEdit()
        self.sample.setReadOnly(True)
        texts = QTabWidget()
        texts.addTab(self.sample, self.tr("Template on a sample chat"))
        texts.addTab(self.template, self.tr("Chat template"))
        texts.addTab(self.tensors, self.tr("Tensor types"))

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.open_button)
        memory_row = QHBoxLayout()
        memory_row.addWidget(QLabel(self.tr("Context:")))
        memory_row.addWidget(self.ctx)
        memory_row.addWidget(QLabel(self.tr("KV cache:")))
        memory_row.addWidget(self.kv_type)
        memory_row.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.picture)
        left.addLayout(memory_row)
        left.addWidget(self.memory_bar)
        left.addWidget(self.memory_text)
        left.addWidget(self.reported_text)
        left.addStretch(1)
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 3)
        columns.addWidget(facts_box, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(scroll)
        split.addWidget(texts)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.controller.add_listener(self._on_event)
        if self.controller.anatomy is not None:
            self._show(self.controller.anatomy)

    # ---- actions ----------------------------------------------------------------------------

    def inspect(self, path: str) -> None:
        self.title.setText(self.tr("Reading {0}…").format(path))
        self.controller.inspect(path)

    def set_context(self, ctx: int, kv_type: str) -> None:
        """The load settings' context and KV type (the pane passes them on each showing)."""
        self.ctx.blockSignals(True)
        self.kv_type.blockSignals(True)
        self.ctx.setValue(ctx)
        self.kv_type.setCurrentIndex(max(0, self.kv_type.findData(kv_type)))
        self.ctx.blockSignals(False)
        self.kv_type.blockSignals(False)
        self._context_changed()

    def set_loaded(self, info: ModelInfo | None = None) -> None:
        """The model loaded now (the pane passes each load; None or no argument: unloaded)."""
        self.controller.set_loaded(info if isinstance(info, ModelInfo) else None)

    def detach(self) -> None:
        self.controller.remove_listener(self._on_event)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Inspect a model"), "", self.tr("GGUF models (*.gguf);;All files (*)")
        )
        if path:
            self.inspect(path)

    def _context_changed(self, *_args: object) -> None:
        self.controller.set_context(self.ctx.value(), str(self.kv_type.currentData()))

    # ---- showing ----------------------------------------------------------------------------

    def _on_event(self, event: object) -> None:
        if isinstance(event, Inspected):
            self._show(event.anatomy)
            self.inspected.emit()
        elif isinstance(event, InspectFailed):
            self.title.setText(
                self.tr("Cannot inspect {0}: {1}").format(event.path, shown(event.message))
            )
            self.picture.set_anatomy(None)
            self.memory_bar.set_memory(None)
            self.memory_text.clear()
            self.inspected.emit()
        elif isinstance(event, MemoryChanged | LoadedChanged):
            self._show_memory()

    def _show(self, a: Anatomy) -> None:
        self.title.setText(
            self.tr("{0}: {1}, {2} parameters, {3}, {4}").format(
                a.name, a.architecture, a.size_label, a.quantization, format_size(a.file_size)
            )
        )
        self.picture.set_anatomy(a)
        while self.facts.rowCount():
            self.facts.removeRow(0)
        for label, value in self._facts(a):
            shown_value = QLabel(value)
            shown_value.setWordWrap(True)
            shown_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addRow(label, shown_value)
        self.tensors.setRowCount(len(a.tensor_types))
        for row, (name, count) in enumerate(a.tensor_types.items()):
            for col, text in enumerate(
                (name, str(count), format_size(a.tensor_type_bytes.get(name, 0)))
            ):
                self.tensors.setItem(row, col, QTableWidgetItem(text))
        self.template.setPlainText(
            a.chat_template or self.tr("(none in the file: a generic template is used)")
        )
        c = self.controller
        self.sample.setPlainText(c.sample if c.sample is not None else shown(c.problem or ""))
        self._show_memory()

    def _show_memory(self) -> None:
        memory = self.controller.memory
        self.memory_bar.set_memory(memory)
        self._show_reported()
        if memory is None:
            self.memory_text.clear()
            return
        items = [
            f"<span style='color:{color.name()}'>■</span> {html.escape(name)} {format_size(n)}"
            for name, n, color in self.memory_bar.parts()
        ]
        total = self.tr("total {0}").format(format_size(memory.total_bytes))
        self.memory_text.setText(
            "&nbsp;&nbsp; ".join(items) + f"&nbsp;&nbsp; <b>{html.escape(total)}</b>"
        )

    def _show_reported(self) -> None:
        reported = self.controller.reported
        self.reported_text.setVisible(reported is not None)
        if reported is None:
            self.reported_text.clear()
            return
        est, real = reported.estimate, reported.real
        real_total = (
            real.weights_bytes + real.kv_cache_bytes + real.compute_bytes + real.output_bytes
        )
        rows = (
            (self.tr("KV cache"), est.kv_cache_bytes, real.kv_cache_bytes),
            (self.tr("Compute buffer"), est.compute_bytes, real.compute_bytes + real.output_bytes),
            (self.tr("Weights"), est.weights_bytes, real.weights_bytes),
            (self.tr("Total"), est.total_bytes, real_total),
        )
        head = self.tr("Loaded now at {0} tokens, {1} KV cache: the estimate beside what "
                       "llama.cpp allocated").format(f"{est.ctx:,}", est.kv_type)  # fmt: skip
        lines = [self.tr("{0}: estimate {1} · llama.cpp {2}").format(name, mib(e), mib(r))
                 for name, e, r in rows]  # fmt: skip
        self.reported_text.setText("\n".join([head, *lines]))

    def _facts(self, a: Anatomy) -> list[tuple[str, str]]:
        ratio = a.gqa_ratio
        rope = a.rope
        rows = [
            (self.tr("Architecture:"), a.architecture),
            (self.tr("Parameters:"), f"{a.parameters:,}"),
            (self.tr("Layers:"), str(a.layers)),
            (self.tr("Attention heads:"), str(a.heads)),
            (self.tr("KV heads:"), str(a.kv_heads) + (self.tr(" ({0} heads share each)").format(f"{ratio:g}") if ratio and ratio > 1 else "")),
            (self.tr("Embedding width:"), str(a.embedding)),
            (self.tr("Feed-forward width:"), str(a.feed_forward or "?")),
            (self.tr("Head width:"), str(a.head_dim)),
            (self.tr("Trained context:"), f"{a.context_train:,}" if a.context_train else "?"),
            (self.tr("RoPE base:"), f"{rope.freq_base:g}" if rope.freq_base else "?"),
            (self.tr("RoPE dimensions:"), str(rope.dimension or "?")),
            (self.tr("Vocabulary:"), f"{a.vocab:,}" if a.vocab else "?"),
            (self.tr("Tokenizer:"), (a.tokenizer or "?") + (f" ({a.tokenizer_pre})" if a.tokenizer_pre else "")),
            (self.tr("Special tokens:"), ", ".join(f"{k} {t} ({i})" for k, (i, t) in a.special_tokens.items()) or "—"),
        ]  # fmt: skip
        if rope.scaling and rope.scaling != "none":
            rows.append((self.tr("RoPE scaling:"), f"{rope.scaling} ×{rope.scaling_factor or 1:g}"))
        if a.experts:
            rows.append(
                (
                    self.tr("Experts:"),
                    self.tr("{0} ({1} per token)").format(a.experts, a.experts_used or "?"),
                )
            )
        if a.sliding_window:
            rows.append((self.tr("Sliding window:"), str(a.sliding_window)))
        for key, value in a.extra.items():
            rows.append((f"{key}:", value))
        return rows


def mib(n: int) -> str:
    """llama.cpp's own unit and precision, so its log and this line read alike."""
    return f"{n / (1 << 20):.2f} MiB"
