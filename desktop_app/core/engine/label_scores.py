"""Label scoring shared by the local engine (scoring.py) and a remote server (remote/classify.py).

Both engines get per-label scores for an item in their own way (the local one from the logits,
a server from its top_logprobs or a constrained answer); what they do with them is here, once:
the request and its checks, the instruction and few-shot turns, the normalisation into label
probabilities, contextual calibration (Zhao et al. 2021, "Calibrate before use": divide by the
label distribution of content-free inputs, renormalise), and the ItemScore and ClassifyReport
the tasks read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.engine.events import ClassifyReport, ItemScore
from desktop_app.core.engine.params import Message

DEFAULT_CONTENT_FREE = ("N/A", "", "[MASK]")


def default_instruction(labels: Sequence[str]) -> str:
    listed = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"Classify the sentiment of the user's text as {listed}. Answer with that one word only."


@dataclass(frozen=True)
class ClassifyRequest:
    """Texts to label. A plain value: it crosses the process boundary."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    instruction: str | None = None  # the system message; None: default_instruction(labels)
    examples: tuple[tuple[str, str], ...] = ()  # few-shot (text, label) turns before the item
    calibrate: bool = True
    content_free: tuple[str, ...] = DEFAULT_CONTENT_FREE
    max_parallel: int = 8  # items per decode where the context has several sequences

    def validate(self) -> None:
        labels = [label.strip() for label in self.labels]
        if len(labels) < 2:
            raise ValueError("give at least two labels")
        if any(not label for label in labels):
            raise ValueError("a label is empty")
        if len({label.casefold() for label in labels}) != len(labels):
            raise ValueError("the labels must differ (ignoring case)")
        for _text, label in self.examples:
            if label.strip().casefold() not in {x.casefold() for x in labels}:
                raise ValueError(f"example label {label!r} is not one of the labels")
        if self.calibrate and not self.content_free:
            raise ValueError("calibration needs at least one content-free input")
        if self.max_parallel < 1:
            raise ValueError("max_parallel must be at least 1")

    @property
    def clean_labels(self) -> tuple[str, ...]:
        """The labels as the results name them: without surrounding spaces."""
        return tuple(label.strip() for label in self.labels)

    @property
    def system(self) -> str:
        """The system message: the instruction given, else the default for the labels."""
        return self.instruction or default_instruction(self.clean_labels)

    def shots(self) -> list[Message]:
        """The few-shot examples as chat turns (see few_shot_turns)."""
        return few_shot_turns(self.clean_labels, self.examples)


def few_shot_turns(labels: Sequence[str], examples: Sequence[tuple[str, str]]) -> list[Message]:
    """Examples as user/assistant turns; each answer is the label as the labels spell it."""
    canonical = {label.casefold(): label for label in labels}
    turns: list[Message] = []
    for text, label in examples:
        turns.append({"role": "user", "content": text.strip()})
        turns.append({"role": "assistant", "content": canonical[label.strip().casefold()]})
    return turns


# ---- the math --------------------------------------------------------------------------------


def logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


def softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def normalised(masses: Sequence[float]) -> list[float]:
    """Probability masses per label (as a server's top_logprobs give them), summing to 1."""
    total = sum(masses)
    return [m / total for m in masses]


def calibrated(probs: Sequence[float], reference: Sequence[float] | None) -> list[float]:
    """Contextual calibration: divide by the content-free distribution, renormalise."""
    if reference is None:
        return list(probs)
    ratios = [p / max(r, 1e-12) for p, r in zip(probs, reference, strict=True)]
    total = sum(ratios)
    return [r / total for r in ratios] if total > 0 else list(probs)


def mean_distribution(rows: Sequence[Sequence[float]]) -> tuple[float, ...] | None:
    """The calibration reference: the label scores of the content-free inputs, averaged."""
    if not rows:
        return None
    return tuple(sum(col) / len(rows) for col in zip(*rows, strict=True))


# ---- results ---------------------------------------------------------------------------------


class Tally:
    """Turns one request's label scores into ItemScore events and counts them for the report."""

    def __init__(self, labels: tuple[str, ...], n_items: int) -> None:
        self.labels = labels
        self.n_items = n_items
        self.n_scored = 0
        self.n_errors = 0

    def error(self, index: int, message: str) -> ItemScore:
        self.n_errors += 1
        return ItemScore(index=index, label=None, probs={}, error=message)

    def scored(
        self,
        index: int,
        raw: Sequence[float],
        calibration: Sequence[float] | None,
        label_mass: float,
    ) -> ItemScore:
        """An item's raw label probabilities (summing to 1), calibrated; the likeliest label."""
        probs = calibrated(raw, calibration)
        best = max(range(len(self.labels)), key=lambda k: probs[k])
        self.n_scored += 1
        return ItemScore(
            index=index,
            label=self.labels[best],
            probs=dict(zip(self.labels, probs, strict=True)),
            error=None,
            label_mass=min(1.0, label_mass),
            raw_probs=dict(zip(self.labels, raw, strict=True)),
        )

    def chosen(self, index: int, label: str) -> ItemScore:
        """An item labelled by an answer, not by probabilities: the chosen label gets 1."""
        self.n_scored += 1
        out = {name: 1.0 if name == label else 0.0 for name in self.labels}
        return ItemScore(index, label, out, label_mass=1.0, raw_probs=out)

    def report(
        self,
        *,
        cancelled: bool,
        calibration: Sequence[float] | None,
        mode: str,
        total_s: float,
        parallel: int = 1,
        prefix_tokens: int = 0,
        prefix_evaluations: int = 0,
        prefix_tokens_evaluated: int = 0,
        tokens_evaluated: int = 0,
        llama_prompt_tokens: int = 0,
        decodes: int = 0,
        item_tokens: int = 0,
    ) -> ClassifyReport:
        return ClassifyReport(
            labels=self.labels,
            n_items=self.n_items,
            n_scored=self.n_scored,
            n_errors=self.n_errors,
            cancelled=cancelled,
            calibration=dict(zip(self.labels, calibration, strict=True)) if calibration else None,
            mode=mode,
            parallel=parallel,
            prefix_tokens=prefix_tokens,
            prefix_evaluations=prefix_evaluations,
            prefix_tokens_evaluated=prefix_tokens_evaluated,
            tokens_evaluated=tokens_evaluated,
            llama_prompt_tokens=llama_prompt_tokens,
            decodes=decodes,
            total_s=total_s,
            item_tokens=item_tokens,
        )


__all__ = [
    "DEFAULT_CONTENT_FREE",
    "ClassifyRequest",
    "Tally",
    "calibrated",
    "default_instruction",
    "few_shot_turns",
    "logsumexp",
    "mean_distribution",
    "normalised",
    "softmax",
]
