"""The model's answer read as OpenAI's: content, tool calls, and whether it holds to the schema.

The engine's grammar (core/engine/grammar.py) writes calls as
`<tool_call>{"name": "…", "arguments": {…}}</tool_call>`, name first. `CallReader` reads that
text as it streams: text outside calls is content (a possible start of `<tool_call>` is held
back until it is decided), a call's header gives its index, id and name as soon as the name is
complete, and its arguments pass through piece by piece, their end found by counting brackets
outside strings. A whole answer is read by the same reader, so whole and streamed answers agree.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.engine.grammar import TOOL_CLOSE, TOOL_OPEN
from desktop_app.core.engine.schema_check import mismatch, parse_and_check
from desktop_app.server.structured import Structured

_HEAD = re.compile(r'\s*\{\s*"name"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"arguments"\s*:\s*')
MAX_HEAD = 4096  # a call whose name does not come within this is not a call: shown as text


@dataclass
class Call:
    index: int
    id: str
    name: str
    arguments: str = ""


@dataclass
class Delta:
    """One step of the answer: content text, a call begun, or more of a call's arguments."""

    content: str = ""
    call: Call | None = None  # a new call (its arguments follow in later deltas)
    arguments: str = ""  # more arguments of the last call


@dataclass
class CallReader:
    calls: list[Call] = field(default_factory=list)
    _buf: str = ""
    _state: str = "text"  # text | head | args | tail
    _depth: int = 0
    _started: bool = False
    _in_string: bool = False
    _escaped: bool = False

    def feed(self, text: str) -> list[Delta]:
        self._buf += text
        out: list[Delta] = []
        while True:
            step = getattr(self, f"_{self._state}")()
            if step is None:
                return out
            if step.content or step.call or step.arguments:
                out.append(step)

    def finish(self) -> tuple[list[Delta], str | None]:
        """What is left, and a problem if the answer ended inside a call."""
        if self._state == "text":
            rest, self._buf = self._buf, ""
            return ([Delta(rest)] if rest and not self._only_space(rest) else []), None
        return [], "the answer ended inside a tool call (max_tokens reached?)"

    def _only_space(self, text: str) -> bool:
        return bool(self.calls) and not text.strip()

    def _text(self) -> Delta | None:
        at = self._buf.find(TOOL_OPEN)
        if at >= 0:
            before, self._buf = self._buf[:at], self._buf[at + len(TOOL_OPEN) :]
            self._state = "head"
            return Delta("" if self._only_space(before) else before)
        keep = next(
            (n for n in range(min(len(TOOL_OPEN) - 1, len(self._buf)), 0, -1)
             if TOOL_OPEN.startswith(self._buf[-n:])),
            0,
        )  # fmt: skip
        ready = self._buf[: len(self._buf) - keep]
        if not ready or self._only_space(ready):
            return None
        self._buf = self._buf[len(ready) :]
        return Delta(ready)

    def _head(self) -> Delta | None:
        match = _HEAD.match(self._buf)
        if match is None:
            if len(self._buf) > MAX_HEAD:  # not a call after all: shown as text
                text, self._buf, self._state = TOOL_OPEN + self._buf, "", "text"
                return Delta(text)
            return None
        try:
            name = json.loads(f'"{match.group(1)}"')
        except ValueError:
            name = match.group(1)
        call = Call(len(self.calls), "call_" + secrets.token_hex(12), name)
        self.calls.append(call)
        self._buf = self._buf[match.end() :]
        self._state, self._depth, self._started = "args", 0, False
        self._in_string = self._escaped = False
        return Delta(call=call)

    def _args(self) -> Delta | None:
        if not self._started:  # the space before the value may come after the head matched
            self._buf = self._buf.lstrip()
        if not self._buf:
            return None
        end = self._scan(self._buf)
        piece = self._buf if end is None else self._buf[:end]
        self._buf = "" if end is None else self._buf[end:]
        if end is not None:
            self._state = "tail"
        self.calls[-1].arguments += piece
        return Delta(arguments=piece)

    def _scan(self, text: str) -> int | None:
        """Where the arguments' JSON value ends in `text` (after it), or None: not yet."""
        for i, ch in enumerate(text):
            if self._in_string:
                if self._escaped:
                    self._escaped = False
                elif ch == "\\":
                    self._escaped = True
                elif ch == '"':
                    self._in_string = False
                    if self._depth == 0:
                        return i + 1
            elif ch == '"':
                self._in_string, self._started = True, True
            elif ch in "{[":
                self._depth += 1
                self._started = True
            elif ch in "}]":
                self._depth -= 1
                if self._depth <= 0:
                    return i + 1
            elif self._started and self._depth == 0 and ch in " ,}\n":
                return i  # a bare number, true, false or null ended
            elif not ch.isspace():
                self._started = True
        return None

    def _tail(self) -> Delta | None:
        at = self._buf.find(TOOL_CLOSE)
        if at < 0:
            return None
        self._buf = self._buf[at + len(TOOL_CLOSE) :]
        self._state = "text"
        return Delta()


def read_whole(text: str) -> tuple[str | None, list[Call], str | None]:
    """A whole answer: its content (None when it is only calls), its calls, and any problem."""
    reader = CallReader()
    deltas = reader.feed(text)
    rest, problem = reader.finish()
    content = "".join(d.content for d in [*deltas, *rest])
    if reader.calls and not content.strip():
        return None, reader.calls, problem
    return content, reader.calls, problem


def call_problem(calls: list[Call], structured: Structured) -> str | None:
    """The first call whose arguments are no JSON or do not match the tool's parameters."""
    tools = {t["name"]: t for t in structured.tools}
    for call in calls:
        tool = tools.get(call.name)
        if tool is None:
            return f"the model called {call.name!r}, which is not a tool"
        try:
            args = json.loads(call.arguments)
        except ValueError as exc:
            return f"the arguments of {call.name!r} are not valid JSON ({exc})"
        problem = mismatch(args, tool.get("parameters") or {})
        if problem:
            return f"the arguments of {call.name!r} do not match its parameters: {problem}"
    return None


def answer_problem(text: str, structured: Structured) -> str | None:
    """For JSON answers: not JSON, or the first place where it misses the schema."""
    if structured.output is None or structured.output.kind == "tools":
        return None
    return parse_and_check(text, structured.schema)[1]


def call_json(call: Call) -> dict[str, Any]:
    """A whole answer's tool call, as OpenAI's message.tool_calls[i]."""
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments.strip()},
    }


def delta_json(delta: Delta, index: int) -> dict[str, Any]:
    """A stream chunk's delta.tool_calls[0]: the call's head first, then argument pieces."""
    if delta.call is not None:
        call = delta.call
        return {
            "index": call.index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
    return {"index": index, "function": {"arguments": delta.arguments}}
