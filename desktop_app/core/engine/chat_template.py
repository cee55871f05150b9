"""Render a conversation with the model's own chat template, in a sandbox.

A chat template comes from the model file, which is untrusted input: it renders in Jinja's
ImmutableSandboxedEnvironment, so it can neither reach Python internals nor mutate our data,
and within a time and output budget (template_guard.py), so it cannot hang the engine or fill
its memory. A model without a template, or whose template is refused on a sample conversation
when the model loads, gets a stated fallback (ChatML) and a warning the caller shows.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from desktop_app.core.engine import messages as engine_text
from desktop_app.core.engine.params import Message
from desktop_app.core.engine.template_guard import (
    DEFAULT_TIME_LIMIT_S,
    BoundedEnvironment,
    TemplateBudgetError,
    guard_filters,
    render_bounded,
)

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
CHATML_STOP = ("<|im_end|>", "<|im_start|>")

FALLBACK_WARNING = (
    "This model has no chat template in its metadata; using the ChatML format instead. "
    "If its answers look wrong, the model was trained on another format."
)


class TemplateError(ValueError):
    """The model's template failed to render (a bug in the template, or a message it refuses)."""


def _raise_exception(message: str) -> None:
    raise TemplateError(message)


def _strftime_now(fmt: str) -> str:
    return datetime.datetime.now().strftime(fmt)


def _tojson(value: Any, indent: int | None = None, **_: Any) -> str:
    # HF templates expect non-ASCII (Chinese) text to stay readable, not \\u-escaped.
    return json.dumps(value, ensure_ascii=False, indent=indent)


@functools.lru_cache(maxsize=8)
def _compile(text: str) -> jinja2.Template:
    """Compile once per template: a chat renders its template on every turn."""
    return _environment().from_string(text)


def _environment() -> BoundedEnvironment:
    env = BoundedEnvironment(
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.Undefined, autoescape=False
    )
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    env.filters["tojson"] = _tojson
    guard_filters(env)
    return env


_PROBE: tuple[Message, ...] = (
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Hello"},
    {"role": "assistant", "content": "Hi!"},
    {"role": "user", "content": "How are you?"},
)


def budget_message(exc: TemplateBudgetError) -> str:
    if exc.reason == "time":
        return (
            f"The model's chat template ran longer than {exc.limit:g} s and was stopped: the "
            "file's template is refused."
        )
    return (
        f"The model's chat template produced more than {int(exc.limit):,} characters and was "
        "stopped: the file's template is refused."
    )


@dataclass(frozen=True)
class ChatFormatter:
    """A compiled template plus what it needs: special tokens and extra stop strings."""

    source: str  # "model" or "fallback"
    template_text: str
    bos_token: str
    eos_token: str
    stop: tuple[str, ...]
    warning: str | None
    refused: TemplateBudgetError | None = None  # why the file's own template was refused

    @classmethod
    def for_model(cls, template: str | None, bos_token: str, eos_token: str) -> ChatFormatter:
        if template and template.strip():
            try:
                _compile(template)  # fail early on a template that does not parse
            except jinja2.TemplateError as exc:
                raise TemplateError(engine_text.TEMPLATE_PARSE.format(reason=exc)) from exc
            model = cls("model", template, bos_token, eos_token, (), None)
            try:  # a template that hangs or balloons on a plain chat is refused at load
                model.render(_PROBE, time_limit=DEFAULT_TIME_LIMIT_S)
            except TemplateError as exc:
                if not isinstance(exc.__cause__, TemplateBudgetError):
                    return model  # a template that refuses this sample may be fine on others
                warning = f"{exc} Using the generic ChatML format instead."
                return cls(
                    "fallback", CHATML_TEMPLATE, bos_token, eos_token, CHATML_STOP, warning,
                    exc.__cause__,
                )  # fmt: skip
            return model
        return cls("fallback", CHATML_TEMPLATE, bos_token, eos_token, CHATML_STOP, FALLBACK_WARNING)

    def render(
        self,
        messages: Sequence[Mapping[str, Any]],
        time_limit: float = DEFAULT_TIME_LIMIT_S,
        tools: list[dict[str, Any]] | None = None,
    ) -> str:
        """The prompt for `messages`; TemplateError when the template fails or is stopped.

        `tools` (OpenAI's tool list) goes to the template as `tools`, as Hugging Face's
        apply_chat_template passes it; messages may then hold tool calls (tool_prompt.py).
        """
        input_chars = sum(len(str(m.get("content") or "")) for m in messages)
        variables: dict[str, Any] = {
            "messages": [dict(m) for m in messages],
            "add_generation_prompt": True,
            "bos_token": self.bos_token,
            "eos_token": self.eos_token,
        }
        if tools is not None:
            variables["tools"] = tools
            input_chars += len(json.dumps(tools)) + sum(len(json.dumps(m)) for m in messages)
        try:
            return render_bounded(
                _compile(self.template_text),
                variables,
                input_chars=input_chars,
                time_limit=time_limit,
            )
        except TemplateBudgetError as exc:
            raise TemplateError(budget_message(exc)) from exc
        except TemplateError:
            raise
        except jinja2.TemplateError as exc:
            raise TemplateError(engine_text.TEMPLATE_FAILED.format(reason=exc)) from exc


_PROBE_TOOL = "hearth_probe_tool_7f3a"


@functools.lru_cache(maxsize=8)
def _renders_tools(formatter: ChatFormatter) -> bool:
    tools = [{"type": "function", "function": {"name": _PROBE_TOOL, "parameters": {}}}]
    try:
        return _PROBE_TOOL in formatter.render(_PROBE[1:2], tools=tools)
    except TemplateError:
        return False


def takes_tools(formatter: ChatFormatter) -> bool:
    """Whether the template shows a `tools` list it is given (else the tools go in as text)."""
    return formatter.source == "model" and _renders_tools(formatter)
