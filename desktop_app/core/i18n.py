"""Marks the Qt-free core's user-visible messages for translation, without importing Qt.

The core's errors and statuses (Hub failures, download states, default labels) reach the window as
plain English strings: the CLI, the logs and the server want them so. `QT_TRANSLATE_NOOP` is the
name pyside6-lupdate extracts from Python sources, so marking a template with it puts it in the
.ts file; calling it also registers the template here, which lets the GUI (ui/core_text.py) turn a
finished English message back into its template and arguments and show both in the user's
language. Mark the template, then format it:

    QT_TRANSLATE_NOOP("Hub", "Cannot reach {host}: {reason}").format(host=h, reason=r)

A message built from another message ("{reason} (try {n} of {total}).") nests: the GUI translates
the inner one too.
"""

from __future__ import annotations

_TEMPLATES: dict[str, str] = {}  # template -> translation context


def QT_TRANSLATE_NOOP(context: str, template: str) -> str:  # the name lupdate reads
    """Register `template` under `context` for translation; returns it unchanged."""
    _TEMPLATES.setdefault(template, context)
    return template


def templates() -> dict[str, str]:
    """Every template registered so far, with its context (a copy)."""
    return dict(_TEMPLATES)


def context_of(template: str) -> str | None:
    return _TEMPLATES.get(template)
