"""Server-sent events over HTTP/1.1: `data: <json>` events, sent as chunks of a chunked body.

Chunked encoding keeps the connection reusable after the stream (OpenAI's clients pool
connections); an HTTP/1.0 client gets the events unchunked and the connection closes at the end.
A write to a client that has gone raises ConnectionError, which the caller turns into a cancel.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from desktop_app.server.http11 import response_head

DONE = "[DONE]"


def encode(payload: dict[str, Any] | str) -> bytes:
    """One event: a JSON object, or a literal such as [DONE]."""
    data = payload if isinstance(payload, str) else dumps(payload)
    return b"data: " + data.encode("utf-8") + b"\n\n"


def dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class EventStream:
    def __init__(self, writer: asyncio.StreamWriter, *, chunked: bool) -> None:
        self._writer = writer
        self._chunked = chunked
        self.started = False

    async def start(self, headers: dict[str, str] | None = None) -> None:
        head = [
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("X-Accel-Buffering", "no"),  # a reverse proxy must not hold tokens back
        ]
        head += list((headers or {}).items())
        head.append(("Transfer-Encoding", "chunked") if self._chunked else ("Connection", "close"))
        self._writer.write(response_head(200, head))
        self.started = True

    async def send(self, payloads: list[dict[str, Any] | str]) -> None:
        """Write events in one chunk and wait until the socket has taken them."""
        if self._writer.is_closing():
            raise ConnectionResetError("the client closed the connection")
        data = b"".join(encode(p) for p in payloads)
        if self._chunked:
            data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        self._writer.write(data)
        await self._writer.drain()

    async def end(self) -> None:
        """The end of the body (the zero-length chunk)."""
        if self._chunked:
            with contextlib.suppress(ConnectionError):
                self._writer.write(b"0\r\n\r\n")
                await self._writer.drain()
