"""What a summary will do and cost, said before it starts: one pass or parts, and why; how many
requests, tokens read and written, the time where speeds are known, and what would be cheaper.

A 2 MB text in a 512-token context is thousands of parts and hours of work: the person should
learn that before the work, with the way out (a larger context, a shorter summary), not from an
ETA after the first part. The figures are estimates from a chars-per-token ratio measured on a
sample of the text (one count), so the plan costs nothing next to the run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from desktop_app.core.i18n import QT_TRANSLATE_NOOP

Mode = Literal["whole", "parts"]
CONTEXTS = (2048, 4096, 8192, 16384, 32768)  # contexts to suggest, where the model allows them
FILL = 0.92  # parts come out about this full (text_split._FILL)
WRITTEN = 0.6  # share of its token budget a partial summary uses, on average


@dataclass(frozen=True)
class Plan:
    """How a summary will run. `reason`, `cost` and each of `cheaper` are core messages.

    `tokens` is exact for one pass and estimated for parts; `seconds` is None when no speeds
    were measured yet (a first run).
    """

    mode: Mode
    tokens: int
    n_ctx: int
    parts: int
    requests: int
    read_tokens: int
    write_tokens: int
    seconds: float | None
    reason: str
    cost: str
    cheaper: tuple[str, ...] = field(default_factory=tuple)


def _n(value: float) -> str:
    return f"{round(value):,}"


def _time(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def _cost(requests: int, read: float, write: float, seconds: float | None) -> str:
    text = QT_TRANSLATE_NOOP(
        "Summarizer", "{requests} request(s): about {read} tokens to read and {write} to write."
    ).format(requests=_n(requests), read=_n(read), write=_n(write))
    if seconds is not None:
        text += " " + QT_TRANSLATE_NOOP(
            "Summarizer", "About {time} at this machine's speed."
        ).format(time=_time(seconds))
    return text


def _seconds(read: float, write: float, speeds: tuple[float, float] | None) -> float | None:
    if speeds is None or speeds[0] <= 0 or speeds[1] <= 0:
        return None
    return read / speeds[0] + write / speeds[1]


def whole(
    tokens: int, n_ctx: int, overhead: int, answer: int, speeds: tuple[float, float] | None
) -> Plan:
    """The plan of a text that fits: one request."""
    reason = QT_TRANSLATE_NOOP(
        "Summarizer",
        "The text ({tokens} tokens) fits the model's {n_ctx}-token context with room for the "
        "answer: it is summarized in one pass.",
    ).format(tokens=_n(tokens), n_ctx=_n(n_ctx))
    read, write = tokens + overhead, answer * WRITTEN
    seconds = _seconds(read, write, speeds)
    return Plan("whole", tokens, n_ctx, 0, 1, round(read), round(write), seconds, reason,
                _cost(1, read, write, seconds))  # fmt: skip


def estimate_parts(tokens: float, part_room: int) -> int:
    return max(2, math.ceil(tokens / max(1.0, part_room * FILL)))


def parts(
    tokens: int,
    n_ctx: int,
    *,
    one_room: int,
    part_room: int,
    map_overhead: int,
    map_reused: int,
    part_answer: int,
    final_answer: int,
    speeds: tuple[float, float] | None,
    trained_ctx: int | None = None,
) -> Plan:
    """The plan of a text read in parts: reading each part (its instruction once, when the
    engine reuses the shared prefix), writing the partials, re-reading them to combine them."""
    n = estimate_parts(tokens, part_room)
    written: float = n * part_answer * WRITTEN
    read: float = tokens + map_overhead + (n - 1) * (map_overhead - map_reused)
    requests, combine = n + 1, written
    while combine > one_room:  # rounds of combining until the partials fit the final pass
        groups = estimate_parts(combine, part_room)
        requests += groups
        read += combine + groups * (map_overhead - map_reused)
        combine = groups * part_answer * WRITTEN
        written += combine
    read += combine + map_overhead
    written += final_answer * WRITTEN
    seconds = _seconds(read, written, speeds)
    reason = QT_TRANSLATE_NOOP(
        "Summarizer",
        "The text (about {tokens} tokens) does not fit the model's {n_ctx}-token context with "
        "room for the answer: it is read in about {parts} parts, then combined.",
    ).format(tokens=_n(tokens), n_ctx=_n(n_ctx), parts=_n(n))
    cheaper: list[str] = []
    need = tokens + (n_ctx - one_room)
    limit = trained_ctx or CONTEXTS[-1]
    bigger = [c for c in CONTEXTS if c > n_ctx and c <= limit]
    fits = [c for c in bigger if c >= need]
    if fits:
        cheaper.append(
            QT_TRANSLATE_NOOP(
                "Summarizer",
                "Loaded with a {ctx}-token context, the model would read it in one pass.",
            ).format(ctx=_n(fits[0]))
        )
    elif bigger:
        ctx = bigger[-1]
        cheaper.append(
            QT_TRANSLATE_NOOP(
                "Summarizer",
                "Loaded with a {ctx}-token context, the model would need about {parts} parts.",
            ).format(ctx=_n(ctx), parts=_n(estimate_parts(tokens, part_room + ctx - n_ctx)))
        )
    if tokens <= one_room + final_answer // 2:
        cheaper.append(
            QT_TRANSLATE_NOOP(
                "Summarizer", "A shorter summary length would leave room for one pass."
            )
        )
    return Plan("parts", tokens, n_ctx, n, requests, round(read), round(written), seconds,
                reason, _cost(requests, read, written, seconds), tuple(cheaper))  # fmt: skip
