"""The conversations side of a `ChatSession`: the sidebar's rows, opening, new, rename, delete,
restore, a conversation's settings, and counting what the open one takes of the context.

`ChatSession` (chat.py) builds on this class and adds the answer's flow; the state both use is
set up in its `__init__`. Kept apart so each half stays about one job.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from desktop_app.core.controllers.chat_events import (
    ConversationOpened,
    Deleted,
    Figures,
    FiguresChanged,
    ListChanged,
    Renamed,
    Row,
    count_prompt,
    figures_from,
)
from desktop_app.core.controllers.runner import Listeners, Runner
from desktop_app.core.engine.params import Message, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.storage.conversations import Conversation, ConversationStore

__all__ = ["ChatConversations", "prompt_messages"]

_log = logging.getLogger(__name__)


def prompt_messages(conv: Conversation) -> list[Message]:
    """What the engine is asked: the system prompt (if any), then every stored message."""
    system: list[Message] = (
        [{"role": "system", "content": conv.system_prompt}] if conv.system_prompt.strip() else []
    )
    return system + [{"role": m.role, "content": m.content} for m in conv.messages]


class ChatConversations(Listeners):
    """Which conversation is open and what the sidebar lists; mixed into `ChatSession`."""

    store: ConversationStore
    runner: Runner
    _engine: Callable[[], Engine]
    _lock: threading.RLock
    conversation: Conversation | None
    editing: int | None
    figures: Figures
    generating: bool
    _count: int  # context count number: a count overtaken by a change is dropped

    def rows(self, query: str = "") -> list[Row]:
        """The sidebar: every conversation, newest first, or one row per search hit's conversation."""
        query = query.strip()
        if not query:
            return [Row(s.id, s.title, s.preview) for s in self.store.list()]
        best: dict[int, Row] = {}  # one row per conversation: its best hit
        for h in self.store.search(query):
            best.setdefault(h.conversation_id, Row(h.conversation_id, h.title, h.snippet))
        return list(best.values())

    def open_latest(self, new_title: str) -> None:
        """Open the most recent conversation, or a new one called `new_title` if there is none."""
        summaries = self.store.list()
        if summaries:
            self.open(summaries[0].id)
        else:
            self.new_conversation(new_title)

    def new_conversation(self, title: str) -> bool:
        if self.generating:
            return False
        conv = self.store.create(title=title, auto_title=True)
        self.open(conv.id)
        return True

    def open(self, conversation_id: int) -> bool:
        """Show another conversation; refused (False) while an answer is being written."""
        if self.generating:
            return False
        with self._lock:  # a count of the chat left behind is told before this, or dropped
            self.conversation = self.store.get(conversation_id)
            self.editing = None
            self.figures = figures_from(self.conversation, self._n_ctx())
            self._notify(ConversationOpened(self.conversation))
            self._notify(FiguresChanged(self.figures))
            self.count_context()
        return True

    def count_context(self) -> None:
        """Count what the open conversation takes of the context (its rendered prompt, with the
        loaded model's tokenizer), off the caller's thread; FiguresChanged follows. Run when a
        conversation is opened and when a model is loaded, so the meter shows this chat's real
        use, also after a restart or for a chat whose last answer left no figures."""
        with self._lock:
            self._count += 1
            count = self._count
            conv = self.conversation
            if conv is None or not conv.messages or self.generating:
                return
        messages = prompt_messages(conv)

        def task(emit: Callable[[object], None], cancel: threading.Event) -> object:
            return count_prompt(self._engine(), messages)

        self.runner(
            "chat-count",
            task,
            lambda _event: None,
            lambda result, error: self._on_counted(count, conv.id, result, error),
        )

    def _on_counted(
        self, count: int, cid: int, result: object, error: BaseException | None
    ) -> None:
        with self._lock:
            current = self.conversation is not None and self.conversation.id == cid
            if count != self._count or not current or self.generating:
                return  # overtaken: another chat opened, an answer started, a new count
            if error is not None or not isinstance(result, tuple):
                if error is not None:  # only for the meter: the figures stay as they were
                    _log.info("could not count the context: %s", error)
                return
            used, n_ctx = result
            self.figures = Figures(self.figures.stats, used, n_ctx)
            self._notify(FiguresChanged(self.figures))  # under the lock: in order with open()

    def rename(self, conversation_id: int, title: str) -> None:
        title = title.strip()
        if not title:
            return
        self.store.rename(conversation_id, title)
        if self.conversation is not None and self.conversation.id == conversation_id:
            self.conversation = self.store.get(conversation_id)
        self._notify(Renamed(conversation_id, title))
        self._notify(ListChanged())

    def delete(self, conversation_id: int, new_title: str) -> bool:
        """Soft delete (restorable); the open one is replaced by the latest, or a new one."""
        current = self.conversation is not None and self.conversation.id == conversation_id
        if current and self.generating:
            return False
        title = self.store.get(conversation_id).title
        self.store.delete(conversation_id)
        self._notify(Deleted(conversation_id, title))
        if current:
            self.conversation = None
            self.open_latest(new_title)
        self._notify(ListChanged())
        return True

    def restore(self, conversation_id: int) -> None:
        self.store.restore(conversation_id)
        self._notify(ListChanged())

    def update_settings(self, **settings: Any) -> None:
        """The open conversation's system prompt, sampling, preset or context policy.

        `sampling` is SamplingParams or its fields by name: the store keeps the plain record
        (storage is below the engine), so a SamplingParams is turned into one here."""
        if self.conversation is None:
            return
        if isinstance(settings.get("sampling"), SamplingParams):
            settings["sampling"] = settings["sampling"].to_dict()
        self.store.update_settings(self.conversation.id, **settings)
        self.conversation = self.store.get(self.conversation.id)
        self.count_context()  # another system prompt takes another share of the context

    def _n_ctx(self) -> int:
        try:
            info = self._engine().model_info
        except Exception:  # no engine now: the figures just lack a context size
            return 0
        return info.n_ctx if info is not None else 0
