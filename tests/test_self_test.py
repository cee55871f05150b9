"""`hearth --self-test`: run as a user runs it (a fresh process), against the real model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop_app.self_test import FAILED, PASSED


def _self_test(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("HEARTH_QUIT_AFTER_SHOW", None)
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def test_self_test_passes_with_the_starter_model_and_the_window(
    starter_model: Path, _isolated_home: Path
) -> None:
    done = _self_test("--self-test", str(starter_model), "--gui")
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert out.rstrip().endswith(PASSED)
    assert "Backends: CPU" in out  # the hardware report, as `hearth info` prints it
    assert f"Model: {starter_model} (given" in out
    assert "Load: " in out and " on CPU, 0/" in out
    generated = next(line for line in out.splitlines() if line.startswith("Generate: "))
    assert "seed 42" in generated and " tokens" in generated
    assert "Window: shown in " in out and "(platform offscreen)" in out
    # the app's folders were the isolated ones (HEARTH_HOME), and they were written
    assert f"Settings: {_isolated_home / 'config' / 'settings.json'}" in out
    assert (_isolated_home / "data" / "models").is_dir()


def test_a_file_that_is_not_a_model_fails_with_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("this is not a model\n" * 50, encoding="utf-8")
    done = _self_test("--self-test", str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    last = done.stdout.rstrip().splitlines()[-1]
    assert last.startswith(f"{FAILED}: load: ")
    assert "GGUF" in last  # says what is wrong with the file
    assert "Backends:" in done.stdout  # the hardware report came first


def test_a_missing_model_fails_before_the_engine_starts(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "model.gguf"
    done = _self_test("--self-test", str(missing), timeout=120)
    assert done.returncode == 1
    assert done.stdout.rstrip().splitlines()[-1] == f"{FAILED}: model: no such file: {missing}"


def test_gui_alone_is_a_usage_error() -> None:
    done = _self_test("--gui", timeout=60)
    assert done.returncode == 2
    assert "--gui goes with --self-test" in done.stderr


def test_help_lists_the_self_test() -> None:
    done = _self_test("--help", timeout=60)
    assert done.returncode == 0
    assert "--self-test [MODEL]" in done.stdout
