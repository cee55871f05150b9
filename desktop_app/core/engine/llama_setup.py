"""llama.cpp's side of the local engine: load options it has no parameter for, and load errors.

llama-cpp-python's constructor takes no progress callback, no sequence count and no "auto" for
flash attention; the context managers here supply them for the length of one constructor call
(the engine process is single-threaded). The rest turns llama.cpp's log into the app's errors,
reads tokens the way generation needs them and measures a generation.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from desktop_app.core.engine import hardware, messages
from desktop_app.core.engine.events import Stats
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.errors import (
    AppError,
    GenerationError,
    ModelLoadError,
    OutOfMemoryError,
    UnsupportedArchitectureError,
)
from desktop_app.core.gguf_reader import GGUFInfo

# ggml_type ids for the KV cache (ggml.h)
GGML_TYPES = {
    "f32": 0, "f16": 1, "q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8,
    "iq4_nl": 20, "bf16": 30,
}  # fmt: skip


class AbortSwitch:
    """llama.cpp's abort callback, which reads the cancel flag while a prompt is processed.

    It runs for every graph node, so it is armed only while a prompt is processed: per-node
    Python callbacks would slow generation.
    """

    def __init__(self, cancel_requested: Callable[[], bool]) -> None:
        self._cancel_requested = cancel_requested
        self._ctx: Any = None
        self._callback: Any = None
        self._armed = False

    def install(self, ctx: Any) -> None:
        """For a new context (None after an unload: arming is then a no-op)."""
        self._ctx = ctx
        self._armed = False
        if ctx is None or self._callback is not None:
            return
        import llama_cpp

        @llama_cpp.ggml_abort_callback
        def _abort(_data: ctypes.c_void_p) -> bool:
            return bool(self._cancel_requested())

        self._callback = _abort  # ctypes keeps no reference of its own

    def arm(self, armed: bool) -> None:
        if armed == self._armed or self._ctx is None:
            return
        import llama_cpp

        callback = self._callback if armed else llama_cpp.ggml_abort_callback()
        llama_cpp.llama_set_abort_callback(self._ctx, callback, ctypes.c_void_p(0))
        self._armed = armed


def tokenize_raw(llm: Any, text: str | None) -> list[int]:
    """A plain prompt as llama.cpp's server reads one: special tokens parsed, BOS if the model wants it."""
    add_bos = bool(llm._model.add_bos_token())
    tokens = list(llm.tokenize((text or "").encode("utf-8"), add_bos=add_bos, special=True))
    if not tokens:
        bos = llm.token_bos()
        if bos < 0:
            raise GenerationError(messages.EMPTY_PROMPT)
        tokens = [bos]
    return tokens


def generation_stats(
    llm: Any,
    started: float,
    first_at: float | None,
    last_at: float,
    n_prompt: int,
    n_sampled: int,
    seed: int,
) -> Stats:
    """Prompt speed from llama.cpp's own timer; generation speed as the user sees it (wall clock)."""
    import llama_cpp

    perf = llama_cpp.llama_perf_context(llm.ctx)
    n_p, t_p = int(perf.n_p_eval), float(perf.t_p_eval_ms) / 1000
    gen_window = last_at - first_at if first_at else 0.0
    return Stats(
        prompt_tokens=n_prompt,
        prompt_tokens_evaluated=n_p,
        completion_tokens=n_sampled,
        ttft_s=(first_at - started) if first_at else 0.0,
        prompt_tps=n_p / t_p if t_p > 0 else 0.0,
        gen_tps=(n_sampled - 1) / gen_window if gen_window > 0 and n_sampled > 1 else 0.0,
        total_s=time.perf_counter() - started,
        seed=seed,
    )


class PieceReader:
    """A token's bytes, with one reused buffer (llama-cpp-python's helper returns padding too)."""

    def __init__(self, vocab: Any, special: bool = False) -> None:
        import llama_cpp

        self._fn = llama_cpp.llama_token_to_piece
        self._vocab = vocab
        self._special = special  # True: a control token gives its text ("<|im_end|>"), not b""
        self._buf = ctypes.create_string_buffer(64)

    def __call__(self, token: int) -> bytes:
        n = self._fn(self._vocab, token, self._buf, len(self._buf), 0, self._special)
        if n < 0:
            self._buf = ctypes.create_string_buffer(-n)
            n = self._fn(self._vocab, token, self._buf, len(self._buf), 0, self._special)
        return self._buf.raw[:n]


def token_text(llm: Any, token: int) -> str:
    if token < 0:
        return ""
    try:
        return str(llm._model.token_get_text(token))
    except Exception:
        return ""


def resolve_flash_attention(params: LoadParams) -> str:
    """Resolve "auto" to what llama.cpp can do; refuse a quantized V cache without it."""
    quantized_v = params.kv_type not in ("f16", "f32", "bf16")
    if params.flash_attn == "off" and quantized_v:
        raise ValueError(
            f"A {params.kv_type} KV cache needs flash attention; turn it on or use f16."
        )
    return params.flash_attn


