"""A finished summary as the files people keep: JSON for programs, Markdown with quoted sources.

Both carry the claims with their sources, so a reader of the file can check each statement as
the pane lets them: the JSON gives character offsets into the extracted text (the CLI's
--text-out writes it), the Markdown quotes the source sentences under each claim.
"""

from __future__ import annotations

from typing import Any

from desktop_app.core.tasks.summary_events import SummaryResult

QUOTE_CHARS = 400  # a source quoted in Markdown is cut after this many characters


def as_json(result: SummaryResult) -> dict[str, Any]:
    """{"mode", "summary", "claims": [{"text", "sources": [{"start", "end"}], "supported"}],
    "coverage"}, plus the per-part coverage ("sections") and the plan's reason."""
    return {
        "mode": result.mode,
        "summary": result.summary,
        "claims": [
            {
                "text": c.text,
                "sources": [{"start": s.start, "end": s.end} for s in c.sources],
                "supported": c.supported,
                "score": round(c.score, 3),
                "cited": c.cited,
                **({"reason": c.reason} if c.reason else {}),
            }
            for c in result.claims
        ],
        "coverage": round(result.coverage, 4),
        "sections": [
            {"start": s.start, "end": s.end, "covered": s.covered} for s in result.sections
        ],
        **({"plan": result.plan.reason} if result.plan is not None else {}),
    }


def _quote(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > QUOTE_CHARS:
        one_line = one_line[:QUOTE_CHARS].rstrip() + "…"
    return "> " + one_line


def claims_markdown(
    result: SummaryResult,
    text: str,
    *,
    heading: str = "Sources",
    unsupported: str = "not supported by its source",
    coverage: str = "Coverage: {percent}% of the text",
) -> str:
    """The summary's claims, each followed by its quoted sources; '' without claims.

    The labels are parameters so the pane can pass them translated.
    """
    if not result.claims:
        return ""
    out = [f"## {heading}", ""]
    for k, claim in enumerate(result.claims, 1):
        mark = "" if claim.supported else f" ⚠ *({unsupported})*"
        out.append(f"{k}. {claim.text}{mark}")
        for span in claim.sources:
            out.append("")
            out.append("   " + _quote(text[span.start : span.end]))
        out.append("")
    out.append(coverage.format(percent=round(100 * result.coverage)))
    return "\n".join(out).rstrip() + "\n"
