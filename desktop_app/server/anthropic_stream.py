"""How a generation becomes an answer in Anthropic's Messages API: one message, or its events.

The stream is Anthropic's sequence of named server-sent events: message_start,
content_block_start, ping, content_block_delta (text_delta) per piece of text,
content_block_stop, message_delta (stop_reason, usage), message_stop. As on the OpenAI routes
(responses.py), the headers wait for the first piece of text, so an error before it is a plain
HTTP error; one after it is an `error` event.
"""

from __future__ import annotations

import asyncio
from typing import Any

from desktop_app.core.engine.events import Done, Error, Token
from desktop_app.server import http11, sse
from desktop_app.server.anthropic_api import (
    anthropic_error,
    message_body,
    new_message_id,
    stop_reason,
    usage,
)
from desktop_app.server.errors import from_app_error
from desktop_app.server.generation import Generation
from desktop_app.server.http11 import Request
from desktop_app.server.openai_schema import Job
from desktop_app.server.responses import json_body, shutdown_error

__all__ = ["answer_message", "answer_message_stream"]

Named = tuple[str, dict[str, Any]]


async def answer_message(
    job: Job, model_id: str, request: Request, writer: asyncio.StreamWriter, generation: Generation
) -> bool:
    """The whole message as one JSON body; False when the connection is not worth keeping."""
    while True:
        event = await generation.next()
        if isinstance(event, Error):
            if generation.client_gone:
                return False
            raise anthropic_error(from_app_error(event.error))
        if isinstance(event, Done):
            break
    if event.finish_reason == "cancelled":
        if generation.client_gone:
            return False
        raise anthropic_error(shutdown_error())
    reason = stop_reason(job, event.finish_reason, event.stop_sequence)
    payload = message_body(new_message_id(), model_id, event.text, reason, generation.stats)
    await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
    return True


class _NamedStream(sse.EventStream):
    """Server-sent events with an `event:` name line, as Anthropic's stream has."""

    async def send_named(self, events: list[Named]) -> None:
        if self._writer.is_closing():
            raise ConnectionResetError("the client closed the connection")
        data = b"".join(
            f"event: {name}\ndata: {sse.dumps(payload)}\n\n".encode() for name, payload in events
        )
        if self._chunked:
            data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        self._writer.write(data)
        await self._writer.drain()


async def answer_message_stream(
    job: Job, model_id: str, request: Request, writer: asyncio.StreamWriter, generation: Generation
) -> bool:
    """The message as Anthropic's event stream."""
    stream = _NamedStream(writer, chunked=request.chunked_ok)
    message_id = new_message_id()

    async def start(out: list[Named]) -> None:
        await stream.start()
        empty = message_body(message_id, model_id, None, (None, None), None)
        out.append(("message_start", {"type": "message_start", "message": empty}))
        block = {"type": "text", "text": ""}
        out.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": 0, "content_block": block},
            )
        )
        out.append(("ping", {"type": "ping"}))

    async def fail(out: list[Named], body: dict[str, Any]) -> bool:
        await stream.send_named([*out, ("error", body)])
        await stream.end()
        return False

    try:
        while True:
            out: list[Named] = []
            for event in [await generation.next(), *generation.ready()]:
                if isinstance(event, Token):
                    if not stream.started:
                        await start(out)
                    delta = {"type": "text_delta", "text": event.text}
                    out.append(
                        (
                            "content_block_delta",
                            {"type": "content_block_delta", "index": 0, "delta": delta},
                        )
                    )
                elif isinstance(event, Error):
                    if generation.client_gone:
                        return False
                    error = anthropic_error(from_app_error(event.error))
                    if not stream.started:
                        raise error
                    return await fail(out, error.body())
                elif isinstance(event, Done):
                    if event.finish_reason == "cancelled":
                        if generation.client_gone:
                            return False
                        if not stream.started:
                            raise anthropic_error(shutdown_error())
                        return await fail(out, anthropic_error(shutdown_error()).body())
                    if not stream.started:
                        await start(out)
                    reason, sequence = stop_reason(job, event.finish_reason, event.stop_sequence)
                    out.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
                    out.append(
                        (
                            "message_delta",
                            {
                                "type": "message_delta",
                                "delta": {"stop_reason": reason, "stop_sequence": sequence},
                                "usage": usage(generation.stats),
                            },
                        )
                    )
                    out.append(("message_stop", {"type": "message_stop"}))
                    await stream.send_named(out)
                    await stream.end()
                    return request.chunked_ok
            if out:
                await stream.send_named(out)
    except ConnectionError:
        generation.client_gone = True
        generation.cancel()
        return False
