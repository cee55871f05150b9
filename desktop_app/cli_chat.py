"""`hearth run` and `hearth chat`: one answer, or a chat, streamed to the terminal.

Ctrl+C while an answer streams stops that answer (what was written stays); in `chat` it does not
end the chat. An engine that crashes is restarted with the same model.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from desktop_app.cli_common import (
    EXIT_INTERRUPTED,
    add_engine_options,
    add_sampling_options,
    check_text,
    open_engine,
    read_prompt,
    sampling_from,
)
from desktop_app.cli_output import err, note
from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.events import Done, Error, Stats, Token, Warning_
from desktop_app.core.engine.handle import RequestHandle
from desktop_app.core.engine.params import ChatRequest, Message
from desktop_app.core.errors import AppError, CancelledError
from desktop_app.core.storage.settings import Settings


def add_parsers(sub: Any) -> None:
    """Add the `run` and `chat` commands."""
    p = sub.add_parser("run", help="stream one answer to the terminal")
    p.add_argument(
        "model",
        metavar="MODEL",
        nargs="?",
        help="a .gguf path, a name in the models folder, or 'starter' (default: the default "
        "model; ignored with --remote)",
    )
    p.add_argument("prompt", metavar="PROMPT", help="the prompt ('-' reads it from standard input)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the answer")
    add_engine_options(p)
    add_sampling_options(p)

    p = sub.add_parser("chat", help="chat in the terminal")
    p.add_argument("model", metavar="MODEL", nargs="?", help="as for run")
    add_engine_options(p)
    add_sampling_options(p)


def stream(handle: RequestHandle, *, show_stats: bool) -> Done | None:
    """Print tokens as they come. Ctrl+C cancels the generation and keeps what was written.

    While streaming, Ctrl+C is a signal handler that asks for the cancel, not a KeyboardInterrupt:
    one raised in the middle of printing a token would escape and end the whole chat.
    """
    done: Done | None = None
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda _sig, _frame: handle.cancel())
    try:
        while done is None:
            done = print_event(handle.next_event(), show_stats)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if done is not None and not done.text.endswith("\n"):
        sys.stdout.write("\n")
        sys.stdout.flush()
    return done


def print_event(event: object, show_stats: bool) -> Done | None:
    """Show one streamed event; the Done that ends the stream, else None."""
    if isinstance(event, Token):
        sys.stdout.write(event.text)
        sys.stdout.flush()
    elif isinstance(event, Warning_):
        note(f"warning: {event.message}")
    elif isinstance(event, Stats) and show_stats:
        note(
            f"\n[{event.completion_tokens} tokens, {event.gen_tps:.1f} tok/s, "
            f"first token {event.ttft_s * 1000:.0f} ms, prompt {event.prompt_tokens} tokens "
            f"at {event.prompt_tps:.0f} tok/s, seed {event.seed}]"
        )
    elif isinstance(event, Done):
        if event.finish_reason == "cancelled":
            note("\n[stopped]")
        return event
    elif isinstance(event, Error):
        if isinstance(event.error, CancelledError):  # the cancel ended the engine process
            note(f"\n[{event.error}]")
            return Done("cancelled", "")
        raise event.error
    return None


# Ctrl+C in `run` ends the command: a step that does not check the cancel is not waited for
RUN_CANCEL_GRACE_S = 0.5


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    sampling = sampling_from(args, settings)
    prompt = read_prompt(args.prompt)
    if args.system:
        check_text(args.system, "the system prompt")
    engine, _ = open_engine(args, settings, args.quiet)
    if isinstance(engine, EngineClient):
        engine.cancel_grace_s = RUN_CANCEL_GRACE_S
    try:
        messages: list[Message] = []
        if args.system:
            messages.append({"role": "system", "content": args.system})
        messages.append({"role": "user", "content": prompt})
        done = stream(
            engine.chat(ChatRequest(tuple(messages), sampling)), show_stats=not args.quiet
        )
        return EXIT_INTERRUPTED if done and done.finish_reason == "cancelled" else 0
    finally:
        engine.close()


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    sampling = sampling_from(args, settings)
    if args.system:
        check_text(args.system, "the system prompt")
    engine, _ = open_engine(args, settings, False)
    history: list[Message] = []
    system = args.system
    note("Type a message and press Enter. /reset clears the chat, /system TEXT sets the system "
          "prompt, /exit quits. Ctrl+C stops an answer; Ctrl+D quits.")  # fmt: skip
    try:
        while True:
            try:
                line = input("> ")
            except EOFError:
                print()
                return 0
            except KeyboardInterrupt:
                print()
                return 0
            text = line.strip()
            if not text:
                continue
            if text in ("/exit", "/quit"):
                return 0
            if text == "/reset":
                history.clear()
                note("[chat cleared]")
                continue
            if text.startswith("/system"):
                system = text[len("/system") :].strip() or None
                note(f"[system prompt {'set' if system else 'cleared'}]")
                continue
            try:
                check_text(line, "that line")
            except ValueError as exc:
                err(str(exc))
                continue
            history.append({"role": "user", "content": line})
            messages = ([{"role": "system", "content": system}] if system else []) + history
            try:
                done = stream(engine.chat(ChatRequest(tuple(messages), sampling)), show_stats=True)
            except AppError as exc:
                history.pop()
                err(str(exc))
                if not engine.alive:
                    note("Restarting the engine…")
                    engine.close()
                    engine, _ = open_engine(args, settings, True)
                continue
            if done is not None and done.text:
                history.append({"role": "assistant", "content": done.text})
            if not engine.alive:  # a cancel the engine did not answer ended it
                note("Restarting the engine…")
                engine.close()
                engine, _ = open_engine(args, settings, True)
    finally:
        engine.close()


__all__ = [
    "add_parsers",
    "check_text",
    "cmd_chat",
    "cmd_run",
    "print_event",
    "read_prompt",
    "stream",
]
