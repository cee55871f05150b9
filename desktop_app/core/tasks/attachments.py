"""Documents attached to a chat: reading the file, placing it in the prompt, resolving citations.

A document that fits the context left after the conversation (counted with the model's own
tokenizer) goes into the prompt whole; a longer one is split into parts (text_split) and, for
each question, the parts BM25 ranks highest for it (retrieval.py) go in, as many as fit. Either
way the text is given in numbered parts, [1], [2], ..., each with its character range, and the
model is asked to cite them; the ids it cites are resolved to spans of the document. A small
model often cites nothing: then the parts sharing most of the answer's terms stand in, marked as
not cited (`cited: False`), so the user still sees where the answer probably came from.

Qt-free; the engine is reached only through the count functions the caller passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core import text_decode
from desktop_app.core.errors import AppError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.tasks.chat import answer_reserve
from desktop_app.core.tasks.documents import SUPPORTED_SUFFIXES, load_document, text_from_paste
from desktop_app.core.tasks.retrieval import BM25, overlap
from desktop_app.core.tasks.text_split import split_counted

__all__ = [
    "MAX_CHARS",
    "MAX_FILE_BYTES",
    "AttachmentError",
    "Part",
    "Placement",
    "ReadFile",
    "cite",
    "part_tokens",
    "parts_of",
    "place",
    "read_attachment",
]

MAX_FILE_BYTES = 64 * 2**20  # read nothing larger (a PDF's text is far smaller than its file)
MAX_CHARS = 1_000_000  # about a long book: above this, retrieval and storage stop being instant
TOP_K = 4  # parts given per question, at most (a small model is misled by more)
MARKER_TOKENS = 16  # what a part's "[n] (name, characters a–b)" line costs, about
MARGIN = 32  # tokens kept free beyond the answer's reserve (the count is exact, the answer not)
MIN_OVERLAP = 0.2  # of the answer's terms, for an uncited part to stand in as its source
_CITE = re.compile(r"[\[【［]\s*(\d{1,3}(?:\s*[,，、;]\s*\d{1,3})*)\s*[\]】］]")


class AttachmentError(AppError):
    """A file cannot be attached: unreadable, binary, empty or too long."""

    kind = "attachment"


@dataclass(frozen=True)
class ReadFile:
    name: str
    kind: str
    text: str


@dataclass(frozen=True)
class Part:
    """A span of an attached document: `text` is `document[start:end]`."""

    attachment_id: int
    name: str
    start: int
    end: int
    text: str
    tokens: int


@dataclass(frozen=True)
class Placement:
    """What one answer's prompt holds of the attachments: `parts` are numbered 1.. in order."""

    mode: str  # "whole" | "parts" | "none" (no room at all)
    parts: tuple[Part, ...]
    messages: list[dict[str, Any]]


# ---- reading --------------------------------------------------------------------------------


