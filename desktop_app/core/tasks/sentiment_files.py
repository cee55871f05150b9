"""Batch files for sentiment: CSV/TSV (delimiter sniffed), XLSX (first or named sheet), TXT (one
text per line).

Text files may be UTF-8 (with or without BOM), UTF-16 (BOM) or GB18030; a row with bytes that fit
none of them is kept and reported as that row's error, so the rest of the file still runs.
"""

from __future__ import annotations

import csv
import datetime
import importlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core import text_decode

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".xlsx", ".xlsm", ".txt")


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


__all__ = ["TABLE_SUFFIXES", "Table", "decode_bytes", "read_table"]
