"""A conversation with tools, made ready for the model's chat template.

A template that renders the `tools` it is given (Qwen, Hermes, Llama 3.1 …: probed once per
template, chat_template.takes_tools) gets them, and the history's calls and results in Hugging
Face's message shape. Any other template (the starter model's) gets the tools described in the
system message with the call format, earlier calls written in that format, and tool results as
user turns in <tool_response>: a plain chat that every template renders. Either way the answer's
format is the one grammar.py constrains, so the calls parse.

A conversation without tools renders exactly as before.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from typing import Any

from desktop_app.core.engine.chat_template import ChatFormatter, takes_tools
from desktop_app.core.engine.grammar import TOOL_CLOSE, TOOL_OPEN, functions
from desktop_app.core.engine.params import Message, OutputFormat

TOOL_SYSTEM = (
    "You can call functions (tools). The tools, as JSON:\n{tools}\n"
    "To call a tool, answer with\n"
    + TOOL_OPEN
    + '\n{{"name": "<the tool\'s name>", "arguments": {{<its arguments>}}}}\n'
    + TOOL_CLOSE
)
FORCED = "\nCall a tool now."


def render_chat(
    formatter: ChatFormatter, messages: Sequence[Message], output: OutputFormat | None
) -> str:
    """The prompt text for `messages`, with the tools of `output` shown to the model."""
    tooled = output is not None and output.kind == "tools"
    if not tooled and not any(_has_tool_parts(m) for m in messages):
        return formatter.render(messages)
    shown = functions(output) if output is not None and tooled else []
    if output is not None and output.tool_choice == "none":
        shown = []
    if takes_tools(formatter):
        native = [_native(m) for m in messages]
        tools = [{"type": "function", "function": f} for f in shown] if shown else None
        return formatter.render(native, tools=tools)
    plain = [_plain(m) for m in messages]
    if shown:
        text = TOOL_SYSTEM.format(tools=json.dumps(shown, ensure_ascii=False, indent=1))
        if output is not None and output.tool_choice != "auto":
            text += FORCED
        plain = _with_system(plain, text)
    return formatter.render(plain)


def _has_tool_parts(message: Message) -> bool:
    return message.get("role") == "tool" or "tool_calls" in message


def _calls(message: Message) -> list[dict[str, Any]]:
    """The message's tool calls as [{"id", "name", "arguments"}], arguments parsed if JSON."""
    try:
        calls = json.loads(message.get("tool_calls") or "[]")
    except ValueError:
        return []
    out = []
    for call in calls if isinstance(calls, list) else []:
        if not isinstance(call, dict):
            continue
        args = call.get("arguments", "")
        with contextlib.suppress(ValueError):  # else shown as the string the client sent
            args = json.loads(args) if isinstance(args, str) else args
        out.append({"id": call.get("id", ""), "name": call.get("name", ""), "arguments": args})
    return out


def _native(message: Message) -> dict[str, Any]:
    """Hugging Face's shape: tool_calls [{id, type, function: {name, arguments}}], role tool."""
    out: dict[str, Any] = {"role": message["role"], "content": message.get("content", "")}
    if "tool_calls" in message:
        out["tool_calls"] = [
            {
                "id": c["id"],
                "type": "function",
                "function": {"name": c["name"], "arguments": c["arguments"]},
            }
            for c in _calls(message)
        ]
    for key in ("tool_call_id", "name"):
        if key in message:
            out[key] = message[key]
    return out


def _plain(message: Message) -> Message:
    role = message["role"]
    content = message.get("content", "")
    if role == "tool":
        return {"role": "user", "content": f"<tool_response>\n{content}\n</tool_response>"}
    if "tool_calls" in message:
        written = [
            f"{TOOL_OPEN}\n"
            + json.dumps({"name": c["name"], "arguments": c["arguments"]}, ensure_ascii=False)
            + f"\n{TOOL_CLOSE}"
            for c in _calls(message)
        ]
        content = "\n".join([content, *written] if content else written)
    return {"role": role, "content": content}


def _with_system(messages: list[Message], text: str) -> list[Message]:
    if messages and messages[0]["role"] == "system":
        first = {"role": "system", "content": f"{messages[0]['content']}\n\n{text}"}
        return [first, *messages[1:]]
    return [{"role": "system", "content": text}, *messages]