@contextlib.contextmanager
def load_progress(report: Callable[[float], bool]) -> Iterator[None]:
    """Give llama.cpp a progress callback (llama-cpp-python's constructor takes none).

    The constructor reads its model parameters from `llama_model_default_params()`; during this
    block that function returns them with our callback set. Returning False cancels the load.
    """
    import llama_cpp.llama_cpp as lib

    @lib.llama_progress_callback
    def callback(fraction: float, _user: ctypes.c_void_p) -> bool:
        try:
            return bool(report(float(fraction)))
        except Exception:  # an exception must not cross into C
            return True

    original = lib.llama_model_default_params

    def with_progress() -> Any:
        params = original()
        params.progress_callback = callback
        return params

    lib.llama_model_default_params = with_progress
    try:
        yield
    finally:
        lib.llama_model_default_params = original


@contextlib.contextmanager
def parallel_sequences(n_seq: int) -> Iterator[None]:
    """Create the context with `n_seq` sequences over one unified KV cache.

    Classification (scoring.py) then shares the prompt prefix between sequences and scores
    several texts in one decode. A unified cache keeps the whole context available to sequence
    0, which chat uses, so chat loses nothing. llama-cpp-python's constructor sets these two
    fields only for embeddings; it reads its defaults from `llama_context_default_params()`,
    which answers with them set during this block (the engine process is single-threaded).
    """
    import llama_cpp.llama_cpp as lib

    original = lib.llama_context_default_params

    def with_sequences() -> Any:
        params = original()
        params.n_seq_max = n_seq
        params.kv_unified = True
        return params

    lib.llama_context_default_params = with_sequences
    try:
        yield
    finally:
        lib.llama_context_default_params = original


@contextlib.contextmanager
def flash_attn_type(mode: str) -> Iterator[bool]:
    """Give llama.cpp its own "auto" (on where the device supports it).

    llama-cpp-python's constructor only passes enabled/disabled; it reads the constant for
    "disabled" while building the context, so for "auto" that constant briefly means "auto".
    Safe here: the engine process is single-threaded.
    """
    import llama_cpp.llama_cpp as lib

    if mode != "auto":
        yield mode == "on"
        return
    saved = lib.LLAMA_FLASH_ATTN_TYPE_DISABLED
    lib.LLAMA_FLASH_ATTN_TYPE_DISABLED = lib.LLAMA_FLASH_ATTN_TYPE_AUTO
    try:
        yield False
    finally:
        lib.LLAMA_FLASH_ATTN_TYPE_DISABLED = saved


def check_memory(
    gguf: GGUFInfo, params: LoadParams, n_gpu_layers: int, report: hardware.HardwareReport
) -> None:
    """Refuse a context whose KV cache cannot fit, before llama.cpp tries to allocate it."""
    if n_gpu_layers != 0:
        return  # the GPU plan already sized VRAM; llama.cpp reports a failed allocation
    kv = gguf.kv_cache_bytes(params.n_ctx, params.kv_type, params.kv_type)
    weights = gguf.file_size
    need = kv + weights
    available = report.ram_available
    if available and need > available:
        per_token = max(1, gguf.kv_cache_bytes(1, params.kv_type, params.kv_type))
        fit = max(0, (available - weights) // per_token)
        suggestion = (
            f" A context of about {fit // 1024 * 1024} tokens would fit." if fit >= 1024 else ""
        )
        raise OutOfMemoryError(
            f"Not enough memory for a {params.n_ctx}-token context: the model and its KV cache "
            f"need {_gib(need)}, and {_gib(available)} of RAM is free.{suggestion}"
        )


def _gib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB"


def load_failure(exc: Exception, gguf: GGUFInfo, params: LoadParams, lines: list[str]) -> AppError:
    log = "\n".join(lines[-40:])
    lowered = log.lower()
    if "unknown model architecture" in lowered:
        return UnsupportedArchitectureError(
            f"This llama.cpp build does not support the model architecture '{gguf.architecture}' "
            f"({os.path.basename(params.model_path)}). A newer version of the app may.",
            details=log,
        )
    if (
        "failed to allocate" in lowered
        or "out of memory" in lowered
        or "unable to allocate" in lowered
    ):
        return OutOfMemoryError(
            f"Not enough memory to load {os.path.basename(params.model_path)} with a {params.n_ctx}-token context. "
            "Try a smaller context, fewer GPU layers or a smaller quantization.",
            details=log,
        )
    last_error = next((ln for ln in reversed(lines) if "error" in ln.lower()), str(exc))
    return ModelLoadError(
        f"llama.cpp could not load {os.path.basename(params.model_path)}: {last_error.strip()}",
        details=log,
    )
