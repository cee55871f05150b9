"""Calibration methods for label probabilities, one job each, without the engine or Qt.

A small model favours some labels whatever the text says. Each method estimates that bias as a
label distribution (the "reference") and divides it out (label_scores.calibrated):

- contextual (Zhao et al. 2021): the reference is the model's answer to content-free inputs
  ("N/A", "", "[MASK]"); the engine does it (ClassifyRequest.calibrate).
- domain (Fei et al. 2023): the content-free inputs are pseudo-texts of random words drawn from
  the batch's own texts, of a typical length, so that the reference also carries the domain's
  bias (`domain_inputs`).
- batch (Zhou et al. 2023): the reference is the batch's own mean label distribution
  (`batch_reference`); only for batch jobs, as a single text has no batch to average.
- none: the model's probabilities as they are.

Label words: a label may be scored by several words ("positive", "good", "正面", "好评"); its
probability is the sum of its words' (`LabelWords`). Few-shot examples can be picked from
labelled rows (`pick_examples`). The default method per language ("automatic") is the best one
on the dev set (docs/sentiment.md, bench/calibration.py).
"""

from __future__ import annotations

import random
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.engine.label_scores import calibrated

METHODS = ("contextual", "batch", "domain", "none")
AUTOMATIC = "automatic"
CHOICES = (AUTOMATIC, *METHODS)

# Chosen from the dev-set table in docs/sentiment.md (bench/calibration.py).
DEFAULT_METHOD = {"en": "batch", "zh": "contextual"}
DEFAULT_LABEL_WORDS = True  # several words per label: the best of both languages' columns
MIN_BATCH = 8  # fewer texts than this: batch and domain calibration fall back to contextual
DOMAIN_INPUTS = 16  # pseudo-texts averaged for domain-context calibration

