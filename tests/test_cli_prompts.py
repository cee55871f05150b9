"""Prompts in odd encodings for `run`: refused before the model loads, or decoded (issue 18)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[bytes], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"desktop_app", *args],
        input=stdin, capture_output=True, timeout=180, cwd=ROOT, env=env,
    )  # fmt: skip


def test_an_argument_that_is_not_utf8_is_refused_before_loading(starter_model: Path) -> None:
    done = _run([b"run", bytes(starter_model), b"caf\xe9", b"--max-tokens", b"2"])
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert "The prompt is not valid UTF-8 (byte 0xE9) at character 4" in err
    assert "loaded in" not in err and "Traceback" not in err  # no model was loaded


def test_a_system_prompt_that_is_not_utf8_is_refused_too(starter_model: Path) -> None:
    done = _run([b"run", bytes(starter_model), b"hi", b"--system", b"\xff\xfe"])
    assert done.returncode == 2 and b"The system prompt is not valid UTF-8" in done.stderr


def test_standard_input_is_decoded_like_a_document(starter_model: Path) -> None:
    latin1 = "Réponds en un mot : café ?".encode("cp1252")
    done = _run([b"run", bytes(starter_model), b"-", b"--max-tokens", b"2", b"-q", b"--seed", b"1"],
                stdin=latin1)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert done.stdout.strip()
    binary = b"\xff\xfe\x00\x00\x01\x02"
    done = _run([b"run", bytes(starter_model), b"-"], stdin=binary)
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1 and "Cannot decode the prompt on standard input" in err
    assert "Traceback" not in err
