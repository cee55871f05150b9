"""Which retrieval finds the part that answers a chat question better: BM25 (the chat's, in
core/tasks/retrieval.py) or cosine similarity of the loaded model's own embeddings (issue 17)?

A labelled set (tests/chat_documents_text.py): ten English and eight Chinese paragraphs on
distinct subjects, and questions labelled with the paragraph that answers each, half sharing
words with it and half paraphrased. Printed per language and method: hit@1 (the right paragraph
ranked first), hit@3, and the mean reciprocal rank, with the time each method took. The
embeddings come from the engine's Embed request (a second context in embedding mode on the
same GGUF; mean pooling for a chat model), or from an embedding GGUF given with --embedding-model.

    python bench/retrieval.py [--model PATH] [--embedding-model PATH] [--threads N]

Measured on the starter model (SmolLM2-135M-Instruct Q4_1, mean pooling), 2 busy CPU cores,
3 Dec 2026:  English  BM25 hit@1 0.75, hit@3 0.75, MRR 0.75, 0.00 s; embeddings 0.75, 0.90,
0.84, 380 s (30 texts).  Chinese  BM25 1.00, 1.00, 1.00; embeddings 0.50, 0.80, 0.69, 166 s.
The chat keeps BM25: embeddings only help on English paraphrases, lose on Chinese, and cost
seconds per part where BM25 costs nothing (a long document has hundreds of parts).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from chat_documents_text import (  # noqa: E402
    PARAGRAPHS_EN,
    PARAGRAPHS_ZH,
    QUESTIONS_EN,
    QUESTIONS_ZH,
)

from desktop_app.core.engine.client import EngineClient  # noqa: E402
from desktop_app.core.engine.params import LoadParams  # noqa: E402
from desktop_app.core.models.starter import ensure_starter_model  # noqa: E402
from desktop_app.core.tasks.retrieval import BM25  # noqa: E402

Ranker = Callable[[Sequence[str], Sequence[str]], list[list[int]]]


def scores(rankings: list[list[int]], wanted: Sequence[int]) -> tuple[float, float, float]:
    """hit@1, hit@3 and mean reciprocal rank of `wanted` in each ranking."""
    hit1 = hit3 = rr = 0.0
    for ranking, want in zip(rankings, wanted, strict=True):
        if want in ranking:
            place = ranking.index(want)
            hit1 += place == 0
            hit3 += place < 3
            rr += 1 / (place + 1)
    n = len(wanted)
    return hit1 / n, hit3 / n, rr / n


def bm25(paragraphs: Sequence[str], questions: Sequence[str]) -> list[list[int]]:
    index = BM25(paragraphs)
    return [index.rank(q) for q in questions]


def embedding(engine: EngineClient, model_path: str | None) -> Ranker:
    def rank(paragraphs: Sequence[str], questions: Sequence[str]) -> list[list[int]]:
        got = engine.embed([*paragraphs, *questions], model_path).result(timeout=3000)
        vectors = [list(v) for v in got.vectors]
        docs, asks = vectors[: len(paragraphs)], vectors[len(paragraphs) :]
        out = []
        for q in asks:
            sims = [sum(a * b for a, b in zip(q, d, strict=True)) for d in docs]
            out.append(sorted(range(len(docs)), key=lambda i: -sims[i]))
        return out

    return rank


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path)
    ap.add_argument("--embedding-model", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    model = args.model or ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    engine = EngineClient(log_dir=Path(tempfile.mkdtemp(prefix="hearth-bench-"))).start()
    try:
        engine.load(LoadParams(str(model), n_ctx=2048, n_threads=args.threads)).result(timeout=300)
        emb_path = str(args.embedding_model) if args.embedding_model else None
        methods: list[tuple[str, Ranker]] = [
            ("BM25", bm25),
            (f"embeddings ({Path(emb_path or model).name})", embedding(engine, emb_path)),
        ]
        print(f"{'set':<10} {'method':<44} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'time':>8}")
        for label, paragraphs, labelled in (
            ("English", PARAGRAPHS_EN, QUESTIONS_EN),
            ("Chinese", PARAGRAPHS_ZH, QUESTIONS_ZH),
        ):
            questions = [q for q, _ in labelled]
            wanted = [i for _, i in labelled]
            for name, ranker in methods:
                start = time.perf_counter()
                rankings = ranker(paragraphs, questions)
                took = time.perf_counter() - start
                h1, h3, mrr = scores(rankings, wanted)
                print(f"{label:<10} {name:<44} {h1:6.2f} {h3:6.2f} {mrr:6.2f} {took:7.2f}s")
    finally:
        engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
