"""Several models behind `hearth serve` (issue 18): a request naming another model of the models
folder loads it (JIT), `--ttl` unloads idle ones, /v1/models and /health say which are loaded.
The official openai client against the real server; the second model is the starter model's
file under another name in the models folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from openai import OpenAI
from server_process import API_KEY, ServerProcess, wait_until

TTL_S = 3


@pytest.fixture(scope="module")
def server(
    starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("models-home")
    models = home / "data" / "models"
    models.mkdir(parents=True)
    second = models / "second.gguf"
    try:
        os.link(starter_model, second)
    except OSError:
        second.symlink_to(starter_model)
    proc = ServerProcess(
        starter_model, home, "--api-key", API_KEY, "--ttl", str(TTL_S), "--no-warmup"
    )
    try:
        yield proc.wait_ready()
    finally:
        proc.close()


@pytest.fixture(scope="module")
def client(server: ServerProcess) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key=API_KEY, max_retries=0, timeout=120) as c:
        yield c


def loaded(server: ServerProcess) -> list[str]:
    return list(server.health()["loaded"])


def test_a_second_model_is_loaded_when_named_and_unloaded_when_idle(
    server: ServerProcess, client: OpenAI
) -> None:
    status, _, listing = server.request("GET", "/v1/models")
    assert status == 200
    entries = {m["id"]: m for m in listing["data"]}
    assert listing["data"][0]["id"] == server.model_id  # the served model first
    assert entries["second"]["loaded"] is False and "context_length" not in entries["second"]

    answer = client.chat.completions.create(
        model="second",
        messages=[{"role": "user", "content": "Say hi."}],
        max_tokens=4,
        temperature=0,
    )
    assert answer.model == "second" and answer.choices[0].message.content
    # one place (--max-models 1): the served model made room for it
    assert loaded(server) == ["second"]
    assert any("Unloaded" in line and server.model_id in line for line in server.lines)
    status, _, entry = server.request("GET", "/v1/models/second")
    assert status == 200 and entry["loaded"] is True and entry["context_length"] == 1024

    # idle for the TTL: unloaded, and the next request loads a model again
    wait_until(lambda: loaded(server) == [], 60, "the idle model to be unloaded")
    assert any("idle for 3 s" in line for line in server.lines)
    again = client.completions.create(model=server.model_id, prompt="1, 2, 3,", max_tokens=2)
    assert again.choices[0].text
    assert loaded(server) == [server.model_id]


def test_a_name_outside_the_models_folder_is_a_404_listing_what_is(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(
            model="no-such-model", messages=[{"role": "user", "content": "hi"}], max_tokens=1
        )
    message = caught.value.response.json()["error"]["message"]
    assert "no-such-model" in message and "second" in message
