"""What the application asks the engine process: one frozen dataclass per kind of request.

A request crosses the pipe as `(id, request)`; the engine process looks its type up in a table
(worker.py), so adding a request is a class here, a handler there and a method on the client.
`op` names the request in handles, logs and thread names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from desktop_app.core.engine.label_scores import ClassifyRequest
from desktop_app.core.engine.params import ChatRequest, LoadParams, Message


@dataclass(frozen=True)
class Load:
    """Load a model (replacing any other): Progress events, then Result(ModelInfo)."""

    params: LoadParams
    op: ClassVar[str] = "load"


@dataclass(frozen=True)
class Unload:
    op: ClassVar[str] = "unload"


@dataclass(frozen=True)
class Chat:
    """Stream one answer: Token*, Stats, Done (or Error)."""

    request: ChatRequest
    op: ClassVar[str] = "chat"


@dataclass(frozen=True)
class Classify:
    """Label probabilities: an ItemScore per text, then Result(ClassifyReport)."""

    request: ClassifyRequest
    op: ClassVar[str] = "classify"


@dataclass(frozen=True)
class MeasurePromptRate:
    """Result(PromptRate): llama-bench's pp in this engine (prompt_rate.py), for the benches."""

    n_tokens: int
    repetitions: int = 5
    warmup: bool = True
    op: ClassVar[str] = "prompt_rate"


@dataclass(frozen=True)
class Budget:
    """Result(ContextBudget): the rendered prompt's tokens against the context."""

    messages: tuple[Message, ...]
    max_tokens: int
    op: ClassVar[str] = "budget"


@dataclass(frozen=True)
class CountTokens:
    text: str
    op: ClassVar[str] = "count"


@dataclass(frozen=True)
class Tokenize:
    """Result(list[int]): the text's tokens; BOS/EOS only with add_special, and text like
    "<|im_start|>" read as that special token only with parse_special."""

    text: str
    add_special: bool = False
    parse_special: bool = False
    op: ClassVar[str] = "tokenize"


@dataclass(frozen=True)
class TokenizeFile:
    """Result((list[int], list[bytes])): `text`'s ids and pieces from the vocabulary of the file
    at `model_path` alone (vocab.py); the model loaded now, if any, stays loaded."""

    model_path: str
    text: str
    add_special: bool = False
    parse_special: bool = False
    op: ClassVar[str] = "tokenize_file"


@dataclass(frozen=True)
class Pieces:
    """Result(list[bytes]): each token's own bytes (a piece may hold part of a character)."""

    ids: tuple[int, ...]
    op: ClassVar[str] = "pieces"


@dataclass(frozen=True)
class Detokenize:
    """Result(str): the tokens' text (special tokens as their text, bad UTF-8 replaced)."""

    ids: tuple[int, ...]
    op: ClassVar[str] = "detokenize"


@dataclass(frozen=True)
class Embed:
    """Result(Embeddings): a unit vector per input (a text or token ids), from a second context
    in embedding mode on the loaded model, or on the GGUF at `model_path` (embeddings.py)."""

    inputs: tuple[str | tuple[int, ...], ...]
    model_path: str | None = None
    op: ClassVar[str] = "embed"


@dataclass(frozen=True)
class Render:
    """Result(str): the messages through the model's chat template."""

    messages: tuple[Message, ...]
    op: ClassVar[str] = "render"


@dataclass(frozen=True)
class Hardware:
    """Result(HardwareReport), as the engine process sees the machine."""

    op: ClassVar[str] = "hardware"


@dataclass(frozen=True)
class Shutdown:
    """End the engine process's loop (no answer)."""

    op: ClassVar[str] = "shutdown"


@dataclass(frozen=True)
class Crash:
    """Die as llama.cpp does on a failed assert, to test crash handling.

    A debug request: the engine process answers it only when started with HEARTH_ENGINE_DEBUG=1
    (the test suite sets it); otherwise it is an unknown request.
    """

    op: ClassVar[str] = "crash"


EngineRequest = (
    Load
    | Unload
    | Chat
    | Classify
    | MeasurePromptRate
    | Budget
    | CountTokens
    | Tokenize
    | TokenizeFile
    | Pieces
    | Detokenize
    | Embed
    | Render
    | Hardware
    | Shutdown
    | Crash
)

__all__ = [
    "Budget",
    "Chat",
    "Classify",
    "CountTokens",
    "Crash",
    "Detokenize",
    "Embed",
    "EngineRequest",
    "Hardware",
    "Load",
    "MeasurePromptRate",
    "Pieces",
    "Render",
    "Shutdown",
    "Tokenize",
    "TokenizeFile",
    "Unload",
]
