"""Durations for people, in the interface's language ("1 min 05 s", "1 分 05 秒")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def duration(seconds: float) -> str:
    s = max(0, round(seconds))
    if s < 60:
        return QCoreApplication.translate("Durations", "{0} s").format(s)
    if s < 3600:
        return QCoreApplication.translate("Durations", "{0} min {1} s").format(
            s // 60, f"{s % 60:02d}"
        )
    return QCoreApplication.translate("Durations", "{0} h {1} min").format(
        s // 3600, f"{s % 3600 // 60:02d}"
    )
