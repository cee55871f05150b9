"""How much of a document its summary represents: per section, covered or not, and one number.

A section is covered when a supported claim has a source span in it (an unsupported claim
represents nothing). Sections are the parts the text was read in; a text read in one pass is
cut at paragraph breaks into about TARGET_SECTIONS sections, so the strip beside the source
shows the same thing either way. The number is covered characters / all characters of the
sections: a short covered part weighs less than a long uncovered one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.tasks.summary_claims import Claim

TARGET_SECTIONS = 10
MIN_SECTION_CHARS = 200

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Section:
    """`text[start:end]`: a part of the document, and whether the summary represents it."""

    start: int
    end: int
    covered: bool


def paragraph_sections(text: str) -> list[tuple[int, int]]:
    """Consecutive paragraphs grouped into about TARGET_SECTIONS ranges (for a one-pass text)."""
    size = max(MIN_SECTION_CHARS, len(text) // TARGET_SECTIONS)
    out: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _PARAGRAPH.finditer(text):
        if match.start() - start >= size:
            out.append((start, match.start()))
            start = match.end()
    end = len(text.rstrip())
    if end > start:
        if out and end - start < size // 3:  # a scrap joins the section before it
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def coverage(
    claims: Sequence[Claim], ranges: Sequence[tuple[int, int]]
) -> tuple[float, list[Section]]:
    """(covered characters / all characters of `ranges`, each range's Section)."""
    spans = [s for c in claims if c.supported for s in c.sources]
    sections = [
        Section(a, b, any(s.start < b and s.end > a for s in spans)) for a, b in ranges if b > a
    ]
    total = sum(s.end - s.start for s in sections)
    covered = sum(s.end - s.start for s in sections if s.covered)
    return (covered / total if total else 0.0), sections
