"""Finding the parts of a document that answer a question: BM25 over words and CJK bigrams.

Hand-written rather than a library: BM25 is about forty lines, the installed environment has no
BM25 package (rank_bm25 is not a dependency), and the one thing a library would not do for us is
the part that matters here, the tokenization: Chinese has no spaces, so Han/Kana/Hangul runs are
cut into overlapping character bigrams (the usual choice for CJK search without a dictionary),
and Latin text into lowercased words without a few very common English words. The same terms
score which parts an answer drew on when a small model forgets to cite (`overlap`).

Against the loaded model's own embeddings (the engine's Embed request), on a labelled set in
English and Chinese (bench/retrieval.py): on the starter model BM25 ranks as well in English
(the embeddings do better only on paraphrases), clearly better in Chinese, and costs nothing
where an embedding took seconds per part on this machine. So the chat uses BM25.

Pure Python, no Qt, no engine: it is used by the chat's document attachments and tested alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["BM25", "overlap", "terms"]

_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
# Words too common to tell parts apart (BM25's idf mostly does this; these also keep the
# citation overlap from counting "the" as shared content).
_STOP = frozenset(
    re.split(
        r"\s+",
        "a an and are as at be but by for from has have he her his i in is it its me my of on or"
        " our she so than that the their them then there these they this to was we were what"
        " when where which who why will with you your do does did not no can could would should",
    )
)
_CJK_STOP = frozenset("的了是在和也就都而及与或这那个之")


def terms(text: str) -> list[str]:
    """The text's search terms: lowercased words, and bigrams of each CJK run (a lone
    character stands for itself; single function characters such as 的 are dropped)."""
    out = [w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in _STOP]
    for m in _CJK.finditer(text):
        run = m.group()
        if len(run) == 1:
            if run not in _CJK_STOP:
                out.append(run)
            continue
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


class BM25:
    """Okapi BM25 over a fixed list of texts (k1 = 1.5, b = 0.75, the common defaults).

    idf is the non-negative form log(1 + (N - df + 0.5) / (df + 0.5)), so a term found in
    most parts still counts a little instead of pushing a score below zero.
    """

    def __init__(self, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._tf = [Counter(terms(t)) for t in texts]
        self._len = [sum(tf.values()) for tf in self._tf]
        self._avg = (sum(self._len) / len(self._len)) if self._len else 0.0
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        n = len(self._tf)
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def scores(self, query: str) -> list[float]:
        """One score per text, in the texts' order (0 for a text sharing no term)."""
        q = [t for t in dict.fromkeys(terms(query)) if t in self._idf]
        out = []
        for tf, length in zip(self._tf, self._len, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self._avg) if self._avg else self.k1
            score = 0.0
            for t in q:
                f = tf.get(t, 0)
                if f:
                    score += self._idf[t] * f * (self.k1 + 1) / (f + norm)
            out.append(score)
        return out

    def rank(self, query: str, k: int | None = None) -> list[int]:
        """Indices of the texts with a positive score, best first (ties: earlier text first)."""
        scored = [(s, i) for i, s in enumerate(self.scores(query)) if s > 0]
        scored.sort(key=lambda p: (-p[0], p[1]))
        return [i for _, i in scored[:k]]


def overlap(answer: str, part: str) -> float:
    """Share of the answer's distinct terms found in `part` (0..1): how much of an answer a
    part can account for, the fallback when the model cited nothing."""
    wanted = set(terms(answer))
    if not wanted:
        return 0.0
    return len(wanted & set(terms(part))) / len(wanted)
