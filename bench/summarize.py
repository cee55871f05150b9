"""Summarizing a long document in a small context, beside the least work any summary needs.

The bound, measured in the same run with plain requests through the same engine: the time for
llama.cpp to read every token of the document once (at its measured prompt speed) plus the time
to write the final summary's tokens (at its measured generation speed). Map-reduce adds writing
and re-reading the partial summaries, and the run checks its claims against the text (issue
17: on, as always); the goal is a wall time within 1.25x the bound. Where the time goes is
printed per stage: tokens read (and reused from the KV cache: the parts share their
instruction), tokens written, and the time outside requests (counting, claims, coverage). The engine's
resident memory is printed at the start, the peak during the run and the end, to show it stays
flat (the KV cache is allocated at load; parts are counted one at a time).

    python bench/summarize.py [--model PATH] [--ctx 2048] [--tokens 8000] [--threads N] [--no-mmap]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Stats
from desktop_app.core.engine.params import ChatRequest, LoadParams
from desktop_app.core.models.starter import ensure_starter_model
from desktop_app.core.tasks.summarize import (
    STYLES,
    PartDone,
    Plan,
    Progress,
    Summarizer,
    SummaryEvent,
    SummaryOptions,
)

PEOPLE = ["Amelia Hart", "Bao Lin", "Carlos Mendes", "Dana Okafor", "Emil Novak", "Fatima Zahra",
          "Gustav Lind", "Hana Sato", "Ivan Petrov", "Julia Rossi", "Kwame Mensah", "Lena Vogel"]  # fmt: skip
THINGS = ["the harbour wall", "the water mill", "the public library", "the covered market",
          "the stone bridge", "the grammar school", "the lighthouse", "the railway depot",
          "the hospital wing", "the town archive", "the brewery", "the tram line"]  # fmt: skip
SENTENCES = [
    "{p} proposed rebuilding {t}, at a cost of {n} thousand crowns.",
    "After a long debate the council approved the plan by {n} votes to {m}.",
    "Work on {t} was delayed for {n} weeks because the timber arrived late.",
    "{p} kept a diary that describes the noise, the dust and the crowds around {t}.",
    "Newspapers praised {t}, although {p} complained that the budget had doubled.",
    "By the end of the year {n} families depended on {t} for their income.",
    "A winter flood damaged {t}, and {p} led {n} volunteers in the repairs.",
    "Historians still argue whether {p} or the merchants' guild deserves the credit for {t}.",
    "The records show {n} accidents at {t}, none of them fatal.",
    "{p} left the town in that year and did not return for {n} years.",
    "Prices at {t} rose by {n} percent, which led to a short strike.",
    "Travellers described {t} as the finest in the province.",
]


def document(rng: random.Random, paragraphs: int, first_year: int = 1801) -> str:
    """A chronicle of a town: one year a paragraph, varied sentences, names and numbers."""
    out = []
    for k in range(paragraphs):
        lines = [f"Chapter {k + 1}. The year {first_year + k}."]
        for _ in range(rng.randint(3, 6)):
            lines.append(
                rng.choice(SENTENCES).format(
                    p=rng.choice(PEOPLE),
                    t=rng.choice(THINGS),
                    n=rng.randint(2, 95),
                    m=rng.randint(1, 40),
                )
            )
        out.append(" ".join(lines))
    return "\n\n".join(out)


def rss_mib(pid: int) -> float:
    import psutil

    return float(psutil.Process(pid).memory_info().rss) / 2**20


def plain_request(engine: EngineClient, prompt: str, max_tokens: int) -> Stats:
    handle = engine.chat(
        ChatRequest.of(
            [{"role": "user", "content": prompt}], temperature=0.3, seed=1, max_tokens=max_tokens
        )
    )
    events = list(handle.events(timeout=600))
    assert isinstance(events[-1], Done), events[-1]
    return next(e for e in events if isinstance(e, Stats))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", help="a .gguf file (default: the starter model)")
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--tokens", type=int, default=8000, help="document length in tokens (about)")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--no-mmap", action="store_true", help="read the model into RAM")
    ap.add_argument("--style", default="bullets", choices=STYLES)
    args = ap.parse_args()
    model = (
        Path(args.model)
        if args.model
        else ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    )
    engine = EngineClient(log_dir=tempfile.mkdtemp(prefix="bench-summarize-")).start()
    try:
        params = LoadParams(str(model), n_ctx=args.ctx, n_threads=args.threads,
                            use_mmap=not args.no_mmap)  # fmt: skip
        info: Any = engine.load(params).result(timeout=300)
        n_ctx = int(info.n_ctx)
        pid = int(engine._process.pid)
        rng = random.Random(7)

        # The document: paragraphs until it reaches the requested length.
        text = document(rng, 20)
        while (n := engine.count_tokens(text).result()) < args.tokens:
            text += "\n\n" + document(rng, 10, first_year=1801 + text.count("\n\n") + 1)
        print(f"model {info.name}, context {n_ctx}, threads {params.threads}, "
              f"mmap {'on' if params.use_mmap else 'off'}")  # fmt: skip
        print(f"document: {n} tokens, {len(text):,} characters")

        # Reference speeds, plain requests through the same engine. The prompt is about the size
        # of one part (reading speed falls as the context fills), from text the summary never sees.
        other = document(random.Random(99), 60, first_year=1601)
        probe_chars = int(len(text) / n * n_ctx * 0.75)
        read = plain_request(engine, "Read this.\n\n" + other[:probe_chars], 1)
        write = plain_request(engine, "Write a long story about a lighthouse keeper.", 200)
        print(f"reference: prompt {read.prompt_tps:.0f} tok/s ({read.prompt_tokens_evaluated} "
              f"tokens), generation {write.gen_tps:.1f} tok/s ({write.completion_tokens} tokens)")  # fmt: skip
        rss_start = rss_mib(pid)

        peak = [rss_start]
        last_stage = [""]

        def on_event(event: SummaryEvent) -> None:
            if isinstance(event, Plan):
                print(
                    f"plan: {event.mode}: {event.reason} {event.cost}", *event.cheaper, flush=True
                )
            if isinstance(event, (Progress, PartDone)):
                peak[0] = max(peak[0], rss_mib(pid))
            if isinstance(event, Progress) and event.stage != last_stage[0]:
                last_stage[0] = event.stage
                print(f"  {event.stage}: {event.n} request(s)", flush=True)

        summarizer = Summarizer(engine, n_ctx)
        started = time.perf_counter()
        result = summarizer.run(text, SummaryOptions(style=args.style), on_event=on_event)
        wall = time.perf_counter() - started
        rss_end = rss_mib(pid)

        final = [r for r in result.requests if r.stage == "final"][-1]
        bound = n / read.prompt_tps + final.completion_tokens / write.gen_tps
        prompt_total = sum(r.prompt_tokens for r in result.requests)
        gen_total = sum(r.completion_tokens for r in result.requests)
        first = sum(1 for p in result.parts if p.level == 1)
        print(f"summary: {first} parts, {result.levels} level(s), {len(result.requests)} requests; "
              f"{prompt_total} prompt tokens read, {gen_total} written "
              f"({final.completion_tokens} in the final summary)")  # fmt: skip
        for r in result.requests:
            assert r.prompt_tokens + r.max_tokens <= n_ctx, r
            print(f"  {r.stage:6} prompt {r.prompt_tokens:5} at {r.prompt_tps:4.0f} tok/s, wrote "
                  f"{r.completion_tokens:4} at {r.gen_tps:5.1f} tok/s, {r.seconds:5.1f} s")  # fmt: skip
        print(
            f"every request within the {n_ctx}-token context: yes; warnings: {len(result.warnings)}"
        )
        for stage in ("map", "reduce", "final"):
            rs = [r for r in result.requests if r.stage == stage]
            if not rs:
                continue
            read_s = sum(r.evaluated / r.prompt_tps for r in rs if r.prompt_tps > 0)
            write_s = sum(r.completion_tokens / r.gen_tps for r in rs if r.gen_tps > 0)
            reused = sum(r.prompt_tokens - r.evaluated for r in rs if r.evaluated >= 0)
            print(f"  where the time goes, {stage}: {len(rs)} request(s), read "
                  f"{sum(r.evaluated for r in rs)} tokens ({reused} reused from the cache) in "
                  f"{read_s:.1f} s, wrote {sum(r.completion_tokens for r in rs)} in {write_s:.1f} s")  # fmt: skip
        outside = wall - sum(r.seconds for r in result.requests)
        bad = sum(1 for c in result.claims if not c.supported)
        print(f"  outside requests (counting, claims, coverage): {outside:.1f} s; "
              f"{len(result.claims)} claims, {bad} not supported, coverage {result.coverage:.0%}")  # fmt: skip
        stalled = [
            r for r in result.requests if r.completion_tokens > 1 and r.gen_tps < write.gen_tps / 4
        ]
        if stalled:  # llama.cpp's spinning threads collapse when another process takes a core
            print(f"note: {len(stalled)} request(s) ran at under a quarter of the reference speed: "
                  "another process was competing for the CPU; rerun on a quiet machine")  # fmt: skip
        print(f"wall {wall:.1f} s   bound {bound:.1f} s (read {n} tokens at {read.prompt_tps:.0f} "
              f"tok/s + write {final.completion_tokens} at {write.gen_tps:.1f} tok/s)   "
              f"ratio {wall / bound:.2f}x (goal <= 1.25x)")  # fmt: skip
        print(f"engine RSS: start {rss_start:.0f} MiB, peak {peak[0]:.0f} MiB, end {rss_end:.0f} "
              f"MiB (change {rss_end - rss_start:+.0f} MiB)")  # fmt: skip
        print("\n" + result.summary[:600])
        return 0 if wall / bound <= 1.25 else 1
    finally:
        engine.close()


if __name__ == "__main__":
    sys.exit(main())
