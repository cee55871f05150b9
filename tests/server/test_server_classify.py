"""POST /v1/classify (issue 16) through a real `hearth serve` on the starter model: label
probabilities per input from the model's logits, any label set, an instruction, and clear 400s."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_process import API_KEY, ServerProcess


@pytest.fixture(scope="module")
def server(
    starter_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    proc = ServerProcess(starter_model, tmp_path_factory.mktemp("serve-home"), "--api-key", API_KEY)
    try:
        yield proc.wait_ready()
    finally:
        proc.close()


def test_label_probabilities_per_input(server: ServerProcess) -> None:
    body = {
        "input": ["I love this, it is wonderful!", "This is terrible, I hate it.", ""],
        "labels": ["positive", "negative"],
    }
    status, _, answer = server.request("POST", "/v1/classify", body)
    assert status == 200, answer
    assert answer["object"] == "list" and answer["calibration"] == "contextual"
    data = answer["data"]
    assert [d["index"] for d in data] == [0, 1, 2]
    assert [d["label"] for d in data[:2]] == ["positive", "negative"]
    for d in data[:2]:
        assert set(d["probabilities"]) == {"positive", "negative"}
        assert math.isclose(sum(d["probabilities"].values()), 1.0, abs_tol=1e-6)
        assert 0.0 <= d["margin"] <= 1.0
    assert data[2]["label"] is None and data[2]["error"]  # the empty text, alone


def test_any_label_set_with_an_instruction(server: ServerProcess) -> None:
    body = {
        "input": "Is the shop open on Sunday?",
        "labels": ["question", "complaint"],
        "instruction": "Classify the message as {labels}. Answer with one word.",
        "calibration": "none",
    }
    status, _, answer = server.request("POST", "/v1/classify", body)
    assert status == 200, answer
    (item,) = answer["data"]
    assert set(item["probabilities"]) == {"question", "complaint"}
    assert item["label"] in ("question", "complaint") and answer["calibration"] == "none"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": [], "labels": ["a", "b"]}, "input"),
        ({"input": ["x"], "labels": ["a"]}, "labels"),
        ({"input": ["x"], "labels": ["a", "A"]}, "labels"),
        ({"input": ["x"], "labels": ["a", "b"], "calibration": "magic"}, "calibration"),
        ({"input": [1], "labels": ["a", "b"]}, "input"),
    ],
)
def test_bad_requests_name_the_field(
    server: ServerProcess, body: dict[str, object], param: str
) -> None:
    status, _, answer = server.request("POST", "/v1/classify", body)
    assert status == 400, answer
    assert answer["error"]["param"] == param
