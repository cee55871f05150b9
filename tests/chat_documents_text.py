"""Test documents for the chat's attachments: paragraphs on a few topics, long enough for parts."""

from __future__ import annotations

TOPICS = {
    "lighthouse": "The lighthouse keeper climbs the stone tower at dusk, trims the wick and "
    "lights the great lamp so that ships can see the rocks.",
    "bread": "To bake bread, mix flour, water, salt and yeast, knead the dough, let it rise "
    "for an hour and bake it in a hot oven.",
    "violin": "A violin bow needs rosin on its horsehair, otherwise the hair slides over the "
    "strings without making them sing.",
    "tomato": "Tomatoes need warm soil, full sun and regular watering; they ripen from green "
    "to red in late summer.",
    "glacier": "A glacier moves slowly downhill under its own weight, carving valleys and "
    "carrying rocks far from where they started.",
}


def long_document(rounds: int) -> str:
    """Paragraphs on five topics, each round worded a little differently (about 9 tokens a
    line), so that retrieval has something to tell apart."""
    paras = []
    for r in range(rounds):
        for name, text in TOPICS.items():
            paras.append(f"Section {r}.{name}: {text} This is note {r} on the {name}.")
    return "\n\n".join(paras)
