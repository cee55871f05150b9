"""The parts of structured output that need no model: the call reader, the schema check, the
request checks and the grammar builder's refusals (the real model: test_server_structured.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop_app.core.engine.grammar import SchemaError, build
from desktop_app.core.engine.params import OutputFormat
from desktop_app.core.engine.schema_check import mismatch, parse_and_check
from desktop_app.server.errors import ApiError
from desktop_app.server.structured import parse_structured
from desktop_app.server.tool_calls import CallReader, read_whole

CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Pa\\"ris}", "n": [1, {"a": 2}]}}\n</tool_call>'


def stream(text: str, size: int) -> tuple[str, list[tuple[str, ...]], str | None]:
    reader = CallReader()
    content, calls = "", []
    deltas = []
    for i in range(0, len(text), size):
        deltas += reader.feed(text[i : i + size])
    rest, problem = reader.finish()
    for d in [*deltas, *rest]:
        content += d.content
        if d.call is not None:
            calls.append([d.call.name, ""])
        if d.arguments:
            calls[-1][1] += d.arguments
    return content, [tuple(c) for c in calls], problem


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_the_call_reader_gives_the_same_calls_in_any_pieces(size: int) -> None:
    text = "Let me look. " + CALL + "\n" + CALL.replace("get_weather", "other")
    content, calls, problem = stream(text, size)
    args = '{"city": "Pa\\"ris}", "n": [1, {"a": 2}]}'
    assert problem is None
    assert content == "Let me look. "
    assert calls == [("get_weather", args), ("other", args)]
    assert json.loads(args)["city"] == 'Pa"ris}'
    whole = read_whole(text)
    assert whole[0] == "Let me look. " and [c.arguments for c in whole[1]] == [args, args]


def test_plain_text_and_a_cut_call() -> None:
    assert stream("a < b <tool and more", 2) == ("a < b <tool and more", [], None)
    content, calls, problem = stream(CALL[:70], 5)
    assert content == "" and calls[0][0] == "get_weather"
    assert problem and "ended inside a tool call" in problem
    assert read_whole(CALL)[0] is None  # only calls: content null, as OpenAI


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 5},
        "age": {"type": "integer", "minimum": 0},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}},
        "kind": {"$ref": "#/$defs/kind"},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
    "$defs": {"kind": {"anyOf": [{"const": "cat"}, {"type": "null"}]}},
}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"name": "Tom", "age": 3, "tags": ["a"], "kind": "cat"}, None),
        ({"name": "Tom", "age": 3, "kind": None}, None),
        ({"name": "Tom"}, "$: the required property 'age' is missing"),
        ({"name": "Tom", "age": -1}, "$.age: -1 must be at least 0"),
        ({"name": "Tom", "age": True}, "$.age: expected integer, got true"),
        ({"name": "Tommy!", "age": 1}, "$.name: at most 5 characters are allowed, got 6"),
        ({"name": "T", "age": 1, "x": 1}, "$: the property 'x' is not allowed"),
        ({"name": "T", "age": 1, "tags": ["c"]}, '$.tags[0]: "c" is not one of ["a", "b"]'),
        (
            {"name": "T", "age": 1, "kind": "dog"},
            '$.kind: "dog" matches none of the anyOf alternatives',
        ),
    ],
)
def test_the_schema_check_says_where_and_what(value: Any, problem: str | None) -> None:
    assert mismatch(value, SCHEMA) == problem


def test_an_answer_that_is_no_json_is_said_so() -> None:
    value, problem = parse_and_check('{"a": ', {"type": "object"})
    assert value is None and problem and problem.startswith("the answer is not valid JSON")


@pytest.mark.parametrize(
    ("schema", "words"),
    [
        ({"type": "strin"}, "Unrecognized schema"),
        ({"$ref": "#/$defs/missing"}, "cannot be used"),
        ({"type": "string", "minLength": -1}, "minLength must be a non-negative integer"),
    ],
)
def test_a_schema_that_cannot_be_a_grammar_is_refused(schema: Any, words: str) -> None:
    with pytest.raises(SchemaError, match=words):
        build(OutputFormat("json_schema", schema=json.dumps(schema)))


def test_long_lengths_stay_out_of_the_grammar_but_in_the_check() -> None:
    grammar = build(OutputFormat("json_schema", schema='{"type": "string", "maxLength": 50000}'))
    assert grammar is not None and len(grammar.gbnf) < 2000
    assert mismatch("x" * 50001, {"type": "string", "maxLength": 50000})


def test_tool_grammars_name_each_function_and_auto_is_lazy() -> None:
    tools = [{"name": "f", "parameters": {"type": "object"}}, {"name": "g"}]
    auto = build(OutputFormat("tools", tools=json.dumps(tools)))
    named = build(OutputFormat("tools", tools=json.dumps(tools), tool_choice="g", parallel=False))
    assert auto is not None and auto.lazy and '"\\"f\\""' in auto.gbnf
    assert named is not None and not named.lazy
    assert '"\\"f\\""' not in named.gbnf and "root ::= tool-call\n" in named.gbnf + "\n"
    assert build(OutputFormat("tools", tools=json.dumps(tools), tool_choice="none")) is None


TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"response_format": {"type": "yaml"}}, "response_format.type"),
        ({"response_format": {"type": "json_schema"}}, "response_format.json_schema"),
        (
            {"response_format": {"type": "json_schema", "json_schema": {"name": "a b"}}},
            "response_format.json_schema.name",
        ),
        (
            {"response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": 1}}},
            "response_format.json_schema.schema",
        ),
        ({"tools": [{"type": "function"}]}, "tools[0].function"),
        ({"tools": [TOOL, TOOL]}, "tools"),
        (
            {"tools": [TOOL], "tool_choice": {"type": "function", "function": {"name": "z"}}},
            "tool_choice",
        ),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tools": [TOOL], "response_format": {"type": "json_object"}}, "response_format"),
    ],
)
def test_request_shapes_are_refused_naming_the_field(body: dict[str, Any], param: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_structured(body)
    assert caught.value.status == 400 and caught.value.param == param


def test_tool_choice_forms() -> None:
    named = {"type": "function", "function": {"name": "f"}}
    out = parse_structured({"tools": [TOOL], "tool_choice": named, "parallel_tool_calls": False})
    assert out.output is not None and out.output.tool_choice == "f" and not out.output.parallel
    assert parse_structured({"tools": [TOOL], "tool_choice": "none"}).output is None
