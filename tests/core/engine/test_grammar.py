"""Grammars in the engine's own token loop, on the starter model: a JSON schema, a lazy tool-call
grammar that waits for `<tool_call>` and then holds the call to the tool's schema, a bad schema
refused before any token, and a tool result rendered into a template that knows no tools."""

from __future__ import annotations

import json

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Error, Token
from desktop_app.core.engine.params import ChatRequest, OutputFormat, SamplingParams
from desktop_app.core.engine.schema_check import mismatch

ARGS = {
    "type": "object",
    "properties": {"city": {"type": "string", "maxLength": 12}, "days": {"type": "integer"}},
    "required": ["city", "days"],
    "additionalProperties": False,
}
TOOLS = json.dumps([{"name": "forecast", "description": "", "parameters": ARGS}])
GREEDY = SamplingParams(temperature=0, repeat_penalty=1.0, max_tokens=60)
# A prompt the model continues by copying the pattern: its answer opens a call by itself.
FEW_SHOT = (
    'Q: rain in Oslo?\nA: <tool_call>\n{"name": "forecast", "arguments": {"city": "Oslo", '
    '"days": 1}}\n</tool_call>\nQ: sun in Rome?\nA: <tool_call>\n{"name": "forecast", '
    '"arguments": {"city": "Rome", "days": 2}}\n</tool_call>\nQ: snow in Bern?\nA:'
)


def test_a_lazy_grammar_holds_a_call_the_model_opens_itself(engine: EngineClient) -> None:
    output = OutputFormat("tools", tools=TOOLS, tool_choice="auto", parallel=False)
    request = ChatRequest((), GREEDY, FEW_SHOT, output)
    done = engine.chat(request).result(300)
    text = done.text
    assert "<tool_call>" in text, text
    body = text.split("<tool_call>", 1)[1].split("</tool_call>", 1)[0]
    call = json.loads(body)
    assert call["name"] == "forecast" and mismatch(call["arguments"], ARGS) is None
    assert text.rstrip().endswith("</tool_call>")  # one call, then the end (parallel off)


def test_a_schema_holds_a_raw_completion(engine: EngineClient) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    output = OutputFormat("json_schema", schema=json.dumps(schema))
    done = engine.chat(ChatRequest((), GREEDY, "The answer as JSON:", output)).result(300)
    assert mismatch(json.loads(done.text), schema) is None


def test_a_bad_schema_is_refused_before_any_token(engine: EngineClient) -> None:
    output = OutputFormat("json_schema", schema='{"type": "strin"}')
    request = ChatRequest(({"role": "user", "content": "hi"},), GREEDY, output=output)
    events = list(engine.chat(request).events(60))
    assert not any(isinstance(e, Token) for e in events)
    errors = [e for e in events if isinstance(e, Error)]
    assert errors and errors[0].error.kind == "invalid_schema"
    assert "Unrecognized schema" in errors[0].error.message


def test_tool_calls_and_results_render_into_a_plain_template(engine: EngineClient) -> None:
    """SmolLM2's template knows no tools: a call is written as the answer format, a result is a
    user turn in <tool_response>, and the template renders it like any chat."""
    calls = json.dumps([{"id": "c1", "name": "forecast", "arguments": '{"city": "Bern"}'}])
    messages = [
        {"role": "user", "content": "Snow in Bern?"},
        {"role": "assistant", "content": "", "tool_calls": calls},
        {"role": "tool", "tool_call_id": "c1", "content": "30 cm"},
    ]
    prompt = engine.render(messages).result(60)
    assert (
        '<|im_start|>assistant\n<tool_call>\n{"name": "forecast", "arguments": {"city": "Bern"}}'
        in prompt
    )
    assert "<|im_start|>user\n<tool_response>\n30 cm\n</tool_response><|im_end|>" in prompt
