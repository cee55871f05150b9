"""Reading a GGUF header: bounded, sequential, checked against the file size.

Why not `gguf.GGUFReader`: it builds a numpy view for every token string (about 2 s on a
100 MB model) and trusts array lengths read from the file, so a corrupt length can make it
loop for hours. This reader walks only the header, with `struct`, checking every count and
length against the file size; it reads the header bytes into memory on demand. Shared by the
model check (`gguf_info`) and the shard-set check (`shards`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, BinaryIO, NamedTuple, TypeAlias

from desktop_app.core.errors import CorruptModelError, NotGGUFError, TruncatedModelError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP

__all__ = [
    "BadHeader",
    "EndOfFile",
    "HeaderReader",
    "MetadataValue",
    "TensorInfo",
    "Value",
    "align",
    "alignment_of",
    "check_head",
    "corrupt",
    "describe_non_gguf",
    "gguf_module",
    "read_tensor_info",
    "truncated",
]

MetadataValue: TypeAlias = str | int | float | bool | list["MetadataValue"]

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
HEADER_SIZE = 24  # magic(4) version(u32) n_tensors(u64) n_kv(u64)

# Limits far above any real model, far below what would exhaust memory or time.
MAX_COUNT = 10_000_000  # tensors, metadata entries
MAX_ARRAY_LEN = 100_000_000  # elements of one metadata array
MAX_STRING_LEN = 16 * 1024 * 1024  # one metadata string value (chat templates are ~10 KB)
MAX_ITEM_LEN = 1024 * 1024  # one string in an array (a token, a merge)
MAX_NAME_LEN = 4096  # a metadata key or tensor name (real ones are < 100)
MAX_DATA_BYTES = 1 << 50  # 1 PiB of tensor data: beyond this a size is garbage, not a cut
MAX_HEADER_BYTES = 256 * 1024 * 1024  # metadata + tensor descriptions
MAX_DIMS = 4  # GGML_MAX_DIMS
SHORT_ARRAY_LEN = 256  # arrays up to this length are kept in `metadata`
DEFAULT_ALIGNMENT = 32

# GGUF value types: id -> struct format of one scalar (STRING=8 and ARRAY=9 are handled apart).
SCALAR_FORMATS: dict[int, str] = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
I32, F32, STRING, ARRAY = 5, 6, 8, 9

TOKENS_KEY = "tokenizer.ggml.tokens"
RETRY = QT_TRANSLATE_NOOP("Model file", "Try downloading it again.")
BROKEN = QT_TRANSLATE_NOOP(
    "Model file", "This conversion of the model is broken; look for another GGUF file of it."
)

U32 = struct.Struct("<I")
U64 = struct.Struct("<Q")


def check_head(shown: str, head: bytes, file_size: int) -> None:
    """The cheap checks on the first bytes: empty, not GGUF, too short, wrong version."""
    if file_size == 0:
        raise TruncatedModelError(
            QT_TRANSLATE_NOOP(
                "Model file", "{name} is empty (0 bytes); the download probably failed."
            ).format(name=shown),
            details="size 0",
        )
    if head[:4] != GGUF_MAGIC[: len(head)]:  # a shorter prefix of b"GGUF" is a cut-off GGUF
        what = describe_non_gguf(head)
        raise NotGGUFError(
            (
                QT_TRANSLATE_NOOP("Model file", "{name} is not a GGUF model file: {what}.")
                if what
                else QT_TRANSLATE_NOOP("Model file", "{name} is not a GGUF model file.")
            ).format(name=shown, what=what),
            details=f"first bytes: {head[:16]!r}",
        )
    if file_size < HEADER_SIZE:
        raise TruncatedModelError(
            QT_TRANSLATE_NOOP(
                "Model file",
                "{name} is truncated: {size} bytes, too short even for a GGUF header; "
                "the download is probably incomplete.",
            ).format(name=shown, size=file_size),
            details=f"size {file_size} < {HEADER_SIZE}",
        )
    (version,) = U32.unpack_from(head, 4)
    if version not in SUPPORTED_VERSIONS:
        if version & 0xFFFF == 0 and (version >> 24) in SUPPORTED_VERSIONS:
            reason = QT_TRANSLATE_NOOP(
                "Model file", "it is a big-endian GGUF file, which this computer cannot use"
            )
        elif version == 1:
            reason = QT_TRANSLATE_NOOP(
                "Model file", "it uses GGUF version 1, an early format llama.cpp no longer reads"
            )
        else:
            reason = QT_TRANSLATE_NOOP(
                "Model file", "it declares GGUF version {version}, which is not supported"
            ).format(version=version)
        hint = QT_TRANSLATE_NOOP("Model file", "Look for a current GGUF version of this model.")
        raise corrupt(shown, reason, f"version {version}", hint)
    n_tensors, n_kv = struct.unpack_from("<QQ", head, 8)
    if n_tensors > MAX_COUNT or n_kv > MAX_COUNT:
        raise corrupt(
            shown,
            QT_TRANSLATE_NOOP("Model file", "its header declares an impossible number of entries"),
            f"n_tensors={n_tensors} n_kv={n_kv}",
        )


def describe_non_gguf(head: bytes) -> str:
    """Name what a non-GGUF file looks like, so the person knows what went wrong."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        stripped.startswith(b"<") and b"<html" in stripped
    ):
        return QT_TRANSLATE_NOOP(
            "Model file",
            "it is a web page (HTML), probably an error page saved by a failed download",
        )
    if stripped.startswith(b"version https://git-lfs"):
        return QT_TRANSLATE_NOOP(
            "Model file", "it is a Git LFS pointer, not the model data; download the actual file"
        )
    if head.startswith(b"PK\x03\x04"):
        return QT_TRANSLATE_NOOP(
            "Model file",
            "it is a ZIP archive (possibly a PyTorch checkpoint); llama.cpp needs a GGUF file",
        )
    if head.startswith((b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")):
        return QT_TRANSLATE_NOOP(
            "Model file", "it is a PyTorch/pickle checkpoint; llama.cpp needs a GGUF file"
        )
    if len(head) >= 9 and head[8:9] == b"{" and U64.unpack_from(head, 0)[0] < 100_000_000:
        return QT_TRANSLATE_NOOP(
            "Model file", "it is a safetensors file; it must be converted to GGUF first"
        )
    if head[:4] in (b"lmgg", b"fmgg", b"tjgg", b"ggml", b"ggmf", b"ggjt"):
        return QT_TRANSLATE_NOOP(
            "Model file", "it is an old GGML-format model, which llama.cpp no longer reads"
        )
    if stripped.startswith((b"{", b"[")):
        return QT_TRANSLATE_NOOP("Model file", "it is a JSON text file")
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as e:
            if e.start < len(head) - 4:  # not just a character cut at the end of the sample
                return ""
        return QT_TRANSLATE_NOOP("Model file", "it is a text file")
    return ""


def corrupt(shown: str, reason: str, details: str = "", hint: str = RETRY) -> CorruptModelError:
    return CorruptModelError(
        QT_TRANSLATE_NOOP(
            "Model file", "{name} is damaged or is not a valid model: {reason}. {hint}"
        ).format(name=shown, reason=reason, hint=hint),
        details=details,
    )


def truncated(shown: str, size: int, needed: int, where: str = "") -> TruncatedModelError:
    if where:  # the total size is unknown when the header itself is cut off
        what = QT_TRANSLATE_NOOP(
            "Model file", "the file ends inside its {where}, after {size} bytes"
        ).format(where=where, size=size)
    else:
        what = QT_TRANSLATE_NOOP("Model file", "{size} bytes of {needed}").format(
            size=size, needed=needed
        )
    return TruncatedModelError(
        QT_TRANSLATE_NOOP(
            "Model file", "{name} is truncated: {what}; the download is probably incomplete."
        ).format(name=shown, what=what),
        details=f"file size {size}, needs at least {needed}",
    )


# --------------------------------------------------------------------------- parsing


class EndOfFile(Exception):
    def __init__(self, needed: int) -> None:
        super().__init__(needed)
        self.needed = needed


class BadHeader(Exception):
    """A header value that cannot be right (reason for a person, details for a log)."""

    def __init__(self, reason: str, details: str = "", hint: str = RETRY) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details
        self.hint = hint


class HeaderReader:
    """Sequential reader over the file's header bytes, read from disk on demand."""

    def __init__(self, f: BinaryIO, head: bytes, file_size: int) -> None:
        self.f = f
        self.file_size = file_size
        self.buf = bytes(head)
        self.off = 0

    def ensure(self, end: int) -> None:
        if end <= len(self.buf):
            return
        if end > self.file_size:
            raise EndOfFile(end)
        if end > MAX_HEADER_BYTES:
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "its metadata section is impossibly large"),
                f"header reaches {end}",
            )
        want = min(self.file_size, MAX_HEADER_BYTES, max(end, 2 * len(self.buf), 1 << 20))
        self.f.seek(len(self.buf))
        self.buf += self.f.read(want - len(self.buf))
        if end > len(self.buf):  # the file shrank while we read it
            raise EndOfFile(end)

    def unpack(self, s: struct.Struct) -> int:
        self.ensure(self.off + s.size)
        (v,) = s.unpack_from(self.buf, self.off)
        self.off += s.size
        return int(v)

    def scalar(self, fmt: str) -> int | float | bool:
        size = struct.calcsize(fmt)
        self.ensure(self.off + size)
        (v,) = struct.unpack_from(fmt, self.buf, self.off)
        self.off += size
        return v

    def string(self, what: str, limit: int = MAX_STRING_LEN) -> str:
        n = self.unpack(U64)
        if n > limit:
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "a {what} has an impossible length").format(
                    what=what
                ),
                f"string length {n} at {self.off}",
            )
        self.ensure(self.off + n)
        raw = self.buf[self.off : self.off + n]
        self.off += n
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            if what == "value":  # tokenizer data may hold broken UTF-8; llama.cpp copes
                return raw.decode("utf-8", errors="replace")
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "a {what} is not valid text").format(what=what),
                f"{raw[:64]!r} at {self.off - n}",
            ) from None

    def strings(self, count: int, keep: bool) -> list[bytes]:
        """Read (keep=True) or skip `count` array strings; vocabularies hold 50k-250k of them."""
        out: list[bytes] = []
        buf, off, unpack = self.buf, self.off, U64.unpack_from
        for _ in range(count):
            if off + 8 > len(buf):
                self.ensure(off + 8)
                buf = self.buf
            (n,) = unpack(buf, off)
            if n > MAX_ITEM_LEN:
                raise BadHeader(
                    QT_TRANSLATE_NOOP("Model file", "a metadata string has an impossible length"),
                    f"length {n} at {off}",
                )
            off += 8 + n
            if keep:
                if off > len(buf):
                    self.ensure(off)
                    buf = self.buf
                out.append(buf[off - n : off])
        self.ensure(off)
        self.off = off
        return out

    def value(self, vtype: int, keep_strings: bool = False, depth: int = 0) -> Value:
        """Read one value; long arrays are skipped (only their length and type are kept)."""
        fmt = SCALAR_FORMATS.get(vtype)
        if fmt is not None:
            return Value(self.scalar(fmt))
        if vtype == STRING:
            return Value(self.string(QT_TRANSLATE_NOOP("Model file", "metadata value")))
        if vtype != ARRAY:
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "a metadata entry has an unknown type"),
                f"value type {vtype}",
            )
        if depth > 4:
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "a metadata array is nested too deeply"),
                f"depth {depth}",
            )
        itype = self.unpack(U32)
        count = self.unpack(U64)
        if count > MAX_ARRAY_LEN:
            raise BadHeader(
                QT_TRANSLATE_NOOP("Model file", "a metadata array has an impossible length"),
                f"array length {count}",
            )
        short = count <= SHORT_ARRAY_LEN
        ifmt = SCALAR_FORMATS.get(itype)
        if ifmt is not None:
            end = self.off + count * struct.calcsize(ifmt)
            self.ensure(end)
            items = struct.unpack_from(f"<{count}{ifmt[1]}", self.buf, self.off) if short else ()
            self.off = end
            return Value(list(items) if short else None, count, itype)
        if itype == STRING:
            raw = self.strings(count, keep=short or keep_strings)
            text: list[MetadataValue] | None = None
            if short:
                text = [r.decode("utf-8", errors="replace") for r in raw]
            return Value(text, count, itype, raw if keep_strings else None)
        if itype == ARRAY:
            for _ in range(count):
                self.value(ARRAY, depth=depth + 1)
            return Value(None, count, itype)
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "a metadata array has an unknown element type"),
            f"element type {itype}",
        )


