"""A summary as claims a person can check: each statement, the source sentences it rests on, and
whether those sentences support it.

A small model invents things; the reader must see where. The final summary is cut into claims
(its bullets or sentences). Each claim gets source spans, character offsets into the text that
was summarized: where the model cited parts ("[2]"), the best-matching sentences inside those
parts; where it did not (a small model often does not), the best-matching sentences anywhere.
Matching and checking are lexical: the share of the claim's content words (character bigrams
for Chinese, with language-aware stop words) found in its spans. Numbers must appear in the
spans too: a wrong figure is the commonest invention. bench/claim_check.py compares this with
the model's own yes/no entailment score.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_app.core.i18n import QT_TRANSLATE_NOOP

SUPPORT_THRESHOLD = 0.5  # share of a claim's content terms found in its spans
MAX_SPANS = 2  # sentences a claim may rest on
MIN_TERMS = 2  # a claim with fewer content terms cannot be judged (and is not flagged)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# a sentence ends after . ! ? (then space) or a full-width mark, or at a line break
_SENTENCE = re.compile(
    r"[^\n]*?(?:[.!?…]+[\"'”’)\]»]*(?=\s|$)|[。！？；]+[”’」』）》\"']*|(?=\n)|$)"
)
_CITE = re.compile(r"\s*[\[【［]\s*(\d{1,4}(?:\s*[,，、;]\s*\d{1,4})*)\s*[\]】］]")
_BULLET = re.compile(r"^\s*(?:[-*+–•·▪●]\s*|\d{1,3}[.)、]\s*)")
_HEADING = re.compile(r"^\s*#{1,6}\s")

# Function words that say nothing about content: matching on them links any claim to any text.
_STOP_EN_WORDS = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
text document summary part parts also however many much one two said says
"""
STOP_EN = frozenset(_STOP_EN_WORDS.split())
_STOP_ZH_CHARS = "的了和是在也有与及或这那一个为对就都而被把让从到以之其中上下"
STOP_ZH = frozenset(_STOP_ZH_CHARS)


# ---- what a claim is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """`text[start:end]` of the summarized text."""

    start: int
    end: int


@dataclass
class Claim:
    """One statement of the summary, its source spans, and the check's verdict.

    `score` is the share of its content terms found in the spans (0..1); `cited` says whether
    the spans come from the model's own part citations; `reason` (a core message, '' when
    supported) says why it is not supported.
    """

    text: str
    sources: list[Span] = field(default_factory=list)
    supported: bool = True
    score: float = 1.0
    cited: bool = False
    reason: str = ""


NOT_FOUND = QT_TRANSLATE_NOOP(
    "Summarizer", "Few of its words appear in the text: the model may have made it up."
)
NUMBER_MISSING = QT_TRANSLATE_NOOP(
    "Summarizer", "A number in it ({number}) does not appear in its source."
)


# ---- terms ---------------------------------------------------------------------------------


def terms(text: str) -> list[str]:
    """The content terms of `text`: lowercased words without stop words; Chinese as bigrams."""
    out: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if _HAN_RUN.fullmatch(word):
            out.extend(_han_terms(word))
            continue
        for piece in _HAN_RUN.split(word) if _HAN_RUN.search(word) else (word,):
            if piece and piece not in STOP_EN and (len(piece) > 1 or piece.isdigit()):
                out.append(_stem(piece))
        for run in _HAN_RUN.findall(word):
            out.extend(_han_terms(run))
    return out


def _han_terms(run: str) -> list[str]:
    chars = [c for c in run if c not in STOP_ZH]
    if len(chars) == 1:
        return chars
    return ["".join(pair) for pair in itertools.pairwise(run) if not set(pair) <= STOP_ZH]


def _stem(word: str) -> str:
    """A crude English stem: plural and verb endings off, so 'repairs' meets 'repaired'."""
    for end in ("ing", "ed", "es", "s"):
        if len(word) > len(end) + 3 and word.endswith(end):
            return word[: -len(end)]
    return word


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


