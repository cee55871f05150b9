"""The real SmolLM2 model through the engine process, as the GUI and the CLI use it."""

from __future__ import annotations

import threading
import time
from typing import Any

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ContextBudget, Done, Error, Stats, Token, Warning_
from desktop_app.core.engine.params import ChatRequest
from desktop_app.core.errors import PromptTooLongError

HELLO = [{"role": "user", "content": "Write three sentences about the sea."}]


def ask(engine: EngineClient, messages: list[dict[str, str]] = HELLO, **sampling: Any) -> list:
    return list(engine.chat(ChatRequest.of(messages, **sampling)).events(timeout=120))


def text_of(events: list) -> str:
    done = events[-1]
    assert isinstance(done, Done), events[-1]
    return done.text


def test_tokens_stream_in_order_with_stats(engine: EngineClient) -> None:
    arrivals: list[tuple[float, str]] = []
    handle = engine.chat(
        ChatRequest.of(HELLO, seed=1, max_tokens=40),
        callback=lambda e: (
            arrivals.append((time.perf_counter(), e.text)) if isinstance(e, Token) else None
        ),
    )
    events = list(handle.events(timeout=120))
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert len(tokens) >= 5, "the answer must arrive as a stream of tokens, not at once"
    assert "".join(tokens) == text_of(events)
    assert [t for _, t in arrivals] == tokens  # the callback saw the same order
    assert arrivals[-1][0] - arrivals[0][0] > 0  # spread over time: really streamed
    stats = next(e for e in events if isinstance(e, Stats))
    assert stats.ttft_s > 0 and stats.gen_tps > 0 and stats.prompt_tps > 0
    assert stats.prompt_tokens > 5 and stats.seed == 1
    assert 1 <= stats.completion_tokens <= 40
    assert any(c.isalpha() for c in text_of(events))


def test_max_tokens_holds(engine: EngineClient) -> None:
    events = ask(engine, seed=3, max_tokens=5, temperature=1.0)
    stats = next(e for e in events if isinstance(e, Stats))
    assert stats.completion_tokens <= 5
    assert events[-1].finish_reason == "length"


def test_stop_string_holds(engine: EngineClient) -> None:
    full = text_of(ask(engine, seed=7, max_tokens=60, temperature=0.8))
    words = [w for w in full.split() if w.isalpha() and len(w) > 3]
    assert len(words) >= 3, full
    stop = words[2]
    cut = text_of(ask(engine, seed=7, max_tokens=60, temperature=0.8, stop=[stop]))
    assert stop not in cut
    assert full.startswith(cut)
    assert cut == full[: full.index(stop)]


def test_same_seed_same_text_and_different_seeds_differ(engine: EngineClient) -> None:
    a = text_of(ask(engine, seed=42, max_tokens=40, temperature=1.0))
    b = text_of(ask(engine, seed=42, max_tokens=40, temperature=1.0))
    c = text_of(ask(engine, seed=43, max_tokens=40, temperature=1.0))
    assert a == b
    assert a != c


def test_no_seed_differs_each_time(engine: EngineClient) -> None:
    runs = [ask(engine, max_tokens=40, temperature=1.0) for _ in range(2)]
    seeds = [next(e for e in r if isinstance(e, Stats)).seed for r in runs]
    assert seeds[0] != seeds[1]
    assert text_of(runs[0]) != text_of(runs[1])


def _cancel_timing(
    engine: EngineClient, messages: list[dict[str, str]], *, after_tokens: int, max_tokens: int
) -> tuple[Any, float, int]:
    """Cancel once `after_tokens` tokens arrived (0: a fixed time into the prompt)."""
    seen = threading.Event()
    done_at: list[float] = []
    count = [0]

    def on_event(e: object) -> None:
        if isinstance(e, Token):
            count[0] += 1
            if count[0] >= after_tokens:
                seen.set()
        elif isinstance(e, (Done, Error)):
            done_at.append(time.perf_counter())

    handle = engine.chat(ChatRequest.of(messages, seed=5, max_tokens=max_tokens), callback=on_event)
    if after_tokens:
        assert seen.wait(60)
    else:
        time.sleep(0.4)  # deliberately part-way into prompt processing; nothing to wait on
    asked = time.perf_counter()
    handle.cancel()
    assert handle.wait(10)
    return handle, done_at[0] - asked, count[0]


def test_cancel_while_generating_is_fast_and_engine_stays_usable(engine: EngineClient) -> None:
    story = [{"role": "user", "content": "Tell me a very long story about a dragon and a knight."}]
    handle, delay, _ = _cancel_timing(engine, story, after_tokens=5, max_tokens=2000)
    assert handle.final.finish_reason == "cancelled"
    assert delay < 0.2, f"cancel took {delay * 1000:.0f} ms"
    assert text_of(ask(engine, seed=1, max_tokens=8))


def test_cancel_while_processing_a_long_prompt(engine: EngineClient) -> None:
    long_text = " ".join(
        f"Item {i}: the quick brown fox jumps over the lazy dog." for i in range(75)
    )
    messages = [{"role": "user", "content": long_text + "\nSummarize."}]
    budget = engine.budget(messages, 16).result(timeout=60)
    assert 1000 < budget.prompt_tokens < 1500, budget  # seconds of prompt work here
    handle, delay, tokens = _cancel_timing(engine, messages, after_tokens=0, max_tokens=16)
    assert tokens == 0, "the cancel must land during prompt processing"
    assert handle.final.finish_reason == "cancelled"
    assert delay < 0.2, f"cancel took {delay * 1000:.0f} ms"
    assert text_of(ask(engine, seed=1, max_tokens=8))


def test_prompt_longer_than_context_gets_its_error(engine: EngineClient) -> None:
    huge = [{"role": "user", "content": "word " * 6000}]
    events = ask(engine, max_tokens=10)
    assert isinstance(events[-1], Done)
    events = ask(engine, huge, max_tokens=10)
    assert isinstance(events[-1], Error)
    assert isinstance(events[-1].error, PromptTooLongError)
    assert "context holds 4096" in str(events[-1].error)
    assert text_of(ask(engine, seed=1, max_tokens=4))


def test_budget_and_clamped_answer_warning(engine: EngineClient) -> None:
    budget = engine.budget(HELLO, 512).result(timeout=30)
    assert isinstance(budget, ContextBudget)
    assert budget.n_ctx == 4096 and 5 < budget.prompt_tokens < 100 and budget.fits
    assert not engine.budget(HELLO, 4090).result(timeout=30).fits
    handles: list = []

    def stop_at_warning(e: object) -> None:
        if isinstance(e, Warning_):
            handles[0].cancel()  # the warning is what this test is about; skip the long answer

    handles.append(
        engine.chat(ChatRequest.of(HELLO, max_tokens=4090, seed=1), callback=stop_at_warning)
    )
    events = list(handles[0].events(timeout=120))
    warnings = [e for e in events if isinstance(e, Warning_)]
    assert warnings and warnings[0].code == "answer_clamped"
    assert f"Only {4096 - budget.prompt_tokens} tokens are left" in warnings[0].message


def test_chinese_round_trip(engine: EngineClient) -> None:
    messages = [{"role": "user", "content": "请用中文介绍一下大海。"}]
    count = engine.count_tokens("你好，世界").result(timeout=30)
    assert count >= 2
    text = text_of(ask(engine, messages, seed=2, max_tokens=30))
    assert "\ufffd" not in text  # multi-byte characters are never split into broken pieces
