"""The app's tasks against a remote OpenAI-compatible server on loopback (real servers, real model).

The servers: llama-cpp-python's own (`python -m llama_cpp.server`) and this app's
(`hearth serve`, added by the server tests' helper where it exists).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import app_server, free_port, llama_cpp_server

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import ClassifyReport, Done, ModelInfo, Stats, Token
from desktop_app.core.engine.params import ChatRequest
from desktop_app.core.remote.engine import RemoteConfig, RemoteEngine, estimate_tokens
from desktop_app.core.remote.http import RemoteError
from desktop_app.core.remote.labels import label_probabilities, match_label
from desktop_app.core.tasks.sentiment import SentimentTask
from desktop_app.core.tasks.summarize import Summarizer, SummaryOptions

N_CTX = 2048


@pytest.fixture(scope="module", params=["llama_cpp.server", "hearth serve"])
def server(
    request: pytest.FixtureRequest, starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """Each test runs against llama-cpp-python's server and against this app's own."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    start = llama_cpp_server if request.param == "llama_cpp.server" else app_server
    with start(starter_model, log, n_ctx=N_CTX) as url:
        yield request.param, url


@pytest.fixture
def lcs_url(server: tuple[str, str]) -> str:
    return server[1]


@pytest.fixture
def kind(server: tuple[str, str]) -> str:
    return server[0]


@pytest.fixture
def remote(lcs_url: str) -> Iterator[RemoteEngine]:
    engine = RemoteEngine(RemoteConfig(lcs_url, n_ctx=N_CTX))
    info = engine.load().result(timeout=60)
    assert isinstance(info, ModelInfo)
    yield engine
    engine.close()


def test_connect_reports_the_model_and_the_tokenizer(lcs_url: str, kind: str) -> None:
    engine = RemoteEngine(RemoteConfig(lcs_url))  # no context given: asked from the server
    info = engine.load().result(timeout=60)
    assert isinstance(info, ModelInfo)
    assert "SmolLM2-135M-Instruct.Q4_1" in info.name
    assert info.backend.startswith("remote")
    if kind == "llama_cpp.server":  # it does not say its context size
        assert info.n_ctx == 4096 and any("assumed" in note for note in info.notes)
    else:  # hearth serve lists context_length
        assert info.n_ctx == N_CTX and not info.notes
    # llama-cpp-python's server counts with the model's own tokenizer
    assert engine.count_tokens("hello world").result(timeout=30) == 2


def test_chat_streams_and_counts(remote: RemoteEngine, engine: EngineClient, kind: str) -> None:
    request = ChatRequest.of(
        [{"role": "user", "content": "Write three sentences about the sea."}],
        max_tokens=24,
        seed=7,
        temperature=0.7,
    )
    handle = remote.chat(request)
    events = list(handle.events(timeout=120))
    tokens = [e.text for e in events if isinstance(e, Token)]
    stats = next(e for e in events if isinstance(e, Stats))
    done = events[-1]
    assert isinstance(done, Done)
    assert len(tokens) >= 5 and "".join(tokens) == done.text
    assert done.finish_reason == "length" and stats.completion_tokens == 24
    assert stats.prompt_tokens > 5 and stats.seed == 7
    if kind == "hearth serve":  # llama-cpp-python's server does not repeat it for a seed
        assert remote.chat(request).text(timeout=120) == done.text
    # the remote count of a prompt is close to the local engine's (llama.cpp on both sides)
    local = engine.count_tokens(done.text).result(timeout=30)
    assert remote.count_tokens(done.text).result(timeout=30) == local


def test_cancel_closes_the_stream(remote: RemoteEngine) -> None:
    request = ChatRequest.of(
        [{"role": "user", "content": "Tell a long story about a lighthouse keeper."}],
        max_tokens=400,
        temperature=0.7,
    )
    seen = threading.Event()
    handle = remote.chat(request, callback=lambda e: seen.set() if isinstance(e, Token) else None)
    assert seen.wait(60)
    started = time.monotonic()
    handle.cancel()
    assert handle.wait(5)
    assert time.monotonic() - started < 1.0
    assert isinstance(handle.final, Done) and handle.final.finish_reason == "cancelled"
    # the server still answers afterwards
    short = ChatRequest.of([{"role": "user", "content": "Hi"}], max_tokens=4, seed=1)
    assert remote.chat(short).text(timeout=120)


def test_summarize_through_the_remote_backend(remote: RemoteEngine) -> None:
    text = (
        "The town council met on Monday to discuss the new library. The building will open in "
        "spring, with a children's room, a cafe and study rooms. Funding comes from a local "
        "foundation and the city budget. Some residents asked for longer opening hours."
    )
    events: list[object] = []
    result = Summarizer(remote, N_CTX).run(
        text, SummaryOptions(style="tldr", target_words=20), on_event=events.append
    )
    assert not result.cancelled and result.levels == 0
    assert result.summary.strip()
    assert any(type(e).__name__ == "Token" for e in events)


