"""BM25 retrieval over words and CJK bigrams (no model needed)."""

from __future__ import annotations

from desktop_app.core.tasks.retrieval import BM25, overlap, terms

EN = [
    "The lighthouse keeper climbed the tower every evening to light the lamp.",
    "Bread is baked from flour, water, salt and yeast, then left to rise.",
    "The ship's captain used the lighthouse beam to steer clear of the rocks.",
    "Tomatoes need warm soil, full sun and regular watering to ripen.",
]
ZH = [
    "灯塔看守人每天傍晚爬上塔顶点亮灯。",
    "面包由面粉、水、盐和酵母制成，然后发酵。",
    "西红柿需要温暖的土壤、充足的阳光和定期浇水才能成熟。",
    "船长利用灯塔的光束避开礁石。",
]


def test_terms_lowercase_words_without_common_ones_and_cjk_bigrams() -> None:
    assert terms("The Lighthouse and the SHIP's lamp") == ["lighthouse", "ship's", "lamp"]
    assert terms("灯塔看守") == ["灯塔", "塔看", "看守"]
    assert terms("的") == []  # a lone function character says nothing
    assert terms("Hearth 灯塔") == ["hearth", "灯塔"]


def test_english_question_finds_the_parts_that_answer_it() -> None:
    bm25 = BM25(EN)
    assert bm25.rank("Who lights the lighthouse lamp?")[0] == 0
    assert bm25.rank("how do you bake bread with yeast")[0] == 1
    assert bm25.rank("watering tomatoes") == [3]
    assert set(bm25.rank("lighthouse")) == {0, 2}
    assert bm25.rank("quantum chromodynamics") == []


def test_chinese_question_finds_the_parts_that_answer_it() -> None:
    bm25 = BM25(ZH)
    assert bm25.rank("面包是用什么做的？")[0] == 1
    assert bm25.rank("西红柿怎么成熟")[0] == 2
    assert set(bm25.rank("灯塔")) == {0, 3}
    assert bm25.rank("量子力学") == []


def test_scores_follow_term_frequency_and_rarity() -> None:
    bm25 = BM25(["apple apple apple", "apple banana", "cherry"])
    s = bm25.scores("apple")
    assert s[0] > s[1] > 0 and s[2] == 0
    assert bm25.scores("banana")[1] > bm25.scores("apple")[1]  # the rarer term counts more


def test_empty_corpus_and_empty_query() -> None:
    assert BM25([]).rank("anything") == []
    assert BM25(EN).rank("") == []


def test_overlap_is_the_share_of_the_answer_s_terms_in_a_part() -> None:
    assert overlap("The lamp in the lighthouse", EN[0]) == 1.0
    assert overlap("yeast and flour", EN[0]) == 0.0
    assert 0 < overlap("灯塔的光束", ZH[3]) <= 1.0
    assert overlap("", EN[0]) == 0.0


def test_the_labelled_set_english_and_chinese() -> None:
    """The set bench/retrieval.py measures: a question sharing words with its paragraph ranks
    it first; a paraphrase with no shared word is BM25's known miss (at most 5 of 20)."""
    from chat_documents_text import PARAGRAPHS_EN, PARAGRAPHS_ZH, QUESTIONS_EN, QUESTIONS_ZH

    for paragraphs, questions, least in (
        (PARAGRAPHS_EN, QUESTIONS_EN, 15),
        (PARAGRAPHS_ZH, QUESTIONS_ZH, 10),
    ):
        bm25 = BM25(paragraphs)
        first = [bm25.rank(q)[:1] == [want] for q, want in questions]
        assert sum(first) >= least, [
            q for (q, _), ok in zip(questions, first, strict=True) if not ok
        ]
        assert all(first[0::2]), "every question worded like its paragraph is found first"
