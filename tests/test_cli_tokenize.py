"""`hearth tokenize MODEL TEXT|- [--json]` on the real starter model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.cli_tokenize import piece_text, show, summary

ROOT = Path(__file__).resolve().parents[1]
MIXED = "Hello 世界 🎉 café\n\tend"


def _run(args: list[bytes], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"desktop_app", b"tokenize", *args],
        input=stdin, capture_output=True, timeout=180, cwd=ROOT, env=env,
    )  # fmt: skip


def _reference(model: Path, text: str) -> list[int]:
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(model), vocab_only=True, verbose=False)
    try:
        return list(llm.tokenize(text.encode(), add_bos=False, special=False))
    finally:
        llm.close()


def test_json_shape_and_ids(starter_model: Path) -> None:
    done = _run([bytes(starter_model), MIXED.encode(), b"--json"])
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout)
    assert set(out) == {"count", "tokens"}
    assert all(set(t) == {"id", "text"} for t in out["tokens"])
    assert [t["id"] for t in out["tokens"]] == _reference(starter_model, MIXED)
    assert out["count"] == len(out["tokens"])
    texts = [t["text"] for t in out["tokens"]]
    assert texts[0] == "Hello" and " café" in texts
    assert "\\xe4\\xb8" in texts  # the first bytes of 世, alone not UTF-8: escaped


def test_terminal_view_and_standard_input(starter_model: Path) -> None:
    done = _run([bytes(starter_model), b"-", b"--ids"], stdin="the cat 猫".encode())
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "|" in out and "(" in out  # not a terminal: split by '|', ids after each token
    assert "characters per token" in out and "\x1b[" not in out


def test_text_that_is_not_utf8_is_refused_before_loading(starter_model: Path) -> None:
    done = _run([bytes(starter_model), b"caf\xe9"])
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "The text is not valid UTF-8 (byte 0xE9)" in err and "Traceback" not in err


def test_the_views() -> None:
    assert piece_text(b"\xe4\xb8") == "\\xe4\\xb8"
    assert piece_text(" café".encode()) == " café"
    tokens = [(1, "a"), (2, "\n"), (3, "b")]
    assert show(tokens, colour=False, ids=True) == "a(1)|\\n(2)\n|b(3)"
    coloured = show(tokens, colour=True, ids=False)
    assert coloured.count("\x1b[0m") == 3 and "\x1b[30;43ma" in coloured
    assert summary(4, 10) == "4 tokens, 10 characters, 2.50 characters per token"
    assert summary(0, 0) == "0 tokens, 0 characters, - characters per token"
