"""`hearth models …` run as a person runs it: real subprocesses against the local Hub stand-in.

The stand-in (tests/hub_server.py) runs in this process; the CLI reaches it through --endpoint or
the hub.endpoint setting, and its request log shows what the CLI asked for (nothing, offline).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from gguf_factory import write_not_gguf
from hub_server import (
    EVIL_REPO,
    GATED_REPO,
    GATED_TOKEN,
    SHARD_REPO,
    SMOLLM_FILE,
    SMOLLM_REPO,
    TINY_REPO,
    HubServer,
)

from desktop_app.cli_output import ProgressLine, progress_text
from desktop_app.core.models.catalog import load_catalog
from desktop_app.core.models.downloads import STAGING_DIR
from desktop_app.core.models.starter import STARTER_SHA256
from desktop_app.core.storage.paths import app_paths

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "desktop_app"]
SMOLLM_NAME = SMOLLM_FILE.removesuffix(".gguf")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_ENDPOINT", "HF_HUB_OFFLINE")}
    return {**env, "PYTHONUNBUFFERED": "1"}


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )


def on_a_terminal(typed: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run with standard input on a pseudo-terminal, where `typed` is what the person types."""
    main, child = pty.openpty()
    try:
        proc = subprocess.Popen(
            [*CLI, *args], stdin=child, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=ROOT, env=_env(),
        )  # fmt: skip
        os.write(main, typed.encode())
        out, errors = proc.communicate(timeout=60)
    finally:
        os.close(main)
        os.close(child)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, errors)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The run failed with exit 1 and said why in exactly one "error:" line."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def write_settings(**values: object) -> None:
    settings = app_paths().settings_file
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"schema_version": 2, **values}), encoding="utf-8")


@pytest.fixture
def models_dir() -> Path:
    return app_paths().models_dir


# --------------------------------------------------------------------------- the library


def test_list_empty_then_with_a_model_a_broken_file_and_a_default(
    starter_model: Path, models_dir: Path
) -> None:
    done = cli("models", "list")
    assert done.returncode == 0, done.stderr
    assert "No models installed" in done.stdout and "models pull" in done.stdout

    models_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(starter_model, models_dir / SMOLLM_FILE)
    write_not_gguf(models_dir / "page.gguf", "html")
    assert cli("models", "default", SMOLLM_NAME).returncode == 0
    done = cli("models", "list")
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.splitlines()[:2]
    assert header.split() == ["NAME", "QUANT", "PARAMS", "SIZE", "CONTEXT", "FIT", "(4096", "ctx)"]
    assert row.split()[:7] == ["*", SMOLLM_NAME, "Q4_1", "135M", "98.4", "MB", "8192"]
    assert "fits" in row  # this machine: "fits in RAM (CPU)" or on the GPU
    assert "* default model" in done.stdout
    assert re.search(r"page\s+\(.*page\.gguf\)\n\s+.*not a GGUF", done.stdout), done.stdout

    data = json.loads(cli("models", "list", "--json", "--ctx", "2048").stdout)
    assert data["n_ctx"] == 2048
    by_name = {m["name"]: m for m in data["models"]}
    smol = by_name[SMOLLM_NAME]
    assert smol["default"] is True and smol["quantization"] == "Q4_1"
    assert smol["context_length"] == 8192 and smol["chat_template"] is True
    assert smol["fit"]["verdict"] in ("cpu", "gpu", "partial")
    assert by_name["page"]["error_kind"] == "not_gguf" and by_name["page"]["fit"] is None


