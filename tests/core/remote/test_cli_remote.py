"""`--remote URL` on run, summarize and sentiment: the real CLI against llama-cpp-python's server."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import llama_cpp_server

CLI = [sys.executable, "-m", "desktop_app.cli"]


@pytest.fixture(scope="module")
def url(starter_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with llama_cpp_server(starter_model, tmp_path_factory.mktemp("lcs") / "log", n_ctx=2048) as u:
        yield u


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=180)


def test_run_on_a_remote_server(url: str) -> None:
    done = cli("run", "--remote", url, "Say hello.", "-n", "8", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "remote" in done.stderr and "context 4096" in done.stderr  # the server does not say it


def test_summarize_and_sentiment_on_a_remote_server(url: str, tmp_path: Path) -> None:
    doc = tmp_path / "note.txt"
    doc.write_text(
        "The library opens in spring. It has a cafe and study rooms. The city pays for it.",
        encoding="utf-8",
    )
    done = cli("summarize", str(doc), "--remote", url, "--ctx", "2048", "--style", "tldr")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    out = tmp_path / "labels.csv"
    data = tmp_path / "texts.csv"
    data.write_text("text\nI love it!\nThis is awful.\n", encoding="utf-8")
    done = cli(
        "sentiment", "--file", str(data), "--column", "text", "--remote", url, "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["text"] for r in rows] == ["I love it!", "This is awful."]
    for r in rows:
        assert abs(sum(float(r[f"p_{k}"]) for k in ("positive", "negative", "neutral")) - 1) < 1e-3


def test_an_unreachable_server_is_one_error_line(tmp_path: Path) -> None:
    done = cli("run", "--remote", "http://127.0.0.1:9/v1", "Hi")
    assert done.returncode == 1
    assert done.stderr.strip().startswith("error:") and "connection refused" in done.stderr
    assert "Traceback" not in done.stderr
