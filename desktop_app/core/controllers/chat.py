"""A chat session without Qt: the open conversation, its store writes, and the answer in flight.

The Chat pane is a view over a `ChatSession`: it renders the state kept here (the conversation,
the answer streaming in, the message being edited, the draft, the figures the status bar shows)
and forwards the user's actions. The session outlives its view: whoever owns the window keeps it,
and a rebuilt pane (a language or a theme switch) shows the same conversation, even an answer
still streaming, and the same draft.

Generation leaves the caller's thread through a `Runner`, as in the sentiment controller: fitting
the context (token counts are engine round trips) then the engine's streamed answer. The default
runner is a `core.jobs` thread, so events and listeners arrive on it (and on the engine's reader
thread); the GUI passes one built on `ui/background.py`, which coalesces the streamed tokens per
frame and delivers everything on the GUI thread. Every message is committed when it completes;
the answer in progress lives in `answer_text` until it ends (or is stopped, which keeps it).
Texts for people ("Stopped.", "Load a model first.") are the view's, in its language.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

# The flow's events and the runner live beside it; re-exported so callers need one import.
from desktop_app.core.controllers.chat_conversations import prompt_messages
from desktop_app.core.controllers.chat_documents import ChatDocuments, Grounded
from desktop_app.core.controllers.chat_events import (
    AnswerBegun,
    AnswerEnded,
    AnswerText,
    AttachFailed,
    AttachmentsChanged,
    ConversationOpened,
    Deleted,
    Event,
    Figures,
    FiguresChanged,
    Fitted,
    GenerationFailed,
    GenerationStarted,
    ListChanged,
    MessageAdded,
    Notice,
    Renamed,
    Row,
    fit_and_stream,
)
from desktop_app.core.controllers.chat_structured import (
    ChatStructured,
    OutputChanged,
    OutputCheck,
    OutputChoice,
    SchemaProblem,
    check_answer,
)
from desktop_app.core.controllers.runner import Runner, thread_runner
from desktop_app.core.engine.events import Done, Error, Stats, Token, Warning_
from desktop_app.core.engine.params import Message, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.storage.conversations import Conversation, ConversationStore
from desktop_app.core.storage.conversations import Message as StoredMessage
from desktop_app.core.tasks.attachments import Placement, cite
from desktop_app.core.tasks.chat import answer_reserve

__all__ = [
    "AnswerBegun",
    "AnswerEnded",
    "AnswerText",
    "AttachFailed",
    "AttachmentsChanged",
    "ChatSession",
    "ConversationOpened",
    "Deleted",
    "DraftCounted",
    "Event",
    "Figures",
    "FiguresChanged",
    "GenerationFailed",
    "GenerationStarted",
    "ListChanged",
    "MessageAdded",
    "Notice",
    "OutputChanged",
    "OutputCheck",
    "OutputChoice",
    "Renamed",
    "Row",
    "Runner",
    "SchemaProblem",
    "prompt_messages",
    "thread_runner",
]

_log = logging.getLogger(__name__)
Listener = Callable[[Event], None]
DRAFT_TIMEOUT_S = 60


@dataclass(frozen=True)
class DraftCounted:
    """What the message being typed would cost, counted by the loaded model's tokenizer: its
    own tokens, and the prompt it would make with the conversation so far (its template too)."""

    text: str  # the text counted (stripped, as it would be sent)
    tokens: int
    prompt_tokens: int
    n_ctx: int
    reserve: int  # kept for the answer (fit_to_context's reserve)

    @property
    def left(self) -> int:
        """The context left once the message is in."""
        return max(0, self.n_ctx - self.prompt_tokens)

    @property
    def fits(self) -> bool:
        """The whole conversation, this message and the answer's room fit as they are (else
        the oldest turns are left out, or sending is refused, by the chat's context policy)."""
        return self.prompt_tokens + self.reserve <= self.n_ctx


