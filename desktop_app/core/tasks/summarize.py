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
from desktop_app.core.engine.handle import RequestHandle
from desktop_app.core.engine.params import ChatRequest, Message, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.errors import AppError
from desktop_app.core.tasks.summary_checks import (
    PROSE_MADE_BULLETS,
    as_bullets,
    language_problem,
    script_of,
    wanted_script,
)
from desktop_app.core.tasks.summary_eta import RunProgress
from desktop_app.core.tasks.summary_events import (
    Advanced,
    Part,
    PartDone,
    Progress,
    RequestRecord,
    Retrying,
    Stage,
    SummaryEvent,
    SummaryResult,
    Token,
)
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
)
from desktop_app.core.tasks.text_split import CountFn, split_by_tokens, split_counted

# Tokens kept free beyond the measured prompt and the answer: the text's first and last tokens
# can merge differently with the template around them than when counted alone.
MARGIN = 16
MAX_LEVELS = 6  # rounds of map/reduce before the final pass; each round at least halves the text
MIN_PART_TOKENS = 64
POLL_S = 0.05  # how often a waiting request checks the cancel flag

DEFAULT_SAMPLING = SamplingParams(
    temperature=0.3, top_p=0.9, top_k=40, min_p=0.05, repeat_penalty=1.1, max_tokens=2048
)


class SummaryError(AppError):
    """The text cannot be summarized with this model and context (too small, empty answers)."""

    kind = "summary"


class _Cancelled(Exception):
    pass


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
    ) -> None:
        self.engine = engine
        self.n_ctx = n_ctx
        self.sampling = sampling
        self.part_answer = part_answer_tokens or max(64, min(192, n_ctx // 20))
        self.system = system
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

        Engine errors (a crash, a model problem) raise their AppError.
        """
        options = options or SummaryOptions()
        options.validate()
        text = text.strip()
        if not text:
            raise ValueError("There is no text to summarize.")
        run = _Run(self, options, on_event, cancel or threading.Event(), text[:8000])
        try:
            run.execute(text)
        except _Cancelled:
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


class _Run:
    """The state of one summary: parts, records, speeds. Lives only during Summarizer.run."""

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

    def _count(self, text: str) -> int:
        """Count on the engine, giving up at once on a cancel (the engine may be busy elsewhere)."""
        if self.cancel.is_set():
            raise _Cancelled
        handle = self.s.engine.count_tokens(text)
        while not handle.wait(0.1):
            if self.cancel.is_set():
                handle.cancel()
                raise _Cancelled
        value = handle.result()
        assert isinstance(value, int)
        return value

    # ---- the plan -------------------------------------------------------------------------

    def execute(self, text: str) -> None:
        n_ctx = self.s.n_ctx
        one_room = n_ctx - self.s._overhead("one", self.options) - self.final_answer - MARGIN
        if one_room >= MIN_PART_TOKENS and len(text) <= one_room * 12:
            tokens = self._count(text)
            if tokens <= one_room:
                self._final("one", text, tokens)
                return
        part_room = n_ctx - self.s._overhead("map", self.options) - self.s.part_answer - MARGIN
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
        pieces = split_counted(text, self._count, part_room)
        del text  # from here on only the parts are kept
        level = self.result.levels = 1
        current = self._summarize_parts(pieces, "map", level)
        while True:
            self.result.levels = level
            combined = "\n\n".join(p.summary.strip() for p in current if p.summary.strip())
            if not combined:
                raise SummaryError("The model returned empty summaries for every part.")
            # Partials are at most part_answer tokens each, so counting them all stays small.
            tokens = self._count(combined) if len(combined) <= final_room * 12 else final_room + 1
            if tokens <= final_room:
                self._final("final", combined, tokens)
                return
            level += 1
            if level > MAX_LEVELS:
                raise SummaryError(
                    "The partial summaries do not get shorter; try a larger context or a "
                    "shorter target length."
                )
            groups = split_counted(combined, self._count, max(MIN_PART_TOKENS, reduce_room))
            current = self._summarize_parts(groups, "reduce", level)

    def _summarize_parts(
        self, pieces: list[tuple[str, int]], stage: Literal["map", "reduce"], level: int
    ) -> list[Part]:
        start = len(self.result.parts)
        parts = [Part(piece, tokens, level=level) for piece, tokens in pieces]
        self.result.parts.extend(parts)
        n = len(parts)
        overhead = self.s._overhead(stage, self.options)
        written: list[int] = []
        for i, part in enumerate(parts):
            if self.cancel.is_set():
                raise _Cancelled
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
                raise _Cancelled
            part.done = True
            if stats is not None:
                written.append(stats.completion_tokens)
            self._emit(PartDone(start + i, part.summary, level))
        return parts

    def _final(self, stage: Literal["one", "final"], text: str, tokens: int) -> None:
        if self.cancel.is_set():
            raise _Cancelled
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
            raise _Cancelled

    # ---- one request ----------------------------------------------------------------------

    def _ask(
        self, messages: list[Message], max_tokens: int, stage: Stage, level: int, *, stream: bool
    ) -> tuple[str, str, ev.Stats | None]:
        """Run one chat request; cancel it in the engine as soon as the cancel flag is set.

        Tokens of the final pass go to on_event as they come. A cancelled request still ends with
        Done carrying the text written so far. Returns (text, finish reason, stats).
        """
        stop = tuple(dict.fromkeys((*self.s.sampling.stop, '"""')))  # the text's own fence
        sampling = replace(self.s.sampling, max_tokens=max_tokens, stop=stop)
        request = ChatRequest(tuple(messages), sampling)
        handle = self.s.engine.chat(request)
        try:
            return self._follow(handle, max_tokens, stage, level, stream=stream)
        except BaseException:
            handle.cancel()  # a failing callback (or Ctrl+C on this thread) must not leave it running
            raise

    def _follow(
        self, handle: RequestHandle, max_tokens: int, stage: Stage, level: int, *, stream: bool
    ) -> tuple[str, str, ev.Stats | None]:
        stats: ev.Stats | None = None
        asked_to_stop = False
        while True:
            if self.cancel.is_set() and not asked_to_stop:
                handle.cancel()
                asked_to_stop = True
            try:
                event = handle.next_event(timeout=POLL_S)
            except TimeoutError:
                continue
            if isinstance(event, ev.Token):
                if stream:
                    self._emit(Token(event.text))
                self.progress.wrote()
            elif isinstance(event, ev.PromptProgress):
                self.progress.read(event)
            elif isinstance(event, ev.Warning_):
                self.result.warnings.append(event.message)
            elif isinstance(event, ev.Stats):
                stats = event
                self.progress.speeds.add(event)
                record = RequestRecord(stage, level, event.prompt_tokens, max_tokens,
                                       event.completion_tokens, event.total_s, event.prompt_tps,
                                       event.gen_tps)  # fmt: skip
                self.result.requests.append(record)
            elif isinstance(event, ev.Done):
                return event.text, event.finish_reason, stats
            elif isinstance(event, ev.Error):
                raise event.error


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
