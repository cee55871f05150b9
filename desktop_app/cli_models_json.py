"""The JSON shapes `hearth models search | files | catalog --json` print.

Why a module of its own: what a script reading the output relies on is one contract, kept apart
from the commands that fetch the data; cli_models_hub re-exports `fit_dict`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.core.models.fit import FitEstimate, Recommendation
    from desktop_app.core.models.hub import RepoFiles

__all__ = ["entry_dict", "fit_dict", "repo_dict", "summary_dict"]


def fit_dict(fit: FitEstimate | None) -> dict[str, Any] | None:
    if fit is None:
        return None
    return {"verdict": fit.verdict, "label": fit.label, "total_bytes": fit.total_bytes}


def summary_dict(h: Any) -> dict[str, Any]:
    return {
        "repo_id": h.repo_id,
        "author": h.author,
        "downloads": h.downloads,
        "likes": h.likes,
        "last_modified": h.last_modified.isoformat() if h.last_modified else None,
        "gated": h.gated,
        "architecture": h.architecture,
        "context_length": h.context_length,
        "n_params": h.n_params,
    }


def repo_dict(
    repo: RepoFiles, fits: dict[str, FitEstimate | None], rec: Recommendation | None
) -> dict[str, Any]:
    return {
        "repo_id": repo.repo_id,
        "revision": repo.revision,
        "gated": repo.gated,
        "recommended": rec.quant if rec else None,
        "models": [
            {
                "name": m.name,
                "quant": m.quant,
                "kind": m.kind,
                "size": m.size,
                "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in m.files],
                "fit": fit_dict(fits.get(m.first_file.name)),
                "recommended": bool(rec and m.kind == "model" and m.quant == rec.quant),
            }
            for m in repo.models
        ],
        "refused": [{"name": r.name, "reason": r.reason} for r in repo.refused],
    }


def entry_dict(e: Any, rec: Recommendation | None) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "repo": e.repo,
        "params": e.params,
        "context_length": e.context_length,
        "license": e.license,
        "languages": list(e.languages),
        "gated": e.gated,
        "starter": e.starter,
        "files": [{"quant": f.quant, "file": f.file, "size": f.size} for f in e.files],
        "recommended": (
            {
                "quant": rec.quant,
                "file": rec.file.file if rec.file else None,
                "fit": fit_dict(rec.estimate),
            }
            if rec
            else None
        ),
    }
