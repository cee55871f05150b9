"""Markdown rendering: structure, safety against hostile model output, code blocks, speed,
and that QTextDocument reads the result the way the chat view will."""

from __future__ import annotations

import os
import re
import time

import pytest

from desktop_app.ui.markdown import escape_plain, render_markdown

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_headings_lists_tables_and_emphasis() -> None:
    src = "# Title\n\n## Sub\n\n- one\n- two\n\n1. first\n2. second\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n**bold** *it* ~~gone~~ `x<y`\n\n> quoted\n"
    out = render_markdown(src).html
    assert "<h1>Title</h1>" in out and "<h2>Sub</h2>" in out
    assert "<ul>" in out and "<li>one</li>" in out
    assert "<ol>" in out and "<li>second</li>" in out
    assert (
        "<table" in out and '<th align="left">a</th>' in out and '<td align="right">2</td>' in out
    )
    assert "<strong>bold</strong>" in out and "<em>it</em>" in out and "<s>gone</s>" in out
    assert re.search(r"<code[^>]*>x&lt;y</code>", out)
    assert "<blockquote" in out and "quoted" in out


def test_raw_html_is_escaped_never_interpreted() -> None:
    src = "Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<div onclick=x>d</div>\n"
    out = render_markdown(src).html
    assert "<script" not in out and "<img" not in out and "<div" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out


def test_images_become_text_and_load_nothing() -> None:
    out = render_markdown(
        "see ![x](http://evil/x.png) and ![a *b*](data:image/png;base64,AAA)"
    ).html
    assert "<img" not in out and "src=" not in out
    assert "[image: x] http://evil/x.png" in out
    assert "[image: a b]" in out
    assert "[bild: x]" in render_markdown("![x](http://e/x.png)", image_label="bild").html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "vbscript:x",
        "copy:0",
        "./rel.md",
    ],
)
def test_unsafe_links_are_not_anchors(url: str) -> None:
    out = render_markdown(f"[click]({url}) and <{url}>").html
    assert "<a" not in out
    assert "click" in out


def test_safe_links_are_plain_anchors() -> None:
    out = render_markdown(
        '[a](https://example.com/x?q=1&r=2 "title") [m](mailto:me@example.com) <http://b.example>'
    ).html
    assert '<a href="https://example.com/x?q=1&amp;r=2">a</a>' in out
    assert '<a href="mailto:me@example.com">m</a>' in out
    assert '<a href="http://b.example">http://b.example</a>' in out
    assert "title=" not in out


def test_code_blocks_are_highlighted_and_sources_kept() -> None:
    py = "def f(x):\n    return x < 1  # <b>"
    src = (
        f"Intro\n\n```python\n{py}\n```\n\n    indented\n      block\n\n```nosuchlang\na < b\n```\n"
    )
    rendered = render_markdown(src)
    assert rendered.code_blocks == [py, "indented\n  block", "a < b"]
    out = rendered.html
    assert re.search(r'<span style="color: #[0-9A-Fa-f]{3,6}', out)  # pygments inline colours
    assert "<pre" in out and "bgcolor=" in out
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert ">python<" in out and ">nosuchlang<" in out


def test_copy_anchors_numbered_from_offset_and_label_translatable() -> None:
    src = "```\na\n```\n\ntext\n\n```js\nb\n```\n"
    out = render_markdown(src, block_offset=7, copy_label="Kopieren").html
    assert re.findall(r'<a href="(copy:\d+)">Kopieren</a>', out) == ["copy:7", "copy:8"]
    assert 'href="copy:0"' in render_markdown(src).html


def test_dark_palette_uses_dark_code_background() -> None:
    light = render_markdown("```python\nx = 1\n```").html
    dark = render_markdown("```python\nx = 1\n```", dark=True).html
    assert light != dark
    bg = re.search(r'bgcolor="#([0-9a-f]{6})"', dark)
    assert bg is not None and int(bg.group(1)[:2], 16) < 0x60


