"""Does a JSON value match a JSON schema? The first mismatch, said with where it is.

The grammar keeps an answer to the schema's shape, but not to every rule (minimum, multipleOf,
uniqueItems, a cut-off answer), so the answer is checked before it is returned. No validator
library is installed with the app; this covers the keywords OpenAI's structured outputs accept
(types, enum, const, properties, required, additionalProperties, items, prefixItems, lengths,
ranges, pattern, anyOf/oneOf/allOf, local $ref), which is what clients send.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
}
MAX_PATTERN_INPUT = 10_000  # a client's pattern runs on model text: bound what it scans


def parse_and_check(text: str, schema: dict[str, Any] | None) -> tuple[Any, str | None]:
    """The parsed answer and None, or what failed (not JSON, or the first schema mismatch)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        return None, f"the answer is not valid JSON ({exc})"
    if schema is None:
        return value, None
    return value, mismatch(value, schema)


def mismatch(value: Any, schema: Any, root: Any = None, path: str = "$") -> str | None:
    """None when `value` matches `schema`; else a sentence like `$.age: expected integer`."""
    root = schema if root is None else root
    if schema is True or schema is None:
        return None
    if schema is False:
        return f"{path}: no value is allowed here"
    if not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = _resolve(root, ref)
        if target is None:
            return f"{path}: the schema's $ref {ref!r} cannot be resolved"
        return mismatch(value, target, root, path)
    for check in (_type, _enum, _combined, _object, _array, _string, _number):
        problem = check(value, schema, root, path)
        if problem:
            return problem
    return None


def _resolve(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        return None
    node = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    types = _TYPES.get(kind)
    return types is None or isinstance(value, types)


def _type(value: Any, schema: dict[str, Any], root: Any, path: str) -> str | None:
    kind = schema.get("type")
    if kind is None:
        return None
    kinds = kind if isinstance(kind, list) else [kind]
    if any(_is(value, str(k)) for k in kinds):
        return None
    return f"{path}: expected {' or '.join(map(str, kinds))}, got {_short(value)}"


def _enum(value: Any, schema: dict[str, Any], root: Any, path: str) -> str | None:
    if "const" in schema and not _equal(value, schema["const"]):
        return f"{path}: expected {_short(schema['const'])}, got {_short(value)}"
    options = schema.get("enum")
    if isinstance(options, list) and not any(_equal(value, o) for o in options):
        return f"{path}: {_short(value)} is not one of {_short(options)}"
    return None


def _combined(value: Any, schema: dict[str, Any], root: Any, path: str) -> str | None:
    for sub in schema.get("allOf") or ():
        problem = mismatch(value, sub, root, path)
        if problem:
            return problem
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            fits = sum(1 for sub in options if mismatch(value, sub, root, path) is None)
            if fits == 0:
                return f"{path}: {_short(value)} matches none of the {key} alternatives"
            if key == "oneOf" and fits > 1:
                return f"{path}: {_short(value)} matches more than one oneOf alternative"
    return None


def _object(value: Any, schema: dict[str, Any], root: Any, path: str) -> str | None:
    if not isinstance(value, dict):
        return None
    props = schema.get("properties") or {}
    for name in schema.get("required") or ():
        if name not in value:
            return f"{path}: the required property {name!r} is missing"
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        where = f"{path}.{name}"
        if name in props:
            problem = mismatch(item, props[name], root, where)
        elif extra is False:
            problem = f"{path}: the property {name!r} is not allowed"
        else:
            problem = mismatch(item, extra, root, where)
        if problem:
            return problem
    return _count(len(value), schema, "minProperties", "maxProperties", path, "properties")


def _array(value: Any, schema: dict[str, Any], root: Any, path: str) -> str | None:
    if not isinstance(value, list):
        return None
    prefix = schema.get("prefixItems")
    items = schema.get("items")
    if isinstance(items, list):  # the older tuple form
        prefix, items = items, schema.get("additionalItems", True)
    prefix = prefix if isinstance(prefix, list) else []
    for i, item in enumerate(value):
        sub = prefix[i] if i < len(prefix) else items
        problem = mismatch(item, sub, root, f"{path}[{i}]")
        if problem:
            return problem
    if schema.get("uniqueItems") is True:
        seen = [json.dumps(v, sort_keys=True) for v in value]
        if len(set(seen)) != len(seen):
            return f"{path}: the items must be unique"
    return _count(len(value), schema, "minItems", "maxItems", path, "items")


def _string(value: Any, schema: dict[str, Any], root: Any, path: str) -> str | None:
    if not isinstance(value, str):
        return None
    problem = _count(len(value), schema, "minLength", "maxLength", path, "characters")
    if problem:
        return problem
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and len(value) <= MAX_PATTERN_INPUT:
        try:
            if re.search(pattern, value) is None:
                return f"{path}: {_short(value)} does not match the pattern {pattern!r}"
        except re.error:
            return None  # a pattern Python cannot read: the grammar already applied it
    return None


def _number(value: Any, schema: dict[str, Any], root: Any, path: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    bounds = (
        ("minimum", lambda b: value < b, "at least"),
        ("maximum", lambda b: value > b, "at most"),
        ("exclusiveMinimum", lambda b: value <= b, "more than"),
        ("exclusiveMaximum", lambda b: value >= b, "less than"),
    )
    for key, fails, words in bounds:
        bound = schema.get(key)
        if isinstance(bound, (int, float)) and not isinstance(bound, bool) and fails(bound):
            return f"{path}: {value} must be {words} {bound}"
    step = schema.get("multipleOf")
    if (
        isinstance(step, (int, float))
        and step > 0
        and abs(value / step - round(value / step)) > 1e-9
    ):
        return f"{path}: {value} is not a multiple of {step}"
    return None


def _count(n: int, schema: dict[str, Any], lo: str, hi: str, path: str, what: str) -> str | None:
    least, most = schema.get(lo), schema.get(hi)
    if isinstance(least, int) and n < least:
        return f"{path}: at least {least} {what} are needed, got {n}"
    if isinstance(most, int) and n > most:
        return f"{path}: at most {most} {what} are allowed, got {n}"
    return None


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"
