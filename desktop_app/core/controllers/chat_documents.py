"""The documents side of a `ChatSession`: attaching files to the open conversation, and placing
them in each answer's prompt (whole, or the parts retrieved for the question) so that the
answer's citations can be resolved to spans (core/tasks/attachments.py does the work).

Reading a file (a PDF can take seconds) and splitting a document with the model's tokenizer
(engine round trips) leave the caller's thread: the first on the session's runner, the second
inside the answer's own task. Parts are kept per document, part size and model, so a question
after the first costs one BM25 ranking and a few counts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.controllers.chat_conversations import ChatConversations
from desktop_app.core.controllers.chat_events import (
    COUNT_TIMEOUT_S,
    AttachFailed,
    AttachmentsChanged,
)
from desktop_app.core.engine.params import Message
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.storage.conversations import Attachment, Conversation
from desktop_app.core.tasks.attachments import (
    Part,
    Placement,
    ReadFile,
    check_length,
    part_tokens,
    parts_of,
    place,
    read_attachment,
)

__all__ = ["ChatDocuments", "Grounded"]

_PartsKey = tuple[int, int, str]  # attachment id, part size in tokens, model path


@dataclass(frozen=True)
class Grounded:
    """Worker -> session: what this answer's prompt holds of the attached documents."""

    placement: Placement


class ChatDocuments(ChatConversations):
    """Attachments of the open conversation; mixed into `ChatSession` (state set up there)."""

    placement: Placement | None  # the last answer's (its prompt, and the parts it could cite)
    _parts: dict[_PartsKey, list[Part]]

    def attach(self, path: str | Path) -> bool:
        """Attach a file to the open conversation, read off the caller's thread;
        AttachmentsChanged or AttachFailed follows. False when no conversation is open."""
        conv = self.conversation
        if conv is None:
            return False
        cid = conv.id

        def task(emit: Callable[[object], None], cancel: threading.Event) -> object:
            return read_attachment(path)

        self.runner(
            "chat-attach",
            task,
            lambda _event: None,
            lambda result, error: self._on_read(cid, Path(path).name, result, error),
        )
        return True

    def attach_text(self, name: str, text: str, kind: str = "text") -> Attachment | None:
        """Attach text at once (a paste, an import); None when no conversation is open."""
        if self.conversation is None:
            return None
        check_length(name, text)
        attachment = self.store.attachments.add(self.conversation.id, name, text, kind)
        self._attachments_changed(self.conversation.id)
        return attachment

    def remove_attachment(self, attachment_id: int) -> None:
        """Take a document off the open conversation (answers already given keep their text)."""
        if self.conversation is None:
            return
        self.store.attachments.remove(attachment_id)
        self._attachments_changed(self.conversation.id)

    def document_text(self, attachment_id: int) -> str:
        """An attachment's text (KeyError if it is gone), for the view that shows a source."""
        return self.store.attachments.text(attachment_id)

    def _on_read(self, cid: int, name: str, result: object, error: BaseException | None) -> None:
        if error is not None or not isinstance(result, ReadFile):
            self._notify(AttachFailed(name, str(error) if error else name))
            return
        try:
            self.store.attachments.add(cid, result.name, result.text, result.kind)
        except KeyError:  # the conversation went meanwhile
            self._notify(AttachFailed(name, ""))
            return
        self._attachments_changed(cid)

    def _attachments_changed(self, cid: int) -> None:
        with self._lock:
            if self.conversation is None or self.conversation.id != cid:
                return
            self.conversation = self.store.get(cid)
            attachments = list(self.conversation.attachments)
        self._notify(AttachmentsChanged(cid, attachments))

    # ---- in the answer's task (the runner's thread) --------------------------------------

    def ground(
        self, engine: Engine, conv: Conversation, messages: list[Message], max_tokens: int
    ) -> Placement:
        """The prompt with `conv`'s documents placed in it (see tasks/attachments.place)."""
        info = engine.model_info
        if info is None:
            raise RuntimeError("No model is loaded.")
        size = part_tokens(info.n_ctx)

        def count_text(text: str) -> int:
            return int(engine.count_tokens(text).result(timeout=COUNT_TIMEOUT_S))

        def count_messages(msgs: list[dict[str, Any]]) -> int:
            budget = engine.budget(list(msgs), 0).result(timeout=COUNT_TIMEOUT_S)
            return int(budget.prompt_tokens)

        parts: list[Part] = []
        for a in conv.attachments:
            key = (a.id, size, info.path)
            if key not in self._parts:
                try:
                    text = self.store.attachments.text(a.id)
                except KeyError:  # taken off meanwhile
                    continue
                self._parts[key] = parts_of(a.id, a.name, text, count_text, size)
            parts.extend(self._parts[key])
        names = list(dict.fromkeys(p.name for p in parts))
        return place(messages, parts, names, count_messages, info.n_ctx, max_tokens)
