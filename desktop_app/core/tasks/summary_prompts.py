"""The summarizer's prompts and answer sizes: what each request asks, in which words.

Kept apart from the run logic so the wording can be tuned (and benchmarked) without touching it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from desktop_app.core.engine.params import Message

Style = Literal["tldr", "bullets", "paragraph", "outline"]
Language = Literal["same", "en", "zh"]
STYLES: tuple[str, ...] = get_args(Style)
LANGUAGES: tuple[str, ...] = get_args(Language)

# Words a summary gets when the user names no length (characters for Chinese).
DEFAULT_WORDS = {"tldr": 40, "bullets": 150, "paragraph": 120, "outline": 200}


@dataclass(frozen=True)
class SummaryOptions:
    """What summary to write. `target_words` counts characters when the summary is Chinese."""

    style: Style = "bullets"
    target_words: int | None = None
    language: Language = "same"
    instruction: str = ""

    def validate(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"style must be one of {', '.join(STYLES)}, not {self.style!r}")
        if self.language not in LANGUAGES:
            raise ValueError(
                f"language must be one of {', '.join(LANGUAGES)}, not {self.language!r}"
            )
        if self.target_words is not None and self.target_words < 1:
            raise ValueError("the target length must be at least 1 word")


# ---- prompts -----------------------------------------------------------------------------------

SYSTEM = (
    "You summarize documents faithfully. Use only information from the given text; "
    "do not add facts or opinions."
)
_STYLE = {
    "tldr": "Write a one-sentence TL;DR: a single sentence that gives the main point.",
    "bullets": 'Write the summary as a bulleted list of the key points, one per line, each starting with "- ".',
    "paragraph": "Write the summary as one coherent paragraph of prose.",
    "outline": 'Write the summary as an outline in Markdown: a "## " heading for each main topic, with short "- " bullets under it.',
}
_LANGUAGE = {
    "same": "Write in the same language as the text.",
    "en": "Write in English, whatever the language of the text.",
    "zh": "Write in Simplified Chinese (简体中文), whatever the language of the text.",
}


# Said again after the text when a first answer came back in another language (summary_checks):
# the last words a small model reads weigh most.
_INSIST = {
    "en": "Important: write the summary in English only, even though the text is not in English.",
    "zh": "重要：只用简体中文写这篇摘要。Write the summary in Simplified Chinese only.",
    "same": "Important: write the summary in the language the text is written in, and no other.",
}


def _length_text(options: SummaryOptions) -> str:
    if options.target_words is None:
        return ""
    if options.language == "zh":
        return f"Use about {options.target_words} Chinese characters."
    return f"Use about {options.target_words} words."


def _final_instructions(options: SummaryOptions) -> str:
    lines = [_STYLE[options.style], _length_text(options), _LANGUAGE[options.language]]
    if options.instruction.strip():
        lines.append(f"Also: {options.instruction.strip()}")
    return " ".join(line for line in lines if line)


def _quoted(text: str) -> str:
    return f'"""\n{text}\n"""'


def build_messages(
    stage: Literal["one", "map", "reduce", "final"],
    text: str,
    options: SummaryOptions,
    *,
    words: int = 0,
    index: int = 0,
    total: int = 0,
    system: str = SYSTEM,
    insist: bool = False,
) -> list[Message]:
    """The chat messages for one request: the task first, then the text between triple quotes.

    (Tried with the starter model: the task after the text made it describe the instructions or
    echo the closing quotes more often; a task in the system prompt was ignored.) `insist` adds
    the language instruction once more after the text, for a second try.
    """
    language = _LANGUAGE[options.language]
    if stage == "one":
        task = f"Summarize the text below. {_final_instructions(options)}"
    elif stage == "map":
        # The same words for every part (no "part i of n"): the engine reuses the KV cache of a
        # prompt's shared start, so each part after the first reads only its own text.
        task = (
            "Below is one part of a longer document. Summarize this part: keep its key facts, "
            f"names, numbers and conclusions, in plain sentences, in at most {words} words. "
            f"{language}"
        )
    elif stage == "reduce":
        task = (
            "Below are summaries of consecutive parts of one document, in order. Merge them into "
            "one shorter summary that keeps the key facts, names, numbers and conclusions, in at "
            f"most {words} words. {language}"
        )
    else:
        task = (
            "Below are numbered summaries of the consecutive parts of one document, in order. "
            f"Using only them, summarize the whole document. {_final_instructions(options)} "
            "End each point with the number of the part it comes from in brackets, like [2]."
        )
    user = f"{task}\n\n{_quoted(text)}"
    if insist:
        user += f"\n\n{_INSIST[options.language]}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def numbered(summaries: list[str]) -> str:
    """The partial summaries as the final pass reads them: "[1] ...", so it can cite them."""
    return "\n\n".join(f"[{i}] {text}" for i, text in enumerate(summaries, 1))


def answer_tokens(options: SummaryOptions, n_ctx: int, *, cjk: bool = False) -> int:
    """Longest final answer: from the target length (with slack), never over a quarter of n_ctx."""
    words = options.target_words or DEFAULT_WORDS[options.style]
    chinese = options.language == "zh" or (options.language == "same" and cjk)
    per_word = 2.0 if chinese else 1.6  # tokens per word (per character for Chinese)
    return max(32, min(n_ctx // 4, int(words * per_word * 1.25) + 32))


def mostly_cjk(text: str) -> bool:
    sample = text[:4000]
    letters = [c for c in sample if c.isalpha()]
    cjk = sum(1 for c in letters if "\u3400" <= c <= "\u9fff")
    return bool(letters) and cjk > 0.3 * len(letters)
