"""`hearth models files REPO`: each file's memory, predicted speed, tier and reason, against the
local Hub stand-in, from this machine's kept speed figures (speed.py's cache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from hub_server import SMOLLM_REPO, TINY_REPO, HubServer

from desktop_app.core.models.speed import MachineSpeed, keep_speed, machine_facts, speed_file

ROOT = Path(__file__).resolve().parents[1]


def _files(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_ENDPOINT", "HF_HUB_OFFLINE")}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "models", "files", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _keep_figures() -> None:
    """This machine's figures as if measured: 18 GB/s, 0.1 ms per layer, 1e10 param-tokens/s,
    10-20 GB/s of weights by width, 5 ns per vocabulary entry (no probe runs)."""
    speed = MachineSpeed(
        bandwidth=18e9, threads=2, cores=2, facts=machine_facts(), measured_at=time.time(),
        layer_overhead_s=1e-4, prompt_rate=1e10, gen_rate=1e10,
        width_rates=((512, 10e9), (1024, 15e9), (2048, 20e9)), vocab_overhead_s=5e-9,
    )  # fmt: skip
    keep_speed(speed, speed_file())


def test_files_show_memory_speed_tier_and_reason(hub_server: HubServer) -> None:
    _keep_figures()
    done = _files(SMOLLM_REPO, "--endpoint", hub_server.endpoint, "--ctx", "4096")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    head = next(line for line in lines if "QUANT" in line).split()
    assert head[-4:] == ["RAM", "SPEED", "TIER", "WHY"] or "VRAM" in head
    row = next(line for line in lines if "Q4_1" in line)
    assert "tok/s" in row and " good " in row and "About " in row and "on the CPU." in row

    huge = _files(TINY_REPO, "--endpoint", hub_server.endpoint, "--ctx", "4000000")
    assert huge.returncode == 0, huge.stderr
    rows = [r for r in huge.stdout.splitlines() if "tiny-model-" in r and "mmproj" not in r]
    assert rows and all("won't fit" in r and "-token context; this computer has" in r for r in rows)
    assert all(" - " in r and "tok/s" not in r for r in rows)  # no speed for what cannot load

    data = json.loads(_files(SMOLLM_REPO, "--endpoint", hub_server.endpoint, "--json").stdout)
    (model,) = data["models"]
    advice = model["advice"]
    assert advice["tier"] == "good" and advice["tokens_per_s"] > 10
    assert advice["ram_bytes"] > 98_000_000 and advice["prompt_tokens_per_s"] > 0
    assert advice["reason"].startswith("About ")
