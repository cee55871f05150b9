"""Turning a file (or a paste) into plain text for the summarizer, with errors a person can act on.

Text files arrive in whatever encoding their author's system used, so the encoding is detected in
a fixed, explainable order and reported. PDF and DOCX readers are imported only when such a file
is opened: the rest of the app (and the core's import check) does not depend on them.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from desktop_app.core.errors import AppError

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".pdf", ".docx")
MAX_BYTES = 256 * 2**20  # far above any book; stops a mistaken multi-GB file early

# Checked longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE (BOM)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE (BOM)"),
)


class DocumentError(AppError):
    """A document cannot be read: missing, empty, unsupported, corrupt, scanned, undecodable."""

    kind = "document"


@dataclass(frozen=True)
class Document:
    """A document's readable text and what we know about where it came from."""

    text: str
    title: str
    kind: str  # "text" | "markdown" | "html" | "pdf" | "docx" | "paste"
    encoding: str | None  # how the bytes were decoded (text and HTML files), else None
    pages: int | None  # PDF page count, else None


# ---- entry points -----------------------------------------------------------------------------


def load_document(path: str | os.PathLike[str]) -> Document:
    """Read a .txt/.md/.html/.pdf/.docx file into text; raise DocumentError saying what is wrong."""
    p = Path(path).expanduser()
    suffix = p.suffix.lower()
    if not p.exists():
        raise DocumentError(f"File not found: {p}")
    if p.is_dir():
        raise DocumentError(f"{p} is a folder, not a document.")
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no extension)"
        raise DocumentError(
            f"Cannot read {p.name}: {shown} files are not supported. Supported: "
            ".txt, .md, .html, .pdf, .docx."
        )
    size = p.stat().st_size
    if size == 0:
        raise DocumentError(f"{p.name} is empty.")
    if size > MAX_BYTES:
        raise DocumentError(
            f"{p.name} is {size / 2**20:.0f} MiB; documents up to {MAX_BYTES // 2**20} MiB are supported."
        )
    if suffix == ".pdf":
        doc = _load_pdf(p)
    elif suffix == ".docx":
        doc = _load_docx(p)
    else:
        data = p.read_bytes()
        if suffix in HTML_SUFFIXES:
            text, encoding = decode_text(data, name=p.name, declared=_declared_charset(data))
            parsed = html_to_text(text)
            doc = Document(parsed.text, parsed.title or p.stem, "html", encoding, None)
        else:
            text, encoding = decode_text(data, name=p.name)
            kind = "markdown" if suffix in (".md", ".markdown") else "text"
            text = text_from_paste(text)
            title = (_markdown_title(text) if kind == "markdown" else "") or p.stem
            doc = Document(text, title, kind, encoding, None)
    if not doc.text.strip():
        if doc.kind == "pdf":
            raise DocumentError(
                f"{p.name} has no text layer (it looks like a scanned document). "
                "Run it through OCR first, or paste its text."
            )
        raise DocumentError(f"{p.name} contains no text.")
    return doc


