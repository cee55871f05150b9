"""`hearth summarize FILE`: summarize a document in the terminal.

Progress goes to stderr and the summary to stdout (streamed) or to the -o file (written
atomically), so the output can be piped. The summarizer runs on a worker thread: Ctrl+C reaches
the main thread, which turns it into a cancel, and whatever was finished is still written out.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from desktop_app.cli_common import (
    EXIT_INTERRUPTED,
    SAMPLING_OPTIONS,
    add_engine_options,
    add_sampling_options,
    open_engine,
)
from desktop_app.cli_output import duration
from desktop_app.core import jobs
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.storage.atomic import write_atomic as _write_bytes
from desktop_app.core.storage.settings import Settings
from desktop_app.core.tasks.documents import Document, DocumentError, decode_text, load_document
from desktop_app.core.tasks.documents import text_from_paste as _normalize
from desktop_app.core.tasks.summarize import (
    DEFAULT_SAMPLING,
    LANGUAGES,
    STYLES,
    SYSTEM,
    Plan,
    Progress,
    Summarizer,
    SummaryEvent,
    SummaryOptions,
    SummaryResult,
    Token,
)
from desktop_app.core.tasks.summary_export import as_json, claims_markdown


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the `summarize` command (with the engine and sampling options of cli_common)."""
    p = subparsers.add_parser(
        "summarize",
        help="summarize a document (.txt .md .html .pdf .docx)",
        description="Summarize a document of any length with a local model. Progress goes to "
        "standard error; the summary to standard output or the -o file. Ctrl+C stops and keeps "
        "what was finished.",
    )
    p.add_argument("file", metavar="FILE", help="a .txt, .md, .html, .pdf or .docx file, or '-' for standard input")  # fmt: skip
    p.add_argument("--style", choices=STYLES, default="bullets",
                   help="tldr (one sentence), bullets, paragraph or outline (default: bullets)")  # fmt: skip
    p.add_argument("--lang", choices=LANGUAGES, default="same",
                   help="language of the summary: same (as the text), en or zh (default: same)")  # fmt: skip
    p.add_argument("--words", type=int, metavar="N", help="target length in words (characters for Chinese)")  # fmt: skip
    p.add_argument("--instruction", metavar="TEXT", default="", help="an extra instruction, e.g. 'focus on the costs'")  # fmt: skip
    p.add_argument("-o", "--output", metavar="FILE", help="write the summary to FILE instead of standard output")  # fmt: skip
    p.add_argument("--model", metavar="MODEL", help="a .gguf path, a name in the models folder, or 'starter' (default: the default model)")  # fmt: skip
    p.add_argument("--parts", action="store_true", help="also write each part's partial summary")  # fmt: skip
    p.add_argument("--json", action="store_true", help='print {"mode", "summary", "claims" (with source offsets), "coverage"} as JSON')  # fmt: skip
    p.add_argument("--text-out", metavar="PATH", help="write the extracted text the claims' offsets index (UTF-8)")  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
    add_engine_options(p)
    add_sampling_options(p)
    return p


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run `summarize`: 0 when done, 130 when stopped with Ctrl+C (partial output kept)."""
    doc = _read_input(args.file)  # a bad file fails before a model is loaded
    options = SummaryOptions(args.style, args.words, args.lang, args.instruction or "")
    options.validate()
    sampling = _sampling(args)
    progress = _ProgressLine(sys.stderr, quiet=args.quiet)
    if not args.quiet:
        progress.note(_describe(doc))
    engine, info = open_engine(args, settings, args.quiet)
    try:
        summarizer = Summarizer(engine, info.n_ctx, sampling, system=args.system or SYSTEM)
        streaming = not args.output and not args.json
        cancel = threading.Event()
        if args.text_out:
            write_atomic(Path(args.text_out), doc.text)

        def on_event(event: SummaryEvent) -> None:
            if isinstance(event, Plan):
                progress.plan(event)
            elif isinstance(event, Progress):
                progress.show(event)
            elif isinstance(event, Token) and streaming:
                progress.end_line()
                sys.stdout.write(event.text)
                sys.stdout.flush()

        job = jobs.start(
            lambda _job: summarizer.run(doc.text, options, on_event=on_event, cancel=cancel),
            name="summarize",
        )
        # The job's Event, not Thread.join: a join interrupted by Ctrl+C can leave is_alive() wrong.
        while not job.done:
            try:
                job.wait(0.1)
            except KeyboardInterrupt:
                if not cancel.is_set():
                    cancel.set()
                    progress.note("[stopping…]")
        progress.end_line()
        if job.error is not None:
            raise job.error
        result = job.result
        assert isinstance(result, SummaryResult)
        if args.json:
            text = json.dumps(as_json(result), ensure_ascii=False, indent=2) + "\n"
        else:
            text = render_output(result, with_parts=args.parts, source=doc.text)
        written = False
        if args.output:
            try:
                write_atomic(Path(args.output), text)
                written = True
            except OSError as exc:  # the summary is not lost: it follows on standard output
                progress.note(
                    f"error: cannot write {args.output}: {exc.strerror or exc}; the summary follows"
                )
            if written and not args.quiet:
                progress.note(f"wrote {args.output}")
        if args.output and not written:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
        elif not written and not streaming:
            sys.stdout.write(text)
            sys.stdout.flush()
        elif not written:
            # The final summary was streamed; what is left is the tail (parts, partial output).
            streamed = result.summary
            rest = text[len(streamed) :] if text.startswith(streamed) else "\n" + text
            if rest or streamed:
                sys.stdout.write(rest if rest.endswith("\n") else rest + "\n")
                sys.stdout.flush()
        if result.cancelled:
            done = sum(1 for p in result.parts if p.done)
            progress.note(f"[stopped: {done} of {len(result.parts)} parts summarized]")
            return EXIT_INTERRUPTED
        if not args.quiet:
            progress.note(_describe_run(result))
        return 0
    finally:
        engine.close()


# ---- helpers -------------------------------------------------------------------------------


def _read_input(name: str) -> Document:
    if name != "-":
        return load_document(name)
    data = sys.stdin.buffer.read()
    if not data.strip():
        raise DocumentError("Standard input is empty: nothing to summarize.")
    text, encoding = decode_text(data, name="standard input")
    return Document(_normalize(text), "standard input", "paste", encoding, None)


def _sampling(args: argparse.Namespace) -> SamplingParams:
    """Summaries keep the summarizer's calm defaults (temperature 0.3); options given override."""
    changes: dict[str, Any] = {}
    for name in SAMPLING_OPTIONS:
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    if getattr(args, "stop", None):
        changes["stop"] = tuple(args.stop)
    sampling = replace(DEFAULT_SAMPLING, **changes)
    sampling.validate()
    return sampling


