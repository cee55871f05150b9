"""Label probabilities from the model's next-token distribution (text classification).

Runs inside the engine process, on the engine's own llama.cpp context (not thread-safe: the
engine's loop is the only caller). For each item the prompt is

    <shared prefix: system instruction, few-shot turns, start of the user turn> <item text>
    <template tail: end of the user turn, start of the assistant's answer>

and the label word is what the assistant would say first. The prefix is evaluated once per
request (and kept in the KV cache for the next request with the same prefix); each item then
costs only its own tokens: the cache is cut back to the prefix (`llama_memory_seq_rm`) and the
item's tokens are decoded after it. Where the context was created with several sequences and a
unified KV cache (`n_seq_max > 1`, `kv_unified`), the prefix is shared with other sequences
(`llama_memory_seq_cp`, no copy of the data) and several items go into one decode.

P(label) is a softmax over the labels' log-probabilities at the answer's first position. A label
is written several ways ("positive", "Positive", " positive"); their probabilities are summed.
When every label has a one-token form (or at least distinct first tokens), the first token is
enough; when two labels share a first token, each form is scored as its whole token sequence
(summed log-probabilities, one extra decode per multi-token form and item).

Contextual calibration (Zhao et al. 2021, "Calibrate before use"): the label distribution for
content-free inputs ("N/A", "", "[MASK]") measures the prompt's own bias; each item's
probabilities are divided by it and renormalised.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.engine.chat_template import TemplateError
from desktop_app.core.engine.events import ClassifyReport, ItemScore
from desktop_app.core.errors import GenerationError, PromptTooLongError

DEFAULT_CONTENT_FREE = ("N/A", "", "[MASK]")
_SENTINEL = "\u27e6HEARTH-ITEM-5c1e\u27e7"
_ABORT_MIN_TOKENS = 256  # arm llama.cpp's abort callback only for decodes at least this long


def default_instruction(labels: Sequence[str]) -> str:
    listed = ", ".join(labels[:-1]) + f" or {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"Classify the sentiment of the user's text as {listed}. Answer with that one word only."


@dataclass(frozen=True)
class ClassifyRequest:
    """Texts to label. A plain value: it crosses the process boundary."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    instruction: str | None = None  # the system message; None: default_instruction(labels)
    examples: tuple[tuple[str, str], ...] = ()  # few-shot (text, label) turns before the item
    calibrate: bool = True
    content_free: tuple[str, ...] = DEFAULT_CONTENT_FREE
    max_parallel: int = 8  # items per decode where the context has several sequences

    def validate(self) -> None:
        labels = [label.strip() for label in self.labels]
        if len(labels) < 2:
            raise ValueError("give at least two labels")
        if any(not label for label in labels):
            raise ValueError("a label is empty")
        if len({label.casefold() for label in labels}) != len(labels):
            raise ValueError("the labels must differ (ignoring case)")
        for _text, label in self.examples:
            if label.strip().casefold() not in {x.casefold() for x in labels}:
                raise ValueError(f"example label {label!r} is not one of the labels")
        if self.calibrate and not self.content_free:
            raise ValueError("calibration needs at least one content-free input")
        if self.max_parallel < 1:
            raise ValueError("max_parallel must be at least 1")


@dataclass
class ScoreCache:
    """What one request leaves for the next: the calibration for its prompt and labels."""

    key: tuple[Any, ...] | None = None
    calibration: tuple[float, ...] | None = None

    def clear(self) -> None:
        self.key = None
        self.calibration = None


# ---- the plan: prompt pieces and label tokens ----------------------------------------------


@dataclass(frozen=True)
class _LabelPlan:
    mode: str  # "first_token" | "sequence"
    forms: tuple[tuple[tuple[int, ...], ...], ...]  # per label: token sequences (deduplicated)

    @property
    def extra_tokens(self) -> int:
        """Cells an item needs past its own tokens (sequence mode feeds the label's tokens)."""
        if self.mode == "first_token":
            return 0
        return max(len(f) for forms in self.forms for f in forms) - 1


