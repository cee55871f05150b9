"""The bounded queue in front of the one engine, and the counters /health reports.

The engine answers one request at a time (EngineClient queues the rest). Admission counts the
generation requests handed to it: one runs, up to `max_waiting` wait, and any more are refused
at once with 503 and a Retry-After estimate, so a burst never grows memory or latency without
bound. All of it runs on the event loop's thread, so it needs no lock.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass
class Counters:
    requests: int = 0  # generation requests admitted
    completed: int = 0
    cancelled: int = 0  # stopped because the client went away (or the server stopped)
    rejected_queue_full: int = 0
    errors: int = 0
    completion_tokens: int = 0
    reaped_idle: int = 0  # idle connections closed to make room for a new one

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class Admission:
    def __init__(self, max_waiting: int) -> None:
        if max_waiting < 0:
            raise ValueError("--max-queue must be 0 or more")
        self.max_waiting = max_waiting
        self.in_flight = 0  # running (at most one) + waiting
        self._avg_s = 5.0  # running average of a request's engine time, for Retry-After

    @property
    def running(self) -> int:
        return min(1, self.in_flight)

    @property
    def waiting(self) -> int:
        return max(0, self.in_flight - 1)

    def try_enter(self) -> bool:
        """Take a place, or False when `max_waiting` requests already wait."""
        if self.in_flight > self.max_waiting:
            return False
        self.in_flight += 1
        return True

    def leave(self, seconds: float | None) -> None:
        """Free a place; `seconds` (None for a token count) feeds the Retry-After estimate."""
        self.in_flight = max(0, self.in_flight - 1)
        if seconds is not None:
            self._avg_s = 0.8 * self._avg_s + 0.2 * max(0.0, seconds)

    def retry_after(self) -> int:
        """Seconds until a place is likely free: the running request ends, the queue moves up."""
        return max(1, min(60, math.ceil(self._avg_s)))
