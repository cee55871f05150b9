"""How a generation becomes an HTTP answer: one JSON body, or a stream of server-sent events.

Both read the generation's events as they come and turn an engine error, a cancel by the
client or the server stopping into the answer a client expects at that point. An answer with
tools is read for its calls (tool_calls.py) as it comes; a JSON answer is checked against its
schema at the end: a strict schema it misses is an error, otherwise the answer says what missed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from desktop_app.core.engine.events import Done, Error, Token, TokenLogprob
from desktop_app.server import http11, sse
from desktop_app.server.errors import ApiError, from_app_error
from desktop_app.server.generation import Generation
from desktop_app.server.http11 import Request
from desktop_app.server.openai_schema import Job, Shaper
from desktop_app.server.tool_calls import (
    CallReader,
    answer_problem,
    call_json,
    call_problem,
    delta_json,
    read_whole,
)

__all__ = ["answer_stream", "answer_whole", "json_body", "shutdown_error"]


def json_body(payload: Any) -> bytes:
    """A JSON response body, encoded as the event stream encodes its events."""
    return sse.dumps(payload).encode("utf-8")


def shutdown_error() -> ApiError:
    """A request stopped because the server is stopping."""
    return ApiError(
        503,
        "The server is shutting down; the request was stopped.",
        "server_error",
        code="server_shutting_down",
    )


async def answer_whole(
    job: Job, model_id: str, request: Request, writer: asyncio.StreamWriter, generation: Generation
) -> bool:
    """The whole answer as one JSON body; False when the connection is not worth keeping."""
    items: list[TokenLogprob] | None = [] if job.logprobs else None
    while True:
        event = await generation.next()
        if isinstance(event, TokenLogprob) and items is not None:
            items.append(event)
        elif isinstance(event, Error):
            if generation.client_gone:
                return False
            raise from_app_error(event.error)
        elif isinstance(event, Done):
            break
    if event.finish_reason == "cancelled":
        if generation.client_gone:
            return False
        raise shutdown_error()
    shaper = Shaper(job.kind, model_id)
    finish, stats = event.finish_reason, generation.stats
    if _tools(job):
        content, calls, problem = read_whole(event.text)
        problem = problem or call_problem(calls, job.structured)
        finish = "tool_calls" if calls and finish == "stop" else finish
        shown = [call_json(c) for c in calls]
        payload = shaper.answer(content, finish, stats, items, calls=shown, note=problem)
    else:
        problem = _json_problem(job, event.text, finish)
        payload = shaper.answer(event.text, finish, stats, items, note=problem)
    await http11.send(writer, 200, json_body(payload), keep_alive=request.keep_alive)
    return True


def _tools(job: Job) -> bool:
    output = job.structured.output
    return output is not None and output.kind == "tools"


def _json_problem(job: Job, text: str, finish: str) -> str | None:
    """What in a JSON answer misses its schema; ApiError when a strict schema is missed."""
    problem = answer_problem(text, job.structured)
    if problem and job.structured.strict and finish == "stop":
        raise schema_mismatch(problem, text)
    return problem


def schema_mismatch(problem: str, text: str) -> ApiError:
    shown = text if len(text) <= 2000 else text[:2000] + "…"
    return ApiError(
        500,
        f"The model's answer does not match the strict schema: {problem}. The answer: {shown}",
        "server_error",
        code="schema_mismatch",
    )


async def answer_stream(
    job: Job, model_id: str, request: Request, writer: asyncio.StreamWriter, generation: Generation
) -> bool:
    """The answer as server-sent events. Headers wait for the first token, so an error before it
    is a plain HTTP error."""
    stream = sse.EventStream(writer, chunked=request.chunked_ok)
    shaper = Shaper(job.kind, model_id)
    pending: list[TokenLogprob] = []
    chat = job.kind == "chat"
    reader = CallReader() if _tools(job) else None

    def take() -> list[TokenLogprob] | None:
        if not job.logprobs:
            return None
        items = pending[:]
        pending.clear()
        return items

    async def start(out: list[dict[str, Any] | str]) -> None:
        await stream.start()
        if chat:
            out.append(shaper.chunk("", None if not job.logprobs else [], first=True))

    try:
        while True:
            out: list[dict[str, Any] | str] = []
            for event in [await generation.next(), *generation.ready()]:
                if isinstance(event, TokenLogprob):
                    pending.append(event)
                elif isinstance(event, Token):
                    if not stream.started:
                        await start(out)
                    if reader is None:
                        out.append(shaper.chunk(event.text, take()))
                    else:
                        out += _call_chunks(shaper, reader, reader.feed(event.text), take)
                elif isinstance(event, Error):
                    if generation.client_gone:
                        return False
                    if not stream.started:
                        raise from_app_error(event.error)
                    out.append(from_app_error(event.error).body())
                    await stream.send(out)
                    await stream.end()
                    return False
                elif isinstance(event, Done):
                    if event.finish_reason == "cancelled":
                        if generation.client_gone:
                            return False
                        if not stream.started:
                            raise shutdown_error()
                        await stream.send([*out, shutdown_error().body()])
                        await stream.end()
                        return False
                    if not stream.started:
                        await start(out)
                    finish, note = event.finish_reason, None
                    if reader is not None:
                        rest, note = reader.finish()
                        out += _call_chunks(shaper, reader, rest, take)
                        note = note or call_problem(reader.calls, job.structured)
                        finish = "tool_calls" if reader.calls and finish == "stop" else finish
                    else:
                        try:
                            note = _json_problem(job, event.text, finish)
                        except ApiError as exc:  # the tokens are sent: the error ends the stream
                            await stream.send([*out, exc.body()])
                            await stream.end()
                            return False
                    out.append(shaper.chunk(None if chat else "", take(), finish, note=note))
                    if job.include_usage:
                        out.append(shaper.usage_chunk(generation.stats))
                    out.append(sse.DONE)
                    await stream.send(out)
                    await stream.end()
                    return request.chunked_ok
            if out:
                await stream.send(out)
    except ConnectionError:
        generation.client_gone = True
        generation.cancel()
        return False


def _call_chunks(
    shaper: Shaper, reader: CallReader, deltas: list[Any], take: Any
) -> list[dict[str, Any] | str]:
    """Stream chunks for what the call reader made of the text: content or tool-call deltas.
    Logprobs wait in `take` until a chunk carries them."""
    out: list[dict[str, Any] | str] = []
    for delta in deltas:
        if delta.content:
            out.append(shaper.chunk(delta.content, take()))
        elif delta.call is not None or delta.arguments:
            index = reader.calls[-1].index
            out.append(shaper.chunk(None, take(), tool_calls=[delta_json(delta, index)]))
    return out
