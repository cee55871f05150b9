"""Model files on disk: copy into a folder in one step, check the free space, show in the file manager.

Why apart from the library: these are the operations that can lose a person's data or fill their
disk, so they are kept small and strict. A copy goes to a hidden temporary name in the target
folder and is moved into place with `os.replace` only when every byte (every shard) is there; a
cancel, a full disk or any error removes what was written. The errors are the library's own
(re-exported by core/models/library.py).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.errors import AppError, ModelNotFoundError
from desktop_app.core.models.shards import parse_shard_name, shard_file_names

__all__ = [
    "COPY_CHUNK",
    "DISK_MARGIN",
    "AmbiguousModelError",
    "CancelFn",
    "DiskFullError",
    "ImportCancelledError",
    "ImportRefusedError",
    "LibraryError",
    "ProgressFn",
    "copy_into",
    "format_size",
    "import_set",
    "is_within",
    "prune_empty_dirs",
    "real_path",
    "reveal_command",
    "reveal_in_file_manager",
    "same_file",
    "same_path",
]

ProgressFn = Callable[[int, int], None]  # (bytes done, bytes total)
CancelFn = Callable[[], bool]  # True: stop now (threading.Event.is_set fits)

COPY_CHUNK = 8 * 1024 * 1024
DISK_MARGIN = 64 * 1024 * 1024  # left free after an import, for the OS and the app's own files
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


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


def import_set(src: Path) -> list[Path]:
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


def copy_into(
    files: list[Path],
    dest: Path,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    chunk_size: int = COPY_CHUNK,
) -> list[Path]:
    """Copy `files` into `dest` under their own names, all of them or none; returns the targets.

    Refuses to overwrite (ImportRefusedError) and to start without room for every byte plus a
    margin (DiskFullError). `progress(done, total)` follows the bytes; `cancel()` returning True
    stops it (ImportCancelledError). Whatever the way out, no partial file stays in `dest`.
    """
    dest.mkdir(parents=True, exist_ok=True)
    targets = [dest / f.name for f in files]
    clash = [t for t in targets if os.path.lexists(t)]
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
            if os.path.lexists(t):
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
    return targets


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


def prune_empty_dirs(folder: Path, stop: Path) -> None:
    """Remove folders left empty under the models folder (owner/repo/ after the last file)."""
    with contextlib.suppress(OSError):
        while is_within(folder, stop) and not same_path(folder, stop):
            folder.rmdir()  # fails (and stops) when not empty
            folder = folder.parent


def real_path(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def same_path(a: Path, b: Path) -> bool:
    return real_path(a) == real_path(b)


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def is_within(path: Path, folder: Path) -> bool:
    try:
        Path(real_path(path)).relative_to(real_path(folder))
    except ValueError:
        return False
    return True


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
