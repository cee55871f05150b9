"""Sentiment analysis: label probabilities per text from the engine, and batch files in and out.

The probabilities are the model's own (its next-token distribution over the labels, see
`core/engine/scoring.py`), not words parsed out of a generated answer. An optional one-sentence
reason is a short ordinary chat request made after the label is known.

Batch files: CSV/TSV (delimiter sniffed), XLSX (first or named sheet), TXT (one text per line).
Text files may be UTF-8 (with or without BOM), UTF-16 (BOM) or GB18030; a row with bytes that fit
none of them is kept and reported as that row's error, so the rest of the file still runs.
"""

from __future__ import annotations

import csv
import datetime
import importlib
import io
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core import text_decode
from desktop_app.core.engine.events import ClassifyReport, Error, ItemScore, Result
from desktop_app.core.engine.label_scores import ClassifyRequest
from desktop_app.core.engine.params import ChatRequest, SamplingParams
from desktop_app.core.engine.protocol import Engine
from desktop_app.core.errors import AppError, CancelledError
from desktop_app.core.tasks.sentiment_results import (
    DEFAULT_LABELS,
    DEFAULT_UNSURE_BELOW,
    NOT_SCORED,
    ItemResult,
    clean,
    export_csv,
    result_columns,
    result_rows,
)

# The results and their CSV live in sentiment_results.py; they are imported from here too.
__all__ = [
    "DEFAULT_LABELS",
    "DEFAULT_UNSURE_BELOW",
    "NOT_SCORED",
    "TABLE_SUFFIXES",
    "ItemResult",
    "SentimentTask",
    "Table",
    "clean",
    "decode_bytes",
    "export_csv",
    "first_sentence",
    "parse_labels",
    "read_table",
    "result_columns",
    "result_rows",
]

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".xlsx", ".xlsm", ".txt")

_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")

Progress = Callable[[int, int, int, "ItemResult"], None]  # (done, total, index, result)
Cancel = Callable[[], bool] | threading.Event


def parse_labels(text: str) -> tuple[str, ...]:
    """ "positive, negative,neutral" -> ("positive", "negative", "neutral")."""
    labels = tuple(part.strip() for part in text.split(",") if part.strip())
    if len(labels) < 2:
        raise ValueError("give at least two labels, separated by commas")
    return labels


