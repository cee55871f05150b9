"""Finding models on disk: the *.gguf files under a folder, grouped into models (a shard set is
one model), each with its header facts from the cache and its problem, if any, for a person.

A file whose header cannot be read is listed with its error, never hidden and never allowed to
break the listing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from desktop_app.core.models.header_cache import HeaderCache, ModelHeader
from desktop_app.core.models.local_model import LocalModel, Source
from desktop_app.core.models.model_files import is_within, real_path
from desktop_app.core.models.shards import ShardName, parse_shard_name, shard_file_names

__all__ = ["LibraryScanner", "gguf_files", "model_name", "size_mtime"]


class LibraryScanner:
    """Lists the models under a folder, `max_depth` levels down, reading headers via `cache`."""

    def __init__(self, cache: HeaderCache, max_depth: int) -> None:
        self.cache = cache
        self.max_depth = max_depth

    def scanned_under(self, path: Path, root: Path) -> bool:
        """Whether a scan of `root` lists `path` (inside it, not too deep, no hidden folder)."""
        if not is_within(path, root):
            return False
        parts = Path(real_path(path)).relative_to(real_path(root)).parts
        return len(parts) - 1 <= self.max_depth and not any(p.startswith(".") for p in parts)

    def scan_folder(
        self, root: Path, source: Source, problems: list[str], *, must_exist: bool
    ) -> list[LocalModel]:
        if not root.is_dir():
            if must_exist:
                problems.append(
                    f"Model folder not found: {root} (a removed or unplugged drive?). "
                    "Its models are not listed."
                )
            return []
        files = list(gguf_files(root, self.max_depth))
        singles: list[Path] = []
        sets: dict[tuple[Path, str, int], dict[int, Path]] = {}
        for f in files:
            shard = parse_shard_name(f.name)
            if shard is None or shard.count == 1:
                singles.append(f)
            else:
                sets.setdefault((f.parent, shard.base, shard.count), {})[shard.index] = f
        out = [self.single(f, source, root) for f in singles]
        for (folder, base, count), present in sets.items():
            out.append(self.sharded(folder, ShardName(base, 1, count), present, source, root))
        return out

    def model_at(self, path: Path, source: Source, root: Path) -> LocalModel:
        """The model whose (first) file is `path`, with its shards when it is a set."""
        shard = parse_shard_name(path.name)
        if shard is None or shard.count == 1:
            return self.single(path, source, root)
        present: dict[int, Path] = {}
        for i, name in enumerate(shard_file_names(shard.base, shard.count), start=1):
            candidate = path.parent / name
            if candidate.is_file():
                present[i] = candidate
        if not present:  # the named file itself is gone
            return self.single(path, source, root)
        return self.sharded(path.parent, shard, present, source, root)

    def single(self, path: Path, source: Source, root: Path) -> LocalModel:
        rec = self.cache.lookup(path)
        size, mtime = size_mtime(path)
        n_params = 0
        if rec.header is not None:
            n_params = rec.header.params_meta or rec.header.tensor_params
        return LocalModel(
            name=model_name(path.name),
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

    def sharded(
        self, folder: Path, shard: ShardName, present: dict[int, Path], source: Source, root: Path
    ) -> LocalModel:
        names = shard_file_names(shard.base, shard.count)
        files = tuple(present[i] for i in sorted(present))
        first = folder / names[0]
        size = sum(size_mtime(f)[0] for f in files)
        mtime = max((size_mtime(f)[1] for f in files), default=0.0)
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


def gguf_files(root: Path, max_depth: int) -> Iterator[Path]:
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


def model_name(file_name: str) -> str:
    """The name a file is listed under: without ".gguf", and without a shard suffix."""
    shard = parse_shard_name(file_name)
    if shard is not None:
        return shard.base
    return file_name[:-5] if file_name.lower().endswith(".gguf") else file_name


def size_mtime(path: Path) -> tuple[int, float]:
    """Size and mtime, or (0, 0.0) for a file that is gone or unreadable."""
    try:
        st = path.stat()
    except OSError:
        return 0, 0.0
    return st.st_size, st.st_mtime
