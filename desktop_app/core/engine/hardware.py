"""What this machine and this llama.cpp build can run a model on, and how many layers go to the GPU.

Why: llama.cpp quietly falls back to the CPU when the build has no GPU backend or the GPU has
no room, and a model that "loads on the GPU" at two tokens a second looks like a bug in the app.
The report says what the build and the machine offer (the CLI's `info`, the settings page); the
planner turns the user's choice (0, N, "all", "auto") into a layer count and says why whenever
the GPU will not be used as asked.

Devices come from ggml's backend registry (ggml-backend.h) through ctypes, because
llama-cpp-python does not bind those functions. Enumeration fails soft: a missing library or
symbol gives a report whose devices are unknown, never an exception.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from desktop_app.core.engine.params import GpuLayers

__all__ = [
    "DEFAULT_RESERVE_BYTES",
    "NO_GPU_BACKEND",
    "NO_GPU_DEVICE",
    "Device",
    "DeviceKind",
    "GpuPlan",
    "HardwareReport",
    "ModelFacts",
    "compute_buffer_bytes",
    "hardware_report",
    "plan_gpu_layers",
]

KiB = 1024
MiB = 1024**2
GiB = 1024**3

# VRAM left free for the driver, the desktop and other programs: filling a GPU to the last byte
# makes the load (or the first long prompt) fail.
DEFAULT_RESERVE_BYTES = 512 * MiB

DeviceKind = Literal["cpu", "gpu", "igpu", "accel"]

# enum ggml_backend_dev_type (ggml-backend.h). An unknown future value counts as "accel": it is
# never offloaded to by this planner, which is the safe reading.
_DEV_KINDS: dict[int, DeviceKind] = {0: "cpu", 1: "gpu", 2: "igpu", 3: "accel"}

# Registered backends (and backend libraries) that do not drive a GPU.
_NON_GPU_BACKENDS = frozenset({"CPU", "BLAS", "RPC", "ZDNN", "BASE"})

NO_GPU_BACKEND = (
    "this llama.cpp build has no GPU backend (CPU only); rebuild llama-cpp-python with "
    "CMAKE_ARGS=-DGGML_CUDA=on / -DGGML_METAL=on / -DGGML_VULKAN=on"
)
NO_GPU_DEVICE = "the build has a GPU backend but no device was found (driver missing?)"

# The engine's micro-batch (n_ubatch); the compute buffer scales with it.
_UBATCH = 512
# Vocabulary assumed when the model does not say: large, as in current models (Qwen, Llama 3).
_DEFAULT_VOCAB = 152_064


# --------------------------------------------------------------------------- report


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


@dataclass(frozen=True)
class HardwareReport:
    """A snapshot of the build and the machine. Plain values: it crosses the engine's pipe."""

    llama_cpp_version: str
    backends: tuple[str, ...]  # registered ggml backends, e.g. ("CUDA", "CPU")
    devices: tuple[Device, ...]
    ram_total: int
    ram_available: int
    cpu_features: str  # llama_print_system_info()
    gpu_offload_supported: bool  # llama_supports_gpu_offload()
    devices_error: str = ""  # why devices could not be listed; "" when they were
    backend_libraries: tuple[str, ...] = ()  # ggml backend libraries shipped: ("cpu", "cuda")

    @property
    def devices_known(self) -> bool:
        return not self.devices_error

    @property
    def gpus(self) -> tuple[Device, ...]:
        """Discrete and integrated GPUs."""
        return tuple(d for d in self.devices if d.kind in ("gpu", "igpu"))

    @property
    def offload_gpus(self) -> tuple[Device, ...]:
        """The GPUs llama.cpp offloads to by default: the discrete ones, else the integrated."""
        discrete = tuple(d for d in self.devices if d.kind == "gpu")
        return discrete or tuple(d for d in self.devices if d.kind == "igpu")

    @property
    def gpu_backends(self) -> tuple[str, ...]:
        """GPU backends registered or shipped as a library (a dynamic backend that found no
        device is not registered, but its library still shows that the build has one)."""
        seen: dict[str, str] = {}
        for name in (*self.backends, *self.backend_libraries):
            if name.upper() not in _NON_GPU_BACKENDS:
                seen.setdefault(name.upper(), name)
        return tuple(seen.values())

    @property
    def offload_problem(self) -> str:
        """Why no layer can go to a GPU, "" when some can: the thing the user has to fix."""
        if self.gpu_offload_supported and (self.gpus or not self.devices_known):
            return ""
        if self.gpus:
            return "llama.cpp reports that this build cannot offload to the GPU"
        backends = self.gpu_backends
        if backends:
            return f"{NO_GPU_DEVICE}; GPU backend: {', '.join(backends)}"
        if self.gpu_offload_supported:
            return NO_GPU_DEVICE
        return NO_GPU_BACKEND

    @property
    def gpu_offload_possible(self) -> bool:
        return not self.offload_problem

    def format(self) -> str:
        """A readable multi-line report (the CLI's `info`)."""
        lines = [
            f"llama-cpp-python: {self.llama_cpp_version}",
            f"Backends: {', '.join(self.backends) or 'none registered'}",
        ]
        registered = {b.upper() for b in self.backends}
        unregistered = [lib for lib in self.backend_libraries if lib.upper() not in registered]
        if unregistered:  # a dynamic backend that did not load (no device, no driver)
            lines.append(f"Backend libraries not loaded: {', '.join(unregistered)}")
        if not self.devices_known:
            lines.append(f"Devices: unknown ({self.devices_error})")
        elif not self.devices:
            lines.append("Devices: none")
        else:
            lines.append("Devices:")
            for d in self.devices:
                memory = (
                    f"{_gib(d.memory_total)} total, {_gib(d.memory_free)} free"
                    if d.memory_total
                    else "memory unknown"
                )
                lines.append(
                    f"  {d.name} [{d.kind}, {d.backend}]: {d.description or '?'}: {memory}"
                )
        ram = (
            f"{_gib(self.ram_total)} total, {_gib(self.ram_available)} available"
            if self.ram_total
            else "unknown"
        )
        lines.append(f"RAM: {ram}")
        lines.append(f"CPU features: {self.cpu_features or 'unknown'}")
        problem = self.offload_problem
        if problem:
            lines.append(f"GPU offload: not possible: {problem}")
        elif self.offload_gpus:
            lines.append(f"GPU offload: possible ({', '.join(d.label for d in self.offload_gpus)})")
        else:
            lines.append("GPU offload: possible (the build supports it; devices unknown)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: lists instead of tuples, plus the derived offload verdict."""
        data = asdict(self)
        data["backends"] = list(self.backends)
        data["backend_libraries"] = list(self.backend_libraries)
        data["devices"] = [asdict(d) for d in self.devices]
        data["gpu_offload_possible"] = self.gpu_offload_possible
        data["gpu_offload_problem"] = self.offload_problem
        return data


def hardware_report() -> HardwareReport:
    """Ask llama.cpp and the OS what is here now (not cached: free memory changes)."""
    ram_total, ram_available = _ram()
    try:
        import llama_cpp
    except Exception as exc:  # a broken install must still give `info` something to print
        return HardwareReport(
            llama_cpp_version=f"not available ({exc})",
            backends=(),
            devices=(),
            ram_total=ram_total,
            ram_available=ram_available,
            cpu_features="",
            gpu_offload_supported=False,
            devices_error=f"llama_cpp could not be imported: {exc}",
        )

    lib_dir = _lib_dir(llama_cpp)
    api = _api(str(lib_dir))
    _ensure_backends(api, str(lib_dir))
    cpu_features = _system_info(llama_cpp)
    backends = api.backend_names()
    if backends is None:  # registry not reachable: the system info names the backends too
        backends = tuple(dict.fromkeys(re.findall(r"([A-Za-z][\w.-]*) : ", cpu_features)))
    devices, error = api.devices()
    try:
        offload = bool(llama_cpp.llama_supports_gpu_offload())
    except Exception:
        offload = False
    return HardwareReport(
        llama_cpp_version=str(getattr(llama_cpp, "__version__", "unknown")),
        backends=backends,
        devices=devices,
        ram_total=ram_total,
        ram_available=ram_available,
        cpu_features=cpu_features,
        gpu_offload_supported=offload,
        devices_error=error,
        backend_libraries=_backend_libraries(lib_dir),
    )


def _ram() -> tuple[int, int]:
    try:
        import psutil  # type: ignore[import-untyped, unused-ignore]

        vm = psutil.virtual_memory()
        return int(vm.total), int(vm.available)
    except Exception:  # psutil can fail in restricted sandboxes; 0 means unknown
        return 0, 0


def _system_info(llama_cpp: Any) -> str:
    try:
        raw = llama_cpp.llama_print_system_info()
    except Exception:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return text.strip().rstrip("|").strip()


def _lib_dir(llama_cpp: Any) -> Path:
    """Where llama_cpp loaded its libraries from (it honours LLAMA_CPP_LIB_PATH the same way)."""
    override = os.environ.get("LLAMA_CPP_LIB_PATH")
    if override:
        return Path(override)
    return Path(os.path.abspath(os.path.dirname(llama_cpp.__file__))) / "lib"


_BACKEND_LIB = re.compile(r"^(?:lib)?ggml-([a-z0-9]+)", re.IGNORECASE)


def _backend_libraries(lib_dir: Path) -> tuple[str, ...]:
    """Backend libraries next to libllama (ggml-cuda, ggml-cpu-haswell, ...), by backend name."""
    try:
        names = os.listdir(lib_dir)
    except OSError:
        return ()
    found: set[str] = set()
    for name in names:
        match = _BACKEND_LIB.match(name)
        is_lib = name.endswith((".dll", ".dylib")) or ".so" in name
        if match and is_lib and match.group(1).lower() != "base":
            found.add(match.group(1).lower())
    return tuple(sorted(found))


# --------------------------------------------------------------------------- ggml via ctypes


def _library_files(lib_dir: Path) -> list[Path]:
    """libggml and libggml-base under every platform's names; this platform's first."""
    names = {
        "linux": ["libggml.so", "libggml-base.so"],
        "darwin": ["libggml.dylib", "libggml-base.dylib", "libggml.so", "libggml-base.so"],
        "win32": ["ggml.dll", "ggml-base.dll", "libggml.dll", "libggml-base.dll"],
    }
    platform = "win32" if sys.platform == "win32" else "darwin" if sys.platform == "darwin" else ""
    ordered = names.get(platform or "linux", []) + [n for ns in names.values() for n in ns]
    return [lib_dir / n for n in dict.fromkeys(ordered) if (lib_dir / n).is_file()]


class _GgmlApi:
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
    def load(cls, lib_dir: Path, fallback: Any = None) -> _GgmlApi:
        """Open libggml(-base) in `lib_dir`; `fallback` (libllama) serves a build that links ggml
        into it. Already loaded by llama_cpp, so this only adds a reference."""
        libs: list[Any] = []
        errors: list[str] = []
        for path in _library_files(lib_dir):
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
            return tuple(_text(self.reg_name(r)) for r in regs if r)
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
        name = _text(dev_name(dev))
        description = _text(self.dev_description(dev)) if self.dev_description else ""
        kind = _DEV_KINDS.get(int(dev_type(dev)), "accel")
        backend = name.rstrip("0123456789") or name
        if self.dev_backend_reg and self.reg_name:
            reg = self.dev_backend_reg(dev)
            if reg:
                backend = _text(self.reg_name(reg)) or backend
        free, total = ctypes.c_size_t(0), ctypes.c_size_t(0)
        if self.dev_memory:
            self.dev_memory(dev, ctypes.byref(free), ctypes.byref(total))
        return Device(name, description, kind, backend, int(total.value), int(free.value))


def _text(raw: bytes | None) -> str:
    return raw.decode("utf-8", errors="replace") if raw else ""


@functools.cache
def _api(lib_dir: str) -> _GgmlApi:
    """Loaded once per process: the libraries stay loaded anyway."""
    try:
        import llama_cpp.llama_cpp as bindings

        fallback = getattr(bindings, "_lib", None)
    except Exception:
        fallback = None
    return _GgmlApi.load(Path(lib_dir), fallback)


@functools.cache
def _ensure_backends(api: _GgmlApi, lib_dir: str) -> None:
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


# --------------------------------------------------------------------------- planning


class ModelFacts(Protocol):
    """What planning needs from a model file; GGUFInfo has it."""

    @property
    def file_size(self) -> int: ...

    @property
    def n_layers(self) -> int: ...

    def kv_cache_bytes(self, n_ctx: int, type_k: str = "f16", type_v: str = "f16") -> int: ...


@dataclass(frozen=True)
class GpuPlan:
    """How many layers to hand llama.cpp (0, N, or -1 for all) and what the user should know.

    `warnings` are for the user: the GPU will not be used as asked. `notes` explain the choice.
    """

    n_gpu_layers: int
    backend: str  # the GPU used, e.g. "NVIDIA GeForce RTX 4090 (CUDA)"; "CPU" when none
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def compute_buffer_bytes(gguf: ModelFacts, n_ctx: int) -> int:
    """Rough VRAM llama.cpp's compute buffer takes for one micro-batch: the logits plus
    attention work space that grows with the context. Deliberately high: guessing low makes
    the load fail, guessing high costs a layer or two."""
    vocab = getattr(gguf, "vocab_size", None) or _DEFAULT_VOCAB
    logits = _UBATCH * int(vocab) * 4
    return 128 * MiB + logits + max(0, n_ctx) * 32 * KiB


def plan_gpu_layers(
    requested: GpuLayers,
    gguf: ModelFacts,
    n_ctx: int,
    kv_type: str,
    report: HardwareReport,
    *,
    reserve_bytes: int = DEFAULT_RESERVE_BYTES,
) -> GpuPlan:
    """Turn the user's GPU-layers choice into what llama.cpp gets, never silently dropping it."""
    if isinstance(requested, bool) or not (
        isinstance(requested, int) or requested in ("all", "auto")
    ):
        raise ValueError(f"GPU layers must be a number, 'all' or 'auto', not {requested!r}")
    if requested == 0:
        return GpuPlan(0, "CPU")
    if isinstance(requested, int) and requested < 0:
        requested = "all"  # llama.cpp's -1

    problem = report.offload_problem
    if problem:
        if requested == "auto":
            return GpuPlan(0, "CPU", notes=(f"no GPU: running on the CPU ({problem})",))
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                f"The GPU was requested (GPU layers: {requested}) but the model runs on the "
                f"CPU: {problem}.",
            ),
        )

    n_layers = max(0, gguf.n_layers)
    total = n_layers + 1 if n_layers else 0  # llama.cpp counts the output layer as one more
    gpus = report.offload_gpus
    if not gpus:  # the build can offload but the devices could not be listed
        return _plan_blind(requested, total, report.devices_error)

    best = max(gpus, key=lambda d: d.memory_free)
    label = best.label
    if len(gpus) > 1:
        label += f" + {len(gpus) - 1} more GPU{'s' if len(gpus) > 2 else ''}"
    costs = _Costs.of(gguf, n_ctx, kv_type)

    compute = compute_buffer_bytes(gguf, n_ctx)
    if requested == "auto":
        return _plan_auto(costs, total, best, label, n_ctx, reserve_bytes + compute)

    n = -1 if requested == "all" else min(requested, total) if total else requested
    if n == -1 or n == total:
        shown = f"all {total} layers" if total else "all layers"
    else:
        shown = f"{n} of {total} layers" if total else f"{n} layers"
    warnings: list[str] = []
    free = sum(d.memory_free for d in gpus)
    need = costs.bytes_for(n, total) + compute
    if all(d.memory_total for d in gpus) and need > free:
        warnings.append(
            f"{shown.capitalize()} on {label} need about {_gib(need)} of VRAM at a {n_ctx}-token "
            f"context, but {_gib(free)} is free; loading may fail or spill into shared memory. "
            "GPU layers 'auto' picks a number that fits."
        )
    return GpuPlan(n, label, tuple(warnings), (f"{shown} on {label}",))


