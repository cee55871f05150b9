"""Labels as the user reads them and as the model is asked about them (issue 14).

The default labels (positive, negative, neutral) come from the core in English, marked for
translation; the window shows them in the user's language, but the model keeps being asked
about the English words, which a small model tells apart far better. So every label shown goes
through `shown_label`, and every label typed goes back through `model_label` before a run or a
save. Labels the user typed themselves are theirs, shown and asked about as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from desktop_app.core.tasks.sentiment import DEFAULT_LABELS, ItemResult
from desktop_app.ui.core_text import shown

_SEPARATED = re.compile(r"([,，、;；\n])")  # as options.split_labels, keeping the separators


def shown_label(label: str) -> str:
    """A default label in the user's language; any other label as it is."""
    return shown(label) if label in DEFAULT_LABELS else label


def model_label(label: str) -> str:
    """The word the model is asked about: a default label as shown in the user's language is
    the English word; any other label (English ones too, in the case typed) is itself."""
    word = label.strip()
    folded = word.casefold()
    for default in DEFAULT_LABELS:
        translated = shown(default)
        if translated != default and folded == translated.casefold():
            return default
    return word


def _each_label(text: str, change: Callable[[str], str]) -> str:
    parts = _SEPARATED.split(text)
    for i in range(0, len(parts), 2):  # the even parts are labels, the odd ones separators
        word = parts[i].strip()
        if word:
            parts[i] = parts[i].replace(word, change(word))
    return "".join(parts)


def shown_labels_text(text: str) -> str:
    """A labels line with the default labels in the user's language (spacing kept)."""
    return _each_label(text, shown_label)


def model_labels_text(text: str) -> str:
    """A labels line with the default labels as the model's English words (spacing kept)."""
    return _each_label(text, model_label)


def unsure_text(result: ItemResult) -> str:
    """'Unsure: positive 44% vs negative 44%' (in the user's language)."""
    label, runner_up = result.label or "", result.runner_up or ""
    return QCoreApplication.translate("SentimentPane", "Unsure: {0} {1:.0%} vs {2} {3:.0%}").format(
        shown_label(label),
        result.probs.get(label, 0.0),
        shown_label(runner_up),
        result.probs.get(runner_up, 0.0),
    )
