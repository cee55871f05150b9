"""Label probabilities from the model's next-token distribution (text classification).

For each item the prompt is

    <shared prefix: system instruction, few-shot turns, start of the user turn> <item text>
    <template tail: end of the user turn, start of the assistant's answer>

and the label word is what the assistant would say first. label_plan.py picks the tokens that
stand for each label and splits the prompt; scorer.py decodes the prefix once and the items
after it (several per decode where it can). P(label) is a softmax over the labels'
log-probabilities at the answer's first position (or over whole label sequences where two labels
share a first token). The shared steps (calibration with content-free inputs, the ItemScore and
ClassifyReport) are label_scores.py's, which a remote server's scoring uses too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.engine import messages
from desktop_app.core.engine.events import ClassifyReport, ItemScore
from desktop_app.core.engine.label_plan import build_prompt, plan_labels
from desktop_app.core.engine.label_scores import (
    DEFAULT_CONTENT_FREE,
    ClassifyRequest,
    Tally,
    calibrated,
    default_instruction,
    mean_distribution,
    softmax,
)
from desktop_app.core.engine.scorer import (
    NoRoom,
    Scorer,
    ScoringCancelled,
    groups,
    sequences_per_decode,
)
from desktop_app.core.errors import GenerationError, PromptTooLongError


@dataclass
class ScoreCache:
    """What one request leaves for the next: the calibration for its prompt and labels."""

    key: tuple[Any, ...] | None = None
    calibration: tuple[float, ...] | None = None

    def clear(self) -> None:
        self.key = None
        self.calibration = None


def classify_items(
    llm: Any,
    formatter: Any,
    request: ClassifyRequest,
    *,
    cancel_requested: Callable[[], bool],
    arm_abort: Callable[[bool], None],
    cache: ScoreCache,
) -> Iterator[ItemScore | ClassifyReport]:
    """Score every text: an ItemScore per item, in order, then one ClassifyReport.

    A bad item (empty, too long, not encodable) gets an ItemScore with an error and the batch
    goes on. A cancel stops between items (or inside a long decode) and still ends with the
    report, which says it was cancelled.
    """
    request.validate()
    import llama_cpp

    started = time.perf_counter()
    labels = request.clean_labels

    def tokenize(text: str, add_bos: bool = False, special: bool = False) -> list[int]:
        return list(llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special))

    def is_blank(token: int) -> bool:
        return not bytes(llm.detokenize([token])).strip()

    plan = plan_labels(lambda s: tokenize(s), labels, is_blank)
    prompt = build_prompt(
        formatter,
        tokenize,
        bool(llm._model.add_bos_token()),
        labels,
        request.instruction,
        request.examples,
    )
    llama_cpp.llama_perf_context_reset(llm.ctx)  # its n_p_eval then counts this request
    scorer = Scorer(llm, cancel_requested, arm_abort)
    n_par = (
        1 if plan.mode == "sequence" else sequences_per_decode(llm, llama_cpp, request.max_parallel)
    )
    room = scorer.n_ctx - len(prompt.prefix) - plan.extra_tokens
    if room <= len(prompt.tail) + 1:
        scorer.batch.close()
        raise PromptTooLongError(
            f"The instruction and examples take {len(prompt.prefix)} tokens; the context holds "
            f"{scorer.n_ctx}. Use fewer examples or load the model with a larger context."
        )
    calibration: tuple[float, ...] | None = None
    calibration_tokens = 0
    cancelled = False
    tally = Tally(labels, len(request.texts))

    def encode_items(texts: Sequence[str], allow_empty: bool = False) -> list[list[int] | str]:
        """Each text's tokens (its body and the template's tail), or why it cannot be scored."""
        out: list[list[int] | str] = []
        for text in texts:
            body = text.strip()
            if not body and not allow_empty:
                out.append("The text is empty.")
                continue
            try:
                tokens = tokenize(body) + prompt.tail
            except UnicodeEncodeError:
                out.append("The text has bytes that are not valid in its encoding.")
                continue
            if len(tokens) > room:
                out.append(
                    f"The text is too long: {len(tokens)} tokens with the prompt's end, and the "
                    f"context has room for {max(room, 0)} after the shared prompt."
                )
                continue
            out.append(tokens)
        return out

    def run(encoded: list[list[int] | str]) -> Iterator[tuple[int, tuple[float, ...] | str]]:
        """(index, label log-scores or an error), in input order."""
        todo = [(i, e) for i, e in enumerate(encoded) if not isinstance(e, str)]
        pending: dict[int, tuple[float, ...] | str] = {
            i: e for i, e in enumerate(encoded) if isinstance(e, str)
        }
        next_out = 0
        for group in groups([len(t) for _, t in todo], n_par, scorer.n_batch, room):
            if cancel_requested():
                raise ScoringCancelled()
            members = [todo[g] for g in group]
            seqs = [tokens for _, tokens in members]
            scored: list[tuple[float, ...] | str] = []
            try:
                scored += scorer.score_group(seqs, plan)
            except NoRoom:
                scored = []
                for one in seqs:  # the cache is fragmented or full: one item at a time
                    try:
                        scored += scorer.score_group([one], plan)
                    except NoRoom:
                        scored.append("The text does not fit in the context's free space.")
            for (i, _), result in zip(members, scored, strict=True):
                pending[i] = result
            while next_out in pending:  # in input order, errors included
                yield next_out, pending.pop(next_out)
                next_out += 1
        while next_out in pending:
            yield next_out, pending.pop(next_out)
            next_out += 1

    try:
        scorer.load_prefix(prompt.prefix)
        if request.calibrate:
            key = (tuple(prompt.prefix), tuple(prompt.tail), plan, request.content_free)
            if cache.key == key and cache.calibration is not None:
                calibration = cache.calibration
            else:
                dists = []
                for _i, res in run(encode_items(request.content_free, allow_empty=True)):
                    if isinstance(res, str):
                        raise GenerationError(messages.CALIBRATION_FAILED.format(reason=res))
                    dists.append(softmax(res))
                calibration = mean_distribution(dists)
                cache.key, cache.calibration = key, calibration
        calibration_tokens = scorer.counters.item_tokens  # the content-free inputs' share
        for index, res in run(encode_items(request.texts)):
            if isinstance(res, str):
                yield tally.error(index, res)
            else:
                yield tally.scored(index, softmax(res), calibration, sum(math.exp(s) for s in res))
    except ScoringCancelled:
        cancelled = True
    finally:
        try:
            scorer.finish()
        except Exception:  # never leave the request without its report
            llm.n_tokens = 0
    if cancel_requested():
        cancelled = cancelled or tally.n_scored + tally.n_errors < len(request.texts)
    total_s = time.perf_counter() - started
    yield tally.report(
        cancelled=cancelled,
        calibration=calibration,
        mode=plan.mode,
        parallel=n_par,
        prefix_tokens=len(prompt.prefix),
        prefix_evaluations=scorer.counters.prefix_evaluations,
        prefix_tokens_evaluated=scorer.counters.prefix_tokens_evaluated,
        tokens_evaluated=scorer.counters.tokens,
        llama_prompt_tokens=int(llama_cpp.llama_perf_context(llm.ctx).n_p_eval),
        decodes=scorer.counters.decodes,
        total_s=total_s,
        item_tokens=scorer.counters.item_tokens - calibration_tokens,
    )


__all__ = [
    "DEFAULT_CONTENT_FREE",
    "ClassifyRequest",
    "ScoreCache",
    "build_prompt",
    "calibrated",
    "classify_items",
    "default_instruction",
    "plan_labels",
]
