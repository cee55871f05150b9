"""A model's tokenizer alone, for `hearth tokenize`: llama.cpp reads the vocabulary
(`vocab_only`) and skips the tensors, so no weights are mapped, no KV cache is made and no
memory check can refuse a model too big for this computer.

Runs in the engine process like a load (worker.py's TokenizeFile handler): the header is checked
first (gguf_reader bounds every length), but llama.cpp still parses the vocabulary itself, and a
malformed one can abort. The ids come from the same calls as the loaded model's (tokens.py), so
they are the ones a full load gives.
"""

from __future__ import annotations

import os

from desktop_app.core.engine import tokens
from desktop_app.core.engine.llama_log import LlamaLog
from desktop_app.core.errors import ModelLoadError
from desktop_app.core.gguf_reader import inspect_gguf

VOCAB_CTX = 16  # llama-cpp-python makes a context even for a vocabulary; it allocates nothing


def tokenize_file(
    path: str,
    text: str,
    add_special: bool = False,
    parse_special: bool = False,
    log: LlamaLog | None = None,
) -> tuple[list[int], list[bytes]]:
    """`text`'s token ids and each token's bytes, from the vocabulary of the model at `path`."""
    inspect_gguf(path)  # raises a specific ModelFileError before llama.cpp sees the file
    import llama_cpp

    if log is not None:
        log.mark()
    try:
        llm = llama_cpp.Llama(model_path=path, vocab_only=True, n_ctx=VOCAB_CTX, verbose=True)
    except (ValueError, RuntimeError, OSError) as exc:
        lines = log.since_mark() if log is not None else []
        last = next((ln for ln in reversed(lines) if "error" in ln.lower()), str(exc))
        raise ModelLoadError(
            f"llama.cpp could not read the vocabulary of {os.path.basename(path)}: {last.strip()}",
            details="\n".join(lines[-40:]),
        ) from None
    try:
        ids = tokens.tokenize(llm, text, add_special, parse_special)
        return ids, tokens.token_pieces(llm, ids)
    finally:
        llm.close()
