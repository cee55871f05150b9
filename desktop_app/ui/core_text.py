"""Shows a message made in the Qt-free core in the user's language.

The core formats English text from templates marked with core.i18n.QT_TRANSLATE_NOOP. Here the
finished text is matched back to its template (the most specific template first), the template is
translated with QCoreApplication.translate under its context, and each argument is translated in
turn (messages nest). Text that matches no template is shown as it is, so an unmarked message is
English rather than lost.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

from PySide6.QtCore import QCoreApplication

from desktop_app.core import i18n

_FORMATTER = string.Formatter()


def shown(text: str) -> str:
    """`text` in the user's language where the core marked its template, else unchanged."""
    if not text:
        return text
    context = i18n.context_of(text)
    if context is not None:
        return QCoreApplication.translate(context, text)
    for template, context, pattern, names in _patterns(len(i18n.templates())):
        found = pattern.fullmatch(text)
        if found is None:
            continue
        values = {names[i]: shown(v) for i, v in enumerate(found.groups())}
        return _fill(QCoreApplication.translate(context, template), values)
    return text


def _fill(template: str, values: dict[str, str]) -> str:
    """Put the already formatted argument texts into a (translated) template, ignoring specs."""
    out: list[str] = []
    auto = 0
    try:
        for literal, field, _spec, _conv in _FORMATTER.parse(template):
            out.append(literal)
            if field is None:
                continue
            if field == "":
                field = str(auto)
                auto += 1
            out.append(values.get(field, "{" + field + "}"))
    except ValueError:  # a broken translation: fall back on the English template's shape
        return template
    return "".join(out)


@lru_cache(maxsize=4)
def _patterns(_count: int) -> list[tuple[str, str, re.Pattern[str], list[str]]]:
    """Compiled templates, most literal text first; rebuilt when more templates are registered."""
    compiled = []
    for template, context in i18n.templates().items():
        regex: list[str] = []
        names: list[str] = []
        literal_length = 0
        auto = 0
        try:
            parts = list(_FORMATTER.parse(template))
        except ValueError:
            continue
        for literal, field, _spec, _conv in parts:
            regex.append(re.escape(literal))
            literal_length += len(literal)
            if field is None:
                continue
            if field == "":
                field = str(auto)
                auto += 1
            names.append(field)
            regex.append("(.+?)")
        if not names:
            continue
        compiled.append(
            (literal_length, template, context, re.compile("".join(regex), re.S), names)
        )
    compiled.sort(key=lambda c: -c[0])
    return [(t, c, p, n) for _len, t, c, p, n in compiled]
