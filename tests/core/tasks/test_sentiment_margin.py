"""How clearly a label won (issue 14): the margin (top probability minus the second) and
"unsure" below a threshold, in the results, the export and the CLI, on the real starter model."""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

import pytest

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Sentiment
from desktop_app.core.tasks.sentiment import (
    DEFAULT_UNSURE_BELOW,
    ItemResult,
    SentimentTask,
    export_csv,
    read_table,
)

# With the starter model and the default labels, calibrated (measured): a near tie between
# positive and negative (about 46 % against 42 %), and a clear negative (about 79 % against 16 %).
NEAR_TIE = "The meeting is at 3 pm."
CLEAR = "This is terrible. I hate it."


def test_the_margin_is_the_top_probability_minus_the_second() -> None:
    r = ItemResult("positive", {"positive": 0.444, "negative": 0.436, "neutral": 0.12})
    assert r.margin is not None and math.isclose(r.margin, 0.008)
    assert r.runner_up == "negative"
    assert r.unsure(0.10) and r.unsure(0.01) and not r.unsure(0.005) and not r.unsure(0.0)
    clear = ItemResult("negative", {"positive": 0.1, "negative": 0.8, "neutral": 0.1})
    assert clear.margin is not None and math.isclose(clear.margin, 0.7) and not clear.unsure(0.1)
    tie = ItemResult("negative", {"positive": 0.5, "negative": 0.5})
    assert tie.margin == 0.0 and tie.runner_up == "positive" and tie.unsure(0.01)
    failed = ItemResult(None, {}, "empty text")
    assert failed.margin is None and failed.runner_up is None and not failed.unsure(1.0)


def test_the_default_threshold_is_the_setting_s() -> None:
    assert Sentiment.unsure_below.default == DEFAULT_UNSURE_BELOW
    assert Sentiment.unsure_below.valid(0.25) and not Sentiment.unsure_below.valid(1.5)


def test_a_near_tie_is_unsure_and_a_clear_result_is_not(engine: EngineClient) -> None:
    tie, clear = SentimentTask(engine).classify_batch([NEAR_TIE, CLEAR])
    assert tie.ok and clear.ok
    assert tie.margin is not None and tie.margin < DEFAULT_UNSURE_BELOW, tie.probs
    assert tie.unsure(DEFAULT_UNSURE_BELOW) and not tie.unsure(0.0)
    assert {tie.label, tie.runner_up} == {"positive", "negative"}
    top = sorted(tie.probs.values(), reverse=True)
    assert math.isclose(tie.margin, top[0] - top[1])
    assert clear.label == "negative" and clear.margin is not None and clear.margin > 0.4
    assert not clear.unsure(DEFAULT_UNSURE_BELOW)


def test_the_export_has_margin_and_unsure_columns(engine: EngineClient, tmp_path: Path) -> None:
    results = SentimentTask(engine).classify_batch([NEAR_TIE, CLEAR])
    rows = [["1", NEAR_TIE], ["2", CLEAR], ["3", ""]]
    results.append(ItemResult(None, {}, "empty text"))
    out = export_csv(rows, ["id", "text"], results, tmp_path / "out.csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.DictReader(f))
    assert [r["unsure"] for r in back] == ["true", "false", ""]
    assert math.isclose(float(back[0]["margin"]), results[0].margin or -1, abs_tol=1e-4)
    assert back[2]["margin"] == "" and back[2]["error"] == "empty text"
    # a threshold of 0: nothing is unsure; the margins stay
    out = export_csv(rows, ["id", "text"], results, tmp_path / "zero.csv", unsure_below=0.0)
    table = read_table(out)
    assert [row[table.columns.index("unsure")] for row in table.rows] == ["false", "false", ""]


def _parser() -> argparse.ArgumentParser:
    from desktop_app import cli_sentiment

    parser = argparse.ArgumentParser(prog="hearth")
    cli_sentiment.add_parser(parser.add_subparsers(dest="command"))
    return parser


def test_the_cli_prints_the_margin_and_unsure(
    starter_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop_app import cli_sentiment

    settings = Settings.load(tmp_path / "settings.json")
    model = ["--model", str(starter_model), "-t", "2", "-q"]
    args = _parser().parse_args(["sentiment", NEAR_TIE, *model])
    assert cli_sentiment.run(args, settings) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("(unsure)"), lines
    margin = next(line for line in lines if line.startswith("margin: "))
    assert "unsure: below 0.10" in margin
    # the setting is the default; the option overrides it
    settings.put(Sentiment.unsure_below, 0.0)
    assert cli_sentiment.run(_parser().parse_args(["sentiment", NEAR_TIE, *model]), settings) == 0
    assert "(unsure)" not in capsys.readouterr().out
    source = tmp_path / "in.txt"
    source.write_text(f"{NEAR_TIE}\n{CLEAR}\n", encoding="utf-8")
    args = _parser().parse_args(
        ["sentiment", "--file", str(source), "--unsure-below", "0.2", *model]
    )
    assert cli_sentiment.run(args, settings) == 0
    head, tie, clear = capsys.readouterr().out.splitlines()
    assert head.split()[-3:] == ["margin", "unsure", "text"]
    assert "unsure" in tie.split() and "unsure" not in clear.split()
    args = _parser().parse_args(["sentiment", "--file", str(source), "--csv", *model])
    assert cli_sentiment.run(args, settings) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["unsure"] for r in rows] == ["false", "false"] and float(rows[1]["margin"]) > 0.4
    with pytest.raises(SystemExit):
        _parser().parse_args(["sentiment", "x", "--unsure-below", "2"])
