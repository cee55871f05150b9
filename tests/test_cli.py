"""`hearth` as a new user runs it: info, run, chat, and readable errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from gguf_factory import write_not_gguf

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "desktop_app"]


def cli(
    *args: str, input: str | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, input=input, timeout=timeout, cwd=ROOT
    )


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("hearth")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for command in ("run", "chat", "info"):
        assert command in done.stdout


def test_info_prints_the_hardware_report() -> None:
    done = cli("info")
    assert done.returncode == 0, done.stderr
    assert "Backends: CPU" in done.stdout
    assert "GPU offload: not possible" in done.stdout  # and says why
    assert "RAM:" in done.stdout


def test_info_with_a_model_prints_its_metadata(starter_model: Path) -> None:
    done = cli("info", str(starter_model))
    assert done.returncode == 0, done.stderr
    assert "Architecture:   llama" in done.stdout
    assert "Quantization:   Q4_1" in done.stdout
    assert "Trained ctx:    8192" in done.stdout


def test_readable_errors_for_a_wrong_path_and_a_non_gguf_file(tmp_path: Path) -> None:
    done = cli("run", str(tmp_path / "missing.gguf"), "hi")
    assert done.returncode == 1
    assert done.stderr.startswith("error: Model file not found")
    assert "Traceback" not in done.stderr
    html = write_not_gguf(tmp_path / "page.gguf", "html")
    done = cli("info", str(html))
    assert done.returncode == 1
    assert "error:" in done.stderr and "not a GGUF" in done.stderr
    assert "Traceback" not in done.stderr
    done = cli("run", str(html), "hi")
    assert done.returncode == 1 and "not a GGUF" in done.stderr


def test_run_streams_an_answer_and_repeats_with_the_same_seed(starter_model: Path) -> None:
    args = (
        "run",
        str(starter_model),
        "Name three colors.",
        "--seed",
        "9",
        "-n",
        "24",
        "-c",
        "1024",
    )
    first = cli(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip()
    assert "tok/s" in first.stderr and "seed 9" in first.stderr
    second = cli(*args, "--quiet")
    assert second.stdout == first.stdout
    assert second.stderr == ""


def test_chat_keeps_history_and_quits(starter_model: Path) -> None:
    done = cli(
        "chat", str(starter_model), "--seed", "3", "-n", "16", "-c", "1024",
        input="My name is Ada.\nWhat is my name?\n/exit\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("> ") >= 3
    assert done.stderr.count(" tokens, ") == 2  # one stats line per answer


def test_ctrl_c_stops_the_answer_not_the_chat(starter_model: Path, tmp_path: Path) -> None:
    # seed 1 makes this prompt run past 400 tokens: Ctrl+C surely lands mid-answer
    with (
        open(tmp_path / "stderr.txt", "w+") as errors,
        subprocess.Popen(
            [*CLI, "chat", str(starter_model), "-n", "2000", "-c", "4096", "--temp", "1.0",
             "--seed", "1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        ) as proc,
    ):  # fmt: skip
        assert proc.stdin and proc.stdout
        started = threading.Event()
        out: list[str] = []

        def read() -> None:
            assert proc.stdout
            while ch := proc.stdout.read(1):
                out.append(ch)
                if len("".join(out).split("> ", 1)[-1]) > 20:
                    started.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            proc.stdin.write("Tell me a very long story about the sea.\n")
            proc.stdin.flush()
            assert started.wait(120), "no answer streamed"
            proc.send_signal(signal.SIGINT)
            proc.stdin.write("Say hi.\n/exit\n")
            proc.stdin.flush()
            proc.stdin.close()
            code = proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
            reader.join(10)
        errors.seek(0)
        err = errors.read()
    assert code == 0, err[-2000:]
    assert "[stopped]" in err
    assert err.count(" tokens, ") == 2  # the stopped answer and the next one
    first = err.split(" tokens, ")[0].rsplit("[", 1)[1]
    assert int(first) < 400, "the answer stopped early, at Ctrl+C"