class ChatSession(ChatDocuments, ChatStructured):
    """One chat's flow and state; a pane renders it and forwards the user's actions.

    `engine()` gives the engine to use now (the local one or a remote server, whichever is
    loaded); `runner` takes generation off the caller's thread (see `Runner`). Listeners get an
    `Event` after each change, on the thread the change happened on.
    """

    def __init__(
        self,
        store: ConversationStore,
        engine: Callable[[], Engine],
        runner: Runner = thread_runner,
    ) -> None:
        self.store = store
        self._engine = engine
        self.runner = runner  # a view sets its own (the GUI's) when it attaches
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self.conversation: Conversation | None = None
        self.editing: int | None = None  # position of the user message being edited
        self.draft = ""  # the message box's text, kept for a rebuilt view
        self.figures = Figures()
        # the answer in flight
        self.generating = False
        self.answer_begun = False  # the context fitted, the engine asked
        self.answer_position = 0
        self.answer_text = ""
        self._answer_cid: int | None = None
        self._stats: Stats | None = None
        self._gen = 0  # generation number: events from an ended one are ignored
        self._stop: Callable[[], None] | None = None
        self._handle_cancel: Callable[[], None] | None = None
        self._count = 0  # context count number: a count overtaken by a change is dropped
        # attached documents: the last answer's placement, the parts cut so far
        self.placement: Placement | None = None
        self._parts = {}
        self._draft_count = 0  # the same for the message being typed
        self._outputs = {}  # structured output per conversation (chat_structured.py)
        self._answer_output = None

    # ---- editing -------------------------------------------------------------------------

    def begin_edit(self, position: int) -> str | None:
        """Start editing a user message; its text, or None if there is no such message."""
        if self.generating or self.conversation is None:
            return None
        for m in self.conversation.messages:
            if m.position == position and m.role == "user":
                self.editing = position
                return m.content
        return None

    def cancel_edit(self) -> None:
        self.editing = None

    # ---- the message being typed ---------------------------------------------------------

    def count_draft(self, text: str) -> None:
        """Count `text` as the next message (or the edit), off the caller's thread:
        DraftCounted follows. Nothing while an answer is being written (the engine is busy with
        it; count again when it ends) or for an empty text; a count overtaken is dropped."""
        text = text.strip()
        with self._lock:
            self._draft_count += 1
            number, conv, editing = self._draft_count, self.conversation, self.editing
            if conv is None or self.generating or not text:
                return
        kept = dataclasses.replace(
            conv, messages=[m for m in conv.messages if editing is None or m.position < editing]
        )
        messages: list[Message] = [*prompt_messages(kept), {"role": "user", "content": text}]
        max_tokens = SamplingParams.from_dict(conv.sampling or {}).max_tokens

        def task(emit: Callable[[object], None], cancel: threading.Event) -> object:
            engine = self._engine()
            if engine.model_info is None:
                return None
            tokens = int(engine.count_tokens(text).result(timeout=DRAFT_TIMEOUT_S))
            budget = engine.budget(messages, 0).result(timeout=DRAFT_TIMEOUT_S)
            n_ctx = int(budget.n_ctx or engine.model_info.n_ctx)
            reserve = answer_reserve(n_ctx, max_tokens)
            return DraftCounted(text, tokens, int(budget.prompt_tokens), n_ctx, reserve)

        def ended(result: object, error: BaseException | None) -> None:
            if error is not None:
                _log.info("could not count the message: %s", error)  # only for the label
            if number == self._draft_count and isinstance(result, DraftCounted):
                self._notify(result)

        self.runner("chat-draft", task, lambda _event: None, ended)

    # ---- sending -------------------------------------------------------------------------

    def send(self, text: str) -> bool:
        """Store the message (or the edit, dropping the turns after it) and start the answer."""
        text = text.strip()
        if not text or self.conversation is None or self.generating:
            return False
        cid = self.conversation.id
        if self.editing is not None:
            self.store.edit_message(cid, self.editing, text)
            self.editing = None
            self.draft = ""
            self.conversation = self.store.get(cid)
            self._notify(ConversationOpened(self.conversation))
        else:
            msg = self.store.append_message(cid, "user", text)
            self.draft = ""
            self.conversation = self.store.get(cid)
            self._notify(MessageAdded(msg))
        self._generate()
        return True

    def regenerate(self) -> bool:
        """Drop the last answer and write a new one."""
        if self.conversation is None or self.generating:
            return False
        cid = self.conversation.id
        msgs = self.store.get(cid).messages
        if not msgs:
            return False
        if msgs[-1].role == "assistant":
            self.store.truncate_from(cid, msgs[-1].position)
        self.open(cid)
        assert self.conversation is not None
        if not self.conversation.messages or self.conversation.messages[-1].role != "user":
            return False
        self._generate()
        return True

    def stop(self) -> None:
        """Stop the answer; what was written so far is kept (AnswerEnded follows)."""
        stop, cancel = self._stop, self._handle_cancel
        if stop is not None:
            stop()
        if cancel is not None:
            cancel()

    def close(self) -> None:
        """The app is closing (or its window is rebuilt): stop the answer and store what was
        written, now; views get the AnswerEnded at once, and the conversation includes it."""
        with self._lock:
            if not self.generating:
                return
            self.stop()
            self._gen += 1  # the engine's late end is not stored twice
            partial, cid = self.answer_text, self._answer_cid
            begun, position = self.answer_begun, self.answer_position
            check = self._check_output(partial, "cancelled")
            self._end_generation()
        if cid is None:
            return
        stored = None
        if partial:
            stored = self.store.append_message(cid, "assistant", partial, finish_reason="cancelled")
        if self.conversation is not None and self.conversation.id == cid:
            self.conversation = self.store.get(cid)
        if begun:
            self._notify(AnswerEnded(cid, position, partial, "cancelled", None, stored, check))
        else:
            self._notify(GenerationFailed(""))

    def _generate(self) -> None:
        assert self.conversation is not None
        conv = self.conversation
        messages = prompt_messages(conv)
        sampling = SamplingParams.from_dict(conv.sampling or {})
        with self._lock:
            output = self._begin_output()
            self._gen += 1
            self._count += 1  # a count still running is overtaken by the answer's own figures
            gen = self._gen
            self.generating = True
            self.answer_begun = False
            self.answer_position = len(conv.messages)
            self.answer_text = ""
            self._answer_cid = conv.id
            self._stats = None
            self.placement = None
        self._notify(GenerationStarted(conv.id))

        def task(emit: Callable[[object], None], cancel: threading.Event) -> object:
            engine, prompt = self._engine(), messages
            if conv.attachments:  # the documents go in whole, or the question's parts
                placed = self.ground(engine, conv, messages, sampling.max_tokens)
                emit(Grounded(placed))
                prompt = placed.messages
            return fit_and_stream(
                engine, prompt, sampling, conv.context_policy, emit, cancel,
                self._set_handle_cancel, output,
            )  # fmt: skip

        self._stop = self.runner(
            "chat",
            task,
            lambda event: self._on_event(gen, event),
            lambda result, error: self._on_end(gen, result, error),
        )

    # ---- the runner's events (its thread: the GUI's, or the worker's in the default) ----

    def _on_event(self, gen: int, event: object) -> None:
        with self._lock:
            if gen != self._gen:
                return
            if isinstance(event, Token):
                self.answer_text += event.text
                out: Event = AnswerText(event.text)
            elif isinstance(event, Fitted):
                self.answer_begun = True
                self.figures = Figures(None, event.prompt_tokens, event.n_ctx)
                out = AnswerBegun(self.answer_position, event.notice)
            elif isinstance(event, Stats):
                self._stats = event
                self.figures = Figures(
                    event, event.prompt_tokens + event.completion_tokens, self.figures.n_ctx
                )
                out = FiguresChanged(self.figures)
            elif isinstance(event, Warning_):
                out = Notice(event.message)
            elif isinstance(event, Grounded):
                self.placement = event.placement
                return
            else:
                return
        if isinstance(event, Fitted):
            self._notify(FiguresChanged(self.figures))
        self._notify(out)

    def _on_end(self, gen: int, result: object, error: BaseException | None) -> None:
        with self._lock:
            if gen != self._gen:
                return
            cid, begun, position = self._answer_cid, self.answer_begun, self.answer_position
            partial, stats = self.answer_text, self._stats
            parts = self.placement.parts if self.placement is not None else ()
            output, self._answer_output = self._answer_output, None
            self._end_generation()
        assert cid is not None
        if error is not None:
            self._notify(GenerationFailed(str(error) or type(error).__name__))
            return
        if not begun:  # stopped while the context was being fitted
            self._notify(GenerationFailed(""))
            return
        stored: StoredMessage | None = None
        check: OutputCheck | None = None
        if isinstance(result, Done):
            text, reason, failure = result.text, result.finish_reason, None
            if output is not None and (text or reason != "cancelled"):
                check = check_answer(text, output)
            if text or reason != "cancelled":
                stored = self.store.append_message(  # the store keeps Stats as a plain record
                    cid, "assistant", text, finish_reason=reason,
                    stats=dataclasses.asdict(stats) if stats else None,
                    sources=cite(text, parts) if parts else None,
                )  # fmt: skip
        else:
            assert isinstance(result, Error)
            text, reason, failure = partial, "error", str(result.error)
            if partial:
                stored = self.store.append_message(cid, "assistant", partial, finish_reason=reason)
        if self.conversation is not None and self.conversation.id == cid:
            self.conversation = self.store.get(cid)
        self._notify(AnswerEnded(cid, position, text, reason, failure, stored, check))
        self._notify(ListChanged())

    def _set_handle_cancel(self, cancel: Callable[[], None] | None) -> None:
        self._handle_cancel = cancel  # the worker's: stop() cancels the engine at once

    def _end_generation(self) -> None:
        self.generating = False
        self.answer_begun = False
        self._stop = None
        self._handle_cancel = None
