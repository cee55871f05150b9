"""Probing the machine: RAM from the OS, and ggml's backends and devices through ctypes.

Devices come from ggml's backend registry (ggml-backend.h) through ctypes, because
llama-cpp-python does not bind those functions. The library names differ per platform
(libggml.so, libggml.dylib, ggml.dll); this platform's are tried first. Enumeration fails soft:
a missing library or symbol gives no devices and the reason, never an exception.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "Device",
    "DeviceKind",
    "GgmlApi",
    "backend_libraries",
    "ensure_backends",
    "lib_dir_of",
    "load_api",
    "ram",
    "system_info",
]

DeviceKind = Literal["cpu", "gpu", "igpu", "accel"]

# enum ggml_backend_dev_type (ggml-backend.h). An unknown future value counts as "accel": it is
# never offloaded to by the planner, which is the safe reading.
DEV_KINDS: dict[int, DeviceKind] = {0: "cpu", 1: "gpu", 2: "igpu", 3: "accel"}


@dataclass(frozen=True)
class Device:
    """One ggml backend device, with its memory as ggml reports it (bytes; 0 when unknown)."""

    name: str  # ggml's name: "CUDA0", "Metal", "Vulkan0", "CPU"
    description: str  # the hardware: "NVIDIA GeForce RTX 4090", "AMD Ryzen 9 7950X"
    kind: DeviceKind
    backend: str  # the backend registry it belongs to: "CUDA", "Metal", "Vulkan", "CPU", ...
    memory_total: int
    memory_free: int

    @property
    def label(self) -> str:
        """How the user recognises it: "NVIDIA GeForce RTX 4090 (CUDA)"."""
        return f"{self.description or self.name} ({self.backend})"


def physical_cores() -> int:
    """Physical cores: what llama.cpp scales with (hyperthreads mostly add contention), else
    logical ones."""
    try:
        import psutil  # type: ignore[import-untyped, unused-ignore]

        n = psutil.cpu_count(logical=False)
    except Exception:  # psutil can fail in restricted sandboxes
        n = None
    return max(1, n or os.cpu_count() or 1)


def ram() -> tuple[int, int]:
    """Total and available RAM in bytes; (0, 0) when unknown."""
    try:
        import psutil  # type: ignore[import-untyped, unused-ignore]

        vm = psutil.virtual_memory()
        return int(vm.total), int(vm.available)
    except Exception:  # psutil can fail in restricted sandboxes; 0 means unknown
        return 0, 0


def system_info(llama_cpp: Any) -> str:
    """llama.cpp's system info line (CPU features and backends), "" when it cannot say."""
    try:
        raw = llama_cpp.llama_print_system_info()
    except Exception:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return text.strip().rstrip("|").strip()


def lib_dir_of(llama_cpp: Any) -> Path:
    """Where llama_cpp loaded its libraries from (it honours LLAMA_CPP_LIB_PATH the same way)."""
    override = os.environ.get("LLAMA_CPP_LIB_PATH")
    if override:
        return Path(override)
    return Path(os.path.abspath(os.path.dirname(llama_cpp.__file__))) / "lib"


BACKEND_LIB = re.compile(r"^(?:lib)?ggml-([a-z0-9]+)", re.IGNORECASE)


def backend_libraries(lib_dir: Path) -> tuple[str, ...]:
    """Backend libraries next to libllama (ggml-cuda, ggml-cpu-haswell, ...), by backend name."""
    try:
        names = os.listdir(lib_dir)
    except OSError:
        return ()
    found: set[str] = set()
    for name in names:
        match = BACKEND_LIB.match(name)
        is_lib = name.endswith((".dll", ".dylib")) or ".so" in name
        if match and is_lib and match.group(1).lower() != "base":
            found.add(match.group(1).lower())
    return tuple(sorted(found))


def library_files(lib_dir: Path) -> list[Path]:
    """libggml and libggml-base under every platform's names; this platform's first."""
    names = {
        "linux": ["libggml.so", "libggml-base.so"],
        "darwin": ["libggml.dylib", "libggml-base.dylib", "libggml.so", "libggml-base.so"],
        "win32": ["ggml.dll", "ggml-base.dll", "libggml.dll", "libggml-base.dll"],
    }
    platform = "win32" if sys.platform == "win32" else "darwin" if sys.platform == "darwin" else ""
    ordered = names.get(platform or "linux", []) + [n for ns in names.values() for n in ns]
    return [lib_dir / n for n in dict.fromkeys(ordered) if (lib_dir / n).is_file()]


