"""Fitting a conversation into the model's context window, independent of the engine.

The engine only measures (`count` is a round trip to its process); deciding what to leave out
is policy, kept here so it can be tested without a model and shown to the user in words.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.errors import ContextFullError

POLICIES = ("stop", "drop_oldest")
# Characters a message costs beyond its text (role markers of the chat template), for the
# first guess only: every decision is checked with the engine's real count.
_OVERHEAD_CHARS = 8
# Probes placed by the estimate before plain doubling/bisection takes over.
_GUIDED_PROBES = 4

ChatMessages = list[dict[str, Any]]
CountTokens = Callable[[ChatMessages], int]


@dataclass(frozen=True)
class FitResult:
    """The messages to send, and how many were left out (with a sentence saying so, or None)."""

    messages: ChatMessages
    dropped_messages: int
    notice: str | None


def answer_reserve(n_ctx: int, max_tokens: int) -> int:
    """Room kept for the answer: `max_tokens`, but never more than a quarter of the context.

    Capped so that a long answer setting (say 4096 tokens in a 4096 context) cannot make every
    prompt "too long"; the engine shortens the answer to the room that is left instead.
    """
    return max(0, min(max_tokens, n_ctx // 4))


def fit_to_context(
    messages: ChatMessages,
    count: CountTokens,
    n_ctx: int,
    max_tokens: int,
    policy: str,
) -> FitResult:
    """Make `messages` fit: `count(messages) + reserve <= n_ctx`, reserve = min(max_tokens, n_ctx // 4).

    The reserve is capped at a quarter of the context so a long answer setting cannot make every
    prompt fail. Policy "stop" raises ContextFullError when the conversation does not fit.
    Policy "drop_oldest" leaves out the oldest turns (a user message together with the replies
    that follow it) but always keeps the system message(s) and the latest user message; if even
    those do not fit it raises ContextFullError. Nothing is dropped silently: the result says how
    many messages were left out. `count` is called as few times as practical (about 2-4): once for
    the whole conversation, then a guess from text lengths checked and refined by search.
    """
    if policy not in POLICIES:
        raise ValueError(f"context policy must be one of {', '.join(POLICIES)}, not {policy!r}")
    if n_ctx < 1:
        raise ValueError(f"context size must be positive, not {n_ctx}")
    reserve = answer_reserve(n_ctx, max_tokens)
    budget = n_ctx - reserve
    total = count(messages)
    if total <= budget:
        return FitResult(list(messages), 0, None)
    if policy == "stop":
        raise ContextFullError(
            f"This conversation needs {total} tokens plus {reserve} for the answer, but the "
            f"context holds {n_ctx}. Start a new chat, or choose the policy that leaves out "
            "the oldest messages."
        )

    groups = _droppable_turns(messages)
    counted: dict[int, int] = {0: total}

    def kept(k: int) -> ChatMessages:
        gone = {i for group in groups[:k] for i in group}
        return [m for i, m in enumerate(messages) if i not in gone]

    def removed(k: int) -> int:
        if k not in counted:
            counted[k] = count(kept(k))
        return total - counted[k]

    k = _fewest_turns(removed, _estimates(messages, groups, total), total - budget)
    if k is None:
        needed = counted.get(len(groups), total)
        raise ContextFullError(
            f"Even with the earlier messages left out, the system prompt and the latest "
            f"message need {needed} tokens plus {reserve} for the answer, but the context "
            f"holds {n_ctx}. Shorten the message or the system prompt, or load the model "
            "with a larger context."
        )
    result = kept(k)
    dropped = len(messages) - len(result)
    return FitResult(result, dropped, dropped_notice(dropped, n_ctx))


def dropped_notice(dropped: int, n_ctx: int) -> str:
    if dropped == 1:
        return f"1 earlier message was left out to fit the {n_ctx}-token context."
    return f"{dropped} earlier messages were left out to fit the {n_ctx}-token context."


def _droppable_turns(messages: ChatMessages) -> list[list[int]]:
    """Indices of the messages that may go, grouped in turns, oldest first.

    System messages never go. Nor does the latest user message, or anything after it. A turn
    is a user message with the replies after it; replies before the first user message (a
    greeting) form a turn of their own.
    """
    anchor = next(
        (i for i in range(len(messages) - 1, -1, -1) if messages[i].get("role") == "user"),
        None,
    )
    if anchor is None:  # no user message: keep the last non-system one instead
        anchor = next(
            (i for i in range(len(messages) - 1, -1, -1) if messages[i].get("role") != "system"),
            0,
        )
    groups: list[list[int]] = []
    for i in range(anchor):
        role = messages[i].get("role")
        if role == "system":
            continue
        if role == "user" or not groups:
            groups.append([i])
        else:
            groups[-1].append(i)
    return groups


def _estimates(messages: ChatMessages, groups: list[list[int]], total: int) -> list[float]:
    """Estimated tokens saved by dropping the first k turns (k = 0..n), from text length.

    Only a guide for where to probe: `_fewest_turns` recalibrates it with each real count.
    """
    weights = [len(str(m.get("content", ""))) + _OVERHEAD_CHARS for m in messages]
    tokens_per_weight = total / max(1, sum(weights))
    out = [0.0]
    for group in groups:
        out.append(out[-1] + sum(weights[i] for i in group) * tokens_per_weight)
    return out


def _fewest_turns(removed: Callable[[int], int], est: list[float], excess: int) -> int | None:
    """Smallest k with removed(k) >= excess, or None if even all n turns are not enough.

    `removed` is monotone and costly (an engine round trip); removed(0) = 0. Each probe goes
    where a straight line through the two counts nearest the goal puts the answer (a secant
    over the estimate), which lands within a turn or two when tokens roughly follow text
    length. After `_GUIDED_PROBES` such probes it falls back to doubling and bisection, so a
    misleading estimate still costs only about log2(n) more.
    """
    n = len(est) - 1
    seen: list[tuple[int, int]] = [(0, 0)]
    lo = 0  # lo turns are known not to be enough
    hi: int | None = None  # hi turns are known to be enough
    while hi is None or hi - lo > 1:
        if hi is None and lo == n:
            return None
        top = n if hi is None else hi - 1
        if len(seen) <= _GUIDED_PROBES:
            k = bisect.bisect_left(est, _secant(seen, est, excess))
        elif hi is None:
            k = 2 * lo
        else:
            k = (lo + hi) // 2
        k = min(max(k, lo + 1), top)
        r = removed(k)
        seen.append((k, r))
        if r >= excess:
            hi = k
        else:
            lo = k
    return hi


def _secant(seen: list[tuple[int, int]], est: list[float], excess: int) -> float:
    """Where the estimate should reach for `excess` real tokens, from the two nearest counts."""
    nearest = sorted(seen, key=lambda p: abs(p[1] - excess))
    (k1, r1), (k2, r2) = nearest[0], nearest[min(1, len(nearest) - 1)]
    if r1 == r2:  # one count only (or no slope yet): est is already scaled to real tokens
        k1, r1 = max(seen, key=lambda p: p[1])
        scale = r1 / est[k1] if k1 and r1 > 0 else 1.0
        return excess / scale
    return est[k1] + (excess - r1) * (est[k2] - est[k1]) / (r2 - r1)
