"""How the local engine scores labels: which tokens stand for each label, and the prompt split.

A label is written several ways ("positive", "Positive", " positive"); their probabilities are
summed. When every label has a one-token form (or at least distinct first tokens), the first
token is enough; when two labels share a first token, each form is scored as its whole token
sequence (a multi-token form's first token that another label shares is dropped first where
the label has another). The prompt is rendered once with a placeholder for the item and split there: the
prefix is shared by all items, the tail follows each item's text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.core.engine.chat_template import TemplateError
from desktop_app.core.engine.label_scores import default_instruction, few_shot_turns
from desktop_app.core.errors import GenerationError

_SENTINEL = "\u27e6HEARTH-ITEM-5c1e\u27e7"


@dataclass(frozen=True)
class LabelPlan:
    mode: str  # "first_token" | "sequence"
    forms: tuple[tuple[tuple[int, ...], ...], ...]  # per label: token sequences (deduplicated)

    @property
    def extra_tokens(self) -> int:
        """Cells an item needs past its own tokens (sequence mode feeds the label's tokens)."""
        if self.mode == "first_token":
            return 0
        return max(len(f) for forms in self.forms for f in forms) - 1


def _label_forms(label: str) -> list[str]:
    """How an answer could start with the label: as given, lower case, capitalised; ± a space."""
    cased = [label, label.lower(), label[:1].upper() + label[1:]]
    out: list[str] = []
    for word in dict.fromkeys(cased):
        out += [word, " " + word]
    return out


def plan_labels(
    tokenize: Callable[[str], list[int]],
    labels: Sequence[str],
    is_blank: Callable[[int], bool] = lambda _t: False,
) -> LabelPlan:
    """Pick how to score: by first tokens if they tell the labels apart, else whole sequences.

    `is_blank(token)`: the token is only whitespace. A form that starts with such a token (a
    SentencePiece vocabulary writes " positive" as "▁" + "▁positive") says nothing about the
    label at the first position and is dropped where the label has other forms.
    """
    all_forms: list[tuple[tuple[int, ...], ...]] = []
    first_sets: list[set[int]] = []
    for label in labels:
        seqs = [tuple(tokenize(form)) for form in _label_forms(label)]
        seqs = [s for s in dict.fromkeys(seqs) if s]
        if not seqs:
            raise ValueError(f"the label {label!r} has no tokens")
        seqs = [s for s in seqs if not is_blank(s[0])] or seqs
        all_forms.append(tuple(seqs))
        single = {s[0] for s in seqs if len(s) == 1}
        # A one-token form is exact; a multi-token form's first token ("M" of "Mixed") is only
        # a guess, so it is used only for labels that have no one-token form.
        first_sets.append(single or {s[0] for s in seqs})
    guesses = [not any(len(s) == 1 for s in forms) for forms in all_forms]
    original = list(first_sets)
    for i, starts in enumerate(original):
        # a guessed first token another label also starts with (" 好评" and " 差评" both open
        # with the byte token " \xe5") tells them apart no better than it; drop it where the
        # label keeps another first token, so that one logits row still decides
        if guesses[i]:
            others = set().union(*(original[j] for j in range(len(labels)) if j != i))
            first_sets[i] = (starts - others) or starts
    distinct = all(
        not (first_sets[i] & first_sets[j])
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
    )
    if distinct:
        firsts = tuple(tuple((t,) for t in sorted(s)) for s in first_sets)
        return LabelPlan("first_token", firsts)
    return LabelPlan("sequence", tuple(all_forms))


@dataclass(frozen=True)
class Prompt:
    prefix: list[int]
    tail: list[int]


def build_prompt(
    formatter: Any,
    tokenize: Callable[[str, bool, bool], list[int]],
    add_bos: bool,
    labels: Sequence[str],
    instruction: str | None,
    examples: Sequence[tuple[str, str]],
) -> Prompt:
    """Render the chat with a placeholder for the item and split it there.

    The prefix (everything before the item) is shared by all items; the tail (end of the user
    turn and the start of the assistant's answer) follows each item's text.
    """
    system = instruction or default_instruction(labels)
    turns = few_shot_turns(labels, examples)
    turns.append({"role": "user", "content": _SENTINEL})
    try:
        rendered = formatter.render([{"role": "system", "content": system}, *turns])
    except TemplateError:
        # a template without a system role: the instruction opens the first user turn instead
        turns[0] = {"role": "user", "content": f"{system}\n\n{turns[0]['content']}"}
        rendered = formatter.render(turns)
    if rendered.count(_SENTINEL) != 1:
        raise GenerationError(
            "The model's chat template changes the user's text, so items cannot be placed in it."
        )
    head, tail = rendered.split(_SENTINEL)
    bos = formatter.bos_token
    add = add_bos and not (bos and head.startswith(bos))
    return Prompt(tokenize(head, add, True), tokenize(tail, False, True))


__all__ = ["LabelPlan", "Prompt", "build_prompt", "plan_labels"]
