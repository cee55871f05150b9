"""What the tasks need from an engine: the local `EngineClient` and the `RemoteEngine` both fit.

Typing the tasks (chat, summarize, sentiment) against this protocol rather than a class keeps a
remote server a drop-in replacement for the local engine process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from desktop_app.core.engine.params import ChatRequest, Message

if TYPE_CHECKING:
    from desktop_app.core.engine.events import ModelInfo
    from desktop_app.core.engine.handle import Callback, RequestHandle
    from desktop_app.core.engine.label_scores import ClassifyRequest


class Engine(Protocol):
    model_info: ModelInfo | None

    @property
    def alive(self) -> bool: ...

    def chat(self, request: ChatRequest, callback: Callback | None = None) -> RequestHandle: ...

    def classify(
        self, request: ClassifyRequest, callback: Callback | None = None
    ) -> RequestHandle: ...

    def budget(self, messages: list[Message], max_tokens: int) -> RequestHandle: ...

    def count_tokens(self, text: str) -> RequestHandle: ...

    def tokenize(
        self, text: str, add_special: bool = False, parse_special: bool = False
    ) -> RequestHandle:
        """Result(list[int]): the text's token ids."""
        ...

    def token_pieces(self, ids: Sequence[int]) -> RequestHandle:
        """Result(list[bytes]): each token's own bytes."""
        ...

    def detokenize(self, ids: Sequence[int]) -> RequestHandle:
        """Result(str): the tokens' text."""
        ...

    def close(self, timeout: float = 5.0) -> None: ...

    def cancel(self, handle: RequestHandle) -> None:
        """Stop the request behind `handle` (what `RequestHandle.cancel()` calls)."""
        ...
