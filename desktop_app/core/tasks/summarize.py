"""Summarizing a text of any length within a fixed context window (map-reduce over token budgets).

A text that fits the context with room for the answer is summarized in one request. A longer one
is split by tokens at natural boundaries, each part summarized, and the partial summaries combined
(again split and summarized if they still do not fit) until one final request, whose answer is
streamed. Every request is sized so that its prompt plus its longest answer fits the context: the
engine never has to clamp or refuse. Only the parts' text and their summaries are kept, and token
counts are taken per part (never over the whole text), so memory stays flat for a book.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from desktop_app.core.engine import events as ev
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.errors import AppError
from desktop_app.core.tasks import summary_plan
from desktop_app.core.tasks.summary_checks import (
    PROSE_MADE_BULLETS,
    as_bullets,
    language_problem,
    script_of,
    wanted_script,
)
from desktop_app.core.tasks.summary_claims import build_claims, strip_citations
from desktop_app.core.tasks.summary_coverage import coverage, paragraph_sections
from desktop_app.core.tasks.summary_eta import RunProgress
from desktop_app.core.tasks.summary_events import (
    Advanced,
    Part,
    PartDone,
    Progress,
    RequestRecord,
    Retrying,
    SummaryEvent,
    SummaryResult,
    Token,
)
from desktop_app.core.tasks.summary_plan import Plan
from desktop_app.core.tasks.summary_prompts import (
    DEFAULT_WORDS,
    LANGUAGES,
    STYLES,
    SYSTEM,
    Language,
    Style,
    SummaryOptions,
    answer_tokens,
    build_messages,
    mostly_cjk,
    numbered,
)
from desktop_app.core.tasks.summary_requests import Cancelled, RunRequests
from desktop_app.core.tasks.text_split import (
    CountFn,
    chars_per_token,
    join_ranged,
    range_of,
    split_by_tokens,
    split_counted,
    split_spans,
)

# Tokens kept free beyond the measured prompt and the answer: the text's first and last tokens
# can merge differently with the template around them than when counted alone.
MARGIN = 16
MAX_LEVELS = 6  # rounds of map/reduce before the final pass; each round at least halves the text
MIN_PART_TOKENS = 64

DEFAULT_SAMPLING = SamplingParams(
    temperature=0.3, top_p=0.9, top_k=40, min_p=0.05, repeat_penalty=1.1, max_tokens=2048
)


class SummaryError(AppError):
    """The text cannot be summarized with this model and context (too small, empty answers)."""

    kind = "summary"


# ---- the summarizer ----------------------------------------------------------------------------


class Summarizer:
    """Summarizes texts with a loaded model; `n_ctx` must be the context it was loaded with.

    `part_answer_tokens` caps each partial summary (default: n_ctx/20, within 64-192; a part is
    most of the context, so about a 16:1 reduction): short partials keep the extra work of
    map-reduce (writing and re-reading them) small next to reading the text once.
    """

    def __init__(
        self,
        engine: Engine,
        n_ctx: int,
        sampling: SamplingParams = DEFAULT_SAMPLING,
        *,
        part_answer_tokens: int | None = None,
        system: str = SYSTEM,
        speeds: tuple[float, float] | None = None,
    ) -> None:
        self.engine = engine
        self.n_ctx = n_ctx
        self.sampling = sampling
        self.part_answer = part_answer_tokens or max(64, min(192, n_ctx // 20))
        self.system = system
        self.speeds = speeds  # (prompt, generation) tokens/s measured before: the plan's time
        self._overheads: dict[tuple[str, SummaryOptions], int] = {}

    # ---- public ---------------------------------------------------------------------------

    def run(
        self,
        text: str,
        options: SummaryOptions | None = None,
        *,
        on_event: Callable[[SummaryEvent], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> SummaryResult:
        """Summarize `text`. Returns what was done so far, with cancelled=True, if `cancel` is set.

        Engine errors (a crash, a model problem) raise their AppError. The claims' source spans
        and the parts' ranges are offsets into `text` as given (leading space included).
        """
        options = options or SummaryOptions()
        options.validate()
        if not text.strip():
            raise ValueError("There is no text to summarize.")
        run = _Run(self, options, on_event, cancel or threading.Event(), text.strip()[:8000])
        try:
            run.execute(text)
        except Cancelled:
            run.result.cancelled = True
        return run.result

    # ---- engine helpers -------------------------------------------------------------------

    def _count(self, text: str) -> int:
        value = self.engine.count_tokens(text).result()
        assert isinstance(value, int)
        return value

    def _overhead(
        self, stage: Literal["one", "map", "reduce", "final"], options: SummaryOptions
    ) -> int:
        """Prompt tokens of a stage's messages around an empty text (measured once per stage)."""
        key = (stage, options)
        if key not in self._overheads:
            messages = build_messages(
                stage, "", options, words=9999, index=9999, total=9999, system=self.system
            )
            budget = self.engine.budget(messages, 0).result()
            assert isinstance(budget, ev.ContextBudget)
            self._overheads[key] = budget.prompt_tokens
        return self._overheads[key]


