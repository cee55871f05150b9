"""One request of a summary run: sent to the engine, followed, cancelled on the run's flag.

Kept apart from the run's plan (summarize.py): this is the engine side, the events it sends and
how they feed the progress, the records and the streamed text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from desktop_app.core.engine import events as ev
from desktop_app.core.engine.handle import RequestHandle
from desktop_app.core.engine.params import ChatRequest, Message, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.tasks.summary_eta import RunProgress
from desktop_app.core.tasks.summary_events import (
    RequestRecord,
    Stage,
    SummaryEvent,
    SummaryResult,
    Token,
)

POLL_S = 0.05  # how often a waiting request checks the cancel flag


class Cancelled(Exception):
    """The run's cancel flag was seen: unwind to Summarizer.run, which keeps what is done."""


class _Owner(Protocol):
    engine: Engine
    sampling: SamplingParams


class RunRequests:
    """The engine side of a summary run (summarize._Run adds the plan)."""

    s: _Owner
    cancel: threading.Event
    progress: RunProgress
    result: SummaryResult
    _emit: Callable[[SummaryEvent], None]

    def _count(self, text: str) -> int:
        """Count on the engine, giving up at once on a cancel (the engine may be busy elsewhere)."""
        if self.cancel.is_set():
            raise Cancelled
        handle = self.s.engine.count_tokens(text)
        while not handle.wait(0.1):
            if self.cancel.is_set():
                handle.cancel()
                raise Cancelled
        value = handle.result()
        assert isinstance(value, int)
        return value

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
                                       event.gen_tps, event.prompt_tokens_evaluated)  # fmt: skip
                self.result.requests.append(record)
            elif isinstance(event, ev.Done):
                return event.text, event.finish_reason, stats
            elif isinstance(event, ev.Error):
                raise event.error
