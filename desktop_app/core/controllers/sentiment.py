"""The sentiment flows and their state, without Qt: one text, and a batch file's rows.

The Sentiment pane is a view over a `SentimentController`: it renders the state kept here (the
file read, its text column, the run's labels, per-row results as they come, progress, the
outcome, the one-text result, the options as typed) and forwards the user's actions. A new pane
over the same controller (the window rebuilt for a language or a theme) shows the same results.

Blocking work (reading a file, scoring) leaves the caller's thread through a `Runner`. The
default runs it on a `core.jobs` thread, so events and listeners arrive on that thread; the GUI
passes one built on `ui/background.py`, so they arrive on the GUI thread. Every job has a number:
an answer from a job since replaced is ignored. Texts for people (errors, summaries) are the
view's to write, in its language; the controller keeps the facts they are made from.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.controllers.runner import Emit, Listeners, Runner, thread_runner
from desktop_app.core.controllers.sentiment_events import (
    BatchEnded,
    BatchStarted,
    CancelRequested,
    Event,
    Exported,
    GoldChanged,
    Listener,
    OneEnded,
    OneStarted,
    Options,
    OptionsDraft,
    Progress,
    ReadFailed,
    Readings,
    ReadStarted,
    ReasonDone,
    RowDone,
    RowsReset,
    TableLoaded,
    UnsureChanged,
    guess_gold,
)
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.tasks.sentiment import (
    DEFAULT_UNSURE_BELOW,
    NOT_SCORED,
    ItemResult,
    SentimentTask,
    Table,
    export_csv,
    read_table,
)

# The events and values (sentiment_events.py) are imported from here too.
__all__ = ["Event", "NoModelError", "SentimentController"]


class NoModelError(RuntimeError):
    """There is no engine to score with (no model loaded)."""


@dataclass(frozen=True)
class _Scored:
    """Worker -> controller: one row scored (labels stage) or explained (reasons stage)."""

    stage: str
    done: int
    total: int
    index: int
    result: ItemResult


class SentimentController(Readings, Listeners):
    """The Sentiment feature's flows and state; a pane renders it and forwards actions.

    `engine()` gives the engine to use now (the local one or a remote server), or None when no
    model is loaded; `runner` takes work off the caller's thread (a view may replace it with one
    that delivers on its thread). Listeners get an `Event` after each change.
    """

    def __init__(
        self,
        engine: Callable[[], Engine | None],
        runner: Runner = thread_runner,
        *,
        unsure_below: float = DEFAULT_UNSURE_BELOW,
    ) -> None:
        self._engine = engine
        self.runner = runner
        self._listeners: list[Listener] = []
        self._job = 0  # the batch side: reading a file or running
        self._request = 0  # the one-text side
        self._stop: Callable[[], None] | None = None  # the runner's stop for the batch
        self._asked_to_stop = threading.Event()  # also heard before the runner returns
        # the batch file
        self.table: Table | None = None
        self.table_path: str | None = None
        self.has_header = True  # how the file was last read
        self.busy: str | None = None  # "read" | "batch" while one runs
        self.reading_path: str | None = None  # the file being read
        # the run
        self.run_options: Options | None = None  # the options of the last run
        self.results: list[ItemResult | None] = []  # per row; None: not scored (yet)
        self.progress = Progress()
        self.cancel_requested = False
        self.error: BaseException | None = None  # why the last run stopped, if it failed
        self.seconds = 0.0  # how long the last run took
        self.finished = False  # the last run has ended
        self.exported = True  # nothing unsaved to lose
        self._run_started = 0.0
        # one text
        self.one_text = ""  # the text box, as typed
        self.one_options: Options | None = None  # what the one-text result was asked with
        self.one_result: ItemResult | None = None
        self.one_error: BaseException | None = None
        self.analyzing = False
        # what the views last showed, so a rebuilt one shows the same
        self.options_draft: OptionsDraft | None = None
        self.flow = "one"  # "one" | "batch": the tab last looked at
        # a result whose margin (top minus second probability) is below this is "unsure"
        self.unsure_below = unsure_below
        # evaluation mode: the column with the gold labels (None: no evaluation)
        self.gold_column: int | None = None
        self.method_used = ""  # the calibration the last run used ("automatic" resolved)
        self.probabilities = True  # False: the server gave none (constrained answers)

    # ---- the batch file ------------------------------------------------------------------

    def open_table(
        self, path: str | Path, column: int | None = None, has_header: bool = True
    ) -> bool:
        """Read a batch file off this thread; `TableLoaded` or `ReadFailed` follows. A file
        that cannot be read leaves the table and results there were."""
        if self.busy is not None:
            return False
        path = str(path)
        self._job += 1
        job = self._job
        self.busy = "read"
        self.reading_path = path

        def task(_emit: Emit, _cancel: threading.Event) -> object:
            return read_table(path, column, has_header=has_header)

        def end(table: object, error: BaseException | None) -> None:
            if job != self._job:
                return
            self.busy = None
            self.reading_path = None
            if not isinstance(table, Table):
                self._notify(ReadFailed(path, error or ValueError(f"{path}: no table")))
                return
            self.table = table
            self.table_path = path
            self.has_header = has_header
            self.gold_column = guess_gold(table)
            self._reset_rows()
            self._notify(TableLoaded(path))

        self._notify(ReadStarted(path))
        self.runner("sentiment-read", task, lambda _e: None, end)
        return True

    def reread(self, has_header: bool) -> bool:
        """The same file, with or without a header row, keeping the text column."""
        if self.table_path is None or self.table is None:
            return False
        return self.open_table(self.table_path, self.table.text_column, has_header)

    def choose_column(self, index: int) -> bool:
        """Label another column's texts: every result is cleared (`RowsReset`)."""
        if self.table is None or self.busy is not None or index == self.table.text_column:
            return False
        if not 0 <= index < len(self.table.columns):
            return False
        self.table.text_column = index
        if self.gold_column == index:
            self.gold_column = None
        self._reset_rows()
        self._notify(RowsReset())
        return True

    def choose_gold(self, index: int | None) -> bool:
        """Evaluate against column `index` (None: no evaluation); `GoldChanged` follows."""
        table = self.table
        if (
            table is not None
            and index is not None
            and (not 0 <= index < len(table.columns) or index == table.text_column)
        ):
            return False
        if index == self.gold_column:
            return False
        self.gold_column = index
        self._notify(GoldChanged(index))
        return True

    def _reset_rows(self) -> None:
        self.results = [None] * (len(self.table.rows) if self.table is not None else 0)
        self.run_options = None
        self.progress = Progress(total=len(self.results))
        self.error = None
        self.finished = False
        self.cancel_requested = False
        self.exported = True

    # ---- the run -------------------------------------------------------------------------

    def run_batch(self, options: Options) -> bool:
        """Label every row's text; `RowDone` per row (`ReasonDone` per reason), then
        `BatchEnded`. False, and nothing starts, if it cannot run now."""
        if self.busy is not None or self.analyzing or self.table is None or not self.table.rows:
            return False
        engine = self._engine()
        if engine is None:
            return False
        texts = self.table.texts
        self._job += 1
        job = self._job
        self.busy = "batch"
        self.run_options = options
        self.results = [None] * len(texts)
        self.progress = Progress("labels", 0, len(texts), time.perf_counter())
        self._run_started = self.progress.started
        self.cancel_requested = False
        self.error = None
        self.finished = False
        self.exported = False
        self._stop = None
        asked = self._asked_to_stop = threading.Event()
        task = SentimentTask(engine, instruction=options.system())

        def work(emit: Emit, cancel: threading.Event) -> object:
            return _score_rows(
                task, texts, options, emit, lambda: cancel.is_set() or asked.is_set()
            )

        def event(item: object) -> None:
            if job == self._job and isinstance(item, _Scored):
                self._scored(item)

        def end(results: object, error: BaseException | None) -> None:
            if job != self._job:
                return
            if error is None and isinstance(results, list):
                for i, res in enumerate(results[: len(self.results)]):
                    if isinstance(res, ItemResult):
                        self.results[i] = res
            else:
                self.error = error or ValueError("the batch gave no results")
            self.busy = None
            self._stop = None
            self.method_used = task.last_method
            self.probabilities = task.probabilities
            self.finished = True
            self.seconds = time.perf_counter() - self._run_started
            self._notify(BatchEnded(self.error, self.outcome(), self.seconds))

        self._notify(BatchStarted(len(texts)))
        stop = self.runner("sentiment-batch", work, event, end)
        if job == self._job and self.busy == "batch":  # not ended already
            self._stop = stop
        return True

    def _scored(self, item: _Scored) -> None:
        if item.stage != self.progress.stage:  # the first reason: a new stage begins
            self.progress = Progress(item.stage, 0, item.total, time.perf_counter())
        self.progress.done = item.done
        self.progress.total = item.total
        if 0 <= item.index < len(self.results):
            self.results[item.index] = item.result
        if item.stage == "labels":
            self._notify(RowDone(item.index, item.result))
        else:
            self._notify(ReasonDone(item.index, item.result))

    def cancel(self) -> bool:
        """Stop the run; the texts labelled so far are kept, `BatchEnded` still follows."""
        if self.busy != "batch" or self.cancel_requested:
            return False
        self.cancel_requested = True
        self._asked_to_stop.set()
        if self._stop is not None:
            self._stop()
        self._notify(CancelRequested())
        return True

    def shutdown(self) -> None:
        """Stop what is in flight (the window closes or is rebuilt): a batch still ends with
        the rows it scored; a one-text answer still coming is dropped."""
        self.cancel()
        if self.analyzing:
            self._request += 1
            self.analyzing = False
            self._notify(OneEnded(None, None))

    # ---- what the results read as -------------------------------------------------------

    def set_unsure_below(self, below: float) -> bool:
        """A new threshold for "unsure" (a display rule: nothing is scored again); an
        `UnsureChanged` follows if it changed."""
        below = min(1.0, max(0.0, float(below)))
        if below == self.unsure_below:
            return False
        self.unsure_below = below
        self._notify(UnsureChanged(below))
        return True

    # ---- export --------------------------------------------------------------------------

    def export(self, path: str | Path, *, unreached: str = NOT_SCORED) -> Path:
        """Write the file's columns plus label, probabilities, margin and unsure per row as CSV
        (atomically); OSError if it cannot be written, and nothing is lost. Rows with no result
        say `unreached`."""
        if self.table is None:
            raise ValueError("no batch file")
        results = [r or ItemResult(None, {}, unreached) for r in self.results]
        written = export_csv(
            self.table.rows,
            self.table.columns,
            results,
            path,
            labels=self.labels,
            unsure_below=self.unsure_below,
        )
        self.exported = True
        self._notify(Exported(written, len(results)))
        return written

    # ---- one text ------------------------------------------------------------------------

    def analyze(self, text: str, options: Options) -> bool:
        """Label one text; `OneEnded` follows with the result or the error. False, and
        nothing starts, while a batch or another text runs."""
        if self.busy is not None or self.analyzing:
            return False
        self._request += 1
        request = self._request
        self.analyzing = True
        self.one_text = text
        self.one_options = options
        self.one_result = None
        self.one_error = None
        engine = self._engine()

        def work(_emit: Emit, _cancel: threading.Event) -> object:
            if engine is None:
                raise NoModelError("no model is loaded")
            return SentimentTask(engine, instruction=options.system()).classify_one(
                text,
                options.labels,
                calibration=options.method,
                words=options.words(),
                examples=options.examples,
                reason=options.reason,
            )

        def end(result: object, error: BaseException | None) -> None:
            if request != self._request:
                return
            self.analyzing = False
            if isinstance(result, ItemResult):
                self.one_result = result
            else:
                self.one_error = error or ValueError("no result")
            self._notify(OneEnded(self.one_result, self.one_error))

        self._notify(OneStarted(text))
        self.runner("sentiment-one", work, lambda _e: None, end)
        return True


def _score_rows(
    task: SentimentTask,
    texts: list[str],
    options: Options,
    emit: Emit,
    stopped: Callable[[], bool],
) -> list[ItemResult]:
    """The batch's work (on the runner's thread): labels with a `_Scored` per row, then, if
    asked, one short reason per labelled row, with progress (classify_batch has none for
    reasons)."""

    def scored(done: int, total: int, index: int, result: ItemResult) -> None:
        emit(_Scored("labels", done, total, index, result))

    results = task.classify_batch(
        texts,
        options.labels,
        calibration=options.method,
        words=options.words(),
        examples=options.examples,
        on_progress=scored,
        cancel=stopped,
    )
    if options.reason:
        todo = [i for i, r in enumerate(results) if r.ok and r.label is not None]
        for n, i in enumerate(todo, start=1):
            if stopped():
                break
            item = results[i]
            why = task.explain(texts[i], item.label or "")
            results[i] = ItemResult(item.label, item.probs, None, why)
            emit(_Scored("reasons", n, len(todo), i, results[i]))
    return results
