"""Label probabilities from a remote server, for `RemoteEngine.classify`.

A server has no logits to read; per item it is asked for one answer token with its
`top_logprobs` (mode "logprobs": the labels' masses at the first token, labels.py), or, where it
gives none, for a short greedy answer held to the labels (mode "constrained": the chosen label
has probability 1). Normalisation, calibration, the ItemScore events and the ClassifyReport are
the local engine's own (engine/label_scores.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from desktop_app.core.engine.events import Result
from desktop_app.core.engine.label_scores import (
    ClassifyRequest,
    Tally,
    mean_distribution,
    normalised,
)
from desktop_app.core.engine.params import Message
from desktop_app.core.remote.http import AbortedError, Call, RemoteError
from desktop_app.core.remote.labels import (
    gbnf_string,
    label_probabilities,
    match_label,
    top_logprobs,
)

if TYPE_CHECKING:
    from desktop_app.core.engine.handle import RequestHandle
    from desktop_app.core.remote.engine import RemoteEngine

TOP_LOGPROBS = 20


def classify(
    engine: RemoteEngine, handle: RequestHandle, call: Call, request: ClassifyRequest
) -> None:
    """Score each text in turn: an ItemScore per text, then Result(ClassifyReport)."""
    request.validate()
    started = time.perf_counter()
    labels = request.clean_labels
    system = request.system
    shots = request.shots()
    n_ctx = engine.context_size()
    prefix_tokens = engine.count_messages([{"role": "system", "content": system}, *shots])
    tally = Tally(labels, len(request.texts))

    def ask(text: str) -> tuple[list[float] | None, str | None]:
        if call.aborted:
            raise AbortedError("Cancelled.")
        messages = [
            {"role": "system", "content": system},
            *shots,
            {"role": "user", "content": text},
        ]
        return label_scores(engine, call, messages, labels)

    reference: tuple[float, ...] | None = None
    mode = "logprobs"
    if request.calibrate:
        rows = [ask(text)[0] for text in request.content_free]
        if engine.probe.logprobs:
            reference = mean_distribution([r for r in rows if r is not None])
    cancelled = False
    for index, text in enumerate(request.texts):
        if call.aborted:
            cancelled = True
            break
        stripped = text.strip()
        if not stripped:
            handle.deliver(tally.error(index, "The text is empty."))
            continue
        if engine.count(stripped) + prefix_tokens + 8 > n_ctx:
            message = f"The text is too long for the context ({n_ctx} tokens)."
            handle.deliver(tally.error(index, message))
            continue
        try:
            probs, chosen = ask(stripped)
        except AbortedError:
            cancelled = True
            break
        except RemoteError as exc:
            handle.deliver(tally.error(index, str(exc)))
            continue
        if probs is not None:
            handle.deliver(tally.scored(index, normalised(probs), reference, sum(probs)))
            continue
        mode = "constrained"
        if chosen is None:
            handle.deliver(tally.error(index, "The server's answer named no label."))
        else:
            handle.deliver(tally.chosen(index, chosen))
    report = tally.report(
        cancelled=cancelled,
        calibration=reference,
        mode=mode,
        total_s=time.perf_counter() - started,
        prefix_tokens=prefix_tokens,
    )
    handle.deliver(Result(report))


def label_scores(
    engine: RemoteEngine, call: Call, messages: list[Message], labels: tuple[str, ...]
) -> tuple[list[float] | None, str | None]:
    """Label probabilities from top_logprobs; (None, label) when the server gives none."""
    probe = engine.probe
    if probe.logprobs is not False:
        body = {
            "model": engine.model_name(),
            "messages": messages,
            "max_tokens": 1,
            "temperature": 0.0,
            "seed": 0,
            "logprobs": True,
            "top_logprobs": TOP_LOGPROBS,
        }
        try:
            answer = engine.sub_call(call).json("POST", "/chat/completions", body)
        except RemoteError as exc:
            if exc.status != 400 or probe.logprobs:
                raise
            answer = None  # a server that refuses logprobs outright
        top = top_logprobs(answer) if answer is not None else None
        probe.logprobs = top is not None
        if top is not None:
            return label_probabilities(top, labels), None
    return None, constrained(engine, call, messages, labels)


def constrained(
    engine: RemoteEngine, call: Call, messages: list[Message], labels: tuple[str, ...]
) -> str | None:
    """One short greedy answer, held to the labels where the server can (grammar, choice)."""
    body: dict[str, Any] = {
        "model": engine.model_name(),
        "messages": messages,
        "max_tokens": 8,
        "temperature": 0.0,
        "seed": 0,
    }
    if engine.config.extensions and engine.probe.extras_ok:
        body["grammar"] = "root ::= " + " | ".join(gbnf_string(label) for label in labels)
        body["guided_choice"] = list(labels)  # vLLM's name for the same thing
    try:
        answer = engine.sub_call(call).json("POST", "/chat/completions", body)
    except RemoteError as exc:
        if exc.status != 400 or "grammar" not in body:
            raise
        engine.probe.extras_ok = False  # a strict OpenAI server: plain request
        return constrained(engine, call, messages, labels)
    text = ""
    for choice in answer.get("choices") or []:
        text = (choice.get("message") or {}).get("content") or choice.get("text") or ""
        break
    return match_label(text, labels)
