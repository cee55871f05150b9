"""Did the final summary follow the options? Cheap checks on the answer, and what can be fixed.

A small model often ignores "write in English" (answering a Chinese text in Chinese) or writes
prose when bullet points were asked. What can be enforced is: the language, by asking once more
with a stronger instruction (the summarizer does that) and saying so when the answer is still in
another script; bullet points, by turning prose into one bullet per sentence. The language check
tells scripts apart (Han characters against Latin letters), not languages: French written where
English was asked passes. That is what the options offer (English, Chinese, the text's own).
"""

from __future__ import annotations

import re
from typing import Literal

from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.tasks.summary_prompts import Language, mostly_cjk

Script = Literal["han", "latin", "other"]
MIN_LETTERS = 12  # below this an answer is too short to judge
HAN_SHARE = 0.3  # of the letters: a Chinese summary quoting Latin names stays above this
LATIN_SHARE = 0.7

# a list line: "- ", "* ", "1. ", "1) ", "1、", or a bullet sign ("•", with or without a space)
_BULLET = re.compile(r"^\s*(?:[-*+–]\s+|\d{1,3}[.)](?:\s+|$)|\d{1,3}、|[•·▪●])")
_OTHER_MARK = re.compile(r"^(\s*)(?:[*+–]\s+|[•·▪●]\s*)")
# after a sentence's end: ". " (Latin) or a full-width mark (Chinese needs no space after it)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？])\s*(?=\S)")


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u4dbf" or "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def script_of(text: str) -> Script | None:
    """The script most of `text`'s letters are in; None for too few letters to say."""
    letters = [c for c in text[:8000] if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    han = sum(1 for c in letters if _is_han(c))
    if han >= HAN_SHARE * len(letters):
        return "han"
    latin = sum(1 for c in letters if c < "\u0250")
    return "latin" if latin >= LATIN_SHARE * len(letters) else "other"


def wanted_script(language: Language, source: str) -> Script | None:
    """The script the options ask for; for "same", the source's (None: nothing to check)."""
    if language == "en":
        return "latin"
    if language == "zh":
        return "han"
    if mostly_cjk(source):
        return "han"
    got = script_of(source)
    return got if got == "latin" else None


def language_problem(language: Language, wanted: Script, got: Script | None) -> str | None:
    """What to tell the user when the answer is in another script than asked; None if fine."""
    if got is None or got == wanted:
        return None
    if wanted == "han":
        if got == "latin":
            return QT_TRANSLATE_NOOP(
                "Summarizer", "The model answered in English although Chinese was asked."
            )
        return QT_TRANSLATE_NOOP("Summarizer", "The model did not answer in Chinese as asked.")
    if language == "en":
        if got == "han":
            return QT_TRANSLATE_NOOP(
                "Summarizer", "The model answered in Chinese although English was asked."
            )
        return QT_TRANSLATE_NOOP("Summarizer", "The model did not answer in English as asked.")
    if got == "han":
        return QT_TRANSLATE_NOOP(
            "Summarizer", "The model answered in Chinese, not in the language of the text."
        )
    return QT_TRANSLATE_NOOP("Summarizer", "The model did not answer in the language of the text.")


PROSE_MADE_BULLETS = QT_TRANSLATE_NOOP(
    "Summarizer",
    "The model wrote prose instead of bullet points; each sentence was made a bullet point.",
)


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence's end mark (line breaks end a sentence too)."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return out


def as_bullets(text: str) -> tuple[str, bool]:
    """`text` as a Markdown bullet list, and whether prose had to be cut into bullets.

    An answer with list lines keeps them (other bullet marks, "•" or "*", become "- ", which
    Markdown renders); prose becomes one "- " line per sentence.
    """
    lines = text.strip().splitlines()
    if any(_BULLET.match(line) and line.strip() for line in lines):
        return "\n".join(_OTHER_MARK.sub(r"\1- ", line) for line in lines), False
    items = sentences(text)
    if not items:
        return text, False
    return "\n".join(f"- {item}" for item in items), True
