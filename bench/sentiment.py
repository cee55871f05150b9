"""Sentiment: the app's batch path (label probabilities, shared prefix) beside the plain way
(one chat completion per text, its answer searched for a label word). Same engine process,
model, threads and instruction, one run; the two are interleaved in chunks of texts so that a
busy machine slows both alike.

Data: ../shared/data/sentiment-dev.csv (text, label, lang). English rows are scored over
positive / negative / neutral, Chinese rows over positive / negative (as its README says).
Prints texts/s and accuracy for both, and the ratios (goal: >= 5x the texts/s, higher accuracy).

    python bench/sentiment.py [--model PATH] [--threads N] [--chunk 10] [--plain-max-tokens 32]
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

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Stats
from desktop_app.core.engine.params import ChatRequest, LoadParams, SamplingParams
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
    answers: list[str] = field(default_factory=list)

    def rate(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0


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
        f"app: SentimentTask.classify_batch, calibrate={not args.no_calibrate}"
    )
    app: dict[str, Tally] = {}
    plain: dict[str, Tally] = {}
    with EngineClient(log_dir=tempfile.gettempdir()) as engine:
        engine.load(LoadParams(str(model), n_ctx=args.ctx, n_threads=args.threads)).result(300)
        task = SentimentTask(engine)
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
                if task.last_report is not None:
                    a.tokens += task.last_report.tokens_evaluated
                    a.parallel = task.last_report.parallel
                a.correct += sum(
                    res.label == r["label"] for res, r in zip(results, chunk, strict=True)
                )
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
        a, p = app[lang], plain[lang]
        for total, t in ((total_app, a), (total_plain, p)):
            total.n += t.n
            total.correct += t.correct
            total.seconds += t.seconds
            total.unparsed += t.unparsed
            total.tokens += t.tokens
            total.parallel = max(total.parallel, t.parallel)
    for name, (a, p) in {
        **{lang: (app[lang], plain[lang]) for lang in LABELS},
        "all": (total_app, total_plain),
    }.items():
        print(f"{name} ({'/'.join(LABELS[name]) if name in LABELS else 'both'}):")
        print(
            line(
                "app",
                a,
                f"  ({a.tokens / max(a.n, 1):.0f} tokens decoded per text, {a.parallel} per decode)",
            )
        )
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
    print("plain answers, for example: " + " | ".join(repr(s[:70]) for s in sample))
    return 0


def total_plain_answers(plain: dict[str, Tally]) -> list[str]:
    return [ans for t in plain.values() for ans in t.answers]


if __name__ == "__main__":
    sys.exit(main())
