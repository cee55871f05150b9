"""Summaries with the real starter model: splitting by tokens, one pass, map-reduce, cancel, CLI."""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.tasks.summarize import (
    DEFAULT_SAMPLING,
    Advanced,
    PartDone,
    Plan,
    Progress,
    Summarizer,
    SummaryError,
    SummaryEvent,
    SummaryOptions,
    SummaryResult,
    Token,
    split_by_tokens,
    split_counted,
)
from desktop_app.core.tasks.summary_claims import strip_citations

ROOT = Path(__file__).resolve().parents[3]
SMALL_CTX = 512  # llama.cpp rounds a context up to a multiple of 256
SEEDED = replace(DEFAULT_SAMPLING, seed=11)

NAMES = ["Alice Moreau", "Bob Stone", "Chen Wei", "Dmitri Orlov", "Esther Kahn", "Farid Haddad",
         "Grace Obi", "Hiro Tanaka", "Ines Duarte", "Jonas Berg"]  # fmt: skip
PLACES = ["the harbour", "the old mill", "the library", "the market square", "the river bridge",
          "the village school", "the lighthouse", "the railway station"]  # fmt: skip
SENTENCES = [
    "{name} repaired {place} with {n} volunteers.",
    "The council spent {n} thousand crowns on {place}.",
    "A storm damaged {place}, and {name} organised the clean-up.",
    "{name} wrote a report saying that {place} needed {n} new beams.",
    "Visitors to {place} rose by {n} percent that summer.",
    "{name} argued that {place} should close, but the vote failed by {n} votes.",
]


def chronicle(paragraphs: int, seed: int = 0) -> str:
    """A town chronicle: varied sentences with names, places and numbers, one year a paragraph."""
    r = random.Random(seed)
    out = []
    for k in range(paragraphs):
        lines = [f"In {1850 + k} the town changed again."]
        for _ in range(r.randint(2, 4)):
            lines.append(
                r.choice(SENTENCES).format(
                    name=r.choice(NAMES), place=r.choice(PLACES), n=r.randint(2, 90)
                )
            )
        out.append(" ".join(lines))
    return "\n\n".join(out)


class Counter:
    """The engine's real token count, with the number of calls kept."""

    def __init__(self, engine: EngineClient) -> None:
        self.engine = engine
        self.calls = 0

    def __call__(self, text: str) -> int:
        self.calls += 1
        value = self.engine.count_tokens(text).result(timeout=30)
        assert isinstance(value, int)
        return value


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def small(bare_engine: EngineClient, starter_model: Path) -> EngineClient:
    """The starter model in a small context, so a short document needs several parts.

    Read into RAM (no mmap): the test machine's kernel pages idle file-backed memory out (DAMON).
    One thread: when another engine shares the two cores, llama.cpp's spinning thread barrier
    makes two threads 30-40x slower, while one thread only halves.
    """
    params = LoadParams(str(starter_model), n_ctx=SMALL_CTX, n_threads=1, use_mmap=False)
    bare_engine.load(params).result(120)
    return bare_engine


# ---- splitting ----------------------------------------------------------------------------------


def test_split_at_paragraphs(small: EngineClient) -> None:
    text = chronicle(30)
    paragraphs = set(text.split("\n\n"))
    count = Counter(small)
    parts = split_by_tokens(text, count, 200)
    assert len(parts) >= 4
    for part in parts:
        assert count(part) <= 200
        assert set(part.split("\n\n")) <= paragraphs  # whole paragraphs only
    assert squash("".join(parts)) == squash(text)


