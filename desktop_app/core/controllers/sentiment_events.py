"""The sentiment controller's values and events (see `controllers/sentiment.py`).

Events carry facts (paths, exceptions, counts), never sentences: the view writes those in its
language.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.tasks.calibration import AUTOMATIC, DEFAULT_LABEL_WORDS, LabelWords
from desktop_app.core.tasks.label_presets import instruction_for
from desktop_app.core.tasks.sentiment import DEFAULT_UNSURE_BELOW, NOT_SCORED, ItemResult, Table
from desktop_app.core.tasks.sentiment_eval import Evaluation, evaluate

__all__ = [
    "BatchEnded",
    "BatchStarted",
    "CancelRequested",
    "Event",
    "Exported",
    "GoldChanged",
    "Listener",
    "OneEnded",
    "OneStarted",
    "Options",
    "OptionsDraft",
    "Outcome",
    "Progress",
    "ReadFailed",
    "ReadStarted",
    "Readings",
    "ReasonDone",
    "RowDone",
    "RowsReset",
    "TableLoaded",
    "UnsureChanged",
    "guess_gold",
    "label_counts",
    "unsure_counts",
]


@dataclass(frozen=True)
class Options:
    """What a run uses: the labels, few-shot examples, calibration, a reason per text, and the
    instruction (None: the default for the labels; `{labels}` in it becomes the labels).

    `calibration` is one of calibration.CHOICES ("automatic": the language's best on the dev
    set); `calibrate=False` means none whatever it says. `label_words`: also score the
    built-in words per label (calibration.BUILT_IN_WORDS)."""

    labels: tuple[str, ...]
    examples: tuple[tuple[str, str], ...] = ()
    calibrate: bool = True
    reason: bool = False
    calibration: str = AUTOMATIC
    instruction: str | None = None
    label_words: bool = DEFAULT_LABEL_WORDS

    @property
    def method(self) -> str:
        """The calibration asked for (before "automatic" is resolved for the texts)."""
        return self.calibration if self.calibrate else "none"

    def words(self) -> LabelWords:
        words = LabelWords.plain(self.labels)
        return words.with_built_in() if self.label_words else words

    def system(self) -> str | None:
        """The instruction as the model reads it, or None for the default."""
        text = (self.instruction or "").strip()
        return instruction_for(text, self.labels) if text else None


@dataclass(frozen=True)
class OptionsDraft:
    """The options as typed (valid or not), so that a rebuilt options panel shows them again
    (a valid state is also in the settings, but an invalid one, or one typed in the last
    moments before a rebuild, is only here)."""

    labels_text: str
    examples: tuple[tuple[str, str], ...]
    calibrate: bool
    reason: bool
    unsure_below: float = DEFAULT_UNSURE_BELOW
    calibration: str = AUTOMATIC
    instruction: str = ""
    label_words: bool = DEFAULT_LABEL_WORDS


@dataclass
class Progress:
    """Where a run is: labelling (`stage` "labels") then, if asked, writing reasons."""

    stage: str = "labels"
    done: int = 0
    total: int = 0
    started: float = 0.0  # time.perf_counter() when this stage began

    def rate(self, now: float | None = None) -> float:
        """Items per second in this stage so far."""
        elapsed = (time.perf_counter() if now is None else now) - self.started
        return self.done / elapsed if elapsed > 0 and self.done else 0.0

    def seconds_left(self, now: float | None = None) -> float:
        rate = self.rate(now)
        return (self.total - self.done) / rate if rate > 0 else 0.0


@dataclass(frozen=True)
class Outcome:
    """A run's rows counted: labelled, with an error, not reached (cancelled), of `total`."""

    labelled: int
    errors: int
    not_scored: int
    total: int

    @classmethod
    def of(cls, results: Sequence[ItemResult | None], *, failed: bool) -> Outcome:
        """Count `results` (None: not reached yet; after a failed run, an error)."""
        labelled = sum(1 for r in results if r is not None and r.ok)
        not_scored = sum(1 for r in results if r is not None and r.error == NOT_SCORED)
        errors = sum(1 for r in results if r is not None and not r.ok) - not_scored
        if failed:
            errors += sum(1 for r in results if r is None)
        return cls(labelled, errors, not_scored, len(results))


def label_counts(
    results: Sequence[ItemResult | None], *, failed: bool
) -> tuple[dict[str, int], int]:
    """Texts per label, and texts without one: errors, and after a failed run the rows it did
    not reach (rows not reached by a cancelled or running batch are left out)."""
    counts: dict[str, int] = {}
    unlabelled = 0
    for r in results:
        if r is None:
            unlabelled += 1 if failed else 0
        elif r.ok and r.label is not None:
            counts[r.label] = counts.get(r.label, 0) + 1
        elif r.error != NOT_SCORED:
            unlabelled += 1
    return counts, unlabelled


