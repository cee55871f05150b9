"""The structured-output side of a `ChatSession`: a conversation's answers held to JSON.

A person picks, per conversation, free text (the default), any JSON object, or a JSON schema they
paste. While one is on, each request carries it as `ChatRequest.output`: the engine makes it a
llama.cpp grammar (core/engine/grammar.py), so the answer parses by construction; a remote server
gets it as OpenAI's `response_format` (core/remote/structured.py) and enforces it or not. Either
way the finished answer is checked here (json parse, then core/engine/schema_check.py), and the
result rides on `AnswerEnded.check` for the view to show.

A schema is checked when it is chosen, before anything is sent: it must be JSON, an object, and
a schema the grammar builder takes (llama-cpp-python's converter, in this process). The one check
left to the engine is llama.cpp's own parse of the grammar, which needs the model's vocabulary;
its refusal ends the answer before any token with the message. The choice lives with the session
(a rebuilt view keeps it), one per conversation; the pasted text is kept even while the choice is
off or the schema is refused, so nothing typed is lost.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from desktop_app.core.controllers.runner import Listeners
from desktop_app.core.engine.grammar import SchemaError, build
from desktop_app.core.engine.params import OutputFormat
from desktop_app.core.engine.schema_check import parse_and_check
from desktop_app.core.storage.conversations import Conversation

__all__ = [
    "KINDS",
    "ChatStructured",
    "OutputChanged",
    "OutputCheck",
    "OutputChoice",
    "SchemaProblem",
    "check_answer",
    "check_schema",
    "pretty_json",
]

KINDS = ("text", "json_object", "json_schema")
_REFUSED = "The schema cannot be used: "  # grammar.py's words before the converter's reason
_JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "true or false", type(None): "null"}  # fmt: skip


@dataclass(frozen=True)
class OutputChoice:
    """What a conversation's answers are held to: `schema_text` is the last schema taken (it
    holds the answers while `kind` is "json_schema"), `draft` the text last typed for one (a
    refused schema stays there, for the editor)."""

    kind: str = "text"  # "text" | "json_object" | "json_schema"
    schema_text: str = ""
    draft: str = ""

    @property
    def on(self) -> bool:
        return self.kind != "text"

    def output(self) -> OutputFormat | None:
        """The engine's request field (None: free text)."""
        if self.kind == "json_object":
            return OutputFormat("json_object")
        if self.kind == "json_schema":
            return OutputFormat("json_schema", schema=self.schema_text)
        return None


@dataclass(frozen=True)
class SchemaProblem:
    """Why a schema cannot be used: "empty", "not_json" (`detail`: where the JSON breaks),
    "not_object", or "refused" (`detail`: the grammar builder's reason)."""

    kind: str
    detail: str = ""


@dataclass(frozen=True)
class OutputCheck:
    """A finished answer against its format: valid or `problem` (where it fails, the first
    mismatch); `pretty` is the answer indented when it parses, else None."""

    kind: str  # the OutputFormat's kind
    valid: bool
    problem: str | None
    pretty: str | None


@dataclass(frozen=True)
class OutputChanged:
    """The open conversation's structured-output choice changed."""

    conversation_id: int
    choice: OutputChoice


def check_schema(text: str) -> tuple[dict[str, Any] | None, SchemaProblem | None]:
    """The schema in `text`, or why it cannot become a grammar (nothing is sent to an engine)."""
    if not text.strip():
        return None, SchemaProblem("empty")
    try:
        schema = json.loads(text)
    except ValueError as exc:  # JSONDecodeError says the line and column
        return None, SchemaProblem("not_json", str(exc))
    except RecursionError:
        return None, SchemaProblem("not_json", "nested too deeply")
    if not isinstance(schema, dict):
        return None, SchemaProblem("not_object", _JSON_TYPES.get(type(schema), "a value"))
    try:
        build(OutputFormat("json_schema", schema=text))
    except SchemaError as exc:  # the converter's reason, without grammar.py's lead-in
        return None, SchemaProblem("refused", exc.message.removeprefix(_REFUSED))
    return schema, None


def pretty_json(text: str) -> str | None:
    """`text` indented when it is wholly a JSON object or array, else None."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return json.dumps(value, ensure_ascii=False, indent=2)


def check_answer(text: str, output: OutputFormat) -> OutputCheck:
    """Does the answer parse (json_object: as an object), and match the schema (json_schema)?"""
    schema: dict[str, Any] | None = {"type": "object"}
    if output.kind == "json_schema":
        try:
            loaded = json.loads(output.schema)  # checked when it was chosen
        except ValueError:
            loaded = None
        schema = loaded if isinstance(loaded, dict) else None
    value, problem = parse_and_check(text.strip(), schema)
    pretty = None if problem and value is None else json.dumps(value, ensure_ascii=False, indent=2)
    return OutputCheck(output.kind, problem is None, problem, pretty)


class ChatStructured(Listeners):
    """The structured-output choice of each conversation; mixed into `ChatSession`."""

    conversation: Conversation | None
    _lock: threading.RLock
    _outputs: dict[int, OutputChoice]  # per conversation id; none: free text
    _answer_output: OutputFormat | None  # the answer in flight's

    @property
    def output_choice(self) -> OutputChoice:
        """The open conversation's choice (free text when none was made)."""
        conv = self.conversation
        return self._outputs.get(conv.id, OutputChoice()) if conv is not None else OutputChoice()

    def set_output(self, kind: str, schema_text: str | None = None) -> SchemaProblem | None:
        """Hold the open conversation's next answers to `kind` ("text", "json_object",
        "json_schema", with `schema_text`, else the last schema taken). A schema that cannot be
        used is refused and said: the choice stays as it was, the text is kept as the draft.
        OutputChanged follows a change."""
        if kind not in KINDS:
            raise ValueError(f"structured output must be one of {', '.join(KINDS)}, not {kind!r}")
        conv = self.conversation
        if conv is None:
            return None
        with self._lock:
            before = self.output_choice
            typed = before.draft or before.schema_text
            text = typed if schema_text is None else schema_text
            problem = check_schema(text)[1] if kind == "json_schema" else None
            if problem is not None:
                choice = OutputChoice(before.kind, before.schema_text, text)
            else:
                taken = text if kind == "json_schema" else before.schema_text
                choice = OutputChoice(kind, taken, text)
            self._outputs[conv.id] = choice
        if choice != before:
            self._notify(OutputChanged(conv.id, choice))
        return problem

    def _begin_output(self) -> OutputFormat | None:
        """The open conversation's format, for the answer now starting (kept for its check)."""
        self._answer_output = self.output_choice.output()
        return self._answer_output

    def _check_output(self, text: str, reason: str) -> OutputCheck | None:
        """The ended answer's check (None: free text, or nothing was written)."""
        output, self._answer_output = self._answer_output, None
        if output is None or (not text and reason == "cancelled"):
            return None
        return check_answer(text, output)
