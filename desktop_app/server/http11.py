"""Just enough HTTP/1.1 for the API server: read a request with hard limits, write a response.

Written on asyncio streams rather than http.server because the server needs what that module
does not give: a body limit checked before reading (Content-Length) and while reading (chunked
bodies), and a connection it can watch for the client going away while the engine works.
Every limit is enforced on bytes as they arrive, so no request can make the server buffer more
than `max_body_bytes` plus one header block.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import unquote

from desktop_app import APP_NAME
from desktop_app.server.errors import ApiError

MAX_LINE = 16 * 1024  # one request or header line (the StreamReader's limit)
MAX_HEADERS = 100
MAX_HEAD_BYTES = 64 * 1024
SERVER_NAME = APP_NAME
# headers every answer to the current request carries (CORS grants): set per request by the
# server, read by `response_head`, so no handler can forget them
EXTRA_HEADERS: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("extra_headers", default=())


@dataclass
class Request:
    method: str
    path: str
    query: str
    version: str
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return False  # no chunked responses for 1.0 clients: close ends the body instead
        return "close" not in connection

    @property
    def chunked_ok(self) -> bool:
        return self.version != "HTTP/1.0"


class ClientGone(Exception):
    """The connection closed (or went silent) before a whole request arrived."""


async def read_head(
    reader: asyncio.StreamReader, idle_timeout: float, head_timeout: float
) -> Request:
    """The request line and headers. Raises ClientGone on EOF or an idle timeout, ApiError on bad input."""
    try:
        line = await asyncio.wait_for(_first_line(reader), idle_timeout)
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        raise ClientGone() from None
    try:
        return await asyncio.wait_for(_rest_of_head(reader, line), head_timeout)
    except asyncio.TimeoutError:
        raise ApiError(408, "The request headers did not arrive in time.") from None
    except (asyncio.IncompleteReadError, ConnectionError):
        raise ClientGone() from None


async def _first_line(reader: asyncio.StreamReader) -> bytes:
    for _ in range(8):  # RFC 9112: tolerate stray empty lines before the request line
        line = await _line(reader)
        if line.strip():
            return line
    raise ApiError(400, "Expected a request line.")


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise ApiError(431, f"A request line or header is longer than {MAX_LINE} bytes.") from None
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise ApiError(400, "The request ended in the middle of its headers.") from None
        raise


async def _rest_of_head(reader: asyncio.StreamReader, first: bytes) -> Request:
    try:
        method, target, version = first.decode("latin-1").strip().split(" ")
    except ValueError:
        raise ApiError(400, "Malformed request line.") from None
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise ApiError(505, f"{version} is not supported; use HTTP/1.1.")
    path, _, query = target.partition("?")
    headers: dict[str, str] = {}
    total = len(first)
    for _ in range(MAX_HEADERS + 1):
        line = await _line(reader)
        total += len(line)
        if total > MAX_HEAD_BYTES:
            raise ApiError(431, f"The request headers are larger than {MAX_HEAD_BYTES} bytes.")
        text = line.decode("latin-1").rstrip("\r\n")
        if not text:
            return Request(method.upper(), unquote(path), query, version, headers)
        name, sep, value = text.partition(":")
        if not sep or not name or name != name.strip():
            raise ApiError(400, "Malformed header line.")
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    raise ApiError(431, f"More than {MAX_HEADERS} headers.")


async def read_body(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    request: Request,
    max_bytes: int,
    timeout: float,
) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `max_bytes`."""
    try:
        return await asyncio.wait_for(_body(reader, writer, request, max_bytes), timeout)
    except asyncio.TimeoutError:
        raise ApiError(408, "The request body did not arrive in time.") from None
    except (asyncio.IncompleteReadError, ConnectionError):
        raise ClientGone() from None


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(
        413,
        f"The request body is larger than this server's limit of {max_bytes} bytes "
        "(hearth serve --max-body-bytes).",
        code="request_too_large",
    )


async def _body(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: Request, max_bytes: int
) -> bytes:
    headers = request.headers
    coding = headers.get("transfer-encoding", "").lower()
    if coding:
        if "content-length" in headers:
            raise ApiError(400, "A request cannot have both Content-Length and Transfer-Encoding.")
        if coding.split(",")[-1].strip() != "chunked":
            raise ApiError(501, f"Transfer-Encoding {coding!r} is not supported.")
        await _continue(writer, headers)
        return await _chunked(reader, max_bytes)
    raw = headers.get("content-length")
    if raw is None:
        return b""
    values = {v.strip() for v in raw.split(",")}
    if len(values) != 1 or not next(iter(values)).isdigit():
        raise ApiError(400, f"Invalid Content-Length: {raw!r}.")
    length = int(next(iter(values)))
    if length > max_bytes:
        raise _too_large(max_bytes)  # before reading a byte of it
    if length == 0:
        return b""
    await _continue(writer, headers)
    return await reader.readexactly(length)


async def _continue(writer: asyncio.StreamWriter, headers: dict[str, str]) -> None:
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()


async def _chunked(reader: asyncio.StreamReader, max_bytes: int) -> bytes:
    body = bytearray()
    while True:
        line = await _line(reader)
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ApiError(400, "Malformed chunk size in a chunked body.") from None
        if size < 0:
            raise ApiError(400, "Malformed chunk size in a chunked body.")
        if size == 0:
            break
        if len(body) + size > max_bytes:
            raise _too_large(max_bytes)
        body += await reader.readexactly(size)
        if (await reader.readexactly(2)) != b"\r\n":
            raise ApiError(400, "A chunk does not end with CRLF.")
    for _ in range(MAX_HEADERS + 1):  # trailers, ignored
        if not (await _line(reader)).strip():
            return bytes(body)
    raise ApiError(431, "Too many trailer lines.")


def response_head(status: int, headers: list[tuple[str, str]]) -> bytes:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", f"Server: {SERVER_NAME}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += [f"{name}: {value}" for name, value in EXTRA_HEADERS.get()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def send(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    *,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
    keep_alive: bool = True,
) -> None:
    head = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    head += list((headers or {}).items())
    if not keep_alive:
        head.append(("Connection", "close"))
    writer.write(response_head(status, head) + body)
    await writer.drain()


async def linger_close(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, limit: int = 8 << 20
) -> None:
    """Close after an early answer (413, 401) without losing it to a TCP reset.

    Closing with unread input makes the kernel send RST, which can destroy the answer before
    the client reads it; so stop writing, discard what the client still sends (bounded in bytes
    and time), then close.
    """
    with contextlib.suppress(Exception):
        if writer.can_write_eof():
            writer.write_eof()

        async def discard() -> None:
            left = limit
            while left > 0:
                data = await reader.read(min(left, 65536))
                if not data:
                    return
                left -= len(data)

        await asyncio.wait_for(discard(), 2.0)
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
