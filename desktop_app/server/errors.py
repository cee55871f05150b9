"""Errors as OpenAI's API returns them: an HTTP status and {"error": {message, type, param, code}}.

OpenAI's client libraries raise by status (400 BadRequestError, 401 AuthenticationError, 404
NotFoundError, 429 RateLimitError…) and show `message`, so every refusal says what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import AppError


@dataclass
class ApiError(Exception):
    status: int
    message: str
    type: str = "invalid_request_error"
    param: str | None = None
    code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, "invalid_request_error", param, code)


def from_app_error(error: AppError) -> ApiError:
    """An engine failure as an API error: the engine's message, and a status that fits it."""
    kind = error.kind
    if kind == "prompt_too_long":
        return ApiError(
            400, error.message, "invalid_request_error", "messages", "context_length_exceeded"
        )
    if kind == "invalid_schema":  # a schema or tool that cannot become a grammar (grammar.py)
        return ApiError(400, error.message, "invalid_request_error", None, "invalid_schema")
    if kind == "no_model":
        return ApiError(503, error.message, "server_error", None, "model_not_loaded")
    if kind == "engine_crashed":
        return ApiError(500, error.message, "server_error", None, "engine_crashed")
    if kind == "cancelled":
        return ApiError(503, error.message, "server_error", None, "cancelled")
    return ApiError(500, error.message, "server_error", None, kind)
