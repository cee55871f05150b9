"""A sentiment result and what is read from it: the label, every label's probability, how
clearly the label won (the margin) and whether that is too close to call (unsure); and the CSV
the results are written to.

The margin is the top probability minus the second. A near tie (44.4 % against 43.6 %) is not a
confident answer, so below a threshold the user sets (`DEFAULT_UNSURE_BELOW` unless they change
it) a result is "unsure": the GUI, the CLI and the export all say so, from the rule here.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.storage.atomic import write_atomic

# The words the model is asked about. The GUI shows them translated (ui/core_text.shown) but
# the model keeps the English words: a small model tells them apart far better than the Chinese.
DEFAULT_LABELS = (
    QT_TRANSLATE_NOOP("SentimentLabel", "positive"),
    QT_TRANSLATE_NOOP("SentimentLabel", "negative"),
    QT_TRANSLATE_NOOP("SentimentLabel", "neutral"),
)
NOT_SCORED = QT_TRANSLATE_NOOP("SentimentLabel", "Not scored: the batch was cancelled first.")
DEFAULT_UNSURE_BELOW = 0.10  # the settings' default (core/storage/settings_schema.py)

_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ItemResult:
    """One text's label and probabilities (every label, summing to 1), or why there are none."""

    label: str | None
    probs: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.label is not None

    def ranked(self) -> list[tuple[str, float]]:
        """The labels, likeliest first (the chosen label first where probabilities tie)."""
        return sorted(self.probs.items(), key=lambda kv: (-kv[1], kv[0] != self.label))

    @property
    def margin(self) -> float | None:
        """How clearly the label won: its probability minus the runner-up's (None: no result)."""
        if not self.ok or len(self.probs) < 2:
            return None
        ranked = self.ranked()
        return max(0.0, ranked[0][1] - ranked[1][1])

    @property
    def runner_up(self) -> str | None:
        """The second likeliest label (None: no result)."""
        if not self.ok or len(self.probs) < 2:
            return None
        ranked = [name for name, _p in self.ranked() if name != self.label]
        return ranked[0] if ranked else None

    def unsure(self, below: float) -> bool:
        """Too close to call: a margin under `below` (0 never, 1 always but for a certainty)."""
        margin = self.margin
        return margin is not None and margin < below


def clean(text: str) -> str:
    """Undecodable bytes (lone surrogates) become U+FFFD, so the text can be written out."""
    return _SURROGATES.sub("\ufffd", text)


# ---- writing results ----------------------------------------------------------------------------


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


def result_columns(
    original_columns: Sequence[str], labels: Sequence[str], with_reason: bool
) -> list[str]:
    """Names of the added columns: label, p_<label> per label, margin, unsure, error (and
    reason); renamed with a number where the file has a column of that name already."""
    taken = set(original_columns)
    label_col = (
        _unique("label", taken) if "label" not in taken else _unique("predicted_label", taken)
    )
    names = [label_col] + [_unique(f"p_{label}", taken) for label in labels]
    names += [_unique("margin", taken), _unique("unsure", taken), _unique("error", taken)]
    if with_reason:
        names.append(_unique("reason", taken))
    return names


def result_rows(
    rows: Sequence[Sequence[str]],
    original_columns: Sequence[str],
    results: Sequence[ItemResult],
    labels: Sequence[str] | None = None,
    *,
    unsure_below: float = DEFAULT_UNSURE_BELOW,
) -> Iterator[list[str]]:
    """The header, then each row: original cells, label, p_<label> per label, margin, unsure
    ("true"/"false", empty without a result), error (, reason)."""
    if len(rows) != len(results):
        raise ValueError(f"{len(rows)} rows but {len(results)} results")
    if labels is None:
        labels = next((list(r.probs) for r in results if r.probs), [])
    with_reason = any(r.reason for r in results)
    yield [clean(c) for c in original_columns] + result_columns(
        original_columns, labels, with_reason
    )
    for row, res in zip(rows, results, strict=True):
        cells = [clean(str(c)) for c in row]
        cells += [""] * (len(original_columns) - len(cells))
        cells.append(res.label or "")
        cells += [f"{res.probs[lab]:.4f}" if lab in res.probs else "" for lab in labels]
        margin = res.margin
        cells.append("" if margin is None else f"{margin:.4f}")
        cells.append("" if margin is None else str(res.unsure(unsure_below)).lower())
        cells.append(res.error or "")
        if with_reason:
            cells.append(res.reason or "")
        yield cells


def export_csv(
    rows: Sequence[Sequence[str]],
    original_columns: Sequence[str],
    results: Sequence[ItemResult],
    path: str | os.PathLike[str],
    *,
    labels: Sequence[str] | None = None,
    unsure_below: float = DEFAULT_UNSURE_BELOW,
) -> Path:
    """Write the original columns plus the label, one probability column per label, the margin,
    whether it is unsure and the error (if any) per row, as UTF-8 with BOM (Excel reads it as
    Unicode). Atomic: a temporary file in the same folder replaces the target only when
    complete."""
    lines = list(result_rows(rows, original_columns, results, labels, unsure_below=unsure_below))
    target = Path(path)
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(lines)
    write_atomic(target, buffer.getvalue().encode("utf-8-sig"))
    return target
