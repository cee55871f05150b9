"""`hearth inspect MODEL`: how a model is built and what it costs, from its header alone.

    hearth inspect MODEL [--ctx N] [--kv-type T] [--json]

No weights are loaded, so it takes milliseconds and works on a file too big for this computer.
The chat template is rendered on a sample conversation in the sandboxed Jinja environment, on a
worker with a time limit: a model file is untrusted, and a template that loops for ever must not
hang the command (it is reported instead).
"""

from __future__ import annotations

import argparse
import json

from desktop_app.cli_output import width
from desktop_app.core.controllers.inspector import render_sample
from desktop_app.core.gguf_facts import KV_CACHE_TYPES
from desktop_app.core.models.anatomy import Anatomy, Memory, inspect_model
from desktop_app.core.models.model_files import format_size
from desktop_app.core.models.resolve import resolve_model
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Load


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "inspect",
        help="show how a model is built and what it costs in memory (header only, no load)",
        description="Read a GGUF header: architecture, layers, attention and KV heads, widths, "
        "RoPE, vocabulary and tokenizer, the chat template rendered on a sample, tensor types, "
        "and the memory a load at --ctx takes (weights, KV cache, compute buffer).",
    )
    p.add_argument("model", metavar="MODEL",
                   help="a .gguf path, a name in the models folder, or 'starter'")  # fmt: skip
    p.add_argument("--ctx", type=int, metavar="N",
                   help="context for the memory figures (default: the app's setting)")  # fmt: skip
    p.add_argument("--kv-type", choices=sorted(KV_CACHE_TYPES), metavar="T",
                   help="KV cache type for the memory figures (default: the app's setting)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def run(args: argparse.Namespace, settings: Settings) -> int:
    model = resolve_model(args.model, settings)
    anatomy = inspect_model(model)
    ctx = args.ctx if args.ctx is not None else settings.value(Load.n_ctx)
    if ctx <= 0:
        raise ValueError("--ctx must be 1 or more")
    kv_type = args.kv_type or settings.value(Load.kv_type) or "f16"
    rendered, render_problem = render_sample(anatomy)
    if args.json:
        out = anatomy.to_json(ctx, kv_type)
        out["chat_template_sample"] = rendered
        out["chat_template_problem"] = render_problem
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(describe(anatomy, anatomy.memory(ctx, kv_type), rendered, render_problem))
    return 0


def describe(a: Anatomy, memory: Memory, rendered: str | None, problem: str | None) -> str:
    """The terminal view: the stack top to bottom, then tokenizer, tensors, memory, template."""
    lines = [
        f"{a.name}: {a.architecture}, {a.size_label} parameters ({a.parameters:,}), "
        f"{a.quantization}, {format_size(a.file_size)}",
        "",
        f"  input      {a.vocab or '?'} tokens -> embedding of width {a.embedding}",
        f"  {a.layers} x block",
        f"    attention  {a.heads} heads, {a.kv_heads} KV heads"
        + (f" (grouped-query, {a.gqa_ratio:g} heads share each KV head)" if a.gqa_ratio and a.gqa_ratio > 1 else "")
        + f", head dim {a.head_dim}",
        f"    feed-forward  {a.embedding} -> {a.feed_forward or '?'} -> {a.embedding}"
        + (f", {a.experts} experts ({a.experts_used} used per token)" if a.experts else ""),
        f"  output     width {a.embedding} -> {a.vocab or '?'} token scores",
        "",
    ]  # fmt: skip
    rope = a.rope
    rows: list[tuple[str, str]] = [
        ("context (trained)", f"{a.context_train or '?'}"),
        ("RoPE", _rope(rope.freq_base, rope.dimension, rope.scaling, rope.scaling_factor)),
        ("tokenizer", f"{a.tokenizer or '?'}" + (f" ({a.tokenizer_pre})" if a.tokenizer_pre else "")),
        ("special tokens", ", ".join(f"{k} {t!r} ({i})" for k, (i, t) in a.special_tokens.items()) or "none"),
    ]  # fmt: skip
    if a.sliding_window:
        rows.append(("sliding window", str(a.sliding_window)))
    for key, value in a.extra.items():
        rows.append((key, value))
    tensors = ", ".join(
        f"{t} x{n} ({format_size(a.tensor_type_bytes.get(t, 0))})"
        for t, n in a.tensor_types.items()
    )
    rows.append(("tensors", f"{a.tensor_count}: {tensors}"))
    rows.append((
        f"memory at ctx {memory.ctx}, KV {memory.kv_type}",
        f"weights {format_size(memory.weights_bytes)} + KV cache "
        f"{format_size(memory.kv_cache_bytes)} + compute {format_size(memory.compute_bytes)} "
        f"= {format_size(memory.total_bytes)}",
    ))  # fmt: skip
    table = _table(rows)
    template = (
        "chat template: none in the file (the app uses a generic one)"
        if not a.chat_template
        else f"chat template ({len(a.chat_template):,} characters), on a sample conversation:\n"
        + (_indent(rendered) if rendered is not None else f"  {problem}")
    )
    return "\n".join([*lines, table, "", template])


def _rope(base: float | None, dims: int | None, scaling: str | None, factor: float | None) -> str:
    parts = [f"base {base:g}" if base else "base ?"]
    if dims:
        parts.append(f"{dims} dims")
    if scaling and scaling != "none":
        parts.append(f"{scaling} scaling" + (f" x{factor:g}" if factor else ""))
    return ", ".join(parts)


def _table(rows: list[tuple[str, str]]) -> str:
    wide = max(width(label) for label, _ in rows)
    return "\n".join(f"  {label}{' ' * (wide - width(label))}  {value}" for label, value in rows)


def _indent(text: str) -> str:
    return "\n".join("  | " + line for line in text.splitlines())
