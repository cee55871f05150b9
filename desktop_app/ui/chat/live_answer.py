"""The answer streaming into the transcript, shown as markdown while it arrives.

The answer so far is rendered with the finished answer's rules (`markdown.render_stream`): its
settled blocks are appended to the document once; only its last block, the one more tokens may
still change, is updated, mostly by typing the new words at the end (`rich_text.appended_text`),
else by replacing that block. Rendering (parsing, highlighting) runs off the GUI thread, on one
`ui/background.Background` worker per transcript, one job at a time, the next one taking whatever
text has arrived meanwhile; the GUI thread only applies the HTML it gets back. A short piece of
prose is rendered in place (a fraction of a millisecond), so a short answer is final on screen
as soon as it ends. A finished answer is therefore never rendered again as a whole: that render
(88 ms for 2,000 tokens, on the GUI thread) was the GUI's longest stall.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextDocument

from desktop_app.ui.background import Background
from desktop_app.ui.chat.rich_text import (
    append_html,
    append_text,
    appended_text,
    end_position,
    truncate,
)
from desktop_app.ui.markdown import RenderedMarkdown, StreamRender, escape_plain, render_stream

__all__ = ["LiveAnswer", "RenderWorker", "normalize"]

_log = logging.getLogger(__name__)

# Rendered on the GUI thread when no longer than this and free of code (no highlighting).
SYNC_CHARS = 400
_CODE_MARKS = ("```", "~~~", "\n    ", "\t")
# Updates are shown at most 30 times a second, and after one that took t on the GUI thread
# the next waits 2 t (a big last block, such as a long code block being written, is then
# re-shown less often instead of hogging the GUI).
_MIN_INTERVAL = 1 / 30
_BACKOFF = 2.0


def normalize(text: str) -> str:
    """Line breaks as the markdown parser counts them (its line numbers map to offsets)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _Job:
    text: str  # the whole answer so far (normalized)
    start: int  # where its unsettled part begins
    final: bool
    block_offset: int  # the number of the first code block in the unsettled part
    generation: int  # the answer's generation when asked: older results are dropped
    dark: bool
    copy_label: str
    deliver: Callable[[_Job, StreamRender], None]  # the answer's, on the GUI thread


def _render(job: _Job) -> StreamRender:
    """Any thread: the markdown of the unsettled part (pure string work). If rendering ever
    fails, the text is still shown, as plain text."""
    rest = job.text[job.start :]
    try:
        return render_stream(
            rest,
            final=job.final,
            dark=job.dark,
            block_offset=job.block_offset,
            copy_label=job.copy_label,
        )
    except Exception as exc:
        _log.warning("rendering the answer failed: %r", exc)
        plain = RenderedMarkdown(f"<p>{escape_plain(rest)}</p>", [])
        return StreamRender(RenderedMarkdown("", []), 0, plain)


class RenderWorker:
    """The thread a transcript's answers are rendered on (one, not one per update): jobs in,
    each result back on the GUI thread, in order, to the answer that asked (`_Job.deliver`).

    It lives as long as its owner: the `Background` is the owner's child, and the owner's end
    ends the loop (deleting the `Background` while the owner lives crashes PySide6 6.x when the
    owner goes soon after: "shared QObject was deleted directly").
    """

    def __init__(self, owner: QObject) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._background = Background(parent=owner)
        self._background.event_arrived.connect(_deliver)
        jobs = self._jobs
        owner.destroyed.connect(lambda *_args: jobs.put(None))
        self._background.start(self._loop, name="render answers")

    def submit(self, job: _Job) -> None:
        self._jobs.put(job)

    def _loop(self, emit: Callable[[object], None], cancel: threading.Event) -> None:
        while not cancel.is_set():  # set if a result finds the owner gone
            job = self._jobs.get()
            if job is None:
                return
            emit((job, _render(job)))


def _deliver(pair: tuple[_Job, StreamRender]) -> None:
    job, result = pair
    job.deliver(job, result)


