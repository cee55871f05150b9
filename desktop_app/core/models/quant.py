"""Quantization names: their order by quality, bits per weight, and how to read one from a file name.

Why: the catalog, the fit indicator and Hub listings all group and compare files by quantization
("Q4_K_M", "Q8_0", ...). One table keeps them agreeing on names and on which is better.
"""

from __future__ import annotations

import re

__all__ = [
    "BITS_PER_WEIGHT",
    "QUANT_ORDER",
    "normalize_quant",
    "quality_rank",
    "quant_from_name",
]

# Best first. The K-quant "L"/"XL" variants (bartowski) keep embeddings/output at Q8_0: a little
# better than the plain mix of the same level.
QUANT_ORDER: tuple[str, ...] = (
    "F32",
    "BF16",
    "F16",
    "Q8_0",
    "Q6_K_L",
    "Q6_K",
    "Q5_K_L",
    "Q5_K_M",
    "Q5_K_S",
    "Q5_1",
    "Q5_0",
    "Q4_K_L",
    "Q4_K_M",
    "Q4_K_S",
    "IQ4_NL",
    "IQ4_XS",
    "Q4_1",
    "Q4_0",
    "Q3_K_XL",
    "Q3_K_L",
    "Q3_K_M",
    "IQ3_M",
    "IQ3_S",
    "Q3_K_S",
    "IQ3_XS",
    "IQ3_XXS",
    "Q2_K_L",
    "Q2_K",
    "Q2_K_S",
    "IQ2_M",
    "IQ2_S",
    "IQ2_XS",
    "IQ2_XXS",
    "IQ1_M",
    "IQ1_S",
)

# Average bits per weight of a whole file (mixes keep some tensors at higher precision); used
# only to guess a parameter count from a file size when nothing better is known.
BITS_PER_WEIGHT: dict[str, float] = {
    "F32": 32.0,
    "BF16": 16.0,
    "F16": 16.0,
    "Q8_0": 8.5,
    "Q6_K_L": 6.8,
    "Q6_K": 6.56,
    "Q5_K_L": 5.9,
    "Q5_K_M": 5.7,
    "Q5_K_S": 5.55,
    "Q5_1": 6.0,
    "Q5_0": 5.5,
    "Q4_K_L": 5.0,
    "Q4_K_M": 4.85,
    "Q4_K_S": 4.6,
    "IQ4_NL": 4.5,
    "IQ4_XS": 4.25,
    "Q4_1": 5.0,
    "Q4_0": 4.55,
    "Q3_K_XL": 4.4,
    "Q3_K_L": 4.3,
    "Q3_K_M": 3.9,
    "IQ3_M": 3.7,
    "IQ3_S": 3.5,
    "Q3_K_S": 3.5,
    "IQ3_XS": 3.3,
    "IQ3_XXS": 3.1,
    "Q2_K_L": 3.3,
    "Q2_K": 3.0,
    "Q2_K_S": 2.8,
    "IQ2_M": 2.7,
    "IQ2_S": 2.5,
    "IQ2_XS": 2.3,
    "IQ2_XXS": 2.1,
    "IQ1_M": 1.75,
    "IQ1_S": 1.6,
}

_RANK = {q: i for i, q in enumerate(QUANT_ORDER)}

# Longest alternatives first, so "Q4_K_M" wins over "Q4_K" and "IQ4_XS" over "IQ4".
_QUANT_RE = re.compile(
    r"(?<![A-Za-z0-9])("
    r"IQ[1-4]_(?:XXS|XS|NL|S|M)"
    r"|Q[2-8]_K(?:_(?:XL|L|M|S))?"
    r"|Q[4-8]_[01]"
    r"|BF16|F16|F32|FP16|FP32"
    r")(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def normalize_quant(name: str) -> str:
    """Canonical spelling: upper case, "FP16" -> "F16"."""
    q = name.strip().upper().replace("-", "_")
    return {"FP16": "F16", "FP32": "F32"}.get(q, q)


def quality_rank(quant: str) -> int:
    """0 for the best; unknown names rank after every known one."""
    return _RANK.get(normalize_quant(quant), len(QUANT_ORDER))


def quant_from_name(file_name: str) -> str | None:
    """The quantization a file name states ("Qwen2.5-7B-Instruct-Q4_K_M.gguf" -> "Q4_K_M"), the
    last one when several appear; None when it states none."""
    found = _QUANT_RE.findall(file_name)
    return normalize_quant(found[-1]) if found else None
