"""The GGUF reader's public names, where the models' callers have always found them.

The reader lives in `core/gguf_reader.py` (with `gguf_header.py` and `gguf_facts.py`), below the
engine and the models package: the engine checks a file before llama.cpp sees it, and the library
and the fit estimate read the same header, without either importing the other.
"""

from __future__ import annotations

from desktop_app.core.gguf_reader import KV_CACHE_TYPES, GGUFInfo, MetadataValue, inspect_gguf

__all__ = ["KV_CACHE_TYPES", "GGUFInfo", "MetadataValue", "inspect_gguf"]