def _label_forms(label: str) -> list[str]:
    """How an answer could start with the label: as given, lower case, capitalised; ± a space."""
    cased = [label, label.lower(), label[:1].upper() + label[1:]]
    out: list[str] = []
    for word in dict.fromkeys(cased):
        out += [word, " " + word]
    return out


def plan_labels(
    tokenize: Callable[[str], list[int]],
    labels: Sequence[str],
    is_blank: Callable[[int], bool] = lambda _t: False,
) -> _LabelPlan:
    """Pick how to score: by first tokens if they tell the labels apart, else whole sequences.

    `is_blank(token)`: the token is only whitespace. A form that starts with such a token (a
    SentencePiece vocabulary writes " positive" as "▁" + "▁positive") says nothing about the
    label at the first position and is dropped where the label has other forms.
    """
    all_forms: list[tuple[tuple[int, ...], ...]] = []
    first_sets: list[set[int]] = []
    for label in labels:
        seqs = [tuple(tokenize(form)) for form in _label_forms(label)]
        seqs = [s for s in dict.fromkeys(seqs) if s]
        if not seqs:
            raise ValueError(f"the label {label!r} has no tokens")
        seqs = [s for s in seqs if not is_blank(s[0])] or seqs
        all_forms.append(tuple(seqs))
        single = {s[0] for s in seqs if len(s) == 1}
        # A one-token form is exact; a multi-token form's first token ("M" of "Mixed") is only
        # a guess, so it is used only for labels that have no one-token form.
        first_sets.append(single or {s[0] for s in seqs})
    distinct = all(
        not (first_sets[i] & first_sets[j])
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
    )
    if distinct:
        firsts = tuple(tuple((t,) for t in sorted(s)) for s in first_sets)
        return _LabelPlan("first_token", firsts)
    return _LabelPlan("sequence", tuple(all_forms))


@dataclass(frozen=True)
class _Prompt:
    prefix: list[int]
    tail: list[int]


def build_prompt(
    formatter: Any,
    tokenize: Callable[[str, bool, bool], list[int]],
    add_bos: bool,
    labels: Sequence[str],
    instruction: str | None,
    examples: Sequence[tuple[str, str]],
) -> _Prompt:
    """Render the chat with a placeholder for the item and split it there.

    The prefix (everything before the item) is shared by all items; the tail (end of the user
    turn and the start of the assistant's answer) follows each item's text.
    """
    canonical = {label.casefold(): label for label in labels}
    system = instruction or default_instruction(labels)
    turns: list[dict[str, str]] = []
    for text, label in examples:
        turns.append({"role": "user", "content": text.strip()})
        turns.append({"role": "assistant", "content": canonical[label.strip().casefold()]})
    turns.append({"role": "user", "content": _SENTINEL})
    try:
        rendered = formatter.render([{"role": "system", "content": system}, *turns])
    except TemplateError:
        # a template without a system role: the instruction opens the first user turn instead
        turns[0] = {"role": "user", "content": f"{system}\n\n{turns[0]['content']}"}
        rendered = formatter.render(turns)
    if rendered.count(_SENTINEL) != 1:
        raise GenerationError(
            "The model's chat template changes the user's text, so items cannot be placed in it."
        )
    head, tail = rendered.split(_SENTINEL)
    bos = formatter.bos_token
    add = add_bos and not (bos and head.startswith(bos))
    return _Prompt(tokenize(head, add, True), tokenize(tail, False, True))


# ---- the batch of llama.cpp inputs ------------------------------------------------------------


class _Batch:
    def __init__(self, lib: Any, capacity: int) -> None:
        self._lib = lib
        self.capacity = capacity
        self.raw = lib.llama_batch_init(capacity, 0, 1)
        self.n = 0

    def clear(self) -> None:
        self.n = 0

    def add(self, tokens: Sequence[int], pos0: int, seq: int, outputs: str) -> list[int]:
        """Append tokens of one sequence; `outputs` "last" or "all". Returns output indexes."""
        raw = self.raw
        start = self.n
        for j, tok in enumerate(tokens):
            i = start + j
            raw.token[i] = tok
            raw.pos[i] = pos0 + j
            raw.n_seq_id[i] = 1
            raw.seq_id[i][0] = seq
            raw.logits[i] = outputs == "all"
        self.n = start + len(tokens)
        if outputs == "last" and tokens:
            raw.logits[self.n - 1] = True
        if outputs == "all":
            return list(range(start, self.n))
        return [self.n - 1] if tokens else []

    def close(self) -> None:
        if self.raw is not None:
            self._lib.llama_batch_free(self.raw)
            self.raw = None


