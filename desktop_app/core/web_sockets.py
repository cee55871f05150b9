"""Sockets for the app's HTTP client (web_client.py): the abort switch, errors, connect, TLS, proxies.

Split from web_client.py by job: this part knows sockets, not HTTP, so it imports no HTTP parser
(web_client stays the only module that imports it). Import these names from web_client.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import select
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from desktop_app.core.errors import AppError

_POLL_S = 0.1  # how often a connect in progress looks at the abort flag
_CONNECTING = {
    0,
    errno.EINPROGRESS,
    errno.EWOULDBLOCK,
    errno.EAGAIN,
    10035,
}  # 10035: WSAEWOULDBLOCK
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class OfflineError(AppError):
    """Offline mode is on: raised before any socket is opened."""

    kind = "offline"


class NetworkError(AppError):
    """A transient failure (refused, reset, timed out, 5xx, 429): worth retrying."""

    kind = "network"


class Aborted(Exception):
    """The transfer was stopped on purpose (pause or cancel); `Abort.reason` says which."""


class Abort:
    """A stop switch shared by a worker and whoever stops it.

    `set()` wakes every `sleep`, makes the next `check` raise, and shuts down every socket the
    worker has open, which ends a blocked connect, TLS handshake or read at once.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self.reason = ""

    def set(self, reason: str = "") -> None:
        with self._lock:
            if not self._event.is_set():
                self.reason = reason
            self._event.set()
            socks = list(self._socks)
        for sock in socks:
            _shutdown(sock)

    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Aborted(self.reason)

    def sleep(self, seconds: float) -> None:
        """Wait `seconds`, or raise `Aborted` as soon as the switch is set."""
        if self._event.wait(max(0.0, seconds)):
            raise Aborted(self.reason)

    @contextlib.contextmanager
    def watching(self, sock: socket.socket) -> Iterator[None]:
        with self._lock:
            self._socks.add(sock)
            already = self._event.is_set()
        if already:
            _shutdown(sock)
        try:
            yield
        finally:
            with self._lock:
                self._socks.discard(sock)


def _shutdown(sock: socket.socket) -> None:
    # The plain socket method, also on an SSLSocket: SSLSocket.shutdown would drop its TLS state
    # under the feet of the thread reading from it.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, and for the next bytes of an answer (a stall)."""

    connect: float = 15.0
    read: float = 30.0


DEFAULT_TIMEOUTS = Timeouts()


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port: what "same site" means for credentials."""
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


@contextlib.contextmanager
def connected(host: str, port: int, timeouts: Timeouts, abort: Abort) -> Iterator[socket.socket]:
    """A connected socket (read timeout set) that `abort.set()` shuts down; closed on exit."""
    sock = _connect(host, port, timeouts, abort)
    try:
        with abort.watching(sock):
            yield sock
    finally:
        sock.close()


def _connect(host: str, port: int, timeouts: Timeouts, abort: Abort) -> socket.socket:
    """Non-blocking connect, polled so that an abort ends even a connect to a silent address."""
    abort.check()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        abort.check()
        raise NetworkError(
            f"Cannot find the server {host}: {describe(e)}. Check the network connection.",
            details=repr(e),
        ) from None
    deadline = time.monotonic() + timeouts.connect
    last: OSError | None = None
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            code = sock.connect_ex(address)
            if code not in _CONNECTING:
                raise OSError(code, os.strerror(code))
            while True:
                abort.check()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"no connection to {host}:{port} within {timeouts.connect:g} s"
                    )
                _, writable, failed = select.select([], [sock], [sock], min(_POLL_S, left))
                if writable or failed:
                    break
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                raise OSError(code, os.strerror(code))
            sock.setblocking(True)
            sock.settimeout(timeouts.read)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        except Aborted:
            sock.close()
            raise
        except OSError as e:
            sock.close()
            last = e
    raise NetworkError(
        f"Cannot connect to {host}: {describe(last) if last else 'no address'}.",
        details=repr(last),
    )


def wrap_tls(
    sock: socket.socket, host: str, abort: Abort, stack: contextlib.ExitStack
) -> socket.socket:
    tls = _ssl_context().wrap_socket(sock, server_hostname=host)  # handshake: read timeout applies
    stack.callback(tls.close)
    stack.enter_context(abort.watching(tls))
    return tls


_SSL: ssl.SSLContext | None = None
_SSL_LOCK = threading.Lock()


def _ssl_context() -> ssl.SSLContext:
    """The system's trust store where `truststore` is installed (it is, with huggingface_hub)."""
    global _SSL
    with _SSL_LOCK:
        if _SSL is None:
            try:
                import truststore

                _SSL = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            except Exception:
                _SSL = ssl.create_default_context()
        return _SSL


def proxy_for(scheme: str, host: str) -> tuple[str, int, str | None] | None:
    """The proxy the system (or HTTPS_PROXY/HTTP_PROXY) sets for this host, honouring no_proxy."""
    if host in _LOOPBACK:
        return None
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    if "://" not in proxy:
        proxy = f"http://{proxy}"
    parts = urlsplit(proxy)
    if not parts.hostname:
        return None
    auth = None
    if parts.username is not None:
        user_pass = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        auth = "Basic " + base64.b64encode(user_pass.encode()).decode("ascii")
    return parts.hostname, parts.port or 8080, auth


def describe(e: BaseException) -> str:
    if isinstance(e, ssl.SSLCertVerificationError):
        return f"its certificate is not trusted ({e.verify_message})"
    if isinstance(e, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(e, ConnectionResetError):
        return "the connection was reset"
    if isinstance(e, TimeoutError):
        return "it timed out"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror.rstrip(".")
    return str(e) or type(e).__name__
