"""The summarize flow and its state, without Qt: the document, the options, the run, the result.

The Summarize pane is a view over a `SummarizeRun`: it renders the state kept here (the text and
the document it came from, its token count, the run's progress, parts and streamed text, the
result or the error) and forwards the user's actions. A new pane over the same object (the window
rebuilt for a language or a theme) shows the same document, summary and parts.

Blocking work (reading a file, counting tokens, summarizing) leaves the caller's thread through a
`Runner` (the same contract as the sentiment controller's): the default runs it on a `core.jobs`
thread, so listeners are called there; the GUI passes one built on `ui/background.py`, so they
are called on the GUI thread. Every job has a number: an answer from a job since replaced (a
count of a text edited since) is ignored. Texts for people stay the view's to write.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from desktop_app.core.controllers.runner import Listeners, Runner, thread_runner
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.storage.atomic import write_atomic
from desktop_app.core.tasks.documents import Document, load_document, text_from_paste
from desktop_app.core.tasks.summarize import (
    DEFAULT_SAMPLING,
    Advanced,
    PartDone,
    Plan,
    Progress,
    Retrying,
    Summarizer,
    SummaryEvent,
    SummaryOptions,
    SummaryResult,
    Token,
)
from desktop_app.core.tasks.summary_export import claims_markdown

__all__ = [
    "MAX_COUNT_CHARS",
    "Counted",
    "DocumentFailed",
    "DocumentRead",
    "Event",
    "Listener",
    "ReadStarted",
    "RunEnded",
    "RunStarted",
    "SummarizeRun",
]

_log = logging.getLogger(__name__)

MAX_COUNT_CHARS = 2_000_000  # beyond this the token count is not worth a request
Emit = Callable[[object], None]


# ---- events: what changed, for the views (called on the runner's thread) --------------------


@dataclass(frozen=True)
class ReadStarted:
    path: Path


@dataclass(frozen=True)
class DocumentRead:
    """`document` is loaded: `text` is its text now."""

    path: Path
    document: Document


@dataclass(frozen=True)
class DocumentFailed:
    path: Path
    error: BaseException


@dataclass(frozen=True)
class Counted:
    """`tokens` is the text's token count (None: it could not be counted)."""

    tokens: int | None


@dataclass(frozen=True)
class RunStarted:
    options: SummaryOptions


@dataclass(frozen=True)
class RunEnded:
    """The run is over: `result` (cancelled ones too) or `error`."""

    result: SummaryResult | None
    error: BaseException | None
    seconds: float


Event = ReadStarted | DocumentRead | DocumentFailed | Counted | RunStarted | RunEnded | SummaryEvent
Listener = Callable[[Event], None]


