"""POST /v1/classify: label probabilities for texts, from the model's own logits.

    {"model"?, "input": [str] | str, "labels": [str], "instruction"?, "calibration"?}
    -> {"object": "list", "model", "calibration", "data": [
           {"index": i, "label": str, "probabilities": {label: p}, "margin": float}]}

The same scoring as the Sentiment pane (core/tasks/sentiment.py): the shared prefix evaluated
once, several texts per decode, labels read from one logits row, calibrated ("automatic" by
default: the language's best on the dev set; contextual / batch / domain / none). `{labels}` in
the instruction becomes the labels. A text that cannot be scored (empty, too long) gets
`"label": null` and an `"error"`; the others are still answered. This server always runs a
local model, so probabilities are always the model's (a remote backend without logprobs is the
app's concern: its results then say so, see SentimentTask.probabilities).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.core.errors import AppError
from desktop_app.core.tasks.calibration import AUTOMATIC, CHOICES
from desktop_app.core.tasks.label_presets import instruction_for
from desktop_app.core.tasks.sentiment import SentimentTask
from desktop_app.server import http11
from desktop_app.server.errors import bad_request, from_app_error
from desktop_app.server.http11 import Request
from desktop_app.server.responses import json_body

if TYPE_CHECKING:
    from desktop_app.server.endpoints import Endpoints

MAX_INPUTS = 2048
MAX_LABELS = 64


@dataclass(frozen=True)
class ClassifyJob:
    model: str | None
    inputs: tuple[str, ...]
    labels: tuple[str, ...]
    instruction: str | None
    calibration: str


def parse_classify(body: Any) -> ClassifyJob:
    """The request's fields, checked; a 400 that names the field otherwise."""
    if not isinstance(body, dict):
        raise bad_request("The body must be a JSON object.")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise bad_request("'model' must be a string.", "model")
    raw = body.get("input")
    inputs = [raw] if isinstance(raw, str) else raw
    if not isinstance(inputs, list) or not inputs or not all(isinstance(t, str) for t in inputs):
        raise bad_request("'input' must be a string or a non-empty list of strings.", "input")
    if len(inputs) > MAX_INPUTS:
        raise bad_request(f"'input' has {len(inputs)} texts; at most {MAX_INPUTS}.", "input")
    labels = body.get("labels")
    if (
        not isinstance(labels, list)
        or not all(isinstance(x, str) and x.strip() for x in labels)
        or not 2 <= len(labels) <= MAX_LABELS
    ):
        raise bad_request(
            f"'labels' must be a list of 2 to {MAX_LABELS} non-empty strings.", "labels"
        )
    clean = tuple(x.strip() for x in labels)
    if len({x.casefold() for x in clean}) != len(clean):
        raise bad_request("'labels' must differ (ignoring case).", "labels")
    instruction = body.get("instruction")
    if instruction is not None and not isinstance(instruction, str):
        raise bad_request("'instruction' must be a string.", "instruction")
    calibration = body.get("calibration", AUTOMATIC)
    if calibration not in CHOICES:
        raise bad_request(f"'calibration' must be one of: {', '.join(CHOICES)}.", "calibration")
    text = instruction_for(instruction, clean) if instruction and instruction.strip() else None
    return ClassifyJob(model, tuple(inputs), clean, text, str(calibration))


async def classify(
    api: Endpoints,
    request: Request,
    body: bytes,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> bool:
    """Score the inputs with a place in the queue (one engine request, like a completion)."""
    from desktop_app.server.endpoints import parse_json

    job = parse_classify(parse_json(request, body))
    slot = await api.admit(job.model)
    api.counters.requests += 1
    started = time.perf_counter()
    task = SentimentTask(slot.engine, instruction=job.instruction)

    def work() -> list[Any]:
        return task.classify_batch(job.inputs, job.labels, calibration=job.calibration)

    try:
        results = await asyncio.get_running_loop().run_in_executor(None, work)
    except AppError as exc:
        api.counters.errors += 1
        raise from_app_error(exc) from None
    finally:
        api.leave(slot, time.perf_counter() - started)
    api.counters.completed += 1
    data = []
    for i, res in enumerate(results):
        item: dict[str, Any] = {"index": i, "label": res.label, "probabilities": res.probs}
        if res.ok:
            item["margin"] = res.margin
        else:
            item["error"] = res.error
        data.append(item)
    payload = {
        "object": "list",
        "model": slot.model_id,
        "calibration": task.last_method,
        "data": data,
    }
    await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
    return True


__all__ = ["ClassifyJob", "classify", "parse_classify"]
