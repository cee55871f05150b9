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
from desktop_app.core.i18n import QT_TRANSLATE_NOOP

_POLL_S = 0.1  # how often a connect in progress looks at the abort flag
_CONNECTING = {
    0,
    errno.EINPROGRESS,
    errno.EWOULDBLOCK,
    errno.EAGAIN,
    10035,
}  # 10035: WSAEWOULDBLOCK
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# What went wrong, in words a person understands, with the host (issue 14: "Name or service not
# known" meant a DNS failure, shown 20 s later as a timeout). The GUI translates each part.
NO_SUCH_NAME = QT_TRANSLATE_NOOP(
    "Network",
    "Cannot find the server {host}: the name is not known (DNS lookup failed). "
    "Check the address and the network connection.",
)
NO_NAME_SERVICE = QT_TRANSLATE_NOOP(
    "Network",
    "Cannot find the server {host}: the name lookup failed (no DNS answer: is this computer "
    "offline?). Check the network connection.",
)
CANNOT_CONNECT = QT_TRANSLATE_NOOP("Network", "Cannot connect to {host}: {reason}.")
REFUSED = QT_TRANSLATE_NOOP(
    "Network", "the connection was refused (nothing accepts connections on port {port})"
)
CONNECT_TIMEOUT = QT_TRANSLATE_NOOP(
    "Network",
    "it did not answer within {seconds} s (the network may be down, or a firewall drops the "
    "connection)",
)
_REASONS = {
    "refused": QT_TRANSLATE_NOOP("Network", "the connection was refused"),
    "reset": QT_TRANSLATE_NOOP("Network", "the connection was reset"),
    "timeout": QT_TRANSLATE_NOOP("Network", "it timed out"),
    "net": QT_TRANSLATE_NOOP("Network", "the network is unreachable (is this computer online?)"),
    "host": QT_TRANSLATE_NOOP("Network", "the host is unreachable"),
    "no_tls": QT_TRANSLATE_NOOP(
        "Network",
        "the secure (TLS) connection failed: the server does not speak TLS there "
        "(is the address http:// rather than https://?)",
    ),
}
UNTRUSTED = QT_TRANSLATE_NOOP("Network", "its certificate is not trusted ({detail})")
TLS_FAILED = QT_TRANSLATE_NOOP("Network", "the secure (TLS) connection failed ({detail})")


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
        raise NetworkError(name_error(host, e), details=repr(e)) from None
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
                    raise TimeoutError(CONNECT_TIMEOUT.format(seconds=f"{timeouts.connect:g}"))
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
    if isinstance(last, ConnectionRefusedError) or getattr(last, "errno", 0) == errno.ECONNREFUSED:
        reason = REFUSED.format(port=port)
    elif isinstance(last, TimeoutError) and last.args and isinstance(last.args[0], str):
        reason = last.args[0]  # ours, with the seconds waited
    else:
        reason = describe(last) if last else "no address"
    raise NetworkError(CANNOT_CONNECT.format(host=host, reason=reason), details=repr(last))


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


def name_error(host: str, e: OSError) -> str:
    """A failed name lookup: the name does not exist, or no DNS server answered at all."""
    code = getattr(e, "errno", None)
    missing = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
    if code in missing:
        return NO_SUCH_NAME.format(host=host)
    return NO_NAME_SERVICE.format(host=host)


def describe(e: BaseException) -> str:
    """The reason of a failed connect, TLS handshake or read, as a phrase (translatable)."""
    if isinstance(e, ssl.SSLCertVerificationError):
        return UNTRUSTED.format(detail=e.verify_message or e.reason or "")
    if isinstance(e, ssl.SSLError):
        if e.reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE") or (
            "wrong version number" in str(e)
        ):
            return _REASONS["no_tls"]
        return TLS_FAILED.format(detail=e.reason or str(e) or type(e).__name__)
    if isinstance(e, ConnectionRefusedError):
        return _REASONS["refused"]
    if isinstance(e, ConnectionResetError):
        return _REASONS["reset"]
    if isinstance(e, TimeoutError):
        return _REASONS["timeout"]
    if isinstance(e, OSError) and e.errno == errno.ENETUNREACH:
        return _REASONS["net"]
    if isinstance(e, OSError) and e.errno == errno.EHOSTUNREACH:
        return _REASONS["host"]
    if isinstance(e, OSError) and e.strerror:
        return e.strerror.rstrip(".")
    return str(e) or type(e).__name__
