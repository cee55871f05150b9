"""Summaries a person can check: claims with source spans, the lexical check, coverage, the plan
said before the work, and the CLI's JSON, on the real starter model and the test documents."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from summary_documents import EN, ZH, chronicle, half_noise

from desktop_app.core.engine.client import EngineClient
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.tasks.summarize import (
    DEFAULT_SAMPLING,
    Plan,
    Summarizer,
    SummaryOptions,
    SummaryResult,
)
from desktop_app.core.tasks.summary_claims import (
    NOT_FOUND,
    Claim,
    Span,
    build_claims,
    check,
    split_claims,
    strip_citations,
    terms,
)
from desktop_app.core.tasks.summary_coverage import coverage, paragraph_sections
from desktop_app.core.tasks.summary_export import as_json, claims_markdown

SMALL_CTX = 512
SEEDED = replace(DEFAULT_SAMPLING, seed=11)


# ---- the checker, directly -----------------------------------------------------------------


def test_a_planted_claim_is_marked_unsupported() -> None:
    claims = build_claims(
        "- The council voted to build a new bridge over the river.\n"
        "- The moon is made of green cheese, said the harbour master.\n"
        "- The bridge will cost 95 million euros.",
        EN,
    )
    true, planted, wrong_number = claims
    assert true.supported and true.sources
    assert EN[true.sources[0].start : true.sources[0].end].startswith("The city council voted")
    assert not planted.supported and planted.reason == NOT_FOUND
    assert planted.sources  # still pointed somewhere, for the reader to compare
    assert not wrong_number.supported and "95" in wrong_number.reason


def test_a_lead_in_is_no_claim_and_a_stray_quote_is_dropped() -> None:
    """"The document is:" says nothing to check: it gets no span and no share of the coverage."""
    claims = build_claims(
        'The document is:\n- "The council voted to build a new bridge over the river.', EN
    )
    (only,) = claims
    assert only.text == "The council voted to build a new bridge over the river."
    assert only.supported and only.sources


def test_chinese_claims_match_by_character_bigrams() -> None:
    claims = build_claims("- 沿海城市的历史与港口相连。\n- 火星上住着三百只会说话的猫。", ZH)
    assert claims[0].supported
    span = claims[0].sources[0]
    assert ZH[span.start : span.end] == "沿海城市的历史与港口紧密相连。"
    assert not claims[1].supported
    assert "历史" in terms("沿海城市的历史") and "的" not in terms("的")


def test_citations_are_read_resolved_and_stripped() -> None:
    text = chronicle(6, seed=1)
    paras = text.split("\n\n")
    second = text.index(paras[3])
    ranges = [(0, second - 2), (second, len(text))]
    statement = paras[4].split(". ")[1].rstrip(".")
    summary = f"- {statement} [2]\n- Something else entirely [1, 2]."
    assert split_claims(summary)[0] == (statement, [2])
    assert split_claims(summary)[1][1] == [1, 2]
    claims = build_claims(summary, text, ranges)
    assert claims[0].cited and claims[0].supported
    assert all(second <= s.start < s.end <= len(text) for s in claims[0].sources)
    assert strip_citations(summary) == f"- {statement}\n- Something else entirely."


def test_spans_are_narrow_and_coverage_counts_supported_claims() -> None:
    text = half_noise()
    story_end = text.index("\n\n", len(chronicle(8, seed=3)) - 1)
    claims = build_claims("- In 1851 the town changed again.\n- Zorblat quuxes the frobnitz.", text)
    span = claims[0].sources[0]
    assert span.end - span.start < 60  # the sentence, not the part
    value, sections = coverage(claims, paragraph_sections(text))
    assert 0 < value < 0.5
    assert not any(s.covered for s in sections if s.start > story_end)
    # an unsupported claim covers nothing, even where its span lies
    assert coverage([Claim("x", [Span(0, 10)], supported=False)], [(0, 100)])[0] == 0.0


def test_exports_list_claims_with_their_quoted_sources() -> None:
    result = SummaryResult("- The council voted to build a bridge.", [], 0, False)
    result.claims = build_claims(result.summary, EN)
    result.coverage, result.sections = coverage(result.claims, paragraph_sections(EN))
    data = as_json(result)
    assert data["mode"] == "whole" and data["claims"][0]["supported"] is True
    assert set(data) >= {"mode", "summary", "claims", "coverage"}
    md = claims_markdown(result, EN)
    assert "> The city council voted on Tuesday" in md and "Coverage:" in md


# ---- on the real model ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(bare_engine: EngineClient, starter_model: Path) -> EngineClient:
    params = LoadParams(str(starter_model), n_ctx=SMALL_CTX, n_threads=1, use_mmap=False)
    bare_engine.load(params).result(120)
    return bare_engine


def valid(result: SummaryResult, text: str) -> None:
    """Every claim has a source span; every span is a valid, non-empty range of `text`."""
    assert result.claims, result.summary
    for claim in result.claims:
        assert claim.sources, claim
        for s in claim.sources:
            assert 0 <= s.start < s.end <= len(text), (claim, s)
            assert text[s.start : s.end].strip()


@pytest.mark.parametrize("text", [EN, ZH], ids=["en", "zh"])
def test_one_pass_claims_have_sources(small: EngineClient, text: str) -> None:
    seen: list[object] = []
    result = Summarizer(small, SMALL_CTX, SEEDED).run(text, SummaryOptions(), on_event=seen.append)
    assert result.mode == "whole" and isinstance(seen[0], Plan) and seen[0].mode == "whole"
    valid(result, text)
    assert 0 <= result.coverage <= 1 and result.sections


def test_parts_claims_resolve_to_spans_in_the_text(small: EngineClient) -> None:
    text = "\n\n" + chronicle(14, seed=5)  # leading space: offsets still index the text given
    seen: list[object] = []
    result = Summarizer(small, SMALL_CTX, SEEDED).run(text, SummaryOptions(), on_event=seen.append)
    plan = seen[0]
    assert isinstance(plan, Plan) and plan.mode == "parts" and plan.parts >= 2
    assert "does not fit" in plan.reason and plan.cost
    assert result.mode == "parts" and result.levels >= 1
    first = [p for p in result.parts if p.level == 1]
    assert all(text[p.start : p.end] == p.text for p in first)
    assert len(result.sections) == len(first)
    valid(result, text)
    # the planted claim, checked against the real result's best span, is not supported
    planted = check(
        Claim("Seven dragons burned the cathedral of Lisbon.", result.claims[0].sources), text
    )
    assert not planted.supported


def test_coverage_of_a_half_noise_document(small: EngineClient) -> None:
    text = half_noise()
    story = len(chronicle(8, seed=3))
    result = Summarizer(small, SMALL_CTX, SEEDED).run(text, SummaryOptions())
    assert result.mode == "parts"
    valid(result, text)
    noise_sections = [s for s in result.sections if s.start >= story]
    assert noise_sections and not any(s.covered for s in noise_sections)
    assert result.coverage < 0.7


def test_cli_json_and_text_out(
    tmp_path: Path, starter_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from desktop_app import cli_summarize
    from desktop_app.core.storage.settings import Settings

    doc = tmp_path / "bridge.txt"
    doc.write_text("\r\n" + EN.replace("\n", "\r\n"), encoding="utf-8")
    parser = argparse.ArgumentParser(prog="hearth")
    cli_summarize.add_parser(parser.add_subparsers(dest="command"))
    text_out = tmp_path / "extracted.txt"
    args = parser.parse_args(
        ["summarize", str(doc), "--model", str(starter_model), "--json", "--text-out",
         str(text_out), "-c", "1024", "-t", "1", "--seed", "3", "--no-mmap"]
    )  # fmt: skip
    rc = cli_summarize.run(args, Settings.load(tmp_path / "settings.json"))
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "[whole]" in captured.err and "one pass" in captured.err
    data = json.loads(captured.out)
    assert data["mode"] == "whole" and isinstance(data["summary"], str) and data["summary"]
    assert isinstance(data["coverage"], float) and 0 <= data["coverage"] <= 1
    extracted = text_out.read_text(encoding="utf-8")
    assert data["claims"]
    for claim in data["claims"]:
        assert isinstance(claim["text"], str) and isinstance(claim["supported"], bool)
        assert claim["sources"]
        for s in claim["sources"]:
            assert 0 <= s["start"] < s["end"] <= len(extracted)
