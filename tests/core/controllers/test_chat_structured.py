"""Structured output in the chat session, without Qt: a schema checked when it is chosen (and
refused with its reason, the text kept), the answer held to it by the engine's grammar on the
real starter model, and the finished answer's check on AnswerEnded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from recorder import Recorder

from desktop_app.core.controllers.chat import (
    AnswerEnded,
    ChatSession,
    OutputChanged,
    OutputChoice,
)
from desktop_app.core.controllers.chat_structured import check_answer, check_schema, pretty_json
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import OutputFormat
from desktop_app.core.engine.schema_check import mismatch
from desktop_app.core.storage.conversations import ConversationStore

PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 24},
        "age": {"type": "integer", "minimum": 0, "maximum": 120},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}
GREEDY = {"temperature": 0.0, "repeat_penalty": 1.0, "max_tokens": 80, "seed": 3}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    with ConversationStore(tmp_path / "conversations.db") as s:
        yield s


def no_engine() -> EngineClient:
    raise RuntimeError("no engine in this test")


def test_a_schema_is_checked_when_chosen() -> None:
    assert check_schema(json.dumps(PERSON)) == (PERSON, None)
    assert check_schema("  ")[1].kind == "empty"  # type: ignore[union-attr]
    broken = check_schema('{"type": "object",\n "properties": }')[1]
    assert broken is not None and broken.kind == "not_json" and "line 2" in broken.detail
    listed = check_schema('["type", "object"]')[1]
    assert listed is not None and listed.kind == "not_object"
    refused = check_schema('{"type": "strin"}')[1]  # the grammar builder's own refusal
    assert refused is not None and refused.kind == "refused" and "strin" in refused.detail


def test_a_refused_schema_keeps_the_text_and_the_choice(store: ConversationStore) -> None:
    session = ChatSession(store, no_engine)
    session.open_latest("New chat")
    events = Recorder(session)
    assert session.output_choice == OutputChoice()
    assert session.set_output("json_schema", json.dumps(PERSON)) is None
    taken = session.output_choice
    assert taken.kind == "json_schema" and json.loads(taken.schema_text) == PERSON
    assert session.output_choice.output() == OutputFormat("json_schema", schema=taken.schema_text)
    problem = session.set_output("json_schema", '{"type": "object", ')
    assert problem is not None and problem.kind == "not_json"
    now = session.output_choice
    assert now.kind == "json_schema" and now.schema_text == taken.schema_text  # still in force
    assert now.draft == '{"type": "object", '  # what was typed is kept for the editor
    assert session.set_output("text") is None and session.output_choice.output() is None
    assert session.output_choice.draft == '{"type": "object", '
    changes = events.of(OutputChanged)
    assert [c.choice.kind for c in changes] == ["json_schema", "json_schema", "text"]  # type: ignore[attr-defined]
    other = session.conversation
    session.new_conversation("Another")  # the choice is the conversation's own
    assert session.output_choice == OutputChoice()
    assert other is not None and session.open(other.id)
    assert session.output_choice.kind == "text" and session.output_choice.draft


def test_the_answer_check_says_where() -> None:
    schema = OutputFormat("json_schema", schema=json.dumps(PERSON))
    good = check_answer('{"name": "Ada", "age": 36}', schema)
    assert good.valid and good.problem is None
    assert good.pretty == '{\n  "name": "Ada",\n  "age": 36\n}'
    bad = check_answer('{"name": "Ada", "age": 360}', schema)
    assert not bad.valid and bad.problem == "$.age: 360 must be at most 120"
    assert bad.pretty is not None  # it parses: shown as JSON, with the mark
    cut = check_answer('{"name": "Ad', schema)
    assert not cut.valid and "not valid JSON" in str(cut.problem) and cut.pretty is None
    listed = check_answer("[1, 2]", OutputFormat("json_object"))
    assert not listed.valid and "expected object" in str(listed.problem)
    assert pretty_json('  {"a": [1]} ') == '{\n  "a": [\n    1\n  ]\n}'
    assert pretty_json("Hello {there}") is None


def test_the_engine_holds_the_answer_to_the_schema(
    store: ConversationStore, engine: EngineClient
) -> None:
    session = ChatSession(store, lambda: engine)
    session.open_latest("New chat")
    session.update_settings(sampling=GREEDY)
    assert session.set_output("json_schema", json.dumps(PERSON)) is None
    events = Recorder(session)
    assert session.send("Describe a made-up person: their name and age.")
    ended = events.wait_for(AnswerEnded)
    assert isinstance(ended, AnswerEnded) and ended.error is None
    print("schema answer:", ended.text, ended.finish_reason, ended.check)
    value = json.loads(ended.text)
    assert mismatch(value, PERSON) is None
    assert ended.check is not None and ended.check.valid and ended.check.kind == "json_schema"
    assert ended.stored is not None and ended.stored.content == ended.text  # stored as written

    session.set_output("text")  # back to free text: no grammar, no check
    mark = len(events.events)
    assert session.send("Say hello in one word.")
    free = events.wait_for(AnswerEnded, after=mark)
    assert isinstance(free, AnswerEnded) and free.check is None
