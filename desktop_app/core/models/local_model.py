"""What the model library lists: one installed model (a file or a shard set), and a listing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from desktop_app.core.models.header_cache import ModelHeader
from desktop_app.core.models.starter import STARTER_FILE

__all__ = ["ImportMode", "Listing", "LocalModel", "Source", "params_label"]

Source = Literal["models", "extra", "imported"]
ImportMode = Literal["copy", "in_place"]


@dataclass(frozen=True)
class LocalModel:
    """One installed model (a file, or a sharded set listed once).

    `error` is "" for a usable model; otherwise it is the message for the person (the file is
    still listed so it can be deleted or re-downloaded) and `error_kind` the error's kind.
    """

    name: str  # file name without ".gguf" (and without the shard suffix): unique within a folder
    path: Path  # the file to load (the first shard of a set)
    files: tuple[Path, ...]  # every file of the model that exists (all shards)
    size: int  # bytes on disk, all files together
    source: Source  # "models" folder, an "extra" folder, or "imported" in place
    root: Path  # the folder it was found under (for in-place imports: the file's folder)
    header: ModelHeader | None = None
    n_params: int = 0  # the whole model (all shards)
    error: str = ""
    error_kind: str = ""
    modified: float = 0.0  # newest mtime of its files (seconds since the epoch)

    @property
    def ok(self) -> bool:
        return not self.error and self.header is not None

    @property
    def display_name(self) -> str:
        return self.header.display_name if self.header else self.name

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def architecture(self) -> str | None:
        return self.header.architecture if self.header else None

    @property
    def quantization(self) -> str | None:
        return self.header.quantization if self.header else None

    @property
    def context_length(self) -> int | None:
        return self.header.context_length if self.header else None

    @property
    def license(self) -> str | None:
        return self.header.license if self.header else None

    @property
    def has_chat_template(self) -> bool:
        return bool(self.header and self.header.has_chat_template)

    @property
    def languages(self) -> tuple[str, ...]:
        return self.header.languages if self.header else ()

    @property
    def params_label(self) -> str:
        """Like "135M" or "7.6B": from the parameter count (all shards), else the size label."""
        return params_label(self.n_params) or (self.header.size_label if self.header else "")

    @property
    def is_sharded(self) -> bool:
        return len(self.files) > 1 or bool(self.header and self.header.split_count > 1)

    @property
    def is_projector(self) -> bool:
        """A vision projector (mmproj, architecture "clip"): a companion file, not a chat model."""
        return self.architecture == "clip"

    @property
    def is_starter(self) -> bool:
        return self.path.name == STARTER_FILE

    @property
    def key(self) -> str:
        """A stable identifier (the loadable file's absolute path)."""
        return str(self.path)


@dataclass(frozen=True)
class Listing:
    """The library at one moment: models sorted by name, and folder-level problems to show
    (an extra folder that is missing, an unreadable registry)."""

    models: tuple[LocalModel, ...]
    problems: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[LocalModel]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)


def params_label(n: int) -> str:
    """A parameter count as people write it: 135000000 -> "135M", 7_615_000_000 -> "7.6B"."""
    if n <= 0:
        return ""
    for scale, unit, digits in ((1e12, "T", 1), (1e9, "B", 1), (1e6, "M", 0), (1e3, "K", 0)):
        if n >= scale:
            return f"{n / scale:.{digits}f}".removesuffix(".0") + unit
    return str(n)
