"""The engine's request table and the label-scoring math both engines share (no model needed)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from desktop_app.core.engine import requests as rq
from desktop_app.core.engine import worker
from desktop_app.core.engine.events import Error, Result
from desktop_app.core.engine.label_scores import (
    ClassifyRequest,
    Tally,
    calibrated,
    few_shot_turns,
    mean_distribution,
    normalised,
    softmax,
)


def test_every_request_but_the_debug_ones_has_a_handler() -> None:
    served = set(worker.handlers(debug=False))
    assert rq.Crash not in served
    assert rq.Crash in worker.handlers(debug=True)
    kinds = {rq.Load, rq.Unload, rq.Chat, rq.Classify, rq.Budget, rq.CountTokens, rq.Render}
    assert kinds | {rq.Hardware} <= served


def test_a_crash_request_without_the_debug_flag_is_an_unknown_request() -> None:
    replies: list[Any] = []
    worker.serve_one(None, worker.handlers(debug=False), rq.Crash(), replies.append)  # type: ignore[arg-type]
    assert len(replies) == 1 and isinstance(replies[0], Error)
    assert "unknown request" in str(replies[0].error)


def test_a_failing_handler_becomes_an_error_event() -> None:
    def broken(_engine: Any, _request: Any, _reply: Any) -> None:
        raise ValueError("bad value")

    replies: list[Any] = []
    worker.serve_one(None, {rq.Unload: broken}, rq.Unload(), replies.append)  # type: ignore[arg-type]
    assert isinstance(replies[0], Error) and str(replies[0].error) == "bad value"


def test_calibration_divides_by_the_reference_and_renormalises() -> None:
    raw = [0.6, 0.4]
    assert calibrated(raw, None) == raw
    out = calibrated(raw, [0.75, 0.25])
    assert math.isclose(sum(out), 1.0)
    assert out[1] > out[0]  # the prompt favoured the first label: the second wins after all
    assert mean_distribution([]) is None
    assert mean_distribution([[0.2, 0.8], [0.4, 0.6]]) == pytest.approx((0.3, 0.7))
    assert softmax([0.0, 0.0]) == [0.5, 0.5]
    assert normalised([1.0, 3.0]) == [0.25, 0.75]


def test_tally_builds_the_items_and_the_report() -> None:
    tally = Tally(("positive", "negative"), 3)
    item = tally.scored(0, [0.3, 0.7], None, label_mass=1.4)
    assert item.label == "negative" and item.label_mass == 1.0
    assert item.raw_probs == {"positive": 0.3, "negative": 0.7}
    assert tally.error(1, "The text is empty.").label is None
    chosen = tally.chosen(2, "positive")
    assert chosen.probs == {"positive": 1.0, "negative": 0.0}
    report = tally.report(cancelled=False, calibration=(0.5, 0.5), mode="logprobs", total_s=1.0)
    assert (report.n_items, report.n_scored, report.n_errors) == (3, 2, 1)
    assert report.calibration == {"positive": 0.5, "negative": 0.5}


def test_few_shot_turns_spell_the_label_as_the_labels_do() -> None:
    turns = few_shot_turns(("Positive", "Negative"), [(" great ", "positive ")])
    assert turns == [
        {"role": "user", "content": "great"},
        {"role": "assistant", "content": "Positive"},
    ]
    request = ClassifyRequest(texts=("x",), labels=(" a ", "b"), instruction=None)
    assert request.clean_labels == ("a", "b")
    assert "a or b" in request.system
    assert isinstance(Result(1).value, int)
