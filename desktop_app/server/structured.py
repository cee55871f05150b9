"""OpenAI's structured output and tool fields, checked into the engine's OutputFormat.

`response_format` ({"type": "text" | "json_object" | "json_schema"}), `tools`, `tool_choice`,
`parallel_tool_calls`, and the tool parts of a conversation (an assistant's `tool_calls`, a
`role: "tool"` result). The shapes are checked here, each refusal a 400 naming the field; whether
a schema can become a grammar is decided in the engine (core/engine/grammar.py), whose refusal is
a 400 as well. Tool calls and results ride in the plain-text messages as JSON text, so the
request stays plain data (core/engine/tool_prompt.py renders them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from desktop_app.core.engine.params import Message, OutputFormat
from desktop_app.server.errors import bad_request

MAX_TOOLS = 128
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Structured:
    """What the answer is held to, for the engine (output) and for the check after it."""

    output: OutputFormat | None
    schema: dict[str, Any] | None = None  # json_schema: the schema the answer is checked against
    strict: bool = False  # json_schema strict: a mismatch is an error, not a note
    tools: tuple[dict[str, Any], ...] = ()  # the functions, for checking call arguments


def parse_structured(body: dict[str, Any]) -> Structured:
    """The request's response_format and tools (both absent: free text)."""
    fmt = _response_format(body.get("response_format"))
    tools = _tools(body.get("tools"))
    choice = _tool_choice(body.get("tool_choice"), tools)
    parallel = body.get("parallel_tool_calls", True)
    if not isinstance(parallel, bool):
        raise bad_request("parallel_tool_calls must be true or false.", "parallel_tool_calls")
    if tools and choice != "none":
        if fmt.output is not None:
            raise bad_request(
                "response_format json_object/json_schema cannot be combined with tools here; "
                'send one of them (or tool_choice "none").',
                "response_format",
            )
        output = OutputFormat(
            "tools", tools=json.dumps(tools), tool_choice=choice, parallel=parallel
        )
        return Structured(output, tools=tuple(tools))
    return fmt


def _response_format(value: Any) -> Structured:
    if value is None:
        return Structured(None)
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise bad_request(
            'response_format must be an object like {"type": "json_object"}.', "response_format"
        )
    kind = value["type"]
    if kind == "text":
        return Structured(None)
    if kind == "json_object":
        return Structured(OutputFormat("json_object"), {"type": "object"})
    if kind != "json_schema":
        raise bad_request(
            f"response_format.type must be text, json_object or json_schema, not {kind!r}.",
            "response_format.type",
        )
    spec = value.get("json_schema")
    where = "response_format.json_schema"
    if not isinstance(spec, dict):
        raise bad_request(f'{where} is required: {{"name": …, "schema": {{…}}}}.', where)
    name = spec.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise bad_request(
            f"{where}.name is required: letters, digits, _ and -, at most 64.", f"{where}.name"
        )
    schema = spec.get("schema", {"type": "object"})
    if not isinstance(schema, dict):
        raise bad_request(f"{where}.schema must be a JSON schema object.", f"{where}.schema")
    strict = spec.get("strict", False)
    if not isinstance(strict, bool) and strict is not None:
        raise bad_request(f"{where}.strict must be true or false.", f"{where}.strict")
    output = OutputFormat("json_schema", schema=json.dumps(schema))
    return Structured(output, schema, bool(strict))


def _tools(value: Any) -> list[dict[str, Any]]:
    """OpenAI's [{"type": "function", "function": {name, description?, parameters?}}]."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("tools must be a list of function tools.", "tools")
    if len(value) > MAX_TOOLS:
        raise bad_request(f"At most {MAX_TOOLS} tools are supported.", "tools")
    out: list[dict[str, Any]] = []
    for i, tool in enumerate(value):
        where = f"tools[{i}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise bad_request(f'{where} must be {{"type": "function", "function": {{…}}}}.', where)
        func = tool.get("function")
        if not isinstance(func, dict):
            raise bad_request(f"{where}.function is required.", f"{where}.function")
        name = func.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            raise bad_request(
                f"{where}.function.name is required: letters, digits, _ and -, at most 64.",
                f"{where}.function.name",
            )
        params = func.get("parameters", {"type": "object", "properties": {}})
        if not isinstance(params, dict):
            raise bad_request(
                f"{where}.function.parameters must be a JSON schema object.",
                f"{where}.function.parameters",
            )
        description = func.get("description", "")
        if not isinstance(description, str):
            raise bad_request(
                f"{where}.function.description must be a string.", f"{where}.function.description"
            )
        out.append({"name": name, "description": description, "parameters": params})
    names = [t["name"] for t in out]
    if len(set(names)) != len(names):
        raise bad_request("Each tool needs its own name.", "tools")
    return out


def _tool_choice(value: Any, tools: list[dict[str, Any]]) -> str:
    if value is None:
        return "auto"
    if value in ("auto", "none", "required"):
        if value == "required" and not tools:
            raise bad_request('tool_choice "required" needs tools.', "tool_choice")
        return str(value)
    if isinstance(value, dict) and value.get("type") == "function":
        func = value.get("function")
        name = func.get("name") if isinstance(func, dict) else None
        if not isinstance(name, str):
            raise bad_request("tool_choice.function.name is required.", "tool_choice")
        if name not in {t["name"] for t in tools}:
            raise bad_request(f"tool_choice names {name!r}, which is not in tools.", "tool_choice")
        return name
    raise bad_request(
        'tool_choice must be "auto", "none", "required" or '
        '{"type": "function", "function": {"name": …}}.',
        "tool_choice",
    )


# ---- the conversation's tool parts -------------------------------------------------------------


def tool_result(message: dict[str, Any], where: str, content: str) -> Message:
    """A `role: "tool"` message: the result of one call, as text."""
    out: Message = {"role": "tool", "content": content}
    call_id = message.get("tool_call_id")
    if call_id is not None:
        if not isinstance(call_id, str):
            raise bad_request(f"{where}.tool_call_id must be a string.", f"{where}.tool_call_id")
        out["tool_call_id"] = call_id
    name = message.get("name")
    if isinstance(name, str):
        out["name"] = name
    return out


def assistant_calls(message: dict[str, Any], where: str) -> str | None:
    """An assistant message's tool_calls as JSON text [{"id", "name", "arguments"}], or None."""
    calls = message.get("tool_calls")
    if calls is None:
        return None
    if not isinstance(calls, list):
        raise bad_request(f"{where}.tool_calls must be a list.", f"{where}.tool_calls")
    out = []
    for j, call in enumerate(calls):
        at = f"{where}.tool_calls[{j}]"
        func = call.get("function") if isinstance(call, dict) else None
        if not isinstance(func, dict) or not isinstance(func.get("name"), str):
            raise bad_request(
                f'{at} must be {{"id", "type": "function", "function": {{name, arguments}}}}.', at
            )
        args = func.get("arguments", "{}")
        if not isinstance(args, str):
            raise bad_request(
                f"{at}.function.arguments must be a string (JSON text).", f"{at}.function.arguments"
            )
        call_id = call.get("id", "")
        out.append({"id": call_id if isinstance(call_id, str) else "", "name": func["name"],
                    "arguments": args})  # fmt: skip
    return json.dumps(out, ensure_ascii=False)
