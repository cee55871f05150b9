"""The Chat pane's conversation view: messages as rich text, the streaming answer as markdown.

While an answer streams it is shown with the finished answer's markdown rules, rendered off the
GUI thread block by block (`live_answer.LiveAnswer`); when it completes nothing is rendered
again but its last block. Every message is appended through `rich_text.append_html`, so a
message looks the same just finished and reopened later. No remote resource is ever loaded:
loadResource answers nothing, and links open only on click, outside. An answer that drew on an
attached document lists its sources under it; a click on one asks the pane to open the document
at that span (`source_requested`). An answer that is wholly JSON (structured output) is shown
indented in a code block; a checked one ends with its mark: valid, or where it is not.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QTextBrowser, QWidget

from desktop_app.core.controllers.chat_structured import OutputCheck, pretty_json
from desktop_app.ui.background import run
from desktop_app.ui.chat.live_answer import LiveAnswer, RenderWorker
from desktop_app.ui.chat.rich_text import append_html
from desktop_app.ui.markdown import escape_plain, render_markdown, warm_up

_warmed = False
VALID_COLOR, INVALID_COLOR = "#2e9d4a", "#d03b2f"  # readable on the light and dark palette


def _warm_up_once(owner: Transcript) -> None:
    """Load the renderer's lazy parts off the GUI thread, once per process (see `warm_up`)."""
    global _warmed
    if not _warmed:
        _warmed = True
        run(owner, "markdown warm-up", warm_up, lambda _result: None)


def json_block(pretty: str) -> str:
    """Indented JSON as a fenced markdown block (no line of it can close the fence: each
    starts with a bracket, a quote or a value, after its indent)."""
    return f"```json\n{pretty}\n```"


@dataclass
class ShownMessage:
    role: str
    content: str
    position: int
    sources: list[dict[str, Any]] = field(default_factory=list)


