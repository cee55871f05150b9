from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.core.errors import AppError, ContextFullError
from desktop_app.core.tasks.chat import answer_reserve, fit_to_context

Messages = list[dict[str, Any]]


class Counter:
    """A stand-in for the engine's token count: 4 tokens per message plus one per word."""

    def __init__(self, per_message: int = 4) -> None:
        self.calls = 0
        self.per_message = per_message

    def __call__(self, messages: Messages) -> int:
        self.calls += 1
        return sum(self.per_message + len(m["content"].split()) for m in messages)


def words(n: int, tag: str) -> str:
    return " ".join(f"{tag}{i}" for i in range(n))


def chat(turns: int, words_each: int = 10, system: bool = True) -> Messages:
    out: Messages = [{"role": "system", "content": words(5, "sys")}] if system else []
    for t in range(turns):
        out.append({"role": "user", "content": words(words_each, f"u{t}-")})
        out.append({"role": "assistant", "content": words(words_each, f"a{t}-")})
    out.append({"role": "user", "content": words(words_each, "latest")})
    return out


def test_reserve_is_capped_at_a_quarter() -> None:
    assert answer_reserve(4096, 512) == 512
    assert answer_reserve(4096, 4096) == 1024
    assert answer_reserve(2048, 0) == 0


def test_fits_as_is_with_one_count() -> None:
    messages = chat(3)
    count = Counter()
    result = fit_to_context(messages, count, n_ctx=4096, max_tokens=512, policy="drop_oldest")
    assert result.messages == messages and result.messages is not messages
    assert (result.dropped_messages, result.notice) == (0, None)
    assert count.calls == 1


def test_large_max_tokens_does_not_fail_every_prompt() -> None:
    messages = chat(2)  # 5 messages * 14 + 9 = 79 tokens
    result = fit_to_context(messages, Counter(), n_ctx=128, max_tokens=4096, policy="stop")
    assert result.dropped_messages == 0  # reserve is 32, not 4096


def test_drops_oldest_pairs_keeping_system_and_latest_user() -> None:
    messages = chat(6)  # system 9, each message 14 tokens -> 9 + 13*14 = 191
    count = Counter()
    result = fit_to_context(messages, count, n_ctx=200, max_tokens=40, policy="drop_oldest")
    # Budget 200 - 40 = 160. One turn less: 163 (too many); two turns less: 135.
    kept = result.messages
    assert result.dropped_messages == 4
    assert kept == [messages[0], *messages[5:]]
    roles = [m["role"] for m in kept]
    assert roles == ["system"] + ["user", "assistant"] * 4 + ["user"]
    assert result.notice == "4 earlier messages were left out to fit the 200-token context."


def test_notice_singular() -> None:
    messages = [
        {"role": "assistant", "content": words(30, "greeting")},  # a greeting before any user
        {"role": "user", "content": words(10, "q")},
    ]
    result = fit_to_context(messages, Counter(), n_ctx=40, max_tokens=10, policy="drop_oldest")
    assert result.messages == messages[1:]
    assert result.dropped_messages == 1
    assert result.notice == "1 earlier message was left out to fit the 40-token context."


def test_system_messages_anywhere_are_kept() -> None:
    messages = chat(4, system=False)
    messages.insert(3, {"role": "system", "content": "note"})
    result = fit_to_context(messages, Counter(), n_ctx=60, max_tokens=8, policy="drop_oldest")
    assert {"role": "system", "content": "note"} in result.messages
    assert result.messages[-1] == messages[-1]
    # Turns go whole: no assistant message is kept without its question.
    for i, m in enumerate(result.messages):
        if m["role"] == "assistant":
            assert result.messages[i - 1]["role"] in ("user", "system")


def test_stop_policy_raises_with_numbers() -> None:
    messages = chat(6)
    count = Counter()
    with pytest.raises(ContextFullError) as info:
        fit_to_context(messages, count, n_ctx=200, max_tokens=40, policy="stop")
    err = info.value
    assert isinstance(err, AppError) and err.kind == "context_full"
    assert "191 tokens" in str(err) and "200" in str(err)
    assert "new chat" in str(err)
    assert count.calls == 1


