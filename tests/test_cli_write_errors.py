"""`-o` onto a file its owner made read-only: refused with the reason, and nothing is lost."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from desktop_app import cli_summarize
from desktop_app.cli import build_parser
from desktop_app.core.storage.settings import Settings


def test_summarize_onto_a_read_only_file_keeps_it_and_prints_the_summary(
    tmp_path: Path, starter_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "notes.txt"
    doc.write_text(
        "The council approved the new library on Harbour Street. It opens next spring and has "
        "a children's room and twelve study rooms.",
        encoding="utf-8",
    )
    out = tmp_path / "summary.md"
    out.write_text("an older summary", encoding="utf-8")
    out.chmod(0o444)
    args = build_parser().parse_args(
        ["summarize", str(doc), "--model", str(starter_model), "--words", "20", "-o", str(out),
         "-c", "1024", "-t", "1", "--seed", "3"]
    )  # fmt: skip
    rc = cli_summarize.run(args, Settings.load(tmp_path / "settings.json"))
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert f"error: cannot write {out}: The file is read-only" in captured.err
    assert captured.out.strip()  # the summary, on standard output instead
    assert out.read_text(encoding="utf-8") == "an older summary"
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
