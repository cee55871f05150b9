"""`hearth sentiment`: label one text or a file of texts, with the model's probabilities.

    hearth sentiment "I love it" [--labels positive,negative,neutral] [--reason]
    hearth sentiment --file data.csv --column text [-o out.csv] [--calibration batch]
    hearth sentiment --file dev.csv --column text --gold label     (evaluation mode)
    hearth sentiment "Is it broken?" --preset yes-no --instruction "Answer {labels}: ..."

Progress goes to standard error; results to standard output (a table, or CSV with --csv) or,
with -o, to a CSV file (the original columns plus label, one probability column per label, the
margin and whether it is unsure). The margin is the top probability minus the second; below
--unsure-below (default: the app's setting, 0.10 unless changed) a result is marked unsure.
Calibration (core/tasks/calibration.py): contextual, batch, domain or none; "automatic" (the
default) takes the best on the dev set for the texts' language. With --gold COLUMN the results
are compared with that column: accuracy, macro-F1, the confusion matrix and the reliability
bins with the expected calibration error follow the results (on standard error with --csv).
Ctrl+C stops the batch and keeps (and writes) what was scored. Exit status 130 then.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from typing import Any

from desktop_app.cli_common import (
    EXIT_INTERRUPTED,
    SAMPLING_OPTIONS,
    add_engine_options,
    add_sampling_options,
    open_engine,
)
from desktop_app.cli_output import note as _note
from desktop_app.core.engine.params import SamplingParams
from desktop_app.core.storage.settings_schema import Sentiment
from desktop_app.core.tasks.calibration import (
    AUTOMATIC,
    CHOICES,
    DEFAULT_LABEL_WORDS,
    LabelWords,
    pick_examples,
)
from desktop_app.core.tasks.label_presets import PRESET_NAMES, instruction_for, preset
from desktop_app.core.tasks.sentiment import (
    DEFAULT_LABELS,
    ItemResult,
    SentimentTask,
    Table,
    clean,
    export_csv,
    parse_labels,
    read_table,
    result_rows,
)
from desktop_app.core.tasks.sentiment_eval import evaluate, report_lines


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `sentiment` command (with the engine and sampling options of cli_common)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "sentiment",
        help="label texts (positive / negative / neutral) with the model's probabilities",
        description="Label a text, or every row of a CSV/TSV/XLSX/TXT file, with the model's "
        "probability for each label.",
    )
    p.add_argument("text", nargs="?", metavar="TEXT", help="a text ('-' reads standard input)")
    p.add_argument("-f", "--file", metavar="FILE", help="CSV, TSV, XLSX or TXT (one text a line)")
    p.add_argument("--column", metavar="NAME", help="the column with the texts (default: 'text')")
    p.add_argument("--sheet", metavar="NAME", help="XLSX sheet (default: the first)")
    p.add_argument("--no-header", action="store_true", help="the file's first row is data")
    p.add_argument("--labels", metavar="A,B,...",
                   help="labels, comma-separated; 'positive|good' also scores 'good' for positive "
                   f"(default: the preset's, {','.join(DEFAULT_LABELS)})")  # fmt: skip
    p.add_argument("--preset", choices=PRESET_NAMES, default="sentiment",
                   help="labels and instruction to start from (default: %(default)s)")  # fmt: skip
    p.add_argument("--instruction", metavar="TEXT",
                   help="the instruction the model reads; {labels} becomes the labels "
                   "(default: the preset's)")  # fmt: skip
    p.add_argument("--label-words", action=argparse.BooleanOptionalAction,
                   default=DEFAULT_LABEL_WORDS,
                   help="also score built-in words per label (good / 正面 for positive, ...; "
                   "default: on, the best on the dev set for both languages)")  # fmt: skip
    p.add_argument("--calibration", choices=CHOICES, default=AUTOMATIC,
                   help="how the prompt's own bias is divided out (default: %(default)s, the "
                   "best on the dev set for the texts' language)")  # fmt: skip
    p.add_argument("--no-calibrate", action="store_true", help="the same as --calibration none")
    p.add_argument("--gold", metavar="COLUMN",
                   help="evaluation mode: compare with the labels in this column of --file")  # fmt: skip
    p.add_argument("--examples-from", metavar="FILE",
                   help="pick few-shot examples from a labelled file (its --column texts, "
                   "labels in the --gold column or 'label')")  # fmt: skip
    p.add_argument("--shots", type=int, default=1, metavar="K",
                   help="with --examples-from: examples per label (default: %(default)s)")  # fmt: skip
    p.add_argument("--reason", action="store_true", help="add a one-sentence reason per text")
    p.add_argument("--unsure-below", type=_share, metavar="X",
                   help="mark a result unsure when its margin (top probability minus the second) "
                   "is below X, 0 to 1 (default: the app's setting)")  # fmt: skip
    p.add_argument("-o", "--output", metavar="OUT.csv", help="write the results to a CSV file")
    p.add_argument("--csv", action="store_true", help="CSV on standard output instead of a table")
    p.add_argument("--model", metavar="MODEL",
                   help="a .gguf path, a name in the models folder, or 'starter' (default: settings)")  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on standard error")
    add_engine_options(p)
    add_sampling_options(p)  # --system replaces the instruction; --temp/-s/-n shape reasons
    return p


class _ProgressLine:
    """`[done/total] rate` on standard error: rewritten in place on a terminal, else every 10%."""

    def __init__(self, quiet: bool) -> None:
        self._quiet = quiet
        self._tty = sys.stderr.isatty()
        self._started = time.perf_counter()
        self._last = 0.0
        self._step = -1

    def __call__(self, done: int, total: int, _index: int, _result: ItemResult) -> None:
        if self._quiet or total <= 1:
            return
        now = time.perf_counter()
        rate = done / max(now - self._started, 1e-9)
        if self._tty:
            if now - self._last >= 0.1 or done == total:
                self._last = now
                end = "\n" if done == total else ""
                print(
                    f"\r[{done}/{total}] {rate:.1f} texts/s", end=end, file=sys.stderr, flush=True
                )
        else:
            step = done * 10 // total
            if step != self._step:
                self._step = step
                _note(f"[{done}/{total}] {rate:.1f} texts/s")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"give a number from 0 to 1, not {text}")
    return value


def run(args: argparse.Namespace, settings: Any) -> int:
    if (args.text is None) == (args.file is None):
        raise ValueError("give either a TEXT or --file FILE")
    if args.gold and not args.file and not args.examples_from:
        raise ValueError("--gold needs --file: the gold labels are a column of the file")
    chosen = preset(args.preset)
    words = LabelWords.parse(parse_labels(args.labels) if args.labels else chosen.labels)
    if args.label_words:
        words = words.with_built_in()
    labels = words.labels
    template = (
        args.instruction
        or args.system
        or (None if args.preset == "sentiment" else chosen.instruction)
    )
    instruction = instruction_for(template, labels) if template else None
    calibration = "none" if args.no_calibrate else args.calibration
    examples = _examples(args, labels) if args.examples_from else []
    below = getattr(args, "unsure_below", None)
    if below is None:
        below = settings.value(Sentiment.unsure_below)
    reason_sampling = _reason_sampling(args)
    table: Table | None = None
    golds: list[str] | None = None  # evaluation mode's gold labels (--gold with --file)
    if args.file:
        try:
            table = read_table(
                args.file, args.column, sheet=args.sheet, has_header=not args.no_header
            )
        except OSError as exc:
            raise ValueError(f"cannot read {args.file}: {exc.strerror or exc}") from None
        texts = table.texts
        if not texts:
            raise ValueError(f"{args.file} has no rows")
        golds = _gold_column(table, args.gold) if args.gold else None
    else:
        texts = [sys.stdin.read() if args.text == "-" else args.text]

    engine, _ = open_engine(args, settings, args.quiet)
    try:
        task = SentimentTask(engine, instruction=instruction, reason_sampling=reason_sampling)
        results = task.classify_batch(
            texts,
            labels,
            calibration=calibration,
            words=words,
            examples=examples,
            reason=args.reason,
            on_progress=_ProgressLine(args.quiet),
        )
    finally:
        engine.close()
    report = task.last_report
    cancelled = report is None or report.cancelled

    if table is None:
        table = Table(["text"], [[t] for t in texts], 0)
    if args.output:
        try:
            path = export_csv(
                table.rows, table.columns, results, args.output, labels=labels, unsure_below=below
            )
        except OSError as exc:
            _note(f"error: cannot write {args.output}: {exc.strerror or exc}; results follow")
            _write_csv(table, results, labels, below)
            return 1
        if not args.quiet:
            _note(f"wrote {path}")
    elif args.csv:
        _write_csv(table, results, labels, below)
    elif args.text is not None:
        _print_one(results[0], labels, below)
    else:
        _print_table(table, results, labels, below)

    if golds is not None:
        lines = report_lines(evaluate(golds, results, labels))
        for line in lines:
            if args.csv or (args.output and args.quiet):
                _note(line)
            else:
                print(line)
    errors = sum(1 for r in results if r.error)
    if not task.probabilities:
        _note(
            "note: the server gives no probabilities (no logprobs): each label is its constrained "
            "answer with probability 1, so calibration, margins and confidence say nothing here"
        )
    if not args.quiet and report is not None:
        scored = report.n_scored
        rate = scored / report.total_s if report.total_s > 0 else 0.0
        how = f"calibration {task.last_method}" + (
            f" ({calibration})" if calibration == AUTOMATIC else ""
        )
        _note(f"[{scored} scored, {report.n_errors} errors, {rate:.1f} texts/s, {how}]")
    if cancelled:
        _note("[stopped: the texts not reached are marked as not scored]")
        return EXIT_INTERRUPTED
    return 1 if errors == len(results) else 0


def _gold_column(table: Table, column: str) -> list[str]:
    for i, name in enumerate(table.columns):
        if name == column or name.casefold() == column.casefold():
            if i == table.text_column:
                raise ValueError(f"--gold {column}: that is the text column")
            return [row[i] for row in table.rows]
    raise ValueError(f"no column named {column!r}; the columns are: {', '.join(table.columns)}")


def _examples(args: argparse.Namespace, labels: tuple[str, ...]) -> list[tuple[str, str]]:
    """Few-shot examples picked from a labelled file (calibration.pick_examples)."""
    try:
        pool = read_table(args.examples_from, args.column)
    except OSError as exc:
        raise ValueError(f"cannot read {args.examples_from}: {exc.strerror or exc}") from None
    golds = _gold_column(pool, args.gold or "label")
    if args.file and not args.quiet and _same_file(args.file, args.examples_from):
        _note("note: the examples come from the file being labelled; its scores are not fair")
    examples = pick_examples(list(zip(pool.texts, golds, strict=True)), labels, max(1, args.shots))
    if not examples:
        raise ValueError(f"{args.examples_from} has no rows labelled {', '.join(labels)}")
    return examples


def _same_file(a: str, b: str) -> bool:
    from pathlib import Path

    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _reason_sampling(args: argparse.Namespace) -> SamplingParams:
    """Sampling for --reason: short and steady by default; the sampling options override."""
    values: dict[str, Any] = {"temperature": 0.2, "seed": 0, "max_tokens": 60}
    for name in SAMPLING_OPTIONS:
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    values["stop"] = tuple(getattr(args, "stop", None) or ())
    sampling = SamplingParams.from_dict(values)
    sampling.validate()
    return sampling


def _print_one(result: ItemResult, labels: tuple[str, ...], below: float) -> None:
    if result.error:
        print(f"error: {result.error}")
        return
    print(f"{result.label} (unsure)" if result.unsure(below) else result.label)
    width = max(len(label) for label in labels)
    for label in labels:
        print(f"  {label:<{width}}  {result.probs[label]:.3f}")
    margin = result.margin or 0.0
    verdict = f"unsure: below {below:.2f}" if result.unsure(below) else f"sure: {below:.2f} or more"
    print(f"margin: {margin:.3f} ({verdict}; {result.label} vs {result.runner_up})")
    if result.reason:
        print(f"reason: {result.reason}")


def _print_table(
    table: Table, results: list[ItemResult], labels: tuple[str, ...], below: float
) -> None:
    heads = ["#", "label", *labels, "margin", "unsure"]
    width = max(max(len(h) for h in heads[1:]), 8)
    print(f"{heads[0]:>5}  " + "  ".join(f"{h:<{width}}" for h in heads[1:]) + "  text")
    for i, (text, res) in enumerate(zip(table.texts, results, strict=True), start=1):
        snippet = " ".join(clean(text).split())
        snippet = snippet if len(snippet) <= 60 else snippet[:59] + "…"
        if res.error:
            print(f"{i:>5}  {'-':<{width}}  error: {res.error}  | {snippet}")
            continue
        probs = "  ".join(f"{res.probs[label]:<{width}.3f}" for label in labels)
        flag = "unsure" if res.unsure(below) else "-"
        figures = f"{probs}  {res.margin or 0.0:<{width}.3f}  {flag:<{width}}"
        line = f"{i:>5}  {res.label or '':<{width}}  {figures}  {snippet}"
        print(line + (f"\n       reason: {res.reason}" if res.reason else ""))


def _write_csv(
    table: Table, results: list[ItemResult], labels: tuple[str, ...], below: float
) -> None:
    rows = result_rows(table.rows, table.columns, results, labels, unsure_below=below)
    csv.writer(sys.stdout).writerows(rows)


__all__ = ["add_parser", "run"]
