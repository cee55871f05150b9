"""The catalog: well-known instruct GGUF models, from resources/catalog.json, checked on load.

The Models pane's catalog list, the first-run welcome page (the starter entry) and
`hearth models pull ID[:QUANT]` read it through this module:

    cat = load_catalog()                     # Catalog; CatalogError with every problem found
    for e in cat: e.id, e.name, e.repo, e.params, e.context_length, e.license, e.languages,
                  e.description_for("zh"), e.files (CatalogFile: quant, file, size, size_approx)
    cat.get("qwen2.5-7b-instruct").file_for("Q4_K_M")   # CatalogFile | None
    cat.starter(), cat.starter_file()        # the app's starter model and its file (with sha256)
    cat.search("chinese")                    # by id, name, family, tag, language

Each entry's `architecture` (layers, KV heads, head size) is what the fit indicator
(core/models/fit.py) needs to estimate the KV cache before anything is downloaded. `verified`
says whether the repo and file names were checked against the Hub when the catalog was written;
sizes marked `size_approx` are rounded (what the Hub's file list shows), not exact byte counts.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core.app_resources import resource_path
from desktop_app.core.errors import AppError
from desktop_app.core.models.quant import QUANT_ORDER, normalize_quant, quality_rank
from desktop_app.core.models.shards import parse_shard_name, shard_file_names

__all__ = [
    "SCHEMA_VERSION",
    "Catalog",
    "CatalogArch",
    "CatalogEntry",
    "CatalogError",
    "CatalogFile",
    "catalog_path",
    "load_catalog",
    "parse_catalog",
    "validate_catalog",
]

SCHEMA_VERSION = 1
_SHA256_HEX = frozenset("0123456789abcdef")


class CatalogError(AppError):
    """The catalog file is missing or does not follow the schema (a packaging bug)."""

    kind = "catalog"


@dataclass(frozen=True)
class CatalogArch:
    """What the KV-cache estimate needs. `kv_bytes_per_token` (f16 K+V over all layers) is given
    where the attention is unusual (e.g. compressed latent attention) and wins over the shape."""

    name: str  # llama.cpp's architecture name: "llama", "qwen2", "gemma2", ...
    n_layers: int
    n_kv_heads: int
    head_dim: int
    vocab_size: int | None = None
    kv_bytes_per_token: int | None = None


@dataclass(frozen=True)
class CatalogFile:
    """One downloadable quantization of an entry (one file, or a sharded set)."""

    quant: str  # "Q4_K_M"
    file: str  # the file name in the repo (the first shard of a set)
    size: int  # bytes, all shards together
    size_approx: bool  # True: rounded from the Hub's listing, not the exact byte count
    sha256: str | None = None
    shards: int = 1
    verified: bool = True  # False: the file name follows the repo's pattern but was not seen

    @property
    def file_names(self) -> list[str]:
        """Every file to download, in order."""
        if self.shards <= 1:
            return [self.file]
        folder, _, name = self.file.rpartition("/")
        shard = parse_shard_name(name)
        assert shard is not None  # checked by validate_catalog
        prefix = f"{folder}/" if folder else ""
        return [prefix + n for n in shard_file_names(shard.base, self.shards)]


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    family: str
    repo: str  # Hugging Face repo id holding the GGUF files
    verified: bool  # repo and file names checked against the Hub when written
    params: int
    context_length: int  # trained context
    license: str
    languages: tuple[str, ...]
    architecture: CatalogArch
    files: tuple[CatalogFile, ...]  # best quality first
    description: dict[str, str]  # "en", "zh"
    tags: tuple[str, ...] = ()
    starter: bool = False
    gated: bool = False  # the repo asks for a Hub token

    @property
    def quants(self) -> list[str]:
        return [f.quant for f in self.files]

    @property
    def hub_url(self) -> str:
        return f"https://huggingface.co/{self.repo}"

    @property
    def chinese(self) -> bool:
        return "zh" in self.languages

    def file_for(self, quant: str) -> CatalogFile | None:
        q = normalize_quant(quant)
        return next((f for f in self.files if f.quant == q), None)

    def description_for(self, language: str) -> str:
        """The description in `language` ("zh", "zh_CN", "en", ...), English otherwise."""
        lang = language.split("_")[0].split("-")[0].lower()
        return self.description.get(lang) or self.description["en"]


@dataclass(frozen=True)
class Catalog:
    entries: tuple[CatalogEntry, ...]
    path: Path | None = None

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> CatalogEntry | None:
        low = entry_id.strip().lower()
        return next((e for e in self.entries if e.id == low), None)

    def starter(self) -> CatalogEntry:
        return next(e for e in self.entries if e.starter)  # validate_catalog: exactly one

    def starter_file(self) -> CatalogFile:
        """The starter's file: the one with a sha256 (validate_catalog: exactly one)."""
        return next(f for f in self.starter().files if f.sha256)

    def search(self, text: str) -> list[CatalogEntry]:
        """Entries whose id, name, family, repo, tags or languages contain `text` (any case)."""
        low = text.strip().lower()
        if not low:
            return list(self.entries)
        out = []
        for e in self.entries:
            hay = " ".join((e.id, e.name, e.family, e.repo, *e.tags, *e.languages)).lower()
            if low in hay:
                out.append(e)
        return out