def text_from_paste(text: str) -> str:
    """Normalize pasted text: one newline style, no BOM or NULs, no trailing spaces on lines.

    Windows (\\r\\n), old Mac (\\r) and Unicode line separators all become \\n, so paragraph and
    sentence splitting sees the same text whatever the source.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    text = text.replace("\ufeff", "").replace("\x00", "")
    text = re.sub(r"[ \t\f\v]+\n", "\n", text)
    return text.strip("\n").rstrip()


def decode_text(
    data: bytes, *, name: str = "the text", declared: str | None = None
) -> tuple[str, str]:
    """Decode bytes as text; return (text, encoding label).

    Order: a BOM (UTF-8/16/32); a charset the file declares (HTML); strict UTF-8; UTF-16 without
    a BOM when the zero bytes fall where UTF-16 puts them; GB18030 (a superset of GBK and GB2312)
    only if it decodes cleanly and the result reads as Chinese; then Windows-1252. Anything that
    still looks binary is refused rather than shown as mojibake.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError:
                raise DocumentError(
                    f"Cannot decode {name}: it starts with a {label.split(' (')[0]} byte-order "
                    "mark but is not valid in that encoding."
                ) from None
    if declared:
        try:
            text = data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if "\x00" not in text:
                return text, codecs.lookup(declared).name
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    utf16 = _guess_utf16(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            if not _looks_binary(text):
                return text, "UTF-16 LE" if utf16.endswith("le") else "UTF-16 BE"
    if b"\x00" not in data:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            if _looks_chinese(text):
                return text, "GB18030"
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if not _looks_binary(text):
                return text, "Windows-1252"
    raise DocumentError(
        f"Cannot decode {name}: it is not UTF-8, UTF-16, GB18030/GBK or Windows-1252 text "
        "(it may be a binary file). Save it as UTF-8 and try again."
    )


# ---- encodings --------------------------------------------------------------------------------


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: text with Latin letters has a zero in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:65536]
    half = len(sample) // 2
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    if odd_zeros > 0.3 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.3 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def _looks_chinese(text: str) -> bool:
    """GB18030 decodes many Latin-1 byte runs too; real Chinese text is mostly common hanzi.

    Every non-ASCII character must be mostly CJK, and mostly in GB2312 (the common characters):
    Windows-1252 accents followed by ASCII letters decode to rare characters outside it.
    """
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return False
    cjk = sum(1 for c in non_ascii if _is_cjk(c))
    common = 0
    for c in non_ascii:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return cjk >= 0.6 * len(non_ascii) and common >= 0.9 * len(non_ascii)


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2000 <= o <= 0x206F
    )


def _looks_binary(text: str) -> bool:
    """Control characters (other than tabs, newlines and form feeds) mean this is not prose."""
    sample = text[:65536]
    if not sample:
        return False
    bad = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    return bad > 0.01 * len(sample) or "\x00" in sample


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if any (checked in its first 4 KB)."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    if name in ("gbk", "gb2312", "x-gbk"):
        return "gb18030"  # a superset: pages labelled GBK often use characters beyond it
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


# ---- HTML -------------------------------------------------------------------------------------

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "iframe",
                        "object", "canvas", "select", "button"})  # fmt: skip
_BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
                         "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "table", "tr", "form",
                         "fieldset", "figure", "figcaption", "address", "h1", "h2", "h3", "h4", "h5",
                         "h6", "hr", "li", "details", "summary", "body", "html"})  # fmt: skip
_VOID_TAGS = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed",
                        "source", "track", "wbr"})  # fmt: skip


@dataclass(frozen=True)
class HtmlText:
    text: str
    title: str


