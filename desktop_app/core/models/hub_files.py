"""What the Hub lists, as values: search hits, a repo's GGUF files grouped into models.

Split from hub.py (the client) because these rules (quant names, shard sets, unsafe names) are
pure functions of file names, used by the client, the downloader and the catalog alike.
Import them from `desktop_app.core.models.hub`, which re-exports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from desktop_app.core.errors import AppError
from desktop_app.core.models.hub_errors import EntryNotFoundError
from desktop_app.core.models.quant import quant_from_name
from desktop_app.core.models.shards import parse_shard_name

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RepoSummary:
    """One search hit."""

    repo_id: str
    author: str | None
    downloads: int
    likes: int
    last_modified: datetime | None
    created_at: datetime | None
    gated: bool | str  # False, "auto" or "manual"
    tags: tuple[str, ...]
    pipeline_tag: str | None
    architecture: str | None  # from the Hub's GGUF summary, when it has one
    context_length: int | None
    n_params: int | None


@dataclass(frozen=True)
class HubFile:
    """A file in a repo; `size` and `sha256` come from the Hub's LFS metadata."""

    name: str
    size: int | None
    sha256: str | None

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class HubModel:
    """What a person downloads: one GGUF file, or every file of a sharded set."""

    name: str  # the file name, or a set's base name ("Model-Q4_K_M")
    quant: str | None
    files: tuple[HubFile, ...]
    kind: Literal["model", "mmproj"] = "model"

    @property
    def size(self) -> int | None:
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)

    @property
    def sharded(self) -> bool:
        return len(self.files) > 1

    @property
    def first_file(self) -> HubFile:
        return self.files[0]


@dataclass(frozen=True)
class RefusedFile:
    """A GGUF file that is not offered, and why (for a person)."""

    name: str
    reason: str


@dataclass(frozen=True)
class RepoFiles:
    """A repo's GGUF files as models, at one commit."""

    repo_id: str
    revision: str  # the commit the listing is from; downloads pin to it
    gated: bool | str
    models: tuple[HubModel, ...]  # smallest first
    refused: tuple[RefusedFile, ...] = ()
    architecture: str | None = None
    context_length: int | None = None
    n_params: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # the Hub's GGUF summary as given

    def by_quant(self, kind: str = "model") -> dict[str, list[HubModel]]:
        """Models grouped by quantization ("?" when the name does not say), smallest group first."""
        groups: dict[str, list[HubModel]] = {}
        for m in self.models:
            if m.kind == kind:
                groups.setdefault(m.quant or "?", []).append(m)
        return dict(sorted(groups.items(), key=lambda kv: min(m.size or 0 for m in kv[1])))

    def select(self, spec: str | None = None) -> HubModel:
        """The model a person named: a file name, a set's name, or a quantization ("q4_k_m").

        With no spec, the only model of the repo. Raises an `AppError` listing the choices.
        """
        models = [m for m in self.models if m.kind == "model"]
        if not models:
            raise EntryNotFoundError(f"{self.repo_id} has no GGUF model files.")
        if not spec:
            if len(models) == 1:
                return models[0]
            raise AppError(
                f"{self.repo_id} has {len(models)} models; name one: {_choices(models)}."
            )
        want = spec.strip().lower()
        for m in models:
            names = {m.name.lower(), *(f.name.lower() for f in m.files)}
            names |= {f.basename.lower() for f in m.files}
            if want in names or want.removesuffix(".gguf") in {
                n.removesuffix(".gguf") for n in names
            }:
                return m
        by_quant = [m for m in models if (m.quant or "").lower() == want]
        if len(by_quant) == 1:
            return by_quant[0]
        if by_quant:
            raise AppError(
                f"{self.repo_id} has {len(by_quant)} models in {spec}; name one: {_choices(by_quant)}."
            )
        for r in self.refused:
            if r.name.lower() == want:
                raise AppError(f"{r.name} is not offered: {r.reason}")
        raise EntryNotFoundError(
            f"{self.repo_id} has no model or quantization named {spec!r}; choices: {_choices(models)}."
        )


def _choices(models: Iterable[HubModel]) -> str:
    return ", ".join(m.name for m in models)


# --------------------------------------------------------------------------- file names

# Beyond quant.py's table: formats newer than it (gpt-oss's MXFP4, ternary TQ1_0/TQ2_0).
_EXTRA_QUANT_RE = re.compile(
    r"(?<![A-Za-z0-9])(MXFP4(?:_MOE)?|TQ[12]_0)(?![A-Za-z0-9])", re.IGNORECASE
)
_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?$", re.IGNORECASE)


def parse_quant(filename: str) -> str | None:
    """The quantization a file name (or its folder) states: "Q4_K_M", "IQ4_XS", "F16", "BF16"...

    The same reading as the library's (`quant.quant_from_name`), so both name groups alike.
    """
    found = quant_from_name(filename)
    if found is None:
        extra = _EXTRA_QUANT_RE.findall(filename)
        found = extra[-1].upper() if extra else None
    return found


def unsafe_name_reason(name: str) -> str | None:
    """Why a file name from the Hub must not be written to disk, or None when it is safe.

    Refused: empty names, absolute paths, drive letters, backslashes, "." or ".." parts, empty
    parts, control characters, and names Windows cannot hold (so a folder copied there works).
    """
    if not name or len(name) > 1024:
        return "empty or too long"
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return "control characters"
    if "\\" in name:
        return "a backslash"
    if name.startswith("/"):
        return "an absolute path"
    if re.match(r"^[A-Za-z]:", name):
        return "a drive letter"
    for part in name.split("/"):
        if part in ("", ".", ".."):
            return "a '..' or empty path part" if part == ".." else "an empty path part"
        if any(c in part for c in '<>:"|?*'):
            return "characters Windows cannot store"
        if part.endswith((" ", ".")) or _WINDOWS_RESERVED.match(part):
            return "a name Windows reserves"
    return None


def group_gguf_files(files: Iterable[HubFile]) -> tuple[list[HubModel], list[RefusedFile]]:
    """Turn a repo's files into models: single files, complete shard sets, projectors.

    Non-GGUF files are ignored; unsafe names and incomplete shard sets are refused with a reason.
    """
    models: list[HubModel] = []
    refused: list[RefusedFile] = []
    sets: dict[tuple[str, str, int], dict[int, HubFile]] = {}
    for f in files:
        if not f.name.lower().endswith(".gguf"):
            continue
        why = unsafe_name_reason(f.name)
        if why is not None:
            refused.append(RefusedFile(f.name, f"refused unsafe file name ({why})"))
            continue
        folder, _, base = f.name.rpartition("/")
        shard = parse_shard_name(base)
        if shard is not None:
            sets.setdefault((folder, shard.base, shard.count), {})[shard.index] = f
            continue
        kind: Literal["model", "mmproj"] = "mmproj" if "mmproj" in base.lower() else "model"
        models.append(HubModel(name=base, quant=parse_quant(f.name), files=(f,), kind=kind))
    for (folder, base, count), parts in sets.items():
        if len(parts) != count:
            shown = f"{folder}/{base}" if folder else base
            refused.append(
                RefusedFile(
                    shown, f"incomplete shard set: {len(parts)} of {count} files are in the repo"
                )
            )
            continue
        ordered = tuple(parts[i] for i in range(1, count + 1))
        models.append(HubModel(name=base, quant=parse_quant(ordered[0].name), files=ordered))
    models.sort(key=lambda m: (m.kind != "model", m.size or 0, m.name))
    return models, refused
