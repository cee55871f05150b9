"""Errors the core raises, each with a kind a caller can branch on and a message a person can read.

They are plain values (picklable) because they cross the engine's process boundary.
"""

from __future__ import annotations


class AppError(Exception):
    """Base class: `kind` is a stable identifier, `str(err)` is the message for people."""

    kind = "error"

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.message, self.details))


def _rebuild(cls: type[AppError], message: str, details: str) -> AppError:
    return cls(message, details=details)


class ModelFileError(AppError):
    """The model file cannot be used: missing, not GGUF, truncated, corrupt."""

    kind = "model_file"


class ModelNotFoundError(ModelFileError):
    kind = "model_not_found"


class NotGGUFError(ModelFileError):
    kind = "not_gguf"


class TruncatedModelError(ModelFileError):
    kind = "truncated_model"


class CorruptModelError(ModelFileError):
    kind = "corrupt_model"


class UnsupportedArchitectureError(ModelFileError):
    kind = "unsupported_architecture"


class OutOfMemoryError(AppError):
    """The requested context (or model) does not fit in the memory available."""

    kind = "out_of_memory"


class ModelLoadError(AppError):
    """llama.cpp refused the model for a reason we could not classify further."""

    kind = "model_load"


class GenerationError(AppError):
    """llama.cpp or the model's chat template failed while answering."""

    kind = "generation"


class NoModelLoadedError(AppError):
    kind = "no_model"


class PromptTooLongError(AppError):
    """The prompt alone does not fit in the context window."""

    kind = "prompt_too_long"


class EngineCrashedError(AppError):
    """The engine process died (llama.cpp abort, segfault, kill); `details` holds its last log lines."""

    kind = "engine_crashed"


class CancelledError(AppError):
    kind = "cancelled"


class SettingsError(AppError):
    kind = "settings"


class ContextFullError(AppError):
    """The conversation does not fit in the model's context under the chosen policy."""

    kind = "context_full"
