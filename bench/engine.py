"""Engine speed through the process boundary (as the GUI uses it) beside llama-cpp-python's own
create_chat_completion streaming in this process: same model, prompt, seed and threads, one run.

Prints generation tokens/s and time to first token for both, and the ratios (goal: >= 0.95).
Each round uses a fresh prompt prefix so both sides process the whole prompt every time.

    python bench/engine.py [--model PATH] [--rounds 5] [--max-tokens 200] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Stats, Token
from desktop_app.core.engine.params import ChatRequest, LoadParams, default_threads
from desktop_app.core.models.starter import ensure_starter_model

SAMPLING: dict[str, Any] = dict(
    temperature=0.7, top_p=0.95, top_k=40, min_p=0.05, repeat_penalty=1.1
)
TEXTS: dict[str, list[str]] = {"app": [], "ref": []}  # answers, to check both sample alike


def messages(round_no: int) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": f"Session {round_no}. You are a helpful storyteller."},
        {
            "role": "user",
            "content": "Write a long, detailed story about a lighthouse keeper and a storm.",
        },
    ]


def app_round(
    engine: EngineClient, round_no: int, seed: int, max_tokens: int
) -> tuple[float, float, int]:
    stamps: list[float] = []
    started = time.perf_counter()
    handle = engine.chat(
        ChatRequest.of(messages(round_no), seed=seed, max_tokens=max_tokens, **SAMPLING),
        callback=lambda e: stamps.append(time.perf_counter()) if isinstance(e, Token) else None,
    )
    events = list(handle.events(timeout=600))
    assert isinstance(events[-1], Done), events[-1]
    stats = next(e for e in events if isinstance(e, Stats))
    n = stats.completion_tokens
    TEXTS["app"].append(events[-1].text)
    ttft = stamps[0] - started
    tps = (n - 1) / (stamps[-1] - stamps[0])
    return ttft, tps, n


def reference_round(
    llm: Any, round_no: int, seed: int, max_tokens: int
) -> tuple[float, float, int]:
    stamps: list[float] = []
    pieces: list[str] = []
    started = time.perf_counter()
    for chunk in llm.create_chat_completion(
        messages(round_no), seed=seed, max_tokens=max_tokens, stream=True, **SAMPLING
    ):
        if content := chunk["choices"][0]["delta"].get("content"):
            stamps.append(time.perf_counter())
            pieces.append(content)
    TEXTS["ref"].append("".join(pieces))
    n = len(stamps)
    return stamps[0] - started, (n - 1) / (stamps[-1] - stamps[0]), n


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=200)
    ap.add_argument("--threads", type=int, default=default_threads())
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    model = args.model or ensure_starter_model(Path.home() / ".cache" / "hearth-tests")

    import llama_cpp

    print(f"model {model.name}, threads {args.threads}, ctx {args.ctx}, seed {args.seed}, "
          f"max tokens {args.max_tokens}, {args.rounds} rounds (alternating)")  # fmt: skip
    logs = tempfile.mkdtemp(prefix="bench-engine-")
    engine = EngineClient(log_dir=logs).start()
    engine.load(LoadParams(str(model), n_ctx=args.ctx, n_threads=args.threads)).result(timeout=300)
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    os.dup2(devnull, 2)  # llama.cpp's load chatter; restored right after
    # flash attention on: what llama.cpp's "auto" (the app's default) picks on this CPU
    try:
        llm = llama_cpp.Llama(
            model_path=str(model), n_ctx=args.ctx, n_threads=args.threads, n_threads_batch=args.threads,
            n_batch=512, n_ubatch=512, flash_attn=True, verbose=False,
        )  # fmt: skip
    finally:
        os.dup2(saved, 2)
    app: list[tuple[float, float, int]] = []
    ref: list[tuple[float, float, int]] = []
    try:
        app_round(engine, -1, args.seed, 16)  # warm both: first-call costs are not the subject
        reference_round(llm, -1, args.seed, 16)
        for r in range(args.rounds):
            app.append(app_round(engine, r, args.seed, args.max_tokens))
            ref.append(reference_round(llm, r, args.seed, args.max_tokens))
    finally:
        engine.close()
        llm.close()

    def med(rows: list[tuple[float, float, int]], i: int) -> float:
        return statistics.median(row[i] for row in rows)

    a_ttft, a_tps, r_ttft, r_tps = med(app, 0), med(app, 1), med(ref, 0), med(ref, 1)
    print(f"{'':28}{'app engine':>14}{'llama-cpp-python':>18}{'ratio':>8}")
    print(
        f"{'generation tokens/s':28}{a_tps:14.1f}{r_tps:18.1f}{a_tps / r_tps:8.2f}   (higher is better)"
    )
    print(f"{'time to first token (ms)':28}{a_ttft * 1000:14.1f}{r_ttft * 1000:18.1f}"
          f"{r_ttft / a_ttft:8.2f}   (ratio = reference / app: higher is better)")  # fmt: skip
    print(f"{'tokens per answer (median)':28}{med(app, 2):14.0f}{med(ref, 2):18.0f}")
    same = sum(a == r for a, r in zip(TEXTS["app"][1:], TEXTS["ref"][1:], strict=True))
    print(f"same text for the same seed: {same} of {args.rounds} rounds")
    ok = a_tps / r_tps >= 0.95 and r_ttft / a_ttft >= 0.95
    print(f"goal (both ratios >= 0.95): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