class SummarizeRun(Listeners):
    """The Summarize feature's flow and state; a pane renders it and forwards actions.

    `engine()` gives the engine to use now, or None when no model is loaded. Listeners get an
    `Event` after each change; the run's own events (`Progress`, `PartDone`, `Token`) pass through.
    """

    def __init__(
        self,
        engine: Callable[[], Engine | None],
        runner: Runner = thread_runner,
        sampling: SamplingParams = DEFAULT_SAMPLING,
    ) -> None:
        self._engine = engine
        self.runner = runner  # a view may replace it with one that delivers on its thread
        self.sampling = sampling  # the summarizer's calm defaults, as in the CLI
        self._listeners: list[Listener] = []
        # the text
        self.text = ""  # as typed or loaded (not yet normalized)
        self.document: Document | None = None
        self.path: Path | None = None
        self.edited = False  # the loaded document's text was changed since
        self.tokens: int | None = None
        self.reading = False
        self._text_version = 0
        self._counting: int | None = None  # the text version being counted
        # the run
        self.options = SummaryOptions()
        self.running = False
        self.cancelling = False
        self.run_events: list[SummaryEvent] = []  # this run's progress and parts, to replay
        self.step: Progress | Advanced | None = None  # where the run is now
        self.prompt_reported: bool | None = (
            None  # the engine says how far it read (None: unknown yet)
        )
        self.retrying: str | None = None  # why the final answer is being asked again
        self._eta: tuple[float, float] | None = None  # (seconds left, when that was said)
        self.plan: Plan | None = None  # one pass or parts, why, and the cost: said first
        self.run_text = ""  # the text summarized: the claims' offsets index it
        self.speeds: tuple[float, float] | None = None  # prompt, generation tok/s of the last run
        self.streamed = ""  # the final pass's text so far
        self.result: SummaryResult | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._started = 0.0
        self._stop: Callable[[], None] | None = None
        self.saved_to: Path | None = None

    # ---- the text ------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """The text changed (typed, pasted, cleared); the count is redone on `count_tokens`."""
        if text == self.text:
            return
        self.text = text
        self._text_version += 1
        self.tokens = None
        if self.document is not None:
            self.edited = True

    def forget_document(self) -> None:
        self.document, self.path, self.edited = None, None, False

    def normalized_text(self) -> str:
        return text_from_paste(self.text)

    def open(self, path: str | Path) -> bool:
        """Read a file off this thread; its text becomes `text`. False if busy."""
        if self.running or self.reading:
            return False
        p = Path(path)
        self.reading = True
        self._notify(ReadStarted(p))

        def task(_emit: Emit, _cancel: threading.Event) -> object:
            return load_document(p)

        def end(doc: object, error: BaseException | None) -> None:
            self.reading = False
            if error is not None or not isinstance(doc, Document):
                self._notify(DocumentFailed(p, error or TypeError("not a document")))
                return
            self.text = doc.text
            self._text_version += 1
            self.tokens = None
            self.document, self.path, self.edited = doc, p, False
            # the last summary was of another text: it goes with it (issue 14: no stale results)
            self.result, self.error, self.run_events, self.streamed = None, None, [], ""
            self.saved_to = None
            self._notify(DocumentRead(p, doc))

        self.runner("read-document", task, lambda _e: None, end)
        return True

    def forget_tokens(self) -> None:
        """Another model counts differently."""
        self.tokens = None

    def count_tokens(self) -> bool:
        """Count the text's tokens off this thread (a hint); False if nothing to count now."""
        engine = self._engine()
        text = self.text
        if (
            engine is None
            or self.running
            or self.tokens is not None
            or self._counting is not None
            or not text.strip()
            or len(text) > MAX_COUNT_CHARS
        ):
            return False
        version = self._counting = self._text_version

        def task(_emit: Emit, _cancel: threading.Event) -> object:
            return engine.count_tokens(text).result(timeout=120)

        def end(value: object, _error: BaseException | None) -> None:
            self._counting = None
            if version != self._text_version:  # edited meanwhile: count the new text
                self.count_tokens()
                return
            self.tokens = value if isinstance(value, int) else None
            self._notify(Counted(self.tokens))

        self.runner("count", task, lambda _e: None, end)
        return True

    # ---- the run -------------------------------------------------------------------------

    def summarize(self, n_ctx: int, options: SummaryOptions | None = None) -> bool:
        """Summarize `text` with the model (loaded with `n_ctx`). False if busy or nothing to do."""
        engine = self._engine()
        text = self.normalized_text()
        if self.running or self.reading or engine is None or not text.strip():
            return False
        if options is not None:
            self.options = options
        options = self.options
        summarizer = Summarizer(engine, n_ctx, self.sampling, speeds=self.speeds)
        self.running, self.cancelling = True, False
        self.plan, self.run_text = None, text
        self.run_events, self.streamed = [], ""
        self.step, self.prompt_reported, self.retrying, self._eta = None, None, None, None
        self.result, self.error, self.saved_to = None, None, None
        self._started = time.monotonic()
        self._notify(RunStarted(options))

        def task(emit: Emit, cancel: threading.Event) -> object:
            return summarizer.run(text, options, on_event=emit, cancel=cancel)

        self._stop = self.runner("summarize", task, self._on_run_event, self._on_run_end)
        return True

    def _on_run_event(self, event: object) -> None:
        if isinstance(event, Token):
            self.streamed += event.text
        elif isinstance(event, Plan):
            self.plan = event
            self.run_events.append(event)
        elif isinstance(event, PartDone):
            self.run_events.append(event)
        elif isinstance(event, Progress):
            self.run_events.append(event)
            self._step(event)
        elif isinstance(event, Advanced):
            self._step(event)  # many per request: only the last is kept
            if event.prompt:
                self.prompt_reported = True
            elif event.written and self.prompt_reported is None:
                self.prompt_reported = False  # it wrote without saying it read (a server)
        elif isinstance(event, Retrying):
            self.retrying, self.streamed = event.reason, ""
        else:
            return
        self._notify(event)

    def _step(self, event: Progress | Advanced) -> None:
        self.step = event
        self._eta = None if event.eta_s is None else (event.eta_s, time.monotonic())

    # ---- where the run is (for the progress bar and its line) --------------------------------

    def time_left(self) -> float | None:
        """Seconds left in the run, counting down between the run's events; None: not known."""
        if not self.running or self._eta is None:
            return None
        eta, at = self._eta
        return max(0.0, eta - (time.monotonic() - at))

    def fraction(self) -> float | None:
        """How much of the current stage is done (0..1), parts and the request in flight.

        None while nothing has been measured in the stage's first request (an engine that does
        not report its prompt reading, a remote server, is reading it): an indeterminate bar.
        """
        step = self.step
        if step is None or not self.running:
            return None
        if isinstance(step, Progress):
            return None if step.i == 1 else (step.i - 1) / step.n
        return (step.i - 1 + step.within) / step.n

    def _on_run_end(self, result: object, error: BaseException | None) -> None:
        self.running, self.cancelling, self._stop = False, False, None
        self.seconds = time.monotonic() - self._started
        if error is None and not isinstance(result, SummaryResult):
            error = TypeError(f"the summarizer returned {result!r}")
        self.result = result if error is None else None  # type: ignore[assignment]
        self.error = error
        if self.result is not None:
            self.speeds = _speeds(self.result) or self.speeds
        self._notify(RunEnded(self.result, error, self.seconds))

    def cancel(self) -> None:
        """Stop now; what is done is kept (`RunEnded` follows with a cancelled result)."""
        if self.running and self._stop is not None and not self.cancelling:
            self.cancelling = True
            self._stop()

    def shutdown(self) -> None:
        self.cancel()

    @property
    def summary(self) -> str:
        """The finished summary ('' while running, after a failure, or cut before the final)."""
        return self.result.summary if self.result is not None else ""

    # ---- saving --------------------------------------------------------------------------

    def save(self, path: str | Path, text: str | None = None) -> Path:
        """Write `text` (default: the summary) as Markdown; a name without a suffix gets .md.

        Raises OSError. `text` lets the view save what it shows (after a cancel: the parts).
        """
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".md")
        body = (self.export_text() if text is None else text).replace("\r\n", "\n").rstrip(
            "\n"
        ) + "\n"
        write_atomic(target, body.encode("utf-8"))
        self.saved_to = target
        return target

    def export_text(self, **labels: str) -> str:
        """The summary as saved: its text, then its claims with their quoted sources (labels:
        claims_markdown's, translated by the view)."""
        result = self.result
        if result is None or not result.summary:
            return self.summary
        listed = claims_markdown(result, self.run_text, **labels)
        return f"{result.summary.rstrip()}\n\n{listed}" if listed else result.summary

    def with_seed(self, seed: int) -> None:
        """Fix the sampling seed (tests and benchmarks: the same summary every time)."""
        self.sampling = replace(self.sampling, seed=seed)


def _speeds(result: SummaryResult) -> tuple[float, float] | None:
    """The run's prompt and generation speeds (tokens/s), for the next run's plan."""
    read = [(r.prompt_tokens, r.prompt_tps) for r in result.requests if r.prompt_tps > 0]
    wrote = [(r.completion_tokens, r.gen_tps) for r in result.requests if r.gen_tps > 0]
    if not read or not wrote:
        return None
    prompt = sum(n for n, _ in read) / sum(n / tps for n, tps in read)
    gen = sum(n for n, _ in wrote) / max(1e-9, sum(n / tps for n, tps in wrote))
    return (prompt, gen) if prompt > 0 and gen > 0 else None