def test_import_copies_or_uses_in_place_and_refuses_a_bad_file(
    starter_model: Path, models_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "downloads"
    outside.mkdir()
    src = outside / "my-smol.gguf"
    os.link(starter_model, src)  # same bytes, no 98 MB copy for the source
    done = cli("models", "import", str(src))
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == models_dir / "my-smol.gguf"
    assert sha256(models_dir / "my-smol.gguf") == STARTER_SHA256
    assert "98.4 MB of 98.4 MB (100%)" in done.stderr  # the progress line ended at the total
    again = cli("models", "import", str(src))  # the name is taken now
    assert "already in the models folder" in one_error_line(again)

    in_place = outside / "kept-here.gguf"
    os.link(starter_model, in_place)
    done = cli("models", "import", str(in_place), "--in-place")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(in_place)
    listed = json.loads(cli("models", "list", "--json").stdout)["models"]
    assert {m["name"]: m["source"] for m in listed} == {
        "kept-here": "imported",
        "my-smol": "models",
    }

    bad = write_not_gguf(outside / "page.gguf", "html")
    assert "not a GGUF" in one_error_line(cli("models", "import", str(bad)))
    assert "not found" in one_error_line(cli("models", "import", str(outside / "none.gguf")))
    assert sorted(p.name for p in models_dir.iterdir()) == ["my-smol.gguf"]


def test_rm_asks_on_a_terminal_needs_yes_elsewhere_and_refuses_ambiguous_names(
    starter_model: Path, models_dir: Path
) -> None:
    models_dir.mkdir(parents=True, exist_ok=True)
    for name in ("smol-a.gguf", "smol-b.gguf"):
        os.link(starter_model, models_dir / name)
    done = cli("models", "rm", "smol", "--yes")
    assert done.returncode == 1
    assert "matches 2 models" in done.stderr
    assert "smol-a" in done.stderr and "smol-b" in done.stderr  # the candidates
    done = cli("models", "rm", "smol-a")  # stdin is not a terminal: no prompt
    assert done.returncode == 2 and "pass --yes" in done.stderr
    assert (models_dir / "smol-a.gguf").exists()
    done = on_a_terminal("n\n", "models", "rm", "smol-a")  # a person says no
    assert done.returncode == 1 and "Delete smol-a (98.4 MB) from disk?" in done.stderr
    assert (models_dir / "smol-a.gguf").exists()
    done = on_a_terminal("y\n", "models", "rm", "smol-a")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(models_dir / "smol-a.gguf")
    assert sorted(p.name for p in models_dir.iterdir()) == ["smol-b.gguf"]
    assert "No installed model" in one_error_line(cli("models", "rm", "smol-a", "--yes"))
    done = cli("models", "rm", "smol-b", "--yes")
    assert done.returncode == 0, done.stderr
    assert "deleted smol-b" in done.stderr and list(models_dir.iterdir()) == []


def test_catalog_shows_a_pick_per_entry() -> None:
    done = cli("models", "catalog", "zh", "--json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert entries and all("zh" in e["languages"] for e in entries)
    small = next(e for e in entries if e["id"] == "qwen2.5-0.5b-instruct")
    assert small["recommended"]["quant"] in [f["quant"] for f in small["files"]]
    table = cli("models", "catalog").stdout
    assert re.search(r"smollm2-135m-instruct\s+134\.5M\s+en\s+Q\w+", table), table


def test_progress_line_rewrites_itself_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    line = ProgressLine(out, quiet=False)
    line.show(0, 1000, 0.0, None)  # nothing yet: nothing shown
    line.show(500_000, 1_000_000, 250_000.0, 2.0)
    line.show(1_000_000, 1_000_000, 250_000.0, 0.0)  # the end is always drawn
    line.note("done")
    assert out.getvalue() == (
        "\r\x1b[K500.0 kB of 1.0 MB (50%), 250.0 kB/s, ETA 2 s"
        "\r\x1b[K1.0 MB of 1.0 MB (100%), 250.0 kB/s, ETA 0 s\ndone\n"
    )
    assert progress_text(5, None, 0.0, None, "Retrying in 2 s") == "5 B - Retrying in 2 s"


# --------------------------------------------------------------------------- the Hub


def test_search_and_files_against_the_stand_in(hub_server: HubServer) -> None:
    write_settings(hub={"endpoint": hub_server.endpoint})  # the setting, not --endpoint
    done = cli("models", "search", "")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["REPO", "DOWNLOADS", "LIKES", "UPDATED", "PARAMS"]
    repos = [line.split()[0] for line in lines[1:]]
    assert repos[:2] == [SMOLLM_REPO, TINY_REPO]  # most downloaded first
    assert "someone/not-a-gguf-repo" not in repos
    assert f"{GATED_REPO} (gated)" in done.stdout
    by_likes = json.loads(cli("models", "search", "model", "--sort", "likes", "--json").stdout)
    assert by_likes[0]["repo_id"] == TINY_REPO
    assert all("model" in h["repo_id"].lower() for h in by_likes)

    done = cli("models", "files", TINY_REPO)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert re.search(r"Q4_K_M\s+tiny-model-Q4_K_M\.gguf\s+300\.0 kB\s+fits", text), text
    assert re.search(r"IQ4_XS\s+tiny-model-IQ4_XS\.gguf\s+280\.0 kB", text)
    marked = [line for line in text.splitlines() if line.startswith("*  ")]
    assert len(marked) == 1
    quant = marked[0].split()[1]
    assert f"* recommended for this machine: {quant}" in text
    assert "Vision projectors" in text and "mmproj-tiny-model-F16.gguf" in text

    shards = cli("models", "files", SHARD_REPO)
    assert re.search(r"Q4_K_M\s+big-model-Q4_K_M \(3 files\)\s+500\.0 kB", shards.stdout)
    assert "incomplete shard set" in shards.stdout
    evil = cli("models", "files", EVIL_REPO)
    assert "refused unsafe file name" in evil.stdout and "ok-Q4_0.gguf" in evil.stdout
    data = json.loads(cli("models", "files", SMOLLM_REPO, "--json").stdout)
    (model,) = data["models"]
    assert model["quant"] == "Q4_1" and model["recommended"] is True
    assert model["files"][0]["sha256"] == STARTER_SHA256


def test_pull_interrupted_by_ctrl_c_resumes_and_the_model_runs(
    hub_server: HubServer, models_dir: Path
) -> None:
    hub_server.set_fault(file=SMOLLM_FILE, throttle=4_000_000)
    args = ["models", "pull", SMOLLM_REPO, "--endpoint", hub_server.endpoint]
    errors: list[str] = []
    progressing = threading.Event()
    proc = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=_env(), stdin=subprocess.DEVNULL,
    )  # fmt: skip

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            errors.append(line)
            if re.search(r"MB of 98\.4 MB \(\d+%\)", line):
                progressing.set()

    with proc:
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            assert progressing.wait(60), "".join(errors)
            proc.send_signal(signal.SIGINT)  # Ctrl+C mid-download
            assert proc.wait(30) == 130
        finally:
            proc.kill()
        reader.join(5)
    assert "paused; run the same command again to resume" in "".join(errors)
    (part,) = (models_dir / STAGING_DIR).glob(f"*/files/{SMOLLM_FILE}.part")
    kept = part.stat().st_size
    assert 0 < kept < 98_362_432
    assert not (models_dir / SMOLLM_FILE).exists()

    hub_server.clear_faults()
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    assert "resuming" in done.stderr and "sha256 verified" in done.stderr
    path = Path(done.stdout.strip())
    assert path == models_dir / SMOLLM_FILE
    assert sha256(path) == STARTER_SHA256
    ranges = [
        r.headers.get("Range")
        for r in hub_server.requests
        if r.server == "cdn" and STARTER_SHA256 in r.path
    ]
    assert ranges[0] is None and ranges[-1] == f"bytes={kept}-"
    assert not (models_dir / STAGING_DIR).exists()

    again = cli(*args)  # already there: says so, no download
    assert again.returncode == 0 and "already in the models folder" in again.stderr

    run = cli("run", SMOLLM_NAME, "Say hello.", "-n", "4", "-c", "512", "--seed", "1", "-q")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()


def test_pull_picks_by_quant_by_recommendation_or_from_the_catalog(
    hub_server: HubServer, models_dir: Path, starter_model: Path
) -> None:
    endpoint = ["--endpoint", hub_server.endpoint]
    done = cli("models", "pull", f"{TINY_REPO}:q4_k_m", *endpoint)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == models_dir / "tiny-model-Q4_K_M.gguf"
    assert sha256(models_dir / "tiny-model-Q4_K_M.gguf") == (
        hub_server.file(TINY_REPO, "tiny-model-Q4_K_M.gguf").blob.sha256
    )
    done = cli("models", "pull", f"{TINY_REPO}:tiny-model.Q4_1.gguf", *endpoint)
    assert Path(done.stdout.strip()) == models_dir / "tiny-model.Q4_1.gguf"

    done = cli("models", "pull", TINY_REPO, *endpoint)  # no choice: the recommended one
    assert done.returncode == 0, done.stderr
    picked = re.search(r"picked (\S+), recommended for this machine", done.stderr)
    assert picked, done.stderr
    assert Path(done.stdout.strip()).name == f"tiny-model-{picked[1]}.gguf"

    done = cli("models", "pull", f"{SHARD_REPO}:Q4_K_M", *endpoint)
    assert done.returncode == 0, done.stderr
    folder = models_dir / "big-model-Q4_K_M"
    assert Path(done.stdout.strip()) == folder / "big-model-Q4_K_M-00001-of-00003.gguf"
    assert len(list(folder.iterdir())) == 3

    catalog = load_catalog()
    entry, file = catalog.starter(), catalog.starter_file()
    hub_server.add_repo(entry.repo, {file.file: starter_model})
    done = cli("models", "pull", f"{entry.id}:{file.quant}", *endpoint)
    assert done.returncode == 0, done.stderr
    assert sha256(Path(done.stdout.strip())) == STARTER_SHA256
    assert "not a catalog id" not in done.stderr
    assert "catalog" in one_error_line(cli("models", "pull", "no-such-entry", *endpoint))


def test_offline_makes_zero_requests(hub_server: HubServer) -> None:
    write_settings(offline=True, hub={"endpoint": hub_server.endpoint})
    for args in (
        ["search", "qwen"],
        ["files", TINY_REPO],
        ["pull", f"{TINY_REPO}:Q4_K_M"],
        ["pull", "smollm2-135m-instruct"],
    ):
        line = one_error_line(cli("models", *args))
        assert "Offline mode" in line and "setting" in line
    write_settings(hub={"endpoint": hub_server.endpoint})
    line = one_error_line(cli("models", "pull", SMOLLM_REPO, "--offline"))
    assert "--offline" in line
    assert hub_server.requests == []
    assert cli("models", "list").returncode == 0  # the library works offline


def test_hub_errors_are_one_line(hub_server: HubServer, models_dir: Path) -> None:
    endpoint = ["--endpoint", hub_server.endpoint]
    line = one_error_line(cli("models", "files", "nobody/no-such-repo", *endpoint))
    assert "No repo 'nobody/no-such-repo'" in line
    one_error_line(cli("models", "pull", "nobody/no-such-repo:Q4_K_M", *endpoint))
    line = one_error_line(cli("models", "pull", GATED_REPO, *endpoint))
    assert "gated" in line and "--token" in line
    assert not any(r.server == "cdn" for r in hub_server.requests)  # refused before downloading
    done = cli("models", "pull", GATED_REPO, *endpoint, "--token", "hf_wrong")
    assert done.returncode == 1  # after its "downloading …" note, the Hub's refusal:
    assert done.stderr.count("error:") == 1 and "no access" in done.stderr.splitlines()[-1]
    assert not (models_dir / STAGING_DIR).exists()  # nothing left behind
    done = cli("models", "pull", GATED_REPO, *endpoint, "--token", GATED_TOKEN)
    assert done.returncode == 0, done.stderr
    assert "has no model or quantization named 'Q3'" in one_error_line(
        cli("models", "pull", f"{TINY_REPO}:Q3", *endpoint)
    )
    assert "not a web address" in one_error_line(
        cli("models", "search", "x", "--endpoint", "ftp://example.org")
    )
