"""The short measurement behind speed.py's overhead and prompt figures: two synthetic models run
once through the engine, the figures kept with the machine's facts.

- Overhead: a model of PROBE_LAYERS narrow layers reads almost nothing per token, so its time per
  generated token is nearly all fixed work (graph, thread waits, sampling, detokenizing); what
  its bytes take at the measured bandwidth is subtracted, the rest divided by its layers.
- Prompt rate: a wide, shallow model reads a prompt of PROMPT_TOKENS; its prompt tokens/s times
  its parameters is the rate the prediction divides by another model's parameters.

The figures are kept by models/speed.py (MachineSpeed.layer_overhead_s, .prompt_rate); the
command line's `probed_speed` (cli_models_hub.py) measures what is missing. The models are
written with the gguf package (zero weights: their speed is the same as any, and
greedy sampling then repeats one token, never the end of text), in a temporary folder, and run in
the engine process like any model. A few seconds in all; call it off the GUI thread.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

__all__ = ["PROBE_LAYERS", "ProbeResult", "measure_probe", "write_probe_model"]

PROBE_LAYERS = 32  # about a small model's depth, so the overhead per layer is measured in place
PROBE_TOKENS = 32
PROMPT_TOKENS = 128
RUNS = 2  # best of: other programs only ever slow a run down


@dataclasses.dataclass(frozen=True)
class ProbeResult:
    layer_overhead_s: float
    prompt_rate: float
    gen_rate: float  # parameters x tokens/s of the 4-bit wide model generating, less overhead
    token_s: float  # the narrow model's time per generated token, as measured
    bytes_s: float  # of that, what its bytes take at the bandwidth


def write_probe_model(
    path: Path, *, n_layers: int, n_embd: int, n_ff: int, q4: bool = False
) -> tuple[Path, int]:
    """A llama-architecture GGUF with zero weights (f16, or Q4_0 matrices with `q4`: the common
    kind of file) and a byte-level SentencePiece vocabulary; returns the path and parameters."""
    import numpy as np
    from gguf import GGMLQuantizationType, GGUFWriter, LlamaFileType, TokenType, quants

    tokens = ["<unk>", "<s>", "</s>", *(f"<0x{b:02X}>" for b in range(256)), "▁"]
    tokens += [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in tokens]
    types = [TokenType.NORMAL, TokenType.CONTROL, TokenType.CONTROL]
    types += [TokenType.BYTE] * 256 + [TokenType.NORMAL] * (len(tokens) - 259)
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
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    params = 0

    def add(name: str, *shape: int, dtype: type = np.float16) -> None:
        nonlocal params
        params += int(np.prod(shape))
        if q4 and len(shape) == 2 and "blk." in name:
            q = quants.quantize(np.zeros(shape, np.float32), GGMLQuantizationType.Q4_0)
            w.add_tensor(name, q, raw_dtype=GGMLQuantizationType.Q4_0)
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
    """Run both synthetic models in a fresh engine process; `bandwidth` as measured and the
    share of it weight streaming reaches (models/speed.py: CPU_EFFICIENCY)."""
    from desktop_app.core.engine.client import EngineClient
    from desktop_app.core.engine.events import Stats
    from desktop_app.core.engine.params import ChatRequest, LoadParams

    with tempfile.TemporaryDirectory(prefix="hearth-probe-") as tmp:
        narrow, _ = write_probe_model(
            Path(tmp) / "narrow.gguf", n_layers=PROBE_LAYERS, n_embd=64, n_ff=128
        )
        wide, wide_params = write_probe_model(
            Path(tmp) / "wide.gguf", n_layers=2, n_embd=1024, n_ff=2816, q4=True
        )
        engine = EngineClient(log_dir=log_dir or Path(tmp)).start()
        try:

            def rates(model: Path, prompt: str, max_tokens: int) -> tuple[float, float]:
                """The best generation and prompt tokens/s of RUNS runs; each run's prompt
                starts with another letter, so no run reuses the last one's cached prompt."""
                engine.load(LoadParams(str(model), n_ctx=1024, n_threads=threads)).result(120)
                gen, read = 0.0, 0.0
                for run in range(RUNS):
                    request = ChatRequest.completion(
                        "abcdefgh"[run % 8] + prompt,
                        max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.0, seed=1,
                    )  # fmt: skip
                    events = list(engine.chat(request).events(timeout=120))
                    got = next(e for e in events if isinstance(e, Stats))
                    gen, read = max(gen, got.gen_tps), max(read, got.prompt_tps)
                return gen, read

            narrow_tps, _ = rates(narrow, "ab", PROBE_TOKENS)
            # a prompt of about PROMPT_TOKENS tokens (letters are one token each here)
            wide_tps, wide_prompt_tps = rates(wide, "ab" * (PROMPT_TOKENS // 2), PROBE_TOKENS // 2)
        finally:
            engine.close()
        narrow_bytes = narrow.stat().st_size
    token_s = 1 / max(narrow_tps, 1e-9)
    bytes_s = narrow_bytes / (bandwidth * efficiency)
    overhead = max(0.0, token_s - bytes_s) / PROBE_LAYERS
    wide_s = 1 / max(wide_tps, 1e-9) - 2 * overhead
    gen_rate = wide_params / max(wide_s, 1e-9)
    return ProbeResult(overhead, wide_prompt_tps * wide_params, gen_rate, token_s, bytes_s)
