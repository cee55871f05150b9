"""Download throughput: the app's downloader beside huggingface_hub's hf_hub_download, same file,
same local Hub stand-in (tests/hub_server.py, in a process of its own), rounds alternating.

Prints MB/s for both (median of the rounds) and the ratio app / reference (goal: >= 0.9). Each
round times one whole download from the resolve request to the file in place; the app's also
includes hashing every byte (sha256, checked against the Hub's LFS metadata), which
hf_hub_download does not do.

    python bench/download.py [--model PATH] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.core.models.downloads import Downloader, DownloadState
from desktop_app.core.models.hub import HubClient, HubConfig, HubModel
from desktop_app.core.models.starter import STARTER_SHA256, ensure_starter_model, sha256_of

ROOT = Path(__file__).resolve().parents[1]
REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def start_stand_in(model: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "hub_server.py"), "--model", str(model)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"the stand-in did not start: {line!r}")
    return proc, line.split(" ", 1)[1]


def app_round(config: HubConfig, model: HubModel, revision: str, work: Path) -> float:
    models = work / "app-models"
    dl = Downloader(models, config)
    started = time.perf_counter()
    job = dl.add(REPO, model, revision=revision)
    status = dl.wait(job, timeout=600)
    elapsed = time.perf_counter() - started
    dl.close()
    assert status.state == DownloadState.DONE, status.message
    assert status.path is not None and status.path.stat().st_size == model.size
    shutil.rmtree(models)
    return elapsed


def reference_round(endpoint: str, work: Path, check: bool) -> float:
    from huggingface_hub import hf_hub_download

    cache = work / "hf-cache"
    started = time.perf_counter()
    path = hf_hub_download(REPO, FILE, endpoint=endpoint, cache_dir=cache, token=False)
    elapsed = time.perf_counter() - started
    if check:
        assert sha256_of(Path(path)) == STARTER_SHA256
    shutil.rmtree(cache)
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read when huggingface_hub loads
    model_path = args.model or ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    size = model_path.stat().st_size
    proc, endpoint = start_stand_in(model_path)
    work = Path(tempfile.mkdtemp(prefix="bench-download-"))
    try:
        config = HubConfig(endpoint=endpoint)
        repo = HubClient(config).repo_files(REPO)
        model = repo.select(FILE)
        print(f"file {FILE}, {size / 1e6:.1f} MB, from the local stand-in at {endpoint}; "
              f"{args.rounds} rounds, alternating")  # fmt: skip
        app_round(config, model, repo.revision, work)  # warm both: imports, page cache
        reference_round(endpoint, work, check=True)
        app: list[float] = []
        ref: list[float] = []
        for _ in range(args.rounds):
            app.append(app_round(config, model, repo.revision, work))
            ref.append(reference_round(endpoint, work, check=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(10)

    a_mbs = size / 1e6 / statistics.median(app)
    r_mbs = size / 1e6 / statistics.median(ref)
    print(f"{'':24}{'app downloader':>16}{'hf_hub_download':>17}{'ratio':>8}")
    print(
        f"{'throughput MB/s':24}{a_mbs:16.0f}{r_mbs:17.0f}{a_mbs / r_mbs:8.2f}   (higher is better)"
    )
    print(f"{'rounds (s)':24}{' '.join(f'{t:.2f}' for t in app):>16}  "
          f"{' '.join(f'{t:.2f}' for t in ref)}")  # fmt: skip
    print("the app also computes and checks sha256 over every byte; hf_hub_download does not")
    print(f"goal (ratio >= 0.9): {'met' if a_mbs / r_mbs >= 0.9 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
