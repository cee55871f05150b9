"""The inspector's controller, without Qt: a real header, a hostile template, a broken file."""

from __future__ import annotations

import threading
from pathlib import Path

from gguf_factory import write_tiny_llama

from desktop_app.core.controllers.inspector import (
    Inspected,
    InspectFailed,
    InspectorController,
    MemoryChanged,
)


def _inspect(controller: InspectorController, path: Path) -> object:
    done = threading.Event()
    seen: list[object] = []

    def listener(event: object) -> None:
        seen.append(event)
        if isinstance(event, (Inspected, InspectFailed)):
            done.set()

    controller.add_listener(listener)
    controller.inspect(str(path))
    assert done.wait(30)
    controller.remove_listener(listener)
    return seen[-1]


def test_inspecting_the_starter_model_and_changing_the_context(starter_model: Path) -> None:
    controller = InspectorController(ctx=4096, kv_type="f16")
    event = _inspect(controller, starter_model)
    assert isinstance(event, Inspected) and event.problem is None
    assert event.anatomy.layers == 30 and event.sample is not None
    assert "<|im_start|>user\nAnd of China?<|im_end|>" in event.sample
    before = controller.memory
    assert before is not None and before.kv_cache_bytes == 90 * 2**20  # llama.cpp: 90.00 MiB
    seen: list[object] = []
    controller.add_listener(seen.append)
    controller.set_context(8192, "q8_0")
    (changed,) = seen
    assert isinstance(changed, MemoryChanged)
    assert (
        changed.memory.kv_cache_bytes == 2 * 47.8125 * 2**20
    )  # llama.cpp: 47.81 MiB at 4096, twice that at 8192


def test_a_template_that_never_ends_is_refused_within_the_limit(tmp_path: Path) -> None:
    bomb = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    model = write_tiny_llama(tmp_path / "bomb.gguf", chat_template=bomb)
    event = _inspect(InspectorController(), model)
    assert isinstance(event, Inspected) and event.sample is None
    assert event.problem is not None and "did not finish within 2 s" in event.problem


def test_a_file_that_is_not_a_model_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "page.gguf"
    bad.write_text("<!doctype html><html>login</html>", encoding="utf-8")
    event = _inspect(InspectorController(), bad)
    assert isinstance(event, InspectFailed) and "HTML" in event.message