# ---- the source's sentences ----------------------------------------------------------------


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text[start:end]`, without surrounding space."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text, start, end):
        a, b = match.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


class SourceIndex:
    """The summarized text's sentences; their terms are made when first searched (a book's
    sentences are never all tokenized when the claims cite their parts)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = sentence_spans(text)
        self._starts = [a for a, _ in self.spans]
        self._terms: dict[int, set[str]] = {}

    def terms_of(self, k: int) -> set[str]:
        if k not in self._terms:
            a, b = self.spans[k]
            self._terms[k] = set(terms(self.text[a:b]))
        return self._terms[k]

    def _inside(self, regions: Sequence[tuple[int, int]] | None) -> list[int]:
        if regions is None:
            return list(range(len(self.spans)))
        found: set[int] = set()
        for r_start, r_end in regions:
            k = max(0, bisect.bisect_right(self._starts, r_start) - 1)
            while k < len(self.spans) and self.spans[k][0] < r_end:
                if self.spans[k][1] > r_start:
                    found.add(k)
                k += 1
        return sorted(found)

    def best(self, claim_terms: set[str], regions: Sequence[tuple[int, int]] | None) -> list[Span]:
        """The sentence(s) inside `regions` (None: anywhere) sharing the most weighted terms.

        Terms are weighted by their rarity among the candidate sentences (a word on every line
        says nothing about which line). A second sentence is added when it brings claim terms
        the first lacks (a claim that merges two sentences); never more than MAX_SPANS.
        """
        candidates = self._inside(regions)
        if not candidates:
            return []
        df: Counter[str] = Counter()
        for k in candidates:
            df.update(self.terms_of(k) & claim_terms)
        n = len(candidates)

        def overlap(wanted: set[str], k: int) -> float:
            return sum(math.log(1 + n / df[t]) for t in wanted & self.terms_of(k))

        first = max(candidates, key=lambda k: (overlap(claim_terms, k), -k))
        chosen = [first]
        missing = claim_terms - self.terms_of(first)
        if missing:
            extra = max(candidates, key=lambda k: (overlap(missing, k), -k))
            if extra != first and overlap(missing, extra) > 0:
                chosen.append(extra)
        return [Span(*self.spans[k]) for k in sorted(chosen[:MAX_SPANS])]


# ---- the check -----------------------------------------------------------------------------


def support(claim: str, spans: Sequence[Span], text: str) -> tuple[float, str]:
    """How well `spans` of `text` support `claim`: (score 0..1, reason it fails or '')."""
    wanted = set(terms(claim))
    source = " ".join(text[s.start : s.end] for s in spans)
    have = set(terms(source))
    if len(wanted) < MIN_TERMS:
        score = 1.0 if not wanted or wanted <= have else 0.0
    else:
        score = len(wanted & have) / len(wanted)
    if score < SUPPORT_THRESHOLD:
        return score, NOT_FOUND
    missing = sorted(numbers(claim) - numbers(source))
    if missing:
        return score, NUMBER_MISSING.format(number=missing[0])
    return score, ""


def check(claim: Claim, text: str) -> Claim:
    """Mark `claim` supported or not by its spans (in place; returned for chaining)."""
    claim.score, claim.reason = support(claim.text, claim.sources, text)
    claim.supported = not claim.reason
    return claim


# ---- from a summary to claims --------------------------------------------------------------


def split_claims(summary: str) -> list[tuple[str, list[int]]]:
    """The summary's statements (bullets, else sentences), each with the part ids it cites."""
    out: list[tuple[str, list[int]]] = []
    for line in summary.splitlines():
        if not line.strip() or _HEADING.match(line):
            continue
        body = _BULLET.sub("", line).strip()
        pieces = [body] if _BULLET.match(line) else [body[a:b] for a, b in sentence_spans(body)]
        for piece in pieces:
            ids = [int(n) for m in _CITE.finditer(piece) for n in re.findall(r"\d+", m.group(1))]
            clean = _unquoted(_CITE.sub("", piece).strip().strip("*").strip())
            if clean and any(c.isalnum() for c in clean):
                out.append((clean, ids))
    return out


def _unquoted(text: str) -> str:
    """Without a quote mark left over from splitting ('"Monday, ...' when the close is in the
    next sentence): a mark at an end whose partner is not in the text."""
    for mark, partner in (('"', '"'), ("“", "”"), ("「", "」")):
        if text.startswith(mark) and partner not in text[1:]:
            text = text[1:].lstrip()
    for mark, partner in (('"', '"'), ("”", "“"), ("」", "「")):
        if text.endswith(mark) and partner not in text[:-1]:
            text = text[:-1].rstrip()
    return text


def strip_citations(summary: str) -> str:
    """The summary as shown: part citations taken out (the claims carry them as spans)."""
    return "\n".join(_CITE.sub("", line).rstrip() for line in summary.splitlines()).strip()


def build_claims(
    summary: str,
    text: str,
    part_ranges: Sequence[tuple[int, int]] = (),
    partials: Sequence[tuple[str, tuple[int, int]]] = (),
) -> list[Claim]:
    """The claims of `summary` over `text`; `part_ranges[i]` is what citation [i+1] refers to.

    `partials` are the first round's part summaries with their parts' ranges: a claim that
    cites nothing is looked for in the parts whose summaries it resembles most, then, when that
    does not support it, in the whole text (a small model often cites the wrong part, or
    none). Every claim gets at least one span when the text has a sentence at all.
    """
    index = SourceIndex(text)
    partial_terms = [(set(terms(s)), r) for s, r in partials]
    claims: list[Claim] = []
    for statement, ids in split_claims(summary):
        wanted = set(terms(statement))
        if not wanted:  # a lead-in ("The document is:"): nothing in it to check or to cover
            continue
        regions = [part_ranges[i - 1] for i in ids if 1 <= i <= len(part_ranges)]
        cited = bool(regions)
        if not regions and partial_terms:
            ranked = sorted(partial_terms, key=lambda p: -len(wanted & p[0]))
            regions = [r for ts, r in ranked[:2] if wanted & ts]
        claim = Claim(statement, cited=cited)
        if regions:
            claim.sources = index.best(wanted, regions)
            check(claim, text)
        if not claim.sources or not claim.supported:
            anywhere = check(Claim(statement, index.best(wanted, None)), text)
            if not claim.sources or anywhere.score > claim.score:
                claim = anywhere
        if not claim.sources:
            claim.supported, claim.score, claim.reason = False, 0.0, NOT_FOUND
        claims.append(claim)
    return claims
