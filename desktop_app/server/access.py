"""Who may use the server: a loopback bind or an API key, the key on every request, and (without
a key) only requests addressed to this machine."""

from __future__ import annotations

import hmac
import ipaddress
import socket

from desktop_app.server.errors import ApiError
from desktop_app.server.http11 import Request

__all__ = ["check_bind", "check_host", "check_key", "is_loopback"]


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, api_key: str | None) -> None:
    """Only this machine can reach a loopback address; anything else needs a key."""
    if not is_loopback(host) and not api_key:
        shown = host or "all interfaces"
        raise ValueError(
            f"Refusing to listen on {shown} without an API key: anyone who can reach this "
            "machine could use the model. Pass --api-key KEY (clients send it as "
            "'Authorization: Bearer KEY'), or listen on 127.0.0.1."
        )


def check_key(request: Request, key: str | None) -> None:
    """The server's key, sent as 'Authorization: Bearer KEY' (OpenAI's clients) or 'x-api-key:
    KEY' (Anthropic's), compared in constant time. Every key a request presents must match: a
    wrong one in either header is refused even when the other is right (no alias bypass)."""
    if not key:
        return
    presented: list[str] = []
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        presented.append(token.strip() if scheme.lower() == "bearer" else "")
    header_key = request.headers.get("x-api-key")
    if header_key is not None:
        presented.append(header_key.strip())
    if not any(presented):
        raise ApiError(
            401,
            "Missing API key: send 'Authorization: Bearer KEY' or 'x-api-key: KEY'.",
            code="invalid_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    matches = [hmac.compare_digest(p.encode(), key.encode()) for p in presented]
    if not all(matches):
        raise ApiError(
            401,
            "Incorrect API key provided.",
            code="invalid_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )


def check_host(request: Request, api_key: str | None) -> None:
    """Without a key, answer only requests addressed to localhost (defeats DNS rebinding)."""
    if api_key:
        return
    host = request.headers.get("host")
    if host is None:
        return
    name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
    if not is_loopback(name) and name.lower() != socket.gethostname().lower():
        raise ApiError(
            403,
            f"This server answers only requests addressed to localhost, not "
            f"{host!r}. Start it with --api-key to serve other names.",
            code="forbidden_host",
        )