def read_attachment(path: str | Path) -> ReadFile:
    """A file's text for a chat: documents the summarizer reads (.txt .md .html .pdf .docx) its
    way, any other file as text in whatever encoding it is in; binary, empty and over-long files
    are refused with a message saying so (AttachmentError, or the reader's DocumentError)."""
    p = Path(path).expanduser()
    if not p.is_file():
        if p.is_dir():
            raise AttachmentError(
                QT_TRANSLATE_NOOP("Attachments", "{name} is a folder, not a file.").format(name=p)
            )
        raise AttachmentError(
            QT_TRANSLATE_NOOP("Attachments", "File not found: {name}").format(name=p)
        )
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise AttachmentError(
            QT_TRANSLATE_NOOP(
                "Attachments", "{name} is {size} MiB; files up to {limit} MiB can be attached."
            ).format(name=p.name, size=size // 2**20, limit=MAX_FILE_BYTES // 2**20)
        )
    if size == 0:
        raise AttachmentError(
            QT_TRANSLATE_NOOP("Attachments", "{name} is empty.").format(name=p.name)
        )
    if p.suffix.lower() in SUPPORTED_SUFFIXES:
        doc = load_document(p)
        text, kind = doc.text, doc.kind
    else:
        try:
            decoded = text_decode.decode(p.read_bytes(), name=p.name)
        except text_decode.TextDecodeError as exc:
            raise AttachmentError(
                QT_TRANSLATE_NOOP(
                    "Attachments", "{name} cannot be attached: it is not text ({reason})"
                ).format(name=p.name, reason=exc.message)
            ) from None
        except OSError as exc:
            raise AttachmentError(
                QT_TRANSLATE_NOOP("Attachments", "Cannot read {name}: {reason}").format(
                    name=p.name, reason=exc.strerror or exc
                )
            ) from None
        text, kind = text_from_paste(decoded.text), "text"
        if not text.strip():
            raise AttachmentError(
                QT_TRANSLATE_NOOP("Attachments", "{name} contains no text.").format(name=p.name)
            )
    check_length(p.name, text)
    return ReadFile(p.name, kind, text)


def check_length(name: str, text: str) -> None:
    if len(text) > MAX_CHARS:
        raise AttachmentError(
            QT_TRANSLATE_NOOP(
                "Attachments",
                "{name} is too long to attach: {chars} characters, up to {limit} can be. "
                "Attach a part of it, or summarize it in the Summarize tab.",
            ).format(name=name, chars=f"{len(text):,}", limit=f"{MAX_CHARS:,}")
        )


# ---- parts ----------------------------------------------------------------------------------


def part_tokens(n_ctx: int) -> int:
    """The size of a retrieval part: small enough that several fit beside the conversation."""
    return max(48, min(300, n_ctx // 8))


def parts_of(
    attachment_id: int, name: str, text: str, count: Callable[[str], int], max_tokens: int
) -> list[Part]:
    """The document cut at natural boundaries into parts of at most `max_tokens` tokens, each
    with its character range (the splitter gives the pieces; they are found again in order)."""
    out: list[Part] = []
    cursor = 0
    for piece, tokens in split_counted(text, count, max_tokens):
        start = text.find(piece, cursor)
        if start < 0:  # cannot happen: pieces are slices of the text, in order
            start = cursor
        end = start + len(piece)
        out.append(Part(attachment_id, name, start, end, piece, tokens))
        cursor = end
    return out


# ---- the prompt -----------------------------------------------------------------------------

_WHOLE = (
    "The user attached {names}. Its full text is below, in numbered parts. Answer from it, "
    "and after each statement cite the part it comes from in brackets, like [1]."
)
_PARTS = (
    "The user attached {names}, which is too long to show whole. The parts most related to "
    "the question are below, numbered. Answer from them, and after each statement cite the "
    "part it comes from in brackets, like [1]. If they do not answer the question, say so."
)


def document_block(parts: Sequence[Part], names: Sequence[str], whole: bool) -> str:
    """The system text that carries the document: the instruction, then each part under its id."""
    shown = ", ".join(f"“{n}”" for n in names)
    lines = [(_WHOLE if whole else _PARTS).format(names=shown)]
    for n, p in enumerate(parts, 1):
        lines.append(f"[{n}] ({p.name}, characters {p.start}–{p.end})\n{p.text}")
    return "\n\n".join(lines)


def with_block(messages: Sequence[Mapping[str, Any]], block: str) -> list[dict[str, Any]]:
    """The messages with `block` added to the system message (one is made if there is none):
    some chat templates take a single system message, first."""
    out = [dict(m) for m in messages]
    if out and out[0].get("role") == "system":
        out[0]["content"] = f"{out[0]['content']}\n\n{block}"
    else:
        out.insert(0, {"role": "system", "content": block})
    return out


def place(
    messages: Sequence[Mapping[str, Any]],
    parts: Sequence[Part],
    names: Sequence[str],
    count_messages: Callable[[list[dict[str, Any]]], int],
    n_ctx: int,
    max_tokens: int,
) -> Placement:
    """Put the documents (`parts`, in document order) into the prompt: whole if all of them
    fit the context left after the conversation and the answer's reserve, else the parts BM25
    ranks highest for the latest question, as many as fit (at most TOP_K), in document order.
    Every decision is checked with `count_messages` (the engine's real count)."""
    limit = n_ctx - answer_reserve(n_ctx, max_tokens) - MARGIN
    base = count_messages(with_block(messages, document_block([], names, whole=False)))
    # a long conversation keeps a third for the document: the fit leaves out its oldest turns
    room = max(limit - base, limit // 3)
    cap = max(limit, base + room)
    if sum(p.tokens + MARKER_TOKENS for p in parts) <= room:
        full = with_block(messages, document_block(parts, names, whole=True))
        if count_messages(full) <= cap:
            return Placement("whole", tuple(parts), full)
    chosen = _retrieve(parts, question(messages), room)
    while chosen:
        out = with_block(messages, document_block(chosen, names, whole=False))
        if count_messages(out) <= cap:
            return Placement("parts", tuple(chosen), out)
        chosen = chosen[:-1]
    return Placement("none", (), [dict(m) for m in messages])


def question(messages: Sequence[Mapping[str, Any]]) -> str:
    """What to retrieve for: the latest user message, with the one before it (a follow-up such
    as "and why?" shares few words with the document)."""
    users = [str(m.get("content", "")) for m in messages if m.get("role") == "user"]
    return "\n".join(users[-2:])


def _retrieve(parts: Sequence[Part], query: str, room: int) -> list[Part]:
    """The best-ranked parts that fit in `room` tokens, back in document order; the document's
    start when nothing matches (a question such as "what is this about?")."""
    ranked = BM25([p.text for p in parts]).rank(query) or list(range(len(parts)))
    picked: list[int] = []
    used = 0
    for i in ranked:
        cost = parts[i].tokens + MARKER_TOKENS
        if used + cost <= room:
            picked.append(i)
            used += cost
            if len(picked) >= TOP_K:
                break
    return [parts[i] for i in sorted(picked)]


# ---- citations ------------------------------------------------------------------------------


def cite(answer: str, parts: Sequence[Part]) -> list[dict[str, Any]]:
    """The answer's sources among the prompt's `parts`: the ids it cites ([2], [1, 3]), or when
    it cites none, the one or two parts whose terms cover most of the answer (`cited` False).
    Each source is {n, attachment_id, name, start, end, cited}."""
    ids: list[int] = []
    for m in _CITE.finditer(answer):
        ids.extend(int(x) for x in re.findall(r"\d+", m.group(1)))
    wanted = [n for n in dict.fromkeys(ids) if 1 <= n <= len(parts)]
    if wanted:
        return [_source(n, parts[n - 1], True) for n in wanted]
    scored = sorted(
        ((overlap(answer, p.text), n) for n, p in enumerate(parts, 1)), key=lambda s: (-s[0], s[1])
    )
    best = scored[0][0] if scored else 0.0
    if best < MIN_OVERLAP:
        return []
    kept = [n for s, n in scored[:2] if s >= 0.8 * best]
    return [_source(n, parts[n - 1], False) for n in sorted(kept)]


def _source(n: int, part: Part, cited: bool) -> dict[str, Any]:
    return {
        "n": n,
        "attachment_id": part.attachment_id,
        "name": part.name,
        "start": part.start,
        "end": part.end,
        "cited": cited,
    }
