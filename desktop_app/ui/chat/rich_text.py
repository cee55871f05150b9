"""Appending HTML to the conversation's QTextDocument so that pieces add up to the whole.

`QTextCursor.insertHtml` merges the first paragraph of what it inserts into the block the cursor
is in, dropping that paragraph's block format (its margins: the missing gap under "Assistant"),
and leaves an empty block in front of a list or a table. `append_html` undoes both, so a message
appended block by block while it streams, appended in one piece when it ends, or rebuilt later
when the conversation is reopened, gives the same blocks with the same formats and geometry.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache

from PySide6.QtGui import QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument

__all__ = ["append_html", "append_text", "appended_text", "end_position", "truncate"]

# What may follow the text at the end of an HTML piece for `appended_text`: closing tags of
# elements whose last text is the document's last character (not a table's or a <pre>'s).
_CLOSING = re.compile(r"(?:\s*</(?!table|pre|code)[a-z0-9]+>)*\s*")
# The block-level tags an HTML piece opens with: what decides its first block's format.
_LEAD = re.compile(r"^(?:\s*<(?:p|h[1-6]|blockquote|ul|ol|li|table|tr|td|th)\b[^>]*>)+")


@lru_cache(maxsize=64)
def _first_formats(lead: str) -> tuple[QTextBlockFormat, QTextCharFormat] | None:
    """The formats Qt gives the first block of HTML opening with `lead`, or None where that
    block belongs to a list or a table (its format refers to objects of the scratch document).
    A few tens of distinct leads occur (the renderer writes a fixed set of tags), hence the cache."""
    scratch = QTextDocument()
    scratch.setHtml(lead + "x")
    block = scratch.begin()
    if block.textList() is not None or QTextCursor(block).currentTable() is not None:
        return None
    return QTextBlockFormat(block.blockFormat()), QTextCharFormat(block.charFormat())


def end_position(doc: QTextDocument) -> int:
    """The position after the last character (where `append_html` adds and `truncate` cuts)."""
    return doc.characterCount() - 1


def append_html(doc: QTextDocument, html: str) -> None:
    """Append `html` as new blocks after what the document holds, formats kept (see above)."""
    html = html.strip()
    if not html:
        return
    cursor = QTextCursor(doc)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    fresh = not doc.isEmpty()
    if fresh:
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
    start = cursor.position()
    cursor.insertHtml(html)
    first = QTextCursor(doc)
    first.setPosition(start)
    block = first.block()
    if fresh and block.length() == 1 and block.next().isValid():
        # A list or a table went in after the fresh block: drop the empty block it left.
        first.setPosition(start - 1)
        first.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
        first.removeSelectedText()
        return
    match = _LEAD.match(html)
    formats = _first_formats(match.group(0).strip()) if match else None
    if formats is not None:
        first.setBlockFormat(formats[0])
        first.setBlockCharFormat(formats[1])


def truncate(doc: QTextDocument, position: int) -> None:
    """Remove everything from `position` (an earlier `end_position`) to the end."""
    if position >= end_position(doc):
        return
    cursor = QTextCursor(doc)
    cursor.setPosition(position)
    # Qt may give the block the cut starts in the format of the block after the cut (when it
    # is empty, e.g. the one after a table): keep its own.
    block_format, char_format = cursor.blockFormat(), cursor.blockCharFormat()
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    cursor.setBlockFormat(block_format)
    cursor.setBlockCharFormat(char_format)


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (binary search: a dozen C-level compares)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def appended_text(old: str, new: str) -> str | None:
    """The plain text that, typed at the end of the document showing HTML `old`, makes it show
    `new`; None when `new` differs otherwise. The usual update while an answer streams is a few
    words more in its last paragraph: inserting them is far cheaper than replacing the block."""
    old, new = old.rstrip(), new.rstrip()
    common = _common_prefix(old, new)
    old_rest, new_rest = old[common:], new[common:]
    if not _CLOSING.fullmatch(old_rest) or not new_rest.endswith(old_rest):
        return None
    added = new_rest[: len(new_rest) - len(old_rest)]
    if not added:
        return ""
    before = old[common - 1] if common else ">"
    if before == ">" or any(c in added for c in "<>\n\t\r") or "  " in before + added:
        return None  # not a continuation of the last text run, or HTML would fold the spaces
    return html_lib.unescape(added)


def append_text(doc: QTextDocument, text: str) -> None:
    """Type `text` at the end of the document, in the format of the character before it."""
    cursor = QTextCursor(doc)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText(text)
