"""Documents as users bring them: every format and encoding made here, plus the broken ones."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest

from desktop_app.core.errors import AppError
from desktop_app.core.tasks.documents import (
    DocumentError,
    decode_text,
    html_to_text,
    load_document,
    text_from_paste,
)

EN = "The committee met on Tuesday.\n\nThe bridge repairs cost twice as much as last year."
ZH = "委员会周二开会讨论新的预算。几位成员对桥梁维修费用表示担忧，该费用自去年以来翻了一番。\n\n市长承诺在三月前进行审查。"
LATIN = "Café déjà vu: a naïve résumé, “quoted” — and a façade at 5 €."


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A minimal PDF with a real text layer (Helvetica, one text object per page)."""

    def esc(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        shown = " ".join(f"({esc(line)}) Tj T*" for line in text.split("\n"))
        ops = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET"
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


# ---- text files and encodings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (EN.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + ZH.encode("utf-8"), "UTF-8 (BOM)"),
        (codecs.BOM_UTF16_LE + ZH.encode("utf-16-le"), "UTF-16 LE (BOM)"),
        (codecs.BOM_UTF16_BE + ZH.encode("utf-16-be"), "UTF-16 BE (BOM)"),
        (codecs.BOM_UTF32_LE + EN.encode("utf-32-le"), "UTF-32 LE (BOM)"),
        (EN.encode("utf-16-le"), "UTF-16 LE"),
        (EN.encode("utf-16-be"), "UTF-16 BE"),
        (ZH.encode("gb18030"), "GB18030"),
        (LATIN.encode("cp1252"), "Windows-1252"),
    ],
)
def test_text_files_in_common_encodings(tmp_path: Path, data: bytes, label: str) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    doc = load_document(path)
    assert doc.encoding == label
    assert doc.kind == "text" and doc.title == "note" and doc.pages is None
    expected = {"GB18030": ZH, "Windows-1252": LATIN}.get(label)
    if expected is None:
        expected = ZH if "\u4e00" <= doc.text[0] <= "\u9fff" else EN
    assert doc.text == expected
    assert "\ufeff" not in doc.text


def test_gbk_is_read_as_gb18030_and_accents_are_not_mistaken_for_chinese() -> None:
    """GBK is a subset of GB18030. Latin-1 accents before ASCII letters also decode as GB18030,
    to rare characters; those must not pass for Chinese."""
    text, label = decode_text(ZH.encode("gbk"))
    assert (text, label) == (ZH, "GB18030")
    tricky = "naïve façade, élan vital, Übermaßig"
    data = tricky.encode("cp1252")
    data.decode("gb18030")  # the trap: it decodes
    assert decode_text(data) == (tricky, "Windows-1252")


def test_markdown_title_and_windows_newlines(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(b"# Budget notes  \r\n\r\nFirst line.\r\nSecond line.\rThird.")
    doc = load_document(path)
    assert doc.kind == "markdown" and doc.title == "Budget notes"
    assert doc.text == "# Budget notes\n\nFirst line.\nSecond line.\nThird."


def test_paste_normalizes_newlines() -> None:
    pasted = "\ufeffOne\r\ntwo\rthree\u2028four\u2029five  \r\n\r\n"
    assert text_from_paste(pasted) == "One\ntwo\nthree\nfour\n\nfive"


def test_binary_data_in_a_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DocumentError, match=r"Cannot decode data\.txt"):
        load_document(path)


# ---- HTML --------------------------------------------------------------------------------------