class _Cancelled(Exception):
    pass


class _NoRoom(Exception):
    pass


# ---- the scorer --------------------------------------------------------------------------------


@dataclass
class _Counters:
    decodes: int = 0
    tokens: int = 0
    prefix_evaluations: int = 0
    prefix_tokens_evaluated: int = 0


@dataclass
class _Scorer:
    llm: Any
    cancel_requested: Callable[[], bool]
    arm_abort: Callable[[bool], None]
    counters: _Counters = field(default_factory=_Counters)

    def __post_init__(self) -> None:
        import llama_cpp
        import numpy as np

        self.lib = llama_cpp
        self.np = np
        self.ctx = self.llm.ctx
        self.mem = llama_cpp.llama_get_memory(self.ctx)
        self.n_ctx = int(self.llm.n_ctx())
        self.n_batch = max(1, int(self.llm.n_batch))
        self.n_vocab = int(self.llm.n_vocab())
        self.batch = _Batch(llama_cpp, self.n_batch)
        self.prefix: list[int] = []
        self.prefix_ok = 0  # prefix tokens known to be in sequence 0
        self.used_seqs: set[int] = set()

    # ---- llama.cpp calls -------------------------------------------------------------------

    def _decode(self) -> None:
        if self.batch.n == 0:
            return
        self.batch.raw.n_tokens = self.batch.n
        long = self.batch.n >= _ABORT_MIN_TOKENS
        if long:
            self.arm_abort(True)
        try:
            rc = self.lib.llama_decode(self.ctx, self.batch.raw)
        finally:
            if long:
                self.arm_abort(False)
        self.counters.decodes += 1
        self.counters.tokens += self.batch.n
        if rc == 2 or (rc != 0 and self.cancel_requested()):
            raise _Cancelled()
        if rc == 1:
            raise _NoRoom()
        if rc != 0:
            raise GenerationError(f"llama.cpp failed to evaluate the input (llama_decode {rc}).")

    def _log_softmax_at(self, i: int) -> Any:
        ptr = self.lib.llama_get_logits_ith(self.ctx, i)
        logits = self.np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).astype(self.np.float64)
        top = logits.max()
        return logits - (top + math.log(float(self.np.exp(logits - top).sum())))

    def _seq_rm(self, seq: int, p0: int) -> bool:
        return bool(self.lib.llama_memory_seq_rm(self.mem, seq, p0, -1))

    # ---- the shared prefix ------------------------------------------------------------------

    def load_prefix(self, prefix: list[int]) -> None:
        """Put `prefix` in sequence 0, reusing what the Llama object already holds there."""
        llm = self.llm
        self.prefix = prefix
        cached = int(llm.n_tokens)
        held = [int(t) for t in llm.input_ids[:cached]]
        common = 0
        for a, b in zip(held, prefix, strict=False):
            if a != b:
                break
            common += 1
        common = min(common, len(prefix))
        if not self._seq_rm(0, common):
            self.lib.llama_memory_clear(self.mem, True)
            common = 0
        llm.n_tokens = common
        self.prefix_ok = common
        rest = prefix[common:]
        if rest:
            self.counters.prefix_evaluations += 1
            self.counters.prefix_tokens_evaluated += len(rest)
        for k in range(0, len(rest), self.n_batch):
            chunk = rest[k : k + self.n_batch]
            self.batch.clear()
            self.batch.add(chunk, common + k, 0, "none")
            self._decode()
            self.prefix_ok = common + k + len(chunk)
            llm.input_ids[common + k : self.prefix_ok] = chunk
            llm.n_tokens = self.prefix_ok

    def reset_to_prefix(self, seq: int) -> None:
        if seq != 0:
            self._seq_rm(seq, -1)  # the whole sequence; the prefix is shared again below
            self.lib.llama_memory_seq_cp(self.mem, 0, seq, 0, len(self.prefix))
        elif not self._seq_rm(0, len(self.prefix)):
            # a model whose memory cannot be cut back (recurrent): evaluate the prefix again
            self.lib.llama_memory_clear(self.mem, True)
            self.llm.n_tokens = 0
            self.prefix_ok = 0
            self.load_prefix(self.prefix)
        self.used_seqs.add(seq)

    def finish(self) -> None:
        """Leave the cache as the Llama object believes it is: the prefix in sequence 0."""
        for seq in self.used_seqs - {0}:
            self._seq_rm(seq, -1)
        if self.prefix_ok and self._seq_rm(0, self.prefix_ok):
            self.llm.n_tokens = self.prefix_ok
        else:
            self.lib.llama_memory_clear(self.mem, True)
            self.llm.n_tokens = 0
        self.batch.close()

    # ---- items ------------------------------------------------------------------------------

    def score_group(self, items: list[list[int]], plan: _LabelPlan) -> list[tuple[float, ...]]:
        """Label log-scores (unnormalised log-probabilities) for items decoded together."""
        p = len(self.prefix)
        for seq in sorted(self.used_seqs - {0} - set(range(len(items)))):
            self._seq_rm(seq, -1)  # a sequence of a larger earlier group: free its cells
            self.used_seqs.discard(seq)
        for seq in range(len(items)):
            self.reset_to_prefix(seq)
        outs: list[int] = []
        if len(items) == 1 and len(items[0]) > self.n_batch:
            tokens = items[0]
            for k in range(0, len(tokens), self.n_batch):
                self.batch.clear()
                last = k + self.n_batch >= len(tokens)
                idx = self.batch.add(
                    tokens[k : k + self.n_batch], p + k, 0, "last" if last else "none"
                )
                self._decode()
                if self.cancel_requested():
                    raise _Cancelled()
            outs = idx
        else:
            self.batch.clear()
            for seq, tokens in enumerate(items):
                outs += self.batch.add(tokens, p, seq, "last")
            self._decode()
        results: list[tuple[float, ...]] = []
        for seq, (tokens, out) in enumerate(zip(items, outs, strict=True)):
            logp = self._log_softmax_at(out)
            if plan.mode == "first_token":
                results.append(
                    tuple(_logsumexp([float(logp[f[0]]) for f in forms]) for forms in plan.forms)
                )
            else:
                results.append(self._sequence_scores(seq, p + len(tokens), logp, plan))
        return results

    def _sequence_scores(
        self, seq: int, end: int, first: Any, plan: _LabelPlan
    ) -> tuple[float, ...]:
        """Each form's summed log-probability: feed its tokens after the item, one form at a time."""
        scores: list[float] = []
        for forms in plan.forms:
            totals: list[float] = []
            for form in forms:
                total = float(first[form[0]])
                if len(form) > 1:
                    self._seq_rm(seq, end)
                    self.batch.clear()
                    idx = self.batch.add(form[:-1], end, seq, "all")
                    self._decode()
                    for i, tok in zip(idx, form[1:], strict=True):
                        total += float(self._log_softmax_at(i)[tok])
                totals.append(total)
            scores.append(_logsumexp(totals))
        self._seq_rm(seq, end)
        return tuple(scores)


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def calibrated(probs: Sequence[float], reference: Sequence[float] | None) -> list[float]:
    """Contextual calibration: divide by the content-free distribution, renormalise."""
    if reference is None:
        return list(probs)
    ratios = [p / max(r, 1e-12) for p, r in zip(probs, reference, strict=True)]
    total = sum(ratios)
    return [r / total for r in ratios] if total > 0 else list(probs)


