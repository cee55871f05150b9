"""The in-process engine: one Llama object, its load options, chat streaming, cancel, stats.

It is not thread-safe (neither is llama.cpp's context): the engine process's main loop is its
only caller. Cancel comes from outside through `cancel_requested`, which is read between tokens
and, while a prompt is being processed, by llama.cpp's abort callback.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

from desktop_app.core.engine import hardware, messages
from desktop_app.core.engine.chat_template import ChatFormatter, TemplateError
from desktop_app.core.engine.embeddings import Embedder
from desktop_app.core.engine.events import (
    ClassifyReport,
    ContextBudget,
    Done,
    Error,
    Event,
    ItemScore,
    ModelInfo,
    Token,
    Warning_,
)
from desktop_app.core.engine.grammar import constrain
from desktop_app.core.engine.label_scores import ClassifyRequest
from desktop_app.core.engine.llama_log import LlamaLog, parse_memory, parse_offloaded
from desktop_app.core.engine.llama_setup import (
    GGML_TYPES,
    AbortSwitch,
    PieceReader,
    check_memory,
    flash_attn_type,
    generation_stats,
    load_failure,
    load_progress,
    parallel_sequences,
    resolve_flash_attention,
    token_text,
    tokenize_raw,
)
from desktop_app.core.engine.logprobs import LogprobReader
from desktop_app.core.engine.params import ChatRequest, LoadParams, Message, OutputFormat
from desktop_app.core.engine.scoring import ScoreCache, classify_items
from desktop_app.core.engine.stop import StopMatcher
from desktop_app.core.engine.token_stream import TokenText, read_prompt
from desktop_app.core.engine.tool_prompt import render_chat
from desktop_app.core.errors import (
    AppError,
    CancelledError,
    GenerationError,
    NoModelLoadedError,
    PromptTooLongError,
)
from desktop_app.core.gguf_reader import GGUFInfo, inspect_gguf

Messages = list[Message] | tuple[Message, ...]
# Sequences in the context: classification scores this many texts per decode (scoring.py).
PARALLEL_SEQUENCES = 8


class LlamaEngine:
    """Owns at most one loaded model."""

    def __init__(self, cancel_requested: Callable[[], bool], log: LlamaLog | None = None) -> None:
        self._cancel_requested = cancel_requested
        self._log = log or LlamaLog()
        self._llm: Any = None
        self._info: ModelInfo | None = None
        self._gguf: GGUFInfo | None = None
        self._formatter: ChatFormatter | None = None
        self._abort = AbortSwitch(cancel_requested)
        self._score_cache = ScoreCache()  # calibration of the last classify prompt
        self.embedder = Embedder(cancel_requested)  # its life follows load/unload (worker.py)

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
        check_memory(gguf, params, plan.n_gpu_layers, report)
        if gguf.context_length and params.n_ctx > gguf.context_length:
            warnings.append(
                f"The context ({params.n_ctx} tokens) is longer than the model was trained for "
                f"({gguf.context_length}); answers may degrade past that point."
            )
        flash_mode = resolve_flash_attention(params)

        import llama_cpp

        self._log.mark()
        type_kv = GGML_TYPES[params.kv_type]
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
                flash_attn_type(flash_mode) as flash,
                load_progress(progress),
                parallel_sequences(PARALLEL_SEQUENCES),
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
                raise CancelledError(messages.LOAD_CANCELLED) from None
            raise load_failure(exc, gguf, params, self._log.since_mark()) from None

        self._llm, self._gguf = llm, gguf
        lines = self._log.since_mark()
        offloaded = parse_offloaded(lines)
        n_off, n_total = offloaded if offloaded else (0, gguf.n_layers + 1)
        if plan.n_gpu_layers != 0 and n_off == 0:
            warnings.append(
                "The GPU was requested but llama.cpp put no layers on it; the model runs on the CPU."
            )
        bos, eos = token_text(llm, llm.token_bos()), token_text(llm, llm.token_eos())
        try:
            self._formatter = ChatFormatter.for_model(gguf.chat_template, bos, eos)
        except TemplateError as exc:
            warnings.append(f"{exc} It is ignored.")
            self._formatter = ChatFormatter.for_model(None, bos, eos)
        if self._formatter.warning:
            warnings.append(self._formatter.warning)
        self._abort.install(llm.ctx)
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
            n_vocab=llm.n_vocab(),
            memory=parse_memory(lines, ubatch=min(params.n_batch, 512)),  # what llama.cpp took
        )
        return self._info

    def unload(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self._abort.install(None)
        self._info = None
        self._gguf = None
        self._formatter = None
        self._score_cache.clear()

    close = unload

    # ---- tokens and budget ---------------------------------------------------------------

    def require(self) -> Any:  # the loaded Llama (the tokenizer's requests use it, tokens.py)
        if self._llm is None:
            raise NoModelLoadedError(messages.NO_MODEL)
        return self._llm

    def render(self, messages: list[Message] | tuple[Message, ...]) -> str:
        self.require()
        assert self._formatter is not None
        return render_chat(self._formatter, messages, None)  # tool parts as the model sees them

    def tokenize_prompt(self, messages: Messages, output: OutputFormat | None = None) -> list[int]:
        llm = self.require()
        assert self._formatter is not None
        text = render_chat(self._formatter, messages, output)  # with the tools, if any
        bos = self._formatter.bos_token
        add_bos = bool(llm._model.add_bos_token()) and not (bos and text.startswith(bos))
        return list(llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True))

    def count_tokens(self, text: str) -> int:
        return len(self.require().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def budget(self, messages: Messages, max_tokens: int) -> ContextBudget:
        llm = self.require()
        return ContextBudget(len(self.tokenize_prompt(messages)), max_tokens, llm.n_ctx())

    # ---- generation ----------------------------------------------------------------------

    def chat(self, request: ChatRequest) -> Iterator[Event]:
        """Stream one answer: PromptProgress*, Token*, then Stats and Done; or Error. Never raises."""
        try:
            yield from self._chat(request)
        except AppError as exc:
            yield Error(exc)
        except TemplateError as exc:
            yield Error(GenerationError(str(exc)))

    def _chat(self, request: ChatRequest) -> Iterator[Event]:
        llm = self.require()
        assert self._formatter is not None
        sampling = request.sampling
        sampling.validate()
        started = time.perf_counter()
        constrained = constrain(llm, request.output)  # a bad schema fails here (grammar.py)
        raw, messages, out = request.prompt is not None, request.messages, request.output
        prompt = tokenize_raw(llm, request.prompt) if raw else self.tokenize_prompt(messages, out)
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
            yield generation_stats(llm, started, None, 0.0, len(prompt), 0, seed)
            yield Done("cancelled", "")
            return
        pieces: list[str] = []
        first_at: float | None = None
        last_at = 0.0
        finish = "length"
        n_sampled = 0
        decoder = TokenText()
        stopper = StopMatcher(stop)
        vocab = llm._model.vocab
        piece = PieceReader(vocab)
        # Only when asked: reading the logits costs a pass over the vocabulary per token.
        logprob = LogprobReader(llm, sampling.logprobs) if sampling.logprobs is not None else None
        llm.set_seed(seed)
        self._abort.arm(True)
        tokens: Any = None
        try:
            # The prompt batch by batch, so a long one reports progress (token_stream.py).
            yield from read_prompt(llm, prompt, self._cancel_requested)
            if self._cancel_requested():
                finish = "cancelled"
            else:
                tokens = constrained.generate(  # llm.generate, under the grammar if one is asked
                    prompt,
                    top_k=sampling.top_k,
                    top_p=sampling.top_p,
                    min_p=sampling.min_p,
                    temp=sampling.temperature,
                    repeat_penalty=sampling.repeat_penalty,
                    frequency_penalty=sampling.frequency_penalty,
                    presence_penalty=sampling.presence_penalty,
                    reset=True,  # the prompt is cached now: it samples at once
                )
            for token in tokens or ():
                if first_at is None:
                    first_at = time.perf_counter()
                    self._abort.arm(False)  # per-node Python callbacks would slow generation
                last_at = time.perf_counter()
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    finish = "stop"
                    break
                n_sampled += 1
                if logprob is not None:
                    yield logprob(token)
                text, hit = stopper.feed(decoder.feed(piece(token)))
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
            self._abort.arm(False)
            if tokens is not None:
                tokens.close()
        if not stopper.stopped:
            tail = stopper.flush()  # bytes of a character cut off by max tokens are dropped
            if tail:
                pieces.append(tail)
                yield Token(tail)
        yield generation_stats(llm, started, first_at, last_at, len(prompt), n_sampled, seed)
        yield Done(finish, "".join(pieces), stopper.matched)

    # ---- classification ------------------------------------------------------------------

    def classify(self, request: ClassifyRequest) -> Iterator[ItemScore | ClassifyReport]:
        """Label probabilities per text (see scoring.py): ItemScore per text, then the report."""
        llm = self.require()
        assert self._formatter is not None
        try:
            yield from classify_items(
                llm,
                self._formatter,
                request,
                cancel_requested=self._cancel_requested,
                arm_abort=self._abort.arm,
                cache=self._score_cache,
            )
        except TemplateError as exc:
            raise GenerationError(str(exc)) from None
