"""Guard against a broken Qt binding: PySide6 6.12.0 drops a reference to True on every signal
emission to a Python slot, and the app then dies with "bool_dealloc" after a few hundred signals."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(str)


def test_signal_emission_keeps_reference_counts(qapp: object) -> None:
    emitter = _Emitter()
    got: list[str] = []
    emitter.fired.connect(got.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(50):
        emitter.fired.emit("x")
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(got) == 50
    assert after == before, f"the Qt binding leaks bool references: {before} -> {after}"