def _groups(lengths: list[int], n_par: int, n_batch: int, room: int) -> list[list[int]]:
    """Consecutive items per decode: at most n_par, n_batch tokens, and `room` cache cells."""
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, n in enumerate(lengths):
        if current and (len(current) >= n_par or used + n > n_batch or used + n > room):
            groups.append(current)
            current, used = [], 0
        current.append(i)
        used += n
    if current:
        groups.append(current)
    return groups


def _parallel_sequences(llm: Any, lib: Any, wanted: int) -> int:
    """Sequences per decode: only with a unified KV cache (the prefix is then shared, not copied)."""
    n_seq = int(lib.llama_n_seq_max(llm.ctx))
    unified = bool(getattr(getattr(llm, "context_params", None), "kv_unified", False))
    if n_seq <= 1 or not unified:
        return 1
    return max(1, min(wanted, n_seq))


# ---- the request -------------------------------------------------------------------------------


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
    labels = tuple(label.strip() for label in request.labels)

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
    scorer = _Scorer(llm, cancel_requested, arm_abort)
    n_par = (
        1 if plan.mode == "sequence" else _parallel_sequences(llm, llama_cpp, request.max_parallel)
    )
    room = scorer.n_ctx - len(prompt.prefix) - plan.extra_tokens
    if room <= len(prompt.tail) + 1:
        scorer.batch.close()
        raise PromptTooLongError(
            f"The instruction and examples take {len(prompt.prefix)} tokens; the context holds "
            f"{scorer.n_ctx}. Use fewer examples or load the model with a larger context."
        )
    calibration: tuple[float, ...] | None = None
    cancelled = False
    n_scored = n_errors = 0

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
        groups = _groups([len(t) for _, t in todo], n_par, scorer.n_batch, room)
        for group in groups:
            if cancel_requested():
                raise _Cancelled()
            members = [todo[g] for g in group]
            seqs = [tokens for _, tokens in members]
            scored: list[tuple[float, ...] | str] = []
            try:
                scored += scorer.score_group(seqs, plan)
            except _NoRoom:
                scored = []
                for one in seqs:  # the cache is fragmented or full: one item at a time
                    try:
                        scored += scorer.score_group([one], plan)
                    except _NoRoom:
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
                        raise GenerationError(f"The calibration input failed: {res}")
                    dists.append(_softmax(res))
                calibration = tuple(
                    sum(d[k] for d in dists) / len(dists) for k in range(len(labels))
                )
                cache.key, cache.calibration = key, calibration
        for index, res in run(encode_items(request.texts)):
            if isinstance(res, str):
                n_errors += 1
                yield ItemScore(index=index, label=None, probs={}, error=res)
                continue
            raw = _softmax(res)
            probs = calibrated(raw, calibration)
            best = max(range(len(labels)), key=lambda k: probs[k])
            n_scored += 1
            yield ItemScore(
                index=index,
                label=labels[best],
                probs=dict(zip(labels, probs, strict=True)),
                error=None,
                label_mass=min(1.0, sum(math.exp(s) for s in res)),
                raw_probs=dict(zip(labels, raw, strict=True)),
            )
    except _Cancelled:
        cancelled = True
    finally:
        try:
            scorer.finish()
        except Exception:  # never leave the request without its report
            llm.n_tokens = 0
    if cancel_requested():
        cancelled = cancelled or n_scored + n_errors < len(request.texts)
    total_s = time.perf_counter() - started
    yield ClassifyReport(
        labels=labels,
        n_items=len(request.texts),
        n_scored=n_scored,
        n_errors=n_errors,
        cancelled=cancelled,
        calibration=dict(zip(labels, calibration, strict=True)) if calibration else None,
        mode=plan.mode,
        parallel=n_par,
        prefix_tokens=len(prompt.prefix),
        prefix_evaluations=scorer.counters.prefix_evaluations,
        prefix_tokens_evaluated=scorer.counters.prefix_tokens_evaluated,
        tokens_evaluated=scorer.counters.tokens,
        llama_prompt_tokens=int(llama_cpp.llama_perf_context(llm.ctx).n_p_eval),
        decodes=scorer.counters.decodes,
        total_s=total_s,
    )


__all__ = [
    "DEFAULT_CONTENT_FREE",
    "ClassifyRequest",
    "ScoreCache",
    "classify_items",
    "default_instruction",
    "plan_labels",
]