def test_impossible_case_raises() -> None:
    messages = chat(3)
    messages[-1] = {"role": "user", "content": words(300, "huge")}
    count = Counter()
    with pytest.raises(ContextFullError, match="latest message need 313 tokens"):
        fit_to_context(messages, count, n_ctx=256, max_tokens=64, policy="drop_oldest")
    assert count.calls <= 3


def test_nothing_to_drop_raises() -> None:
    messages = [{"role": "system", "content": words(50, "s")}, {"role": "user", "content": "hi"}]
    with pytest.raises(ContextFullError):
        fit_to_context(messages, Counter(), n_ctx=40, max_tokens=4, policy="drop_oldest")


def test_unknown_policy() -> None:
    with pytest.raises(ValueError):
        fit_to_context(chat(1), Counter(), n_ctx=100, max_tokens=10, policy="hope")


@pytest.mark.parametrize("turns", [1, 5, 50, 400])
def test_count_calls_are_few(turns: int) -> None:
    """Each call is a round trip to the engine: a chat that grew past the context by a turn or
    two needs 2-3 of them; a much smaller context (a model reloaded with less) at most 5."""
    messages = chat(turns)
    full = Counter()(messages)
    for over in (1, 30, full // 4, full // 2, full * 9 // 10):
        n_ctx = full - over + 16  # reserve is 16 (max_tokens 16)
        if n_ctx < 64:
            continue
        count = Counter()
        result = fit_to_context(messages, count, n_ctx=n_ctx, max_tokens=16, policy="drop_oldest")
        assert count.calls <= (3 if over <= 30 else 5), (turns, over, count.calls)
        assert Counter()(result.messages) + 16 <= n_ctx
        _assert_minimal(messages, result.messages, n_ctx - 16)


def _assert_minimal(messages: Messages, kept: Messages, budget: int) -> None:
    """Keeping one more turn would not fit: nothing was dropped that did not have to be."""
    first_kept = messages.index(kept[1]) if len(kept) > 1 else len(messages) - 1
    if first_kept <= 1:
        return
    one_more = [messages[0], *messages[first_kept - 2 :]]
    assert Counter()(one_more) > budget


def _uneven_counter(sizes: list[int], calls: list[int]) -> Callable[[Messages], int]:
    def count(messages: Messages) -> int:
        calls[0] += 1
        return sum(sizes[int(m["content"])] for m in messages)

    return count


def test_minimal_drop_even_when_text_length_misleads() -> None:
    """Token counts unrelated to text length: the guess is off, the result is still minimal."""
    rng_sizes = [7, 90, 3, 1, 60, 2, 2, 44, 5, 5, 80, 1, 9, 13, 3]
    n = len(rng_sizes)  # messages: user/assistant alternating, the last one a user
    roles = ["user", "assistant"] * (n // 2) + ["user"]
    messages = [{"role": r, "content": str(i)} for i, r in enumerate(roles)]
    total = sum(rng_sizes)
    for n_ctx in range(rng_sizes[-1] + 1, total + 1, 3):
        calls = [0]
        count = _uneven_counter(rng_sizes, calls)
        try:
            result = fit_to_context(
                messages, count, n_ctx=n_ctx, max_tokens=0, policy="drop_oldest"
            )
        except ContextFullError:
            assert rng_sizes[-1] > n_ctx
            continue
        kept_ids = [int(m["content"]) for m in result.messages]
        assert sum(rng_sizes[i] for i in kept_ids) <= n_ctx
        start = kept_ids[0]
        assert start % 2 == 0  # starts at a user message: turns go whole
        if start > 0:
            assert sum(rng_sizes[start - 2 :]) > n_ctx  # one more turn would not fit
        assert calls[0] <= 5 + 2 * (n // 2).bit_length()


def test_every_drop_count_is_found() -> None:
    """Brute force on small chats: the result equals the smallest fitting drop."""
    for turns, budget in itertools.product(range(0, 7), range(20, 130, 7)):
        messages = chat(turns, words_each=3)
        count = Counter()
        try:
            result = fit_to_context(
                messages, count, n_ctx=budget, max_tokens=0, policy="drop_oldest"
            )
        except ContextFullError:
            assert Counter()([messages[0], messages[-1]]) > budget
            continue
        expected = next(
            k
            for k in range(turns + 1)
            if Counter()([messages[0], *messages[1 + 2 * k :]]) <= budget
        )
        assert result.dropped_messages == 2 * expected
