"""A listener for a core controller's events, for Qt-free tests: it keeps every event (they
arrive on the jobs' threads) and waits for one of a kind."""

from __future__ import annotations

import threading
from typing import Any, Protocol


class Listenable(Protocol):
    def add_listener(self, listener: Any) -> None: ...


class Recorder:
    """Collects `controller`'s events and waits (up to `timeout` seconds) for one kind."""

    def __init__(self, controller: Listenable, timeout: float = 240.0) -> None:
        self.events: list[object] = []
        self.timeout = timeout
        self._lock = threading.Lock()
        self._seen = threading.Condition(self._lock)
        controller.add_listener(self)

    def __call__(self, event: object) -> None:
        with self._seen:
            self.events.append(event)
            self._seen.notify_all()

    def wait_for(self, kind: type, after: int = 0) -> object:
        """The first event of `kind` from index `after` on (see `mark`)."""
        with self._seen:
            ok = self._seen.wait_for(
                lambda: any(isinstance(e, kind) for e in self.events[after:]),
                timeout=self.timeout,
            )
            assert ok, f"no {kind.__name__} in {self.events[after:]}"
            return next(e for e in self.events[after:] if isinstance(e, kind))

    def of(self, kind: type) -> list[object]:
        with self._lock:
            return [e for e in self.events if isinstance(e, kind)]

    def mark(self) -> int:
        """How many events so far: pass it to `wait_for(after=...)` to wait for a later one."""
        with self._lock:
            return len(self.events)
