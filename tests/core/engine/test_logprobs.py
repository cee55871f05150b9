"""Log-probabilities come only when asked, one per sampled token; raw prompts skip the template."""

from __future__ import annotations

import math

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, PromptProgress, Stats, Token, TokenLogprob
from desktop_app.core.engine.params import ChatRequest

COUNT = "1, 2, 3, 4, 5, 6, 7, 8,"


def test_logprobs_only_when_asked(engine: EngineClient) -> None:
    plain = list(engine.chat(ChatRequest.completion(COUNT, temperature=0, max_tokens=4)).events(60))
    assert not any(isinstance(e, TokenLogprob) for e in plain)

    events = list(
        engine.chat(ChatRequest.completion(COUNT, temperature=0, max_tokens=4, logprobs=3)).events(
            60
        )
    )
    done, stats = events[-1], next(e for e in events if isinstance(e, Stats))
    assert isinstance(done, Done) and done.text == plain[-1].text  # type: ignore[union-attr]
    items = [e for e in events if isinstance(e, TokenLogprob)]
    assert len(items) == stats.completion_tokens == 4
    assert b"".join(i.token for i in items).decode() == done.text == " 9, "
    answer = [e for e in events if not isinstance(e, PromptProgress)]  # the prompt read first
    assert isinstance(answer[0], TokenLogprob) and isinstance(answer[1], Token)  # before its text
    for item in items:
        assert len(item.top) == 3 and item.top[0] == (item.token, item.logprob)  # greedy
        assert sum(math.exp(lp) for _, lp in item.top) <= 1 + 1e-9


def test_a_raw_prompt_is_continued_without_the_chat_template(engine: EngineClient) -> None:
    done = engine.chat(ChatRequest.completion(COUNT, temperature=0, max_tokens=3)).result(60)
    assert isinstance(done, Done) and done.text == " 9,"
