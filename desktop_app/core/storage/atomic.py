"""Write a file so that readers (and a crash or a full disk) see the old file or the new one,
never half; and never replace a file its owner made read-only.

The one atomic writer of the app (settings, exports, the header cache, download jobs). The
rename replaces the directory entry, so by itself it would ignore the target's permissions: a
0444 file would silently become a new writable one. So a target without any write bit is
refused (as `cp` or an editor would refuse it), and a replaced file keeps its mode.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

READ_ONLY = "The file is read-only, so it was left as it is"


def write_atomic(path: Path, payload: bytes) -> None:
    """Temp file in the same folder, fsync, then `os.replace` onto the target.

    Raises PermissionError (errno EACCES, READ_ONLY) for an existing target with no write
    permission bit, before anything is written."""
    folder = path.parent if str(path.parent) else Path(".")
    mode = _existing_mode(path)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)


def _existing_mode(path: Path) -> int | None:
    """The target's permission bits, or None when there is no target yet."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "A folder has that name", str(path))
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise PermissionError(errno.EACCES, READ_ONLY, str(path))
    return stat.S_IMODE(st.st_mode)


def _replace(src: str, dst: Path) -> None:
    # On Windows a virus scanner or indexer briefly holding the target makes os.replace fail
    # with PermissionError; a few short retries get past it.
    attempts = 5 if sys.platform == "win32" else 1
    for attempt in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _fsync_dir(folder: Path) -> None:
    """Persist the rename itself (POSIX); best effort, the data is already safe in the file."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
