"""A model's chat template cannot hang the engine or fill its memory (issue 18).

Each crafted template is one a hostile GGUF could carry; each must be stopped within about the
time limit, say why, and leave the generic template in use, while ordinary templates (the
starter model's, long conversations) render unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop_app.core.engine.chat_template import ChatFormatter, TemplateError
from desktop_app.core.engine.template_guard import DEFAULT_TIME_LIMIT_S
from desktop_app.core.gguf_reader import inspect_gguf

SLOW = {
    "nested loops": "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
    "loops over a long string": "{% for c in 'y' * 99999 %}{% for d in 'y' * 99999 %}{% endfor %}{% endfor %}",
    "exponential macro": "{% macro f(n) %}{% if n > 0 %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
}  # fmt: skip
BIG = {
    "repeated string": "{{ 'x' * 100000000 }}",
    "width filter": "{{ 'a'|center(1000000000) }}",
    "width method": "{{ 'a'.ljust(1000000000) }}",
    "replace amplification": "{{ 'ab'|replace('a', 'a' * 200000)|replace('a', 'a' * 200000) }}",
    "huge power": "{{ 9 ** 99999999 }}",
    "growing namespace": "{% set s = namespace(x='x') %}{% for i in range(40) %}{% set s.x = s.x + s.x %}{% endfor %}{{ s.x }}",
}  # fmt: skip
HELLO = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("name", [*SLOW, *BIG])
def test_a_hostile_template_is_refused_at_load_with_the_reason(name: str) -> None:
    template = {**SLOW, **BIG}[name]
    started = time.monotonic()
    formatter = ChatFormatter.for_model(template, "<s>", "</s>")
    took = time.monotonic() - started
    assert took < DEFAULT_TIME_LIMIT_S + 1.5, f"{name}: {took:.1f} s"
    assert formatter.source == "fallback" and formatter.warning
    reason = "ran longer than 2 s" if name in SLOW else "produced more than"
    assert reason in formatter.warning and "generic ChatML" in formatter.warning
    assert formatter.render(HELLO) == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"


def test_a_template_that_turns_hostile_on_some_messages_is_stopped_at_render() -> None:
    template = (
        "{% for m in messages %}{% if m.content == 'boom' %}"
        "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}"
        "{% endif %}{{ m.content }}{% endfor %}"
    )
    formatter = ChatFormatter.for_model(template, "<s>", "</s>")
    assert formatter.source == "model"  # fine on the sample chat
    started = time.monotonic()
    with pytest.raises(TemplateError, match=r"ran longer than 0\.5 s"):
        formatter.render([{"role": "user", "content": "boom"}], time_limit=0.5)
    assert time.monotonic() - started < 1.5


def test_real_templates_and_long_chats_render_as_before(starter_model: Path) -> None:
    info = inspect_gguf(starter_model)
    formatter = ChatFormatter.for_model(info.chat_template, "<|im_start|>", "<|im_end|>")
    assert formatter.source == "model" and formatter.warning is None
    long_chat = [
        {"role": "user" if i % 2 == 0 else "assistant", "content": "一段很长的中文内容。" * 2000}
        for i in range(20)
    ]  # 400,000 characters: past the 256,000 floor, within twice the input
    started = time.monotonic()
    prompt = formatter.render(long_chat)
    assert time.monotonic() - started < 2.0
    assert prompt.count("<|im_start|>") == 22 and prompt.endswith("<|im_start|>assistant\n")


def test_the_trace_guard_leaves_the_callers_tracer_in_place() -> None:
    import sys

    calls: list[str] = []

    def tracer(frame, event, arg):  # type: ignore[no-untyped-def]
        calls.append(event)
        return None

    sys.settrace(tracer)
    try:
        ChatFormatter.for_model("{{ messages[0].content }}", "", "").render(HELLO)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(None)
    assert calls  # the caller's tracer kept seeing calls outside the template
