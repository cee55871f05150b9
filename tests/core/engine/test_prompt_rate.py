"""The bound on batch classification (prompt_rate.py) and the counts bench/sentiment.py uses."""

from __future__ import annotations

import math

import pytest

from desktop_app.core.engine import requests as rq
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ClassifyReport, ItemScore, Result
from desktop_app.core.engine.label_scores import ClassifyRequest
from desktop_app.core.engine.prompt_rate import PromptRate, bound_ratio, bound_seconds


def test_bound_arithmetic_on_a_tiny_case() -> None:
    # three texts of 10, 20 and 30 own tokens at 100 tokens/s: at best 0.6 s, 5 texts/s
    assert bound_seconds([10, 20, 30], 100.0) == pytest.approx(0.6)
    # done in 0.75 s: 4 texts/s against 5 at the bound
    assert bound_ratio(3, 0.75, [10, 20, 30], 100.0) == pytest.approx(0.8)
    assert bound_ratio(3, 0.6, [10, 20, 30], 100.0) == pytest.approx(1.0)
    rate = PromptRate(n_tokens=256, seconds=(0.5, 0.2, 0.25))
    assert rate.median_s == 0.25 and rate.tokens_per_s == pytest.approx(1024.0)
    with pytest.raises(ValueError):
        bound_seconds([1], 0.0)
    with pytest.raises(ValueError):
        bound_ratio(0, 1.0, [], 100.0)


def classify(
    engine: EngineClient, request: ClassifyRequest
) -> tuple[list[ItemScore], ClassifyReport]:
    events = list(engine.classify(request).events(timeout=600))
    last = events[-1]
    assert isinstance(last, Result) and isinstance(last.value, ClassifyReport), last
    return [e for e in events if isinstance(e, ItemScore)], last.value


def test_pp_rate_in_the_engine_and_the_texts_own_tokens(engine: EngineClient) -> None:
    texts = ("I love this, it works great.", "Terrible. It broke after a day.", "It is a box.")
    request = ClassifyRequest(texts, ("positive", "negative", "neutral"))
    scores, before = classify(engine, request)
    rate = engine.submit(rq.MeasurePromptRate(64, 2)).result(timeout=600)
    assert isinstance(rate, PromptRate) and rate.n_tokens == 64 and len(rate.seconds) == 2
    assert all(s > 0 for s in rate.seconds) and math.isfinite(rate.tokens_per_s)
    # the texts' own tokens: body and template tail, not the prefix nor the calibration inputs
    body = sum(engine.count_tokens(t).result(timeout=30) for t in texts)
    tail = (before.item_tokens - body) / len(texts)
    assert before.item_tokens > body and tail == int(tail) and 0 < tail < 20
    assert before.item_tokens <= before.tokens_evaluated - before.prefix_tokens_evaluated
    # timing the rate left the classify cache alone: same prefix reused, same probabilities
    again_scores, again = classify(engine, request)
    assert again.prefix_tokens_evaluated == 0 and again.item_tokens == before.item_tokens
    for a, b in zip(scores, again_scores, strict=True):
        assert a.label == b.label
        for label, p in a.probs.items():
            assert math.isclose(p, b.probs[label], abs_tol=1e-4)
