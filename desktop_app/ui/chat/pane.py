"""The Chat pane: a view over a `ChatSession` (core/controllers/chat.py).

The session owns the flow and the state: the open conversation, the context fit, the store
writes, the answer streaming in, the message being edited, the draft and the figures the status
bar shows. This pane renders the session's events and forwards what the user does; its widgets
are built in layout.py, the sidebar's actions live in conversations.py.

Generation leaves the GUI thread through `ui/background.py`: the pane hands the session a runner
that runs each answer on a `Background`, whose text signal delivers the streamed tokens once per
frame and whose events and end arrive on the GUI thread. That `Background` belongs to the
application and reports to the session, not to the pane, so an answer outlives a rebuilt pane.

Keeping the state across a rebuilt window (language, theme): build the new pane, then
`new.detach()` and `new.attach(old.controller)` after `old.detach()` (MainWindow.hand_over does
this); the new pane shows the same conversation, the answer so far, the draft and the edit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop_app.core.controllers.chat import (
    AnswerBegun,
    AnswerEnded,
    AnswerText,
    AttachFailed,
    AttachmentsChanged,
    ChatSession,
    ConversationOpened,
    Deleted,
    DraftCounted,
    Event,
    Figures,
    FiguresChanged,
    GenerationFailed,
    GenerationStarted,
    ListChanged,
    MessageAdded,
    Notice,
    OutputChanged,
    Renamed,
)
from desktop_app.core.controllers.runner import Task
from desktop_app.core.engine.events import Token
from desktop_app.core.storage.conversations import Conversation, ConversationStore
from desktop_app.ui.background import gui_runner
from desktop_app.ui.chat.conversations import ChatConversations
from desktop_app.ui.chat.structured import StructuredOutputDialog
from desktop_app.ui.chat.transcript import ShownMessage
from desktop_app.ui.core_text import shown
from desktop_app.ui.engine_service import EngineService

__all__ = ["ChatPane", "background_runner"]

End = Callable[[object, BaseException | None], None]
WARNING_COLOR = "#d03b2f"  # the message does not fit: readable on the light and dark palette


def background_runner(
    name: str, task: Task, on_event: Callable[[object], None], on_end: End
) -> Callable[[], None]:
    """The session's runner: `gui_runner`, with streamed tokens coalesced (one `Token` per
    frame)."""
    return gui_runner(
        name,
        task,
        on_event,
        on_end,
        stream_text=lambda e: e.text if isinstance(e, Token) else None,
        text_event=Token,
    )


class ChatPane(ChatConversations):
    # the structured output's editor, the last one opened (tests reach it here)
    output_dialog: StructuredOutputDialog | None = None

    def __init__(
        self,
        store: ConversationStore,
        service: EngineService,
        session: ChatSession | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.service = service
        self.controller = session or ChatSession(store, lambda: service.client, background_runner)
        self._showing_draft = False
        self._build()
        self.setAcceptDrops(True)  # a file dropped on the chat is attached (conversations.py)
        # bound methods, not lambdas: Qt drops them with this pane (the service outlives it)
        service.loaded.connect(self._on_model_loaded)
        service.unloaded.connect(self._on_model_changed)
        service.engine_crashed.connect(self._on_model_changed)
        if self.controller.conversation is None:
            self.controller.open_latest(self.tr("New chat"))
        self.attach(self.controller)

    # ---- the controller ------------------------------------------------------------------

    def attach(self, controller: ChatSession) -> None:
        """Show `controller`'s state and follow it from now on (see the module's docstring)."""
        self.controller = controller
        controller.runner = background_runner
        controller.add_listener(self._on_event)
        conv = controller.conversation
        if conv is not None:
            self._show_conversation(conv)
        if controller.generating and controller.answer_begun:
            self.transcript.begin_answer(controller.answer_position)
            self.transcript.append_tokens(controller.answer_text)
        self._show_draft()
        self._show_figures(controller.figures)
        self._sync_buttons()
        self._show_output()

    def detach(self) -> None:
        """Stop following the controller (this pane is being replaced)."""
        self.controller.remove_listener(self._on_event)

    def _on_event(self, event: Event | DraftCounted | OutputChanged) -> None:
        if isinstance(event, AnswerText):  # the hot path: once per frame while streaming
            self.transcript.append_tokens(event.text)
        elif isinstance(event, DraftCounted):
            self._show_draft_count(event)
        elif isinstance(event, ConversationOpened):
            self._show_conversation(event.conversation)
            self._show_draft()
            self._show_output()
            self._token_timer.start()
        elif isinstance(event, OutputChanged):
            self._show_output()
        elif isinstance(event, MessageAdded):
            m = event.message
            self.transcript.add_message(ShownMessage(m.role, m.content, m.position))
            self._show_title()
        elif isinstance(event, GenerationStarted):
            self._sync_buttons()
        elif isinstance(event, AnswerBegun):
            if event.notice:
                self.transcript.add_notice(event.notice)
            self.transcript.begin_answer(event.position)
        elif isinstance(event, Notice):
            self.transcript.add_notice(event.text)
        elif isinstance(event, FiguresChanged):
            self._show_figures(event.figures)
        elif isinstance(event, AnswerEnded):
            self._on_answer_ended(event)
        elif isinstance(event, GenerationFailed):
            if event.message:
                self.transcript.add_notice(event.message)
            self._sync_buttons()
            self.answer_failed.emit(event.message)
        elif isinstance(event, ListChanged):
            self.refresh_list()
        elif isinstance(event, Renamed):
            self._show_title()
        elif isinstance(event, Deleted):
            self.undo_offered.emit(
                self.tr("Deleted “{0}”").format(event.title), event.conversation_id
            )
        elif isinstance(event, AttachmentsChanged):
            self.attachment_bar.set_attachments(event.attachments)
        elif isinstance(event, AttachFailed):
            self.attach_failed.emit(shown(event.message))
            self.status_message.emit(shown(event.message), 8000)

    def _on_answer_ended(self, event: AnswerEnded) -> None:
        self._token_timer.start()  # the conversation grew: less context is left
        if event.error is not None:
            note = event.error
        elif event.finish_reason == "cancelled":
            note = self.tr("Stopped.")
        else:
            note = ""
        if self.conversation is not None and self.conversation.id == event.conversation_id:
            sources = event.stored.sources if event.stored is not None else None
            self.transcript.end_answer(event.text, event.position, note, sources, event.check)
            self._show_title()
        self._sync_buttons()
        self.answer_ended.emit(event)

    def _show_conversation(self, conv: Conversation) -> None:
        self._show_title()
        self.transcript.set_messages(
            [ShownMessage(m.role, m.content, m.position, m.sources or []) for m in conv.messages]
        )
        self.attachment_bar.set_attachments(conv.attachments)
        self._show_edit()
        self.refresh_list()
        self._sync_buttons()

    def _show_title(self) -> None:
        conv = self.conversation
        self.title.setText(conv.title if conv is not None else "")
        self.title.setToolTip(self.title.text())

    def _show_figures(self, figures: Figures) -> None:
        """This chat's figures, its own: a chat without an answer yet clears the last one's
        speed, and the meter shows what this conversation takes (0 for an empty one)."""
        self.stats_changed.emit(figures.stats, figures.n_ctx)
        if figures.n_ctx:
            self.context_used.emit(figures.context_used, figures.n_ctx)

    def _show_draft(self) -> None:
        if self.input.toPlainText() == self.controller.draft:
            return
        self._showing_draft = True
        try:
            self.input.setPlainText(self.controller.draft)
        finally:
            self._showing_draft = False

    def _on_draft_changed(self) -> None:
        if not self._showing_draft:
            self.controller.draft = self.input.toPlainText()
        self._token_timer.start()

    # ---- the message's token count --------------------------------------------------------

    def _count_draft(self) -> None:
        """Count the typed message with the model's tokenizer (off the GUI thread; an empty
        message or no model: no count, and one still running is dropped)."""
        text = self.input.toPlainText()
        loaded = self.service.model_info is not None
        if not text.strip() or not loaded:
            self.token_count.clear()
        self.controller.count_draft(text if loaded else "")

    def _show_draft_count(self, count: DraftCounted) -> None:
        if count.text != self.input.toPlainText().strip():
            return  # typed on since: the next count follows
        left, n_ctx = f"{count.left:,}", f"{count.n_ctx:,}"
        if count.tokens == 1:
            text = self.tr("1 token · {0} of {1} left").format(left, n_ctx)
        else:
            text = self.tr("{0} tokens · {1} of {2} left").format(f"{count.tokens:,}", left, n_ctx)
        self.token_count.setText(text)
        if count.fits:
            self.token_count.setStyleSheet("")
            self.token_count.setToolTip(
                self.tr(
                    "The message's tokens, counted with the model's tokenizer, and the context "
                    "left once it is in, the conversation so far included."
                )
            )
        else:
            self.token_count.setStyleSheet(f"color: {WARNING_COLOR};")
            self.token_count.setToolTip(
                self.tr(
                    "With the {0} tokens kept for the answer, this does not fit: the oldest "
                    "messages are left out, or sending is refused, as the chat's settings say."
                ).format(f"{count.reserve:,}")
            )

    def _show_edit(self) -> None:
        editing = self.controller.editing is not None
        if editing:
            self.edit_banner.setText(
                self.tr("Editing a message: Send replaces it and the turns after it. Esc cancels.")
            )
        self.edit_banner.setVisible(editing)

    # ---- structured output ---------------------------------------------------------------

    def edit_output(self) -> None:
        """Open the editor for the conversation's structured output (window-modal); OK hands
        the choice to the session, which refuses a schema it cannot use (said in the editor)."""
        if self.conversation is None:
            return
        note = self.output_button.remote_note() if self.service.remote else ""
        dialog = StructuredOutputDialog(
            self.controller.output_choice, self.controller.set_output, note, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.output_dialog = dialog  # kept for tests; a new one replaces it
        dialog.open()  # without a nested event loop

    def _show_output(self) -> None:
        self.output_button.show_choice(self.controller.output_choice, self.service.remote)

    # ---- sending -------------------------------------------------------------------------

    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if text.startswith("/attach ") or text == "/attach":
            self.attach_file(text[len("/attach") :].strip() or None)  # no path: ask for one
            self.input.clear()
            return
        if not text or self.conversation is None or self.controller.generating:
            return
        if self.service.model_info is None:
            self.status_message.emit(self.tr("Load a model first."), 4000)
            return
        if self.controller.send(text):
            self.input.clear()
            self._show_edit()

    def regenerate(self) -> None:
        if self.service.model_info is None:
            return
        self.controller.regenerate()

    def begin_edit(self, position: int) -> None:
        text = self.controller.begin_edit(position)
        if text is None:
            return
        self.input.setPlainText(text)
        self.input.setFocus()
        self._show_edit()

    def stop(self) -> None:
        self.controller.stop()

    def _escape(self) -> None:
        if self.controller.generating:
            self.stop()
        elif self.controller.editing is not None:
            self.controller.cancel_edit()
            self._show_edit()
            self.input.clear()

    # ---- state ---------------------------------------------------------------------------

    def _on_model_changed(self, *_args: object) -> None:
        self._sync_buttons()
        self._show_output()
        self._token_timer.start()

    def _on_model_loaded(self, *_args: object) -> None:
        """Another model, another tokenizer and context size: count the open chat again."""
        self._sync_buttons()
        self._show_output()  # a remote server: the format is its to enforce
        self.controller.count_context()
        self._token_timer.start()

    def _sync_buttons(self) -> None:
        busy = self.controller.generating
        loaded = self.service.model_info is not None
        self.send_button.setEnabled(loaded and not busy)
        self.stop_button.setEnabled(busy)
        has_msgs = bool(self.conversation and self.conversation.messages)
        self.regen_button.setEnabled(loaded and not busy and has_msgs)

    def shutdown(self) -> None:
        """Closing (or rebuilding) the window during an answer: stop it, keep what was written.
        A pending search is dropped: the store closes after this."""
        self._search_timer.stop()
        self._token_timer.stop()
        self.controller.close()