def _describe(doc: Document) -> str:
    bits = [doc.kind]
    if doc.pages is not None:
        bits.append(f"{doc.pages} pages")
    if doc.encoding:
        bits.append(doc.encoding)
    bits.append(f"{len(doc.text):,} characters")
    return f"{doc.title}: {', '.join(bits)}"


def _describe_run(result: SummaryResult) -> str:
    seconds = sum(r.seconds for r in result.requests)
    first = sum(1 for p in result.parts if p.level == 1)
    how = "one pass" if not result.levels else f"{first} parts, {result.levels} level(s)"
    n = len(result.requests)
    checked = ""
    if result.claims:
        bad = sum(1 for c in result.claims if not c.supported)
        checked = (f", {len(result.claims)} claims ({bad} not supported by the text), "
                   f"coverage {round(100 * result.coverage)}%")  # fmt: skip
    return f"[{how}, {n} request{'' if n == 1 else 's'}, {duration(seconds)}{checked}]"


def render_output(result: SummaryResult, *, with_parts: bool, source: str = "") -> str:
    """The text to write: the summary and its claims with their quoted sources (from
    `source`, the text summarized), or on a cancel what was finished; parts on request."""
    out: list[str] = []
    if result.summary:
        out.append(result.summary)
        listed = claims_markdown(result, source) if source else ""
        if listed:
            out.append(listed.rstrip("\n"))
    elif result.cancelled:
        done = [p for p in result.parts if p.done and p.summary]
        if done:
            out.append(
                f"(Stopped before the final summary. Partial summaries of {len(done)} of "
                f"{len(result.parts)} parts follow.)"
            )
            out.extend(p.summary for p in done)
    if with_parts and result.parts:
        out.append("## Parts")
        for i, part in enumerate(result.parts, 1):
            where = "part" if part.level == 1 else f"level {part.level}, group"
            state = "" if part.done else " (not finished)"
            out.append(f"### {where.capitalize()} {i} ({part.tokens} tokens){state}")
            out.append(part.summary or "(no summary)")
    return "\n\n".join(out) + "\n" if out else ""


def write_atomic(path: Path, text: str) -> None:
    """Temp file beside the target, fsync, replace: a reader never sees half a summary."""
    path = path.expanduser()
    _write_bytes(path, text.replace("\r\n", "\n").encode("utf-8"))


class _ProgressLine:
    """One status line on stderr: rewritten in place on a terminal, one line per step otherwise."""

    def __init__(self, stream: TextIO, *, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.open = False

    def show(self, event: Progress) -> None:
        if self.quiet:
            return
        eta = f", ETA {duration(event.eta_s)}" if event.eta_s is not None else ""
        if event.stage == "map":
            line = f"part {event.i}/{event.n}{eta}"
        elif event.stage == "reduce":
            line = f"combining {event.i}/{event.n}{eta}"
        else:
            line = f"writing the summary{eta}"
        if self.tty:
            self.stream.write(f"\r\x1b[K{line}")
            self.open = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def plan(self, plan: Plan) -> None:
        """Before the work: one pass or parts and why, what it costs, what would be cheaper."""
        if self.quiet:
            return
        self.note(f"[{plan.mode}] {plan.reason}")
        self.note(f"  cost: {plan.cost}")
        for hint in plan.cheaper:
            self.note(f"  cheaper: {hint}")

    def end_line(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False

    def note(self, message: str) -> None:
        self.end_line()
        self.stream.write(message + "\n")
        self.stream.flush()
