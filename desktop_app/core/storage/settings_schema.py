"""The settings schema: every known key once, with its type, default, range and meaning.

In the spirit of qutebrowser's configdata: this table is the only place a setting's default is
written. The store fills missing keys from it and resets invalid values to it, and code reads a
setting through its `Setting` object (`settings.value(Load.n_ctx)`), which mypy types by the
object (`Setting[int]` gives an `int`), so no caller restates a default or casts a value.

The descriptions are for developers (docs, error messages); they are not translated, so the GUI
does not show them.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from desktop_app.core.load_defaults import (
    DEFAULT_N_BATCH,
    DEFAULT_N_CTX,
    FLASH_ATTN,
    KV_TYPES,
    parse_gpu_layers,
)

CURRENT_VERSION = 2
VERSION_KEY = "schema_version"

LANGUAGES = ("system", "en", "zh_CN")
THEMES = ("system", "light", "dark")
# The same values as core.tasks.summary_prompts (a layer above storage; a test holds them equal).
SUMMARY_STYLES = ("tldr", "bullets", "paragraph", "outline")
SUMMARY_LANGUAGES = ("same", "en", "zh")

T = TypeVar("T")

INT: tuple[type, ...] = (int,)
NUMBER: tuple[type, ...] = (int, float)
BOOL: tuple[type, ...] = (bool,)
STR: tuple[type, ...] = (str,)
LIST: tuple[type, ...] = (list,)
NONE: tuple[type, ...] = (type(None),)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One key of the settings file. `key` is its dotted path (`"load.n_ctx"`).

    `types` are the JSON types accepted (None among them makes the setting optional), `choices`
    the allowed values, `minimum`/`maximum` an inclusive numeric range, `above` an exclusive
    lower bound, `check` a last test for what the others cannot say.
    """

    key: str
    default: T
    types: tuple[type, ...]
    description: str
    choices: tuple[object, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None
    check: Callable[[Any], bool] | None = None
    secret: bool = False  # kept in the keyring (storage/secrets.py), never in the file

    @property
    def section(self) -> str:
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]

    def valid(self, value: Any) -> bool:
        """Whether `value` (as read from JSON) may be stored under this key."""
        # bool is an int subclass; `True` must not pass as a context size.
        if isinstance(value, bool) and bool not in self.types:
            return False
        if not isinstance(value, self.types):
            return False
        if value is None:
            return True
        if self.choices is not None and value not in self.choices:
            return False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                return False
            if self.minimum is not None and value < self.minimum:
                return False
            if self.maximum is not None and value > self.maximum:
                return False
            if self.above is not None and value <= self.above:
                return False
        return self.check is None or self.check(value)


def _gpu_layers_ok(value: Any) -> bool:
    """A count, "all" or "auto", as `parse_gpu_layers` reads it (so "20" from an old file works)."""
    try:
        parse_gpu_layers(str(value))
    except ValueError:
        return False
    return True


def _all_str(value: Any) -> bool:
    return all(isinstance(item, str) for item in value)


class Top:
    """Keys at the top level of the file."""

    default_model: Setting[str | None] = Setting(
        "default_model", None, STR + NONE, "The model loaded at start (a path, or the remote key)."
    )
    language: Setting[str] = Setting(
        "language", "system", STR, "The interface language.", choices=LANGUAGES
    )
    theme: Setting[str] = Setting(
        "theme", "system", STR, "Light, dark or as the system.", choices=THEMES
    )
    offline: Setting[bool] = Setting(
        "offline", False, BOOL, "Never reach the network (Hub, package index)."
    )


class Load:
    """How a local model is loaded (LoadParams)."""

    n_ctx: Setting[int] = Setting(
        "load.n_ctx", DEFAULT_N_CTX, INT, "Context size in tokens.", minimum=16
    )
    n_gpu_layers: Setting[int | str] = Setting(
        "load.n_gpu_layers", "auto", INT + STR,
        "Layers on the GPU: a count, 'all', or 'auto' (as many as fit in free VRAM).",
        check=_gpu_layers_ok,
    )  # fmt: skip
    n_threads: Setting[int | None] = Setting(
        "load.n_threads", None, INT + NONE,
        "CPU threads; None lets llama.cpp use the physical cores.", minimum=1,
    )  # fmt: skip
    n_batch: Setting[int] = Setting(
        "load.n_batch", DEFAULT_N_BATCH, INT, "Prompt batch size in tokens.", minimum=1
    )
    flash_attn: Setting[str] = Setting(
        "load.flash_attn", "auto", STR, "Flash attention: auto, on or off.", choices=FLASH_ATTN
    )
    kv_type: Setting[str] = Setting(
        "load.kv_type", "f16", STR, "The KV cache's number type.", choices=KV_TYPES
    )
    use_mmap: Setting[bool] = Setting(
        "load.use_mmap", True, BOOL, "Map the model file instead of reading it into RAM."
    )
    use_mlock: Setting[bool] = Setting(
        "load.use_mlock", False, BOOL, "Lock the model in RAM (no swapping)."
    )


