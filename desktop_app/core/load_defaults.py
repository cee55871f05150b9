"""The load options' defaults and checks, shared by `LoadParams` and the settings' schema.

They sit at the bottom of the core (beside errors and jobs) so that the settings' schema in
`storage` can name them without importing the engine above it; `engine/params.py` re-exports them.
"""

from __future__ import annotations

from typing import Literal

# GPU layers: a count, or "all" (every layer), or "auto" (as many as fit in free VRAM with the KV cache).
GpuLayers = int | Literal["all", "auto"]

KV_TYPES = ("f16", "f32", "bf16", "q8_0", "q5_1", "q5_0", "q4_1", "q4_0", "iq4_nl")
FLASH_ATTN = ("auto", "on", "off")
# The defaults of LoadParams, and so of the settings (core/storage/settings_schema.py), the remote
# backend and every front end: written here only.
DEFAULT_N_CTX = 4096
DEFAULT_N_BATCH = 512


def parse_gpu_layers(text: str) -> GpuLayers:
    """Parse a user's --gpu-layers value: "auto", "all", -1 (all) or a count."""
    value = text.strip().lower()
    if value in ("auto", "all"):
        return value  # type: ignore[return-value]
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"GPU layers must be a number, 'all' or 'auto', not {text!r}") from None
    if n < 0:
        return "all"
    return n
