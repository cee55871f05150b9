"""Sharded GGUF models: `name-00001-of-00003.gguf` ... read and listed as one model.

Why a module of its own: llama.cpp's `gguf-split` (and gguf-py's writer) put the metadata only in
the first shard; the others hold tensors and three `split.*` keys, no architecture. `inspect_gguf`
rightly calls such a file broken on its own, so the shards after the first are checked here: the
same bounded header walk (gguf_header's reader, reused rather than copied), the same truncation
check, and their parameters counted so a sharded model shows its full size.

Public helpers, for the library and for Hub listings:

- `parse_shard_name(name) -> ShardName | None`: "x-00002-of-00005.gguf" -> base "x", 2 of 5.
- `shard_file_names(base, count) -> list[str]`: every file name of a set.
- `check_continuation_shard(path) -> ShardFacts`: a shard after the first, checked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import gguf_header as gh
from desktop_app.core.errors import ModelFileError, ModelNotFoundError

__all__ = [
    "ShardFacts",
    "ShardName",
    "check_continuation_shard",
    "parse_shard_name",
    "shard_file_names",
]

_SHARD_RE = re.compile(r"^(?P<base>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


@dataclass(frozen=True)
class ShardName:
    """What a shard's file name says: the set's base name, this file's number (1-based), the count."""

    base: str
    index: int
    count: int


def parse_shard_name(name: str) -> ShardName | None:
    """`ShardName` for "base-0000I-of-0000N.gguf" (1 <= I <= N), else None."""
    m = _SHARD_RE.match(name)
    if not m:
        return None
    index, count = int(m["index"]), int(m["count"])
    if not 1 <= index <= count:
        return None
    return ShardName(m["base"], index, count)


def shard_file_names(base: str, count: int) -> list[str]:
    """All file names of a set, in order (llama.cpp's naming: 5 digits, 1-based)."""
    return [f"{base}-{i:05d}-of-{count:05d}.gguf" for i in range(1, count + 1)]


@dataclass(frozen=True)
class ShardFacts:
    """A continuation shard that passed the checks: its parameter count and tensor bytes."""

    path: Path
    file_size: int
    n_params: int
    tensor_bytes: int
    split_no: int | None  # the 0-based `split.no` the file declares, when it does


def check_continuation_shard(path: str | os.PathLike[str]) -> ShardFacts:
    """Check a shard after the first (no architecture of its own) the way `inspect_gguf` checks
    a whole model: bounded reads, sizes checked against the file, truncation caught.

    Raises the same ModelFileError subclasses as `inspect_gguf`.
    """
    p = Path(path)
    shown = p.name or str(p)
    if not p.is_file():
        raise ModelNotFoundError(f"Model file not found: {p}", details=str(p))
    try:
        with open(p, "rb") as f:
            file_size = os.fstat(f.fileno()).st_size
            head = f.read(512)
            gh.check_head(shown, head, file_size)
            return _walk(p, shown, gh.HeaderReader(f, head, file_size), file_size)
    except ModelFileError:
        raise
    except OSError as e:
        raise ModelFileError(
            f"Cannot read the model file {shown}: {e.strerror or e}.", details=f"{p}: {e!r}"
        ) from None
    except Exception as e:  # any parser failure means a damaged file
        raise gh.corrupt(
            shown, "its header could not be read", f"{type(e).__name__}: {e}"
        ) from None


def _walk(p: Path, shown: str, h: gh.HeaderReader, file_size: int) -> ShardFacts:
    h.off = 8  # magic and version were checked by check_head
    n_tensors = h.unpack(gh.U64)
    n_kv = h.unpack(gh.U64)
    meta: dict[str, gh.MetadataValue] = {}
    tensors: list[gh.TensorInfo] = []
    where = "metadata"
    try:
        for _ in range(n_kv):
            key = h.string("metadata key", gh.MAX_NAME_LEN)
            v = h.value(h.unpack(gh.U32))
            if key in meta:
                raise gh.BadHeader("a metadata key appears twice", f"duplicate key {key!r}")
            if v.value is not None:
                meta[key] = v.value
        alignment = gh.alignment_of(meta)
        where = "tensor list"
        for _ in range(n_tensors):
            tensors.append(gh.read_tensor_info(h))
    except gh.EndOfFile as e:
        raise gh.truncated(shown, file_size, e.needed, where) from None
    except gh.BadHeader as e:
        raise gh.corrupt(shown, e.reason, e.details, e.hint) from None
    data_start = gh.align(h.off, alignment)
    data_end = max((data_start + t.offset + t.n_bytes for t in tensors), default=data_start)
    if tensors and file_size < data_end:
        raise gh.truncated(shown, file_size, data_end)
    split_no = meta.get("split.no")
    return ShardFacts(
        path=p,
        file_size=file_size,
        n_params=sum(t.n_elements for t in tensors),
        tensor_bytes=sum(t.n_bytes for t in tensors),
        split_no=split_no if isinstance(split_no, int) and not isinstance(split_no, bool) else None,
    )