# Words that also stand for the default sentiment labels (and yes / no); any other label is
# scored by its own word only unless the user gives words ("positive|good|正面").
BUILT_IN_WORDS: dict[str, tuple[str, ...]] = {
    "positive": ("positive", "good", "正面", "好评"),
    "negative": ("negative", "bad", "负面", "差评"),
    "neutral": ("neutral", "中性"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
}

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_WORD = re.compile(r"\w+", re.UNICODE)


def language_of(texts: Sequence[str]) -> str:
    """ "zh" when most letters of the texts are CJK characters, else "en" (the two the defaults
    were measured on; any other language takes the English default)."""
    sample = "".join(texts[:200])
    letters = sum(1 for c in sample if c.isalpha())
    cjk = len(_CJK.findall(sample))
    return "zh" if letters and cjk / letters > 0.3 else "en"


def resolve(method: str, texts: Sequence[str]) -> str:
    """The method to run: "automatic" becomes the language's default; batch and domain need a
    batch of at least MIN_BATCH texts, else contextual."""
    if method not in CHOICES:
        raise ValueError(f"unknown calibration {method!r}; choose one of: {', '.join(CHOICES)}")
    if method == AUTOMATIC:
        method = DEFAULT_METHOD[language_of(texts)]
    if method in ("batch", "domain") and len([t for t in texts if t.strip()]) < MIN_BATCH:
        return "contextual"
    return method


def domain_inputs(texts: Sequence[str], n: int = DOMAIN_INPUTS, seed: int = 0) -> tuple[str, ...]:
    """`n` pseudo-texts of random in-domain words, each as long as a typical text (the median
    word count; CJK characters count as words and are joined without spaces)."""
    units: list[str] = []
    lengths: list[int] = []
    cjk = language_of(texts) == "zh"
    for text in texts:
        words = _units(text, cjk)
        if words:
            units += words
            lengths.append(len(words))
    if not units:
        return ("",)
    rng = random.Random(seed)
    size = max(1, round(statistics.median(lengths)))
    joiner = "" if cjk else " "
    return tuple(joiner.join(rng.choices(units, k=size)) for _ in range(n))


def _units(text: str, cjk: bool) -> list[str]:
    if not cjk:
        return _WORD.findall(text)
    out: list[str] = []
    for word in _WORD.findall(text):
        out += list(word) if _CJK.search(word) else [word]
    return out


def batch_reference(rows: Sequence[Mapping[str, float]], labels: Sequence[str]) -> list[float]:
    """Batch calibration's reference: the batch's mean probability per label."""
    usable = [r for r in rows if all(lab in r for lab in labels)]
    if not usable:
        return [1.0 / len(labels)] * len(labels)
    return [sum(r[lab] for r in usable) / len(usable) for lab in labels]


def divide(
    probs: Mapping[str, float], labels: Sequence[str], reference: Sequence[float] | None
) -> dict[str, float]:
    """`probs` with the reference divided out and renormalised (label order as `labels`)."""
    values = calibrated([probs[lab] for lab in labels], reference)
    return dict(zip(labels, values, strict=True))


@dataclass(frozen=True)
class LabelWords:
    """The words the model is asked about per label; a label's probability is their sum."""

    labels: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]  # per label, its words (the label itself first)

    @classmethod
    def plain(cls, labels: Sequence[str]) -> LabelWords:
        return cls(tuple(labels), tuple((lab,) for lab in labels))

    @classmethod
    def built_in(cls, labels: Sequence[str]) -> LabelWords:
        """Each label with the built-in words for it, where it has any; no word twice."""
        taken = {lab.casefold() for lab in labels}
        out: list[tuple[str, ...]] = []
        for lab in labels:
            extra = [w for w in BUILT_IN_WORDS.get(lab.casefold(), ()) if w.casefold() not in taken]
            taken.update(w.casefold() for w in extra)
            out.append((lab, *extra))
        return cls(tuple(labels), tuple(out))

    @property
    def several(self) -> bool:
        return any(len(w) > 1 for w in self.words)

    @property
    def flat(self) -> tuple[str, ...]:
        """Every word once, as the engine scores them."""
        return tuple(w for words in self.words for w in words)

    @classmethod
    def parse(cls, labels: Sequence[str]) -> LabelWords:
        """Labels typed as "positive|good|正面": the first word names the label, the others
        also stand for it."""
        names: list[str] = []
        out: list[tuple[str, ...]] = []
        for item in labels:
            words = tuple(dict.fromkeys(w.strip() for w in item.split("|") if w.strip()))
            if not words:
                raise ValueError("a label is empty")
            names.append(words[0])
            out.append(words)
        return cls(tuple(names), tuple(out))

    def with_built_in(self) -> LabelWords:
        """These words plus the built-in ones for each label (no word twice)."""
        taken = {w.casefold() for w in self.flat}
        out: list[tuple[str, ...]] = []
        for words in self.words:
            extra = [
                w for w in BUILT_IN_WORDS.get(words[0].casefold(), ()) if w.casefold() not in taken
            ]
            taken.update(w.casefold() for w in extra)
            out.append((*words, *extra))
        return LabelWords(self.labels, tuple(out))

    def combine(self, probs: Mapping[str, float]) -> dict[str, float]:
        """Per label, the sum of its words' probabilities (renormalised to 1)."""
        sums = [sum(probs.get(w, 0.0) for w in words) for words in self.words]
        total = sum(sums)
        if total <= 0:
            return {lab: 1.0 / len(self.labels) for lab in self.labels}
        return {lab: s / total for lab, s in zip(self.labels, sums, strict=True)}


def pick_examples(
    rows: Sequence[tuple[str, str]], labels: Sequence[str], per_label: int = 1
) -> list[tuple[str, str]]:
    """Few-shot examples from labelled (text, gold) rows: per label, the `per_label` texts of
    the most typical length (nearest the median of that label's texts), interleaved by label so
    that no label comes last every time. Rows whose gold is not a label are skipped."""
    canonical = {lab.casefold(): lab for lab in labels}
    by_label: dict[str, list[str]] = {lab: [] for lab in labels}
    for text, gold in rows:
        lab = canonical.get(gold.strip().casefold())
        if lab is not None and text.strip() and text.strip() not in by_label[lab]:
            by_label[lab].append(text.strip())
    chosen: dict[str, list[str]] = {}
    for lab, texts in by_label.items():
        if not texts:
            continue
        middle = statistics.median(len(t) for t in texts)
        ordered = sorted(enumerate(texts), key=lambda it: (abs(len(it[1]) - middle), it[0]))
        chosen[lab] = [t for _i, t in ordered[:per_label]]
    out: list[tuple[str, str]] = []
    for k in range(per_label):
        out += [(texts[k], lab) for lab, texts in chosen.items() if k < len(texts)]
    return out


__all__ = [
    "AUTOMATIC",
    "BUILT_IN_WORDS",
    "CHOICES",
    "DEFAULT_METHOD",
    "METHODS",
    "LabelWords",
    "batch_reference",
    "divide",
    "domain_inputs",
    "language_of",
    "pick_examples",
    "resolve",
]
