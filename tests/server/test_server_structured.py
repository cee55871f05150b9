"""Structured output and tools through a real `hearth serve` and the official openai client, on
the starter model: the grammar makes even a 135M model's answers parse and match."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
from openai import OpenAI
from server_process import API_KEY, ServerProcess

from desktop_app.core.engine.schema_check import mismatch

ASK: list[Any] = [{"role": "user", "content": "What is the weather in Paris?"}]
GREEDY: dict[str, Any] = {"temperature": 0, "extra_body": {"repeat_penalty": 1.0}}
WEATHER = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "maxLength": 20},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["city", "unit"],
    "additionalProperties": False,
}
TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city",
            "parameters": WEATHER,
        },
    },
    {
        "type": "function",
        "function": {"name": "get_time", "description": "The time now", "parameters": {}},
    },
]


@pytest.fixture(scope="module")
def server(
    starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    proc = ServerProcess(starter_model, tmp_path_factory.mktemp("serve-home"), "--api-key", API_KEY)
    try:
        yield proc.wait_ready()
    finally:
        proc.close()


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0, timeout=600) as c:
        yield c


def test_json_schema_strict_answer_parses_and_matches(
    server: ServerProcess, client: OpenAI
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "maxLength": 20},
            "sunny": {"type": "boolean"},
            "degrees": {"type": "integer"},
        },
        "required": ["city", "sunny", "degrees"],
        "additionalProperties": False,
    }
    answer = client.chat.completions.create(
        model=server.model_id,
        messages=ASK,
        max_tokens=80,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "weather", "schema": schema, "strict": True},
        },
        **GREEDY,
    )
    choice = answer.choices[0]
    assert choice.finish_reason == "stop"
    value = json.loads(choice.message.content or "")
    assert mismatch(value, schema) is None, value


def test_what_the_grammar_cannot_hold_is_checked_before_the_answer_goes(
    server: ServerProcess, client: OpenAI
) -> None:
    """The grammar has no numeric ranges; the check does: a strict answer that misses is an error
    that says where, a non-strict one comes with `schema_error`, never as if it matched."""
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "maxLength": 20},
            "degrees": {"type": "integer", "maximum": 5},
        },
        "required": ["city", "degrees"],
        "additionalProperties": False,
    }
    for strict in (True, False):
        spec = {"name": "weather", "schema": schema, "strict": strict}
        asked: dict[str, Any] = {"response_format": {"type": "json_schema", "json_schema": spec}}
        try:
            answer = client.chat.completions.with_raw_response.create(
                model=server.model_id, messages=ASK, max_tokens=60, **asked, **GREEDY
            )
        except openai.InternalServerError as exc:
            assert strict and exc.code == "schema_mismatch" and "$.degrees" in exc.message
            continue
        choice = json.loads(answer.text)["choices"][0]
        value = json.loads(choice["message"]["content"])
        assert mismatch(value, schema) == choice.get("schema_error")


def test_json_object_answer_is_a_json_object(server: ServerProcess, client: OpenAI) -> None:
    answer = client.chat.completions.create(
        model=server.model_id,
        messages=[{"role": "user", "content": "Describe a cat in JSON with a name and an age."}],
        max_tokens=120,
        response_format={"type": "json_object"},
        **GREEDY,
    )
    assert answer.choices[0].finish_reason == "stop"
    assert isinstance(json.loads(answer.choices[0].message.content or ""), dict)


def test_tool_choice_required_gives_a_parsed_call(server: ServerProcess, client: OpenAI) -> None:
    answer = client.chat.completions.create(
        model=server.model_id,
        messages=ASK,
        tools=TOOLS,
        tool_choice="required",
        parallel_tool_calls=False,
        max_tokens=80,
        **GREEDY,
    )
    choice = answer.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls or []
    assert len(calls) == 1 and calls[0].id.startswith("call_") and calls[0].type == "function"
    first: Any = calls[0]  # a function call (the union also holds custom tools)
    function = first.function
    schemas = {t["function"]["name"]: t["function"]["parameters"] for t in TOOLS}
    assert function.name in schemas
    assert mismatch(json.loads(function.arguments), schemas[function.name]) is None


def test_a_named_tool_streams_its_call_in_deltas(server: ServerProcess, client: OpenAI) -> None:
    stream = client.chat.completions.create(
        model=server.model_id,
        messages=ASK,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        max_tokens=80,
        stream=True,
        **GREEDY,
    )
    heads, arguments, finish, content = [], "", None, ""
    for chunk in stream:
        choice = chunk.choices[0]
        content += choice.delta.content or ""
        for call in choice.delta.tool_calls or []:
            assert call.index == 0
            if call.id:
                heads.append((call.id, call.function.name if call.function else None))
            arguments += (call.function.arguments if call.function else None) or ""
        finish = choice.finish_reason or finish
    assert finish == "tool_calls" and content == ""
    assert len(heads) == 1 and heads[0][1] == "get_weather" and heads[0][0].startswith("call_")
    args = json.loads(arguments)
    assert mismatch(args, WEATHER) is None, args


def test_a_tool_result_in_the_history_is_answered(server: ServerProcess, client: OpenAI) -> None:
    call: Any = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Paris", "unit": "celsius"}'},
    }
    answer = client.chat.completions.create(
        model=server.model_id,
        messages=[
            *ASK,
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": "22 degrees, sunny"},
        ],
        tools=TOOLS,
        max_tokens=12,
        **GREEDY,
    )
    choice = answer.choices[0]
    assert choice.finish_reason in ("stop", "length", "tool_calls")
    assert choice.message.content or choice.message.tool_calls
    assert answer.usage is not None and answer.usage.prompt_tokens > 60  # the tools were shown


@pytest.mark.parametrize(
    ("response_format", "words"),
    [
        ({"type": "json_schema", "json_schema": {"schema": {}}}, "json_schema.name is required"),
        (
            {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "strin"}}},
            "Unrecognized schema",
        ),
        (
            {"type": "json_schema", "json_schema": {"name": "x", "schema": {"$ref": "#/nope"}}},
            "cannot be used",
        ),
    ],
)
def test_a_bad_schema_is_a_400_saying_why(
    server: ServerProcess, client: OpenAI, response_format: dict[str, Any], words: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        asked: dict[str, Any] = {"response_format": response_format}
        client.chat.completions.create(model=server.model_id, messages=ASK, max_tokens=8, **asked)
    assert words in caught.value.message
    assert server.health()["status"] == "ok"


def test_auto_leaves_a_plain_answer_free_and_a_call_parsed(
    server: ServerProcess, client: OpenAI
) -> None:
    """The lazy grammar: text until the model opens a call; either way the answer is well formed."""
    answer = client.chat.completions.create(
        model=server.model_id, messages=ASK, tools=TOOLS, max_tokens=24, **GREEDY
    )
    choice = answer.choices[0]
    for call in choice.message.tool_calls or []:
        data: Any = call
        json.loads(data.function.arguments)
    if choice.message.tool_calls:
        assert choice.finish_reason == "tool_calls"
    else:
        assert choice.message.content and "<tool_call>" not in choice.message.content
        assert choice.finish_reason in ("stop", "length")


def test_completions_take_a_json_response_format(server: ServerProcess, client: OpenAI) -> None:
    status, _, body = server.request(
        "POST",
        "/v1/completions",
        {
            "prompt": "A cat as JSON: ",
            "max_tokens": 60,
            "temperature": 0,
            "response_format": {"type": "json_object"},
        },
    )
    assert status == 200, body
    assert body["choices"][0]["finish_reason"] == "stop"
    assert isinstance(json.loads(body["choices"][0]["text"]), dict)
