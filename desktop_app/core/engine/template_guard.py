"""Bounds on rendering a chat template: time and output size, inside Jinja's sandbox.

A model file is untrusted, and its chat template is a program. The sandbox keeps it away from
Python's internals, but not from spending: `{% for a in range(99999) %}{% for b in
range(99999) %}…` loops for hours and `{{ 'x' * 100000000 }}` allocates 100 MB. Jinja offers no
budget, so this module adds three:

- time: while a template renders, a trace function (sys.settrace, for the rendering thread and
  only for frames of compiled templates, whose file name is "<template>") checks a deadline on
  every line, and so on every loop iteration, and raises out of the template. A thread cannot
  be stopped from outside in Python; this stops it from inside, where the loop runs;
- size: the sandbox's binary-operator hook refuses a `*`, `+` or `**` whose result would pass
  the output limit (before it is allocated), string methods and filters that take a width
  (center, ljust, indent, ...) refuse one past it, and the streamed output is counted;
- both raise TemplateBudgetError, which the formatter turns into a clear message.

Written here because Jinja has no such limits (its sandbox caps only `range` at 100,000 items).
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = ["DEFAULT_TIME_LIMIT_S", "BoundedEnvironment", "TemplateBudgetError", "render_bounded"]

DEFAULT_TIME_LIMIT_S = 2.0
MIN_OUTPUT_LIMIT = 256_000  # characters; a rendered prompt is about its messages plus markup
_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}


class TemplateBudgetError(RuntimeError):
    """The template ran past its time or produced more than its output limit."""

    def __init__(self, reason: str, limit: float) -> None:
        super().__init__(reason)
        self.reason = reason  # "time" | "size"
        self.limit = limit


class _Budget(threading.local):
    deadline: float | None = None
    max_chars: int = 0
    time_limit: float = DEFAULT_TIME_LIMIT_S


_budget = _Budget()


def _check_size(n: int) -> None:
    """Outside a render (Jinja folds constant expressions while compiling) the floor applies."""
    limit = _budget.max_chars if _budget.deadline is not None else MIN_OUTPUT_LIMIT
    if n > limit:
        raise TemplateBudgetError("size", limit)


def _check_replace(text: object, old: object, new: object) -> None:
    """A replace can multiply a text's length: work out the result's size before doing it."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        hits = text.count(old) if old else len(text) + 1
        _check_size(len(text) + hits * max(0, len(new) - len(old)))


def _length(value: object) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus size checks on the operators and calls that can blow up."""

    intercepted_binops = frozenset({"*", "+", "**"})

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "*":
            for seq, times in ((left, right), (right, left)):
                if _length(seq) and isinstance(times, int) and not isinstance(times, bool):
                    _check_size(_length(seq) * max(times, 0))
        elif operator_ == "+":
            _check_size(_length(left) + _length(right))
        elif (
            operator_ == "**"
            and isinstance(right, int)
            and abs(right) > 4096
            and isinstance(left, (int, float))
            and abs(left) > 1
        ):
            raise TemplateBudgetError("size", _budget.max_chars)  # a number too big to print
        return super().call_binop(context, operator_, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if (
            isinstance(getattr(__obj, "__self__", None), str)
            and getattr(__obj, "__name__", "") in _WIDTH_METHODS
        ):
            for value in (*args, *kwargs.values()):
                if isinstance(value, int) and not isinstance(value, bool):
                    _check_size(value)
        if (
            isinstance(getattr(__obj, "__self__", None), str)
            and getattr(__obj, "__name__", "") == "replace"
            and len(args) >= 2
        ):
            _check_replace(__obj.__self__, args[0], args[1])
        result = super().call(__context, __obj, *args, **kwargs)
        _check_size(_length(result))
        return result


def guard_filters(env: BoundedEnvironment) -> None:
    """Every filter refuses a width or count past the limit, and a result past it."""
    for name, fn in list(env.filters.items()):
        env.filters[name] = _guarded(fn)
    env.globals["range"] = _bounded_range


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    replace = getattr(fn, "__name__", "") == "do_replace"

    @functools.wraps(fn)  # keeps jinja_pass_arg (pass_context / pass_environment filters)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool):
                _check_size(value)
        if replace:  # do_replace(eval_ctx, s, old, new, count=None)
            text, old, new = [*args[1:4], None, None, None][:3]
            _check_replace(text, old, new)
        result = fn(*args, **kwargs)
        _check_size(_length(result))
        return result

    return wrapper


def _bounded_range(*args: int) -> Iterator[int]:
    """Jinja's safe range (at most 100,000 items), lazily, so the deadline is checked as it runs."""
    r = range(*args)
    if len(r) > 100_000:
        raise OverflowError(
            "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000)."
        )
    return iter(r)


def render_bounded(
    template: Any,
    variables: dict[str, Any],
    *,
    input_chars: int,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
) -> str:
    """`template.generate(**variables)` joined, within `time_limit` seconds and an output of at
    most 2 x `input_chars` + 256,000 characters; TemplateBudgetError past either."""
    max_chars = 2 * input_chars + MIN_OUTPUT_LIMIT
    previous_trace = sys.gettrace()
    outer = (_budget.deadline, _budget.max_chars, _budget.time_limit)
    _budget.deadline = time.monotonic() + time_limit
    _budget.max_chars = max_chars
    _budget.time_limit = time_limit
    sys.settrace(_call_tracer(previous_trace))
    try:
        out: list[str] = []
        total = 0
        for piece in template.generate(**variables):
            total += len(piece)
            _check_size(total)
            out.append(piece)
        return "".join(out)
    except MemoryError:  # something this module did not foresee still ends as a refusal
        raise TemplateBudgetError("size", max_chars) from None
    finally:
        sys.settrace(previous_trace)
        _budget.deadline, _budget.max_chars, _budget.time_limit = outer


def _call_tracer(previous: Any) -> Callable[[FrameType, str, Any], Any]:
    """Trace template frames only (a local tracer on each); other frames keep `previous`."""

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename == "<template>":
            return _on_line
        return previous(frame, event, arg) if previous is not None else None

    return on_call


def _on_line(frame: FrameType, event: str, _arg: Any) -> Any:
    deadline = _budget.deadline
    if deadline is not None and time.monotonic() > deadline:
        raise TemplateBudgetError("time", _budget.time_limit)
    return _on_line
