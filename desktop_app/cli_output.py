"""Output for the terminal commands: aligned tables, short counts, durations and a progress line.

Results go to standard output and everything else (progress, notes, errors) to standard error, so
a command's output can be piped; the progress line rewrites itself only on a terminal.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Collection, Sequence
from typing import TextIO

from desktop_app.core.models.model_files import format_size

__all__ = [
    "ProgressLine",
    "count",
    "duration",
    "err",
    "note",
    "print_table",
    "progress_text",
    "width",
]


def err(message: str) -> None:
    """The one line a failed command ends with (cli.py's format)."""
    print(f"error: {message}", file=sys.stderr, flush=True)


def note(message: str) -> None:
    """A message for the person, not the output: standard error."""
    print(message, file=sys.stderr, flush=True)


def width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Collection[int] = ()
) -> None:
    """Left-aligned columns (those in `right` right-aligned), two spaces apart."""
    widths = [max(width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        print("  ".join(cells).rstrip())


def count(n: int | None) -> str:
    """1234 -> "1.2k", 7_600_000_000 -> "7.6B": downloads, likes and parameter counts."""
    if n is None:
        return ""
    for scale, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + unit
    return str(n)


def duration(seconds: float) -> str:
    """42 -> "42 s", 75 -> "1 min 15 s", 3725 -> "1 h 02 min"."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def progress_text(
    done: int, total: int | None, speed: float, eta: float | None, message: str = ""
) -> str:
    """ "45.2 MB of 98.4 MB (46%), 12.3 MB/s, ETA 4 s"."""
    if total:
        text = f"{format_size(done)} of {format_size(total)} ({done * 100 // total}%)"
    else:
        text = format_size(done)
    if speed > 0:
        text += f", {format_size(int(speed))}/s"
        if eta is not None:
            text += f", ETA {duration(eta)}"
    if message:
        text += f" - {message}"
    return text


class ProgressLine:
    """One progress line on stderr: rewritten in place on a terminal (at most 10 times a second);
    otherwise a line at the first bytes, each further 10%, and at least every 5 s."""

    def __init__(self, stream: TextIO, *, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.open = False
        self._last = 0.0
        self._step = -1
        self._message = ""

    def show(
        self, done: int, total: int | None, speed: float, eta: float | None, message: str = ""
    ) -> None:
        if self.quiet or (done == 0 and not message):
            return
        now = time.monotonic()
        if self.tty:
            if now - self._last < 0.1 and done != total:
                return
            self.stream.write(f"\r\x1b[K{progress_text(done, total, speed, eta, message)}")
            self.open = True
        else:
            step = done * 10 // total if total else 0
            if step == self._step and message == self._message and now - self._last < 5:
                return
            self._step, self._message = step, message
            self.stream.write(progress_text(done, total, speed, eta, message) + "\n")
        self._last = now
        self.stream.flush()

    def end_line(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False

    def note(self, message: str) -> None:
        if self.quiet:
            return
        self.end_line()
        self.stream.write(message + "\n")
        self.stream.flush()
