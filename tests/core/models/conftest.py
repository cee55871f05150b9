"""Fixtures for the Hub client and downloader tests: the local Hub stand-in, started per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_server import HubServer, standard_hub

from desktop_app.core.models.hub import HubConfig


@pytest.fixture
def hub_server(starter_model: Path) -> Iterator[HubServer]:
    """The stand-in with the standard repos (the real SmolLM2 file among them), on 127.0.0.1."""
    hub = standard_hub(starter_model).start()
    yield hub
    hub.stop()


@pytest.fixture
def hub_config(hub_server: HubServer) -> HubConfig:
    return HubConfig(endpoint=hub_server.endpoint, timeout=10)
