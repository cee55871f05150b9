"""The model inspector's flow: read a model's anatomy from its header, render its chat template
on a sample conversation, and give the memory a load would take at the chosen context.

Qt-free, so the Models pane's Inspector view and `hearth inspect` share it. The header is read
off the caller's thread (a big vocabulary takes tens of milliseconds); the template is rendered
on a worker with a time and size limit, because a model file is untrusted and a template that
loops for ever must be reported, not waited on. When the inspected file is the one loaded now,
`reported` pairs the estimate at the load's own settings with what llama.cpp said it allocated,
so a person sees how far to trust the estimate for files not loaded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.controllers.runner import Emit, Listeners, Runner, thread_runner
from desktop_app.core.engine.chat_template import ChatFormatter, TemplateError
from desktop_app.core.engine.events import LoadedMemory, ModelInfo
from desktop_app.core.engine.template_guard import TemplateBudgetError
from desktop_app.core.errors import AppError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models.anatomy import Anatomy, Memory, inspect_model

__all__ = [
    "RENDER_LIMIT_S",
    "SAMPLE_CONVERSATION",
    "InspectFailed",
    "Inspected",
    "InspectorController",
    "LoadedChanged",
    "MemoryChanged",
    "Reported",
    "render_sample",
]

SAMPLE_CONVERSATION: tuple[dict[str, Any], ...] = (
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What is the capital of France?"},
    {"role": "assistant", "content": "Paris."},
    {"role": "user", "content": "And of China?"},
)
RENDER_LIMIT_S = 2.0


@dataclass(frozen=True)
class Inspected:
    anatomy: Anatomy
    sample: str | None  # the template on SAMPLE_CONVERSATION, or None with `problem`
    problem: str | None


@dataclass(frozen=True)
class InspectFailed:
    path: str
    message: str


@dataclass(frozen=True)
class MemoryChanged:
    memory: Memory


@dataclass(frozen=True)
class LoadedChanged:
    """Another model was loaded (or none is): the estimate-beside-reality lines change."""

    info: ModelInfo | None


@dataclass(frozen=True)
class Reported:
    """The estimate at the loaded model's own context, KV type, flash attention and micro-batch,
    beside what llama.cpp allocated for it."""

    estimate: Memory
    real: LoadedMemory


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def render_sample(anatomy: Anatomy) -> tuple[str | None, str | None]:
    """The template on SAMPLE_CONVERSATION, or why not. The formatter bounds the render in
    time and size (engine/template_guard.py) and refuses a hostile template when it is made."""
    bos = anatomy.special_tokens.get("bos", (0, ""))[1]
    eos = anatomy.special_tokens.get("eos", (0, ""))[1]
    try:
        formatter = ChatFormatter.for_model(anatomy.chat_template, bos, eos)
        refused = formatter.refused
        if refused is None:
            return formatter.render(SAMPLE_CONVERSATION, time_limit=RENDER_LIMIT_S), None
    except TemplateError as exc:
        budget = exc.__cause__
        if not isinstance(budget, TemplateBudgetError):
            return None, str(exc)
        refused = budget
    if refused.reason == "time":
        message = QT_TRANSLATE_NOOP(
            "Inspector", "The chat template did not finish within {seconds} s: refused."
        )
        return None, message.format(seconds=f"{refused.limit:g}")
    message = QT_TRANSLATE_NOOP(
        "Inspector", "The chat template produced more than {count} characters: refused."
    )
    return None, message.format(count=f"{int(refused.limit):,}")


class InspectorController(Listeners):
    """One model at a time; `inspect(path)` replaces it. Events: Inspected, InspectFailed,
    MemoryChanged (after `set_context`), LoadedChanged (after `set_loaded`)."""

    def __init__(
        self, runner: Runner = thread_runner, ctx: int = 4096, kv_type: str = "f16"
    ) -> None:
        self._listeners: list[Callable[[Any], None]] = []
        self._runner = runner
        self._lock = threading.Lock()
        self._generation = 0
        self.ctx = ctx
        self.kv_type = kv_type
        self.path: str | None = None
        self.anatomy: Anatomy | None = None
        self.sample: str | None = None
        self.problem: str | None = None
        self.error: str | None = None
        self.busy = False
        self.loaded: ModelInfo | None = None

    @property
    def memory(self) -> Memory | None:
        return self.anatomy.memory(self.ctx, self.kv_type) if self.anatomy else None

    @property
    def reported(self) -> Reported | None:
        """Estimate and reality, when the inspected file is the loaded one and llama.cpp's
        figures are known (not for a remote server)."""
        info, anatomy = self.loaded, self.anatomy
        if info is None or info.memory is None or anatomy is None:
            return None
        if not _same_file(info.path, anatomy.path):
            return None
        real = info.memory
        flash = real.flash_attn
        if flash is None:
            flash = info.flash_attn == "on" or info.kv_type not in ("f16", "f32", "bf16")
        estimate = anatomy.memory(info.n_ctx, info.kv_type, ubatch=real.ubatch, flash_attn=flash)
        return Reported(estimate, real)

    def set_loaded(self, info: ModelInfo | None) -> None:
        """The model loaded now (None: none); the GUI passes each load and unload."""
        self.loaded = info
        self._notify(LoadedChanged(info))

    def inspect(self, path: str) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        self.path, self.busy, self.error = path, True, None

        def task(_emit: Emit, _cancel: threading.Event) -> object:
            anatomy = inspect_model(path)
            return Inspected(anatomy, *render_sample(anatomy))

        def ended(result: object, error: BaseException | None) -> None:
            if generation != self._generation:  # another file was asked for meanwhile
                return
            self.busy = False
            if isinstance(result, Inspected):
                self.anatomy, self.sample, self.problem = (
                    result.anatomy,
                    result.sample,
                    result.problem,
                )
                self._notify(result)
            else:
                self.anatomy = None
                self.error = str(error) if isinstance(error, AppError) else repr(error)
                if isinstance(error, OSError) and error.strerror:
                    self.error = f"{error.strerror}: {path}"
                self._notify(InspectFailed(path, self.error))

        self._runner("inspect", task, lambda _e: None, ended)

    def set_context(self, ctx: int, kv_type: str) -> None:
        self.ctx, self.kv_type = ctx, kv_type
        memory = self.memory
        if memory is not None:
            self._notify(MemoryChanged(memory))