class _Readable(HTMLParser):
    """Collects visible text; block elements become paragraph breaks, <br> a line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.title: list[str] = []
        self._skip: list[str] = []
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
            return
        if tag in _SKIP_TAGS and tag not in _VOID_TAGS:
            self._skip.append(tag)
            return
        if self._skip:
            return
        if tag == "br":
            self.out.append("\n")
        elif tag in _BLOCK_TAGS:
            self.out.append("\n\n")
            if tag == "li":
                self.out.append("- ")
        elif tag in ("td", "th"):
            self.out.append(" | ")
        if tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            return
        if tag == "br":
            self.out.append("\n")
        elif tag == "hr":
            self.out.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            elif tag in self._skip:  # unclosed inner tags: drop back to the matching one
                del self._skip[self._skip.index(tag) :]
            return
        if tag in _BLOCK_TAGS:
            self.out.append("\n\n")
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
            return
        if self._skip:
            return
        if self._pre:
            self.out.append(data.replace("\n", "\x01"))  # keep line breaks inside <pre>
        else:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> HtmlText:
    """Readable text of an HTML page: no scripts or styles, paragraphs kept apart."""
    parser = _Readable()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.out)
    lines = []
    for line in raw.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        line = re.sub(r"^\|\s*", "", line)
        lines.append(line.replace("\x01", "\n"))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    title = re.sub(r"\s+", " ", "".join(parser.title)).strip()
    return HtmlText(text, title)


def _markdown_title(text: str) -> str:
    match = re.search(r"^#{1,2}\s+(.+?)\s*#*\s*$", text[:4096], re.M)
    return match.group(1).strip() if match else ""


# ---- PDF and DOCX -----------------------------------------------------------------------------


def _load_pdf(p: Path) -> Document:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise DocumentError(
            "Reading PDF files needs the pypdf package (pip install pypdf)."
        ) from None
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)  # pypdf warns about every quirk of real-world files
    try:
        return _read_pdf(p, PdfReader, PyPdfError)
    finally:
        pypdf_log.setLevel(level)


def _read_pdf(p: Path, reader_class: Any, pdf_error: type[Exception]) -> Document:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = reader_class(str(p))
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))
                except Exception:  # pypdf needs an extra package for some ciphers
                    opened = False
                if not opened:
                    raise DocumentError(
                        f"{p.name} is password-protected; open it and save a copy without a password."
                    )
            n_pages = len(reader.pages)
            pages = [_clean_pdf_page(page.extract_text() or "") for page in reader.pages]
            title = _pdf_title(reader)
        except DocumentError:
            raise
        except (pdf_error, ValueError, KeyError, TypeError, AttributeError, IndexError,
                AssertionError, OSError, RecursionError, ZeroDivisionError) as exc:  # fmt: skip
            raise DocumentError(
                f"{p.name} is not a readable PDF (it may be damaged or incomplete).",
                details=f"{type(exc).__name__}: {exc}",
            ) from None
    text = "\n\n".join(page for page in pages if page)
    return Document(text, title or p.stem, "pdf", None, n_pages)


def _clean_pdf_page(text: str) -> str:
    """Join words hyphenated across lines; keep the rest of pypdf's line breaks."""
    text = text_from_paste(text)
    return re.sub(r"(\w)-\n(\w)", r"\1\2", text)


def _pdf_title(reader: Any) -> str:
    try:
        meta = reader.metadata
        title = meta.title if meta is not None else None
    except Exception:  # a broken info dictionary must not hide the text
        return ""
    return str(title).strip() if title else ""


def _load_docx(p: Path) -> Document:
    try:
        import docx
    except ImportError:
        raise DocumentError(
            "Reading Word files needs the python-docx package (pip install python-docx)."
        ) from None
    import zipfile

    try:
        document = docx.Document(str(p))
        blocks = _docx_blocks(document)
        title = (document.core_properties.title or "").strip()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, AttributeError,
            TypeError) as exc:  # fmt: skip
        raise DocumentError(
            f"{p.name} is not a readable Word document (it may be damaged, or an old .doc file "
            "renamed to .docx).",
            details=f"{type(exc).__name__}: {exc}",
        ) from None
    except Exception as exc:  # python-docx and lxml raise their own types for broken XML
        raise DocumentError(
            f"{p.name} is not a readable Word document (it may be damaged).",
            details=f"{type(exc).__name__}: {exc}",
        ) from None
    text = text_from_paste("\n\n".join(b for b in blocks if b.strip()))
    return Document(text, title or p.stem, "docx", None, None)


def _docx_blocks(container: Any) -> list[str]:
    """Paragraphs and tables in document order; a table row becomes cells joined by ' | '."""
    from docx.table import Table

    out: list[str] = []
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cell_text = " ".join(b.strip() for b in _docx_blocks(cell) if b.strip())
                    cells.append(cell_text)
                if any(cells):
                    out.append(" | ".join(cells))
        else:
            out.append(item.text)
    return out


__all__ = [
    "SUPPORTED_SUFFIXES",
    "Document",
    "DocumentError",
    "decode_text",
    "html_to_text",
    "load_document",
    "text_from_paste",
]
