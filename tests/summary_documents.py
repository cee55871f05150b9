"""Documents for the summary tests: English and Chinese short texts, a long chronicle that needs
parts, and one whose second half is off-topic noise (for coverage)."""

from __future__ import annotations

import random

EN = (
    "The city council voted on Tuesday to build a new bridge over the river. The bridge will "
    "cost 12 million euros and should open in 2027. Supporters say it will cut commuting times "
    "by twenty minutes; opponents worry about the noise and the loss of a small park.\n\n"
    "The mayor promised a public review of the design by March. The old ferry will keep "
    "running until the bridge opens, and its crew will be offered jobs on the new tram line."
)

ZH = (
    "大海是地球上最大的水体，覆盖了约百分之七十一的表面。沿海城市的历史与港口紧密相连。\n\n"
    "市议会周二投票决定在河上修建一座新桥。这座桥将耗资一千二百万欧元，预计二零二七年通车。"
    "支持者说它能把通勤时间缩短二十分钟；反对者担心噪音和一座小公园的消失。"
)

NAMES = ["Alice Moreau", "Bob Stone", "Chen Wei", "Dmitri Orlov", "Esther Kahn", "Farid Haddad"]
PLACES = ["the harbour", "the old mill", "the library", "the market square", "the lighthouse"]
SENTENCES = [
    "{name} repaired {place} with {n} volunteers.",
    "The council spent {n} thousand crowns on {place}.",
    "A storm damaged {place}, and {name} organised the clean-up.",
    "Visitors to {place} rose by {n} percent that summer.",
]


def chronicle(paragraphs: int, seed: int = 0) -> str:
    """A town chronicle, one year a paragraph: varied sentences with names, places, numbers."""
    r = random.Random(seed)
    out = []
    for k in range(paragraphs):
        lines = [f"In {1850 + k} the town changed again."]
        for _ in range(r.randint(2, 4)):
            lines.append(
                r.choice(SENTENCES).format(
                    name=r.choice(NAMES), place=r.choice(PLACES), n=r.randint(2, 90)
                )
            )
        out.append(" ".join(lines))
    return "\n\n".join(out)


def noise(paragraphs: int, seed: int = 0) -> str:
    """Off-topic filler: sentences of made-up words, nothing a summary of the town shares."""
    r = random.Random(seed)
    letters = "bcdfghjklmnpqrstvwxz"
    vowels = "aeiou"

    def word() -> str:
        return "".join(r.choice(letters) + r.choice(vowels) for _ in range(r.randint(2, 4)))

    out = []
    for _ in range(paragraphs):
        sentences = [
            " ".join(word() for _ in range(r.randint(6, 10))).capitalize() + "."
            for _ in range(r.randint(3, 4))
        ]
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def half_noise(seed: int = 3) -> str:
    """A chronicle, then as much off-topic noise."""
    story = chronicle(8, seed=seed)
    filler = noise(8, seed=seed)
    while len(filler) < len(story):
        filler += "\n\n" + noise(1, seed=len(filler))
    return story + "\n\n" + filler
