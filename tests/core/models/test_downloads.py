"""The downloader against the local Hub stand-in: resume, verify, faults, and a real model at the end."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_server import (
    GATED_REPO,
    GATED_TOKEN,
    SHARD_REPO,
    SMOLLM_FILE,
    SMOLLM_REPO,
    TINY_REPO,
    UNSAFE_NAMES,
    HubServer,
    fake_gguf,
)

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import ChatRequest, LoadParams
from desktop_app.core.models import net
from desktop_app.core.models.downloads import (
    STAGING_DIR,
    Downloader,
    DownloadEvent,
    DownloadState,
    DownloadStatus,
    RetryPolicy,
)
from desktop_app.core.models.hub import HubClient, HubConfig, HubFile, HubModel, RepoFiles
from desktop_app.core.models.hub_errors import (
    AlreadyExistsError,
    DiskFullError,
    OfflineError,
    UnsafeFileNameError,
)
from desktop_app.core.models.starter import STARTER_SHA256
from desktop_app.core.storage.paths import app_paths

FAST_RETRY = RetryPolicy(attempts=4, base=0.05, cap=0.2)
BIG = "big-one-Q2_K.gguf"  # 2 MB in the tiny repo


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def visible_files(models_dir: Path) -> list[Path]:
    """What a person (or the library scan) sees in the models folder: not the staging area."""
    if not models_dir.exists():
        return []
    return sorted(p for p in models_dir.rglob("*") if p.is_file() and STAGING_DIR not in p.parts)


class Recorder:
    """Collects events and lets a test wait for one (events come from worker threads)."""

    def __init__(self) -> None:
        self.events: list[DownloadEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: DownloadEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(
        self, check: Callable[[DownloadEvent], bool], timeout: float = 30
    ) -> DownloadEvent:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for e in self.events:
                    if check(e):
                        return e
                left = deadline - time.monotonic()
                assert left > 0, f"no such event; got {[e.kind for e in self.events]}"
                self._cond.wait(left)

    def kinds(self) -> list[str]:
        with self._cond:
            return [e.kind for e in self.events]


@pytest.fixture
def models_dir() -> Path:
    return app_paths().models_dir


@pytest.fixture
def make_downloader(
    hub_config: HubConfig, models_dir: Path
) -> Iterator[Callable[..., tuple[Downloader, Recorder]]]:
    made: list[Downloader] = []

    def make(config: HubConfig | None = None, **kwargs: Any) -> tuple[Downloader, Recorder]:
        recorder = Recorder()
        kwargs.setdefault("retry", FAST_RETRY)
        kwargs.setdefault("timeouts", net.Timeouts(connect=5, read=5))
        dl = Downloader(models_dir, config or hub_config, on_event=recorder, **kwargs)
        made.append(dl)
        return dl, recorder

    yield make
    for dl in made:
        dl.close()


def listing(config: HubConfig, repo_id: str) -> RepoFiles:
    return HubClient(config).repo_files(repo_id)


def range_starts(hub: HubServer, name_sha: str) -> list[str | None]:
    return [
        r.headers.get("Range") for r in hub.requests if r.server == "cdn" and name_sha in r.path
    ]


# --------------------------------------------------------------------------- the real model


def test_pull_survives_a_dropped_connection_then_loads_and_generates(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
    bare_engine: EngineClient,
) -> None:
    hub_server.set_fault(file=SMOLLM_FILE, drop_after=30_000_000, times=1)
    repo = listing(hub_config, SMOLLM_REPO)
    model = repo.select("Q4_1")
    assert model.first_file.sha256 == STARTER_SHA256
    dl, events = make_downloader()
    job = dl.add(repo.repo_id, model, revision=repo.revision)
    status = dl.wait(job, timeout=120)
    assert status.state == DownloadState.DONE, status.message
    assert status.path == models_dir / SMOLLM_FILE
    assert sha256(status.path) == STARTER_SHA256
    assert status.bytes_done == status.bytes_total == model.size
    assert "retrying" in events.kinds()
    starts = range_starts(hub_server, STARTER_SHA256)
    assert starts[0] is None and starts[1] is not None
    assert int(starts[1].removeprefix("bytes=").rstrip("-")) >= 30_000_000 - (1 << 20)
    assert visible_files(models_dir) == [status.path]
    assert not (models_dir / STAGING_DIR).exists()

    bare_engine.load(LoadParams(str(status.path), n_ctx=512, n_threads=2)).result(timeout=120)
    messages = [{"role": "user", "content": "Say hello."}]
    assert bare_engine.chat(ChatRequest.of(messages, seed=1, max_tokens=8)).text(timeout=60)


# --------------------------------------------------------------------------- resume


def test_pause_restart_and_resume_end_with_the_right_file(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    hub_server.set_fault(file=BIG, throttle=2_000_000)
    repo = listing(hub_config, TINY_REPO)
    dl, events = make_downloader()
    job = dl.add(repo.repo_id, repo.select(BIG), revision=repo.revision)
    events.wait_for(lambda e: e.status.bytes_done >= 300_000)
    dl.pause(job)
    paused = dl.wait(job, timeout=5)
    assert paused.state == DownloadState.PAUSED
    assert 0 < paused.bytes_done < 2_000_000
    dl.close()  # the app quits
    saved = json.loads((models_dir / STAGING_DIR / job / "job.json").read_text())
    assert saved["files"][0]["sha256"] == hub_server.file(TINY_REPO, BIG).blob.sha256
    assert visible_files(models_dir) == []

    hub_server.clear_faults()
    again, _ = make_downloader()  # the app starts again
    (restored,) = again.jobs()
    assert restored.job_id == job and restored.state == DownloadState.PAUSED
    assert (
        restored.bytes_done
        == (models_dir / STAGING_DIR / job / "files" / f"{BIG}.part").stat().st_size
    )
    assert restored.bytes_done >= paused.bytes_done
    again.resume(job)
    done = again.wait(job, timeout=30)
    assert done.state == DownloadState.DONE, done.message
    assert sha256(models_dir / BIG) == hub_server.file(TINY_REPO, BIG).blob.sha256
    assert range_starts(hub_server, hub_server.file(TINY_REPO, BIG).blob.sha256)[-1] == (
        f"bytes={restored.bytes_done}-"
    )


def test_a_file_changed_on_the_hub_starts_over(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    hub_server.set_fault(file=BIG, throttle=2_000_000)
    model = listing(hub_config, TINY_REPO).select(BIG)
    dl, events = make_downloader()
    job = dl.add(TINY_REPO, model, revision="main")  # not pinned to a commit
    events.wait_for(lambda e: e.status.bytes_done >= 200_000)
    dl.pause(job)
    assert dl.wait(job, timeout=5).state == DownloadState.PAUSED
    hub_server.clear_faults()
    new = fake_gguf(1_500_000, 99)
    hub_server.update_file(TINY_REPO, BIG, new)
    dl.resume(job)
    done = dl.wait(job, timeout=30)
    assert done.state == DownloadState.DONE, done.message
    assert (models_dir / BIG).read_bytes() == new
    assert done.bytes_total == 1_500_000


# --------------------------------------------------------------------------- verification


def test_a_checksum_mismatch_is_rejected_and_leaves_nothing(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    hub_server.set_fault(file="tiny-model-Q8_0.gguf", corrupt=True)
    repo = listing(hub_config, TINY_REPO)
    dl, _ = make_downloader()
    job = dl.add(repo.repo_id, repo.select("Q8_0"), revision=repo.revision)
    status = dl.wait(job, timeout=30)
    assert status.state == DownloadState.FAILED
    assert status.error is not None and status.error.kind == "checksum_mismatch"
    assert "checksum mismatch" in status.message
    assert not status.resumable
    assert visible_files(models_dir) == []
    assert not (models_dir / STAGING_DIR).exists()


def test_retries_server_errors_and_stalls_then_gives_up_resumably(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    repo = listing(hub_config, TINY_REPO)
    hub_server.set_fault(file="tiny-model-Q4_K_M.gguf", status=503, times=2)
    hub_server.set_fault(file="tiny-model-Q4_K_M.gguf", hang=True, times=1)
    dl, events = make_downloader(timeouts=net.Timeouts(connect=5, read=0.5))
    job = dl.add(repo.repo_id, repo.select("Q4_K_M"), revision=repo.revision)
    status = dl.wait(job, timeout=30)
    assert status.state == DownloadState.DONE, status.message
    retries = [e.status.message for e in events.events if e.kind == "retrying"]
    assert len(retries) == 3
    assert "busy or failing (503)" in retries[0] and "Retrying in" in retries[0]
    assert "did not answer within 0.5 s" in retries[2]

    hub_server.set_fault(file="tiny-model-Q8_0.gguf", status=500)
    job = dl.add(repo.repo_id, repo.select("Q8_0"), revision=repo.revision)
    status = dl.wait(job, timeout=30)
    assert status.state == DownloadState.FAILED
    assert status.error is not None and status.error.kind == "network"
    assert "Gave up after 4 tries" in status.message and status.resumable


def test_missing_file_and_existing_target(
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    dl, _ = make_downloader()
    ghost = HubModel("gone-Q4_0.gguf", "Q4_0", (HubFile("gone-Q4_0.gguf", 10, None),))
    status = dl.wait(dl.add(TINY_REPO, ghost), timeout=30)
    assert status.state == DownloadState.FAILED
    assert status.error is not None and status.error.kind == "entry_not_found"
    assert "no longer in" in status.message

    models_dir.mkdir(parents=True, exist_ok=True)
    (models_dir / "tiny-model-F16.gguf").write_bytes(b"mine")
    with pytest.raises(AlreadyExistsError, match="already in the models folder"):
        dl.add(TINY_REPO, listing(hub_config, TINY_REPO).select("F16"))
    assert (models_dir / "tiny-model-F16.gguf").read_bytes() == b"mine"


# --------------------------------------------------------------------------- disk


def test_free_space_is_checked_before_the_start(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = listing(hub_config, SMOLLM_REPO).select("Q4_1")
    hub_server.clear_log()
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=50_000_000))
    dl, _ = make_downloader()
    with pytest.raises(DiskFullError, match="Not enough free disk space") as caught:
        dl.add(SMOLLM_REPO, model)
    assert "98.4 MB more, and 50.0 MB is free" in caught.value.message
    assert hub_server.requests == [] and dl.jobs() == []
    assert visible_files(models_dir) == []


def _try_tmpfs(where: Path, size: str) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


def test_a_full_disk_mid_write_is_reported_and_nothing_is_half_visible(
    hub_server: HubServer, hub_config: HubConfig, tmp_path: Path
) -> None:
    """A real full disk: a 1 MB tmpfs as the models folder, a 2 MB download."""
    small = tmp_path / "small-disk"
    if not _try_tmpfs(small, "1m"):
        pytest.skip(
            "cannot mount a tmpfs here (needs root on Linux); the size-limit test covers it"
        )
    try:
        dl = Downloader(
            small, hub_config, retry=FAST_RETRY, free_margin=-10_000_000
        )  # skip precheck
        job = dl.add(TINY_REPO, listing(hub_config, TINY_REPO).select(BIG))
        status = dl.wait(job, timeout=30)
        assert status.state == DownloadState.FAILED
        assert status.error is not None and status.error.kind == "disk_full"
        assert "The disk is full" in status.message and status.resumable
        assert visible_files(small) == []
        dl.cancel(job)  # the way out the message names: deletes the partial data
        assert dl.status(job).state == DownloadState.CANCELLED
        assert list(small.iterdir()) == []
        dl.close()
    finally:
        subprocess.run(["umount", str(small)], check=False)


SIZE_LIMIT_SCRIPT = """
import json, resource, signal, sys
from pathlib import Path
from desktop_app.core.models.downloads import Downloader, RetryPolicy
from desktop_app.core.models.hub import HubClient, HubConfig

