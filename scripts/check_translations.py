"""Check a Qt .ts file: every translation keeps its source's placeholders, tags and keys.

A translated `{0}` that became `{0 }` or went missing makes `.format` fail or drop a value at
run time, so this compares, message by message, what must survive translation:
`str.format` fields (`{0}`, `{1:.0f}`), Qt's `%v`/`%m`/`%n`/`%1`, HTML tags, key names such as
`Ctrl+Enter` or `Esc`, and `&` mnemonics. Unfinished or empty translations are reported too.

    .venv/bin/python scripts/check_translations.py [resources/translations/hearth_zh_CN.ts]

Exit status 1 when anything is wrong.
"""

from __future__ import annotations

import re
import string
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

DEFAULT_TS = Path(__file__).resolve().parents[1] / "resources" / "translations" / "hearth_zh_CN.ts"

_QT_ARG = re.compile(r"%(?:[vmn]|L?\d+)")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_KEY = re.compile(r"\b(?:(?:Ctrl|Shift|Alt|Meta|Cmd)\+)+(?:[A-Z0-9]\b|[A-Z][a-z]+|F\d+)|\bEsc\b")
_MNEMONIC = re.compile(r"&(?!&)(\w)")
_FULL_WIDTH = tuple("（【「《“：，。；")


def format_fields(text: str) -> Counter[str]:
    """The `str.format` replacement fields, with their format specs; ValueError if malformed."""
    fields: Counter[str] = Counter()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            fields[
                f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            ] += 1
    return fields


def problems(source: str, translation: str) -> list[str]:
    """What the translation lost or added compared with its source."""
    found: list[str] = []
    try:
        src_fields = format_fields(source)
    except ValueError:
        src_fields = None  # not a format string (e.g. a lone brace): nothing to compare
    if src_fields is not None:
        try:
            tr_fields = format_fields(translation)
        except ValueError as exc:
            found.append(f"malformed format string: {exc}")
        else:
            if tr_fields != src_fields:
                found.append(
                    f"fields {sorted(src_fields.elements())} != {sorted(tr_fields.elements())}"
                )
    for what, pattern in (("Qt args", _QT_ARG), ("HTML tags", _TAG), ("keys", _KEY)):
        a, b = Counter(pattern.findall(source)), Counter(pattern.findall(translation))
        if a != b:
            found.append(f"{what} {sorted(a.elements())} != {sorted(b.elements())}")
    a_m = [m.upper() for m in _MNEMONIC.findall(source)]
    b_m = [m.upper() for m in _MNEMONIC.findall(translation)]
    if a_m != b_m:
        found.append(f"mnemonics {a_m} != {b_m}")
    if source.count("\n") != translation.count("\n"):
        found.append(f"line breaks {source.count(chr(10))} != {translation.count(chr(10))}")
    # a suffix such as " words" keeps its space; "（3 个文件）" needs none before it
    lost_space = source != source.lstrip() and translation == translation.lstrip()
    if lost_space and not translation.startswith(_FULL_WIDTH):
        found.append("leading space lost")
    return found


def check(ts: Path) -> list[str]:
    report: list[str] = []
    root = ET.parse(ts).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            tr = message.find("translation")
            where = f"[{name}] {source!r}"
            if tr is None:
                report.append(f"{where}: no translation element")
                continue
            kind = tr.get("type")
            if kind in ("obsolete", "vanished"):
                continue
            if kind == "unfinished":
                report.append(f"{where}: unfinished")
                continue
            forms = [f.text or "" for f in tr.iter("numerusform")]
            if message.get("numerus") == "yes":
                if not forms or not all(forms):
                    report.append(f"{where}: empty plural form")
            else:
                forms = [tr.text or ""]
                if not forms[0]:
                    report.append(f"{where}: empty translation")
                    continue
            for form in forms:
                report.extend(f"{where} -> {form!r}: {p}" for p in problems(source, form))
    return report


def main(argv: list[str]) -> int:
    ts = Path(argv[1]) if len(argv) > 1 else DEFAULT_TS
    report = check(ts)
    for line in report:
        print(line)
    print(f"{ts.name}: {len(report)} problem(s)")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
