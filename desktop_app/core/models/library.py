"""The model library: the GGUF models on this computer, and what can be done with them.

The Models pane and `hearth models list | import | rm` are built on this module:

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

Header facts are cached by (path, size, mtime) (core/models/header_cache.py), so listing a folder
of big models, or running `models list` again, reads only what changed. Copying and deleting model
files, the free-space check and the file-manager command are in core/models/model_files.py; their
errors and helpers are re-exported here.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from desktop_app.core.errors import ModelNotFoundError
from desktop_app.core.models.gguf_info import inspect_gguf
from desktop_app.core.models.header_cache import HeaderCache, ModelHeader
from desktop_app.core.models.model_files import (
    COPY_CHUNK,
    AmbiguousModelError,
    CancelFn,
    DiskFullError,
    ImportCancelledError,
    ImportRefusedError,
    LibraryError,
    ProgressFn,
    copy_into,
    format_size,
    import_set,
    is_within,
    prune_empty_dirs,
    real_path,
    reveal_command,
    reveal_in_file_manager,
    same_file,
    same_path,
)
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

Source = Literal["models", "extra", "imported"]
ImportMode = Literal["copy", "in_place"]

MAX_DEPTH = 3  # subfolder levels scanned below each models folder (owner/repo/file.gguf fits)
REGISTRY_VERSION = 1


# --------------------------------------------------------------------------- values


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
        kept = [str(d) for d in self.extra_dirs() if not same_path(d, target)]
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
                real = real_path(m.path)
                if real in seen:
                    continue
                seen.update(real_path(f) for f in m.files)
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
            if any(same_path(f, as_path) for f in m.files):
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
            f"No installed model matches '{spec}'. `hearth models list` shows them."
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
        return any(same_path(f, Path(spec).expanduser()) for f in model.files)

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
        files = import_set(Path(src).expanduser().absolute())
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
            if not any(same_path(p, first) for p in registered):
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
        targets = [dest / f.name for f in files]
        if all(same_file(f, t) for f, t in zip(files, targets, strict=True)):
            return self._model_at(targets[0], "models", dest)  # it is already there
        targets = copy_into(files, dest, progress=progress, cancel=cancel, chunk_size=chunk_size)
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
            prune_empty_dirs(model.path.parent, self.models_dir)
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
        if not is_within(path, root):
            return False
        parts = Path(real_path(path)).relative_to(real_path(root)).parts
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
            kept = [p for p in registered if not same_path(p, path)]
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


def _size_mtime(path: Path) -> tuple[int, float]:
    try:
        st = path.stat()
    except OSError:
        return 0, 0.0
    return st.st_size, st.st_mtime


def _params_label(n: int) -> str:
    if n <= 0:
        return ""
    for scale, unit, digits in ((1e12, "T", 1), (1e9, "B", 1), (1e6, "M", 0), (1e3, "K", 0)):
        if n >= scale:
            return f"{n / scale:.{digits}f}".removesuffix(".0") + unit
    return str(n)
