"""A request's structured output as OpenAI's `response_format`, for a remote server.

The local engine holds an answer to JSON with a llama.cpp grammar (core/engine/grammar.py); a
remote server is asked with the field every OpenAI-compatible server reads: `{"type":
"json_object"}` or `{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}`.
Whether it enforces it is the server's business (llama-server, llama-cpp-python's server and
`hearth serve` build a grammar from it; some servers ignore it), so the chat checks the answer
itself either way (controllers/chat_structured.py). Tool calls are not sent this way: the chat
does not ask for them, and a server's tool format differs from the engine's.

`strict` is false: the answer comes back even when it misses the schema (`hearth serve` would
answer an error for a strict one; OpenAI's own strict mode refuses many schemas), and the chat
shows where it misses. The grammar servers hold the answer to the schema all the same.

llama-cpp-python's server takes only `json_object` (its type is a Literal of "text" and
"json_object") and refuses `json_schema`; it reads a schema beside it instead (`{"type":
"json_object", "schema": {…}}`, which llama-server reads too). A server that refuses the schema
form naming json_object is asked again once in that form, and the probe remembers it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

from desktop_app.core.engine.params import OutputFormat
from desktop_app.core.remote.http import Call, RemoteError

__all__ = ["SCHEMA_NAME", "response_format", "stream_chat"]

SCHEMA_NAME = "answer"  # the name OpenAI requires beside a schema (letters, digits, _ and -)


def response_format(output: OutputFormat | None, beside: bool = False) -> dict[str, Any] | None:
    """The `response_format` field for `output`; None for free text (and for tool calls).
    `beside`: a schema in llama-cpp-python's form, beside json_object."""
    if output is None:
        return None
    if output.kind == "json_object":
        return {"type": "json_object"}
    if output.kind == "json_schema":
        schema = json.loads(output.schema) if output.schema else {"type": "object"}
        if beside:
            return {"type": "json_object", "schema": schema}
        spec = {"name": SCHEMA_NAME, "schema": schema, "strict": False}  # see above
        return {"type": "json_schema", "json_schema": spec}
    return None


class Probe(Protocol):
    schema_beside: bool  # the server reads a schema only beside json_object


def stream_chat(
    call: Call, body: dict[str, Any], output: OutputFormat | None, probe: Probe
) -> Iterator[dict[str, Any]]:
    """The chat's streamed chunks, with the answer's format as the server takes it (above);
    `probe.schema_beside` is learned on the first refusal."""
    path = "/chat/completions"
    fmt = response_format(output, probe.schema_beside)
    if fmt is None:
        yield from call.stream(path, body)
        return
    chunks = call.stream(path, {**body, "response_format": fmt})
    try:
        first = next(chunks)
    except StopIteration:
        return
    except RemoteError as exc:
        refused = f"{exc.message} {exc.details}"
        if fmt["type"] != "json_schema" or not exc.status or "json_object" not in refused:
            raise
        probe.schema_beside = True
        yield from call.stream(path, {**body, "response_format": response_format(output, True)})
        return
    yield first
    yield from chunks
