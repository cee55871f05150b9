"""Render a conversation with the model's own chat template, in a sandbox.

A chat template comes from the model file, which is untrusted input: it renders in Jinja's
ImmutableSandboxedEnvironment, so it can neither reach Python internals nor mutate our data.
A model without a template gets a stated fallback (ChatML) and a warning the caller shows.
"""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from desktop_app.core.engine.params import Message

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


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.Undefined, autoescape=False
    )
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    env.filters["tojson"] = _tojson
    return env


@dataclass(frozen=True)
class ChatFormatter:
    """A compiled template plus what it needs: special tokens and extra stop strings."""

    source: str  # "model" or "fallback"
    template_text: str
    bos_token: str
    eos_token: str
    stop: tuple[str, ...]
    warning: str | None

    @classmethod
    def for_model(cls, template: str | None, bos_token: str, eos_token: str) -> ChatFormatter:
        if template and template.strip():
            try:
                _compile(template)  # fail early on a template that does not parse
            except jinja2.TemplateError as exc:
                raise TemplateError(f"The model's chat template does not parse: {exc}") from exc
            return cls("model", template, bos_token, eos_token, (), None)
        return cls("fallback", CHATML_TEMPLATE, bos_token, eos_token, CHATML_STOP, FALLBACK_WARNING)

    def render(self, messages: list[Message] | tuple[Message, ...]) -> str:
        try:
            return _compile(self.template_text).render(
                messages=[dict(m) for m in messages],
                add_generation_prompt=True,
                bos_token=self.bos_token,
                eos_token=self.eos_token,
            )
        except TemplateError:
            raise
        except jinja2.TemplateError as exc:
            raise TemplateError(f"The model's chat template failed: {exc}") from exc