def unsure_counts(results: Sequence[ItemResult | None], below: float) -> dict[str, int]:
    """Per label, how many of its texts are unsure (a margin under `below`)."""
    counts: dict[str, int] = {}
    for r in results:
        if r is not None and r.label is not None and r.unsure(below):
            counts[r.label] = counts.get(r.label, 0) + 1
    return counts


class Readings:
    """What the controller's state says (for the views): the controller's queries, apart from
    its flows."""

    busy: str | None
    run_options: Options | None
    one_options: Options | None
    results: list[ItemResult | None]
    finished: bool
    error: BaseException | None
    exported: bool
    unsure_below: float
    table: Table | None
    gold_column: int | None

    @property
    def running(self) -> bool:
        return self.busy == "batch"

    @property
    def labels(self) -> tuple[str, ...]:
        """The columns of the results: the labels of the last run."""
        return self.run_options.labels if self.run_options is not None else ()

    @property
    def one_labels(self) -> tuple[str, ...]:
        """The labels the one-text result is over."""
        return self.one_options.labels if self.one_options is not None else ()

    @property
    def with_reason(self) -> bool:
        return self.run_options is not None and self.run_options.reason

    def has_results(self) -> bool:
        return any(r is not None for r in self.results)

    @property
    def unsaved(self) -> bool:
        """Results not yet exported (a view asks before throwing them away)."""
        return not self.exported and self.has_results()

    def counts(self) -> tuple[dict[str, int], int]:
        """Texts per label, and texts without one (see `label_counts`)."""
        return label_counts(self.results, failed=self.finished and self.error is not None)

    def unsure_counts(self) -> dict[str, int]:
        """Per label, how many of its texts are unsure (see `set_unsure_below`)."""
        return unsure_counts(self.results, self.unsure_below)

    def unsure(self, result: ItemResult | None) -> bool:
        """Whether `result` is too close to call by the threshold set now."""
        return result is not None and result.unsure(self.unsure_below)

    def outcome(self) -> Outcome:
        """The rows so far: labelled, with errors, not scored (see `Outcome.of`)."""
        return Outcome.of(self.results, failed=self.finished and self.error is not None)

    def evaluation(self) -> Evaluation | None:
        """The results against the gold column (evaluation mode), once there are results."""
        table, gold = self.table, self.gold_column
        if table is None or gold is None or not self.labels or not self.has_results():
            return None
        golds = [row[gold] if gold < len(row) else "" for row in table.rows]
        return evaluate(golds, self.results, self.labels)


GOLD_NAMES = ("gold", "label", "labels", "sentiment", "class", "category", "target")


def guess_gold(table: Table) -> int | None:
    """A column that looks like gold labels (named "gold", "label", ...), not the texts."""
    for name in GOLD_NAMES:
        for i, column in enumerate(table.columns):
            if column.strip().casefold() == name and i != table.text_column:
                return i
    return None


# ---- events: what changed, for the views (called on the runner's thread) --------------------


@dataclass(frozen=True)
class ReadStarted:
    path: str


@dataclass(frozen=True)
class TableLoaded:
    """A batch file was read; its rows have no results yet."""

    path: str


@dataclass(frozen=True)
class ReadFailed:
    """A batch file could not be read; the table and results before it are kept."""

    path: str
    error: BaseException


@dataclass(frozen=True)
class RowsReset:
    """Another text column: the rows' texts changed, every result is cleared."""


@dataclass(frozen=True)
class BatchStarted:
    total: int


@dataclass(frozen=True)
class RowDone:
    """A row got its label and probabilities (or its error)."""

    index: int
    result: ItemResult


@dataclass(frozen=True)
class ReasonDone:
    """A row got its one-sentence reason."""

    index: int
    result: ItemResult


@dataclass(frozen=True)
class CancelRequested:
    pass


@dataclass(frozen=True)
class BatchEnded:
    """A run ended: complete, cancelled (rows not reached say NOT_SCORED) or failed (`error`;
    rows not reached have no result)."""

    error: BaseException | None
    outcome: Outcome
    seconds: float


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int


@dataclass(frozen=True)
class OneStarted:
    text: str


@dataclass(frozen=True)
class OneEnded:
    """The one text was analysed (`result`) or failed (`error`)."""

    result: ItemResult | None
    error: BaseException | None


@dataclass(frozen=True)
class GoldChanged:
    """Evaluation mode: the gold column changed (None: no evaluation)."""

    column: int | None


@dataclass(frozen=True)
class UnsureChanged:
    """The margin under which a result is unsure changed: every result reads anew."""

    below: float


Event = (
    ReadStarted
    | TableLoaded
    | ReadFailed
    | RowsReset
    | BatchStarted
    | RowDone
    | ReasonDone
    | CancelRequested
    | BatchEnded
    | Exported
    | OneStarted
    | OneEnded
    | UnsureChanged
    | GoldChanged
)
Listener = Callable[[Event], None]
