"""Search over conversations: every word of a query, as a substring, in any script.

Search uses FTS5 with the `trigram` tokenizer, which matches substrings, so Chinese (written
without spaces) is found as well as English. Trigrams need 3 characters: shorter terms use LIKE.
Where SQLite lacks FTS5 or trigram (older than 3.34) everything uses LIKE.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from desktop_app.core.storage.conversation_records import SearchHit, shorten

__all__ = ["SNIPPET_CHARS", "search"]

SNIPPET_CHARS = 80


def search(conn: sqlite3.Connection, query: str, limit: int, *, fts: bool) -> list[SearchHit]:
    """Messages and titles containing every word of `query` (substring, any script); the caller
    holds a read transaction.

        The query is data, never FTS syntax: quotes, `*`, `-`, `OR` and brackets match literally.
        Title hits come first, then messages (best FTS rank, or newest without FTS).
    """
    # FTS5 reads query strings as C strings: a NUL would end one early ("unterminated string").
    terms = query.replace("\x00", " ").split()
    if not terms or limit <= 0:
        return []
    long_terms = [t for t in terms if len(t) >= 3] if fts else []
    short_terms = [t for t in terms if t not in long_terms]
    titles = _search_rows(conn, "title", long_terms, short_terms, limit)
    messages = _search_rows(conn, "message", long_terms, short_terms, limit)
    hits = [
        SearchHit(
            conversation_id=row[0],
            title=row[1],
            message_id=None,
            snippet=_snippet(row[1], terms),
        )
        for row in titles
    ]
    hits += [
        SearchHit(
            conversation_id=row[0],
            title=row[1],
            message_id=row[2],
            position=row[3],
            snippet=_snippet(row[4], terms),
        )
        for row in messages
    ]
    return hits[:limit]


def _search_rows(
    conn: sqlite3.Connection,
    kind: str,
    long_terms: Sequence[str],
    short_terms: Sequence[str],
    limit: int,
) -> list[tuple[Any, ...]]:
    """FTS MATCH narrows by the long terms; LIKE checks the short ones (or all, without FTS)."""
    if kind == "title":
        select = "SELECT c.id, c.title FROM conversations c"
        fts_join = " JOIN conversations_fts f ON f.rowid = c.id"
        fts_table, text_column = "conversations_fts", "c.title"
        order_plain = "c.updated_at DESC"
    else:
        select = (
            "SELECT c.id, c.title, m.id, m.position, m.content FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id"
        )
        fts_join = " JOIN messages_fts f ON f.rowid = m.id"
        fts_table, text_column = "messages_fts", "m.content"
        order_plain = "c.updated_at DESC, m.position"
    where = ["c.deleted_at IS NULL"]
    params: list[Any] = []
    sql = select
    if long_terms:
        sql += fts_join
        where.append(f"f.{fts_table} MATCH ?")
        params.append(_fts_query(long_terms))
    for term in short_terms:
        where.append(f"{text_column} LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(term))
    order = "f.rank, " + order_plain if long_terms else order_plain
    sql += " WHERE " + " AND ".join(where) + f" ORDER BY {order} LIMIT ?"
    params.append(limit)
    return conn.execute(sql, params).fetchall()


def _fts_query(terms: Sequence[str]) -> str:
    """Each term as an FTS5 string (quotes doubled): operators inside are plain text."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _snippet(text: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters around the first match, on one line, with … where cut."""
    flat = " ".join(text.split())
    lowered = flat.lower()
    found = [i for i in (lowered.find(t.lower()) for t in terms) if i >= 0]
    if not found or len(flat) <= width:
        return shorten(flat, width)
    start = max(0, min(found) - width // 3)
    end = min(len(flat), start + width)
    start = max(0, end - width)
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")
