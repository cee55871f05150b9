"""The short measurement behind speed.py's figures: six synthetic models run once through the
engine (a few seconds on a quiet machine), the figures kept with the machine's facts.

- Overhead: a model of PROBE_LAYERS narrow layers reads almost nothing per token, so its time per
  generated token is nearly all fixed work (graph, thread waits, sampling, detokenizing); what
  its bytes take at the measured bandwidth is subtracted, the rest divided by its layers.
- Prompt rate: a wide, shallow model reads a prompt of PROMPT_TOKENS; its prompt tokens/s times
  its parameters is the rate the prediction divides by another model's parameters.
- Generation rate by width: 4-bit models of widths 512, 1024 and 2048 (WIDTHS: 55 to 120 MB,
  larger than the caches) generate; each one's bytes per second, less its layers' overhead, is
  the rate at which a model of that width gets through its weights here, RAM and arithmetic
  together. On few cores the arithmetic weighs as much as the RAM, and short rows cost more per
  byte (a dot product's set-up and sums): measured on two cores, the starter's 576-wide layers go
  through about 10 GB/s, a 2048-wide model 22 GB/s, from the same RAM. models/speed.py reads a
  model's rate off this curve.

The figures are kept by models/speed.py (MachineSpeed.layer_overhead_s, .prompt_rate, ...); the
catalog view and the command line measure what is missing (core/controllers/machine_speed.py:
`probed_speed`). The models are written with the gguf package (zero weights: their speed is the
same as any, checked against random ones; greedy sampling then repeats one token, never the end of
text), in a temporary folder, and run in the engine process like any model. A few seconds in all; call it off the GUI thread.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

__all__ = ["PROBE_LAYERS", "ProbeResult", "measure_probe", "write_probe_model"]

PROBE_LAYERS = 32  # about a small model's depth, so the overhead per layer is measured in place
PROBE_TOKENS = 32
PROMPT_TOKENS = 128
RUNS = 3  # best of: other programs only ever slow a run down
VOCAB = 65536  # the vocabulary probe's (the narrow one's: SMALL_VOCAB)
SMALL_VOCAB = 3 + 256 + 1 + 26  # control, bytes, "▁", letters
WIDE = (2, 1024, 2816)  # layers, width, feed-forward width: the prompt-rate model
WIDTHS = ((30, 512, 1408), (8, 1024, 2816), (4, 2048, 5632))  # generation-rate models, > 32 MB


@dataclasses.dataclass(frozen=True)
class ProbeResult:
    layer_overhead_s: float
    prompt_rate: float
    gen_rate: float  # parameters x tokens/s of the 4-bit wide model generating, less overhead
    token_s: float  # the narrow model's time per generated token, as measured
    bytes_s: float  # of that, what its bytes take at the bandwidth
    width_rates: tuple[tuple[int, float], ...] = ()  # (width, bytes/s generating, less overhead)
    vocab_overhead_s: float = 0.0  # per token and vocabulary entry: sampling over the logits


def write_probe_model(
    path: Path, *, n_layers: int, n_embd: int, n_ff: int, q4: bool = False, vocab: int = 0
) -> tuple[Path, int]:
    """A llama-architecture GGUF with zero weights (f16, or Q4_0 matrices with `q4`: the common
    kind of file) and a byte-level SentencePiece vocabulary; returns the path and parameters."""
    import numpy as np
    from gguf import GGMLQuantizationType, GGUFWriter, LlamaFileType, TokenType

    tokens = ["<unk>", "<s>", "</s>", *(f"<0x{b:02X}>" for b in range(256)), "▁"]
    tokens += [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in tokens]
    types = [TokenType.NORMAL, TokenType.CONTROL, TokenType.CONTROL]
    types += [TokenType.BYTE] * 256 + [TokenType.NORMAL] * (len(tokens) - 259)
    eos = 2
    if vocab > len(tokens):  # sampled from: the end of text last, where top-k never reaches
        tokens[eos], types[eos] = "<pad>", TokenType.UNUSED
        fill = vocab - len(tokens) - 1
        tokens += [f"t{i}" for i in range(fill)] + ["</s>"]
        types += [TokenType.NORMAL] * fill + [TokenType.CONTROL]
        eos = len(tokens) - 1
    n_head = max(1, n_embd // 64)
    w = GGUFWriter(str(path), "llama")
    w.add_name("Hearth speed probe")
    w.add_file_type(LlamaFileType.MOSTLY_F16)
    w.add_context_length(2048)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layers)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_rope_dimension_count(n_embd // n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(len(tokens))
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores([0.0] * len(tokens))
    w.add_token_types([int(t) for t in types])
    w.add_bos_token_id(1)
    w.add_eos_token_id(eos)
    w.add_unk_token_id(0)
    params = 0

    def add(name: str, *shape: int, dtype: type = np.float16) -> None:
        nonlocal params
        params += int(np.prod(shape))
        if q4 and len(shape) == 2 and "blk." in name:
            # Q4_0 blocks of 32 weights in 18 bytes; all zero: a zero scale, so zero weights
            rows, cols = shape
            raw = np.zeros((rows, cols // 32 * 18), dtype=np.uint8)
            w.add_tensor(name, raw, raw_dtype=GGMLQuantizationType.Q4_0)
            return
        w.add_tensor(name, np.zeros(shape, dtype=dtype))

    add("token_embd.weight", len(tokens), n_embd)
    for i in range(n_layers):
        b = f"blk.{i}"
        add(f"{b}.attn_norm.weight", n_embd, dtype=np.float32)
        for part in ("attn_q", "attn_k", "attn_v", "attn_output"):
            add(f"{b}.{part}.weight", n_embd, n_embd)
        add(f"{b}.ffn_norm.weight", n_embd, dtype=np.float32)
        add(f"{b}.ffn_gate.weight", n_ff, n_embd)
        add(f"{b}.ffn_up.weight", n_ff, n_embd)
        add(f"{b}.ffn_down.weight", n_embd, n_ff)
    add("output_norm.weight", n_embd, dtype=np.float32)
    add("output.weight", len(tokens), n_embd)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path, params


def measure_probe(
    bandwidth: float, threads: int, efficiency: float, log_dir: Path | None = None
) -> ProbeResult:
    """Run the synthetic models (about 250 MB in a temporary folder) in a fresh engine process;
    `bandwidth` as measured and the share of it a copy-bound read reaches (CPU_EFFICIENCY), used
    only to take the narrow models' own bytes out of their times."""
    from desktop_app.core.engine.client import EngineClient
    from desktop_app.core.engine.events import Stats
    from desktop_app.core.engine.params import ChatRequest, LoadParams

    with tempfile.TemporaryDirectory(prefix="hearth-probe-") as tmp:
        narrow, _ = write_probe_model(
            Path(tmp) / "narrow.gguf", n_layers=PROBE_LAYERS, n_embd=64, n_ff=128
        )
        big_vocab, _ = write_probe_model(
            Path(tmp) / "vocab.gguf", n_layers=PROBE_LAYERS, n_embd=64, n_ff=128, vocab=VOCAB
        )
        wide, wide_params = _write_q4(Path(tmp) / "wide.gguf", WIDE)
        curve = [(shape, _write_q4(Path(tmp) / f"gen{shape[1]}.gguf", shape)) for shape in WIDTHS]
        engine = EngineClient(log_dir=log_dir or Path(tmp)).start()
        try:

            def rates(
                model: Path, prompt: str, max_tokens: int, sample: bool = False
            ) -> tuple[float, float]:
                """The best generation and prompt tokens/s of RUNS runs; each run's prompt
                starts with another letter, so no run reuses the last one's cached prompt.
                `sample`: the app's default sampling (temperature, top-k, min-p, penalties),
                else greedy."""
                engine.load(LoadParams(str(model), n_ctx=1024, n_threads=threads)).result(120)
                gen, read = 0.0, 0.0
                for run in range(RUNS):
                    greedy = {} if sample else {"temperature": 0.0, "repeat_penalty": 1.0}
                    request = ChatRequest.completion(
                        "abcdefgh"[run % 8] + prompt, max_tokens=max_tokens, seed=1, **greedy
                    )
                    events = list(engine.chat(request).events(timeout=120))
                    got = next(e for e in events if isinstance(e, Stats))
                    gen, read = max(gen, got.gen_tps), max(read, got.prompt_tps)
                return gen, read

            narrow_tps, _ = rates(narrow, "ab", PROBE_TOKENS)
            vocab_tps, _ = rates(big_vocab, "ab", PROBE_TOKENS, sample=True)
            # a prompt of about PROMPT_TOKENS tokens (letters are one token each here)
            wide_tps, wide_prompt_tps = rates(wide, "ab" * (PROMPT_TOKENS // 2), PROBE_TOKENS // 2)
            gen_tps = [  # (shape, file size, tokens/s)
                (shape, model.stat().st_size, rates(model, "ab", PROBE_TOKENS)[0])
                for shape, (model, _) in curve
            ]
        finally:
            engine.close()
        narrow_bytes = narrow.stat().st_size
        vocab_bytes = (VOCAB - SMALL_VOCAB) * 64 * 2  # the output's extra f16 rows, read per token
    token_s = 1 / max(narrow_tps, 1e-9)
    bytes_s = narrow_bytes / (bandwidth * efficiency)
    overhead = max(0.0, token_s - bytes_s) / PROBE_LAYERS
    wide_s = 1 / max(wide_tps, 1e-9) - WIDE[0] * overhead
    gen_rate = _weights(*WIDE) / max(wide_s, 1e-9)
    width_rates = tuple(
        (shape[1], size / max(1 / max(tps, 1e-9) - shape[0] * overhead, 1e-9))
        for shape, size, tps in gen_tps
    )
    # the large vocabulary's extra time, less its output's extra bytes at the bandwidth
    vocab_s = 1 / max(vocab_tps, 1e-9) - token_s - vocab_bytes / (bandwidth * efficiency)
    vocab_overhead = max(0.0, vocab_s) / (VOCAB - SMALL_VOCAB)
    return ProbeResult(
        overhead, wide_prompt_tps * wide_params, gen_rate, token_s, bytes_s, width_rates,
        vocab_overhead,
    )  # fmt: skip


def _write_q4(path: Path, shape: tuple[int, int, int]) -> tuple[Path, int]:
    return write_probe_model(path, n_layers=shape[0], n_embd=shape[1], n_ff=shape[2], q4=True)


def _weights(n_layers: int, n_embd: int, n_ff: int) -> int:
    return n_layers * (4 * n_embd * n_embd + 3 * n_embd * n_ff)