class SentimentTask:
    """Classify texts with the engine's loaded model. Qt-free; blocks the calling thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        instruction: str | None = None,
        reason_sampling: SamplingParams | None = None,
    ) -> None:
        self._engine = engine  # the local EngineClient or a RemoteEngine
        self.instruction = instruction  # the system message; None: scoring.default_instruction
        self.reason_sampling = reason_sampling or SamplingParams(
            temperature=0.2, seed=0, max_tokens=60
        )
        self.last_report: ClassifyReport | None = None

    def classify_one(
        self,
        text: str,
        labels: Sequence[str] = DEFAULT_LABELS,
        *,
        calibrate: bool = True,
        examples: Sequence[tuple[str, str]] = (),
        reason: bool = False,
    ) -> ItemResult:
        return self.classify_batch(
            [text], labels, calibrate=calibrate, examples=examples, reason=reason
        )[0]

    def classify_batch(
        self,
        texts: Sequence[str],
        labels: Sequence[str] = DEFAULT_LABELS,
        *,
        calibrate: bool = True,
        examples: Sequence[tuple[str, str]] = (),
        reason: bool = False,
        on_progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> list[ItemResult]:
        """One result per text, in order. After a cancel, the texts not reached say NOT_SCORED.

        `on_progress(done, total, index, result)` runs on this thread as each text is scored.
        `cancel` (a callable or a threading.Event) is polled; the engine stops between texts.
        Reasons, if asked for, are fetched after all labels, one short chat request each.
        """
        cancelled = _cancel_check(cancel)
        request = ClassifyRequest(
            texts=tuple(texts),
            labels=tuple(labels),
            instruction=self.instruction,
            examples=tuple((t, lab) for t, lab in examples),
            calibrate=calibrate,
        )
        request.validate()
        self.last_report = None
        results: list[ItemResult] = [ItemResult(None, {}, NOT_SCORED) for _ in texts]
        handle = self._engine.classify(request)
        asked_to_stop = False
        done = 0
        while True:
            if not asked_to_stop and cancelled():
                handle.cancel()
                asked_to_stop = True
            try:
                event = handle.next_event(timeout=0.05)
            except TimeoutError:
                continue
            except KeyboardInterrupt:
                handle.cancel()
                asked_to_stop = True
                continue
            if isinstance(event, ItemScore):
                item = ItemResult(event.label, dict(event.probs), event.error)
                results[event.index] = item
                done += 1
                if on_progress is not None:
                    on_progress(done, len(results), event.index, item)
            elif isinstance(event, Result):
                if isinstance(event.value, ClassifyReport):
                    self.last_report = event.value
                break
            elif isinstance(event, Error):
                if isinstance(event.error, CancelledError):
                    break  # cancelled while still queued: nothing was scored
                raise event.error
        if reason:
            for i, item in enumerate(results):
                if cancelled():
                    break
                if item.ok and item.label is not None:
                    results[i] = ItemResult(
                        item.label, item.probs, None, self.explain(texts[i], item.label)
                    )
        return results

    def explain(self, text: str, label: str) -> str | None:
        """One sentence on why `text` reads as `label` (a normal, short chat answer)."""
        messages = [
            {
                "role": "system",
                "content": "You explain text classifications in one short sentence.",
            },
            {
                "role": "user",
                "content": f"Text: {text.strip()}\n\nIn one sentence: why is this text {label}?",
            },
        ]
        request = ChatRequest(tuple(messages), self.reason_sampling)
        try:
            answer = self._engine.chat(request).text()
        except AppError:
            return None
        return first_sentence(answer)


def first_sentence(text: str) -> str | None:
    text = " ".join(text.split())
    if not text:
        return None
    end = _SENTENCE_END.search(text)
    return text[: end.end()] if end else text


def _cancel_check(cancel: Cancel | None) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


# ---- reading batch files ----------------------------------------------------------------------


@dataclass
class Table:
    """A batch file's rows (cells as text), its header and which column holds the texts."""

    columns: list[str]
    rows: list[list[str]]
    text_column: int
    encoding: str = ""

    @property
    def texts(self) -> list[str]:
        return [row[self.text_column] for row in self.rows]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and the codec used, by core/text_decode.py's rules (the same as for documents).

    Lenient: a file no rule fits is read as UTF-8 with undecodable bytes kept as lone surrogates
    (see `clean`), so that its other rows are still scored.
    """
    found = text_decode.decode(data, name="the batch file", lenient=True)
    return found.text, found.codec


def read_table(
    path: str | os.PathLike[str],
    column: str | int | None = None,
    *,
    sheet: str | None = None,
    has_header: bool = True,
) -> Table:
    """Read a CSV/TSV, XLSX or TXT batch file. `column`: a header name, or a 0-based index;
    default: a column named "text", else the first. TXT files have one text per (non-blank) line."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        columns, rows, encoding = _read_xlsx(path, sheet, has_header)
    elif suffix == ".txt":
        text, encoding = decode_bytes(path.read_bytes())
        rows = [[line.strip()] for line in text.splitlines() if line.strip()]
        columns = ["text"]
    else:
        text, encoding = decode_bytes(path.read_bytes())
        columns, rows = _parse_delimited(text, suffix, has_header)
    return Table(columns, rows, _pick_column(columns, column), encoding)


def _parse_delimited(text: str, suffix: str, has_header: bool) -> tuple[list[str], list[list[str]]]:
    sample = text[:65536]
    dialect: Any
    if suffix in (".tsv", ".tab"):
        dialect = csv.excel_tab
    else:
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel
    records = [row for row in csv.reader(io.StringIO(text, newline=""), dialect) if row]
    return _shape(records, has_header)


def _shape(records: list[list[str]], has_header: bool) -> tuple[list[str], list[list[str]]]:
    if not records:
        return ["text"], []
    width = max(len(r) for r in records)
    header = records[0] if has_header else []
    rows = records[1:] if has_header else records
    columns = [
        (header[i].strip() if i < len(header) and header[i].strip() else f"column_{i + 1}")
        for i in range(width)
    ]
    return columns, [r + [""] * (width - len(r)) for r in rows]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _read_xlsx(
    path: Path, sheet: str | None, has_header: bool
) -> tuple[list[str], list[list[str]], str]:
    openpyxl = importlib.import_module("openpyxl")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError:
        raise
    except Exception as exc:  # a zip that is not a workbook, a damaged one
        raise ValueError(f"cannot read {path.name} as an Excel workbook: {exc}") from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise ValueError(
                f"no sheet named {sheet!r}; the sheets are: {', '.join(book.sheetnames)}"
            )
        ws = book[sheet] if sheet else book.worksheets[0]
        records = []
        for values in ws.iter_rows(values_only=True):
            row = [_cell(v) for v in values]
            while row and not row[-1]:
                row.pop()
            if row:
                records.append(row)
    finally:
        book.close()
    columns, rows = _shape(records, has_header)
    return columns, rows, "xlsx"


def _pick_column(columns: list[str], column: str | int | None) -> int:
    if column is None:
        for i, name in enumerate(columns):
            if name.casefold() == "text":
                return i
        return 0
    if isinstance(column, int):
        if not 0 <= column < len(columns):
            raise ValueError(f"column {column} does not exist (the file has {len(columns)})")
        return column
    for i, name in enumerate(columns):
        if name == column or name.casefold() == column.casefold():
            return i
    raise ValueError(f"no column named {column!r}; the columns are: {', '.join(columns)}")
