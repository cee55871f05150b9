"""Model output (markdown) to HTML for a QTextBrowser.

Pure string work, no Qt, so it is testable headless. Model output is untrusted: raw HTML is
shown as text, links keep only http/https/mailto targets, and images never become ``<img>``
(nothing remote is ever loaded). The markup sticks to the HTML4 subset QTextBrowser renders
(tables with bgcolor, ``<pre>``, inline styles it understands).
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import find_lexer_class_by_name, get_lexer_by_name  # type: ignore[import-untyped]
from pygments.lexers.special import TextLexer  # type: ignore[import-untyped]
from pygments.styles import get_style_by_name  # type: ignore[import-untyped]
from pygments.token import Token as PygmentsToken  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

__all__ = [
    "RenderedMarkdown",
    "StreamRender",
    "escape_plain",
    "render_markdown",
    "render_stream",
    "warm_up",
]

LIGHT_STYLE = "friendly"
DARK_STYLE = "monokai"

# Only these schemes become clickable; the GUI hands them to the system browser on click.
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")

# Guessing an unlabelled block only among common languages whose pygments ``analyse_text``
# is meaningful: pygments' own ``guess_lexer`` imports every lexer (~0.2 s the first time)
# and often picks exotic ones (plain Python comes out as "Tera Term macro").
_GUESS_CANDIDATES = (
    "python", "bash", "c", "cpp", "html", "xml", "diff", "php", "perl", "ruby", "lua",
    "make", "docker", "tex", "ini",
)  # fmt: skip
_COMMON_LANGUAGES = (
    "python", "bash", "sh", "javascript", "typescript", "json", "c", "cpp", "java", "rust", "go",
    "sql", "yaml", "html", "css", "text",
)  # fmt: skip
_GUESS_MIN_LINES = 4
_GUESS_MIN_SCORE = 0.1


@dataclass(frozen=True)
class RenderedMarkdown:
    """The HTML plus each code block's source, so the GUI can serve ``copy:N`` clicks."""

    html: str
    code_blocks: list[str]


@dataclass(frozen=True)
class _Theme:
    """Colours for one palette; code colours come from the pygments style."""

    style: str
    code_bg: str
    code_fg: str
    header_bg: str
    muted: str
    inline_code_bg: str
    border: str


@dataclass
class _RenderState:
    """Per-render data carried through markdown-it's ``env`` (the parser itself is shared)."""

    theme: _Theme
    formatter: HtmlFormatter
    block_offset: int
    copy_label: str
    image_label: str
    code_blocks: list[str] = field(default_factory=list)
    open_links: list[bool] = field(default_factory=list)


_ENV_KEY = "hearth_state"


