"""The Chat pane's widgets and their layout: built once per view, holding no state.

Kept apart from the pane's behaviour (pane.py, conversations.py) so each stays readable; the pane
mixes this in. The slots the widgets connect to (send, stop, new_conversation, ...) are the pane's.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.chat.attachments import AttachmentBar, dropped_files
from desktop_app.ui.chat.list_model import ConversationListModel
from desktop_app.ui.chat.structured import OutputButton
from desktop_app.ui.chat.transcript import Transcript


class MessageInput(QPlainTextEdit):
    """The message box: Ctrl+Enter sends, Enter alone starts a new line; a file dropped on it
    is attached (files_dropped), not pasted as its path."""

    send_requested = Signal()
    files_dropped = Signal(list)  # local paths

    def insertFromMimeData(self, source: Any) -> None:
        files = dropped_files(source)
        if files:
            self.files_dropped.emit(files)
            return
        super().insertFromMimeData(source)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.send_requested.emit()
            return
        super().keyPressEvent(event)


class ElidedRows(QStyledItemDelegate):
    """Rows as wide as the list, never wider: a long title ends in "…" (its tooltip has it
    whole) instead of widening the row and giving the sidebar a horizontal scroll bar."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(0, super().sizeHint(option, index).height())


class ChatLayout(QWidget):
    """The widgets of the sidebar, the conversation's head, the transcript and the input."""

    status_message = Signal(str, int)  # text, milliseconds
    stats_changed = Signal(object, int)  # Stats (None: no answer yet), n_ctx
    undo_offered = Signal(str, int)  # text, conversation id to restore
    context_used = Signal(int, int)  # tokens the prompt (and answer) take, context size
    answer_ended = Signal(object)  # chat.AnswerEnded: text, finish_reason, error, stored
    answer_failed = Signal(str)  # ended before any answer (empty when stopped first)
    attach_failed = Signal(str)  # a file could not be attached: why

    # ---- the pane's slots ----------------------------------------------------------------

    def refresh_list(self) -> None: ...
    def new_conversation(self) -> None: ...
    def edit_settings(self) -> None: ...
    def export_to(self, conversation_id: int | None, kind: str, path: str | None = None) -> Any: ...
    def begin_edit(self, position: int) -> None: ...
    def send(self) -> None: ...
    def stop(self) -> None: ...
    def regenerate(self) -> None: ...
    def _on_list_clicked(self, index: QModelIndex) -> None: ...
    def _list_menu(self, pos: Any) -> None: ...
    def _on_draft_changed(self) -> None: ...
    def _count_draft(self) -> None: ...
    def _escape(self) -> None: ...
    def attach_file(self, path: str | None = None) -> None: ...
    def attach_files(self, paths: list[str]) -> None: ...
    def open_attachment(self, attachment_id: int, start: int = 0, end: int = 0) -> None: ...
    def remove_attachment(self, attachment_id: int) -> None: ...
    def edit_output(self) -> None: ...

    # ---- building ------------------------------------------------------------------------

    def _build(self) -> None:
        splitter = QSplitter()
        splitter.addWidget(self._build_sidebar())
        splitter.addWidget(self._build_conversation())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        QShortcut(QKeySequence("Esc"), self, self._escape)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_conversation)
        QShortcut(QKeySequence("Ctrl+F"), self, self._focus_search)

    def _build_sidebar(self) -> QWidget:
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
        self.list.setItemDelegate(ElidedRows(self.list))
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        return side

    def _build_head(self) -> QHBoxLayout:
        self.title = QLabel()
        self.title.setAccessibleName(self.tr("Conversation title"))
        # a long title must not widen the head and squeeze the sidebar: it is cut, whole in
        # the tooltip
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        return head

    def _build_conversation(self) -> QWidget:
        head = self._build_head()
        self.transcript = Transcript()
        self.transcript.edit_requested.connect(self.begin_edit)
        self.transcript.copied.connect(lambda text: self.status_message.emit(text, 2000))
        self.transcript.source_requested.connect(self.open_attachment)
        self.attachment_bar = AttachmentBar()
        self.attachment_bar.open_requested.connect(self.open_attachment)
        self.attachment_bar.remove_requested.connect(self.remove_attachment)
        self.edit_banner = QLabel()
        self.edit_banner.setVisible(False)
        self.edit_banner.setStyleSheet("color: #b06000;")
        self.input = MessageInput()
        self.input.setPlaceholderText(self.tr("Message — Ctrl+Enter to send"))
        self.input.setAccessibleName(self.tr("Message"))
        self.input.setMaximumHeight(120)
        self.input.send_requested.connect(self.send)
        self.input.textChanged.connect(self._on_draft_changed)
        self.input.files_dropped.connect(self.attach_files)
        # the message's tokens against the context left, counted a moment after typing stops
        self.token_count = QLabel()
        self.token_count.setAccessibleName(self.tr("Message length in tokens"))
        self._token_timer = QTimer(self)
        self._token_timer.setSingleShot(True)
        self._token_timer.setInterval(300)
        self._token_timer.timeout.connect(self._count_draft)
        # what the answers are held to (free text, JSON, a schema): a click opens the editor
        self.output_button = OutputButton()
        self.output_button.clicked.connect(self.edit_output)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop the answer (Esc)"))
        self.stop_button.clicked.connect(self.stop)
        self.regen_button = QPushButton(self.tr("Regenerate"))
        self.regen_button.clicked.connect(self.regenerate)
        self.attach_button = QPushButton(self.tr("Attach…"))
        self.attach_button.setToolTip(
            self.tr("Attach a document (or drop a file here, or type /attach PATH)")
        )
        self.attach_button.clicked.connect(lambda: self.attach_file())
        buttons = QVBoxLayout()
        for b in (self.send_button, self.stop_button, self.regen_button, self.attach_button):
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
        ml.addWidget(self.attachment_bar)
        ml.addLayout(bottom)
        under = QHBoxLayout()
        under.addWidget(self.token_count, 1)
        under.addWidget(self.output_button)
        ml.addLayout(under)
        return main

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
