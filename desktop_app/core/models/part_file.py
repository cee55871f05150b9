"""A download's `.part` file: what is appended to it is hashed (sha256) on a helper thread.

Why a thread: sha256 costs about as much CPU as receiving the bytes does, and hashlib releases
the GIL for large updates, so hashing overlaps the next network read instead of following it:
a fast download is not slowed down by its own verification. The same thread pushes finished
data to the disk now and then (`flush_every`), so the final fsync has little left to do.

    with PartFile(path) as part:      # opens for appending; part.size() is what earlier runs left
        part.rehash(abort.check)      # hash what is already there (a resume)
        buf = part.buffer()           # one of a few reusable buffers
        n = sock_read_into(buf)
        part.append(buf, n)           # written now (OSError on a full disk), hashed soon
        part.sync(); part.hexdigest()
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import queue
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from desktop_app.core import jobs

__all__ = ["PartFile"]

_DATASYNC = getattr(os, "fdatasync", os.fsync)
_log = logging.getLogger(__name__)


def _report_crash(job: jobs.Job[None]) -> None:
    """The hashing loop raised (a bug): log it, as an uncaught exception in a thread would be."""
    if isinstance(job.error, Exception):
        _log.error("%s failed", job.name, exc_info=job.error)


class PartFile:
    def __init__(
        self,
        path: Path,
        *,
        buffers: int = 8,
        buffer_size: int = 1 << 20,
        flush_every: int = 64 << 20,
    ) -> None:
        self.path = path
        self._out = open(path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        self._fd = self._out.fileno()
        self._hasher = hashlib.sha256()
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        for _ in range(buffers):
            self._free.put(bytearray(buffer_size))
        self._todo: queue.Queue[tuple[bytearray, int] | None] = queue.Queue()
        self._flush_every = flush_every
        self._unflushed = 0
        self._hashing = jobs.start(self._hash_loop, name="part-hash", on_done=_report_crash)

    def size(self) -> int:
        return os.fstat(self._fd).st_size

    def rehash(self, check: Callable[[], None] = lambda: None) -> int:
        """Hash the bytes already in the file (call before appending); returns their count.

        `check` runs between blocks, so an abort can stop a long re-read.
        """
        self._todo.join()
        with open(self.path, "rb") as src:
            while block := src.read(4 << 20):
                check()
                self._hasher.update(block)
        return self.size()

    def reset(self) -> None:
        """Start over: empty file, fresh hash."""
        self._todo.join()
        os.ftruncate(self._fd, 0)
        self._hasher = hashlib.sha256()

    def buffer(self) -> bytearray:
        """A free buffer to read into (waits while every buffer is still being hashed)."""
        return self._free.get()

    def release(self, buf: bytearray) -> None:
        """Give back a buffer that was not appended."""
        self._free.put(buf)

    def append(self, buf: bytearray, n: int) -> None:
        """Write `buf[:n]` at the end; what reached the file is hashed even when a write fails."""
        view = memoryview(buf)[:n]
        done = 0
        try:
            while done < n:
                done += self._out.write(view[done:])
        finally:
            view.release()
            self._todo.put((buf, done))

    def hexdigest(self) -> str:
        self._todo.join()
        return self._hasher.hexdigest()

    def sync(self) -> None:
        """Everything written is hashed and on the disk."""
        self._todo.join()
        os.fsync(self._fd)

    def close(self) -> None:
        if not self._hashing.done:
            self._todo.put(None)
            self._hashing.wait()
        self._out.close()

    def _hash_loop(self, _job: jobs.Job[None]) -> None:
        while (item := self._todo.get()) is not None:
            buf, n = item
            try:
                with memoryview(buf) as view:
                    self._hasher.update(view[:n])
                self._unflushed += n
                if self._unflushed >= self._flush_every:
                    self._unflushed = 0
                    with contextlib.suppress(OSError):  # the final sync reports it
                        _DATASYNC(self._fd)
            finally:
                self._free.put(buf)
                self._todo.task_done()
        self._todo.task_done()

    def __enter__(self) -> PartFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