class Value(NamedTuple):
    value: MetadataValue | None  # None: an array too long to keep
    length: int | None = None  # arrays only
    item_type: int | None = None  # arrays only
    raw_strings: list[bytes] | None = None  # string arrays read with keep_strings


@dataclass
class TensorInfo:
    name: str
    ggml_type: int
    n_elements: int
    n_bytes: int
    offset: int  # relative to the start of the data section
    n_dims: int


def alignment_of(meta: dict[str, MetadataValue]) -> int:
    a = meta.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(a, int) or isinstance(a, bool) or a <= 0 or a & (a - 1):
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "its data alignment is invalid"),
            f"general.alignment={a!r}",
        )
    return a


def align(n: int, alignment: int) -> int:
    return n + (-n) % alignment


def read_tensor_info(h: HeaderReader) -> TensorInfo:
    name = h.string(QT_TRANSLATE_NOOP("Model file", "tensor name"), MAX_NAME_LEN)
    label = repr(name[:64])
    n_dims = h.unpack(U32)
    if n_dims > MAX_DIMS:
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "tensor {label} has too many dimensions").format(
                label=label
            ),
            f"n_dims={n_dims}",
        )
    dims = [h.unpack(U64) for _ in range(n_dims)]
    raw_type = h.unpack(U32)
    offset = h.unpack(U64)
    try:
        gguf = gguf_module()
        qtype = gguf.GGMLQuantizationType(raw_type)
        block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
    except (ValueError, KeyError):
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "tensor {label} has an unknown data type").format(
                label=label
            ),
            f"ggml type {raw_type}",
        ) from None
    n_elements = 1
    for d in dims:
        n_elements *= d
    if any(d >= 1 << 63 for d in dims) or n_elements >= 1 << 63:
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "tensor {label} has an impossible shape").format(
                label=label
            ),
            f"dims={dims}",
        )
    if dims and dims[0] % block_size:
        raise BadHeader(
            QT_TRANSLATE_NOOP(
                "Model file", "tensor {label} has a shape its data type cannot hold"
            ).format(label=label),
            f"dims={dims} block={block_size}",
        )
    if offset >= 1 << 63:
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "tensor {label} has an impossible offset").format(
                label=label
            ),
            f"offset={offset}",
        )
    n_bytes = n_elements * type_size // block_size
    if n_bytes > MAX_DATA_BYTES:
        raise BadHeader(
            QT_TRANSLATE_NOOP("Model file", "tensor {label} has an impossible size").format(
                label=label
            ),
            f"dims={dims} bytes={n_bytes}",
        )
    return TensorInfo(name, raw_type, n_elements, n_bytes, offset, n_dims)


def gguf_module() -> Any:
    """The gguf package, imported on first use: it brings numpy (~100 ms), which the window's
    start-up should not pay when every header comes from the cache."""
    import gguf

    return gguf
