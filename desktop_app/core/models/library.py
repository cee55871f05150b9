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
    lib.not_listed(path, listing)                # a model loaded by path that is not listed
    reveal_command(model.path)                   # the file manager command; reveal_in_file_manager runs it

Where models come from: every *.gguf under the models folder (subfolders too, a few levels deep),
under each folder in settings "models.extra_dirs", and the files imported "in place" (a small JSON
registry in the data folder, written atomically). A sharded set (name-00001-of-00003.gguf, ...) is
one model whose size is the total. A file whose header cannot be read is listed with its error,
never hidden and never allowed to break the listing.

Header facts are cached by (path, size, mtime) (core/models/header_cache.py), so listing a folder
of big models, or running `models list` again, reads only what changed. The scan is in
core/models/library_scan.py, the in-place registry in library_registry.py, the listed values
(LocalModel, Listing) in local_model.py. Copying and deleting model
files, the free-space check and the file-manager command are in core/models/model_files.py; their
errors and helpers are re-exported here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from desktop_app.core.errors import ModelNotFoundError
from desktop_app.core.gguf_reader import inspect_gguf
from desktop_app.core.models.header_cache import HeaderCache, ModelHeader
from desktop_app.core.models.library_registry import ImportRegistry
from desktop_app.core.models.library_scan import LibraryScanner
from desktop_app.core.models.local_model import ImportMode, Listing, LocalModel, Source
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
    prune_empty_dirs,
    real_path,
    reveal_command,
    reveal_in_file_manager,
    same_file,
    same_path,
)
from desktop_app.core.models.shards import (
    check_continuation_shard,
    parse_shard_name,
    shard_file_names,
)
from desktop_app.core.models.starter import STARTER_FILE, STARTER_NAME
from desktop_app.core.storage.paths import AppPaths, app_paths
from desktop_app.core.storage.settings import Settings

__all__ = [
    "AmbiguousModelError",
    "DiskFullError",
    "HeaderCache",
    "ImportCancelledError",
    "ImportMode",
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

MAX_DEPTH = 3  # subfolder levels scanned below each models folder (owner/repo/file.gguf fits)


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
        self._scanner = LibraryScanner(self.cache, max_depth)
        self._registry = ImportRegistry(self.registry_path)

    @property
    def max_depth(self) -> int:
        """Subfolder levels scanned below each folder."""
        return self._scanner.max_depth

    @max_depth.setter
    def max_depth(self, value: int) -> None:
        self._scanner.max_depth = value

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

        add(self._scanner.scan_folder(self.models_dir, "models", problems, must_exist=False))
        for folder in self.extra_dirs():
            add(self._scanner.scan_folder(folder, "extra", problems, must_exist=True))
        registered, registry_problem = self._registry.load()
        if registry_problem:
            problems.append(registry_problem)
        for path in registered:
            add([self._scanner.model_at(path, "imported", path.parent)])
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

    def not_listed(self, path: str | os.PathLike[str], listing: Listing) -> LocalModel | None:
        """The model at `path` (one loaded by path: `--model FILE`, File > Open) if `listing`
        lacks it, else None. A listed file with the same name and size is taken for a copy of
        it (an import by copy), so a file once imported is not offered for import again."""
        p = Path(path).expanduser().absolute()
        if not p.is_file():
            return None
        if any(same_path(f, p) for m in listing for f in m.files):
            return None
        model = self._scanner.model_at(p, "imported", p.parent)
        if any(m.name == model.name and m.size == model.size for m in listing):
            return None
        return model

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
            if self._scanner.scanned_under(
                first, root
            ):  # listed from there anyway: nothing to record
                return self._scanner.model_at(first, source, root)
        self._registry.add(first)
        return self._scanner.model_at(first, "imported", first.parent)

    def _import_copy(
        self,
        files: list[Path],
        progress: ProgressFn | None,
        cancel: CancelFn | None,
        chunk_size: int,
    ) -> LocalModel:
        dest = self.models_dir
        if self._scanner.scanned_under(files[0], dest):  # already in the models folder
            return self._scanner.model_at(files[0], "models", dest)
        targets = [dest / f.name for f in files]
        if all(same_file(f, t) for f, t in zip(files, targets, strict=True)):
            return self._scanner.model_at(targets[0], "models", dest)  # it is already there
        targets = copy_into(files, dest, progress=progress, cancel=cancel, chunk_size=chunk_size)
        return self._scanner.model_at(targets[0], "models", dest)

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
            self._registry.remove(model.path)
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
        self._registry.remove(model.path)
        if self.is_default(model):
            self.set_default(None)

    def _roots(self) -> list[tuple[Path, Source]]:
        return [(self.models_dir, "models"), *((d, "extra") for d in self.extra_dirs())]


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
