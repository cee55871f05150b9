"""How `hearth serve` is set up: its options with their defaults and checks."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.errors import AppError
from desktop_app.server.access import check_bind
from desktop_app.server.cors import normalize_origin

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_QUEUE",
    "DEFAULT_PORT",
    "ServeConfig",
    "ServeError",
    "url_host",
]

DEFAULT_PORT = 8080
DEFAULT_MAX_QUEUE = 8
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024


class ServeError(AppError):
    kind = "serve"


@dataclass(frozen=True)
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    api_key: str | None = None
    max_queue: int = DEFAULT_MAX_QUEUE  # requests waiting for the engine (one more runs)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_connections: int = 0  # 0: max_queue + 32 (room for /health and idle keep-alive)
    idle_timeout_s: float = 60.0  # a kept-alive connection with no new request
    head_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    cors_origins: tuple[str, ...] = ()  # web pages allowed to call the API (cors.py); none
    embedding_model: str | None = None  # a GGUF for /v1/embeddings; None: the served model
    max_models: int = 1  # resident at once; a request naming another one swaps (model_pool.py)
    ttl_s: float | None = None  # unload a model idle this long; None: never
    warm_up: bool = True  # one short generation after the load, before "Serving" (see ApiServer)

    @property
    def connection_limit(self) -> int:
        return self.max_connections or self.max_queue + 32

    def validate(self) -> None:
        check_bind(self.host, self.api_key)
        for origin in self.cors_origins:
            if normalize_origin(origin) != origin:
                raise ValueError(f"--cors {origin!r}: write it as {normalize_origin(origin)}")
        if self.max_models < 1:
            raise ValueError("--max-models must be 1 or more")
        if self.ttl_s is not None and self.ttl_s <= 0:
            raise ValueError("--ttl must be more than 0 seconds")
        if self.max_queue < 0:
            raise ValueError("--max-queue must be 0 or more")
        if self.max_body_bytes < 1024:
            raise ValueError("--max-body-bytes must be at least 1024")
        if not 0 <= self.port <= 65535:
            raise ValueError("--port must be in 0..65535 (0: any free port)")


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
