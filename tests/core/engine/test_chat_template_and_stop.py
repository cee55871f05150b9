"""The chat template sandbox and the stop-string matcher, on their own."""

from __future__ import annotations

import pytest

from desktop_app.core.engine.chat_template import ChatFormatter, TemplateError
from desktop_app.core.engine.stop import StopMatcher

MSGS = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "你好"}]


def test_model_template_renders_with_special_tokens() -> None:
    tpl = "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}"
    f = ChatFormatter.for_model(tpl, "<s>", "</s>")
    assert f.source == "model" and f.warning is None
    assert f.render(MSGS) == "<s>[system]Be brief.[user]你好[assistant]"


def test_fallback_is_chatml_and_says_so() -> None:
    f = ChatFormatter.for_model(None, "", "")
    assert f.source == "fallback" and f.warning and "ChatML" in f.warning
    assert f.render(MSGS).endswith("<|im_start|>assistant\n")
    assert "<|im_end|>" in f.stop


@pytest.mark.parametrize(
    "evil",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ messages.append({'role': 'x'}) }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_template_from_a_model_file_is_sandboxed(evil: str) -> None:
    f = ChatFormatter.for_model(evil, "", "")
    with pytest.raises(TemplateError):
        f.render(MSGS)


def test_template_raise_exception_reaches_caller() -> None:
    f = ChatFormatter.for_model("{{ raise_exception('roles must alternate') }}", "", "")
    with pytest.raises(TemplateError, match="roles must alternate"):
        f.render(MSGS)


def test_stop_string_split_across_tokens_never_leaks() -> None:
    m = StopMatcher(["</answer>"])
    out = []
    for piece in ["The result", " is 4.</", "ans", "wer> trailing"]:
        text, hit = m.feed(piece)
        out.append(text)
        if hit:
            break
    assert "".join(out) == "The result is 4."
    assert m.stopped


def test_partial_stop_prefix_is_released_when_it_was_not_a_stop() -> None:
    m = StopMatcher(["STOP"])
    a, _ = m.feed("ST")
    b, _ = m.feed("ay here")
    assert a + b == "STay here"
    assert m.flush() == ""
    m2 = StopMatcher(["STOP"])
    assert m2.feed("end ST") == ("end ", False)
    assert m2.flush() == "ST"


def test_no_stops_is_a_pass_through() -> None:
    m = StopMatcher([])
    assert m.feed("abc") == ("abc", False)
