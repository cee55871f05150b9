"""The model library: the GGUF models on this computer, and what can be done with them.

The Models pane and `desktop-app models list | import | rm` are built on this module:

    lib = ModelLibrary(settings)                 # settings: the app's Settings (loaded if omitted)
    listing = lib.list_models()                  # Listing: .models (LocalModel, sorted), .problems
    for m in listing: m.name, m.display_name, m.architecture, m.n_params, m.quantization, m.size,
                      m.context_length, m.license, m.has_chat_template, m.languages, m.error
    model = lib.find("qwen2.5-7b")               # by path, name, file name or unique part of a name
    lib.import_file(path, mode="copy", progress=cb, cancel=event.is_set)   # or mode="in_place"
    lib.delete(model)                            # removes the file(s), every shard; the GUI confirms
    lib.forget(model)                            # an in-place import leaves the library, file kept
    lib.default_model() / lib.set_default(model) # settings "default_model"
    reveal_command(model.path)                   # the file manager command; reveal_in_file_manager runs it

Where models come from: every *.gguf under the models folder (subfolders too, a few levels deep),
under each folder in settings "models.extra_dirs", and the files imported "in place" (a small JSON
registry in the data folder, written atomically). A sharded set (name-00001-of-00003.gguf, ...) is
one model whose size is the total. A file whose header cannot be read is listed with its error,
never hidden and never allowed to break the listing.

Why a header cache: reading a GGUF header walks the vocabulary (tens of ms per model). The facts are
kept by (path, size, mtime) in memory and in the cache folder, so listing a folder of big models, or
running `models list` again, reads only what changed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal

from desktop_app.core.errors import AppError, ModelFileError, ModelNotFoundError
from desktop_app.core.models.gguf_info import GGUFInfo, inspect_gguf
from desktop_app.core.models.shards import (
    ShardName,
    check_continuation_shard,
    parse_shard_name,
    shard_file_names,
)
from desktop_app.core.models.starter import STARTER_FILE, STARTER_NAME
from desktop_app.core.storage.atomic import write_atomic
from desktop_app.core.storage.paths import AppPaths, app_paths
from desktop_app.core.storage.settings import Settings

__all__ = [
    "AmbiguousModelError",
    "DiskFullError",
    "HeaderCache",
    "ImportCancelledError",
    "ImportRefusedError",
    "LibraryError",
    "Listing",
    "LocalModel",
    "ModelHeader",
    "ModelLibrary",
    "format_size",
    "reveal_command",
    "reveal_in_file_manager",
]

_log = logging.getLogger(__name__)

Source = Literal["models", "extra", "imported"]
ImportMode = Literal["copy", "in_place"]
ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)
CancelFn = Callable[[], bool]  # True: stop now (threading.Event.is_set fits)

MAX_DEPTH = 3  # subfolder levels scanned below each models folder (owner/repo/file.gguf fits)
COPY_CHUNK = 8 * 1024 * 1024
DISK_MARGIN = 64 * 1024 * 1024  # left free after an import, for the OS and the app's own files
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
REGISTRY_VERSION = 1
CACHE_VERSION = 1


# --------------------------------------------------------------------------- errors


class LibraryError(AppError):
    """A library operation that could not be done; the message says why and what to do."""

    kind = "model_library"


class ImportRefusedError(LibraryError):
    kind = "import_refused"


class DiskFullError(LibraryError):
    kind = "disk_full"


class ImportCancelledError(LibraryError):
    kind = "cancelled"


class AmbiguousModelError(LibraryError):
    kind = "ambiguous_model"


# --------------------------------------------------------------------------- values


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
        """ "135M", "7.6B": from the parameter count (all shards), else the file's size label."""
        return _params_label(self.n_params) or (self.header.size_label if self.header else "")

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


# --------------------------------------------------------------------------- header cache


@dataclass(frozen=True)
class _Record:
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
    def from_json(cls, data: Any) -> _Record:
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
        self._mem: dict[str, tuple[int, int, _Record]] = {}
        self._loaded = path is None
        self._dirty = False

    def lookup(self, path: Path, *, continuation: bool = False) -> _Record:
        """The record for `path` (a whole model, or a shard after the first), read if needed."""
        try:
            st = path.stat()
        except OSError as e:
            return _Record(None, 0, _unreadable(path, e), "model_file")
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
                        self._mem[str(key)] = (size, mtime, _Record.from_json(value["record"]))
                except (KeyError, TypeError, ValueError):
                    continue
        except FileNotFoundError:
            return
        except (OSError, ValueError) as e:
            _log.info("model header cache %s ignored: %s", self.path, e)


