"""Attaching documents to a chat: reading files (bad ones refused clearly), whole or in parts,
citations resolved to spans. The placement logic is checked here with a character count; the
chat session's tests run it on the real model's tokenizer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.tasks import attachments as att
from desktop_app.core.tasks.attachments import (
    AttachmentError,
    Part,
    cite,
    parts_of,
    place,
    read_attachment,
)
from desktop_app.core.tasks.documents import DocumentError


def chars_count(text: str) -> int:
    return max(1, len(text) // 4)


def messages_count(msgs: list[dict[str, Any]]) -> int:
    return sum(chars_count(str(m["content"])) + 4 for m in msgs)


def test_reads_text_markdown_and_other_text_files(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Plan\n\nBuy flour.\r\n", encoding="utf-8")
    got = read_attachment(notes)
    assert (got.name, got.kind, got.text) == ("notes.md", "markdown", "# Plan\n\nBuy flour.")
    code = tmp_path / "script.py"
    code.write_text("print('hi')\n", encoding="utf-8")
    assert read_attachment(code).text == "print('hi')"


def test_odd_encodings_are_decoded(tmp_path: Path) -> None:
    gbk = tmp_path / "zh.txt"
    gbk.write_bytes("灯塔看守人每天傍晚爬上塔顶点亮灯。".encode("gb18030"))
    assert read_attachment(gbk).text.startswith("灯塔看守人")
    utf16 = tmp_path / "u16.log"
    utf16.write_bytes("hello world\n".encode("utf-16"))
    assert read_attachment(utf16).text == "hello world"


def test_bad_files_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    blob = tmp_path / "image.bin"
    blob.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(AttachmentError, match=r"image\.bin cannot be attached: it is not text"):
        read_attachment(blob)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(AttachmentError, match=r"empty\.txt is empty"):
        read_attachment(empty)
    blank = tmp_path / "blank.cfg"
    blank.write_text("\n\n   \n", encoding="utf-8")
    with pytest.raises(AttachmentError, match="contains no text"):
        read_attachment(blank)
    with pytest.raises(AttachmentError, match="File not found"):
        read_attachment(tmp_path / "missing.txt")
    with pytest.raises(AttachmentError, match="is a folder"):
        read_attachment(tmp_path)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(DocumentError, match="not a readable PDF"):
        read_attachment(broken)


def test_a_huge_file_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long = tmp_path / "long.txt"
    long.write_text("word " * (att.MAX_CHARS // 5 + 10), encoding="utf-8")
    with pytest.raises(AttachmentError, match=r"too long to attach: 1,000,0\d\d characters"):
        read_attachment(long)
    monkeypatch.setattr(att, "MAX_FILE_BYTES", 1000)
    with pytest.raises(AttachmentError, match="files up to 0 MiB"):
        read_attachment(long)


def doc(n: int) -> str:
    topics = ["lighthouse lamp keeper", "bread flour yeast", "tomato soil sun", "violin bow string"]
    paras = []
    for i in range(n):
        t = topics[i % len(topics)]
        paras.append(f"Paragraph {i} is about the {t}. " + f"More on the {t} here. " * 6)
    return "\n\n".join(paras)


def test_parts_carry_their_character_spans() -> None:
    text = doc(12)
    parts = parts_of(7, "d.txt", text, chars_count, 60)
    assert len(parts) > 3
    for p in parts:
        assert text[p.start : p.end] == p.text and p.attachment_id == 7
    assert parts[0].start == 0 and parts[-1].end == len(text.rstrip())


def test_a_short_document_goes_in_whole_with_part_markers() -> None:
    text = doc(3)
    parts = parts_of(1, "d.txt", text, chars_count, 60)
    msgs = [{"role": "user", "content": "What is paragraph 1 about?"}]
    placed = place(msgs, parts, ["d.txt"], messages_count, 4096, 256)
    assert placed.mode == "whole" and placed.parts == tuple(parts)
    system = placed.messages[0]
    assert system["role"] == "system" and "[1] (d.txt, characters 0–" in system["content"]
    assert all(p.text in system["content"] for p in parts)
    assert placed.messages[1:] == msgs


def test_a_long_document_gives_the_parts_for_the_question() -> None:
    text = doc(40)
    parts = parts_of(1, "d.txt", text, chars_count, 60)
    msgs = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What does the violin bow need?"},
    ]
    placed = place(msgs, parts, ["d.txt"], messages_count, 1024, 128)
    assert placed.mode == "parts" and 0 < len(placed.parts) <= att.TOP_K
    assert all("violin" in p.text for p in placed.parts)
    assert [p.start for p in placed.parts] == sorted(p.start for p in placed.parts)
    assert placed.messages[0]["content"].startswith("Be brief.\n\nThe user attached “d.txt”")
    assert messages_count(placed.messages) <= 1024 - 128 - att.MARGIN


def part(n: int, text: str) -> Part:
    return Part(3, "d.txt", n * 100, n * 100 + len(text), text, 10)


def test_cited_ids_resolve_to_the_parts_spans() -> None:
    parts = [part(0, "The lamp is lit at dusk."), part(1, "Bread needs yeast.")]
    got = cite("It is lit at dusk [1]. Also bread [2][1], and [9] is no part.", parts)
    assert [(s["n"], s["start"], s["end"], s["cited"]) for s in got] == [
        (1, 0, 24, True),
        (2, 100, 118, True),
    ]
    assert [s["n"] for s in cite("见【2】和[1, 2]", parts)] == [2, 1]


def test_without_citations_the_best_overlapping_part_stands_in() -> None:
    parts = [part(0, "The lamp is lit at dusk by the keeper."), part(1, "Bread needs yeast.")]
    got = cite("The keeper lights the lamp at dusk.", parts)
    assert [(s["n"], s["cited"]) for s in got] == [(1, False)]
    assert cite("Quantum physics.", parts) == []
