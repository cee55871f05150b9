"""The tokenizer view's flow: split texts into the loaded model's tokens and say what they cost.

Qt-free, like the other controllers: Models › Tokenizer is a view over a `TokenizerController`.
The ids come from the engine's `tokenize` (the text alone: no BOS/EOS, special-token text read
as plain text, as `hearth tokenize` gives them) and each id's bytes from `token_pieces`, both
engine round trips run through the `Runner` so the caller's thread never waits.

A byte-level tokenizer splits a CJK character or an emoji over several tokens, so a token's
bytes need not be UTF-8 on their own. The view colours `Chunk`s: the text of one token, or of
the shortest run of tokens whose bytes together end on a character boundary (one "世" made of
two tokens). Counts are always of tokens; only the first `RENDER_CAP` tokens are split into
chunks, so a long text stays quick to show.
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Callable
from dataclasses import dataclass

from desktop_app.core.controllers.runner import Emit, Listeners, Runner, thread_runner
from desktop_app.core.engine.protocol import Engine

__all__ = [
    "CHINESE",
    "ENGLISH",
    "RENDER_CAP",
    "SAMPLES",
    "Chunk",
    "NoModel",
    "Piece",
    "Split",
    "TokenizeFailed",
    "Tokenized",
    "TokenizerController",
    "chunks_of",
    "cost_ratio",
    "split_text",
]

RENDER_CAP = 5_000  # tokens split into coloured chunks; the count covers the whole text
TIMEOUT_S = 60  # an engine round trip (it may wait behind an answer being written)
ENGLISH, CHINESE = "en", "zh"
SAMPLES = {
    ENGLISH: (
        "Large language models read text as tokens: short pieces of words. A tokenizer trained "
        "mostly on English splits English words into few tokens, while other languages often "
        "need many more for the same meaning.\n"
    ),
    CHINESE: (
        "大型语言模型把文本读作词元，也就是词语的小片段。主要在英文上训练的分词器把英文单词"
        "切成很少的词元，而其他语言表达同样的意思往往需要多得多的词元。\n"
    ),
}


@dataclass(frozen=True)
class Piece:
    """One token: its id and its own bytes (maybe part of a character)."""

    id: int
    data: bytes


@dataclass(frozen=True)
class Chunk:
    """A coloured span: one token's text, or the text a few tokens make together."""

    text: str
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class Split:
    """A text in tokens: every id, and the chunks of the first `RENDER_CAP` of them."""

    text: str
    ids: tuple[int, ...]
    chunks: tuple[Chunk, ...]

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def characters(self) -> int:
        return len(self.text)

    @property
    def chars_per_token(self) -> float | None:
        return self.characters / self.count if self.count else None

    @property
    def shown_tokens(self) -> int:
        return sum(len(c.pieces) for c in self.chunks)

    @property
    def capped(self) -> bool:
        return self.shown_tokens < self.count


@dataclass(frozen=True)
class Tokenized:
    side: str
    split: Split


@dataclass(frozen=True)
class TokenizeFailed:
    side: str
    message: str


@dataclass(frozen=True)
class NoModel:
    """No model is loaded: nothing to tokenize with (the view says so)."""

    side: str


Event = Tokenized | TokenizeFailed | NoModel


def chunks_of(pieces: list[Piece]) -> list[Chunk]:
    """Group tokens into chunks that each end on a character boundary (see the module's doc);
    bytes that never make a character are shown as U+FFFD."""
    out: list[Chunk] = []
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    group: list[Piece] = []
    text = ""
    for piece in pieces:
        group.append(piece)
        text += decoder.decode(piece.data)
        if not decoder.getstate()[0]:  # nothing buffered: a character boundary
            out.append(Chunk(text, tuple(group)))
            group, text = [], ""
    if group:
        out.append(Chunk(text + decoder.decode(b"", final=True), tuple(group)))
    return out


def split_text(engine: Engine, text: str, cap: int = RENDER_CAP) -> Split:
    """`text` in the engine's tokens (two round trips: the ids, then the first `cap` pieces)."""
    ids: list[int] = engine.tokenize(text).result(timeout=TIMEOUT_S)
    shown = ids[:cap]
    data: list[bytes] = engine.token_pieces(shown).result(timeout=TIMEOUT_S) if shown else []
    pieces = [Piece(i, d) for i, d in zip(shown, data, strict=True)]
    return Split(text, tuple(ids), tuple(chunks_of(pieces)))


def cost_ratio(english: Split | None, chinese: Split | None) -> float | None:
    """How many times the English text's tokens the Chinese one takes (None: not both known)."""
    if english is None or chinese is None or not english.count or not chinese.count:
        return None
    return chinese.count / english.count


class TokenizerController(Listeners):
    """The texts of each side (English, Chinese) and their splits; listeners get an `Event`.

    `engine()` gives the engine to use now, or None when no model is loaded. A tokenization
    overtaken by a newer one of the same side is dropped, so fast typing shows the last text.
    """

    def __init__(self, engine: Callable[[], Engine | None], runner: Runner = thread_runner) -> None:
        self._engine = engine
        self.runner = runner
        self._listeners = []
        self._lock = threading.Lock()
        self.texts: dict[str, str] = dict(SAMPLES)
        self.splits: dict[str, Split | None] = {side: None for side in SAMPLES}
        self._numbers: dict[str, int] = {side: 0 for side in SAMPLES}

    def use_engine(self, engine: Callable[[], Engine | None]) -> None:
        """Read the engine through `engine` from now on (a new view took this controller over)."""
        self._engine = engine

    def set_text(self, side: str, text: str) -> None:
        """The text of `side` changed: split it again (off the caller's thread)."""
        self.texts[side] = text
        self.tokenize(side)

    def tokenize(self, side: str) -> None:
        with self._lock:
            self._numbers[side] += 1
            number = self._numbers[side]
        text = self.texts[side]

        def task(emit: Emit, cancel: threading.Event) -> object:
            engine = self._engine()
            if engine is None or engine.model_info is None:
                return None
            return split_text(engine, text)

        self.runner(
            f"tokenize-{side}",
            task,
            lambda _event: None,
            lambda result, error: self._on_end(side, number, result, error),
        )

    def tokenize_all(self) -> None:
        """Another model (or none): every side again."""
        for side in self.texts:
            self.tokenize(side)

    def ratio(self) -> float | None:
        return cost_ratio(self.splits.get(ENGLISH), self.splits.get(CHINESE))

    def _on_end(self, side: str, number: int, result: object, error: BaseException | None) -> None:
        with self._lock:
            if number != self._numbers[side]:
                return  # overtaken by a newer text
        if error is not None:
            self.splits[side] = None
            self._notify(TokenizeFailed(side, str(error) or type(error).__name__))
        elif isinstance(result, Split):
            self.splits[side] = result
            self._notify(Tokenized(side, result))
        else:
            self.splits[side] = None
            self._notify(NoModel(side))
