"""The one text decoder for files in odd encodings (documents to summarize, sentiment batch files).

One module so that a file that opens in one pane opens the same way in the other. Order: a BOM
(UTF-8/16/32); a charset the file declares (HTML); strict UTF-8; UTF-16 without a BOM when the
zero bytes fall where UTF-16 puts them; GB18030 (a superset of GBK and GB2312) only if it decodes
cleanly and the result reads as Chinese; then Windows-1252. Anything that still looks binary is
refused with a clear `TextDecodeError`, or, for callers that must keep every row (`lenient`),
decoded as UTF-8 with the bad bytes kept as lone surrogates.
"""

from __future__ import annotations

import codecs
import unicodedata
from typing import NamedTuple

from desktop_app.core.errors import AppError

__all__ = ["Decoded", "TextDecodeError", "decode"]

# Checked longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
# (mark, codec to decode the rest, codec name that says "with a BOM", label for people)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32", "UTF-32 LE (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32", "UTF-32 BE (BOM)"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16", "UTF-16 LE (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16", "UTF-16 BE (BOM)"),
)


class TextDecodeError(AppError):
    """The bytes are not text in any encoding this app recognises."""

    kind = "text_decode"


class Decoded(NamedTuple):
    """The text, the codec it was decoded with (Python's name), and a label for people."""

    text: str
    codec: str
    label: str


def decode(
    data: bytes, *, name: str = "the text", declared: str | None = None, lenient: bool = False
) -> Decoded:
    """Decode `data` by the rules above; `name` is used in the error message."""
    errors = "surrogateescape" if lenient else "strict"
    for bom, codec, codec_name, label in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec, errors), codec_name, label)
            except UnicodeDecodeError:
                if lenient:
                    break
                raise TextDecodeError(
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
                found = codecs.lookup(declared).name
                return Decoded(text, found, found)
    if b"\x00" not in data:
        try:
            return Decoded(data.decode("utf-8"), "utf-8", "UTF-8")
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
                return Decoded(text, utf16, "UTF-16 LE" if utf16.endswith("le") else "UTF-16 BE")
    if b"\x00" not in data:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            if _looks_chinese(text):
                return Decoded(text, "gb18030", "GB18030")
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if not _looks_binary(text) and _plausible_cp1252(text):
                return Decoded(text, "cp1252", "Windows-1252")
    if lenient:
        return Decoded(data.decode("utf-8", "surrogateescape"), "utf-8", "UTF-8")
    raise TextDecodeError(
        f"Cannot decode {name}: it is not UTF-8, UTF-16, GB18030/GBK or Windows-1252 text "
        "(it may be a binary file). Save it as UTF-8 and try again."
    )


# What Windows-1252 text outside ASCII mostly is: Western European letters and typographic marks.
_COMMON_1252 = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜàáâãäåæçèéêëìíîïñòóôõöøùúûüßœŒšŠžŽ"
    "€‘’‚“”„–—…•°±²³µ·«»¿¡©®™×÷£¥¢§¶\xa0"
)


def _plausible_cp1252(text: str) -> bool:
    """Stray bytes (0xFF 0xFE in a UTF-8 file) also decode as Windows-1252, to rare letters
    (ÿþ): read as it only when most of what lies outside ASCII is the common part of it."""
    outside = [c for c in text if ord(c) > 127]
    rare = sum(1 for c in outside if c not in _COMMON_1252)
    return rare * 3 <= len(outside)


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
