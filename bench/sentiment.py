"""Sentiment: the app's batch path (label probabilities, shared prefix) against the bound, and
beside the plain way (one chat completion per text, its answer searched for a label word).

The bound is the physical limit: one forward pass over each text's own tokens (the text and the
template's tail; the shared prefix is evaluated once) at llama.cpp's prompt-processing rate,
measured in the same engine as llama-bench's pp does (prompt_rate.py: decode a batch of
--pp-tokens into a fresh sequence, --pp-reps times, median). `bound ratio R` = texts/s achieved
÷ texts/s at the bound (goal: R >= 0.8). Same engine process, model, threads and instruction,
one run; the app, the pp timing and the plain way take turns per chunk of texts, so that a busy
machine slows all three alike, and each chunk's bound uses the pp rate measured beside it.

Data: ../shared/data/sentiment-dev.csv (text, label, lang). English rows are scored over
positive / negative / neutral, Chinese rows over positive / negative (as its README says).

    python bench/sentiment.py [--model PATH] [--threads N] [--chunk 10] [--plain-max-tokens 32]
                              [--pp-tokens 256] [--pp-reps 3] [--no-plain] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.engine import requests as rq
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Stats
from desktop_app.core.engine.params import ChatRequest, LoadParams, SamplingParams
from desktop_app.core.engine.prompt_rate import PromptRate, bound_seconds
from desktop_app.core.engine.scoring import default_instruction
from desktop_app.core.models.starter import ensure_starter_model
from desktop_app.core.tasks.sentiment import SentimentTask

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sentiment-dev.csv"
LABELS = {"en": ("positive", "negative", "neutral"), "zh": ("positive", "negative")}


@dataclass
class Tally:
    n: int = 0
    correct: int = 0
    seconds: float = 0.0
    unparsed: int = 0
    tokens: int = 0  # tokens generated (plain) or decoded (app)
    parallel: int = 1  # texts per decode (app)
    item_tokens: int = 0  # the texts' own tokens decoded (app)
    bound_s: float = 0.0  # the texts' own tokens at the pp rate measured beside them (app)
    pp_tokens: int = 0  # pp timing: tokens and median seconds, summed over chunks
    pp_seconds: float = 0.0
    answers: list[str] = field(default_factory=list)

    def rate(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    def bound_ratio(self) -> float:
        """texts/s achieved ÷ texts/s at the bound = bound time ÷ time taken."""
        return self.bound_s / self.seconds if self.seconds else 0.0

    def pp_rate(self) -> float:
        return self.pp_tokens / self.pp_seconds if self.pp_seconds else 0.0

    def add(self, t: Tally) -> None:
        for name in ("n", "correct", "seconds", "unparsed", "tokens", "item_tokens", "bound_s"):
            setattr(self, name, getattr(self, name) + getattr(t, name))
        self.pp_tokens += t.pp_tokens
        self.pp_seconds += t.pp_seconds
        self.parallel = max(self.parallel, t.parallel)


def parse_label(answer: str, labels: tuple[str, ...]) -> str | None:
    """The first label word in a free-text answer (whole word, any case), or None."""
    found = re.search(r"\b(" + "|".join(map(re.escape, labels)) + r")\b", answer, re.IGNORECASE)
    return found.group(1).lower() if found else None


def plain_one(
    engine: EngineClient, text: str, labels: tuple[str, ...], sampling: SamplingParams
) -> tuple[str, int]:
    """The answer and how many tokens it took."""
    messages = (
        {"role": "system", "content": default_instruction(labels)},
        {"role": "user", "content": text.strip()},
    )
    events = list(engine.chat(ChatRequest(messages, sampling)).events(timeout=600))
    done, stats = events[-1], next(e for e in events if isinstance(e, Stats))
    assert isinstance(done, Done), done
    return done.text, stats.completion_tokens


def prompt_rate(engine: EngineClient, n_tokens: int, reps: int) -> PromptRate:
    """llama-bench's pp in the engine process (no warm-up: the engine has just been busy)."""
    rate = engine.submit(rq.MeasurePromptRate(n_tokens, reps, warmup=False)).result(1200)
    assert isinstance(rate, PromptRate), rate
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", help="a .gguf file (default: the starter model)")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--chunk", type=int, default=10, help="texts per turn of each side")
    ap.add_argument("--plain-max-tokens", type=int, default=32)
    ap.add_argument("--plain-temperature", type=float, default=0.0, help="0: greedy")
    ap.add_argument("--no-calibrate", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="texts per language (0: all)")
    ap.add_argument("--pp-tokens", type=int, default=256, help="tokens per timed pp decode")
    ap.add_argument("--pp-reps", type=int, default=3, help="pp decodes per chunk (median)")
    ap.add_argument("--no-plain", action="store_true", help="only the app against the bound")
    args = ap.parse_args()

    model = (
        Path(args.model)
        if args.model
        else ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    )
    with Path(args.data).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    sampling = SamplingParams(
        temperature=args.plain_temperature, seed=1, max_tokens=args.plain_max_tokens
    )
    print(f"model {model.name}, {args.threads} threads, context {args.ctx}, data {len(rows)} rows")
    print(
        f"plain: one chat per text, temperature {args.plain_temperature}, at most "
        f"{args.plain_max_tokens} tokens, first label word in the answer; "
        f"app: SentimentTask.classify_batch, calibrate={not args.no_calibrate}; "
        f"pp: {args.pp_tokens} tokens into a fresh sequence, median of {args.pp_reps} per chunk"
    )
    app: dict[str, Tally] = {}
    plain: dict[str, Tally] = {}
    with EngineClient(log_dir=tempfile.gettempdir()) as engine:
        engine.load(LoadParams(str(model), n_ctx=args.ctx, n_threads=args.threads)).result(300)
        task = SentimentTask(engine)
        prompt_rate(engine, args.pp_tokens, 1)  # llama-bench's warm-up run
        for lang, labels in LABELS.items():
            items = [r for r in rows if r["lang"] == lang]
            if args.limit:
                items = items[: args.limit]
            a, p = app.setdefault(lang, Tally()), plain.setdefault(lang, Tally())
            for k in range(0, len(items), args.chunk):
                chunk = items[k : k + args.chunk]
                started = time.perf_counter()
                results = task.classify_batch(
                    [r["text"] for r in chunk], labels, calibrate=not args.no_calibrate
                )
                a.seconds += time.perf_counter() - started
                a.n += len(chunk)
                report = task.last_report
                assert report is not None and report.item_tokens, "no classify report"
                a.tokens += report.tokens_evaluated
                a.item_tokens += report.item_tokens
                a.parallel = report.parallel
                a.correct += sum(
                    res.label == r["label"] for res, r in zip(results, chunk, strict=True)
                )
                rate = prompt_rate(engine, args.pp_tokens, args.pp_reps)
                a.bound_s += bound_seconds([report.item_tokens], rate.tokens_per_s)
                a.pp_tokens += rate.n_tokens
                a.pp_seconds += rate.median_s
                if args.no_plain:
                    print(f"  {lang} {a.n}/{len(items)}", file=sys.stderr, flush=True)
                    continue
                started = time.perf_counter()
                answers = [plain_one(engine, r["text"], labels, sampling) for r in chunk]
                p.seconds += time.perf_counter() - started
                for (answer, n_tokens), r in zip(answers, chunk, strict=True):
                    label = parse_label(answer, labels)
                    p.tokens += n_tokens
                    p.n += 1
                    p.correct += label == r["label"]
                    p.unparsed += label is None
                    p.answers.append(answer)
                print(f"  {lang} {a.n}/{len(items)}", file=sys.stderr, flush=True)

    def line(name: str, t: Tally, extra: str = "") -> str:
        return (
            f"  {name:<6} {t.n:>4} texts  {t.rate():7.2f} texts/s  accuracy {t.accuracy():6.1%}"
            f"{extra}"
        )

    total_app, total_plain = Tally(), Tally()
    for lang in LABELS:
        total_app.add(app[lang])
        total_plain.add(plain[lang])
    for name, (a, p) in {
        **{lang: (app[lang], plain[lang]) for lang in LABELS},
        "all": (total_app, total_plain),
    }.items():
        print(f"{name} ({'/'.join(LABELS[name]) if name in LABELS else 'both'}):")
        print(
            line(
                "app",
                a,
                f"  ({a.tokens / max(a.n, 1):.0f} tokens decoded per text, "
                f"{a.item_tokens / max(a.n, 1):.0f} its own; {a.parallel} per decode)",
            )
        )
        at_bound = a.n / a.bound_s if a.bound_s else 0.0
        print(
            f"  bound  {at_bound:7.2f} texts/s  (pp {a.pp_rate():.1f} tokens/s, "
            f"{a.bound_s:.1f} s for {a.item_tokens} tokens; app took {a.seconds:.1f} s)"
        )
        print(f"  bound ratio R {a.bound_ratio():.2f}")
        if args.no_plain:
            continue
        print(
            line(
                "plain",
                p,
                f"  ({p.tokens / max(p.n, 1):.1f} tokens generated per text; "
                f"no label word in {p.unparsed})",
            )
        )
        speed = a.rate() / p.rate() if p.rate() else float("inf")
        print(f"  ratio  {speed:.1f}x texts/s, accuracy {a.accuracy() - p.accuracy():+.1%} points")
    sample = [ans for ans in total_plain_answers(plain) if ans][:3]
    if sample:
        print("plain answers, for example: " + " | ".join(repr(s[:70]) for s in sample))
    return 0


def total_plain_answers(plain: dict[str, Tally]) -> list[str]:
    return [ans for t in plain.values() for ans in t.answers]


if __name__ == "__main__":
    sys.exit(main())