class LiveAnswer:
    """One answer from its first token to its final form; the transcript owns it.

    `on_update(change)` runs each document change (the transcript keeps the view at the end
    around it); `on_done()` is called once the finished answer is fully shown.
    """

    def __init__(
        self,
        owner: QObject,
        doc: QTextDocument,
        worker: Callable[[], RenderWorker],
        *,
        dark: bool,
        block_offset: int,
        copy_label: str,
        on_update: Callable[[Callable[[], None]], None],
        on_done: Callable[[], None],
    ) -> None:
        self._doc = doc
        self._worker = worker  # the owner's, made when first needed
        self._dark = dark
        self._block_offset = block_offset
        self._copy_label = copy_label
        self._on_update = on_update
        self._on_done = on_done
        self._pieces: list[str] = []
        self._text = ""  # the (normalized) text the document shows
        self._shown = -1  # its length; -1: nothing shown yet
        self._start = 0  # where in the answer its unsettled part begins
        self._body = end_position(doc)  # where the answer's body begins in the document
        self._mark = self._body  # where its unsettled part begins in the document
        self._tail_html = ""  # what the document shows from `_mark` on
        self._settled_code: list[str] = []
        self._tail_code: list[str] = []
        self._final: str | None = None
        self._note_html = ""
        self._busy = False
        self._generation = 0
        self._done = False
        self._next_at = 0.0
        self._timer = QTimer(owner)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._kick)

    # ---- what the transcript calls -------------------------------------------------------

    @property
    def text(self) -> str:
        """The streamed text so far, as it arrived."""
        if len(self._pieces) > 1:
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    @property
    def code_blocks(self) -> list[str]:
        """The sources of the code blocks shown so far, numbered on from `block_offset`."""
        return self._settled_code + self._tail_code

    @property
    def done(self) -> bool:
        return self._done

    @property
    def caught_up(self) -> bool:
        """Whether the page shows all the text streamed so far."""
        return self._done or self._shown == len(normalize(self.text))

    def add(self, text: str) -> None:
        if self._final is None and text:
            self._pieces.append(text)
            self._kick()

    def finish(self, text: str, note_html: str = "") -> None:
        """The answer is complete (`text` is all of it): show its final form, then `note_html`."""
        if self._final is not None or self._done:
            return
        final = normalize(text)
        if not final.startswith(self._text[: self._start]):  # not what was streamed: redo all
            self._generation += 1
            self._busy = False
            self._start, self._mark, self._settled_code = 0, self._body, []
            self._tail_html = "\0"  # what is shown after the mark is unknown: replace it
        self._final, self._note_html = final, note_html
        self._kick()

    def complete_now(self) -> None:
        """Show the final form at once, on this thread (something else is appended next)."""
        if self._done:
            return
        if self._final is None:  # ended without an end (a failure): what came is all there is
            self._final = normalize(self.text)
        self._generation += 1
        self._busy = False
        job = self._job(self._final, True)
        self._apply(job, _render(job))

    def drop(self) -> None:
        """Forget this answer (the document is being rebuilt); pending work is discarded."""
        self._generation += 1
        self._end()

    # ---- rendering -----------------------------------------------------------------------

    def _job(self, text: str, final: bool) -> _Job:
        offset = self._block_offset + len(self._settled_code)
        return _Job(
            text, self._start, final, offset, self._generation, self._dark, self._copy_label,
            self._arrived,
        )  # fmt: skip

    def _kick(self) -> None:
        if self._done:
            return
        final = self._final is not None
        text = self._final if self._final is not None else normalize(self.text)
        rest = text[self._start :]
        small = len(rest) <= SYNC_CHARS and not any(mark in rest for mark in _CODE_MARKS)
        if self._busy:
            if not (final and small):
                return  # the job in flight kicks again when it ends
            self._generation += 1  # the end is cheap to show now: the job's result is dropped
            self._busy = False
        if not final and len(text) == self._shown:
            return
        wait = self._next_at - time.perf_counter()
        if not final and wait > 0:
            if not self._timer.isActive():
                self._timer.start(int(wait * 1000) + 1)
            return
        job = self._job(text, final)
        if small:
            self._timed_apply(job, _render(job))
            return
        self._busy = True
        self._worker().submit(job)

    def _arrived(self, job: _Job, result: StreamRender) -> None:
        if job.generation != self._generation or self._done:
            return
        self._busy = False
        self._timed_apply(job, result)
        self._kick()  # the text that arrived meanwhile, or the end

    def _timed_apply(self, job: _Job, result: StreamRender) -> None:
        began = time.perf_counter()
        self._apply(job, result)
        ended = time.perf_counter()
        self._next_at = ended + max(_MIN_INTERVAL, _BACKOFF * (ended - began))

    def _apply(self, job: _Job, result: StreamRender) -> None:
        # What now follows the mark, when the mark stays: the last block (or, at the end, all).
        staying = job.final or result.cut == 0
        after = result.settled.html + result.tail.html if staying else ""
        typed = appended_text(self._tail_html, after) if staying else None

        def change() -> None:
            if typed is not None:
                if typed:
                    append_text(self._doc, typed)
            else:
                truncate(self._doc, self._mark)
                append_html(self._doc, result.settled.html)
                if not job.final:
                    self._mark = end_position(self._doc)
                append_html(self._doc, result.tail.html)
            if job.final and self._note_html:
                append_html(self._doc, self._note_html)

        if typed != "" or (job.final and self._note_html):
            self._on_update(change)
        self._text, self._shown = job.text, len(job.text)
        self._start = job.start + result.cut
        self._settled_code += result.settled.code_blocks
        self._tail_code = list(result.tail.code_blocks)
        self._tail_html = after if staying else result.tail.html
        if job.final:
            self._end()
            self._on_done()

    def _end(self) -> None:
        self._done = True
        self._timer.stop()
