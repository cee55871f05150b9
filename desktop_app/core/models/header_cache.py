"""GGUF header facts for the library, cached by (path, size, mtime) in memory and on disk.

Why: reading a GGUF header walks the vocabulary (tens of ms per model). Listing a folder of big
models, or running `hearth models list` again, should read only the files that changed. The
cache file is only an accelerator: unreadable, stale or from another version, it is ignored and
rebuilt, and a file that could not be read for a passing reason (permissions, I/O) is not cached.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from desktop_app.core.errors import ModelFileError
from desktop_app.core.gguf_reader import GGUFInfo, inspect_gguf
from desktop_app.core.models.shards import check_continuation_shard
from desktop_app.core.storage.atomic import write_atomic

__all__ = ["CACHE_VERSION", "HeaderCache", "HeaderRecord", "ModelHeader"]

_log = logging.getLogger(__name__)

CACHE_VERSION = 1


@dataclass(frozen=True)
class ModelHeader:
    """What the library shows about a model, from its (first) file's GGUF header. Plain values:
    it is cached as JSON and can cross a process or thread boundary."""

    display_name: str  # general.name, else the file name
    architecture: str
    tensor_params: int  # parameters in this file's tensors
    params_meta: int | None  # general.parameter_count, when the file states it (whole model)
    size_label: str  # general.size_label ("7B"), else computed
    quantization: str  # "Q4_K_M", "Q8_0", "F16", ...
    file_type: int | None
    context_length: int | None  # trained context
    license: str | None
    has_chat_template: bool
    languages: tuple[str, ...]
    n_layers: int
    n_embd: int
    n_head: int
    n_head_kv: int
    key_length: int
    value_length: int
    vocab_size: int | None
    split_count: int  # > 1: the first file of a sharded set

    @classmethod
    def from_info(cls, info: GGUFInfo) -> ModelHeader:
        meta = info.metadata
        langs = meta.get("general.languages")
        languages = tuple(x for x in langs if isinstance(x, str)) if isinstance(langs, list) else ()
        return cls(
            display_name=info.name,
            architecture=info.architecture,
            tensor_params=info.n_params,
            params_meta=_int(meta.get("general.parameter_count")),
            size_label=info.size_label,
            quantization=info.quantization,
            file_type=info.file_type,
            context_length=info.context_length,
            license=info.license,
            has_chat_template=bool(info.chat_template),
            languages=languages,
            n_layers=info.n_layers,
            n_embd=info.n_embd,
            n_head=info.n_head,
            n_head_kv=info.n_head_kv,
            key_length=info.key_length,
            value_length=info.value_length,
            vocab_size=info.vocab_size,
            split_count=max(1, _int(meta.get("split.count")) or 1),
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["languages"] = list(self.languages)
        return data

    @classmethod
    def from_json(cls, data: Any) -> ModelHeader:
        """Rebuild from `to_json`; raises ValueError on anything else (a stale or edited cache)."""
        if not isinstance(data, dict) or set(data) != {f.name for f in fields(cls)}:
            raise ValueError("not a cached model header")
        values = dict(data)
        values["languages"] = tuple(str(x) for x in values["languages"] or ())
        return cls(**values)


def _int(v: object) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


@dataclass(frozen=True)
class HeaderRecord:
    """What one file gave: a model's header, or a continuation shard's parameters, or an error."""

    header: ModelHeader | None  # the first (or only) file of a model
    n_params: int  # continuation shards: their parameters
    error: str = ""
    error_kind: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "header": self.header.to_json() if self.header else None,
            "n_params": self.n_params,
            "error": self.error,
            "error_kind": self.error_kind,
        }

    @classmethod
    def from_json(cls, data: Any) -> HeaderRecord:
        if not isinstance(data, dict):
            raise ValueError("not a cache record")
        header = data.get("header")
        n_params, error, kind = data.get("n_params"), data.get("error"), data.get("error_kind")
        if not (isinstance(n_params, int) and isinstance(error, str) and isinstance(kind, str)):
            raise ValueError("not a cache record")
        return cls(
            ModelHeader.from_json(header) if header is not None else None, n_params, error, kind
        )


class HeaderCache:
    """Header facts by (path, size, mtime): in memory, and in a JSON file when `path` is given.

    The file is only an accelerator: unreadable or stale, it is ignored and rebuilt. `reads`
    counts the headers actually parsed (a test checks that unchanged files are not re-read).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.reads = 0
        self._lock = threading.Lock()
        self._mem: dict[str, tuple[int, int, HeaderRecord]] = {}
        self._loaded = path is None
        self._dirty = False

    def lookup(self, path: Path, *, continuation: bool = False) -> HeaderRecord:
        """The record for `path` (a whole model, or a shard after the first), read if needed."""
        try:
            st = path.stat()
        except OSError as e:
            return HeaderRecord(None, 0, _unreadable(path, e), "model_file")
        key = f"{'c' if continuation else 'm'}:{path}"
        with self._lock:
            self._load()
            hit = self._mem.get(key)
        if hit is not None and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        record, cacheable = _read_record(path, continuation)
        with self._lock:
            self.reads += 1
            if cacheable:
                self._mem[key] = (st.st_size, st.st_mtime_ns, record)
                self._dirty = True
        return record

    def forget(self, paths: Sequence[Path]) -> None:
        with self._lock:
            for p in paths:
                for prefix in ("m", "c"):
                    if self._mem.pop(f"{prefix}:{p}", None) is not None:
                        self._dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache file if anything changed; entries for paths not in `keep` (the files
        of the last full listing) are dropped so the file does not grow forever."""
        if self.path is None:
            return
        with self._lock:
            if keep is not None:
                for key in [k for k in self._mem if k[2:] not in keep]:
                    del self._mem[key]
                    self._dirty = True
            if not self._dirty:
                return
            payload = {
                "version": CACHE_VERSION,
                "entries": {
                    k: {"size": size, "mtime_ns": mtime, "record": rec.to_json()}
                    for k, (size, mtime, rec) in self._mem.items()
                },
            }
            self._dirty = False
        try:
            write_atomic(self.path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        except OSError as e:  # a read-only cache folder costs speed, nothing else
            _log.warning("could not save the model header cache %s: %s", self.path, e)

    def _load(self) -> None:
        if self._loaded or self.path is None:
            return
        self._loaded = True
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                return
            entries = data.get("entries")
            if not isinstance(entries, dict):
                return
            for key, value in entries.items():
                try:
                    size, mtime = value["size"], value["mtime_ns"]
                    if isinstance(size, int) and isinstance(mtime, int):
                        self._mem[str(key)] = (size, mtime, HeaderRecord.from_json(value["record"]))
                except (KeyError, TypeError, ValueError):
                    continue
        except FileNotFoundError:
            return
        except (OSError, ValueError) as e:
            _log.info("model header cache %s ignored: %s", self.path, e)


def _read_record(path: Path, continuation: bool) -> tuple[HeaderRecord, bool]:
    """Parse one file; (record, whether the result may be cached)."""
    try:
        if continuation:
            facts = check_continuation_shard(path)
            return HeaderRecord(None, facts.n_params), True
        info = inspect_gguf(path)
        return HeaderRecord(ModelHeader.from_info(info), info.n_params), True
    except ModelFileError as e:
        # "cannot read" (permissions, I/O) can change without the file changing: not cached.
        return HeaderRecord(None, 0, e.message, e.kind), type(e) is not ModelFileError


def _unreadable(path: Path, e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return f"File not found: {path} (moved or deleted?)."
    return f"Cannot read {path}: {e.strerror or e}."