class GgmlApi:
    """The ggml-backend functions used here; each is None when no loaded library exports it."""

    def __init__(self, libs: Sequence[Any], load_error: str = "") -> None:
        self.load_error = load_error
        self.missing: list[str] = []
        vp, size, text = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p
        psize = ctypes.POINTER(ctypes.c_size_t)

        def fn(name: str, restype: Any, *argtypes: Any) -> Callable[..., Any] | None:
            for lib in libs:
                try:
                    f = lib[name]  # a fresh pointer: never alters another binding's types
                except (AttributeError, OSError):
                    continue
                f.restype = restype
                f.argtypes = list(argtypes)
                return f
            self.missing.append(name)
            return None

        self.reg_count = fn("ggml_backend_reg_count", size)
        self.reg_get = fn("ggml_backend_reg_get", vp, size)
        self.reg_name = fn("ggml_backend_reg_name", text, vp)
        self.dev_count = fn("ggml_backend_dev_count", size)
        self.dev_get = fn("ggml_backend_dev_get", vp, size)
        self.dev_name = fn("ggml_backend_dev_name", text, vp)
        self.dev_description = fn("ggml_backend_dev_description", text, vp)
        self.dev_memory = fn("ggml_backend_dev_memory", None, vp, psize, psize)
        self.dev_type = fn("ggml_backend_dev_type", ctypes.c_int, vp)
        self.dev_backend_reg = fn("ggml_backend_dev_backend_reg", vp, vp)
        self.load_all = fn("ggml_backend_load_all", None)
        self.load_all_from_path = fn("ggml_backend_load_all_from_path", None, text)

    @classmethod
    def load(cls, lib_dir: Path, fallback: Any = None) -> GgmlApi:
        """Open libggml(-base) in `lib_dir`; `fallback` (libllama) serves a build that links ggml
        into it. Already loaded by llama_cpp, so this only adds a reference."""
        libs: list[Any] = []
        errors: list[str] = []
        for path in library_files(lib_dir):
            try:
                libs.append(ctypes.CDLL(str(path)))
            except OSError as exc:
                errors.append(f"{path.name}: {exc}")
        if fallback is not None:
            libs.append(fallback)
        if not libs:
            errors.append(f"no ggml library in {lib_dir}")
        return cls(libs, "; ".join(errors))

    def backend_names(self) -> tuple[str, ...] | None:
        """Registered backends in registry order (GPU backends first, CPU last); None: unknown."""
        if self.reg_count is None or self.reg_get is None or self.reg_name is None:
            return None
        try:
            regs = (self.reg_get(i) for i in range(int(self.reg_count())))
            return tuple(text_of(self.reg_name(r)) for r in regs if r)
        except Exception:
            return None

    def devices(self) -> tuple[tuple[Device, ...], str]:
        """The devices, and "" or why they could not be listed."""
        count, get, name, kind = self.dev_count, self.dev_get, self.dev_name, self.dev_type
        if count is None or get is None or name is None or kind is None:
            core = ("count", "get", "name", "type")
            missing = [m for m in self.missing if m.removeprefix("ggml_backend_dev_") in core]
            why = f"ggml does not export {', '.join(missing)}"
            return (), f"{why} ({self.load_error})" if self.load_error else why
        try:
            handles = [get(i) for i in range(int(count()))]
            return tuple(self._device(h, name, kind) for h in handles if h), ""
        except Exception as exc:
            return (), f"listing ggml devices failed: {exc!r}"

    def _device(
        self, dev: int, dev_name: Callable[..., Any], dev_type: Callable[..., Any]
    ) -> Device:
        name = text_of(dev_name(dev))
        description = text_of(self.dev_description(dev)) if self.dev_description else ""
        kind = DEV_KINDS.get(int(dev_type(dev)), "accel")
        backend = name.rstrip("0123456789") or name
        if self.dev_backend_reg and self.reg_name:
            reg = self.dev_backend_reg(dev)
            if reg:
                backend = text_of(self.reg_name(reg)) or backend
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        if self.dev_memory:
            self.dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        return Device(name, description, kind, backend, int(total.value), int(free.value))


def text_of(raw: bytes | None) -> str:
    """A C string from ggml as text ("" for NULL)."""
    return raw.decode("utf-8", errors="replace") if raw else ""


@functools.cache
def load_api(lib_dir: str) -> GgmlApi:
    """Loaded once per process: the libraries stay loaded anyway."""
    try:
        import llama_cpp.llama_cpp as bindings

        fallback = getattr(bindings, "_lib", None)
    except Exception:
        fallback = None
    return GgmlApi.load(Path(lib_dir), fallback)


@functools.cache
def ensure_backends(api: GgmlApi, lib_dir: str) -> None:
    """Register the backends before counting them. llama_backend_init is idempotent; a build
    with dynamic backends (GGML_BACKEND_DL) registers none until they are loaded, and
    llama.cpp refuses to load a model then, so loading them here helps the engine too."""
    try:
        import llama_cpp

        llama_cpp.llama_backend_init()
    except Exception:
        pass
    if api.reg_count is None:
        return
    try:
        if int(api.reg_count()) > 0:
            return  # built-in backends: loading files would only log failures
        if api.load_all_from_path is not None:
            api.load_all_from_path(lib_dir.encode())
        elif api.load_all is not None:
            api.load_all()
    except Exception:
        pass