def test_unlabelled_blocks_guess_only_when_long() -> None:
    short = render_markdown("```\nimport os\n```")
    assert "<span style=" not in short.html.split("<pre", 1)[1]  # three lines or less: plain text
    long = render_markdown("```\nimport os\nimport sys\n\nprint(os.sep)\n```")
    assert "<span style=" in long.html.split("<pre", 1)[1]
    prose = render_markdown("```\nhello\nthis is\njust some\nplain text\n```")
    assert prose.code_blocks == ["hello\nthis is\njust some\nplain text"]


def test_chinese_text_passes_through() -> None:
    src = "# 你好，世界\n\n这是一个**测试**。\n\n```python\nprint('中文')\n```\n"
    rendered = render_markdown(src)
    assert "你好，世界" in rendered.html and "<strong>测试</strong>" in rendered.html
    assert "中文" in rendered.html
    assert rendered.code_blocks == ["print('中文')"]


def test_escape_plain_keeps_newlines_and_escapes() -> None:
    assert escape_plain("a <b> & c\nd\r\ne 中") == "a &lt;b&gt; &amp; c<br>d<br>e 中"


def _long_document() -> str:
    para = "Some **bold** text with `inline code`, a [link](https://example.com) and 中文. " * 6
    code = (
        "```python\n" + "\n".join(f"def f{i}(x):\n    return x * {i}" for i in range(8)) + "\n```\n"
    )
    parts = []
    for i in range(6):
        parts += [
            f"## Section {i}",
            para,
            "- item one\n- item two\n- item three",
            para,
            "> a quote",
            para,
            code,
        ]
    return "\n\n".join(parts)


def test_rendering_is_fast() -> None:
    doc = _long_document()
    assert len(doc.encode()) > 10_000
    render_markdown(doc)  # first call builds the parser, theme and lexers
    start = time.perf_counter()
    rendered = render_markdown(doc)
    elapsed = time.perf_counter() - start
    assert len(rendered.code_blocks) == 6
    assert elapsed < 0.2, f"{elapsed * 1000:.0f} ms"


def test_qt_document_reads_the_html(qapp: object) -> None:
    from PySide6.QtGui import QTextDocument

    src = "Look: <script>alert(1)</script>\n\n| k | v |\n|---|---|\n| 键 | 值 |\n\n```python\nprint('hi')\n```\n"
    rendered = render_markdown(src, block_offset=2)
    doc = QTextDocument()
    doc.setHtml(rendered.html)
    text = doc.toPlainText()
    assert "<script>alert(1)</script>" in text
    assert "print('hi')" in text
    assert "键" in text and "值" in text
    assert "Copy" in text
    # The copy link survives as an anchor the GUI can intercept.
    assert 'href="copy:2"' in doc.toHtml()


def test_streamed_parts_add_up_to_the_whole_rendering() -> None:
    """A streamed answer is rendered as settled blocks plus its last block; at every point the
    two together are exactly the rendering of the text so far, and what was settled never
    changes when more text arrives."""
    from desktop_app.ui.markdown import render_stream

    src = "Line one\nline two\n\n- a\n- b\n\n```python\nx = 1\n```\n\n---\n\n1. x\n2. y\n\nEnd"
    settled = ""
    start = 0
    blocks = 0
    for end in range(1, len(src) + 1):
        part = render_stream(src[start:end], block_offset=blocks)
        whole = render_markdown(src[start:end], block_offset=blocks).html
        assert part.settled.html + part.tail.html == whole
        settled += part.settled.html
        start += part.cut
        blocks += len(part.settled.code_blocks)
    last = render_stream(src[start:], final=True, block_offset=blocks)
    assert last.tail.html == "" and last.cut == len(src) - start
    assert settled + last.settled.html == render_markdown(src).html


def test_a_settled_list_waits_for_a_line_that_may_continue_it() -> None:
    """ "3" after a blank line may still become "3. item" of the list above (one loose list):
    the list is not settled until the line says otherwise."""
    from desktop_app.ui.markdown import render_stream

    assert render_stream("1. x\n2. y\n\n3").cut == 0
    assert render_stream("1. x\n2. y\n\nThe end").cut == len("1. x\n2. y\n\n")
    assert render_stream("   ").cut == 0  # blank space may yet indent a code block


def test_a_rule_is_a_thin_table_row_not_an_hr() -> None:
    out = render_markdown("a\n\n---\n\nb").html
    assert "<hr" not in out and 'height="1"' in out