class Transcript(QTextBrowser):
    edit_requested = Signal(int)  # position of a user message
    copied = Signal(str)  # what was copied, for a status notice
    answer_shown = Signal()  # a finished answer is on screen in its final form
    source_requested = Signal(int, int, int)  # attachment id, start, end: a cited span

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName(self.tr("Conversation"))
        self.document().setUndoRedoEnabled(False)  # read-only: no history of every update
        self.anchorClicked.connect(self._on_anchor)
        self._messages: list[ShownMessage] = []
        self._code_blocks: list[str] = []
        self._live: LiveAnswer | None = None
        self._render_worker: RenderWorker | None = None
        app = QApplication.instance()
        self.dark = bool(app.property("hearth_dark")) if app is not None else False
        _warm_up_once(self)

    # ---- never fetch anything ------------------------------------------------------------

    def loadResource(self, type: int, name: QUrl | str) -> object:
        return None

    # ---- content -------------------------------------------------------------------------

    @property
    def rendering(self) -> bool:
        """True while an answer is shown in a form that is not yet its final one."""
        return self._live is not None

    @property
    def caught_up(self) -> bool:
        """Whether the page shows all of the answer streamed so far (it follows within frames)."""
        return self._live is None or self._live.caught_up

    def set_messages(self, messages: list[ShownMessage]) -> None:
        if self._live is not None:
            self._live.drop()
            self._live = None
        self._messages = list(messages)
        self._code_blocks = []
        self.clear()
        for m in self._messages:
            self._append_message(m)
        self._scroll_to_end()

    def add_message(self, message: ShownMessage) -> None:
        self._complete_live()
        self._messages.append(message)
        self._append_message(message)
        self._scroll_to_end()

    def begin_answer(self, position: int) -> None:
        self._complete_live()
        self._append(self._header_html("assistant", position))
        self._live = LiveAnswer(
            self,
            self.document(),
            self._worker,
            dark=self.dark,
            block_offset=len(self._code_blocks),
            copy_label=self.tr("Copy"),
            on_update=self._following,
            on_done=self._live_done,
        )
        self._scroll_to_end()

    def append_tokens(self, text: str) -> None:
        if self._live is not None:
            self._live.add(text)

    def streamed_text(self) -> str:
        return self._live.text if self._live is not None else ""

    def end_answer(
        self,
        text: str,
        position: int,
        note: str = "",
        sources: list[dict[str, Any]] | None = None,
        check: OutputCheck | None = None,
    ) -> None:
        """Show the answer's final form (soon: `answer_shown` says when), its sources, the
        structured output's mark (`check`), then `note`."""
        live = self._live
        if live is None or live.done:
            return
        shown = ShownMessage("assistant", text, position, list(sources or []))
        self._messages.append(shown)
        tail = self._sources_html(shown) + (self._check_html(check) if check else "")
        tail += self._note_html(note) if note else ""
        pretty = check.pretty if check is not None else pretty_json(text)
        live.finish(json_block(pretty) if pretty is not None else text, tail)

    def add_notice(self, text: str) -> None:
        self._complete_live()
        self._append(self._note_html(text))
        self._scroll_to_end()

    def _complete_live(self) -> None:
        """Something is appended after the answer: show its final form first (rarely needed:
        an answer that failed, or a new one begun before the last one's end was shown)."""
        if self._live is not None:
            self._live.complete_now()

    def _live_done(self) -> None:
        live = self._live
        assert live is not None
        self._code_blocks += live.code_blocks
        self._live = None
        self.answer_shown.emit()

    def _following(self, change: Callable[[], None]) -> None:
        """Apply a change at the end of the page, keeping the view at the end if it was."""
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4
        change()
        if follow:
            bar.setValue(bar.maximum())

    def _worker(self) -> RenderWorker:
        if self._render_worker is None:
            self._render_worker = RenderWorker(self)
        return self._render_worker

    def _append(self, html: str) -> None:
        append_html(self.document(), html)

    # ---- html ----------------------------------------------------------------------------

    def _header_html(self, role: str, position: int) -> str:
        who = (
            self.tr("You")
            if role == "user"
            else self.tr("Assistant")
            if role == "assistant"
            else self.tr("System")
        )
        copy_label = self.tr("Copy")
        links = f'<a href="msg-copy:{position}">{copy_label}</a>'
        if role == "user":
            edit_label = self.tr("Edit")
            links += f' &nbsp; <a href="msg-edit:{position}">{edit_label}</a>'
        color = "#8ab4f8" if self.dark else "#1a56b0"
        return (
            f'<p style="margin-top:14px; margin-bottom:2px"><b style="color:{color}">{who}</b>'
            f' &nbsp; <span style="font-size:small">{links}</span></p>'
        )

    def _body_html(self, m: ShownMessage) -> str:
        if m.role == "assistant":
            pretty = pretty_json(m.content)
            rendered = render_markdown(
                json_block(pretty) if pretty is not None else m.content,
                dark=self.dark,
                block_offset=len(self._code_blocks),
                copy_label=self.tr("Copy"),
            )
            self._code_blocks.extend(rendered.code_blocks)
            return rendered.html
        return f"<p>{escape_plain(m.content)}</p>"

    def _append_message(self, m: ShownMessage) -> None:
        """Header and body apart, as a streamed answer's are: the same blocks either way."""
        self._append(self._header_html(m.role, m.position))
        self._append(self._body_html(m))
        if m.sources:
            self._append(self._sources_html(m))

    def _sources_html(self, m: ShownMessage) -> str:
        """“Sources: [1] notes.txt 120–480 …”, each a link to its span; a part the model did
        not cite but whose words the answer shares is marked so ("likely")."""
        if not m.sources:
            return ""
        links = []
        for i, s in enumerate(m.sources):
            label = self.tr("[{0}] {1}, characters {2}–{3}").format(
                s.get("n", i + 1), html.escape(str(s.get("name", ""))), s.get("start"), s.get("end")
            )
            if not s.get("cited", True):
                label += " " + self.tr("(likely source, not cited)")
            links.append(f'<a href="src:{m.position}:{i}">{label}</a>')
        title = self.tr("Sources:")
        return f'<p style="font-size:small">{title} {" &nbsp; ".join(links)}</p>'

    def sources_of(self, position: int) -> list[dict[str, Any]]:
        for m in self._messages:
            if m.position == position:
                return m.sources
        return []

    def _check_html(self, check: OutputCheck) -> str:
        """The structured answer's mark: valid (against the schema, or as a JSON object), or
        the first place where it is not."""
        if check.valid:
            color = VALID_COLOR
            if check.kind == "json_schema":
                text = self.tr("✓ Valid against the schema")
            else:
                text = self.tr("✓ Valid JSON object")
        else:
            color = INVALID_COLOR
            text = self.tr("✗ Not valid: {0}").format(check.problem or "")
        return f'<p style="color:{color}; font-size:small">{html.escape(text)}</p>'

    def _note_html(self, text: str) -> str:
        return f'<p style="color:#b06000"><i>{html.escape(text)}</i></p>'

    # ---- helpers -------------------------------------------------------------------------

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def message_text(self, position: int) -> str | None:
        for m in self._messages:
            if m.position == position:
                return m.content
        return None

    def _on_anchor(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        blocks = self._code_blocks + (self._live.code_blocks if self._live is not None else [])
        if scheme == "copy" and rest.isdigit() and int(rest) < len(blocks):
            QApplication.clipboard().setText(blocks[int(rest)])
            self.copied.emit(self.tr("Code copied"))
        elif scheme == "msg-copy" and rest.isdigit():
            text = self.message_text(int(rest))
            if text is not None:
                QApplication.clipboard().setText(text)
                self.copied.emit(self.tr("Message copied"))
        elif scheme == "msg-edit" and rest.isdigit():
            self.edit_requested.emit(int(rest))
        elif scheme == "src":
            self._open_source(rest)
        elif scheme in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)  # the user clicked it; the app itself fetches nothing

    def _open_source(self, rest: str) -> None:
        position, _, index = rest.partition(":")
        if not (position.isdigit() and index.isdigit()):
            return
        sources = self.sources_of(int(position))
        if int(index) < len(sources):
            s = sources[int(index)]
            try:
                self.source_requested.emit(int(s["attachment_id"]), int(s["start"]), int(s["end"]))
            except (KeyError, TypeError, ValueError):
                return