class Sampling:
    """The default sampling of the CLI and the API server (SamplingParams)."""

    temperature: Setting[float] = Setting(
        "sampling.temperature", 0.8, NUMBER, "Randomness; 0 always picks the likeliest token.",
        minimum=0,
    )  # fmt: skip
    top_p: Setting[float] = Setting(
        "sampling.top_p", 0.95, NUMBER, "Nucleus sampling, in (0, 1].", above=0, maximum=1
    )
    top_k: Setting[int] = Setting(
        "sampling.top_k", 40, INT, "Only the K likeliest tokens; 0 disables it.", minimum=0
    )
    min_p: Setting[float] = Setting(
        "sampling.min_p", 0.05, NUMBER, "Drop tokens below this share of the likeliest.",
        minimum=0, maximum=1,
    )  # fmt: skip
    repeat_penalty: Setting[float] = Setting(
        "sampling.repeat_penalty", 1.1, NUMBER, "Penalty for repeated tokens; 1 is none.", above=0
    )
    max_tokens: Setting[int] = Setting(
        "sampling.max_tokens", 1024, INT, "The longest answer, in tokens.", minimum=1
    )


class Models:
    extra_dirs: Setting[list[str]] = Setting(
        "models.extra_dirs", [], LIST, "More folders to scan for .gguf files.", check=_all_str
    )


class Hub:
    endpoint: Setting[str] = Setting(
        "hub.endpoint", "https://huggingface.co", STR,
        "The Hub, or a mirror (e.g. https://hf-mirror.com).",
    )  # fmt: skip
    token: Setting[str | None] = Setting(
        "hub.token", None, STR + NONE, "Token for gated repositories (sent to `endpoint` only).",
        secret=True,
    )


class Remote:
    """An OpenAI-compatible server to run on instead of this computer (RemoteConfig)."""

    base_url: Setting[str] = Setting(
        "remote.base_url", "", STR, "The server, e.g. http://192.168.1.20:8080/v1; empty: none."
    )
    api_key: Setting[str | None] = Setting(
        "remote.api_key", None, STR + NONE, "Its API key.", secret=True
    )
    model: Setting[str] = Setting("remote.model", "", STR, "The model there; empty: its first.")
    n_ctx: Setting[int | None] = Setting(
        "remote.n_ctx", None, INT + NONE, "Its context size; None asks the server.", minimum=1
    )


class Summarize:
    style: Setting[str] = Setting(
        "summarize.style", "bullets", STR, "The summary's form.", choices=SUMMARY_STYLES
    )
    target_words: Setting[int | None] = Setting(
        "summarize.target_words", None, INT + NONE, "About how many words; None: the style's."
    )
    language: Setting[str] = Setting(
        "summarize.language", "same", STR, "The summary's language.", choices=SUMMARY_LANGUAGES
    )
    instruction: Setting[str] = Setting(
        "summarize.instruction", "", STR, "An extra instruction for the model."
    )


class Sentiment:
    labels: Setting[list[str]] = Setting(
        "sentiment.labels", ["positive", "negative", "neutral"], LIST, "The labels to score.",
        check=_all_str,
    )  # fmt: skip
    examples: Setting[list[list[str]]] = Setting(
        "sentiment.examples", [], LIST, "Few-shot examples: [[text, label], ...]."
    )
    calibrate: Setting[bool] = Setting(
        "sentiment.calibrate", True, BOOL, "Correct the model's bias towards some labels."
    )
    reason: Setting[bool] = Setting(
        "sentiment.reason", False, BOOL, "Ask for a one-line reason per text."
    )
    unsure_below: Setting[float] = Setting(
        "sentiment.unsure_below", 0.10, NUMBER,
        "A result whose margin (top probability minus the second) is below this is unsure.",
        minimum=0, maximum=1,
    )  # fmt: skip


GROUPS = (Top, Load, Sampling, Models, Hub, Remote, Summarize, Sentiment)
SCHEMA: tuple[Setting[Any], ...] = tuple(
    s for group in GROUPS for s in vars(group).values() if isinstance(s, Setting)
)
BY_KEY: dict[str, Setting[Any]] = {s.key: s for s in SCHEMA}
SECRET_KEYS: frozenset[str] = frozenset(s.key for s in SCHEMA if s.secret)
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(s.section for s in SCHEMA if s.section))


def defaults() -> dict[str, Any]:
    """A fresh file's contents: every known key at its default."""
    out: dict[str, Any] = {VERSION_KEY: CURRENT_VERSION}
    for s in SCHEMA:  # in the schema's order, which is the file's
        holder = out.setdefault(s.section, {}) if s.section else out
        holder[s.name] = copy.deepcopy(s.default)
    return out


DEFAULTS: dict[str, Any] = defaults()


def normalize(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fill missing known keys from the defaults and reset invalid ones; unknown keys stay.

    Returns the fixed dict and one message per reset value (the file itself is not touched).
    """
    problems: list[str] = []
    out = defaults()
    for key, value in data.items():
        if key in SECTIONS:
            if isinstance(value, dict):
                out[key].update(value)
            else:
                problems.append(f"Setting {key} must be an object, not {value!r}; reset.")
        else:
            out[key] = value
    out[VERSION_KEY] = CURRENT_VERSION
    for s in SCHEMA:
        holder = out[s.section] if s.section else out
        if not s.valid(holder[s.name]):
            problems.append(
                f"Setting {s.key} has an invalid value {holder[s.name]!r}; "
                f"using the default {s.default!r}."
            )
            holder[s.name] = copy.deepcopy(s.default)
    return out, problems
