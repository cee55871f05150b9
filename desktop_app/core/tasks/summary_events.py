"""What a summary run produces and reports: its parts, its records, its result, its events.

Plain values, apart from the run's logic (summarize.py re-exports them all), so the controller,
the CLI and the views can read them without the summarizer's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from desktop_app.core.tasks.summary_claims import Claim
from desktop_app.core.tasks.summary_coverage import Section
from desktop_app.core.tasks.summary_plan import Mode, Plan

Stage = Literal["map", "reduce", "final"]


@dataclass
class Part:
    """A piece of the input (level 1) or of the joined partial summaries (level 2+), and its summary."""

    text: str
    tokens: int
    summary: str = ""
    level: int = 1
    done: bool = False  # False: not reached, or cut off by a cancel
    start: int = 0  # the characters of the summarized text it stands for: its own (level 1),
    end: int = 0  # or those of the level-1 parts whose summaries it holds


@dataclass(frozen=True)
class RequestRecord:
    """One request to the engine: its size against the context, and the speeds it ran at."""

    stage: Stage
    level: int
    prompt_tokens: int
    max_tokens: int
    completion_tokens: int
    seconds: float
    prompt_tps: float
    gen_tps: float
    evaluated: int = -1  # prompt tokens read, the rest reused from the KV cache (-1: unknown)


@dataclass
class SummaryResult:
    summary: str
    parts: list[Part]
    levels: int  # map/reduce rounds before the final pass: 0 means one pass
    cancelled: bool
    requests: list[RequestRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # English; core_text.shown translates
    mode: Mode = "whole"
    plan: Plan | None = None
    # the summary's statements with their sources (offsets into the text given to run) and
    # what share of the text they represent (summary_claims.py, summary_coverage.py)
    claims: list[Claim] = field(default_factory=list)
    coverage: float = 0.0
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Progress:
    """About to run request i of n in a stage; eta_s is the time left for the whole run, if known."""

    stage: Stage
    i: int
    n: int
    eta_s: float | None


@dataclass(frozen=True)
class Advanced:
    """Request i of n in a stage moved on, between its Progress and its end.

    `read` of its `prompt` tokens are read (0 of 0: the engine does not report it, as a remote
    server), `written` tokens are written; `within` is the request's share done (0..1, weighted by
    the time reading and writing take); eta_s as in Progress, from the speeds measured so far.
    """

    stage: Stage
    i: int
    n: int
    read: int
    prompt: int
    written: int
    within: float
    eta_s: float | None


@dataclass(frozen=True)
class Retrying:
    """The final answer did not follow the options (`reason`, a core message); it is asked
    again with a stronger instruction, and the text streamed so far is dropped."""

    reason: str


@dataclass(frozen=True)
class Token:
    """A piece of the final summary as it is written."""

    text: str


@dataclass(frozen=True)
class PartDone:
    """parts[index] has its summary."""

    index: int
    summary: str
    level: int = 1


SummaryEvent = Plan | Progress | Advanced | Retrying | Token | PartDone
