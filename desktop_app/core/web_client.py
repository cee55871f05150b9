"""The one HTTP(S) client of the app: every wait can be interrupted, and offline means no socket.

One module (the only importer of `http.client` in desktop_app/) for the Hub client, the downloader,
the package-index fetch and the remote backend, so that they share one set of errors, one abort
rule (during connect, TLS and reads), proxy support, the offline guard and the User-Agent. It sits
directly under core/ because models/ and remote/ are sibling layers that must not import each other,
and is called web_client so that `grep http.client` finds only the one real importer.

Why not httpx/requests (or huggingface_hub's shared session): cancel within a second needs the
socket itself, because shutting a socket down wakes a read blocked on it on every OS, where a
"please stop" flag would wait for the next byte of a server that stopped answering; a read timeout
must end one attempt (and be retried), not poison a shared client; and offline mode must hold
before any name lookup or connect. `http.client` does the HTTP/1.1 parsing.

    abort = Abort()                    # another thread may call abort.set() at any time
    with open_url("GET", url, headers={"Range": "bytes=100-"}, abort=abort) as resp:
        n = resp.read_into(buffer)     # 0 at the end of the body

`open_url` raises `OfflineError` (offline), `NetworkError` (refused, reset, timed out: retry it)
or `Aborted` (someone called `abort.set()`). HTTP error statuses are returned, not raised: the
caller knows what a 302, 206, 401 or 416 means for it. Redirects are followed only when asked,
and the Authorization header never leaves the origin it was given for.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
from collections.abc import Mapping
from types import TracebackType
from urllib.parse import urljoin, urlsplit

from desktop_app import USER_AGENT as APP_USER_AGENT
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.web_sockets import (
    DEFAULT_TIMEOUTS,
    Abort,
    Aborted,
    NetworkError,
    OfflineError,
    Timeouts,
    connected,
    describe,
    origin,
    proxy_for,
    wrap_tls,
)

__all__ = [
    "DEFAULT_TIMEOUTS",
    "Abort",
    "Aborted",
    "NetworkError",
    "OfflineError",
    "Response",
    "Timeouts",
    "open_url",
    "origin",
]

USER_AGENT = APP_USER_AGENT
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 6


class Response:
    """One HTTP response. The body is read with `read_into`; close it (or use `with`)."""

    def __init__(
        self,
        url: str,
        raw: http.client.HTTPResponse,
        sock: socket.socket,
        abort: Abort,
        release: contextlib.ExitStack,
        redirects: list[tuple[int, http.client.HTTPMessage, str]],
    ) -> None:
        self.url = url
        self.status = raw.status
        self.reason = raw.reason
        self.headers: http.client.HTTPMessage = raw.headers
        self.redirects = redirects  # (status, headers, url) of each hop followed to get here
        self._raw = raw
        self._sock = sock
        self._abort = abort
        self._release = release
        self._length = raw.length  # None when the body is chunked or ends with the connection
        self._received = 0

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def received(self) -> int:
        return self._received

    def read_into(self, buf: memoryview) -> int:
        """Read what has arrived (at most `len(buf)` bytes) into `buf`; 0 at the end of the body.

        A body cut short, a stall longer than the read timeout or a reset raise `NetworkError`;
        `Abort.set()` makes it raise `Aborted`.
        """
        self._abort.check()
        if self._length is not None:
            left = self._length - self._received
            if left <= 0:
                return 0
            view = buf[: min(len(buf), left)]
        else:
            view = buf
        try:
            if self._length is not None and self._raw.fp is not None and not self._raw.chunked:
                got = self._raw.fp.readinto1(view)  # one recv, straight into the caller's buffer
            else:
                data = self._raw.read1(len(view))
                got = len(data)
                view[:got] = data
        except (OSError, http.client.HTTPException, ValueError) as e:
            raise self._failed(e) from None
        if got == 0:
            self._abort.check()
            if self._length is not None:
                raise NetworkError(
                    f"The connection closed after {self._received} of {self._length} bytes.",
                    details=self.url,
                )
        self._received += got
        return got

    def read(self, limit: int = -1) -> bytes:
        """The rest of the body (at most `limit` bytes when given), for JSON answers and errors."""
        out = bytearray()
        buf = bytearray(65536)
        view = memoryview(buf)
        while limit < 0 or len(out) < limit:
            want = len(buf) if limit < 0 else min(len(buf), limit - len(out))
            got = self.read_into(view[:want])
            if got == 0:
                break
            out += view[:got]
        return bytes(out)

    def readline(self) -> bytes:
        """One line of the body, with its line end; b"" at the end (server-sent events)."""
        self._abort.check()
        try:
            line = self._raw.readline()
        except (OSError, http.client.HTTPException, ValueError) as e:
            raise self._failed(e) from None
        if not line:
            self._abort.check()
        self._received += len(line)
        return line

    def _failed(self, e: Exception) -> NetworkError:
        """What a failed read means: an abort (raised here), a stall, or a broken connection."""
        self._abort.check()
        if isinstance(e, TimeoutError):
            return NetworkError(
                QT_TRANSLATE_NOOP("Network", "The server stopped sending data."),
                details=f"{self.url}: read timed out",
            )
        return NetworkError(
            QT_TRANSLATE_NOOP(
                "Network", "The connection broke during the transfer: {reason}."
            ).format(reason=describe(e)),
            details=f"{self.url}: {e!r}",
        )

    def close(self) -> None:
        self._release.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_url(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    abort: Abort | None = None,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    offline: bool = False,
    follow_redirects: bool = False,
    body: bytes | None = None,
) -> Response:
    """Send one request (following redirects if asked) and return the response with its headers read.

    Raises `OfflineError` before anything else when `offline` is true.
    """
    if offline:
        raise OfflineError(
            "Offline mode is on: nothing is downloaded. Turn it off in Settings to use the Hub."
        )
    abort = abort or Abort()
    sent = dict(headers or {})
    redirects: list[tuple[int, http.client.HTTPMessage, str]] = []
    for _ in range(_MAX_REDIRECTS + 1):
        resp = _request_once(method, url, sent, abort, timeouts, redirects, body)
        if not follow_redirects or resp.status not in _REDIRECTS:
            return resp
        location = resp.header("Location")
        if not location:
            return resp
        resp.close()
        target = urljoin(url, location)
        if origin(target) != origin(url):
            sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
        if resp.status == 303:
            method, body = "GET", None
        redirects.append((resp.status, resp.headers, url))
        url = target
    raise NetworkError("Too many redirects.", details=url)


def _request_once(
    method: str,
    url: str,
    headers: dict[str, str],
    abort: Abort,
    timeouts: Timeouts,
    redirects: list[tuple[int, http.client.HTTPMessage, str]],
    body: bytes | None = None,
) -> Response:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NetworkError(f"Not a web address: {url}", details=url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = proxy_for(parts.scheme, host)
    stack = contextlib.ExitStack()
    try:
        if proxy is None:
            sock = stack.enter_context(connected(host, port, timeouts, abort))
        else:
            p_host, p_port, p_auth = proxy
            sock = stack.enter_context(connected(p_host, p_port, timeouts, abort))
            if parts.scheme == "https":
                _tunnel(sock, host, port, p_auth, abort)
            else:
                target = url
                if p_auth:
                    headers = {**headers, "Proxy-Authorization": p_auth}
        if parts.scheme == "https":
            sock = wrap_tls(sock, host, abort, stack)
        conn = http.client.HTTPConnection(host, port, timeout=timeouts.read)
        conn.sock = sock  # already connected: http.client never opens a socket of its own here
        default_port = 443 if parts.scheme == "https" else 80
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if port == default_port else f"{host}:{port}")
        sent_names = {k.lower() for k in headers}
        if "user-agent" not in sent_names:
            conn.putheader("User-Agent", USER_AGENT)
        if "accept-encoding" not in sent_names:
            conn.putheader("Accept-Encoding", "identity")  # sizes and Range refer to the real bytes
        if body is not None and "content-length" not in sent_names:
            conn.putheader("Content-Length", str(len(body)))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        raw = conn.getresponse()
        stack.callback(raw.close)
        return Response(url, raw, sock, abort, stack, redirects)
    except Aborted:
        stack.close()
        raise
    except TimeoutError:
        stack.close()
        abort.check()
        raise NetworkError(
            QT_TRANSLATE_NOOP("Network", "{host} did not answer within {seconds} s.").format(
                host=host, seconds=f"{timeouts.read:g}"
            ),
            details=f"{method} {url}",
        ) from None
    except (OSError, http.client.HTTPException, ssl.SSLError) as e:
        stack.close()
        abort.check()
        raise NetworkError(
            QT_TRANSLATE_NOOP("Network", "Cannot reach {host}: {reason}.").format(
                host=host, reason=describe(e)
            ),
            details=f"{method} {url}: {e!r}",
        ) from None
    except BaseException:
        stack.close()
        raise


def _tunnel(sock: socket.socket, host: str, port: int, auth: str | None, abort: Abort) -> None:
    lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}"]
    if auth:
        lines.append(f"Proxy-Authorization: {auth}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    answer = http.client.HTTPResponse(sock, method="CONNECT")
    answer.begin()
    abort.check()
    if answer.status != 200:
        raise NetworkError(
            f"The proxy refused the connection to {host}: {answer.status} {answer.reason}.",
            details=f"CONNECT {host}:{port}",
        )
