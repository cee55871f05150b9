"""Sentiment analysis: label probabilities per text from the engine, and batch files in and out.

The probabilities are the model's own (its next-token distribution over the labels, see
`core/engine/scoring.py`), not words parsed out of a generated answer, calibrated by the method
asked for (calibration.py: contextual, batch, domain or none; "automatic" picks the language's
best on the dev set). A label may be scored by several words, summed. An optional one-sentence
reason is a short ordinary chat request made after the label is known. Batch files are read by
sentiment_files.py.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Sequence

from desktop_app.core.engine.events import ClassifyReport, Error, ItemScore, Result
from desktop_app.core.engine.label_scores import (
    DEFAULT_CONTENT_FREE,
    ClassifyRequest,
    default_instruction,
)
from desktop_app.core.engine.params import ChatRequest, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.errors import AppError, CancelledError
from desktop_app.core.tasks.calibration import (
    LabelWords,
    batch_reference,
    divide,
    domain_inputs,
    resolve,
)
from desktop_app.core.tasks.sentiment_files import TABLE_SUFFIXES, Table, decode_bytes, read_table
from desktop_app.core.tasks.sentiment_results import (
    DEFAULT_LABELS,
    DEFAULT_UNSURE_BELOW,
    NOT_SCORED,
    ItemResult,
    clean,
    export_csv,
    result_columns,
    result_rows,
)

# The results and their CSV (sentiment_results.py) and the batch files (sentiment_files.py)
# are imported from here too.
__all__ = [
    "DEFAULT_LABELS",
    "DEFAULT_UNSURE_BELOW",
    "NOT_SCORED",
    "TABLE_SUFFIXES",
    "ItemResult",
    "LabelWords",
    "SentimentTask",
    "Table",
    "clean",
    "decode_bytes",
    "export_csv",
    "first_sentence",
    "parse_labels",
    "read_table",
    "result_columns",
    "result_rows",
]

_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")
NO_PROBABILITIES = "constrained"  # ClassifyReport.mode of a server that gave no probabilities

Progress = Callable[[int, int, int, "ItemResult"], None]  # (done, total, index, result)
Cancel = Callable[[], bool] | threading.Event


def parse_labels(text: str) -> tuple[str, ...]:
    """ "positive, negative,neutral" -> ("positive", "negative", "neutral")."""
    labels = tuple(part.strip() for part in text.split(",") if part.strip())
    if len(labels) < 2:
        raise ValueError("give at least two labels, separated by commas")
    return labels


class SentimentTask:
    """Classify texts with the engine's loaded model. Qt-free; blocks the calling thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        instruction: str | None = None,
        reason_sampling: SamplingParams | None = None,
    ) -> None:
        self._engine = engine  # the local EngineClient or a RemoteEngine
        self.instruction = instruction  # the system message; None: scoring.default_instruction
        self.reason_sampling = reason_sampling or SamplingParams(
            temperature=0.2, seed=0, max_tokens=60
        )
        self.last_report: ClassifyReport | None = None
        self.last_method = ""  # the calibration the last request ran (after "automatic")

    @property
    def probabilities(self) -> bool:
        """False after a request the server answered without probabilities (a remote server
        without logprobs: each label chosen by a constrained answer has probability 1)."""
        return self.last_report is None or self.last_report.mode != NO_PROBABILITIES

    def classify_one(
        self,
        text: str,
        labels: Sequence[str] = DEFAULT_LABELS,
        *,
        calibrate: bool = True,
        calibration: str = "contextual",
        words: LabelWords | None = None,
        examples: Sequence[tuple[str, str]] = (),
        reason: bool = False,
    ) -> ItemResult:
        """One text: batch and domain calibration have no batch to draw on (contextual)."""
        return self.classify_batch(
            [text],
            labels,
            calibrate=calibrate,
            calibration=calibration,
            words=words,
            examples=examples,
            reason=reason,
        )[0]

    def classify_batch(
        self,
        texts: Sequence[str],
        labels: Sequence[str] = DEFAULT_LABELS,
        *,
        calibrate: bool = True,
        calibration: str = "contextual",
        words: LabelWords | None = None,
        examples: Sequence[tuple[str, str]] = (),
        reason: bool = False,
        on_progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> list[ItemResult]:
        """One result per text, in order. After a cancel, the texts not reached say NOT_SCORED.

        `calibration`: contextual | batch | domain | none | automatic (`calibrate=False` is
        none). `words`: several words per label (their probabilities summed).
        `on_progress(done, total, index, result)` runs on this thread as each text is scored
        (with batch calibration, before it: the batch's mean is known only at the end).
        `cancel` (a callable or a threading.Event) is polled; the engine stops between texts.
        Reasons, if asked for, are fetched after all labels, one short chat request each.
        """
        cancelled = _cancel_check(cancel)
        labels = tuple(label.strip() for label in labels)
        method = resolve(calibration if calibrate else "none", texts)
        self.last_method = method
        words = words if words is not None and words.labels == labels else LabelWords.plain(labels)
        content_free = domain_inputs(texts) if method == "domain" else DEFAULT_CONTENT_FREE
        instruction = self.instruction or (default_instruction(labels) if words.several else None)
        request = ClassifyRequest(
            texts=tuple(texts),
            labels=words.flat,
            instruction=instruction,
            examples=tuple((t, lab) for t, lab in examples),
            calibrate=method in ("contextual", "domain"),
            content_free=content_free,
        )
        request.validate()
        self.last_report = None
        reference: list[float] | None = None
        if words.several and request.calibrate:
            # calibrate a label's summed words, by its words' summed content-free probabilities
            reference = self._reference(request, words)
            request = dataclasses.replace(request, calibrate=False)

        def read(event: ItemScore) -> ItemResult:
            if event.error is not None or event.label is None:
                return ItemResult(None, {}, event.error or "no label")
            if not words.several:
                return ItemResult(event.label, dict(event.probs))
            probs = words.combine(event.raw_probs or event.probs)
            if reference is not None:
                probs = divide(probs, labels, reference)
            return _best(probs, labels)

        results = self._run(request, read, on_progress, cancelled)
        if method == "batch":
            results = _batch_calibrated(results, labels)
        if reason:
            for i, item in enumerate(results):
                if cancelled():
                    break
                if item.ok and item.label is not None:
                    results[i] = ItemResult(
                        item.label, item.probs, None, self.explain(texts[i], item.label)
                    )
        return results

    def _reference(self, request: ClassifyRequest, words: LabelWords) -> list[float]:
        """The content-free inputs' label distribution, each label's words summed (the engine
        keeps it for the request that follows)."""
        probe = dataclasses.replace(request, texts=("N/A",))
        self._run(probe, lambda e: ItemResult(e.label, dict(e.probs), e.error), None, _never)
        report = self.last_report
        if report is None or report.calibration is None:
            return [1.0 / len(words.labels)] * len(words.labels)
        combined = words.combine(report.calibration)
        return [combined[lab] for lab in words.labels]

    def _run(
        self,
        request: ClassifyRequest,
        read: Callable[[ItemScore], ItemResult],
        on_progress: Progress | None,
        cancelled: Callable[[], bool],
    ) -> list[ItemResult]:
        """Send one classify request and gather its ItemScore events, read by `read`."""
        results: list[ItemResult] = [ItemResult(None, {}, NOT_SCORED) for _ in request.texts]
        handle = self._engine.classify(request)
        asked_to_stop = False
        done = 0
        while True:
            if not asked_to_stop and cancelled():
                handle.cancel()
                asked_to_stop = True
            try:
                event = handle.next_event(timeout=0.05)
            except TimeoutError:
                continue
            except KeyboardInterrupt:
                handle.cancel()
                asked_to_stop = True
                continue
            if isinstance(event, ItemScore):
                item = read(event)
                results[event.index] = item
                done += 1
                if on_progress is not None:
                    on_progress(done, len(results), event.index, item)
            elif isinstance(event, Result):
                if isinstance(event.value, ClassifyReport):
                    self.last_report = event.value
                break
            elif isinstance(event, Error):
                if isinstance(event.error, CancelledError):
                    break  # cancelled while still queued: nothing was scored
                raise event.error
        return results

    def explain(self, text: str, label: str) -> str | None:
        """One sentence on why `text` reads as `label` (a normal, short chat answer)."""
        messages = [
            {
                "role": "system",
                "content": "You explain text classifications in one short sentence.",
            },
            {
                "role": "user",
                "content": f"Text: {text.strip()}\n\nIn one sentence: why is this text {label}?",
            },
        ]
        request = ChatRequest(tuple(messages), self.reason_sampling)
        try:
            answer = self._engine.chat(request).text()
        except AppError:
            return None
        return first_sentence(answer)


def first_sentence(text: str) -> str | None:
    text = " ".join(text.split())
    if not text:
        return None
    end = _SENTENCE_END.search(text)
    return text[: end.end()] if end else text


def _never() -> bool:
    return False


def _best(probs: dict[str, float], labels: Sequence[str]) -> ItemResult:
    """A result whose label is the likeliest (the first of a tie)."""
    best = max(labels, key=lambda lab: probs[lab])
    return ItemResult(best, probs)


def _batch_calibrated(results: list[ItemResult], labels: Sequence[str]) -> list[ItemResult]:
    """Batch calibration: divide the batch's own mean label distribution out of every result."""
    reference = batch_reference([r.probs for r in results if r.ok], labels)
    return [_best(divide(r.probs, labels, reference), labels) if r.ok else r for r in results]


def _cancel_check(cancel: Cancel | None) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel
