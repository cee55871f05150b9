"""The Chat pane's conversation actions: the sidebar's list, new, open, rename, delete, export,
and the open conversation's attached documents (attach by button, drop or `/attach PATH`; open
one at a cited span; take one off).

Each action is forwarded to the `ChatSession` (the pane's `controller`), which changes the store
and reports back; the pane renders those events (pane.py). Only what needs a person's answer (a
title, a file name, the settings dialog) is asked here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMenu

from desktop_app.core.controllers.chat import ChatSession
from desktop_app.core.storage.conversations import Conversation, ConversationStore
from desktop_app.ui.chat.attachments import SourceView, dropped_files
from desktop_app.ui.chat.layout import ChatLayout
from desktop_app.ui.chat.list_model import ID_ROLE
from desktop_app.ui.dialogs import ConversationSettingsDialog, RenameDialog


class ChatConversations(ChatLayout):
    """The sidebar and the open conversation's own actions; mixed into ChatPane."""

    controller: ChatSession
    store: ConversationStore
    source_view: SourceView | None = None  # the document last opened at a source

    @property
    def conversation(self) -> Conversation | None:
        """The open conversation (the session's)."""
        return self.controller.conversation

    def refresh_list(self) -> None:
        self.model.set_rows(self.controller.rows(self.search.text()))
        self._select_current()

    def _select_current(self) -> None:
        if self.conversation is not None:
            row = self.model.row_of(self.conversation.id)
            if row >= 0:
                self.list.setCurrentIndex(self.model.index(row))

    def new_conversation(self) -> None:
        if self.controller.new_conversation(self.tr("New chat")):
            self.search.clear()
            self.input.setFocus()

    def open_conversation(self, conversation_id: int) -> None:
        """Show another conversation (refused while an answer is being written)."""
        self.controller.open(conversation_id)

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
            dialog = RenameDialog(current, self.tr("Rename"), self.tr("Title:"), self)
            if not dialog.exec():
                return
            title = dialog.text()
        self.controller.rename(conversation_id, title)

    def delete(self, conversation_id: int) -> None:
        """Deleted at once, with Undo offered (the row stays in the database until purged)."""
        self.controller.delete(conversation_id, self.tr("New chat"))

    def restore(self, conversation_id: int) -> None:
        self.controller.restore(conversation_id)

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
        c = self.conversation
        if c is None:
            return
        dialog = ConversationSettingsDialog(
            c.system_prompt, c.sampling, c.preset, c.context_policy, self
        )
        if dialog.exec():
            system, sampling, preset, policy = dialog.values()
            self.controller.update_settings(
                system_prompt=system, sampling=sampling, preset=preset, context_policy=policy
            )

    # ---- attached documents --------------------------------------------------------------

    def attach_file(self, path: str | None = None) -> None:
        """Attach a file to the open conversation (asked for when `path` is None); the bar
        shows it once read, or the status bar says why it could not be."""
        if self.conversation is None:
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a document"))
            if not path:
                return
        self.status_message.emit(self.tr("Reading {0}…").format(Path(path).name), 3000)
        self.controller.attach(path)

    def attach_files(self, paths: list[str]) -> None:
        for path in paths:
            self.attach_file(path)

    def remove_attachment(self, attachment_id: int) -> None:
        self.controller.remove_attachment(attachment_id)

    def open_attachment(self, attachment_id: int, start: int = 0, end: int = 0) -> None:
        """Open an attached document, highlighting characters start..end (a cited span)."""
        try:
            text = self.controller.document_text(attachment_id)
        except KeyError:
            self.status_message.emit(self.tr("That document is no longer attached."), 4000)
            return
        names = {a.id: a.name for a in (self.conversation.attachments if self.conversation else [])}
        view = SourceView(names.get(attachment_id, self.tr("Document")), text, self)
        view.show_span(start, end)
        self.source_view = view  # kept for tests; a new one replaces it
        view.setModal(False)
        view.show()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = dropped_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.attach_files(files)
        else:
            super().dropEvent(event)
