"""Structured output over a remote server: the chat's format goes out as OpenAI's
`response_format`, and a server that builds a grammar from it (this app's `hearth serve`,
llama-cpp-python's own) holds the answer to the schema. Real servers on loopback, real model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import app_server, llama_cpp_server

from desktop_app.core.engine.events import Done, ModelInfo
from desktop_app.core.engine.params import ChatRequest, OutputFormat, SamplingParams
from desktop_app.core.engine.schema_check import mismatch
from desktop_app.core.remote.engine import RemoteConfig, RemoteEngine
from desktop_app.core.remote.structured import SCHEMA_NAME, response_format

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string", "maxLength": 20}, "sunny": {"type": "boolean"}},
    "required": ["city", "sunny"],
    "additionalProperties": False,
}


def test_the_format_as_response_format() -> None:
    assert response_format(None) is None
    assert response_format(OutputFormat("json_object")) == {"type": "json_object"}
    sent = response_format(OutputFormat("json_schema", schema=json.dumps(SCHEMA)))
    assert sent == {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "schema": SCHEMA, "strict": False},
    }
    beside = response_format(OutputFormat("json_schema", schema=json.dumps(SCHEMA)), beside=True)
    assert beside == {"type": "json_object", "schema": SCHEMA}  # llama-cpp-python's form
    assert response_format(OutputFormat("tools", tools="[]")) is None  # not the chat's


@pytest.fixture(scope="module", params=["hearth serve", "llama_cpp.server"])
def remote(
    request: pytest.FixtureRequest, starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RemoteEngine]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    start = app_server if request.param == "hearth serve" else llama_cpp_server
    with start(starter_model, log, n_ctx=2048) as url:
        engine = RemoteEngine(RemoteConfig(url, n_ctx=2048))
        assert isinstance(engine.load().result(timeout=60), ModelInfo)
        yield engine
        engine.close()


def test_a_remote_server_holds_the_answer_to_the_schema(remote: RemoteEngine) -> None:
    output = OutputFormat("json_schema", schema=json.dumps(SCHEMA))
    sampling = SamplingParams(temperature=0, max_tokens=60, seed=2)
    messages = ({"role": "user", "content": "What is the weather in Paris?"},)
    done = remote.chat(ChatRequest(messages, sampling, output=output)).result(timeout=120)
    assert isinstance(done, Done)
    print(
        "remote schema answer:", done.text, "schema beside json_object:", remote.probe.schema_beside
    )
    assert mismatch(json.loads(done.text), SCHEMA) is None
