"""Evaluation mode: results against a gold-label column, and how far to trust the probabilities.

Accuracy and macro-F1 say how often the label is right; the confusion matrix says which labels
are taken for which; the reliability diagram (10 bins of the top probability, each bin's
accuracy against its mean confidence) and its expected calibration error (ECE, the bins'
|accuracy - confidence| weighted by their share of rows) say whether "80 %" means right four
times in five. Rows whose gold label is not one of the labels, or that have no result, are left
out and counted (`skipped`). Qt-free: the CLI prints `report_lines`, the pane draws the bins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.tasks.sentiment_results import ItemResult

N_BINS = 10


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # rows with this gold label


@dataclass(frozen=True)
class Bin:
    """Rows whose top probability is in [lower, upper) (the last bin includes 1)."""

    lower: float
    upper: float
    count: int
    confidence: float  # mean top probability of its rows (0 when empty)
    accuracy: float  # share of its rows labelled right (0 when empty)


@dataclass(frozen=True)
class Evaluation:
    labels: tuple[str, ...]
    n: int  # rows compared
    skipped: int  # rows with no usable gold label or no result
    correct: int
    accuracy: float
    macro_f1: float
    per_label: tuple[LabelScore, ...]
    confusion: tuple[tuple[int, ...], ...]  # [gold][predicted], in label order
    bins: tuple[Bin, ...]
    ece: float


def gold_label(value: str, labels: Sequence[str]) -> str | None:
    """The label a gold cell names (ignoring case and spaces), or None."""
    folded = value.strip().casefold()
    return next((lab for lab in labels if lab.casefold() == folded), None)


def evaluate(
    golds: Sequence[str | None],
    results: Sequence[ItemResult | None],
    labels: Sequence[str],
    n_bins: int = N_BINS,
) -> Evaluation:
    """Compare each row's result with its gold label (cells, matched by `gold_label`)."""
    if len(golds) != len(results):
        raise ValueError(f"{len(golds)} gold labels but {len(results)} results")
    labels = tuple(labels)
    index = {lab: k for k, lab in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    pairs: list[tuple[float, bool]] = []  # (confidence, right) per row compared
    skipped = 0
    for cell, res in zip(golds, results, strict=True):
        gold = gold_label(cell, labels) if cell is not None else None
        if gold is None or res is None or not res.ok or res.label not in index:
            skipped += 1
            continue
        confusion[index[gold]][index[res.label]] += 1
        pairs.append((res.probs.get(res.label, 0.0), gold == res.label))
    n = len(pairs)
    correct = sum(1 for _c, right in pairs if right)
    per_label = tuple(_label_score(lab, k, confusion) for k, lab in enumerate(labels))
    bins = reliability(pairs, n_bins)
    ece = sum(b.count / n * abs(b.accuracy - b.confidence) for b in bins) if n else 0.0
    return Evaluation(
        labels=labels,
        n=n,
        skipped=skipped,
        correct=correct,
        accuracy=correct / n if n else 0.0,
        macro_f1=sum(s.f1 for s in per_label) / len(per_label) if per_label else 0.0,
        per_label=per_label,
        confusion=tuple(tuple(row) for row in confusion),
        bins=bins,
        ece=ece,
    )


def _label_score(label: str, k: int, confusion: list[list[int]]) -> LabelScore:
    hit = confusion[k][k]
    predicted = sum(row[k] for row in confusion)
    support = sum(confusion[k])
    precision = hit / predicted if predicted else 0.0
    recall = hit / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return LabelScore(label, precision, recall, f1, support)


def reliability(pairs: Sequence[tuple[float, bool]], n_bins: int = N_BINS) -> tuple[Bin, ...]:
    """(confidence, right) pairs in `n_bins` equal-width bins of confidence."""
    members: list[list[tuple[float, bool]]] = [[] for _ in range(n_bins)]
    for confidence, right in pairs:
        k = min(n_bins - 1, max(0, int(confidence * n_bins)))
        members[k].append((confidence, right))
    out = []
    for k, rows in enumerate(members):
        count = len(rows)
        out.append(
            Bin(
                k / n_bins,
                (k + 1) / n_bins,
                count,
                sum(c for c, _r in rows) / count if count else 0.0,
                sum(1 for _c, r in rows if r) / count if count else 0.0,
            )
        )
    return tuple(out)


def report_lines(ev: Evaluation) -> list[str]:
    """The evaluation as plain text (the CLI's section; English, like the CLI)."""
    lines = [
        f"evaluation: {ev.n} rows with a gold label"
        + (
            f" ({ev.skipped} left out: no gold label among the labels, or no result)"
            if ev.skipped
            else ""
        ),
        f"  accuracy {ev.accuracy:.1%} ({ev.correct}/{ev.n}), macro-F1 {ev.macro_f1:.3f}, "
        f"expected calibration error {ev.ece:.3f} ({len(ev.bins)} bins)",
    ]
    width = max(8, *(len(lab) for lab in ev.labels))
    lines.append("  per label:  " + "  ".join(["precision", "recall", "F1", "support"]))
    for s in ev.per_label:
        lines.append(
            f"    {s.label:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}"
        )
    lines.append("  confusion (rows: gold, columns: predicted):")
    lines.append("    " + " " * width + "  " + "  ".join(f"{lab:>{width}}" for lab in ev.labels))
    for lab, row in zip(ev.labels, ev.confusion, strict=True):
        lines.append(f"    {lab:<{width}}  " + "  ".join(f"{v:>{width}d}" for v in row))
    lines.append("  reliability (confidence bin: rows, mean confidence, accuracy):")
    for b in ev.bins:
        if b.count:
            lines.append(
                f"    {b.lower:.1f}-{b.upper:.1f}: {b.count:4d}  {b.confidence:.3f}  {b.accuracy:.3f}"
            )
    return lines


def as_dict(ev: Evaluation) -> dict[str, object]:
    """The evaluation as JSON-ready values."""
    return {
        "rows": ev.n,
        "skipped": ev.skipped,
        "accuracy": ev.accuracy,
        "macro_f1": ev.macro_f1,
        "ece": ev.ece,
        "labels": list(ev.labels),
        "confusion": [list(r) for r in ev.confusion],
        "per_label": [s.__dict__ for s in ev.per_label],
        "bins": [b.__dict__ for b in ev.bins],
    }


__all__ = [
    "N_BINS",
    "Bin",
    "Evaluation",
    "LabelScore",
    "as_dict",
    "evaluate",
    "gold_label",
    "reliability",
    "report_lines",
]