def test_a_remote_summary_reports_no_prompt_reading_and_the_bar_is_busy(
    remote: RemoteEngine,
) -> None:
    """Issue 14: a server does not say how far it has read a prompt. The controller says so
    (prompt_reported False) and has no fraction (a busy bar) until something is measured."""
    from recorder import Recorder

    from desktop_app.core.controllers.summarize import RunEnded, SummarizeRun
    from desktop_app.core.tasks.summarize import Advanced, Progress

    run = SummarizeRun(lambda: remote)
    run.set_text("The town council met on Monday to discuss the new library. " * 6)
    seen = Recorder(run, timeout=300)
    looks: list[tuple[object, float | None]] = []
    run.add_listener(
        lambda e: looks.append((e, run.fraction())) if isinstance(e, Progress | Advanced) else None
    )
    assert run.summarize(N_CTX, SummaryOptions(style="tldr", target_words=20))
    ended = seen.wait_for(RunEnded)
    assert isinstance(ended, RunEnded) and ended.error is None, ended
    assert run.prompt_reported is False
    first = looks[0]
    assert isinstance(first[0], Progress) and first[1] is None  # busy, not an empty bar
    advanced = [e for e, _ in looks if isinstance(e, Advanced)]
    assert advanced and all(e.prompt == 0 for e in advanced)  # written tokens only
    assert any(f is not None for _, f in looks)  # then the bar follows the writing


def test_sentiment_through_the_remote_backend_uses_logprobs(remote: RemoteEngine) -> None:
    task = SentimentTask(remote)
    labels = ("positive", "negative", "neutral")
    results = task.classify_batch(
        ["I love this phone, it is wonderful!", "", "This was a terrible, awful day."], labels
    )
    report = task.last_report
    assert isinstance(report, ClassifyReport) and report.mode == "logprobs"
    assert results[1].error and "empty" in results[1].error
    for item in (results[0], results[2]):
        assert item.ok and set(item.probs) == set(labels)
        assert math.isclose(sum(item.probs.values()), 1.0, abs_tol=1e-9)
    assert results[0].probs["positive"] > results[2].probs["positive"]
    # custom labels
    mixed = task.classify_one("Great screen but the battery is bad.", (*labels, "mixed"))
    assert set(mixed.probs) == {*labels, "mixed"}


def test_cancel_a_remote_batch_keeps_results(remote: RemoteEngine) -> None:
    task = SentimentTask(remote)
    stop = threading.Event()

    def progress(done: int, _total: int, _i: int, _r: object) -> None:
        if done == 2:
            stop.set()

    texts = [f"I really like this, item {i}." for i in range(30)]
    results = task.classify_batch(texts, on_progress=progress, cancel=stop, calibrate=False)
    scored = [r for r in results if r.ok]
    assert 2 <= len(scored) < len(texts)
    assert task.last_report is not None and task.last_report.cancelled


def test_wrong_key_and_unreachable_server_say_so(starter_model: Path, tmp_path: Path) -> None:
    dead = RemoteEngine(RemoteConfig(f"http://127.0.0.1:{free_port()}/v1"))
    with pytest.raises(RemoteError, match="connection refused"):
        dead.load().result(timeout=30)
    with llama_cpp_server(starter_model, tmp_path / "keyed.log", api_key="s3cret") as url:
        with pytest.raises(RemoteError, match="refused the API key"):
            RemoteEngine(RemoteConfig(url, api_key="wrong")).load().result(timeout=30)
        info = RemoteEngine(RemoteConfig(url, api_key="s3cret")).load().result(timeout=30)
        assert isinstance(info, ModelInfo)


# ---- no server ----------------------------------------------------------------------------------


def test_label_probabilities_from_top_candidates() -> None:
    top = [(" Positive", math.log(0.5)), ("neg", math.log(0.2)), ("The", math.log(0.1))]
    probs = label_probabilities(top, ("positive", "negative", "neutral"))
    assert probs[0] == pytest.approx(0.5) and probs[1] == pytest.approx(0.2)
    assert probs[2] == pytest.approx(0.05)  # not among them: half the smallest candidate
    # "ne" starts both negative and neutral: it tells them apart from nothing, so it is skipped
    assert label_probabilities([("ne", 0.0)], ("negative", "neutral")) == [0.5, 0.5]


def test_match_label_and_estimate() -> None:
    assert match_label("Positive.", ("positive", "negative")) == "positive"
    assert match_label("not sure", ("positive", "negative")) is None
    assert estimate_tokens("你好世界") >= 4 and estimate_tokens("hello world") >= 3


def test_constrained_answers_where_a_server_gives_no_logprobs(remote: RemoteEngine) -> None:
    remote.probe.logprobs = False  # as learned from a server without logprobs
    task = SentimentTask(remote)
    result = task.classify_one("I love this phone, it is wonderful!", calibrate=False)
    assert task.last_report is not None and task.last_report.mode == "constrained"
    assert remote.scoring_mode == "constrained"
    if result.ok:  # a tiny model may name no label at all; then the row says so
        assert sorted(result.probs.values()) == [0.0, 0.0, 1.0]
    else:
        assert result.error and "named no label" in result.error


def test_chinese_streams_from_a_server_without_broken_characters(remote: RemoteEngine) -> None:
    """Issue 14: a character split across the server's chunks is not shown broken."""
    messages = [{"role": "user", "content": "请用中文写一段关于大海和城市历史的文章。"}]
    handle = remote.chat(ChatRequest.of(messages, max_tokens=80, seed=3))
    events = list(handle.events(120))
    streamed = "".join(e.text for e in events if isinstance(e, Token))
    done = events[-1]
    assert isinstance(done, Done) and streamed == done.text
    assert any("\u4e00" <= c <= "\u9fff" for c in streamed)
    assert "\ufffd" not in streamed, streamed
