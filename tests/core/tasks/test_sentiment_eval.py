"""Evaluation mode (issue 16): accuracy, macro-F1, the confusion matrix and the reliability
diagram's bins and ECE on a tiny case computed by hand; then on the real starter model with a
subset of the dev CSV."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.tasks.sentiment import ItemResult, SentimentTask
from desktop_app.core.tasks.sentiment_eval import evaluate, report_lines

DEV = Path(__file__).resolve().parents[4] / "shared" / "data" / "sentiment-dev.csv"


def _r(label: str, p: float, other: str) -> ItemResult:
    return ItemResult(label, {label: p, other: 1 - p})


def test_metrics_on_a_tiny_case_computed_by_hand() -> None:
    labels = ("pos", "neg")
    golds = ["pos", "pos", "neg", "neg", "POS ", "other", "neg"]
    results: list[ItemResult | None] = [
        _r("pos", 0.95, "neg"),  # right, bin 9
        _r("neg", 0.65, "pos"),  # wrong, bin 6
        _r("neg", 0.91, "pos"),  # right, bin 9
        _r("pos", 0.62, "neg"),  # wrong, bin 6
        _r("pos", 0.55, "neg"),  # right (gold matched ignoring case and spaces), bin 5
        _r("pos", 0.9, "neg"),  # skipped: gold not a label
        None,  # skipped: no result
    ]
    ev = evaluate(golds, results, labels)
    assert (ev.n, ev.skipped, ev.correct) == (5, 2, 3)
    assert math.isclose(ev.accuracy, 0.6)
    # gold pos: 2 right, 1 taken for neg; gold neg: 1 right, 1 taken for pos
    assert ev.confusion == ((2, 1), (1, 1))
    # pos: precision 2/3, recall 2/3, F1 2/3; neg: precision 1/2, recall 1/2, F1 1/2
    assert math.isclose(ev.per_label[0].f1, 2 / 3) and math.isclose(ev.per_label[1].f1, 0.5)
    assert math.isclose(ev.macro_f1, (2 / 3 + 0.5) / 2)
    assert [b.count for b in ev.bins] == [0, 0, 0, 0, 0, 1, 2, 0, 0, 2]
    bin6 = ev.bins[6]
    assert math.isclose(bin6.confidence, (0.65 + 0.62) / 2) and bin6.accuracy == 0.0
    assert math.isclose(ev.bins[9].confidence, (0.95 + 0.91) / 2) and ev.bins[9].accuracy == 1.0
    # ECE = 1/5 |1 - .55| + 2/5 |0 - .635| + 2/5 |1 - .93|
    expected = 0.2 * 0.45 + 0.4 * 0.635 + 0.4 * 0.07
    assert math.isclose(ev.ece, expected)
    text = "\n".join(report_lines(ev))
    assert "accuracy 60.0% (3/5)" in text and "2 left out" in text and "0.9-1.0" in text


def test_a_confidence_of_one_is_in_the_last_bin_and_empty_input_is_zero() -> None:
    ev = evaluate(["a"], [ItemResult("a", {"a": 1.0, "b": 0.0})], ("a", "b"))
    assert ev.bins[-1].count == 1 and ev.ece == 0.0 and ev.accuracy == 1.0
    empty = evaluate([], [], ("a", "b"))
    assert empty.n == 0 and empty.accuracy == 0.0 and empty.ece == 0.0
    with pytest.raises(ValueError):
        evaluate(["a"], [], ("a", "b"))


def test_evaluation_on_the_real_model_with_dev_rows(engine: EngineClient) -> None:
    if not DEV.exists():
        pytest.skip("the dev set is not here")
    with DEV.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["lang"] == "en"]
    subset = [
        r for label in ("positive", "negative", "neutral") for r in rows if r["label"] == label
    ][::5]
    labels = ("positive", "negative", "neutral")
    results = SentimentTask(engine).classify_batch([r["text"] for r in subset], labels)
    ev = evaluate([r["label"] for r in subset], results, labels)
    assert ev.n == len(subset) == 12 and ev.skipped == 0
    assert sum(map(sum, ev.confusion)) == 12
    assert ev.correct == sum(ev.confusion[k][k] for k in range(3))
    assert sum(b.count for b in ev.bins) == 12
    assert 0.0 <= ev.ece <= 1.0 and 0.0 <= ev.macro_f1 <= 1.0
    # the figures are the results' own (the starter model is weak here: about a third right)
    right = sum(r.label == row["label"] for r, row in zip(results, subset, strict=True))
    assert ev.correct == right and math.isclose(ev.accuracy, right / 12)
    top = [r.probs[r.label or ""] for r in results]
    assert math.isclose(sum(b.confidence * b.count for b in ev.bins), sum(top))
