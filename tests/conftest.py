"""Test-wide setup: an isolated app home, offscreen Qt, and the real starter model."""

from __future__ import annotations

import os
import pathlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from hub_server import HubServer

    from desktop_app.core.engine.client import EngineClient
    from desktop_app.core.models.hub import HubConfig

sys.path.insert(0, str(pathlib.Path(__file__).parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HEARTH_ENGINE_DEBUG", "1")  # engines started here answer requests.Crash
os.environ.setdefault("HEARTH_SECRET_STORE", "file")  # tests never touch the user's keyring

MODEL_CACHE = Path(os.environ.get("HEARTH_TEST_CACHE", Path.home() / ".cache" / "hearth-tests"))


def pytest_configure(config: pytest.Config) -> None:
    """A run started in the background (`pytest ... &` from a script) inherits SIGINT ignored,
    and Python then installs no Ctrl+C handler, so every child a test starts would ignore the
    Ctrl+C that the Ctrl+C tests send: they failed only in such runs. Undo it for the whole run."""
    import signal

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _sigint_not_left_ignored(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that leaves SIGINT ignored makes every later child process ignore Ctrl+C (an
    ignored signal is inherited, and Python then installs no handler): put it back and say who."""
    import signal

    yield
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print(f"\nNOTE: {request.node.nodeid} left SIGINT ignored", file=sys.stderr)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real user's settings or models."""
    home = tmp_path / "app-home"
    monkeypatch.setenv("HEARTH_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def _machine_figures() -> object:
    """A measured machine's figures (two cores, as core/controllers/machine_speed.py keeps them),
    with this machine's facts so they count as its own."""
    import time

    from desktop_app.core.models.speed import MachineSpeed, machine_facts

    return MachineSpeed(
        bandwidth=27e9, threads=2, cores=2, facts=machine_facts(), measured_at=time.time(),
        layer_overhead_s=1e-5, prompt_rate=1e11, gen_rate=3.5e10,
        width_rates=((512, 15e9), (1024, 22e9), (2048, 26e9)), vocab_overhead_s=5e-9,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _measured_machine(_machine_figures: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine counts as measured in this process (speed.py's memo, no file): a catalog shown
    in a test never runs the synthetic models (an engine process and seconds of both cores, per
    test). Tests of the measurement pass their own path (tests/core/models/test_speed.py)."""
    from desktop_app.core.models import speed

    monkeypatch.setattr(speed, "_memo", _machine_figures)


@pytest.fixture(scope="session")
def starter_model() -> Path:
    """The real SmolLM2-135M-Instruct Q4_1 model, fetched once and verified by sha256."""
    given = os.environ.get("HEARTH_TEST_MODEL")
    if given:
        return Path(given)
    from desktop_app.core.models.starter import ensure_starter_model

    return ensure_starter_model(MODEL_CACHE)


@pytest.fixture(scope="module")
def engine(starter_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    """One real engine process with the starter model (4096-token context), per test module."""
    from desktop_app.core.engine.client import EngineClient
    from desktop_app.core.engine.params import LoadParams

    client = EngineClient(log_dir=tmp_path_factory.mktemp("engine-logs")).start()
    client.load(LoadParams(str(starter_model), n_ctx=4096, n_threads=2)).result(timeout=120)
    yield client
    client.close()


@pytest.fixture(scope="module")
def bare_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    """A running engine process with no model loaded, per test module."""
    from desktop_app.core.engine.client import EngineClient

    client = EngineClient(log_dir=tmp_path_factory.mktemp("engine-logs")).start()
    yield client
    client.close()


@pytest.fixture
def hub_server(starter_model: Path) -> Iterator[HubServer]:
    """The local Hub stand-in with the standard repos (the real SmolLM2 file among them)."""
    from hub_server import standard_hub

    hub = standard_hub(starter_model).start()
    yield hub
    hub.stop()


@pytest.fixture
def hub_config(hub_server: HubServer) -> HubConfig:
    from desktop_app.core.models.hub import HubConfig

    return HubConfig(endpoint=hub_server.endpoint, timeout=10)
