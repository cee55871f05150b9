"""Issue 14: the checks on a final summary (its script against the language asked, bullet
points), and the live time left from measured speeds. Fast: no model."""

from __future__ import annotations

import pytest

from desktop_app.core.engine.events import PromptProgress, Stats
from desktop_app.core.tasks.summary_checks import (
    as_bullets,
    language_problem,
    script_of,
    sentences,
    wanted_script,
)
from desktop_app.core.tasks.summary_eta import GEN_GUESS, Speeds

ZH = "大海是地球上最大的水体，覆盖了约百分之七十一的表面。沿海城市的历史与港口紧密相连。"
EN = "The town repaired the harbour in 1850 with ninety volunteers, led by Alice Moreau."


def test_the_script_of_an_answer() -> None:
    assert script_of(ZH) == "han"
    assert script_of(EN) == "latin"
    assert (
        script_of("陈伟 and Alice Moreau 在1850年修复了港口和图书馆，有九十名志愿者参与。") == "han"
    )
    assert script_of(EN + " 陈伟") == "latin"  # a quoted name does not make it Chinese
    assert script_of("Город изменился снова в этом году, и люди строили мосты.") == "other"
    assert script_of("OK.") is None  # too short to judge
    assert script_of("12345 — 67890!") is None


def test_what_is_wanted_and_what_is_said() -> None:
    assert wanted_script("en", ZH) == "latin" and wanted_script("zh", EN) == "han"
    assert wanted_script("same", ZH) == "han" and wanted_script("same", EN) == "latin"
    assert wanted_script("same", "Город изменился снова в этом году, и люди строили.") is None
    assert language_problem("en", "latin", "latin") is None
    assert language_problem("en", "latin", None) is None  # nothing to judge
    assert (
        language_problem("en", "latin", "han")
        == "The model answered in Chinese although English was asked."
    )
    assert (
        language_problem("zh", "han", "latin")
        == "The model answered in English although Chinese was asked."
    )
    assert language_problem("same", "han", "latin") == (
        "The model answered in English although Chinese was asked."
    )
    assert language_problem("same", "latin", "han") == (
        "The model answered in Chinese, not in the language of the text."
    )
    assert language_problem("en", "latin", "other") == (
        "The model did not answer in English as asked."
    )


def test_prose_becomes_bullets_and_lists_are_kept() -> None:
    prose = "The town grew. Alice repaired the mill in 1850! Was it 3.5 km long? Yes."
    bullets, reshaped = as_bullets(prose)
    assert reshaped
    assert bullets.splitlines() == [
        "- The town grew.",
        "- Alice repaired the mill in 1850!",
        "- Was it 3.5 km long?",
        "- Yes.",
    ]
    zh, reshaped = as_bullets("小镇发展了。爱丽丝修复了磨坊！")
    assert reshaped and zh == "- 小镇发展了。\n- 爱丽丝修复了磨坊！"
    listed = "Key points:\n• The town grew.\n* Alice repaired the mill.\n- Bob came."
    kept, reshaped = as_bullets(listed)
    assert not reshaped
    assert kept == "Key points:\n- The town grew.\n- Alice repaired the mill.\n- Bob came."
    numbered = "1. First.\n2. Second."
    assert as_bullets(numbered) == (numbered, False)
    bold, reshaped = as_bullets("**The town** grew. It had a mill.")
    assert reshaped and bold.startswith("- **The town** grew.")  # "**" is no bullet
    assert sentences("One.\nTwo three. Four") == ["One.", "Two three.", "Four"]


def test_speeds_measured_live_give_a_time_left_before_any_request_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [100.0]
    speeds = Speeds()
    monkeypatch.setattr(speeds, "_now", lambda: clock[0])
    assert speeds.eta(1000, 100) is None  # nothing measured
    speeds.read(PromptProgress(0, 2000))
    clock[0] += 2.0
    speeds.read(PromptProgress(512, 2000))  # 256 tokens/s
    eta = speeds.eta(1488, 100)
    assert eta == pytest.approx(1488 / 256 + 100 / (256 / GEN_GUESS))  # writing still guessed
    for _ in range(6):  # then the tokens come, 10 a second
        speeds.wrote()
        clock[0] += 0.1
    assert speeds.written == 6
    assert speeds.eta(0, 100) == pytest.approx(10.0, rel=0.2)
    speeds.add(Stats(2000, 2000, 6, 8.0, 250.0, 10.0, 9.0, 1))
    assert speeds.written == 0  # the next request starts from its own figures
    assert speeds.eta(250, 10) == pytest.approx(1.0 + 1.0)
