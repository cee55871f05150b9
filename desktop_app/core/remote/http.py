"""A small HTTP client for OpenAI-compatible servers: JSON calls and server-sent-event streams.

A thin layer over the app's one HTTP client (core/web_client.py): the same abort rule (a stream
must be cancellable from another thread at any moment, and `Call.abort()` shuts the socket down,
which wakes a reader blocked in `recv` at once, even during connect), proxies, User-Agent and
errors as the Hub downloader; this module only adds JSON bodies, SSE parsing and the remote wording.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from desktop_app import USER_AGENT
from desktop_app.core import web_client
from desktop_app.core.errors import AppError


class RemoteError(AppError):
    """The remote server could not be reached, refused the request, or answered nonsense."""

    kind = "remote"

    def __init__(self, message: str, *, status: int = 0, details: str = "") -> None:
        super().__init__(message, details=details)
        self.status = status

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_remote, (self.message, self.status, self.details))


def _rebuild_remote(message: str, status: int, details: str) -> RemoteError:
    return RemoteError(message, status=status, details=details)


class AbortedError(RemoteError):
    """The call was aborted by this side (a cancel)."""

    kind = "remote_aborted"


@dataclass(frozen=True)
class Endpoint:
    """Where the server is: `base_url` up to and including /v1, e.g. http://127.0.0.1:8080/v1."""

    base_url: str
    api_key: str | None = None
    timeout: float = 600.0  # per read: a long prompt on a slow server may take minutes
    connect_timeout: float = 10.0

    def parts(self) -> tuple[str, str, int, str]:
        url = urllib.parse.urlsplit(self.base_url.rstrip("/"))
        if url.scheme not in ("http", "https") or not url.hostname:
            raise RemoteError(f"Not an http(s) URL: {self.base_url!r}")
        port = url.port or (443 if url.scheme == "https" else 80)
        return url.scheme, url.hostname, port, url.path


class Call:
    """One request on its own connection. `abort()` from any thread ends it at once."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._abort = web_client.Abort()
        self._lock = threading.Lock()
        self._response: web_client.Response | None = None

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def abort(self) -> None:
        self._abort.set("cancel")  # shuts down the socket: a connect or a read ends at once

    def _open(self, method: str, path: str, body: Any | None) -> web_client.Response:
        scheme, host, port, base_path = self.endpoint.parts()
        if self.aborted:
            raise AbortedError("Cancelled.")
        headers = {"Accept": "application/json, text/event-stream", "User-Agent": USER_AGENT}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.endpoint.api_key:
            headers["Authorization"] = f"Bearer {self.endpoint.api_key}"
        where = f"{scheme}://{host}:{port}"
        url = f"{scheme}://{_netloc(host, port)}{base_path}{path}"
        timeouts = web_client.Timeouts(
            connect=self.endpoint.connect_timeout, read=self.endpoint.timeout
        )
        try:
            response = web_client.open_url(
                method, url, headers=headers, abort=self._abort, timeouts=timeouts, body=data
            )
        except web_client.Aborted:
            raise AbortedError("Cancelled.") from None
        except web_client.NetworkError as exc:
            raise self._or_aborted(_unreachable(exc, where)) from None
        with self._lock:
            self._response = response
        if response.status >= 400:
            try:
                raw = response.read(65536)
            except (web_client.NetworkError, web_client.Aborted):
                raw = b""
            self.close()
            raise _http_error(response.status, raw, where)
        return response

    def _or_aborted(self, error: RemoteError) -> RemoteError:
        return AbortedError("Cancelled.") if self.aborted else error

    def _broke(self, exc: web_client.NetworkError, during: str) -> RemoteError:
        return self._or_aborted(RemoteError(f"The connection broke{during}: {exc.details or exc}."))

    def json(self, method: str, path: str, body: Any | None = None) -> Any:
        response = self._open(method, path, body)
        try:
            raw = response.read()
        except web_client.Aborted:
            raise AbortedError("Cancelled.") from None
        except web_client.NetworkError as exc:
            raise self._broke(exc, "") from None
        finally:
            self.close()
        try:
            return json.loads(raw)
        except ValueError:
            raise RemoteError(
                "The server's answer is not JSON.", details=raw[:500].decode("utf-8", "replace")
            ) from None

    def stream(self, path: str, body: Any) -> Iterator[dict[str, Any]]:
        """The JSON objects of a server-sent-event stream, until `data: [DONE]` or the end."""
        response = self._open("POST", path, body)
        try:
            if "text/event-stream" not in (response.header("Content-Type") or ""):
                try:
                    raw = response.read()  # a server that ignores "stream": one JSON answer
                except web_client.Aborted:
                    raise AbortedError("Cancelled.") from None
                except web_client.NetworkError as exc:
                    raise self._broke(exc, " during the answer") from None
                try:
                    yield json.loads(raw)
                except ValueError:
                    raise RemoteError("The server's answer is not JSON.") from None
                return
            data: list[str] = []
            while True:
                try:
                    line = response.readline()
                except web_client.Aborted:
                    raise AbortedError("Cancelled.") from None
                except web_client.NetworkError as exc:
                    raise self._broke(exc, " during the answer") from None
                if self.aborted:
                    raise AbortedError("Cancelled.")
                if not line:
                    return  # the server closed the stream
                text = line.decode("utf-8").rstrip("\r\n")
                if text.startswith("data:"):
                    data.append(text[5:].lstrip())
                    continue
                if text or not data:
                    continue  # comments, event names, keep-alives
                payload, data = "\n".join(data), []
                if payload == "[DONE]":
                    return
                try:
                    yield json.loads(payload)
                except ValueError:
                    raise RemoteError(
                        "The server sent an event that is not JSON.", details=payload[:500]
                    ) from None
        finally:
            self.close()

    def close(self) -> None:
        with self._lock:
            response, self._response = self._response, None
        if response is not None:
            response.close()


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _unreachable(exc: web_client.NetworkError, where: str) -> RemoteError:
    """The remote backend's own wording over the shared client's errors (tests and people rely on it)."""
    text = f"{exc.details} {exc}".lower()
    if "timed out" in text or "did not answer" in text:
        return RemoteError(f"The server at {where} did not answer in time.", details=exc.details)
    if "refused" in text:
        return RemoteError(
            f"Cannot reach the server at {where}: connection refused.", details=exc.details
        )
    reason = str(exc).rstrip(".")
    return RemoteError(f"Cannot reach the server at {where}: {reason}.", details=exc.details)


def _http_error(status: int, raw: bytes, where: str) -> RemoteError:
    """OpenAI's error shape ({"error": {"message"}}) or llama.cpp's, else the body's start."""
    message = ""
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        body = json.loads(raw)
        error = body.get("error", body)
        message = (
            error.get("message") or error.get("detail") or ""
            if isinstance(error, dict)
            else str(error)
        )
        if not message and isinstance(body.get("detail"), str):
            message = body["detail"]
    message = message or raw[:300].decode("utf-8", "replace").strip()
    if status in (401, 403):
        text = f"The server at {where} refused the API key ({status})."
    elif status == 404:
        text = f"The server at {where} does not know this (404)."
    elif status in (429, 503):
        text = f"The server at {where} is busy ({status}); try again shortly."
    else:
        text = f"The server at {where} answered {status}."
    if message:
        text += f" It said: {message}"
    return RemoteError(text, status=status, details=raw[:2000].decode("utf-8", "replace"))