# --------------------------------------------------------------------------- loading


def catalog_path() -> Path:
    """resources/catalog.json, wherever this install keeps its data files."""
    return resource_path("catalog.json")


def load_catalog(path: str | os.PathLike[str] | None = None) -> Catalog:
    """Read and check the catalog (the bundled one by default, read once per process)."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> Catalog:
    return _load(catalog_path())


def _load(path: Path) -> Catalog:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"The model catalog is missing: {path}") from None
    except (OSError, ValueError) as e:
        raise CatalogError(f"The model catalog {path} cannot be read: {e}") from None
    return parse_catalog(data, path)


def parse_catalog(data: Any, path: Path | None = None) -> Catalog:
    """Build a Catalog from parsed JSON; CatalogError lists every schema problem."""
    problems = validate_catalog(data)
    if problems:
        where = f" {path}" if path else ""
        shown = "\n".join(f"- {p}" for p in problems[:20])
        raise CatalogError(f"The model catalog{where} is invalid:\n{shown}", details=str(problems))
    return Catalog(tuple(_entry(e) for e in data["models"]), path)


def _entry(e: dict[str, Any]) -> CatalogEntry:
    a = e["architecture"]
    files = [
        CatalogFile(
            quant=normalize_quant(f["quant"]),
            file=f["file"],
            size=f["size"],
            size_approx=f.get("size_approx", False),
            sha256=f.get("sha256"),
            shards=f.get("shards", 1),
            verified=f.get("verified", e["verified"]),
        )
        for f in e["files"]
    ]
    files.sort(key=lambda f: quality_rank(f.quant))
    return CatalogEntry(
        id=e["id"],
        name=e["name"],
        family=e["family"],
        repo=e["repo"],
        verified=e["verified"],
        params=e["params"],
        context_length=e["context_length"],
        license=e["license"],
        languages=tuple(e["languages"]),
        architecture=CatalogArch(
            name=a["name"],
            n_layers=a["n_layers"],
            n_kv_heads=a["n_kv_heads"],
            head_dim=a["head_dim"],
            vocab_size=a.get("vocab_size"),
            kv_bytes_per_token=a.get("kv_bytes_per_token"),
        ),
        files=tuple(files),
        description=dict(e["description"]),
        tags=tuple(e.get("tags", ())),
        starter=e.get("starter", False),
        gated=e.get("gated", False),
    )


# --------------------------------------------------------------------------- schema

_ENTRY_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    # key: (types, required)
    "id": ((str,), True),
    "name": ((str,), True),
    "family": ((str,), True),
    "repo": ((str,), True),
    "verified": ((bool,), True),
    "params": ((int,), True),
    "context_length": ((int,), True),
    "license": ((str,), True),
    "languages": ((list,), True),
    "architecture": ((dict,), True),
    "files": ((list,), True),
    "description": ((dict,), True),
    "tags": ((list,), False),
    "starter": ((bool,), False),
    "gated": ((bool,), False),
    "notes": ((str,), False),
}
_ARCH_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "name": ((str,), True),
    "n_layers": ((int,), True),
    "n_kv_heads": ((int,), True),
    "head_dim": ((int,), True),
    "vocab_size": ((int,), False),
    "kv_bytes_per_token": ((int,), False),
}
_FILE_KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "quant": ((str,), True),
    "file": ((str,), True),
    "size": ((int,), True),
    "size_approx": ((bool,), False),
    "sha256": ((str,), False),
    "shards": ((int,), False),
    "verified": ((bool,), False),
}


def validate_catalog(data: Any) -> list[str]:
    """Every way `data` departs from the schema, as readable lines; [] when it is valid."""
    if not isinstance(data, dict):
        return ["the catalog must be a JSON object"]
    problems: list[str] = []
    if data.get("schema_version") != SCHEMA_VERSION:
        problems.append(
            f"schema_version must be {SCHEMA_VERSION}, not {data.get('schema_version')!r}"
        )
    models = data.get("models")
    if not isinstance(models, list) or not models:
        return [*problems, "models must be a non-empty list"]
    ids: set[str] = set()
    names: set[str] = set()
    starters = 0
    for i, e in enumerate(models):
        where = f"models[{i}]"
        if not isinstance(e, dict):
            problems.append(f"{where} must be an object")
            continue
        if isinstance(e.get("id"), str):
            where = f"{e['id']}"
        problems += _check_keys(e, _ENTRY_KEYS, where)
        problems += _check_entry(e, where)
        entry_id, name = e.get("id"), e.get("name")
        if isinstance(entry_id, str):
            if entry_id in ids:
                problems.append(f"{where}: duplicate id")
            ids.add(entry_id)
        if isinstance(name, str):
            if name.lower() in names:
                problems.append(f"{where}: duplicate name {name!r}")
            names.add(name.lower())
        if e.get("starter") is True:
            starters += 1
            files = e.get("files")
            hashed = (
                [f for f in files if isinstance(f, dict) and f.get("sha256")]
                if isinstance(files, list)
                else []
            )
            if len(hashed) != 1:
                problems.append(f"{where}: the starter entry needs exactly one file with a sha256")
    if starters != 1:
        problems.append(f"exactly one entry must be the starter, found {starters}")
    return problems


def _check_keys(
    obj: dict[str, Any], spec: Mapping[str, tuple[tuple[type, ...], bool]], where: str
) -> list[str]:
    out = []
    for key, (types, required) in spec.items():
        if key not in obj:
            if required:
                out.append(f"{where}: missing {key}")
            continue
        value = obj[key]
        if isinstance(value, bool) and bool not in types:
            out.append(f"{where}: {key} must be {types[0].__name__}, not a boolean")
        elif not isinstance(value, types):
            out.append(f"{where}: {key} must be {types[0].__name__}, not {type(value).__name__}")
    for key in obj:
        if key not in spec:
            out.append(f"{where}: unknown key {key}")
    return out


def _check_entry(e: dict[str, Any], where: str) -> list[str]:
    out: list[str] = []
    entry_id = e.get("id")
    if isinstance(entry_id, str) and (
        entry_id != entry_id.lower() or " " in entry_id or not entry_id
    ):
        out.append(f"{where}: id must be lower case without spaces")
    repo = e.get("repo")
    if isinstance(repo, str) and (repo.count("/") != 1 or " " in repo or repo.startswith("/")):
        out.append(f"{where}: repo must look like owner/name")
    for key in ("params", "context_length"):
        v = e.get(key)
        if isinstance(v, int) and not isinstance(v, bool) and v <= 0:
            out.append(f"{where}: {key} must be positive")
    langs = e.get("languages")
    if isinstance(langs, list) and (not langs or not all(isinstance(x, str) and x for x in langs)):
        out.append(f"{where}: languages must be a non-empty list of language codes")
    tags = e.get("tags")
    if isinstance(tags, list) and not all(isinstance(x, str) for x in tags):
        out.append(f"{where}: tags must be strings")
    desc = e.get("description")
    if isinstance(desc, dict):
        for lang in ("en", "zh"):
            if not isinstance(desc.get(lang), str) or not desc[lang].strip():
                out.append(f"{where}: description.{lang} is required")
    arch = e.get("architecture")
    if isinstance(arch, dict):
        out += _check_keys(arch, _ARCH_KEYS, f"{where}.architecture")
        for key in ("n_layers", "n_kv_heads", "head_dim"):
            v = arch.get(key)
            if isinstance(v, int) and not isinstance(v, bool) and v <= 0:
                out.append(f"{where}.architecture: {key} must be positive")
    files = e.get("files")
    if isinstance(files, list):
        if not files:
            out.append(f"{where}: files must not be empty")
        quants: set[str] = set()
        for j, f in enumerate(files):
            fw = f"{where}.files[{j}]"
            if not isinstance(f, dict):
                out.append(f"{fw} must be an object")
                continue
            out += _check_keys(f, _FILE_KEYS, fw)
            out += _check_file(f, fw, quants)
    return out


def _check_file(f: dict[str, Any], fw: str, quants: set[str]) -> list[str]:
    out: list[str] = []
    quant, name = f.get("quant"), f.get("file")
    if isinstance(quant, str):
        q = normalize_quant(quant)
        if q not in QUANT_ORDER:
            out.append(f"{fw}: unknown quantization {quant!r}")
        if q in quants:
            out.append(f"{fw}: quantization {q} listed twice")
        quants.add(q)
    if isinstance(name, str):
        if (
            not name.lower().endswith(".gguf")
            or name.startswith(("/", "\\"))
            or ".." in name.split("/")
        ):
            out.append(f"{fw}: file must be a relative .gguf path inside the repo")
        shards = f.get("shards", 1)
        if isinstance(shards, int) and not isinstance(shards, bool):
            parsed = parse_shard_name(name.rsplit("/", 1)[-1])
            if shards > 1 and (parsed is None or parsed.index != 1 or parsed.count != shards):
                out.append(
                    f"{fw}: a set of {shards} shards must name its first file, -00001-of-{shards:05d}"
                )
            if shards < 1:
                out.append(f"{fw}: shards must be at least 1")
    size = f.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size <= 0:
        out.append(f"{fw}: size must be positive")
    sha = f.get("sha256")
    if isinstance(sha, str) and (len(sha) != 64 or not set(sha) <= _SHA256_HEX):
        out.append(f"{fw}: sha256 must be 64 lower-case hex digits")
    return out