def _mix(color: str, other: str, amount: float) -> str:
    """Blend two ``#rrggbb`` colours; used to derive the code header shade from the style."""
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(x + (y - x) * amount) for x, y in zip(a, b, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _normalize_hex(color: str) -> str:
    """Pygments writes colours as ``#abc``, ``#aabbcc`` or ``aabbcc``; make them ``#aabbcc``."""
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return "#" + value.lower()


@lru_cache(maxsize=2)
def _theme(dark: bool) -> tuple[_Theme, HtmlFormatter]:
    """Build the theme and formatter once per palette; the formatter precomputes its styles."""
    name = DARK_STYLE if dark else LIGHT_STYLE
    style = get_style_by_name(name)
    bg = _normalize_hex(style.background_color or ("#272822" if dark else "#f8f8f8"))
    fg_raw = style.style_for_token(PygmentsToken)["color"]
    fg = _normalize_hex(fg_raw) if fg_raw else ("#f8f8f2" if dark else "#1f2328")
    theme = _Theme(
        style=name,
        code_bg=bg,
        code_fg=fg,
        header_bg=_mix(bg, "#ffffff" if dark else "#000000", 0.08),
        muted="#9da5b4" if dark else "#6a737d",
        inline_code_bg="#3a3d41" if dark else "#eff1f3",
        border="#555555" if dark else "#b0b7be",
    )
    formatter = HtmlFormatter(noclasses=True, nowrap=True, style=name)
    return theme, formatter


@lru_cache(maxsize=1)
def _guess_classes() -> tuple[type[Lexer], ...]:
    """Load the guess candidates lazily, once (a few tens of ms)."""
    classes: list[type[Lexer]] = []
    for alias in _GUESS_CANDIDATES:
        try:
            classes.append(find_lexer_class_by_name(alias))
        except ClassNotFound:
            continue
    return tuple(classes)


def _pick_lexer(code: str, lang: str) -> tuple[Lexer, str]:
    """The fence's language if pygments knows it; a cautious guess for longer unlabelled
    blocks; plain text otherwise. Returns the lexer and the label for the block header."""
    if lang:
        try:
            return get_lexer_by_name(lang), lang
        except ClassNotFound:
            return TextLexer(), lang
    if code.count("\n") + 1 >= _GUESS_MIN_LINES:
        best: type[Lexer] | None = None
        best_score = 0.0
        for cls in _guess_classes():
            score = float(cls.analyse_text(code))
            if score > best_score:
                best, best_score = cls, score
        if best is not None and best_score >= _GUESS_MIN_SCORE:
            lexer = best()
            return lexer, str(lexer.aliases[0] if lexer.aliases else lexer.name)
    return TextLexer(), ""


def _safe_href(href: str) -> bool:
    """Keep a link only when its scheme is one the system browser may be trusted with."""
    match = _SCHEME_RE.match(href.strip())
    return match is not None and match.group(1).lower() in _SAFE_SCHEMES


def _state(env: EnvType) -> _RenderState:
    state = env[_ENV_KEY]
    assert isinstance(state, _RenderState)
    return state


class _QtRenderer(RendererHTML):
    """markdown-it's HTML renderer, adjusted for safety and for QTextBrowser's HTML subset.

    Methods are looked up by token type name, so each one overrides one kind of token.
    """

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        info = unescapeAll(tokens[idx].info).strip()
        lang = info.split(maxsplit=1)[0] if info else ""
        return self._code(tokens[idx].content, lang, env)

    def code_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return self._code(tokens[idx].content, "", env)

    def _code(self, content: str, lang: str, env: EnvType) -> str:
        state = _state(env)
        # The closing line break belongs to the fence, not to what the user wants to copy.
        source = content[:-1] if content.endswith("\n") else content
        number = state.block_offset + len(state.code_blocks)
        state.code_blocks.append(source)
        lexer, label = _pick_lexer(source, lang)
        body = highlight(source, lexer, state.formatter).rstrip("\n")
        t = state.theme
        return (
            f'<table width="100%" border="0" cellspacing="0" cellpadding="6" bgcolor="{t.code_bg}"'
            ' style="margin-top: 6px; margin-bottom: 6px;">'
            f'<tr><td bgcolor="{t.header_bg}"><small><span style="color: {t.muted};">'
            f"{html.escape(label)}</span></small></td>"
            f'<td bgcolor="{t.header_bg}" align="right"><small>'
            f'<a href="copy:{number}">{html.escape(state.copy_label)}</a></small></td></tr>'
            f'<tr><td colspan="2"><pre style="margin: 0; white-space: pre-wrap;'
            f' font-family: monospace; color: {t.code_fg};">{body}</pre></td></tr>'
            "</table>\n"
        )

    def code_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        bg = _state(env).theme.inline_code_bg
        return (
            f'<code style="font-family: monospace; background-color: {bg};">'
            f"{html.escape(tokens[idx].content, quote=False)}</code>"
        )

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        href = str(tokens[idx].attrGet("href") or "")
        keep = _safe_href(href)
        _state(env).open_links.append(keep)
        # Only the href: a title or other attribute has no use in the chat view.
        return f'<a href="{html.escape(href)}">' if keep else ""

    def link_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        links = _state(env).open_links
        return "</a>" if links and links.pop() else ""

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children, options, env)
        src = str(token.attrGet("src") or "")
        text = f"[{_state(env).image_label}: {alt}]" + (f" {src}" if src else "")
        return html.escape(text, quote=False)

    def table_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        border = _state(env).theme.border
        return (
            '<table border="1" cellspacing="0" cellpadding="4"'
            f' style="border-collapse: collapse; border-color: {border};'
            ' margin-top: 6px; margin-bottom: 6px;">\n'
        )

    def th_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell("th", tokens[idx])

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self._cell("td", tokens[idx])

    @staticmethod
    def _cell(tag: str, token: Token) -> str:
        """Column alignment as an ``align`` attribute, which QTextBrowser honours on cells."""
        style = str(token.attrGet("style") or "")
        match = re.search(r"text-align:\s*(left|right|center)", style)
        return f'<{tag} align="{match.group(1)}">' if match else f"<{tag}>"

    def hr(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        # A one-pixel table row, not ``<hr>``: QTextDocument gives a ruler block an extra empty
        # block when it is appended piece by piece, so a streamed answer would not match.
        border = _state(env).theme.border
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"'
            ' style="margin-top: 6px; margin-bottom: 6px;"><tr>'
            f'<td bgcolor="{border}" height="1" style="font-size: 1px;">&nbsp;</td>'
            "</tr></table>\n"
        )

    def blockquote_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f'<blockquote style="color: {_state(env).theme.muted};">\n'

    def html_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        # Unreachable with html=False; kept so raw HTML can never pass even if that changes.
        return html.escape(tokens[idx].content, quote=False)

    def html_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return html.escape(tokens[idx].content, quote=False)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """One parser for the process: building it (rule chains, regexes) costs more than a render."""
    md = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False},
        renderer_cls=_QtRenderer,
    )  # fmt: skip
    md.enable(["table", "strikethrough"])
    return md


