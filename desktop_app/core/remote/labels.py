"""Reading a label from a server's answer: top_logprobs at the first token, or a short reply.

Kept apart from the transport (engine.py) because it is pure: it takes the JSON answer and the
labels and returns numbers, so it is tested without a server.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any


def top_logprobs(answer: Any) -> list[tuple[str, float]] | None:
    """[(token, logprob), ...] at the answer's first position, or None if the server gave none."""
    try:
        content = answer["choices"][0]["logprobs"]["content"]
        first = content[0]
    except (KeyError, IndexError, TypeError):
        return None
    tops = first.get("top_logprobs") if isinstance(first, dict) else None
    pairs = [
        (str(t.get("token", "")), float(t["logprob"]))
        for t in tops or []
        if isinstance(t, dict) and isinstance(t.get("logprob"), (int, float))
    ]
    if not pairs and isinstance(first, dict) and isinstance(first.get("logprob"), (int, float)):
        pairs = [(str(first.get("token", "")), float(first["logprob"]))]
    return pairs or None


def label_probabilities(top: Sequence[tuple[str, float]], labels: Sequence[str]) -> list[float]:
    """Probability mass per label from the first token's top candidates.

    A candidate counts for a label when it is a start of that label and of no other (any case,
    leading space ignored): " pos" and "Positive" count for "positive". A label none of the
    candidates names gets half the smallest candidate's probability (it was below all of them).
    """
    folded = [label.casefold() for label in labels]
    mass = [0.0] * len(labels)
    for token, logprob in top:
        piece = token.strip().casefold()
        if not piece:
            continue
        hits = [i for i, label in enumerate(folded) if label.startswith(piece)]
        if len(hits) == 1:
            mass[hits[0]] += math.exp(logprob)
    floor = math.exp(min(lp for _t, lp in top)) / 2 if top else 1e-6
    return [m if m > 0 else floor for m in mass]


def match_label(text: str, labels: Sequence[str]) -> str | None:
    """The label a short answer names first (whole word, any case)."""
    found = re.search(
        r"(?<!\w)(" + "|".join(re.escape(label) for label in labels) + r")(?!\w)",
        text,
        re.IGNORECASE,
    )
    if not found:
        return None
    return {label.casefold(): label for label in labels}[found.group(1).casefold()]


def gbnf_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
