"""Calibration methods (issue 16): the pure parts by hand, then each method on the real model."""

from __future__ import annotations

import math

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.tasks.calibration import (
    DEFAULT_METHOD,
    LabelWords,
    batch_reference,
    divide,
    domain_inputs,
    language_of,
    pick_examples,
    resolve,
)
from desktop_app.core.tasks.sentiment import SentimentTask

EN = [
    "I love this phone, it is great.",
    "Terrible service, never again.",
    "The package arrived on Tuesday.",
    "What a wonderful day!",
    "This is the worst film I have seen.",
    "The store opens at nine.",
    "Absolutely fantastic support team.",
    "I hate waiting in this queue.",
    "It is a blue car.",
]


def test_language_and_automatic_choice() -> None:
    assert language_of(["这个酒店很好，服务周到。"]) == "zh"
    assert language_of(["A fine hotel."]) == "en"
    assert resolve("automatic", EN) == DEFAULT_METHOD["en"]
    assert resolve("automatic", ["很好"] * 10) == DEFAULT_METHOD["zh"]
    assert resolve("batch", EN[:3]) == "contextual"  # too small a batch to average
    assert resolve("domain", EN) == "domain" and resolve("none", ["x"]) == "none"
    with pytest.raises(ValueError):
        resolve("magic", EN)


def test_domain_inputs_are_in_domain_words_of_a_typical_length() -> None:
    made = domain_inputs(EN, n=5, seed=1)
    assert len(made) == 5 and made == domain_inputs(EN, n=5, seed=1)
    vocabulary = {w for t in EN for w in t.replace(",", " ").replace(".", " ").split()}
    for text in made:
        words = text.split()
        assert len(words) == 5  # the median word count of EN
        assert set(words) <= {w.strip("!") for w in vocabulary} | vocabulary
    zh = domain_inputs(["酒店很好", "服务很差啊"], n=3)
    assert all(len(t) == 4 and " " not in t for t in zh)  # median of 4 and 5 characters


def test_batch_reference_and_division() -> None:
    rows = [{"a": 0.8, "b": 0.2}, {"a": 0.6, "b": 0.4}]
    ref = batch_reference(rows, ("a", "b"))
    assert [round(x, 6) for x in ref] == [0.7, 0.3]
    out = divide({"a": 0.6, "b": 0.4}, ("a", "b"), ref)
    # 0.6 / 0.7 = 0.857, 0.4 / 0.3 = 1.333 -> b wins after calibration
    assert math.isclose(out["b"], (0.4 / 0.3) / (0.6 / 0.7 + 0.4 / 0.3)) and out["b"] > out["a"]


def test_label_words_sum_their_probabilities() -> None:
    words = LabelWords.built_in(("positive", "negative", "mixed"))
    assert words.words[0][:2] == ("positive", "good") and words.words[2] == ("mixed",)
    assert words.several and "正面" in words.flat
    probs = {w: 0.0 for w in words.flat} | {"good": 0.3, "positive": 0.2, "bad": 0.1, "mixed": 0.4}
    combined = words.combine(probs)
    assert math.isclose(combined["positive"], 0.5) and math.isclose(combined["mixed"], 0.4)
    assert not LabelWords.plain(("a", "b")).several


def test_few_shot_examples_are_typical_and_one_per_label_in_turn() -> None:
    rows = [("short", "pos"), ("a medium text", "pos"), ("a much much longer text", "pos")]
    rows += [("bad one", "NEG"), ("x", "other")]
    assert pick_examples(rows, ("pos", "neg")) == [("a medium text", "pos"), ("bad one", "neg")]
    two = pick_examples(rows, ("pos", "neg"), 2)
    assert [lab for _t, lab in two] == ["pos", "neg", "pos"]


@pytest.mark.parametrize("method", ["contextual", "batch", "domain", "none"])
def test_every_method_labels_clear_texts_on_the_real_model(
    engine: EngineClient, method: str
) -> None:
    task = SentimentTask(engine)
    labels = ("positive", "negative", "neutral")
    results = task.classify_batch(EN, labels, calibration=method)
    assert task.last_method == method
    assert all(r.ok and math.isclose(sum(r.probs.values()), 1.0) for r in results)
    right = sum(
        r.label == gold for r, gold in zip(results, ["positive", "negative"] * 2, strict=False)
    )
    assert right >= 2, [r.probs for r in results]


def test_label_words_on_the_real_model(engine: EngineClient) -> None:
    task = SentimentTask(engine)
    labels = ("positive", "negative")
    words = LabelWords.built_in(labels)
    plain = task.classify_batch(EN[:2], labels)
    several = task.classify_batch(EN[:2], labels, words=words)
    assert [r.label for r in several] == ["positive", "negative"]
    assert set(several[0].probs) == set(labels)
    assert several[0].probs != plain[0].probs  # the other words counted
    assert task.last_report is not None and len(task.last_report.labels) == len(words.flat)


def test_a_shared_guessed_first_token_is_dropped_so_one_logits_row_decides() -> None:
    from desktop_app.core.engine.label_plan import plan_labels

    # byte-level: " 好评" and " 差评" both start with the token " \xe5"; "好评" and "差评" do not
    vocab = {"好评": [1, 2], " 好评": [9, 3], "差评": [4, 5], " 差评": [9, 6]}
    plan = plan_labels(lambda s: vocab.get(s, vocab.get(s.strip(), [7])), ["好评", "差评"])
    assert plan.mode == "first_token" and plan.forms == (((1,),), ((4,),))
    # a label whose only first token is shared keeps it (then sequences decide)
    alone = {"ab": [9, 1], "ac": [9, 2]}
    assert (
        plan_labels(lambda s: alone.get(s.strip().lower(), [9, 3]), ["ab", "ac"]).mode == "sequence"
    )
