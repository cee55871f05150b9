"""The Summarize shots of scripts/screenshots.py (summarize-LANG-THEME-WxH.png): a finished run
with its claims, one clicked so its source is highlighted in the text, and the coverage strip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def summarize_shot(
    window: Any,
    lang: str,
    out: Path,
    suffix: str,
    wait: Callable[[int], None],
    until: Any,
    snap: Callable[..., None],
) -> None:
    """The Summarize pane after a run: the claims, one clicked (its source highlighted in the
    text), the coverage strip beside the text, the parts tree (en: read in parts; zh_CN: a
    Chinese text in one pass, see `_document`). A fixed seed: the same summary each time."""
    summarize = window.summarize
    window.nav.setCurrentRow(1)
    summarize.controller.with_seed(7)
    summarize.input.setPlainText(_document(lang))
    wait(300)
    summarize.summarize()
    until(summarize.summary_finished, 900_000)
    result = summarize.controller.result
    if result is not None and result.parts:  # the parts view (open already): not when empty
        summarize.parts_toggle.setChecked(True)
    k = _claim_to_show(result.claims) if result is not None else -1
    if k >= 0:
        summarize.claims_view.setFocus()
        summarize.claims_view.setCurrentRow(k)  # as a click does: the source is highlighted
    wait(300)

    def again() -> None:  # the text re-wraps at each size: its highlighted span back in view
        if k >= 0:
            summarize.claims_view.scrollToItem(summarize.claims_view.item(k))
            summarize.show_claim(k)

    snap(window, out, "summarize", suffix, wait, again)


def _claim_to_show(claims: Any) -> int:
    """The claim to click: supported, with content words (not a lead-in like "The text says:",
    too short to check, which is matched to the text's first sentence), the best supported,
    then the longest (the longest alone tends to be a merge of two sentences, barely supported)."""
    from desktop_app.core.tasks.summary_claims import MIN_TERMS, terms

    found = [
        (c.score, len(set(terms(c.text))), -k)
        for k, c in enumerate(claims)
        if c.supported and c.sources and len(set(terms(c.text))) >= MIN_TERMS
    ]
    return -max(found)[2] if found else (0 if claims else -1)


def _document(lang: str) -> str:
    """Made-up town news. English: a few pages, read in two parts at a 4096 context. Chinese:
    two weeks of it (about 850 characters) read in one pass; the starter model writes no
    Chinese worth checking from parts of a long Chinese text (its first five days repeated 30
    times: 4 parts, two claims echoing the prompt, nothing supported, 0% coverage)."""
    if lang == "en":
        days = [
            "On Monday the council approved the new library on Harbour Street. It will have a "
            "children's room, a cafe and twelve study rooms, and it opens next spring.",
            "On Tuesday the water mill reopened after two years of repairs. Volunteers rebuilt "
            "the wheel by hand, and the mill now grinds flour for three local bakeries.",
            "On Wednesday a storm closed the ferry for a day. No one was hurt, but the covered "
            "market lost part of its roof, and the repairs will cost about 40,000 euros.",
            "On Thursday the school choir won the regional contest with a song written by two "
            "pupils. The prize money will pay for new instruments.",
            "On Friday residents asked for longer bus hours to the hospital. The transport office "
            "promised a trial of evening buses from next month.",
        ]
        return "\n\n".join(days * 30)  # about 5,000 tokens: read in two parts at a 4096 context
    days = [
        "周一，市议会批准在港口街新建图书馆。新馆设有儿童阅览室、咖啡馆和十二间自习室，将于明年春天开放。",
        "周二，水磨坊在修缮两年后重新开放。志愿者们手工重建了水车，磨坊现在为三家本地面包店磨面粉。",
        "周三，一场暴风雨使渡轮停航一天。无人受伤，但室内市场的部分屋顶被掀翻，维修费用约四万欧元。",
        "周四，学校合唱团凭借两名学生创作的歌曲赢得地区比赛。奖金将用于购买新乐器。",
        "周五，居民们要求延长开往医院的公交运营时间。交通部门承诺从下个月起试行夜间公交。",
        "下周一，从火车站通往海边的自行车道开通，全长6公里，沿途新种了三百棵树。",
        "下周二，老灯塔修缮完毕。游客周末可以登塔参观，门票5欧元，收入用于维护灯塔。",
        "下周三，广场上举办了第一次农夫集市。二十多位农民带来了蔬菜、奶酪和蜂蜜，上午就卖完了。",
        "下周四，市立医院新开了儿科门诊，每天上午九点到下午五点接诊，不需要预约。",
        "下周五，关闭十年的老电影院重新放映电影。首映当晚座无虚席，票款捐给了学校合唱团。",
    ]
    return "\n\n".join(days * 2)  # about 2,000 tokens: one pass, four sections in the strip
