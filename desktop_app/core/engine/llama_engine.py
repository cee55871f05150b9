"""The in-process engine: one Llama object, its load options, chat streaming, cancel, stats.

It is not thread-safe (neither is llama.cpp's context): the engine process's main loop is its
only caller. Cancel comes from outside through `cancel_requested`, which is read between tokens
and, while a prompt is being processed, by llama.cpp's abort callback.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import os
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

from desktop_app.core.engine import hardware
from desktop_app.core.engine.chat_template import ChatFormatter, TemplateError
from desktop_app.core.engine.events import (
    ClassifyReport,
    ContextBudget,
    Done,
    Error,
    Event,
    ItemScore,
    ModelInfo,
    Stats,
    Token,
    Warning_,
)
from desktop_app.core.engine.llama_log import LlamaLog, parse_offloaded
from desktop_app.core.engine.logprobs import LogprobReader
from desktop_app.core.engine.params import ChatRequest, LoadParams, Message
from desktop_app.core.engine.scoring import ClassifyRequest, ScoreCache, classify_items
from desktop_app.core.engine.stop import StopMatcher
from desktop_app.core.errors import (
    AppError,
    CancelledError,
    GenerationError,
    ModelLoadError,
    NoModelLoadedError,
    OutOfMemoryError,
    PromptTooLongError,
    UnsupportedArchitectureError,
)
from desktop_app.core.models.gguf_info import GGUFInfo, inspect_gguf

# Sequences in the context: classification scores this many texts per decode (scoring.py).
PARALLEL_SEQUENCES = 8

# ggml_type ids for the KV cache (ggml.h)
_GGML_TYPES = {
    "f32": 0, "f16": 1, "q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8,
    "iq4_nl": 20, "bf16": 30,
}  # fmt: skip


class LlamaEngine:
    """Owns at most one loaded model."""

    def __init__(self, cancel_requested: Callable[[], bool], log: LlamaLog | None = None) -> None:
        self._cancel_requested = cancel_requested
        self._log = log or LlamaLog()
        self._llm: Any = None
        self._info: ModelInfo | None = None
        self._gguf: GGUFInfo | None = None
        self._formatter: ChatFormatter | None = None
        self._abort_cb: Any = None
        self._abort_armed = False
        self._score_cache = ScoreCache()  # calibration of the last classify prompt

    # ---- loading -------------------------------------------------------------------------

    @property
    def model_info(self) -> ModelInfo | None:
        return self._info

    def load(
        self, params: LoadParams, on_progress: Callable[[float], None] | None = None
    ) -> ModelInfo:
        """Check the file, plan GPU layers and memory, then hand the file to llama.cpp.

        `on_progress` gets llama.cpp's load progress; a cancel request stops the load there.
        """
        params.validate()
        self.unload()
        started = time.perf_counter()
        gguf = inspect_gguf(params.model_path)  # raises a specific ModelFileError
        report = hardware.hardware_report()
        warnings: list[str] = []

        plan = hardware.plan_gpu_layers(
            params.n_gpu_layers, gguf, params.n_ctx, params.kv_type, report
        )
        warnings.extend(plan.warnings)
        _check_memory(gguf, params, plan.n_gpu_layers, report)
        if gguf.context_length and params.n_ctx > gguf.context_length:
            warnings.append(
                f"The context ({params.n_ctx} tokens) is longer than the model was trained for "
                f"({gguf.context_length}); answers may degrade past that point."
            )
        flash_mode = _flash_attention(params)

        import llama_cpp

        self._log.mark()
        type_kv = _GGML_TYPES[params.kv_type]
        cancelled = [False]

        def progress(fraction: float) -> bool:
            if self._cancel_requested():
                cancelled[0] = True
                return False  # llama.cpp stops loading and frees what it has
            if on_progress is not None:
                on_progress(fraction)
            return True

        try:
            with (
                _flash_attn_type(flash_mode) as flash,
                _load_progress(progress),
                _parallel_sequences(PARALLEL_SEQUENCES),
            ):
                llm = llama_cpp.Llama(
                    model_path=params.model_path,
                    n_ctx=params.n_ctx,
                    n_gpu_layers=plan.n_gpu_layers,
                    n_threads=params.threads,
                    n_threads_batch=params.threads,
                    n_batch=params.n_batch,
                    n_ubatch=min(params.n_batch, 512),
                    flash_attn=flash,
                    type_k=type_kv,
                    type_v=type_kv,
                    use_mmap=params.use_mmap,
                    use_mlock=params.use_mlock,
                    verbose=True,  # False would point fds 1 and 2 at /dev/null and hide an abort's cause
                )
        except (ValueError, RuntimeError, OSError) as exc:
            if cancelled[0]:
                raise CancelledError("Loading was cancelled.") from None
            raise _classify_load_failure(exc, gguf, params, self._log.since_mark()) from None

        self._llm = llm
        self._gguf = gguf
        lines = self._log.since_mark()
        offloaded = parse_offloaded(lines)
        n_off, n_total = offloaded if offloaded else (0, gguf.n_layers + 1)
        if plan.n_gpu_layers != 0 and n_off == 0:
            warnings.append(
                "The GPU was requested but llama.cpp put no layers on it; the model runs on the CPU."
            )
        bos, eos = _token_text(llm, llm.token_bos()), _token_text(llm, llm.token_eos())
        try:
            self._formatter = ChatFormatter.for_model(gguf.chat_template, bos, eos)
        except TemplateError as exc:
            warnings.append(f"{exc} It is ignored.")
            self._formatter = ChatFormatter.for_model(None, bos, eos)
        if self._formatter.warning:
            warnings.append(self._formatter.warning)
        self._install_abort_callback()
        self._info = ModelInfo(
            path=params.model_path,
            name=gguf.name,
            architecture=gguf.architecture,
            n_ctx=llm.n_ctx(),
            n_ctx_train=gguf.context_length or 0,
            n_layers=n_total,
            n_gpu_layers_requested=str(params.n_gpu_layers),
            n_gpu_layers_offloaded=n_off,
            backend=plan.backend if n_off else "CPU",
            chat_template_source=self._formatter.source,
            load_s=time.perf_counter() - started,
            warnings=tuple(warnings),
            notes=tuple(plan.notes),
            flash_attn=flash_mode,
            kv_type=params.kv_type,
        )
        return self._info

    def unload(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self._info = None
        self._gguf = None
        self._formatter = None
        self._score_cache.clear()

    close = unload

    # ---- tokens and budget ---------------------------------------------------------------

    def _require(self) -> Any:
        if self._llm is None:
            raise NoModelLoadedError("No model is loaded.")
        return self._llm

    def render(self, messages: list[Message] | tuple[Message, ...]) -> str:
        self._require()
        assert self._formatter is not None
        return self._formatter.render(messages)

    def tokenize_prompt(self, messages: list[Message] | tuple[Message, ...]) -> list[int]:
        llm = self._require()
        assert self._formatter is not None
        text = self._formatter.render(messages)
        bos = self._formatter.bos_token
        add_bos = bool(llm._model.add_bos_token()) and not (bos and text.startswith(bos))
        return list(llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True))

    def _tokenize_raw(self, text: str | None) -> list[int]:
        """A plain prompt as llama.cpp's server reads one: special tokens parsed, BOS if the model wants it."""
        llm = self._require()
        add_bos = bool(llm._model.add_bos_token())
        tokens = list(llm.tokenize((text or "").encode("utf-8"), add_bos=add_bos, special=True))
        if not tokens:
            bos = llm.token_bos()
            if bos < 0:
                raise GenerationError("The prompt is empty and the model has no start token.")
            tokens = [bos]
        return tokens

    def count_tokens(self, text: str) -> int:
        return len(self._require().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def budget(
        self, messages: list[Message] | tuple[Message, ...], max_tokens: int
    ) -> ContextBudget:
        llm = self._require()
        return ContextBudget(len(self.tokenize_prompt(messages)), max_tokens, llm.n_ctx())

    # ---- generation ----------------------------------------------------------------------

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Stream one answer: Token*, then Stats and Done; or Error. Never raises."""
        try:
            yield from self._chat(request)
        except AppError as exc:
            yield Error(exc)
        except TemplateError as exc:
            yield Error(GenerationError(str(exc)))

    def _chat(self, request: ChatRequest) -> Iterator[Event]:
        llm = self._require()
        assert self._formatter is not None
        sampling = request.sampling
        sampling.validate()
        started = time.perf_counter()
        raw = request.prompt is not None
        prompt = (
            self._tokenize_raw(request.prompt) if raw else self.tokenize_prompt(request.messages)
        )
        n_ctx = llm.n_ctx()
        if len(prompt) >= n_ctx:
            raise PromptTooLongError(
                f"The prompt is {len(prompt)} tokens long; the context holds {n_ctx}. "
                "Shorten the conversation or load the model with a larger context."
            )
        max_tokens = sampling.max_tokens
        if len(prompt) + max_tokens > n_ctx:
            max_tokens = n_ctx - len(prompt)
            yield Warning_(
                "answer_clamped",
                f"Only {max_tokens} tokens are left in the context for the answer "
                f"(asked for {sampling.max_tokens}).",
            )
        if self._formatter.warning and not raw:
            yield Warning_("template_fallback", self._formatter.warning)
        seed = sampling.seed if sampling.seed is not None else secrets.randbelow(2**31)
        template_stop = () if raw else self._formatter.stop
        stop = list(dict.fromkeys([*sampling.stop, *template_stop]))

        import llama_cpp

        llama_cpp.llama_perf_context_reset(llm.ctx)
        if self._cancel_requested():
            yield from self._finish_cancelled("", started, len(prompt), seed)
            return
        pieces: list[str] = []
        first_at: float | None = None
        last_at = 0.0
        finish = "length"
        n_sampled = 0
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stopper = StopMatcher(stop)
        vocab = llm._model.vocab
        piece = _PieceReader(vocab)
        # Only when asked: reading the logits costs a pass over the vocabulary per token.
        logprob = LogprobReader(llm, sampling.logprobs) if sampling.logprobs is not None else None
        llm.set_seed(seed)
        self._arm_abort(True)
        tokens = llm.generate(
            prompt,
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            temp=sampling.temperature,
            repeat_penalty=sampling.repeat_penalty,
            frequency_penalty=sampling.frequency_penalty,
            presence_penalty=sampling.presence_penalty,
            reset=True,  # reuses the longest cached prefix (a chat's earlier turns)
        )
        try:
            for token in tokens:
                if first_at is None:
                    first_at = time.perf_counter()
                    self._arm_abort(False)  # per-node Python callbacks would slow generation
                last_at = time.perf_counter()
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish = "stop"
                    break
                n_sampled += 1
                if logprob is not None:
                    yield logprob(token)
                text, hit = stopper.feed(decoder.decode(piece(token)))
                if text:
                    pieces.append(text)
                    yield Token(text)
                if hit:
                    finish = "stop"
                    break
                if self._cancel_requested():
                    finish = "cancelled"
                    break
                if n_sampled >= max_tokens:
                    break
        except RuntimeError as exc:
            if "llama_decode returned 2" in str(exc) or self._cancel_requested():
                finish = "cancelled"  # llama.cpp's abort callback stopped the prompt
            else:
                raise GenerationError(f"llama.cpp failed while generating: {exc}") from None
        finally:
            self._arm_abort(False)
            tokens.close()
        if not stopper.stopped:
            tail = stopper.flush()  # bytes of a character cut off by max tokens are dropped
            if tail:
                pieces.append(tail)
                yield Token(tail)
        yield self._stats(started, first_at, last_at, len(prompt), n_sampled, seed)
        yield Done(finish, "".join(pieces))

    # ---- classification ------------------------------------------------------------------

    def classify(self, request: ClassifyRequest) -> Iterator[ItemScore | ClassifyReport]:
        """Label probabilities per text (see scoring.py): ItemScore per text, then the report."""
        llm = self._require()
        assert self._formatter is not None
        try:
            yield from classify_items(
                llm,
                self._formatter,
                request,
                cancel_requested=self._cancel_requested,
                arm_abort=self._arm_abort,
                cache=self._score_cache,
            )
        except TemplateError as exc:
            raise GenerationError(str(exc)) from None

    def _finish_cancelled(
        self, text: str, started: float, n_prompt: int, seed: int
    ) -> Iterator[Event]:
        yield self._stats(started, None, 0.0, n_prompt, 0, seed)
        yield Done("cancelled", text)

    def _stats(
        self,
        started: float,
        first_at: float | None,
        last_at: float,
        n_prompt: int,
        n_sampled: int,
        seed: int,
    ) -> Stats:
        """Prompt speed from llama.cpp's own timer; generation speed as the user sees it (wall clock)."""
        import llama_cpp

        perf = llama_cpp.llama_perf_context(self._llm.ctx)
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

    # ---- cancel --------------------------------------------------------------------------

    def _install_abort_callback(self) -> None:
        import llama_cpp

        @llama_cpp.ggml_abort_callback
        def _abort(_data: ctypes.c_void_p) -> bool:
            return bool(self._cancel_requested())

        self._abort_cb = _abort  # ctypes keeps no reference of its own
        self._abort_armed = False

    def _arm_abort(self, armed: bool) -> None:
        """The abort callback runs for every graph node: arm it only while a prompt is processed."""
        if armed == self._abort_armed or self._llm is None:
            return
        import llama_cpp

        callback = self._abort_cb if armed else llama_cpp.ggml_abort_callback()
        llama_cpp.llama_set_abort_callback(self._llm.ctx, callback, ctypes.c_void_p(0))
        self._abort_armed = armed


class _PieceReader:
    """A token's bytes, with one reused buffer (llama-cpp-python's helper returns padding too)."""

    def __init__(self, vocab: Any) -> None:
        import llama_cpp

        self._fn = llama_cpp.llama_token_to_piece
        self._vocab = vocab
        self._buf = ctypes.create_string_buffer(64)

    def __call__(self, token: int) -> bytes:
        n = self._fn(self._vocab, token, self._buf, len(self._buf), 0, False)
        if n < 0:
            self._buf = ctypes.create_string_buffer(-n)
            n = self._fn(self._vocab, token, self._buf, len(self._buf), 0, False)
        return self._buf.raw[:n]


def _token_text(llm: Any, token: int) -> str:
    if token < 0:
        return ""
    try:
        return str(llm._model.token_get_text(token))
    except Exception:
        return ""


def _flash_attention(params: LoadParams) -> str:
    """Resolve "auto" to what llama.cpp can do; refuse a quantized V cache without it."""
    quantized_v = params.kv_type not in ("f16", "f32", "bf16")
    if params.flash_attn == "off" and quantized_v:
        raise ValueError(
            f"A {params.kv_type} KV cache needs flash attention; turn it on or use f16."
        )
    return params.flash_attn


@contextlib.contextmanager
def _load_progress(report: Callable[[float], bool]) -> Iterator[None]:
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
def _parallel_sequences(n_seq: int) -> Iterator[None]:
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
def _flash_attn_type(mode: str) -> Iterator[bool]:
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


def _check_memory(
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


def _classify_load_failure(
    exc: Exception, gguf: GGUFInfo, params: LoadParams, lines: list[str]
) -> AppError:
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