endpoint, models = sys.argv[1], Path(sys.argv[2])
config = HubConfig(endpoint=endpoint)
model = HubClient(config).repo_files("test-org/Tiny-Model-GGUF").select("big-one-Q2_K.gguf")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (500_000, 500_000))
dl = Downloader(models, config, retry=RetryPolicy(attempts=2, base=0.05))
status = dl.wait(dl.add("test-org/Tiny-Model-GGUF", model), timeout=30)
print(json.dumps({"state": status.state.value, "kind": status.error.kind if status.error else None,
                  "message": status.message, "resumable": status.resumable}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_mid_write_is_reported(hub_server: HubServer, tmp_path: Path) -> None:
    models = tmp_path / "models"
    done = subprocess.run(
        [sys.executable, "-c", SIZE_LIMIT_SCRIPT, hub_server.endpoint, str(models)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["state"] == "failed" and result["kind"] == "disk_full", result
    assert "cannot take a file this large" in result["message"]
    assert result["resumable"]
    assert visible_files(models) == []


# --------------------------------------------------------------------------- safety


def test_offline_mode_makes_no_request_at_all(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = listing(hub_config, TINY_REPO)
    hub_server.set_fault(file=BIG, throttle=1_000_000)
    dl, events = make_downloader()
    job = dl.add(repo.repo_id, repo.select(BIG), revision=repo.revision)
    events.wait_for(lambda e: e.status.bytes_done > 100_000)
    offline = HubConfig(endpoint=hub_server.endpoint, offline=True)
    dl.set_config(offline)  # the user turns offline mode on: the download pauses
    paused = dl.wait(job, timeout=5)
    assert paused.state == DownloadState.PAUSED and "offline" in paused.message
    dl.close()
    hub_server.clear_log()

    def no_socket(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened in offline mode")

    monkeypatch.setattr(socket.socket, "connect", no_socket)
    monkeypatch.setattr(socket.socket, "connect_ex", no_socket)
    again, _ = make_downloader(offline)  # start-up with a paused download waiting
    assert [s.state for s in again.jobs()] == [DownloadState.PAUSED]
    with pytest.raises(OfflineError):
        again.resume(job)
    with pytest.raises(OfflineError):
        again.add(repo.repo_id, repo.select("Q8_0"))
    time.sleep(0.2)  # would any worker have started, it would have connected by now
    assert hub_server.requests == []
    assert [s.state for s in again.jobs()] == [DownloadState.PAUSED]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_file_names_are_refused_before_any_request(
    name: str,
    hub_server: HubServer,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
    tmp_path: Path,
) -> None:
    dl, _ = make_downloader()
    model = HubModel(name, "Q4_0", (HubFile(name, 1000, None),))
    with pytest.raises(UnsafeFileNameError, match=r"(?i)refused unsafe file name"):
        dl.add("evil/Traversal-GGUF", model)
    assert hub_server.requests == []
    assert not list(tmp_path.rglob("*evil*")) and not list(tmp_path.rglob("x.gguf"))
    sharded = HubModel(
        "../set",
        None,
        (HubFile("a-00001-of-00002.gguf", 1, None), HubFile("a-00002-of-00002.gguf", 1, None)),
    )
    with pytest.raises(UnsafeFileNameError):
        dl.add("evil/Traversal-GGUF", sharded)


def test_gated_repo_needs_a_token_and_the_token_stays_with_the_hub(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    repo = listing(hub_config, GATED_REPO)
    model = repo.select("Q4_0")
    dl, _ = make_downloader()
    status = dl.wait(dl.add(repo.repo_id, model, revision=repo.revision), timeout=30)
    assert status.state == DownloadState.FAILED
    assert status.error is not None and status.error.kind == "gated_repo"
    assert "This repo is gated: accept its terms on the Hub" in status.message
    assert "set a token" in status.message and status.resumable

    wrong = HubConfig(endpoint=hub_server.endpoint, token="hf_other")
    dl.set_config(wrong)
    dl.resume(status.job_id)
    status = dl.wait(status.job_id, timeout=30)
    assert status.error is not None and status.error.kind == "gated_repo"
    assert "your token has no access" in status.message

    dl.set_config(HubConfig(endpoint=hub_server.endpoint, token=GATED_TOKEN))
    dl.resume(status.job_id)
    status = dl.wait(status.job_id, timeout=30)
    assert status.state == DownloadState.DONE, status.message
    assert status.path is not None and status.path.read_bytes() == (
        hub_server.file(GATED_REPO, "gated-model-Q4_0.gguf").blob.data
    )
    last_hub, last_cdn = hub_server.requests[-2:]
    assert last_hub.server == "hub" and last_hub.headers["Authorization"] == f"Bearer {GATED_TOKEN}"
    assert last_cdn.server == "cdn" and "Authorization" not in last_cdn.headers


# --------------------------------------------------------------------------- control


def test_cancel_ends_within_a_second_while_the_server_stops_answering(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    repo = listing(hub_config, TINY_REPO)
    hub_server.set_fault(file=BIG, hang=True)
    dl, events = make_downloader(timeouts=net.Timeouts(connect=30, read=60))
    job = dl.add(repo.repo_id, repo.select(BIG), revision=repo.revision)
    deadline = time.monotonic() + 10
    while not any(r.server == "cdn" for r in hub_server.requests):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    started = time.monotonic()
    dl.cancel(job)
    events.wait_for(lambda e: e.kind == "cancelled", timeout=5)
    assert time.monotonic() - started < 1.0
    assert dl.status(job).state == DownloadState.CANCELLED
    assert not (models_dir / STAGING_DIR).exists()
    assert visible_files(models_dir) == []


def test_slow_server_gives_sane_speed_and_eta(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
) -> None:
    rate = 1_000_000
    hub_server.set_fault(file=BIG, throttle=rate)
    repo = listing(hub_config, TINY_REPO)
    dl, events = make_downloader()
    job = dl.add(repo.repo_id, repo.select(BIG), revision=repo.revision)
    assert dl.wait(job, timeout=30).state == DownloadState.DONE
    progress = [
        e.status for e in events.events if e.kind == "progress" and e.status.bytes_done > 600_000
    ]
    progress = [s for s in progress if s.bytes_done < 1_900_000]
    assert len(progress) >= 5
    for s in progress:
        assert 0.6 * rate < s.speed < 1.5 * rate, s
        assert s.eta is not None and s.bytes_total is not None
        assert abs(s.eta - (s.bytes_total - s.bytes_done) / s.speed) < 0.01
        assert 0.3 < s.eta * rate / (s.bytes_total - s.bytes_done) < 1.7
    etas = [s.eta or 0 for s in progress]
    assert etas[-1] < etas[0]


def test_queue_runs_one_at_a_time_and_a_shard_set_lands_in_one_folder(
    hub_server: HubServer,
    hub_config: HubConfig,
    make_downloader: Callable[..., tuple[Downloader, Recorder]],
    models_dir: Path,
) -> None:
    hub_server.set_fault(file=BIG, throttle=4_000_000)
    tiny = listing(hub_config, TINY_REPO)
    shards = listing(hub_config, SHARD_REPO)
    dl, _ = make_downloader(max_parallel=1)
    first = dl.add(tiny.repo_id, tiny.select(BIG), revision=tiny.revision)
    second = dl.add(shards.repo_id, shards.select("Q4_K_M"), revision=shards.revision)
    assert dl.add(tiny.repo_id, tiny.select(BIG)) == first  # the same model: the same job
    states = {s.job_id: s.state for s in dl.jobs()}
    assert states[second] == DownloadState.QUEUED
    assert dl.wait(first, timeout=30).state == DownloadState.DONE
    status: DownloadStatus = dl.wait(second, timeout=30)
    assert status.state == DownloadState.DONE, status.message
    folder = models_dir / "big-model-Q4_K_M"
    assert status.path == folder / "big-model-Q4_K_M-00001-of-00003.gguf"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"big-model-Q4_K_M-0000{i}-of-00003.gguf" for i in (1, 2, 3)
    ]
    assert (status.files_done, status.files_total, status.bytes_done) == (3, 3, 500_000)
    for p in folder.iterdir():
        served = hub_server.file(SHARD_REPO, f"Q4_K_M/{p.name}").blob
        assert sha256(p) == served.sha256
