"""Calibration methods on the dev set: accuracy and macro-F1 per method and language.

Data: ../shared/data/sentiment-dev.csv (dev only). English rows over positive / negative /
neutral, Chinese rows over positive / negative, each language one batch (as a batch job would
be). Methods (core/tasks/calibration.py): none, contextual, batch, domain; each with one word
per label, with several words per label (calibration.BUILT_IN_WORDS, summed), and with
few-shot examples picked automatically from labelled rows (one per label; two folds: the
examples come from the other half of the language's rows, never from the rows scored).

    python bench/calibration.py [--model PATH] [--threads N] [--shots 1]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.models.starter import ensure_starter_model
from desktop_app.core.tasks.calibration import METHODS, LabelWords, pick_examples
from desktop_app.core.tasks.sentiment import ItemResult, SentimentTask
from desktop_app.core.tasks.sentiment_eval import evaluate

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sentiment-dev.csv"
LABELS = {"en": ("positive", "negative", "neutral"), "zh": ("positive", "negative")}
VARIANTS = ("one word", "label words", "few-shot")


def run_variant(
    task: SentimentTask,
    rows: list[dict[str, str]],
    labels: tuple[str, ...],
    method: str,
    variant: str,
    shots: int,
) -> list[ItemResult]:
    texts = [r["text"] for r in rows]
    if variant == "label words":
        return task.classify_batch(
            texts, labels, calibration=method, words=LabelWords.built_in(labels)
        )
    if variant == "one word":
        return task.classify_batch(texts, labels, calibration=method)
    results: list[ItemResult | None] = [None] * len(rows)
    for fold in (0, 1):  # score one half with examples picked from the other
        scored = [i for i in range(len(rows)) if i % 2 == fold]
        pool = [(rows[i]["text"], rows[i]["label"]) for i in range(len(rows)) if i % 2 != fold]
        examples = pick_examples(pool, labels, shots)
        got = task.classify_batch(
            [texts[i] for i in scored], labels, calibration=method, examples=examples
        )
        for i, res in zip(scored, got, strict=True):
            results[i] = res
    return [r for r in results if r is not None]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", help="a .gguf file (default: the starter model)")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--shots", type=int, default=1, help="few-shot examples per label")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--langs", default=",".join(LABELS), help="languages to run (en,zh)")
    args = ap.parse_args()
    model = (
        Path(args.model)
        if args.model
        else ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    )
    with Path(args.data).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    print(f"model {model.name}, data {Path(args.data).name}: {len(rows)} rows")
    table: dict[tuple[str, str, str], tuple[float, float]] = {}
    started = time.perf_counter()
    with EngineClient(log_dir=tempfile.gettempdir()) as engine:
        engine.load(LoadParams(str(model), n_ctx=args.ctx, n_threads=args.threads)).result(300)
        task = SentimentTask(engine)
        for lang, labels in LABELS.items():
            if lang not in args.langs.split(","):
                continue
            items = [r for r in rows if r["lang"] == lang]
            for variant in variants:
                for method in METHODS:
                    results = run_variant(task, items, labels, method, variant, args.shots)
                    ev = evaluate([r["label"] for r in items], results, labels)
                    table[(variant, method, lang)] = (ev.accuracy, ev.macro_f1)
                    print(
                        f"  {lang} {variant} {method}: {ev.accuracy:.1%} F1 {ev.macro_f1:.3f}",
                        file=sys.stderr,
                        flush=True,
                    )
    langs = [lang for lang in LABELS if lang in args.langs.split(",")]
    counts = {lang: sum(r["lang"] == lang for r in rows) for lang in LABELS}
    head = " | ".join(
        f"{lang} ({counts[lang]}, {len(LABELS[lang])} classes) acc / F1" for lang in langs
    )
    print(f"\n| method | {head} |")
    print("|---|" + "---|" * len(langs))
    for variant in variants:
        for method in METHODS:
            cells = " | ".join(
                f"{table[(variant, method, lang)][0]:.1%} / {table[(variant, method, lang)][1]:.3f}"
                for lang in langs
            )
            name = method if variant == "one word" else f"{method} + {variant}"
            print(f"| {name} | {cells} |")
    for lang in langs:
        best = max((k for k in table if k[2] == lang), key=lambda k: (table[k][0], table[k][1]))
        print(f"best for {lang}: {best[1]} ({best[0]}): {table[best][0]:.1%}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
