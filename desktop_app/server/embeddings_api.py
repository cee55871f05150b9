"""OpenAI's embeddings shapes: `POST /v1/embeddings`.

    {"input": str | [str] | [int] | [[int]], "model"?, "encoding_format"?: "float" | "base64",
     "dimensions"?: int}
    -> {"object": "list", "data": [{"object": "embedding", "index", "embedding"}], "model",
        "usage": {"prompt_tokens", "total_tokens"}}

`base64` is the vector's little-endian float32 bytes (what OpenAI's Python client asks for by
default, and decodes with numpy). `dimensions` is accepted only as the model's own width: this
server does not shorten vectors. Bad input is a 400 naming `input`.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.engine.embeddings import Embeddings, EmbedInput
from desktop_app.server.errors import ApiError, bad_request

__all__ = ["EmbeddingJob", "embeddings_body", "input_errors", "parse_embeddings"]

MAX_INPUTS = 2048  # OpenAI's limit on inputs per request
MAX_INPUT_CHARS = 200_000


@dataclass(frozen=True)
class EmbeddingJob:
    inputs: tuple[EmbedInput, ...]
    model: str | None
    encoding_format: str = "float"
    dimensions: int | None = None


def parse_embeddings(body: Any, n_vocab: int = 0) -> EmbeddingJob:
    """Validate the request; token ids are checked against `n_vocab` (0: by the engine)."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise bad_request("model must be a string.", "model")
    inputs = _inputs(body.get("input"), n_vocab)
    fmt = body.get("encoding_format")
    if fmt is None:
        fmt = "float"
    if fmt not in ("float", "base64"):
        raise bad_request(
            f"encoding_format must be 'float' or 'base64', not {fmt!r}.", "encoding_format"
        )
    dimensions = body.get("dimensions")
    if dimensions is not None and (
        isinstance(dimensions, bool) or not isinstance(dimensions, int) or dimensions < 1
    ):
        raise bad_request("dimensions must be a positive integer.", "dimensions")
    return EmbeddingJob(inputs, model, fmt, dimensions)


def _inputs(value: Any, n_vocab: int) -> tuple[EmbedInput, ...]:
    if value is None:
        raise bad_request(
            "input is required: a text, a list of texts, or token ids (a list of integers, or "
            "a list of such lists).",
            "input",
        )
    if isinstance(value, str):
        items: list[Any] = [value]
    elif isinstance(value, list) and value and all(_is_id(v) for v in value):
        items = [value]  # one input given as token ids
    elif isinstance(value, list) and value:
        items = value
    else:
        raise bad_request("input must be a text, a non-empty list of texts, or token ids.", "input")
    if len(items) > MAX_INPUTS:
        raise bad_request(
            f"input has {len(items):,} items; at most {MAX_INPUTS} per request.", "input"
        )
    out: list[EmbedInput] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            if not item:
                raise bad_request(f"input[{i}] is empty: send some text.", "input")
            if len(item) > MAX_INPUT_CHARS:
                raise bad_request(
                    f"input[{i}] is {len(item):,} characters; at most {MAX_INPUT_CHARS:,}.", "input"
                )
            out.append(item)
        elif isinstance(item, list) and item and all(_is_id(v) for v in item):
            for token in item:
                if token < 0 or (n_vocab and token >= n_vocab):
                    top = f" to {n_vocab - 1}" if n_vocab else " up"
                    raise bad_request(
                        f"input[{i}] holds {token}, which is not in the vocabulary (ids run "
                        f"from 0{top}).",
                        "input",
                    )
            out.append(tuple(item))
        else:
            raise bad_request(
                f"input[{i}] must be a non-empty text or a non-empty list of token ids.", "input"
            )
    return tuple(out)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_dimensions(job: EmbeddingJob, n_embd: int) -> None:
    if job.dimensions is not None and job.dimensions != n_embd:
        raise ApiError(
            400,
            f"dimensions must be this model's width, {n_embd}: vectors are not shortened here.",
            param="dimensions",
        )


async def input_errors(call: Awaitable[Embeddings]) -> Embeddings:
    """The engine's answer; an input it could not embed (too long, no tokens, an id outside
    the vocabulary) is a 400 naming `input`."""
    try:
        return await call
    except ApiError as exc:
        if exc.code in ("context_length_exceeded", "invalid_input"):
            raise ApiError(400, exc.message, param="input", code=exc.code) from None
        raise


def embeddings_body(job: EmbeddingJob, result: Embeddings, model_id: str) -> dict[str, Any]:
    check_dimensions(job, result.n_embd)
    data = [
        {"object": "embedding", "index": i, "embedding": _encode(vector, job.encoding_format)}
        for i, vector in enumerate(result.vectors)
    ]
    return {
        "object": "list",
        "data": data,
        "model": model_id,
        "usage": {"prompt_tokens": result.n_tokens, "total_tokens": result.n_tokens},
    }


def _encode(vector: list[float], fmt: str) -> list[float] | str:
    if fmt == "float":
        return vector
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