@dataclass(frozen=True)
class _Costs:
    """VRAM per offloaded layer: weights (the file spread over n_layers + 1) plus its KV cache."""

    weights: int  # the whole file
    kv_total: int
    per_layer: int
    kv_per_layer: int

    @classmethod
    def of(cls, gguf: ModelFacts, n_ctx: int, kv_type: str) -> _Costs:
        n_layers = max(0, gguf.n_layers)
        kv_total = gguf.kv_cache_bytes(n_ctx, kv_type, kv_type) if n_layers else 0
        return cls(
            weights=gguf.file_size,
            kv_total=kv_total,
            per_layer=gguf.file_size // (n_layers + 1),
            kv_per_layer=kv_total // n_layers if n_layers else 0,
        )

    def bytes_for(self, n: int, total: int) -> int:
        if n < 0 or not total or n >= total:
            return self.weights + self.kv_total
        return n * (self.per_layer + self.kv_per_layer)


def _plan_auto(
    costs: _Costs, total: int, gpu: Device, label: str, n_ctx: int, overhead: int
) -> GpuPlan:
    """As many layers as fit in the largest GPU's free VRAM after `overhead` (the reserve
    plus the compute buffer); -1 when all of them do."""
    free = gpu.memory_free
    if not gpu.memory_total:
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                f"GPU layers are 'auto' but {label} does not report its free memory, so the "
                "model runs on the CPU. Set a number of GPU layers to use the GPU.",
            ),
        )
    budget = free - overhead
    if budget >= costs.weights + costs.kv_total:
        layers = f"all {total} layers" if total else "all layers"
        return GpuPlan(-1, label, notes=(f"auto: {layers} on {label} ({_gib(free)} free)",))
    fit = 0  # an unknown layer count is all or nothing
    if total:
        fit = max(0, min(total, budget // max(1, costs.per_layer + costs.kv_per_layer)))
    if fit >= total > 0:  # only when rounding says so: the whole file was just checked
        return GpuPlan(
            -1, label, notes=(f"auto: all {total} layers on {label} ({_gib(free)} free)",)
        )
    if fit == 0:
        per = costs.per_layer + costs.kv_per_layer
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                f"The model does not fit in the free VRAM of {label} at a {n_ctx}-token context "
                f"({_gib(free)} free, {_gib(overhead)} of it kept for work space and other "
                f"programs; one layer with its KV cache needs about {_gib(per)}), so it runs on "
                "the CPU. A shorter context, a quantized KV cache or a smaller "
                "quantization would let layers onto the GPU.",
            ),
            notes=(f"auto: 0 of {total or '?'} layers on {label} ({_gib(free)} free)",),
        )
    note = f"auto: {fit} of {total} layers on {label} ({_gib(free)} free); the rest on the CPU"
    return GpuPlan(fit, label, notes=(note,))


def _plan_blind(requested: GpuLayers, total: int, why: str) -> GpuPlan:
    """The build can offload but ggml's devices could not be listed: honour an explicit count,
    refuse to guess for "auto"."""
    if requested == "auto":
        return GpuPlan(
            0,
            "CPU",
            warnings=(
                "GPU layers are 'auto' but the GPU's free memory could not be read "
                f"({why}), so the model runs on the CPU. Set a number of GPU layers to use "
                "the GPU.",
            ),
        )
    n = -1 if requested == "all" else min(requested, total) if total else int(requested)
    return GpuPlan(n, "GPU", notes=(f"GPU devices could not be listed ({why}); sizes unchecked",))


def _gib(n: int) -> str:
    return f"{n / GiB:.1f} GiB"