def test_split_chinese_at_sentence_then_clause_marks(small: EngineClient) -> None:
    count = Counter(small)
    sentences = ["委员会周二开会讨论新的预算。", "几位成员对桥梁维修费用表示担忧！", "费用为何翻了一番？",
                 "市长承诺在三月前进行审查；", "图书馆将换新屋顶……"]  # fmt: skip
    text = "".join(sentences[i % 5] for i in range(40))
    parts = split_by_tokens(text, count, 120)
    assert len(parts) >= 3
    for part in parts:
        assert count(part) <= 120
        assert part[-1] in "。！？；…"
    assert "".join(parts) == text

    clauses = "，".join(f"第{i}项费用由委员会审查" for i in range(60)) + "、最后一项"
    parts = split_by_tokens(clauses, count, 100)
    assert len(parts) >= 3
    for part in parts[:-1]:
        assert count(part) <= 100
        assert part[-1] in "，、"
    assert "".join(parts) == clauses


def test_split_without_punctuation_cuts_at_spaces_then_anywhere(small: EngineClient) -> None:
    count = Counter(small)
    words = " ".join(f"word{i}" for i in range(600))
    parts = split_by_tokens(words, count, 60)
    assert all(count(p) <= 60 for p in parts)
    assert " ".join(parts).split() == words.split()  # no word was cut in two
    solid = "的" * 900 + "x" * 500
    parts = split_by_tokens(solid, count, 50)
    assert all(count(p) <= 50 for p in parts)
    assert "".join(parts) == solid


@pytest.mark.parametrize("max_tokens", [8, 37, 150, 700])
def test_split_never_over_budget_and_counts_sparingly(small: EngineClient, max_tokens: int) -> None:
    mixed = "\n\n".join(
        [
            chronicle(12, seed=1),
            "委员会周二开会讨论新的预算，" * 40,
            "x" * 900,
            chronicle(8, seed=2),
        ]
    )
    count = Counter(small)
    pieces = split_counted(mixed, count, max_tokens)
    calls = count.calls
    assert all(0 < n <= max_tokens for _, n in pieces)
    assert all(count(p) == n for p, n in pieces)  # the counts returned are the real ones
    assert squash("".join(p for p, _ in pieces)) == squash(mixed)
    assert calls <= 2.5 * len(pieces) + 4, (calls, len(pieces))


def test_split_edge_cases(small: EngineClient) -> None:
    count = Counter(small)
    assert split_by_tokens("   \n\n ", count, 100) == []
    assert split_by_tokens("Short text.", count, 100) == ["Short text."]
    with pytest.raises(ValueError):
        split_by_tokens("text", count, 4)


# ---- summarizing -------------------------------------------------------------------------------


def collect() -> tuple[list[SummaryEvent], Callable[[SummaryEvent], None]]:
    events: list[SummaryEvent] = []
    return events, events.append


def within_context(result: SummaryResult, n_ctx: int) -> None:
    assert result.requests
    for r in result.requests:
        assert r.prompt_tokens + r.max_tokens <= n_ctx, r
    assert not result.warnings  # the engine never had to clamp an answer


def test_one_pass_streams_the_summary(small: EngineClient) -> None:
    text = (
        "The committee met on Tuesday to discuss the new budget. Several members raised concerns "
        "about the cost of the bridge repairs, which had doubled since last year.\n\n"
        "The mayor promised a review by March. The library will get a new roof in the spring."
    )
    events, on_event = collect()
    result = Summarizer(small, SMALL_CTX, SEEDED).run(
        text, SummaryOptions(style="tldr", target_words=25), on_event=on_event
    )
    assert not result.cancelled and result.levels == 0 and result.parts == []
    assert result.summary
    plan = events[0]  # said before the work: one pass, and why
    assert isinstance(plan, Plan) and plan.mode == "whole" and plan.tokens > 0
    assert result.mode == "whole" and result.plan == plan
    assert events[1] == Progress("final", 1, 1, None)
    streamed = [e for e in events[2:] if not isinstance(e, Advanced)]  # and how far it is
    tokens = [e.text for e in streamed if isinstance(e, Token)]
    assert len(tokens) == len(streamed)
    assert "".join(tokens).strip() == result.summary
    within_context(result, SMALL_CTX)
    assert len(result.requests) == 1 and result.requests[0].stage == "final"


