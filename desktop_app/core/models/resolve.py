"""Turn what a user typed (a path, a name in the models folder, "starter") into a model file."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.errors import ModelNotFoundError
from desktop_app.core.models.starter import STARTER_NAME, ensure_starter_model
from desktop_app.core.storage.paths import app_paths
from desktop_app.core.storage.settings import Settings


def resolve_model(spec: str | None, settings: Settings | None = None) -> Path:
    """A path wins; then a file in the models folder (with or without .gguf); then "starter"."""
    if not spec:
        default = settings.get("default_model") if settings else None
        if not default:
            raise ModelNotFoundError(
                "No model given and no default model set. Pass a .gguf file, or 'starter' for the "
                "small starter model."
            )
        spec = str(default)
    models_dir = app_paths().models_dir
    if spec == STARTER_NAME:
        return ensure_starter_model(models_dir, offline=bool(settings and settings.get("offline")))
    path = Path(spec).expanduser()
    if path.exists() or path.suffix.lower() == ".gguf" or "/" in spec or "\\" in spec:
        return path  # inspect_gguf gives the specific error for a bad path
    for candidate in (models_dir / spec, models_dir / f"{spec}.gguf"):
        if candidate.is_file():
            return candidate
    matches = sorted(models_dir.glob(f"*{spec}*.gguf")) if models_dir.is_dir() else []
    if len(matches) == 1:
        return matches[0]
    hint = f" Did you mean: {', '.join(m.name for m in matches[:5])}?" if matches else ""
    raise ModelNotFoundError(
        f"Model not found: '{spec}' is neither a file nor a model in {models_dir}.{hint}"
    )