def _render_tokens(tokens: Sequence[Token], state: _RenderState) -> RenderedMarkdown:
    env: EnvType = {_ENV_KEY: state}
    md = _parser()
    rendered = md.renderer.render(tokens, md.options, env)
    return RenderedMarkdown(html=str(rendered), code_blocks=state.code_blocks)


def render_markdown(
    text: str,
    *,
    dark: bool = False,
    block_offset: int = 0,
    copy_label: str = "Copy",
    image_label: str = "image",
) -> RenderedMarkdown:
    """Render one message. Code blocks are numbered from ``block_offset`` so several messages
    in one view get distinct ``copy:N`` links; the labels are parameters so they can be
    translated by the caller."""
    theme, formatter = _theme(dark)
    state = _RenderState(theme, formatter, block_offset, copy_label, image_label)
    env: EnvType = {_ENV_KEY: state}
    rendered = _parser().render(text, env)
    return RenderedMarkdown(html=str(rendered), code_blocks=state.code_blocks)


@dataclass(frozen=True)
class StreamRender:
    """A streamed answer's text split where more text can no longer change what came before.

    ``settled`` renders the top-level blocks before ``cut`` (a character offset into the text
    given); ``tail`` renders the rest, the last block, which the next tokens may still change.
    Together they are exactly the rendering of the whole text.
    """

    settled: RenderedMarkdown
    cut: int
    tail: RenderedMarkdown


_LISTS = ("bullet_list_open", "ordered_list_open")
# An unfinished last line that may still turn out to be the next item of a list before it.
_MARKER_PREFIX = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)]?)?\Z")


def _line_offset(text: str, line: int) -> int:
    """Where line number `line` (from 0) starts in `text`."""
    offset = 0
    for _ in range(line):
        offset = text.index("\n", offset) + 1
    return offset


def render_stream(
    text: str,
    *,
    final: bool = False,
    dark: bool = False,
    block_offset: int = 0,
    copy_label: str = "Copy",
    image_label: str = "image",
) -> StreamRender:
    """Render a streamed answer so far with the same rules as the finished one, in two parts
    (see `StreamRender`); ``final``: the text is complete, everything is settled. ``text``
    uses ``\\n`` line breaks only (the parser's line numbers are mapped back to offsets)."""
    theme, formatter = _theme(dark)
    tokens = _parser().parse(text, {})
    starts = [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting != -1 and t.map]
    split = len(tokens) if final else starts[-1] if starts else 0
    if not final and len(starts) >= 2 and tokens[starts[-2]].type in _LISTS:
        last_line = text[_line_offset(text, tokens[split].map[0]) :]  # type: ignore[index]
        if _MARKER_PREFIX.match(last_line):  # "3" may yet become "3. item" of the list above
            split = starts[-2]
    cut = len(text) if final else 0  # nothing but blank space yet: it may indent what follows
    if split < len(tokens):
        cut = _line_offset(text, tokens[split].map[0])  # type: ignore[index]
    settled = _render_tokens(
        tokens[:split], _RenderState(theme, formatter, block_offset, copy_label, image_label)
    )
    tail_offset = block_offset + len(settled.code_blocks)
    tail = _render_tokens(
        tokens[split:], _RenderState(theme, formatter, tail_offset, copy_label, image_label)
    )
    return StreamRender(settled, cut, tail)


def warm_up() -> None:
    """Load now what the first render of an answer would load lazily (the parser, both code
    styles, the common lexers and the guess candidates: 60-140 ms the first time). Meant for a
    background job at start, so the first answer does not pay for it on the GUI thread."""
    guessed = "\n".join(["import os", "x = 1", "", "print(x)"])
    sample = f"# a\n\n*b* `c`\n\n- d\n\n| e |\n|---|\n| f |\n\n```\n{guessed}\n```\n"
    for dark in (False, True):
        render_markdown(sample, dark=dark)
    for lang in _COMMON_LANGUAGES:
        with contextlib.suppress(ClassNotFound):
            get_lexer_by_name(lang)


def escape_plain(text: str) -> str:
    """Make streamed tokens HTML-safe while the answer is still arriving (before the final
    markdown render), keeping its line breaks."""
    escaped = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=False)
    return escaped.replace("\n", "<br>")