def test_map_reduce_recursion_in_a_small_context(small: EngineClient) -> None:
    text = chronicle(16, seed=5)  # about 1,000 tokens: 4 parts in a 512-token context
    events, on_event = collect()
    summarizer = Summarizer(small, SMALL_CTX, SEEDED, part_answer_tokens=80)
    started = time.monotonic()
    result = summarizer.run(
        text, SummaryOptions(style="paragraph", target_words=60), on_event=on_event
    )
    elapsed = time.monotonic() - started
    assert not result.cancelled and result.summary
    first = [p for p in result.parts if p.level == 1]
    assert len(first) >= 3
    assert all(p.done and p.summary for p in result.parts)
    assert squash("".join(p.text for p in first)) == squash(text)
    assert result.levels >= 2, [len(p.summary) for p in result.parts]  # partials were combined
    assert {p.level for p in result.parts} == set(range(1, result.levels + 1))
    within_context(result, SMALL_CTX)

    # Events: each part announced then done, in order, then the final pass streamed.
    non_tokens = [e for e in events if not isinstance(e, Token | Advanced)]
    expected: list[tuple[str, int]] = []
    index = 0
    for level in range(1, result.levels + 1):
        parts = [p for p in result.parts if p.level == level]
        for i, part in enumerate(parts, 1):
            expected += [("map" if level == 1 else "reduce", i), ("done", index)]
            assert part is result.parts[index]
            index += 1
    expected.append(("final", 1))
    seen = [
        ("done", e.index) if isinstance(e, PartDone) else (e.stage, e.i)
        for e in non_tokens
        if isinstance(e, (Progress, PartDone))
    ]
    assert seen == expected
    done_events = [e for e in events if isinstance(e, PartDone)]
    assert [e.summary for e in done_events] == [p.summary for p in result.parts]
    final_at = events.index(non_tokens[-1])
    assert all(isinstance(e, Token | Advanced) for e in events[final_at + 1 :])
    streamed = "".join(e.text for e in events if isinstance(e, Token))
    assert strip_citations(streamed) == result.summary  # the part ids became source spans
    etas = [e.eta_s for e in events if isinstance(e, Progress)]
    assert etas[0] is None and all(eta is not None and 0 <= eta < 3600 for eta in etas[1:])
    assert elapsed < 90


def test_cancel_mid_part_keeps_what_was_done(small: EngineClient) -> None:
    text = chronicle(30, seed=9)
    cancel = threading.Event()
    cancelled_at: list[float] = []
    events: list[SummaryEvent] = []

    def later() -> None:
        cancelled_at.append(time.monotonic())
        cancel.set()

    def on_event(event: SummaryEvent) -> None:
        events.append(event)
        if isinstance(event, Progress) and event.stage == "map" and event.i == 2:
            threading.Timer(0.4, later).start()  # while part 2 is in the engine

    result = Summarizer(small, SMALL_CTX, SEEDED, part_answer_tokens=96).run(
        text, SummaryOptions(), on_event=on_event, cancel=cancel
    )
    returned = time.monotonic()
    assert result.cancelled
    assert cancelled_at and returned - cancelled_at[0] < 3.0
    assert len(result.parts) >= 3
    assert result.parts[0].done and result.parts[0].summary
    assert not any(p.done for p in result.parts[1:])
    assert result.summary == ""
    assert [e.index for e in events if isinstance(e, PartDone)] == [0]
    assert len(result.requests) <= 2


def test_cancel_during_the_final_pass_keeps_the_text_so_far(small: EngineClient) -> None:
    cancel = threading.Event()
    tokens: list[str] = []

    def on_event(event: SummaryEvent) -> None:
        if isinstance(event, Token):
            tokens.append(event.text)
            if len(tokens) == 5:
                cancel.set()

    result = Summarizer(small, SMALL_CTX, SEEDED).run(
        chronicle(3), SummaryOptions(style="outline"), on_event=on_event, cancel=cancel
    )
    assert result.cancelled
    assert 5 <= len(tokens) < 15
    assert result.summary == "".join(tokens).strip()