class _Run(RunRequests):
    """The state of one summary: parts, records, speeds. Lives only during Summarizer.run."""

    s: Summarizer

    def __init__(
        self,
        owner: Summarizer,
        options: SummaryOptions,
        on_event: Callable[[SummaryEvent], None] | None,
        cancel: threading.Event,
        sample: str,
    ) -> None:
        self.s = owner
        self.options = options
        self.on_event = on_event
        self.cancel = cancel
        self.sample = sample  # the text's start: its language, for "same" and the check
        cjk = mostly_cjk(sample)
        # sampling.max_tokens caps the final answer (the CLI's -n); the target length sizes it.
        self.final_answer = max(
            16, min(answer_tokens(options, owner.n_ctx, cjk=cjk), owner.sampling.max_tokens)
        )
        self.result = SummaryResult("", [], 0, False)
        self.progress = RunProgress(self._emit)

    def _emit(self, event: SummaryEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    # ---- the plan -------------------------------------------------------------------------

    def execute(self, text: str) -> None:
        n_ctx = self.s.n_ctx
        self.text = text
        body = text.strip()
        one_overhead = self.s._overhead("one", self.options)
        one_room = n_ctx - one_overhead - self.final_answer - MARGIN
        if one_room >= MIN_PART_TOKENS and len(body) <= one_room * 12:
            tokens = self._count(body)
            if tokens <= one_room:
                self._announce(summary_plan.whole(tokens, n_ctx, one_overhead, self.final_answer,
                                                  self.s.speeds))  # fmt: skip
                self._final("one", body, tokens)
                return
        map_overhead = self.s._overhead("map", self.options)
        part_room = n_ctx - map_overhead - self.s.part_answer - MARGIN
        final_room = n_ctx - self.s._overhead("final", self.options) - self.final_answer - MARGIN
        reduce_room = n_ctx - self.s._overhead("reduce", self.options) - self.s.part_answer - MARGIN
        # Each reduce round must leave fewer partials than it read, and one partial must fit the
        # final pass: otherwise the rounds would not converge.
        if min(part_room, reduce_room) < max(MIN_PART_TOKENS, 3 * self.s.part_answer) or (
            final_room < max(MIN_PART_TOKENS, self.s.part_answer)
        ):
            raise SummaryError(
                f"A {n_ctx}-token context leaves too little room to summarize in parts. "
                "Load the model with a larger context, or ask for a shorter summary."
            )
        self.result.mode = "parts"
        info = self.s.engine.model_info
        plan = summary_plan.parts(
            round(len(body) / chars_per_token(body, self._count)), n_ctx, one_room=one_room,
            part_room=part_room, map_overhead=map_overhead, map_reused=map_overhead - 8,
            part_answer=self.s.part_answer, final_answer=self.final_answer, speeds=self.s.speeds,
            trained_ctx=getattr(info, "n_ctx_train", None) or None,
        )  # fmt: skip
        self._announce(plan)
        spans = split_spans(text, self._count, part_room)
        pieces = [(text[a:b], tokens, (a, b)) for a, b, tokens in spans]
        level = self.result.levels = 1
        current = self._summarize_parts(pieces, "map", level)
        while True:
            self.result.levels = level
            kept = [p for p in current if p.summary.strip()]
            combined = numbered([p.summary.strip() for p in kept])
            if not combined:
                raise SummaryError("The model returned empty summaries for every part.")
            # Partials are at most part_answer tokens each, so counting them all stays small.
            tokens = self._count(combined) if len(combined) <= final_room * 12 else final_room + 1
            if tokens <= final_room:
                self._final("final", combined, tokens, [(p.start, p.end) for p in kept])
                return
            level += 1
            if level > MAX_LEVELS:
                raise SummaryError(
                    "The partial summaries do not get shorter; try a larger context or a "
                    "shorter target length."
                )
            joined, where = join_ranged([(p.summary.strip(), p.start, p.end) for p in kept])
            groups = split_spans(joined, self._count, max(MIN_PART_TOKENS, reduce_room))
            pieces = [(joined[a:b], n, range_of(where, a, b)) for a, b, n in groups]
            current = self._summarize_parts(pieces, "reduce", level)

    def _announce(self, plan: Plan) -> None:
        self.result.plan = plan
        self._emit(plan)

    def _summarize_parts(
        self,
        pieces: list[tuple[str, int, tuple[int, int]]],
        stage: Literal["map", "reduce"],
        level: int,
    ) -> list[Part]:
        start = len(self.result.parts)
        parts = [Part(piece, n, level=level, start=a, end=b) for piece, n, (a, b) in pieces]
        self.result.parts.extend(parts)
        n = len(parts)
        overhead = self.s._overhead(stage, self.options)
        written: list[int] = []
        for i, part in enumerate(parts):
            if self.cancel.is_set():
                raise Cancelled
            max_tokens = min(self.s.part_answer, max(48, part.tokens // 2))
            typical = sum(written) / len(written) if written else max_tokens * 0.6
            after = parts[i + 1 :]
            self.progress.start(
                (stage, i + 1, n),
                after=(
                    sum(p.tokens + overhead for p in after) + typical * n + 2 * overhead,
                    typical * len(after) + self.final_answer * 0.6,
                ),
                now=(part.tokens + overhead, typical),
            )
            words = max(10, int(max_tokens / 1.6 * 0.75))
            messages = build_messages(
                stage,
                part.text,
                self.options,
                words=words,
                index=i + 1,
                total=n,
                system=self.s.system,
            )
            text, finish, stats = self._ask(messages, max_tokens, stage, level, stream=False)
            part.summary = text.strip()
            if finish == "cancelled":
                raise Cancelled
            part.done = True
            if stats is not None:
                written.append(stats.completion_tokens)
            self._emit(PartDone(start + i, part.summary, level))
        return parts

    def _final(
        self,
        stage: Literal["one", "final"],
        text: str,
        tokens: int,
        cited: list[tuple[int, int]] | None = None,
    ) -> None:
        if self.cancel.is_set():
            raise Cancelled
        overhead = self.s._overhead(stage, self.options)
        self._write_final(stage, text, tokens + overhead, self.options, insist=False)
        wanted = wanted_script(self.options.language, self.sample)
        if wanted is not None:
            problem = language_problem(
                self.options.language, wanted, script_of(self.result.summary)
            )
            if problem is not None:  # once more, insisting (summary_checks.py)
                self._emit(Retrying(problem))
                again = self.options
                if again.language == "same" and wanted == "han":
                    again = replace(again, language="zh")
                self._write_final(stage, text, tokens + overhead, again, insist=True)
                problem = language_problem(
                    self.options.language, wanted, script_of(self.result.summary)
                )
                if problem is not None:
                    self.result.warnings.append(problem)
        if self.options.style == "bullets" and self.result.summary:
            self.result.summary, reshaped = as_bullets(self.result.summary)
            if reshaped:
                self.result.warnings.append(PROSE_MADE_BULLETS)
        self._attach_claims(cited or [])

    def _attach_claims(self, cited: list[tuple[int, int]]) -> None:
        """The summary's claims with their sources, checked, and the text's coverage."""
        result, text = self.result, self.text
        first = [p for p in result.parts if p.level == 1]
        partials = [(p.summary, (p.start, p.end)) for p in first if p.summary]
        result.claims = build_claims(result.summary, text, cited, partials)
        result.summary = strip_citations(result.summary)
        ranges = [(p.start, p.end) for p in first] or paragraph_sections(text)
        result.coverage, result.sections = coverage(result.claims, ranges)

    def _write_final(
        self,
        stage: Literal["one", "final"],
        text: str,
        prompt_tokens: int,
        options: SummaryOptions,
        *,
        insist: bool,
    ) -> None:
        self.progress.start(
            ("final", 1, 1), after=(0, 0), now=(prompt_tokens, self.final_answer * 0.6)
        )
        messages = build_messages(stage, text, options, system=self.s.system, insist=insist)
        summary, finish, _ = self._ask(messages, self.final_answer, "final", 0, stream=True)
        self.result.summary = summary.strip()
        if finish == "cancelled":
            raise Cancelled


__all__ = [
    "DEFAULT_SAMPLING",
    "DEFAULT_WORDS",
    "LANGUAGES",
    "STYLES",
    "SYSTEM",
    "Advanced",
    "CountFn",
    "Language",
    "Part",
    "PartDone",
    "Plan",
    "Progress",
    "RequestRecord",
    "Retrying",
    "Style",
    "Summarizer",
    "SummaryError",
    "SummaryEvent",
    "SummaryOptions",
    "SummaryResult",
    "Token",
    "answer_tokens",
    "build_messages",
    "split_by_tokens",
    "split_counted",
]
