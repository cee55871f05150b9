"""The Chat pane: conversations sidebar, transcript, input; the chat flow from send to saved answer.

Every message is committed to SQLite when it completes; the answer in progress lives only in the
view until it ends (or is stopped, which keeps what was written).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.engine.events import Done, Stats
from desktop_app.core.engine.params import ChatRequest, SamplingParams
from desktop_app.core.errors import AppError
from desktop_app.core.storage.conversations import Conversation, ConversationStore
from desktop_app.core.tasks.chat import fit_to_context
from desktop_app.ui.conversation_model import ID_ROLE, ConversationListModel, Row
from desktop_app.ui.dialogs import ConversationSettingsDialog
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.transcript import ShownMessage, Transcript


class _FitRelay(QObject):
    """Carries the result of the context fit (done off the GUI thread) back to it."""

    fitted = Signal(object, object, int)  # FitResult, conversation id, prompt tokens
    failed = Signal(str)


class MessageInput(QPlainTextEdit):
    send_requested = Signal()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.send_requested.emit()
            return
        super().keyPressEvent(event)


class ChatPane(QWidget):
    status_message = Signal(str, int)  # text, milliseconds
    stats_changed = Signal(object, int)  # Stats, n_ctx
    undo_offered = Signal(str, int)  # text, conversation id to restore
    context_used = Signal(int, int)  # tokens the prompt takes, context size

    def __init__(
        self, store: ConversationStore, service: EngineService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.service = service
        self.conversation: Conversation | None = None
        self._editing: int | None = None
        self._answer_position = 0
        self._closing = False
        self._awaiting = False  # this pane asked for the answer in flight
        self._relay = _FitRelay()
        self._relay.fitted.connect(self._on_fitted)
        self._relay.failed.connect(self._on_fit_failed)

        # sidebar
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search conversations (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh_list)
        self.search.textChanged.connect(self._search_timer.start)
        self.model = ConversationListModel()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._list_menu)
        self.list.clicked.connect(self._on_list_clicked)
        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.setToolTip(self.tr("New chat (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_conversation)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.new_button)
        sl.addWidget(self.search)
        sl.addWidget(self.list, 1)

        # conversation
        self.title = QLabel()
        self.title.setAccessibleName(self.tr("Conversation title"))
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.settings_button.setAccessibleName(self.tr("Conversation settings"))
        self.settings_button.clicked.connect(self.edit_settings)
        self.export_button = QToolButton()
        self.export_button.setText(self.tr("Export"))
        self.export_button.setAccessibleName(self.tr("Export the conversation"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction(self.tr("As Markdown…"), lambda: self.export_to(None, "md"))
        menu.addAction(self.tr("As JSON…"), lambda: self.export_to(None, "json"))
        self.export_button.setMenu(menu)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.settings_button)
        head.addWidget(self.export_button)

        self.transcript = Transcript()
        self.transcript.edit_requested.connect(self.begin_edit)
        self.transcript.copied.connect(lambda text: self.status_message.emit(text, 2000))
        self.edit_banner = QLabel()
        self.edit_banner.setVisible(False)
        self.edit_banner.setStyleSheet("color: #b06000;")
        self.input = MessageInput()
        self.input.setPlaceholderText(self.tr("Message — Ctrl+Enter to send"))
        self.input.setAccessibleName(self.tr("Message"))
        self.input.setMaximumHeight(120)
        self.input.send_requested.connect(self.send)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the answer (Esc)"))
        self.stop_button.clicked.connect(self.stop)
        self.regen_button = QPushButton(self.tr("Regenerate"))
        self.regen_button.clicked.connect(self.regenerate)
        buttons = QVBoxLayout()
        for b in (self.send_button, self.stop_button, self.regen_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.input, 1)
        bottom.addLayout(buttons)
        main = QWidget()
        ml = QVBoxLayout(main)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addLayout(head)
        ml.addWidget(self.transcript, 1)
        ml.addWidget(self.edit_banner)
        ml.addLayout(bottom)

        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(main)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        QShortcut(QKeySequence("Esc"), self, self._escape)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_conversation)
        QShortcut(QKeySequence("Ctrl+F"), self, self._focus_search)

        service.tokens_arrived.connect(self._on_tokens)
        service.answer_finished.connect(self._on_answer_finished)
        service.answer_failed.connect(self._on_answer_failed)
        service.engine_crashed.connect(self._on_answer_failed)
        service.stats_ready.connect(self._on_stats)
        service.warning_raised.connect(self.transcript.add_notice)
        service.loaded.connect(lambda _info: self._sync_buttons())
        service.unloaded.connect(self._sync_buttons)
        self.refresh_list()
        summaries = store.list()
        if summaries:
            self.open_conversation(summaries[0].id)
        else:
            self.new_conversation()

    # ---- conversations -------------------------------------------------------------------

    def refresh_list(self) -> None:
        query = self.search.text().strip()
        if query:
            best: dict[int, Row] = {}  # one row per conversation: its best hit
            for h in self.store.search(query):
                best.setdefault(h.conversation_id, Row(h.conversation_id, h.title, h.snippet))
            rows = list(best.values())
        else:
            rows = [Row(s.id, s.title, s.preview) for s in self.store.list()]
        self.model.set_rows(rows)
        if self.conversation is not None:
            row = self.model.row_of(self.conversation.id)
            if row >= 0:
                self.list.setCurrentIndex(self.model.index(row))

    def new_conversation(self) -> None:
        if self.service.generating:
            return
        conv = self.store.create(title=self.tr("New chat"))
        self.search.clear()
        self.open_conversation(conv.id)
        self.input.setFocus()

    def open_conversation(self, conversation_id: int) -> None:
        if self.service.generating:
            return
        self.conversation = self.store.get(conversation_id)
        self._editing = None
        self.edit_banner.setVisible(False)
        self.title.setText(self.conversation.title)
        self.transcript.set_messages(
            [ShownMessage(m.role, m.content, m.position) for m in self.conversation.messages]
        )
        self.refresh_list()
        self._sync_buttons()

    def _on_list_clicked(self, index: QModelIndex) -> None:
        self.open_conversation(int(index.data(ID_ROLE)))

    def _list_menu(self, pos: Any) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        cid = int(index.data(ID_ROLE))
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), lambda: self.rename(cid))
        menu.addAction(self.tr("Export as Markdown…"), lambda: self.export_to(cid, "md"))
        menu.addAction(self.tr("Export as JSON…"), lambda: self.export_to(cid, "json"))
        menu.addSeparator()
        menu.addAction(self.tr("Delete"), lambda: self.delete(cid))
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def rename(self, conversation_id: int, title: str | None = None) -> None:
        if title is None:
            current = self.store.get(conversation_id).title
            title, ok = QInputDialog.getText(
                self, self.tr("Rename"), self.tr("Title:"), text=current
            )
            if not ok:
                return
        title = title.strip()
        if title:
            self.store.rename(conversation_id, title)
            if self.conversation and self.conversation.id == conversation_id:
                self.title.setText(title)
            self.refresh_list()

    def delete(self, conversation_id: int) -> None:
        """Deleted at once, with Undo offered (the row stays in the database until purged)."""
        if (
            self.service.generating
            and self.conversation
            and self.conversation.id == conversation_id
        ):
            return
        title = self.store.get(conversation_id).title
        self.store.delete(conversation_id)
        self.undo_offered.emit(self.tr("Deleted “{0}”").format(title), conversation_id)
        if self.conversation and self.conversation.id == conversation_id:
            self.conversation = None
            remaining = self.store.list()
            if remaining:
                self.open_conversation(remaining[0].id)
            else:
                self.new_conversation()
        self.refresh_list()

    def restore(self, conversation_id: int) -> None:
        self.store.restore(conversation_id)
        self.refresh_list()

    def export_to(
        self, conversation_id: int | None, kind: str, path: str | None = None
    ) -> Path | None:
        cid = (
            conversation_id
            if conversation_id is not None
            else (self.conversation.id if self.conversation else None)
        )
        if cid is None:
            return None
        if path is None:
            title = self.store.get(cid).title
            filters = self.tr("Markdown (*.md)") if kind == "md" else self.tr("JSON (*.json)")
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export conversation"), f"{title}.{kind}", filters
            )
            if not path:
                return None
        if kind == "md":
            text = self.store.export_markdown(cid)
        else:
            text = json.dumps(self.store.export_json(cid), ensure_ascii=False, indent=2)
        target = Path(path)
        target.write_text(text, encoding="utf-8")
        self.status_message.emit(self.tr("Exported to {0}").format(target.name), 3000)
        return target

    def edit_settings(self) -> None:
        if self.conversation is None:
            return
        c = self.conversation
        dialog = ConversationSettingsDialog(
            c.system_prompt, c.sampling, c.preset, c.context_policy, self
        )
        if dialog.exec():
            system, sampling, preset, policy = dialog.values()
            self.store.update_settings(
                c.id, system_prompt=system, sampling=sampling, preset=preset, context_policy=policy
            )
            self.conversation = self.store.get(c.id)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # ---- sending -------------------------------------------------------------------------

    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.conversation is None or self.service.generating:
            return
        if self.service.model_info is None:
            self.status_message.emit(self.tr("Load a model first."), 4000)
            return
        cid = self.conversation.id
        if self._editing is not None:
            self.store.edit_message(cid, self._editing, text)
            self._editing = None
            self.edit_banner.setVisible(False)
            self.open_conversation(cid)
        else:
            msg = self.store.append_message(cid, "user", text)
            self.transcript.add_message(ShownMessage("user", text, msg.position))
        self.input.clear()
        self._generate()

    def regenerate(self) -> None:
        if self.conversation is None or self.service.generating or self.service.model_info is None:
            return
        msgs = self.store.get(self.conversation.id).messages
        if not msgs:
            return
        if msgs[-1].role == "assistant":
            self.store.truncate_from(self.conversation.id, msgs[-1].position)
        self.open_conversation(self.conversation.id)
        if self.conversation.messages and self.conversation.messages[-1].role == "user":
            self._generate()

    def begin_edit(self, position: int) -> None:
        if self.service.generating:
            return
        text = self.transcript.message_text(position)
        if text is None:
            return
        self._editing = position
        self.input.setPlainText(text)
        self.input.setFocus()
        self.edit_banner.setText(
            self.tr("Editing a message: Send replaces it and the turns after it. Esc cancels.")
        )
        self.edit_banner.setVisible(True)

    def stop(self) -> None:
        self.service.stop()

    def _escape(self) -> None:
        if self.service.generating:
            self.stop()
        elif self._editing is not None:
            self._editing = None
            self.edit_banner.setVisible(False)
            self.input.clear()

    def _generate(self) -> None:
        assert self.conversation is not None
        conv = self.store.get(self.conversation.id)
        self.conversation = conv
        self.title.setText(conv.title)
        messages = (
            [{"role": "system", "content": conv.system_prompt}]
            if conv.system_prompt.strip()
            else []
        ) + [{"role": m.role, "content": m.content} for m in conv.messages]
        sampling = SamplingParams.from_dict(conv.sampling or {})
        info = self.service.model_info
        assert info is not None
        self._answer_position = len(conv.messages)
        self.send_button.setEnabled(False)
        self.regen_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        cid = conv.id

        def fit() -> None:  # off the GUI thread: counting tokens is a round trip to the engine
            try:
                result = fit_to_context(
                    messages,
                    self.service.count,
                    info.n_ctx,
                    sampling.max_tokens,
                    conv.context_policy,
                )
            except AppError as exc:
                self._relay.failed.emit(str(exc))
            except Exception as exc:  # the engine died or timed out: say so, keep the app usable
                self._relay.failed.emit(str(exc))
            else:
                try:
                    used = self.service.count(result.messages)  # for the meter, before the answer
                except Exception:
                    used = 0
                self._relay.fitted.emit(result, cid, used)

        threading.Thread(target=fit, name="context-fit", daemon=True).start()

    def _on_fitted(self, result: Any, cid: int, prompt_tokens: int) -> None:
        info = self.service.model_info
        if prompt_tokens and info is not None:
            self.context_used.emit(prompt_tokens, info.n_ctx)
        if self.conversation is None or self.conversation.id != cid:
            self._sync_buttons()
            return
        if result.notice:
            self.transcript.add_notice(result.notice)
        sampling = SamplingParams.from_dict(self.conversation.sampling or {})
        self.transcript.begin_answer(self._answer_position)
        self._awaiting = True
        self.service.chat(ChatRequest(tuple(result.messages), sampling))
        self._sync_buttons()

    def _on_fit_failed(self, message: str) -> None:
        self.transcript.add_notice(message)
        self._sync_buttons()

    def _on_answer_finished(self, done: Done) -> None:
        self.service.flush_now()
        if self.conversation is None or self._closing or not self._awaiting:
            return
        self._awaiting = False
        note = self.tr("Stopped.") if done.finish_reason == "cancelled" else ""
        if done.text or done.finish_reason != "cancelled":
            stats = self._last_stats
            self.store.append_message(
                self.conversation.id, "assistant", done.text, finish_reason=done.finish_reason,
                stats=dataclasses.asdict(stats) if stats else None,
            )  # fmt: skip
        self.transcript.end_answer(done.text, self._answer_position, note)
        self.conversation = self.store.get(self.conversation.id)
        self.title.setText(self.conversation.title)
        self.refresh_list()
        self._sync_buttons()

    _last_stats: Stats | None = None

    def _on_tokens(self, text: str) -> None:
        if self._awaiting:
            self.transcript.append_tokens(text)

    def _on_stats(self, stats: Stats) -> None:
        if not self._awaiting:
            return
        self._last_stats = stats
        info = self.service.model_info
        self.stats_changed.emit(stats, info.n_ctx if info else 0)

    def _on_answer_failed(self, message: str) -> None:
        self.service.flush_now()
        if self._closing or not self._awaiting:
            return
        self._awaiting = False
        partial = self.transcript.streamed_text()
        self.transcript.end_answer(partial, self._answer_position, message)
        if partial and self.conversation is not None:
            self.store.append_message(
                self.conversation.id, "assistant", partial, finish_reason="error"
            )
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        busy = self.service.generating
        loaded = self.service.model_info is not None
        self.send_button.setEnabled(loaded and not busy)
        self.stop_button.setEnabled(busy)
        has_msgs = bool(self.conversation and self.conversation.messages)
        self.regen_button.setEnabled(loaded and not busy and has_msgs)

    def shutdown(self) -> None:
        """Closing during an answer: stop it and keep what was written."""
        self._closing = True
        if self.service.generating and self.conversation is not None and self._awaiting:
            self.service.stop()
            self.service.flush_now()
            partial = self.transcript.streamed_text()
            if partial:
                self.store.append_message(
                    self.conversation.id, "assistant", partial, finish_reason="cancelled"
                )
