"""Label sets beyond sentiment: a preset is labels plus the instruction that asks for them.

The instruction is the system message the model reads (English: a small model follows it far
better); `{labels}` in it becomes the labels, "a, b or c". The pane and `hearth sentiment
--preset` start from a preset; the user may edit both the labels and the instruction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Preset:
    name: str  # the CLI's name
    title: str  # shown (translated in the GUI under "LabelPreset")
    labels: tuple[str, ...]
    instruction: str  # with {labels}


PRESETS = (
    Preset(
        "sentiment",
        QT_TRANSLATE_NOOP("LabelPreset", "Sentiment"),
        ("positive", "negative", "neutral"),
        "Classify the sentiment of the user's text as {labels}. Answer with that one word only.",
    ),
    Preset(
        "topic",
        QT_TRANSLATE_NOOP("LabelPreset", "Topic"),
        ("politics", "sports", "business", "technology", "entertainment"),
        "Classify the topic of the user's text as {labels}. Answer with that one word only.",
    ),
    Preset(
        "intent",
        QT_TRANSLATE_NOOP("LabelPreset", "Intent"),
        ("question", "request", "complaint", "praise", "other"),
        "Classify the intent of the user's message as {labels}. Answer with that one word only.",
    ),
    Preset(
        "language",
        QT_TRANSLATE_NOOP("LabelPreset", "Language"),
        ("English", "Chinese", "French", "German", "Spanish"),
        "Which language is the user's text written in: {labels}? Answer with that one word only.",
    ),
    Preset(
        "yes-no",
        QT_TRANSLATE_NOOP("LabelPreset", "Yes / no"),
        ("yes", "no"),
        "Answer {labels} only. Question: does the user's text describe a problem?",
    ),
)
PRESET_NAMES = tuple(p.name for p in PRESETS)


def preset(name: str) -> Preset:
    for p in PRESETS:
        if p.name == name.strip().lower() or (
            name.strip().lower() == "yes/no" and p.name == "yes-no"
        ):
            return p
    raise ValueError(f"no preset {name!r}; the presets are: {', '.join(PRESET_NAMES)}")


def listed(labels: Sequence[str]) -> str:
    """ "a, b or c" (as scoring.default_instruction lists them)."""
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + f" or {labels[-1]}"


def instruction_for(template: str, labels: Sequence[str]) -> str:
    """The instruction with `{labels}` replaced by the labels (other braces kept as typed)."""
    return template.replace("{labels}", listed(labels))


__all__ = ["PRESETS", "PRESET_NAMES", "Preset", "instruction_for", "listed", "preset"]
