"""`hearth sentiment` with issue 16's options on the real starter model: --gold (evaluation
mode), --calibration (and --no-calibrate as its alias), --preset / --instruction, --label-words
and few-shot examples picked from a labelled file."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from desktop_app import cli_sentiment
from desktop_app.core.storage.settings import Settings

ROWS = [
    ("I love this phone, it is great.", "positive"),
    ("Terrible service, never again.", "negative"),
    ("What a wonderful day!", "positive"),
    ("This is the worst film I have seen.", "negative"),
    ("Absolutely fantastic support team.", "positive"),
    ("I hate waiting in this queue.", "negative"),
    ("Best purchase of the year.", "positive"),
    ("The food was cold and awful.", "negative"),
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hearth")
    cli_sentiment.add_parser(parser.add_subparsers(dest="command"))
    return parser


def _csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["text,gold"] + [f'"{t}",{g}' for t, g in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_gold_column_gives_the_evaluation_section(
    starter_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings.load(tmp_path / "settings.json")
    source = _csv(tmp_path / "dev.csv", ROWS)
    model = ["--model", str(starter_model), "-t", "2"]
    base = ["sentiment", "--file", str(source), "--labels", "positive,negative", *model]
    args = _parser().parse_args([*base, "--gold", "gold", "--calibration", "batch"])
    assert cli_sentiment.run(args, settings) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "evaluation: 8 rows with a gold label" in out
    assert "accuracy" in out and "macro-F1" in out and "expected calibration error" in out
    assert "confusion (rows: gold, columns: predicted):" in out
    assert "calibration batch" in captured.err
    accuracy = float(out.split("accuracy ")[1].split("%")[0])
    assert accuracy >= 62.5, out  # clear texts (measured: 100 %)
    # --no-calibrate is --calibration none; CSV output keeps the evaluation off standard output
    args = _parser().parse_args([*base, "--gold", "gold", "--no-calibrate", "--csv"])
    assert cli_sentiment.run(args, settings) == 0
    captured = capsys.readouterr()
    assert "evaluation:" not in captured.out and "evaluation:" in captured.err
    assert "calibration none" in captured.err
    with pytest.raises(ValueError, match="no column named"):
        cli_sentiment.run(_parser().parse_args([*base, "--gold", "missing"]), settings)
    with pytest.raises(ValueError, match="--gold needs --file"):
        cli_sentiment.run(_parser().parse_args(["sentiment", "x", "--gold", "g"]), settings)


def test_presets_instruction_label_words_and_picked_examples(
    starter_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings.load(tmp_path / "settings.json")
    model = ["--model", str(starter_model), "-t", "2", "-q"]
    args = _parser().parse_args(
        ["sentiment", "Is it raining in Paris?", "--preset", "yes-no", *model]
    )
    assert cli_sentiment.run(args, settings) == 0
    out = capsys.readouterr().out
    assert out.split()[0] in ("yes", "no") and "margin:" in out
    args = _parser().parse_args(
        ["sentiment", "The match ended 2-1 after extra time.", "--preset", "topic",
         "--instruction", "What is this news about: {labels}? One word.", *model]
    )  # fmt: skip
    assert cli_sentiment.run(args, settings) == 0
    out = capsys.readouterr().out
    assert "sports" in out and "politics" in out  # every topic label has its probability
    args = _parser().parse_args(
        ["sentiment", ROWS[0][0], "--labels", "positive|great,negative", "--label-words", *model]
    )
    assert cli_sentiment.run(args, settings) == 0
    assert capsys.readouterr().out.split()[0] == "positive"
    pool = _csv(tmp_path / "pool.csv", ROWS)
    args = _parser().parse_args(
        ["sentiment", "So happy with it!", "--labels", "positive,negative",
         "--examples-from", str(pool), "--gold", "gold", "--shots", "1", *model]
    )  # fmt: skip
    assert cli_sentiment.run(args, settings) == 0
    assert capsys.readouterr().out.split()[0] == "positive"
