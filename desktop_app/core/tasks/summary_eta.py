"""How long a summary has left: prompt and generation speeds, measured as the run goes.

Finished requests give exact speeds (their Stats). The request in flight is measured too, from
the engine's prompt progress (PromptProgress after each batch) and from its tokens as they come,
so an estimate exists after the first batch of the first part rather than after the whole part.
Until a token has been generated, generation is guessed from the prompt speed (GEN_GUESS);
the first few tokens replace the guess.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from desktop_app.core.engine import events as ev
from desktop_app.core.tasks.summary_events import Advanced, Progress, Stage, SummaryEvent

# Prompt tokens read per token generated in the same time, before anything was generated: about
# 5 for a 7B model on a desktop CPU, 10-15 for a small model, more on a GPU.
GEN_GUESS = 8.0
MIN_TOKENS = 4  # generated tokens before their speed counts


class Speeds:
    """Prompt and generation speeds seen so far (finished requests plus the one in flight)."""

    def __init__(self) -> None:
        self._now = time.monotonic
        self.prompt_tokens = 0
        self.prompt_s = 0.0
        self.gen_tokens = 0
        self.gen_s = 0.0
        self._live_prompt = (0, 0.0)  # the request in flight: tokens read, seconds
        self._live_gen = (0, 0.0)
        self._read_from: tuple[int, float] | None = None
        self._first_token_at: float | None = None
        self._written = 0

    # ---- the request in flight -------------------------------------------------------------

    def begin(self) -> None:
        """A new request starts: forget the last one's live figures (its Stats are in)."""
        self._live_prompt, self._live_gen = (0, 0.0), (0, 0.0)
        self._read_from, self._first_token_at, self._written = None, None, 0

    def read(self, progress: ev.PromptProgress) -> None:
        now = self._now()
        if self._read_from is None or progress.done == 0:
            self._read_from = (progress.done, now)
            return
        done0, t0 = self._read_from
        if now > t0 and progress.done > done0:
            self._live_prompt = (progress.done - done0, now - t0)

    def wrote(self) -> int:
        """A token came; returns how many this request wrote so far."""
        now = self._now()
        self._written += 1
        if self._first_token_at is None:
            self._first_token_at = now
        elif self._written > MIN_TOKENS:
            self._live_gen = (self._written - 1, now - self._first_token_at)
        return self._written

    @property
    def written(self) -> int:
        return self._written

    def add(self, stats: ev.Stats) -> None:
        """The request ended: its exact figures replace the live ones."""
        if stats.prompt_tps > 0 and stats.prompt_tokens_evaluated:
            self.prompt_tokens += stats.prompt_tokens_evaluated
            self.prompt_s += stats.prompt_tokens_evaluated / stats.prompt_tps
        if stats.gen_tps > 0 and stats.completion_tokens > 1:
            self.gen_tokens += stats.completion_tokens
            self.gen_s += stats.completion_tokens / stats.gen_tps
        self.begin()

    # ---- the estimate ----------------------------------------------------------------------

    @property
    def gen_weight(self) -> float:
        """How many prompt tokens take as long to read as one token takes to write."""
        prompt = self._rate(self.prompt_tokens, self.prompt_s, self._live_prompt)
        gen = self._rate(self.gen_tokens, self.gen_s, self._live_gen)
        return prompt / gen if prompt and gen else GEN_GUESS

    def _rate(self, tokens: int, seconds: float, live: tuple[int, float]) -> float | None:
        n, s = tokens + live[0], seconds + live[1]
        return n / s if n and s > 0 else None

    def eta(self, prompt_tokens: float, gen_tokens: float) -> float | None:
        """Seconds to read `prompt_tokens` and write `gen_tokens`; None before any measure."""
        prompt = self._rate(self.prompt_tokens, self.prompt_s, self._live_prompt)
        if prompt is None:
            return None
        gen = self._rate(self.gen_tokens, self.gen_s, self._live_gen) or prompt / GEN_GUESS
        return max(0.0, prompt_tokens) / prompt + max(0.0, gen_tokens) / gen


class RunProgress:
    """The request in flight of a summary run: what is left in it and after it, as events.

    The run says where a request starts (`start`); the engine's events feed `read` and `wrote`;
    each emits `Progress` or `Advanced` with the time left for the whole run.
    """

    def __init__(self, emit: Callable[[SummaryEvent], None]) -> None:
        self._emit = emit
        self.speeds = Speeds()
        self._at: tuple[Stage, int, int] = ("final", 1, 1)
        self._plan = (0.0, 0.0, 0.0, 0.0)  # tokens to read and write: after it, and in it
        self._read = (0, 0)  # its prompt: tokens read, of how many (0, 0: not reported)
        self._within = 0.0  # its share done so far: never goes back (a bar must not)

    def start(
        self, at: tuple[Stage, int, int], *, after: tuple[float, float], now: tuple[float, float]
    ) -> None:
        """Request i of n of a stage begins: `after` and `now` are (tokens to read, tokens to
        write) after it and in it."""
        self._at, self._plan, self._read, self._within = at, (*after, *now), (0, 0), 0.0
        self.speeds.begin()
        self._emit(Progress(*at, self.eta()))

    def read(self, event: ev.PromptProgress) -> None:
        self.speeds.read(event)
        self._read = (event.done, event.total)
        self._advance()

    def wrote(self) -> None:
        written = self.speeds.wrote()
        if written in (1, MIN_TOKENS + 1) or written % 16 == 0:
            self._advance()

    def eta(self) -> float | None:
        after_read, after_write, now_read, now_write = self._plan
        done, total = self._read
        written = self.speeds.written
        read = total - done if total else (0 if written else now_read)
        return self.speeds.eta(after_read + read, after_write + max(0.0, now_write - written))

    def _advance(self) -> None:
        _, _, now_read, now_write = self._plan
        done, total = self._read
        written = self.speeds.written
        to_read = total or now_read
        read = done if total else (to_read if written else 0)
        weight = self.speeds.gen_weight  # one written token takes as long as this many read
        within = (read + weight * written) / max(
            1.0, to_read + weight * max(now_write, written + 1)
        )
        self._emit(Advanced(*self._at, done, total, written, min(0.99, within), self.eta()))
