"""The sentiment controller's values and events (see `controllers/sentiment.py`).

Events carry facts (paths, exceptions, counts), never sentences: the view writes those in its
language.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.tasks.sentiment import DEFAULT_UNSURE_BELOW, NOT_SCORED, ItemResult

__all__ = [
    "BatchEnded",
    "BatchStarted",
    "CancelRequested",
    "Event",
    "Exported",
    "Listener",
    "OneEnded",
    "OneStarted",
    "Options",
    "OptionsDraft",
    "Outcome",
    "Progress",
    "ReadFailed",
    "ReadStarted",
    "ReasonDone",
    "RowDone",
    "RowsReset",
    "TableLoaded",
    "UnsureChanged",
    "label_counts",
    "unsure_counts",
]


@dataclass(frozen=True)
class Options:
    """What a run uses: the labels, few-shot examples, calibration, a reason per text."""

    labels: tuple[str, ...]
    examples: tuple[tuple[str, str], ...] = ()
    calibrate: bool = True
    reason: bool = False


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
)
Listener = Callable[[Event], None]