def _read_record(path: Path, continuation: bool) -> tuple[_Record, bool]:
    """Parse one file; (record, whether the result may be cached)."""
    try:
        if continuation:
            facts = check_continuation_shard(path)
            return _Record(None, facts.n_params), True
        info = inspect_gguf(path)
        return _Record(ModelHeader.from_info(info), info.n_params), True
    except ModelFileError as e:
        # "cannot read" (permissions, I/O) can change without the file changing: not cached.
        return _Record(None, 0, e.message, e.kind), type(e) is not ModelFileError


def _unreadable(path: Path, e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return f"File not found: {path} (moved or deleted?)."
    return f"Cannot read {path}: {e.strerror or e}."


# --------------------------------------------------------------------------- the library


class ModelLibrary:
    """The installed models, and import / delete / default. Safe to use from a worker thread;
    one instance per app (it holds the header cache)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        paths: AppPaths | None = None,
        cache: HeaderCache | None = None,
        max_depth: int = MAX_DEPTH,
    ) -> None:
        self.paths = paths or app_paths()
        self.settings = settings or Settings.load(self.paths.settings_file, allow_newer=True)
        self.cache = cache or HeaderCache(self.paths.cache_dir / "gguf_headers.json")
        self.max_depth = max_depth
        self._registry_lock = threading.Lock()

    # ----------------------------------------------------------------- folders

    @property
    def models_dir(self) -> Path:
        return self.paths.models_dir

    @property
    def registry_path(self) -> Path:
        """The JSON list of files imported in place."""
        return self.paths.data_dir / "imported_models.json"

    def extra_dirs(self) -> list[Path]:
        raw = self.settings.get("models.extra_dirs", []) or []
        return [Path(str(d)).expanduser() for d in raw if isinstance(d, str) and d.strip()]

    def add_extra_dir(self, folder: str | os.PathLike[str], *, save: bool = True) -> None:
        """Scan `folder` too (settings "models.extra_dirs"); it must exist now."""
        path = Path(folder).expanduser().absolute()
        if not path.is_dir():
            raise LibraryError(f"Not a folder: {path}")
        current = [str(d) for d in self.extra_dirs()]
        if str(path) not in current:
            self.settings.set("models.extra_dirs", [*current, str(path)])
            if save:
                self.settings.save()

    def remove_extra_dir(self, folder: str | os.PathLike[str], *, save: bool = True) -> None:
        """Stop scanning `folder`; its files stay where they are."""
        target = Path(folder).expanduser()
        kept = [str(d) for d in self.extra_dirs() if not _same_path(d, target)]
        self.settings.set("models.extra_dirs", kept)
        if save:
            self.settings.save()

    # ----------------------------------------------------------------- listing

    def list_models(self) -> Listing:
        """Every installed model, sorted by name; never raises for a bad file or folder."""
        problems: list[str] = []
        seen: set[str] = set()  # real paths of files already listed
        models: list[LocalModel] = []

        def add(found: Sequence[LocalModel]) -> None:
            for m in found:
                real = _real(m.path)
                if real in seen:
                    continue
                seen.update(_real(f) for f in m.files)
                seen.add(real)
                models.append(m)

        add(self._scan_folder(self.models_dir, "models", problems, must_exist=False))
        for folder in self.extra_dirs():
            add(self._scan_folder(folder, "extra", problems, must_exist=True))
        registered, registry_problem = self._registry_load()
        if registry_problem:
            problems.append(registry_problem)
        for path in registered:
            add([self._model_at(path, "imported", path.parent)])
        models.sort(key=lambda m: (m.name.casefold(), str(m.path)))
        keep = {str(f) for m in models for f in m.files}
        self.cache.save(keep)
        return Listing(tuple(models), tuple(problems))

    def find(self, spec: str, listing: Listing | None = None) -> LocalModel:
        """The model `spec` names: a path, "starter", a name or file name (any case), or a part
        of one name. Raises ModelNotFoundError, or AmbiguousModelError listing the candidates."""
        listing = listing or self.list_models()
        spec = spec.strip()
        if not spec:
            raise ModelNotFoundError("No model name given.")
        if spec == STARTER_NAME:
            spec = STARTER_FILE
        as_path = Path(spec).expanduser()
        for m in listing:
            if any(_same_path(f, as_path) for f in m.files):
                return m
        low = spec.casefold()
        for test in (
            lambda m: m.name.casefold() == low or m.file_name.casefold() == low,
            lambda m: m.display_name.casefold() == low,
            lambda m: low in m.name.casefold(),
        ):
            hits = [m for m in listing if test(m)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                shown = "\n".join(f"  {m.name}  ({m.path})" for m in hits[:10])
                raise AmbiguousModelError(
                    f"'{spec}' matches {len(hits)} models; give the full name or path:\n{shown}"
                )
        raise ModelNotFoundError(
            f"No installed model matches '{spec}'. `desktop-app models list` shows them."
        )

    # ----------------------------------------------------------------- default model

    def default_model(self, listing: Listing | None = None) -> LocalModel | None:
        """The model settings "default_model" names, if it is installed."""
        spec = self.settings.get("default_model")
        if not isinstance(spec, str) or not spec:
            return None
        try:
            return self.find(spec, listing)
        except (LibraryError, ModelNotFoundError):
            return None

    def set_default(self, model: LocalModel | None, *, save: bool = True) -> None:
        """Make `model` the default (stored as its path), or clear the default with None."""
        self.settings.set("default_model", str(model.path) if model is not None else None)
        if save:
            self.settings.save()

    def is_default(self, model: LocalModel) -> bool:
        spec = self.settings.get("default_model")
        if not isinstance(spec, str) or not spec:
            return False
        if spec == STARTER_NAME:
            return model.is_starter
        if spec.casefold() in (model.name.casefold(), model.file_name.casefold()):
            return True  # a name, as resolve_model accepts it
        return any(_same_path(f, Path(spec).expanduser()) for f in model.files)

    # ----------------------------------------------------------------- import

    def import_file(
        self,
        src: str | os.PathLike[str],
        *,
        mode: ImportMode = "copy",
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
        chunk_size: int = COPY_CHUNK,
    ) -> LocalModel:
        """Add a .gguf file (every shard, given any one) to the library.

        The header is checked first: a file that is not GGUF, truncated or damaged is refused
        with `inspect_gguf`'s message (a ModelFileError). "copy" writes into the models folder
        under a hidden temporary name and moves it into place in one step, after checking the
        free disk space; `progress(done, total)` follows the bytes and `cancel()` returning True
        stops it (ImportCancelledError) with nothing left behind. "in_place" records the file's
        path so it is listed where it is.
        """
        if mode not in ("copy", "in_place"):
            raise ValueError(f"mode must be 'copy' or 'in_place', not {mode!r}")
        files = _import_set(Path(src).expanduser().absolute())
        inspect_gguf(files[0])
        for shard in files[1:]:
            check_continuation_shard(shard)
        if mode == "in_place":
            return self._import_in_place(files[0])
        return self._import_copy(files, progress, cancel, chunk_size)

    def _import_in_place(self, first: Path) -> LocalModel:
        for root, source in self._roots():
            if self._scanned_under(first, root):  # listed from there anyway: nothing to record
                return self._model_at(first, source, root)
        with self._registry_lock:
            registered, _problem = self._registry_load()
            if not any(_same_path(p, first) for p in registered):
                self._registry_save([*registered, first])
        return self._model_at(first, "imported", first.parent)

    def _import_copy(
        self,
        files: list[Path],
        progress: ProgressFn | None,
        cancel: CancelFn | None,
        chunk_size: int,
    ) -> LocalModel:
        dest = self.models_dir
        if self._scanned_under(files[0], dest):  # already in the models folder
            return self._model_at(files[0], "models", dest)
        dest.mkdir(parents=True, exist_ok=True)
        targets = [dest / f.name for f in files]
        if all(t.exists() and _same_file(f, t) for f, t in zip(files, targets, strict=True)):
            return self._model_at(targets[0], "models", dest)  # it is already there
        clash = [t for t in targets if t.exists()]
        if clash:
            raise ImportRefusedError(
                f"A model file named {clash[0].name} is already in the models folder ({dest}). "
                "Delete or rename that one first; nothing was changed."
            )
        total = sum(f.stat().st_size for f in files)
        _check_free_space(dest, total, f"import {files[0].name}")
        temps: list[Path] = []
        placed: list[Path] = []
        try:
            done = 0
            if progress:
                progress(0, total)
            for f, t in zip(files, targets, strict=True):
                fd, name = tempfile.mkstemp(prefix=f".{t.name}.", suffix=".importing", dir=dest)
                os.close(fd)
                tmp = Path(name)
                temps.append(tmp)
                done = _copy(f, tmp, done, total, progress, cancel, chunk_size)
            for tmp, t in zip(temps, targets, strict=True):
                if t.exists():
                    raise ImportRefusedError(
                        f"A model file named {t.name} appeared in the models folder during the "
                        "import; nothing was changed."
                    )
                os.replace(tmp, t)
                placed.append(t)
        except BaseException as e:
            for p in (*temps, *placed):
                with contextlib.suppress(OSError):
                    p.unlink()
            if isinstance(e, OSError) and e.errno == errno.EFBIG:
                raise DiskFullError(
                    f"{files[0].name} is too large for the file system of {dest} (FAT32 holds "
                    "at most 4 GB per file); the partial copy was removed. Use the file in "
                    "place, or move the models folder to an NTFS, exFAT, APFS or ext4 disk.",
                    details=repr(e),
                ) from None
            if isinstance(e, OSError) and e.errno in _DISK_FULL:
                raise DiskFullError(
                    f"The disk filled up while importing {files[0].name}; the partial copy was "
                    f"removed. Free some space in {dest} and try again.",
                    details=repr(e),
                ) from None
            raise
        return self._model_at(targets[0], "models", dest)

    # ----------------------------------------------------------------- delete / forget

    def delete(self, model: LocalModel) -> list[Path]:
        """Remove the model's file(s) from disk, every shard, and any registry entry; clears the
        default if it was this model. Returns the files removed. (Confirmation is the caller's.)"""
        was_default = self.is_default(model)
        removed: list[Path] = []
        failed: list[str] = []
        for f in _all_shards(model):
            try:
                f.unlink()
                removed.append(f)
            except FileNotFoundError:
                continue
            except OSError as e:
                failed.append(f"{f}: {e.strerror or e}")
        self.cache.forget(list(model.files))
        if model.source == "imported" and not failed:
            self._unregister(model.path)
        if model.source == "models" and removed:
            _prune_empty_dirs(model.path.parent, self.models_dir)
        if was_default and not failed:
            self.set_default(None)
        if failed:
            raise LibraryError(
                f"Could not delete {len(failed)} file(s) of {model.name}:\n" + "\n".join(failed),
                details="; ".join(failed),
            )
        return removed

    def forget(self, model: LocalModel) -> None:
        """Take an in-place import out of the library; its file stays where it is."""
        if model.source != "imported":
            raise LibraryError(
                f"{model.name} is in a models folder ({model.root}), not imported in place; "
                "delete it, or remove its folder from the extra folders."
            )
        self._unregister(model.path)
        if self.is_default(model):
            self.set_default(None)

    # ----------------------------------------------------------------- internals

    def _scanned_under(self, path: Path, root: Path) -> bool:
        """Whether a scan of `root` lists `path` (inside it, not too deep, no hidden folder)."""
        if not _is_within(path, root):
            return False
        parts = Path(_real(path)).relative_to(_real(root)).parts
        return len(parts) - 1 <= self.max_depth and not any(p.startswith(".") for p in parts)

    def _roots(self) -> list[tuple[Path, Source]]:
        return [(self.models_dir, "models"), *((d, "extra") for d in self.extra_dirs())]

    def _scan_folder(
        self, root: Path, source: Source, problems: list[str], *, must_exist: bool
    ) -> list[LocalModel]:
        if not root.is_dir():
            if must_exist:
                problems.append(
                    f"Model folder not found: {root} (a removed or unplugged drive?). "
                    "Its models are not listed."
                )
            return []
        files = list(_gguf_files(root, self.max_depth))
        singles: list[Path] = []
        sets: dict[tuple[Path, str, int], dict[int, Path]] = {}
        for f in files:
            shard = parse_shard_name(f.name)
            if shard is None or shard.count == 1:
                singles.append(f)
            else:
                sets.setdefault((f.parent, shard.base, shard.count), {})[shard.index] = f
        out = [self._single(f, source, root) for f in singles]
        for (folder, base, count), present in sets.items():
            out.append(self._sharded(folder, ShardName(base, 1, count), present, source, root))
        return out

    def _model_at(self, path: Path, source: Source, root: Path) -> LocalModel:
        """The model whose (first) file is `path`, with its shards when it is a set."""
        shard = parse_shard_name(path.name)
        if shard is None or shard.count == 1:
            return self._single(path, source, root)
        present: dict[int, Path] = {}
        for i, name in enumerate(shard_file_names(shard.base, shard.count), start=1):
            candidate = path.parent / name
            if candidate.is_file():
                present[i] = candidate
        if not present:  # the named file itself is gone
            return self._single(path, source, root)
        return self._sharded(path.parent, shard, present, source, root)

    def _single(self, path: Path, source: Source, root: Path) -> LocalModel:
        rec = self.cache.lookup(path)
        size, mtime = _size_mtime(path)
        n_params = 0
        if rec.header is not None:
            n_params = rec.header.params_meta or rec.header.tensor_params
        return LocalModel(
            name=_model_name(path.name),
            path=path,
            files=(path,) if os.path.lexists(path) else (),  # a dangling link can be deleted
            size=size,
            source=source,
            root=root,
            header=rec.header,
            n_params=n_params,
            error=rec.error,
            error_kind=rec.error_kind,
            modified=mtime,
        )

    def _sharded(
        self, folder: Path, shard: ShardName, present: dict[int, Path], source: Source, root: Path
    ) -> LocalModel:
        names = shard_file_names(shard.base, shard.count)
        files = tuple(present[i] for i in sorted(present))
        first = folder / names[0]
        size = sum(_size_mtime(f)[0] for f in files)
        mtime = max((_size_mtime(f)[1] for f in files), default=0.0)
        missing = [names[i - 1] for i in range(1, shard.count + 1) if i not in present]
        header: ModelHeader | None = None
        error, kind = "", ""
        params = 0
        if 1 in present:
            rec = self.cache.lookup(first)
            header, error, kind, params = rec.header, rec.error, rec.error_kind, rec.n_params
        for i in sorted(present):
            if i == 1 or error:
                continue
            rec = self.cache.lookup(present[i], continuation=True)
            if rec.error:
                error, kind = f"Shard {i} of {shard.count}: {rec.error}", rec.error_kind
            params += rec.n_params
        if missing and not error:
            shown = ", ".join(missing[:3]) + (
                f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            )
            error = (
                f"{len(missing)} of the {shard.count} files of this model are missing: {shown}. "
                "Download the missing parts, or delete the rest."
            )
            kind = "missing_shards"
        if header is not None and header.split_count not in (1, shard.count) and not error:
            error = (
                f"The file names say {shard.count} parts but the first part says "
                f"{header.split_count}; the set is mixed up. Download it again."
            )
            kind = "corrupt_model"
        n_params = (header.params_meta or params) if header is not None else 0
        return LocalModel(
            name=shard.base,
            path=first if 1 in present else files[0],
            files=files,
            size=size,
            source=source,
            root=root,
            header=header,
            n_params=n_params,
            error=error,
            error_kind=kind,
            modified=mtime,
        )

    # ----------------------------------------------------------------- registry

    def _registry_load(self) -> tuple[list[Path], str]:
        """(registered paths, "" or a problem to show). An unreadable file is left untouched."""
        try:
            data = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return [], ""
        except (OSError, ValueError) as e:
            return [], (
                f"The list of models used in place ({self.registry_path}) could not be read "
                f"({e}); those models are not listed. Importing one again starts a new list "
                "(the old file is kept beside it)."
            )
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, list):
            return [], f"The list of models used in place ({self.registry_path}) is not valid."
        out: list[Path] = []
        for item in files:
            path = item.get("path") if isinstance(item, dict) else None
            if isinstance(path, str) and path:
                out.append(Path(path))
        return out, ""

    def _registry_save(self, paths: Sequence[Path]) -> None:
        target = self.registry_path
        _, problem = self._registry_load()
        if problem and target.exists():  # keep the unreadable file, never overwrite it
            aside = target.with_name(f"{target.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(target, aside)
        payload = {
            "version": REGISTRY_VERSION,
            "files": [{"path": str(p)} for p in paths],
        }
        write_atomic(target, (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode())

    def _unregister(self, path: Path) -> None:
        with self._registry_lock:
            registered, problem = self._registry_load()
            if problem:
                return
            kept = [p for p in registered if not _same_path(p, path)]
            if len(kept) != len(registered):
                self._registry_save(kept)


# --------------------------------------------------------------------------- helpers


def _gguf_files(root: Path, max_depth: int) -> Iterator[Path]:
    """*.gguf files under `root`, `max_depth` folder levels down; hidden names (temporary files,
    partial downloads) are skipped. Links are followed (a link to a folder up to max_depth)."""
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_dir():
                    if depth < max_depth:
                        stack.append((Path(e.path), depth + 1))
                elif e.name.lower().endswith(".gguf") and (e.is_file() or e.is_symlink()):
                    yield Path(e.path)  # a dangling link is listed too, as broken
            except OSError:
                continue


def _model_name(file_name: str) -> str:
    shard = parse_shard_name(file_name)
    if shard is not None:
        return shard.base
    return file_name[:-5] if file_name.lower().endswith(".gguf") else file_name


def _import_set(src: Path) -> list[Path]:
    """The files to import for `src`: itself, or every shard of its set (all must be there)."""
    if not src.exists():
        raise ModelNotFoundError(f"Model file not found: {src}", details=str(src))
    shard = parse_shard_name(src.name)
    if shard is None or shard.count == 1:
        return [src]
    files = [src.parent / n for n in shard_file_names(shard.base, shard.count)]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise ImportRefusedError(
            f"{src.name} is part {shard.index} of a model split into {shard.count} files, and "
            f"{len(missing)} of them are not next to it ({', '.join(missing[:3])}). "
            "Put all the parts in one folder and import again."
        )
    return files


def _copy(
    src: Path,
    dst: Path,
    done: int,
    total: int,
    progress: ProgressFn | None,
    cancel: CancelFn | None,
    chunk_size: int,
) -> int:
    buf = bytearray(max(64 * 1024, chunk_size))
    view = memoryview(buf)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while True:
            if cancel is not None and cancel():
                raise ImportCancelledError(f"Import of {src.name} cancelled; nothing was added.")
            n = fin.readinto(buf)
            if not n:
                break
            fout.write(view[:n])
            done += n
            if progress is not None:
                progress(done, total)
        fout.flush()
        os.fsync(fout.fileno())
    return done


def _check_free_space(folder: Path, needed: int, what: str) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # unknown: the copy itself will report a full disk
    if needed + DISK_MARGIN > free:
        raise DiskFullError(
            f"Not enough free disk space to {what}: it needs {format_size(needed)} and "
            f"{format_size(free)} is free in {folder}. Free some space, or use the file in place."
        )


def _all_shards(model: LocalModel) -> list[Path]:
    """The model's files, plus any part of its set that appeared since it was listed."""
    out = list(model.files)
    shard = parse_shard_name(model.path.name)
    if shard is not None and shard.count > 1:
        for name in shard_file_names(shard.base, shard.count):
            p = model.path.parent / name
            if p not in out and p.is_file():
                out.append(p)
    return out


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    """Remove folders left empty under the models folder (owner/repo/ after the last file)."""
    with contextlib.suppress(OSError):
        while _is_within(folder, stop) and not _same_path(folder, stop):
            folder.rmdir()  # fails (and stops) when not empty
            folder = folder.parent


def _size_mtime(path: Path) -> tuple[int, float]:
    try:
        st = path.stat()
    except OSError:
        return 0, 0.0
    return st.st_size, st.st_mtime


def _real(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def _same_path(a: Path, b: Path) -> bool:
    return _real(a) == _real(b)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _is_within(path: Path, folder: Path) -> bool:
    try:
        Path(_real(path)).relative_to(_real(folder))
    except ValueError:
        return False
    return True


def _params_label(n: int) -> str:
    if n <= 0:
        return ""
    for scale, unit, digits in ((1e12, "T", 1), (1e9, "B", 1), (1e6, "M", 0), (1e3, "K", 0)):
        if n >= scale:
            return f"{n / scale:.{digits}f}".removesuffix(".0") + unit
    return str(n)


def format_size(n: int) -> str:
    """Bytes as people read file sizes (decimal, like the Hub and file managers): "98.4 MB"."""
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if abs(value) < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


# --------------------------------------------------------------------------- file manager


def reveal_command(path: str | os.PathLike[str], platform: str = sys.platform) -> list[str]:
    """The command that shows `path` in the system's file manager (selected where the platform
    can: Finder and Explorer; on Linux the folder opens). Not run here: see reveal_in_file_manager."""
    p = Path(path)
    if platform == "darwin":
        return ["open", "-R", str(p)]
    if platform.startswith(("win", "cygwin")):
        return ["explorer", f"/select,{p}"]
    folder = p if p.is_dir() else p.parent
    return ["xdg-open", str(folder)]


def reveal_in_file_manager(path: str | os.PathLike[str]) -> None:
    """Run `reveal_command` detached; the file manager's own errors are its to show."""
    try:
        subprocess.Popen(
            reveal_command(path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=sys.platform != "win32",
        )
    except OSError as e:
        raise LibraryError(f"Could not open the file manager: {e.strerror or e}.") from None
