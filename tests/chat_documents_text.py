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


# A small labelled set for retrieval: paragraphs on distinct subjects, and questions each
# labelled with the paragraph that answers it. Half share words with their paragraph, half are
# paraphrases (few shared words), where an embedding could do better than BM25.
PARAGRAPHS_EN = [
    "The lighthouse keeper climbs the stone tower at dusk, trims the wick and lights the lamp "
    "so that ships can see the rocks at night.",
    "To bake bread, mix flour, water, salt and yeast, knead the dough for ten minutes, let it "
    "rise for an hour and bake it in a hot oven.",
    "A violin bow needs rosin on its horsehair; without it the hair slides over the strings "
    "and makes no sound.",
    "Tomato plants need warm soil, full sun and regular watering, and their fruit turns from "
    "green to red in late summer.",
    "A glacier moves slowly downhill under its own weight, carving deep valleys and carrying "
    "boulders far from where they started.",
    "Honey bees tell each other where flowers are with a waggle dance whose angle points "
    "toward the food and whose length says how far it is.",
    "The city council voted to close the old bridge to cars next spring, after inspectors "
    "found rust in its steel cables.",
    "A vaccine trains the immune system with a harmless piece of a virus, so the body "
    "recognises the real infection and fights it quickly.",
    "Interest on a savings account is paid monthly, and the bank raised the yearly rate from "
    "two to three percent in March.",
    "The marathon route starts at the harbour, passes the cathedral at kilometre twenty and "
    "ends in the central park.",
]
QUESTIONS_EN = [
    ("Who lights the lamp in the lighthouse?", 0),
    ("How do sailors avoid the rocks after dark?", 0),
    ("How long should the dough rise?", 1),
    ("What goes into a loaf before it is kneaded?", 1),
    ("Why does a violin bow need rosin?", 2),
    ("What makes the string instrument silent?", 2),
    ("When do tomatoes turn red?", 3),
    ("What does the vegetable garden need to ripen its fruit?", 3),
    ("How does a glacier carve valleys?", 4),
    ("How do rivers of ice move stones?", 4),
    ("What is the waggle dance of honey bees?", 5),
    ("How do insects share the location of nectar?", 5),
    ("Why will the bridge be closed to cars?", 6),
    ("What did the inspection of the crossing find?", 6),
    ("How does a vaccine train the immune system?", 7),
    ("How does immunisation protect against disease?", 7),
    ("What is the new interest rate on savings?", 8),
    ("How much does the bank pay on deposits now?", 8),
    ("Where does the marathon route end?", 9),
    ("Which landmark do the runners pass halfway?", 9),
]
PARAGRAPHS_ZH = [
    "灯塔看守人每天傍晚爬上石塔，修剪灯芯，点亮大灯，让船只在夜里看见礁石。",
    "做面包要把面粉、水、盐和酵母混合，揉面十分钟，发酵一小时，再放进热烤箱烘烤。",
    "小提琴的琴弓需要在马尾毛上涂松香，否则弓毛在琴弦上打滑，发不出声音。",
    "西红柿需要温暖的土壤、充足的阳光和定期浇水，果实在夏末由绿变红。",
    "冰川在自身重量的作用下缓慢向山下移动，切割出深谷，并把巨石带到远处。",
    "蜜蜂通过摇摆舞告诉同伴花朵的位置，舞蹈的角度指向食物，时长表示距离。",
    "市议会投票决定明年春天禁止汽车通过旧桥，因为检查人员在钢缆中发现了锈蚀。",
    "疫苗用病毒的无害片段训练免疫系统，使身体能识别真正的感染并迅速抵抗。",
]
QUESTIONS_ZH = [
    ("谁负责点亮灯塔的灯？", 0),
    ("船只夜里怎样避开礁石？", 0),
    ("面团要发酵多久？", 1),
    ("烤面包需要哪些原料？", 1),
    ("琴弓为什么要涂松香？", 2),
    ("西红柿什么时候变红？", 3),
    ("冰川是怎样形成深谷的？", 4),
    ("蜜蜂怎样告诉同伴花在哪里？", 5),
    ("为什么旧桥要禁止汽车通行？", 6),
    ("疫苗如何保护身体？", 7),
]
