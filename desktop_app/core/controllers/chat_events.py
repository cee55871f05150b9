"""A `ChatSession`'s parts: its events, its figures, and the work it runs off the caller's thread.

Import these from `desktop_app.core.controllers.chat`; they live here to keep that module about
the flow and its state. Events are called on the runner's thread (see `Runner`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.controllers.chat_structured import OutputCheck
from desktop_app.core.controllers.runner import Emit
from desktop_app.core.engine.events import Done, Error, Stats
from desktop_app.core.engine.params import ChatRequest, Message, OutputFormat, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.storage.conversations import Attachment, Conversation
from desktop_app.core.storage.conversations import Message as StoredMessage
from desktop_app.core.tasks.chat import fit_to_context

COUNT_TIMEOUT_S = 60


@dataclass(frozen=True)
class Fitted:
    """Worker -> session: the context fitted; what was left out, what the prompt takes."""

    notice: str | None
    prompt_tokens: int
    n_ctx: int


def fit_and_stream(
    engine: Engine,
    messages: list[Message],
    sampling: SamplingParams,
    policy: str,
    emit: Emit,
    cancel: threading.Event,
    on_handle: Callable[[Callable[[], None] | None], None],
    output: OutputFormat | None = None,
) -> Done | Error:
    """Fit the context (emits `Fitted`), then stream the answer (emits the engine's `Token`,
    `Warning_` and `Stats` events); returns the engine's last event, Done or Error.

    `on_handle` gets the engine request's cancel while it runs (then None), so a stop need
    not wait for this thread to notice `cancel`. `output` holds the answer to JSON (or None).
    """
    info = engine.model_info
    if info is None:
        raise RuntimeError("No model is loaded.")
    counted: dict[tuple[tuple[str, str], ...], int] = {}

    def count(msgs: list[dict[str, Any]]) -> int:  # an engine round trip, once per prompt
        key = tuple((str(m.get("role")), str(m.get("content"))) for m in msgs)
        if key not in counted:
            budget = engine.budget(list(msgs), 0).result(timeout=COUNT_TIMEOUT_S)
            counted[key] = int(budget.prompt_tokens)
        return counted[key]

    fit = fit_to_context(messages, count, info.n_ctx, sampling.max_tokens, policy)
    try:
        used = count(fit.messages)  # known already: the fit counted it
    except Exception:  # only for the meter
        used = 0
    if cancel.is_set():
        return Done("cancelled", "")
    emit(Fitted(fit.notice, used, info.n_ctx))
    ended = threading.Event()
    final: list[Done | Error] = []

    def on_engine_event(event: object) -> None:  # the engine's reader thread
        if isinstance(event, (Done, Error)):
            final.append(event)
            ended.set()  # after every earlier event was emitted, so the end comes last
        else:
            emit(event)

    request = ChatRequest(tuple(fit.messages), sampling, output=output)
    handle = engine.chat(request, callback=on_engine_event)
    on_handle(handle.cancel)
    try:
        while not ended.wait(0.1):
            if cancel.is_set():
                handle.cancel()
    finally:
        on_handle(None)
    return final[0]


def count_prompt(engine: Engine, messages: list[Message]) -> tuple[int, int] | None:
    """What `messages` take of the loaded model's context, rendered as the engine would prompt
    them: (tokens, context size); None when no model is loaded. An engine round trip."""
    info = engine.model_info
    if info is None:
        return None
    budget = engine.budget(list(messages), 0).result(timeout=COUNT_TIMEOUT_S)
    return int(budget.prompt_tokens), int(budget.n_ctx or info.n_ctx)


@dataclass(frozen=True)
class Row:
    """A sidebar row: a conversation, with its preview or a search snippet."""

    conversation_id: int
    title: str
    detail: str


@dataclass(frozen=True)
class Figures:
    """What the status bar shows for this chat: the last answer's speed, the context used."""

    stats: Stats | None = None
    context_used: int = 0  # tokens: the prompt, and the answer once it is written
    n_ctx: int = 0  # the loaded model's context size; 0 when unknown


def figures_from(conversation: Conversation, n_ctx: int) -> Figures:
    """The figures of a conversation's last stored answer (a new chat has none)."""
    for m in reversed(conversation.messages):
        if m.role == "assistant":
            stats = _stats(m.stats)
            if stats is not None:
                return Figures(stats, stats.prompt_tokens + stats.completion_tokens, n_ctx)
            break
    return Figures(None, 0, n_ctx)


def _stats(data: dict[str, object] | None) -> Stats | None:
    names = [f.name for f in dataclasses.fields(Stats)]
    if not data or any(n not in data for n in names):
        return None
    try:
        return Stats(**{n: data[n] for n in names})  # type: ignore[arg-type]
    except TypeError:
        return None


# ---- events --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConversationOpened:
    """Another conversation is shown (or this one changed as a whole, after an edit)."""

    conversation: Conversation


@dataclass(frozen=True)
class ListChanged:
    """The sidebar's rows changed: titles, order, a deletion or a restore."""


@dataclass(frozen=True)
class Renamed:
    conversation_id: int
    title: str


@dataclass(frozen=True)
class Deleted:
    """Soft-deleted: `restore` brings it back (an Undo)."""

    conversation_id: int
    title: str


@dataclass(frozen=True)
class MessageAdded:
    """The user's message was stored; the answer follows."""

    message: StoredMessage


@dataclass(frozen=True)
class GenerationStarted:
    conversation_id: int


@dataclass(frozen=True)
class AnswerBegun:
    """The context fitted, the engine asked; `notice` says what was left out, if anything."""

    position: int
    notice: str | None


@dataclass(frozen=True)
class AnswerText:
    """More of the answer (one token, or a frame's worth with a GUI runner)."""

    text: str


@dataclass(frozen=True)
class Notice:
    """Something the engine wants shown beside the answer (a clamped length, a template)."""

    text: str


@dataclass(frozen=True)
class FiguresChanged:
    figures: Figures


@dataclass(frozen=True)
class AnswerEnded:
    """The answer is over: finished, stopped ("cancelled") or failed ("error", `error` says why).

    `stored` is the message written to the store, None when nothing was (stopped before a word).
    `check` is the answer against the conversation's structured output, None for free text.
    """

    conversation_id: int
    position: int
    text: str
    finish_reason: str
    error: str | None
    stored: StoredMessage | None
    check: OutputCheck | None = None


@dataclass(frozen=True)
class AttachmentsChanged:
    """A document was attached to (or taken off) the conversation."""

    conversation_id: int
    attachments: list[Attachment]


@dataclass(frozen=True)
class AttachFailed:
    """A file could not be attached; `message` says why (nothing was stored)."""

    name: str
    message: str


@dataclass(frozen=True)
class GenerationFailed:
    """Ended before any answer: the context could not be fitted, the engine failed, or it was
    stopped first (`message` empty)."""

    message: str


Event = (
    ConversationOpened
    | ListChanged
    | Renamed
    | Deleted
    | MessageAdded
    | GenerationStarted
    | AnswerBegun
    | AnswerText
    | Notice
    | FiguresChanged
    | AnswerEnded
    | GenerationFailed
    | AttachmentsChanged
    | AttachFailed
)
