"""Which check tells supported claims from planted ones better: lexical overlap or the model's
own yes/no entailment score from its logits (issue 17)?

Claims about a generated town chronicle (tests/summary_documents.py), each paired with the
source sentence the summarizer's matcher picks for it (summary_claims.SourceIndex):
  - true: paraphrases of sentences in the text (other verbs, word order);
  - planted, hard: the same sentence shapes with a name, place or number swapped (close in words,
    false in fact);
  - planted, easy: statements about things the text never mentions.
Lexical: summary_claims.support (share of content terms found; numbers must match).
Entailment: P("yes") from the engine's classify path (label probabilities from the logits,
calibrated on content-free inputs), asked "Does the text support the claim?".
Printed: the AUC of each score (the chance that a true claim scores above a planted one) and
the accuracy at each method's threshold (lexical 0.5 with numbers, entailment 0.5).

    python bench/claim_check.py [--model PATH] [--threads N]

Measured on the starter model (SmolLM2-135M-Instruct Q4_1), 2 CPU cores, 4 Dec 2026, 82 claims
(37 true, 37 planted hard, 8 planted easy): lexical AUC 0.69 against the hard planted claims,
1.00 against the easy ones, 54/82 right at its threshold; entailment AUC 0.47 and 0.96, 41/82
right, and 60.6 s of scoring. The summarizer keeps the lexical check: the tiny model's yes/no is
no better than chance on a swapped name or number, and costs a forward pass per claim.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from summary_documents import NAMES, PLACES, chronicle  # noqa: E402

from desktop_app.core.engine.client import EngineClient  # noqa: E402
from desktop_app.core.engine.events import ItemScore  # noqa: E402
from desktop_app.core.engine.label_scores import ClassifyRequest  # noqa: E402
from desktop_app.core.engine.params import LoadParams  # noqa: E402
from desktop_app.core.models.starter import ensure_starter_model  # noqa: E402
from desktop_app.core.tasks.summary_claims import SourceIndex, support, terms  # noqa: E402

INSTRUCTION = (
    "You check summaries. The user gives a text and a claim. Answer yes if the text supports "
    "the claim, no if it does not. Answer with that one word only."
)
PARAPHRASE = [
    (r"(.+) repaired (.+) with (\d+) volunteers\.", "With {2} volunteers, {0} fixed {1}."),
    (r"The council spent (\d+) thousand crowns on (.+)\.", "{1} cost the council {0} thousand crowns."),
    (r"A storm damaged (.+), and (.+) organised the clean-up\.", "{1} led the clean-up after a storm hit {0}."),
    (r"Visitors to (.+) rose by (\d+) percent that summer\.", "That summer {0} had {1} percent more visitors."),
]  # fmt: skip
EASY = [
    "The town built a space rocket to reach the moon.",
    "A famous chef opened three sushi restaurants downtown.",
    "The football team won the national championship twice.",
    "Scientists discovered a new species of frog in the desert.",
    "The king banned all music on Sundays.",
    "A volcano erupted and covered the valley in ash.",
    "The museum sold its paintings to pay for a new airport.",
    "Farmers planted rice on the frozen lake.",
]


def claims(text: str, rng: random.Random) -> list[tuple[str, str]]:
    """(claim, kind) for kind in true, hard, easy."""
    out: list[tuple[str, str]] = []
    sentences = re.split(r"(?<=\.)\s+", text)
    for sentence in sentences:
        for pattern, template in PARAPHRASE:
            m = re.fullmatch(pattern, sentence.strip())
            if not m:
                continue
            groups = list(m.groups())
            out.append((template.format(*groups), "true"))
            swapped = [_swap(g, rng) for g in groups]
            k = rng.randrange(len(groups))
            groups[k] = swapped[k]
            out.append((template.format(*groups), "hard"))
    out += [(e, "easy") for e in EASY]
    return out


def _swap(value: str, rng: random.Random) -> str:
    if value.isdigit():
        return str(int(value) + rng.randint(3, 40))
    pool = NAMES if value in NAMES else PLACES if value in PLACES else [value]
    others = [p for p in pool if p != value] or pool
    return rng.choice(others)


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--threads", type=int)
    args = ap.parse_args()
    model = (
        Path(args.model)
        if args.model
        else ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    )
    rng = random.Random(5)
    text = chronicle(12, seed=4)
    items = claims(text, rng)
    index = SourceIndex(text)
    rows = []
    for claim, kind in items:
        spans = index.best(set(terms(claim)), None)
        source = " ".join(text[s.start : s.end] for s in spans)
        score, reason = support(claim, spans, text)
        rows.append((claim, kind, source, score, not reason))
    engine = EngineClient(log_dir=tempfile.mkdtemp(prefix="bench-claims-")).start()
    try:
        engine.load(LoadParams(str(model), n_ctx=2048, n_threads=args.threads)).result(timeout=300)
        request = ClassifyRequest(
            texts=tuple(f"Text: {src}\nClaim: {claim}" for claim, _, src, _, _ in rows),
            labels=("yes", "no"),
            instruction=INSTRUCTION,
        )
        started = time.perf_counter()
        scores = [
            e for e in engine.classify(request).events(timeout=900) if isinstance(e, ItemScore)
        ]
        seconds = time.perf_counter() - started
    finally:
        engine.close()
    yes = {s.index: s.probs.get("yes", 0.0) for s in scores}
    print(f"{len(rows)} claims: {sum(r[1] == 'true' for r in rows)} true, "
          f"{sum(r[1] == 'hard' for r in rows)} planted hard, {sum(r[1] == 'easy' for r in rows)} "
          f"planted easy; entailment scoring took {seconds:.1f} s")  # fmt: skip
    for name, get, verdict in (
        ("lexical", lambda k: rows[k][3] if rows[k][4] else rows[k][3] / 2, lambda k: rows[k][4]),
        ("entailment", lambda k: yes.get(k, 0.0), lambda k: yes.get(k, 0.0) > 0.5),
    ):
        true = [get(k) for k, r in enumerate(rows) if r[1] == "true"]
        line = [f"{name:10}"]
        for kind in ("hard", "easy"):
            planted = [get(k) for k, r in enumerate(rows) if r[1] == kind]
            line.append(f"AUC vs {kind} {auc(true, planted):.2f}")
        right = sum(verdict(k) == (r[1] == "true") for k, r in enumerate(rows))
        line.append(f"accuracy {right}/{len(rows)}")
        print("  ".join(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