def test_a_context_too_small_for_parts_is_refused(small: EngineClient) -> None:
    with pytest.raises(SummaryError, match="too little room"):
        Summarizer(small, 300).run(chronicle(20), SummaryOptions())
    with pytest.raises(ValueError, match="no text"):
        Summarizer(small, SMALL_CTX).run(" \n ", SummaryOptions())


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="style"):
        SummaryOptions(style="poem").validate()  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="language"):
        SummaryOptions(language="fr").validate()  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        SummaryOptions(target_words=0).validate()


# ---- the command ------------------------------------------------------------------------------

PARSER = """
import argparse, sys
from desktop_app import cli_summarize
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings

parser = argparse.ArgumentParser(prog="hearth")
sub = parser.add_subparsers(dest="command")
cli_summarize.add_parser(sub)
"""


def build_parser() -> argparse.ArgumentParser:
    from desktop_app import cli_summarize

    parser = argparse.ArgumentParser(prog="hearth")
    sub = parser.add_subparsers(dest="command")
    cli_summarize.add_parser(sub)
    return parser


def test_cli_writes_the_summary_to_a_file(
    tmp_path: Path, starter_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app import cli_summarize
    from desktop_app.core.storage.settings import Settings

    doc = tmp_path / "minutes.txt"
    doc.write_text(chronicle(3), encoding="utf-16")
    out = tmp_path / "out" / "summary.md"
    args = build_parser().parse_args(
        ["summarize", str(doc), "--model", str(starter_model), "--style", "bullets",
         "--words", "30", "-o", str(out), "-c", "2048", "-t", "1", "--seed", "3", "--no-mmap"]
    )  # fmt: skip
    rc = cli_summarize.run(args, Settings.load(tmp_path / "settings.json"))
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert captured.out == ""
    assert "minutes: text, UTF-16 LE (BOM)" in captured.err
    assert "writing the summary" in captured.err
    assert out.read_text(encoding="utf-8").strip()
    assert [p.name for p in out.parent.iterdir()] == ["summary.md"]  # no temp file left


def test_cli_ctrl_c_stops_and_keeps_partial_output(tmp_path: Path, starter_model: Path) -> None:
    doc = tmp_path / "chronicle.md"
    doc.write_text(chronicle(30, seed=9), encoding="utf-8")
    out = tmp_path / "partial.md"
    code = PARSER + (
        "args = parser.parse_args(sys.argv[1:])\n"
        "sys.exit(cli_summarize.run(args, Settings.load(app_paths().ensure().settings_file)))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "summarize", str(doc), "--model", str(starter_model),
         "-c", str(SMALL_CTX), "-t", "1", "-o", str(out), "--seed", "5", "--no-mmap"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stderr is not None
    err_lines: list[str] = []
    for line in iter_lines(proc.stderr, timeout=120):
        err_lines.append(line)
        if line.startswith("part 2/"):
            time.sleep(0.3)
            os.kill(proc.pid, signal.SIGINT)
            break
    _, rest_err = proc.communicate(timeout=30)
    err = "".join(err_lines) + rest_err
    assert proc.returncode == 130, err
    assert "[stopping…]" in err and "[stopped: 1 of" in err
    assert "Traceback" not in err
    written = out.read_text(encoding="utf-8")
    assert written.startswith("(Stopped before the final summary. Partial summaries of 1 of")


def iter_lines(stream: object, timeout: float) -> Iterator[str]:
    """Lines from a pipe, failing the test if none comes within `timeout` seconds."""
    import queue

    lines: queue.SimpleQueue[str] = queue.SimpleQueue()

    def pump() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.put(line)
            if line.startswith("part 2/"):
                return

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            yield lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:
            pytest.fail("the command printed no progress in time")
