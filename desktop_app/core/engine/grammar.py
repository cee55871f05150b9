"""Grammars that make an answer parse: any JSON object, a JSON schema, or tool calls.

Built here, in the engine process, because the grammar is a llama.cpp sampler: it joins the
sampler chain of the engine's own token loop (`Llama.generate(grammar=...)`), so every sampled
token keeps the answer inside the grammar and the answer parses by construction. A schema becomes
GBNF through llama-cpp-python's `SchemaConverter` (remote `$ref`s are never fetched), then
llama.cpp parses it once here, so a schema it refuses is a clear error (SchemaError, an HTTP 400
in the server) before any token, never a crash in the sampler. Repetition counts are bounded
first: llama.cpp expands `x{0,N}` into N rules.

Tool calls are written as `<tool_call>{"name": …, "arguments": {…}}</tool_call>`, the format of
the Hermes/Qwen templates (tool_prompt.py tells a model whose template has no tools about it).
With `tool_choice` "required" or a named function the whole answer is that grammar (a named
function: one call of it; "required": one, or several with `parallel_tool_calls`). With "auto"
the grammar is lazy: llama.cpp leaves the answer free until `<tool_call>` appears, then constrains
the rest. A plain answer thus costs nothing (a grammar over every token of free text halves the
speed on this machine), and a call still parses. llama-cpp-python's `generate` builds its sampler
with `llama_sampler_init_grammar` only; for a lazy grammar that function is swapped for the lazy
one while `generate` builds its sampler (on its first step), in the single-threaded engine.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from desktop_app.core.engine import messages
from desktop_app.core.engine.params import OutputFormat
from desktop_app.core.errors import AppError

TOOL_OPEN = "<tool_call>"
TOOL_CLOSE = "</tool_call>"
# Everything up to the first "<tool_call>" stays free; the grammar takes over from there.
LAZY_TRIGGER = r"[\s\S]*?(<tool_call>[\s\S]*)"
MAX_REPEAT = 1000  # minItems/maxItems/minLength/maxLength: llama.cpp expands each into rules
MAX_GRAMMAR_CHARS = 256_000
_REPEAT_KEYS = ("minItems", "maxItems", "minLength", "maxLength")


class SchemaError(AppError):
    """A schema or tool definition that cannot become a grammar (the client's to fix)."""

    kind = "invalid_schema"


@dataclass(frozen=True)
class Grammar:
    gbnf: str
    lazy: bool  # "auto" tools: free text until <tool_call>


def build(output: OutputFormat | None) -> Grammar | None:
    """The grammar for `output` (None: free text); SchemaError says what is wrong."""
    if output is None:
        return None
    if output.kind == "json_object":
        return Grammar(_convert([({"type": "object"}, "")]), False)
    if output.kind == "json_schema":
        schema = load_json(output.schema, messages.SCHEMA_NOT_JSON)
        if not isinstance(schema, dict):
            raise SchemaError(messages.SCHEMA_NOT_OBJECT)
        return Grammar(_convert([(schema, "")]), False)
    if output.kind == "tools":
        if output.tool_choice == "none":
            return None
        return _tools_grammar(output)
    raise SchemaError(messages.UNKNOWN_FORMAT.format(kind=repr(output.kind)))


def load_json(text: str, problem: str) -> Any:
    """`text` parsed, else SchemaError(`problem`)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise SchemaError(problem) from None


def functions(output: OutputFormat) -> list[dict[str, Any]]:
    """The tools as [{"name", "description", "parameters"}] (the server checked their shape)."""
    tools = load_json(output.tools, messages.TOOLS_NOT_JSON)
    if not isinstance(tools, list) or not all(isinstance(t, dict) for t in tools):
        raise SchemaError(messages.TOOLS_NOT_LIST)
    return tools


def _tools_grammar(output: OutputFormat) -> Grammar:
    funcs = functions(output)
    if output.tool_choice not in ("auto", "required"):
        funcs = [f for f in funcs if f.get("name") == output.tool_choice]
        if not funcs:
            raise SchemaError(messages.TOOL_CHOICE_UNKNOWN.format(name=repr(output.tool_choice)))
    schemas: list[tuple[dict[str, Any], str]] = []
    for i, func in enumerate(funcs):
        params = func.get("parameters") or {"type": "object", "properties": {}}
        if not isinstance(params, dict):
            raise SchemaError(messages.TOOL_PARAMS_NOT_OBJECT.format(name=repr(func.get("name"))))
        schemas.append((params, f"tool{i}-args"))
    names = [json.dumps(str(f.get("name", ""))) for f in funcs]

    def calls(converter: Any, arg_rules: list[str]) -> None:
        lit = converter._format_literal
        name_key, args_key = lit('"name"'), lit('"arguments"')
        alternatives = [
            f'"{{" space {name_key} space ":" space {lit(name)} space "," space '
            f'{args_key} space ":" space {rule} "}}" space'
            for name, rule in zip(names, arg_rules, strict=True)
        ]
        converter._add_rule("tool-call-obj", " | ".join(alternatives))
        converter._add_rule(
            "tool-call", f'{lit(TOOL_OPEN)} "\\n"? tool-call-obj "\\n"? {lit(TOOL_CLOSE)}'
        )
        several = output.parallel and output.tool_choice in ("auto", "required")  # named: one
        repeat = ' ("\\n"? tool-call)*' if several else ""
        converter._add_rule("root", f"tool-call{repeat}")

    return Grammar(_convert(schemas, calls), output.tool_choice == "auto")


def _convert(
    schemas: list[tuple[dict[str, Any], str]],
    finish: Callable[[Any, list[str]], None] | None = None,
) -> str:
    """GBNF for the schemas (each as its named rule), with `finish` adding the rules around them."""
    from llama_cpp.llama_grammar import SchemaConverter

    schemas = [(_grammar_bounds(schema), name) for schema, name in schemas]
    converter = SchemaConverter(prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
    converter._add_rule("space", '" "?')
    rules: list[str] = []
    try:
        for i, (schema, name) in enumerate(schemas):
            resolved = converter.resolve_refs(schema, f"schema{i}")
            rules.append(converter.visit(resolved, name))
        if finish is not None:
            finish(converter, rules)
        gbnf = str(converter.format_grammar())
    except RecursionError:
        raise SchemaError(messages.SCHEMA_TOO_DEEP) from None
    except SchemaError:
        raise
    except Exception as exc:  # the converter asserts or fails on what it does not understand
        raise SchemaError(messages.SCHEMA_REFUSED.format(reason=exc)) from None
    if len(gbnf) > MAX_GRAMMAR_CHARS:
        raise SchemaError(
            messages.GRAMMAR_TOO_LONG.format(size=f"{len(gbnf):,}", limit=f"{MAX_GRAMMAR_CHARS:,}")
        )
    return gbnf


def _grammar_bounds(schema: Any, depth: int = 0) -> Any:
    """A copy without the counts llama.cpp cannot expand (past MAX_REPEAT): the grammar leaves
    those lengths open, and the check of the answer (schema_check.py) still holds them."""
    if depth > 64:
        raise SchemaError(messages.SCHEMA_TOO_DEEP)
    if isinstance(schema, list):
        return [_grammar_bounds(item, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in _REPEAT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SchemaError(f"{key} must be a non-negative integer, not {value!r}.")
            if value > MAX_REPEAT:
                continue
        out[key] = _grammar_bounds(value, depth + 1)
    return out


def check(grammar: Grammar, vocab: Any) -> None:
    """llama.cpp parses the grammar once; a refusal (which it logs) becomes a SchemaError."""
    import llama_cpp

    sampler = llama_cpp.llama_sampler_init_grammar(vocab, grammar.gbnf.encode(), b"root")
    if not sampler:
        raise SchemaError(
            "llama.cpp refused the grammar made from this schema (too many repetitions or "
            "alternatives); simplify the schema."
        )
    llama_cpp.llama_sampler_free(sampler)


@dataclass(frozen=True)
class Constrained:
    """A loaded model's `generate`, under the grammar of one request (or none)."""

    llm: Any
    grammar: Grammar | None

    def generate(self, prompt: list[int], **sampling: Any) -> Iterator[int]:
        """`llm.generate` under the grammar: lazy ones wait for the tool-call marker (above)."""
        if self.grammar is None:
            return self.llm.generate(prompt, **sampling)
        from llama_cpp import LlamaGrammar

        grammar = LlamaGrammar.from_string(self.grammar.gbnf)
        tokens = self.llm.generate(prompt, grammar=grammar, **sampling)
        return _lazily(tokens) if self.grammar.lazy else tokens


def constrain(llm: Any, output: OutputFormat | None) -> Constrained:
    """The grammar for `output`, built and checked against the model's vocabulary."""
    grammar = build(output)
    if grammar is not None:
        check(grammar, llm._model.vocab)
    return Constrained(llm, grammar)


def _lazily(tokens: Any) -> Iterator[int]:
    """The token generator, its first step (which builds the sampler) under the lazy grammar."""
    try:
        with _lazy_grammar():
            try:
                first = next(tokens)
            except StopIteration:
                return
        yield first
        yield from tokens
    finally:
        tokens.close()


@contextlib.contextmanager
def _lazy_grammar() -> Iterator[None]:
    import llama_cpp.llama_cpp as lib

    original = lib.llama_sampler_init_grammar
    patterns = (ctypes.c_char_p * 1)(LAZY_TRIGGER.encode())

    def lazy(vocab: Any, grammar: bytes, root: bytes) -> Any:
        return lib.llama_sampler_init_grammar_lazy_patterns(
            vocab, grammar, root, patterns, 1, None, 0
        )

    lib.llama_sampler_init_grammar = lazy
    try:
        yield
    finally:
        lib.llama_sampler_init_grammar = original
