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
import warnings
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from desktop_app.core import text_decode
from desktop_app.core.errors import AppError

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".pdf", ".docx")
MAX_BYTES = 256 * 2**20  # far above any book; stops a mistaken multi-GB file early


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
    """Decode bytes as text; return (text, encoding label). The rules are core/text_decode.py's."""
    try:
        found = text_decode.decode(data, name=name, declared=declared)
    except text_decode.TextDecodeError as e:
        raise DocumentError(e.message) from None
    return found.text, found.label


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