def test_html_keeps_readable_text_and_paragraphs(tmp_path: Path) -> None:
    page = """<!doctype html><html><head><title>Town &amp; Budget</title>
    <style>p { color: red }</style><script>var secret = "hidden";</script></head>
    <body><nav><ul><li>Home</li><li>News</li></ul></nav>
    <h1>Budget  news</h1><p>The committee   met on
    Tuesday.</p><p>Costs &lt;doubled&gt;.<br>The mayor promised a review.</p>
    <table><tr><td>Bridge</td><td>2&nbsp;M</td></tr></table>
    <noscript>Enable JS</noscript><pre>line 1
line 2</pre></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    doc = load_document(path)
    assert doc.kind == "html" and doc.title == "Town & Budget" and doc.encoding == "UTF-8"
    assert "hidden" not in doc.text and "color" not in doc.text and "Enable JS" not in doc.text
    assert "Budget news\n\nThe committee met on Tuesday.\n\nCosts <doubled>.\nThe mayor" in doc.text
    assert "- Home" in doc.text
    assert "Bridge | 2 M" in doc.text  # nbsp read as a space
    assert "line 1\nline 2" in doc.text


def test_html_declared_charset_is_used(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="gb2312"><title>预算</title></head><body><p>{ZH}</p></body></html>'
    path = tmp_path / "zh.htm"
    path.write_bytes(page.encode("gbk"))
    doc = load_document(path)
    assert doc.title == "预算" and doc.encoding == "gb18030"
    assert "委员会周二开会" in doc.text


def test_html_to_text_survives_unclosed_tags() -> None:
    parsed = html_to_text("<p>One<script>bad<p>still script</script><p>Two<div>Three")
    assert parsed.text == "One\n\nTwo\n\nThree"


# ---- PDF ---------------------------------------------------------------------------------------


def test_pdf_with_a_text_layer(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "report.pdf",
        ["Annual report (draft)\nThe bridge was repaired in May.", "Page two: costs doubled."],
    )
    doc = load_document(path)
    assert doc.kind == "pdf" and doc.pages == 2 and doc.title == "report"
    assert "The bridge was repaired in May." in doc.text
    assert "Annual report (draft)" in doc.text
    assert doc.text.index("repaired") < doc.text.index("Page two: costs doubled.")


def test_pdf_without_text_is_reported_as_scanned(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_blank_page(612, 792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as f:
        writer.write(f)
    with pytest.raises(DocumentError, match="no text layer"):
        load_document(path)


def test_broken_and_locked_pdfs(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog garbage")
    with pytest.raises(DocumentError, match="not a readable PDF") as err:
        load_document(broken)
    assert err.value.details  # the library's words, for the log
    renamed = tmp_path / "photo.pdf"
    renamed.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(DocumentError, match="not a readable PDF"):
        load_document(renamed)

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    with pytest.raises(DocumentError, match="password-protected"):
        load_document(locked)


# ---- DOCX --------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Minutes"
    document.add_heading("Budget meeting", level=1)
    document.add_paragraph("The committee met on Tuesday.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Item", "Cost"
    table.cell(1, 0).text, table.cell(1, 1).text = "Bridge", "2 M"
    document.add_paragraph("委员会周二开会。")
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    doc = load_document(path)
    assert doc.kind == "docx" and doc.title == "Minutes"
    assert doc.text == (
        "Budget meeting\n\nThe committee met on Tuesday.\n\nItem | Cost\n\nBridge | 2 M\n\n委员会周二开会。"
    )


def test_broken_docx(tmp_path: Path) -> None:
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DocumentError, match="not a readable Word document"):
        load_document(junk)
    wrong_zip = tmp_path / "wrong.docx"
    with zipfile.ZipFile(wrong_zip, "w") as z:
        z.writestr("hello.txt", "not a word document")
    with pytest.raises(DocumentError, match="not a readable Word document"):
        load_document(wrong_zip)


# ---- the rest ----------------------------------------------------------------------------------


def test_missing_empty_blank_and_unsupported(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="File not found"):
        load_document(tmp_path / "nope.txt")
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(DocumentError, match=r"empty\.md is empty"):
        load_document(empty)
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n\t\n")
    with pytest.raises(DocumentError, match="contains no text"):
        load_document(blank)
    odd = tmp_path / "sheet.xlsx"
    odd.write_bytes(b"PK")
    with pytest.raises(DocumentError, match=r"\.xlsx files are not supported"):
        load_document(odd)
    with pytest.raises(DocumentError, match="is a folder"):
        load_document(tmp_path)


def test_document_error_is_an_app_error_that_pickles() -> None:
    import pickle

    err = pickle.loads(pickle.dumps(DocumentError("bad", details="why")))
    assert isinstance(err, AppError) and err.kind == "document" and err.details == "why"
