"""Which web pages may use the server: none by default, named origins with `--cors ORIGIN`.

A browser sends `Origin` with every cross-site request, and any page the user opens can aim one
at 127.0.0.1. Servers that reflect the Origin back (llama.cpp #25655, GPT4All #3681) let every
web page drive the local model. Here a request from a page whose origin was not named is refused
with 403 (its side effects never happen, whatever the browser would do with the answer), and a
named origin gets its own name back — never "*", never whatever was sent. Programs (curl, the
openai and anthropic clients) send no Origin and are not affected.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop_app.server.errors import ApiError
from desktop_app.server.http11 import Request

__all__ = ["check_origin", "normalize_origin", "preflight_headers"]

ALLOW_HEADERS = "Authorization, Content-Type, x-api-key, anthropic-version"
ALLOW_METHODS = "GET, POST, OPTIONS"
MAX_AGE_S = "600"


def normalize_origin(value: str) -> str:
    """`scheme://host[:port]`, lower-case, as browsers send it; ValueError for anything else."""
    text = value.strip()
    if text in ("*", "null"):
        raise ValueError(
            f"--cors {text!r} would let any web page use the model; name the page's origin, "
            "e.g. --cors http://localhost:3000"
        )
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"--cors needs an origin like http://localhost:3000, not {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"--cors takes an origin (scheme, host, port), not a URL: {value!r}")
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def check_origin(request: Request, allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    """The CORS headers for this request's answer; ApiError 403 for a page not allowed."""
    origin = request.headers.get("origin")
    if origin is None:
        return []
    try:
        named = normalize_origin(origin)
    except ValueError:
        named = origin.strip()
    if named not in allowed:
        raise ApiError(
            403,
            f"Requests from web pages at {origin[:200]} are refused. To let that page use this "
            f"server, start it with --cors {origin[:200]}.",
            "permission_error",
            code="origin_not_allowed",
        )
    return [("Access-Control-Allow-Origin", named), ("Vary", "Origin")]


def preflight_headers() -> list[tuple[str, str]]:
    """What a browser's OPTIONS preflight is told, for an allowed origin."""
    return [
        ("Access-Control-Allow-Methods", ALLOW_METHODS),
        ("Access-Control-Allow-Headers", ALLOW_HEADERS),
        ("Access-Control-Max-Age", MAX_AGE_S),
    ]
