"""Splitting a text into parts of at most N tokens at natural boundaries (for map-reduce summaries).

Kept apart from the summarizer: it is pure text work over a token-count function, used by the
summarizer's map and reduce rounds and tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CountFn = Callable[[str], int]

# ---- splitting ---------------------------------------------------------------------------------

# Boundaries from strongest to weakest; a part ends at the last one inside its window.
_BOUNDARIES: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"\n[ \t]*\n\s*"), 0.5),  # paragraph break
    (re.compile(r"[.!?…]+[\"'”’)\]»]*(?=\s)|[。！？；…]+[”’」』）》\"']*"), 0.5),  # sentence end
    (re.compile(r"\n"), 0.5),  # line break (PDF text has one per printed line)
    (re.compile(r"[，、；：]|[,;:](?=\s)"), 0.3),  # clause mark
    (re.compile(r"\s+"), 0.3),  # between words
)
_FILL = 0.92  # aim each estimate this far below the limit, so most first guesses fit
_GROW_BELOW = 0.7  # a verified part this far under the limit is re-estimated once, larger
_SAMPLE_CHARS = 2000


def split_by_tokens(text: str, count: CountFn, max_tokens: int) -> list[str]:
    """Split `text` into parts of at most `max_tokens` tokens each, at the most natural boundary.

    A part ends at a paragraph break if one falls in the second half of its window, else at a
    sentence end (. ! ? 。！？；…), a line break, a clause mark (，,、), a space, or finally a hard
    character cut. Sizes are estimated from a chars-per-token ratio measured on the text (and
    updated with every part) and each part is verified with `count`: about one or two calls per
    part, never one over the whole text.
    """
    return [piece for piece, _ in split_counted(text, count, max_tokens)]


def split_counted(text: str, count: CountFn, max_tokens: int) -> list[tuple[str, int]]:
    """split_by_tokens, with each part's verified token count."""
    return [
        (text[start:end], tokens) for start, end, tokens in split_spans(text, count, max_tokens)
    ]


def split_spans(text: str, count: CountFn, max_tokens: int) -> list[tuple[int, int, int]]:
    """split_counted as (start, end, tokens): each part is `text[start:end]`.

    The offsets let a summary's statements point back into the text they came from.
    """
    if max_tokens < 8:
        raise ValueError(f"parts must allow at least 8 tokens, not {max_tokens}")
    n = len(text)
    pos = _skip_space(text, 0)
    if pos >= n:
        return []
    ratio = _chars_per_token(text, count)
    parts: list[tuple[int, int, int]] = []
    while pos < n:
        chars = max(1, int(max_tokens * _FILL * ratio))
        # The last two parts share what is left, rather than a full part and a scrap whose
        # summary would cost a request for little text.
        balanced = chars < n - pos < 2 * chars
        if balanced:
            chars = int((n - pos) * 0.6)
        fallback: tuple[str, int, int] | None = None
        grown = False
        while True:
            end = _cut(text, pos, chars)
            piece = text[pos:end].rstrip()
            tokens = count(piece)
            if tokens <= max_tokens:
                if end < n and not (grown or balanced) and tokens < _GROW_BELOW * max_tokens:
                    bigger = int(max_tokens * _FILL * len(piece) / max(tokens, 1))
                    if bigger > chars * 1.15:
                        fallback, chars, grown = (piece, tokens, end), bigger, True
                        continue
                break
            if fallback is not None:  # the larger guess overshot: keep the one that fitted
                piece, tokens, end = fallback
                break
            shrunk = int(len(piece) * max_tokens / tokens * 0.95)
            chars = max(1, min(shrunk, end - pos - 1))
        parts.append((pos, pos + len(piece), tokens))
        ratio = 0.5 * ratio + 0.5 * len(piece) / max(tokens, 1)
        pos = _skip_space(text, end)
    return parts


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _chars_per_token(text: str, count: CountFn) -> float:
    """Characters per token, measured on up to three samples (start, middle, end) in one call."""
    if len(text) <= 3 * _SAMPLE_CHARS:
        sample = text
    else:
        mid = len(text) // 2
        sample = "\n".join(
            (text[:_SAMPLE_CHARS], text[mid : mid + _SAMPLE_CHARS], text[-_SAMPLE_CHARS:])
        )
    return max(0.1, len(sample) / max(1, count(sample)))


def _cut(text: str, pos: int, chars: int) -> int:
    """Where a part starting at `pos` with room for about `chars` characters should end."""
    hi = pos + chars
    if hi >= len(text):
        return len(text)
    for pattern, min_fill in _BOUNDARIES:
        lo = pos + max(1, int(chars * min_fill))
        last = None
        for match in pattern.finditer(text, lo, hi):
            last = match
        if last is not None and last.end() > pos:
            return last.end()
    return hi


def chars_per_token(text: str, count: CountFn) -> float:
    """Characters per token of `text`, from one count over up to three samples (for plans)."""
    return _chars_per_token(text, count)


def join_ranged(pieces: list[tuple[str, int, int]]) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Texts joined by blank lines for the next round, each with where it lies in the joined
    text and the range of the source it stands for: (from, to, start, end)."""
    texts, where, at = [], [], 0
    for text, start, end in pieces:
        texts.append(text)
        where.append((at, at + len(text), start, end))
        at += len(text) + 2
    return "\n\n".join(texts), where


def range_of(where: list[tuple[int, int, int, int]], a: int, b: int) -> tuple[int, int]:
    """The source range of joined[a:b]: from the first piece it touches to the last."""
    touched = [(start, end) for lo, hi, start, end in where if lo < b and hi > a]
    return (touched[0][0], touched[-1][1]) if touched else (0, 0)
