"""How the Models pane shows whether a model fits this machine, and the small number formats it uses.

A fit estimate (core/models/fit.py) becomes a coloured dot, a few words in the UI language and a
tooltip with the numbers behind them; a tier (core/models/practical.py: good / slow / won't fit)
becomes a green / amber / red dot beside its word, a figure and the reason. The core's own `label` and `summary()` are English for the
CLI; here every word goes through `tr`, so the Chinese UI says the same things in Chinese.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from desktop_app.core.engine.hardware import HardwareReport
from desktop_app.core.models.fit import FitEstimate
from desktop_app.core.models.model_files import format_size
from desktop_app.core.models.practical import Practical, rate_label
from desktop_app.ui.core_text import shown
from desktop_app.ui.durations import duration

GiB = 1024**3

# One colour per verdict; readable on the light and the dark theme.
VERDICT_COLORS: dict[str, str] = {
    "gpu": "#2e9d4a",  # green: all on the GPU, fast
    "partial": "#3b7fd9",  # blue: split between GPU and CPU
    "cpu": "#6b7fa3",  # slate: runs, on the CPU
    "tight": "#e07b00",  # orange: fits with little to spare
    "too_large": "#d03b2f",  # red
    "unknown": "#8a8f98",
}
ERROR_COLOR = "#d03b2f"
# Is it practical (core/models/practical.py): green, amber, red; mid-tones that read on a light
# and on a dark background, always beside the tier's word (never colour alone).
TIER_COLORS: dict[str, str] = {
    "good": "#2e9d4a",
    "slow": "#d98e04",
    "wont_fit": "#d03b2f",
    "unknown": "#8a8f98",
}

_dots: dict[str, QIcon] = {}


@dataclass(frozen=True)
class FitContext:
    """What every fit estimate in the pane is computed against: this machine, the context length
    and KV cache type from the load settings."""

    report: HardwareReport
    n_ctx: int
    kv_type: str


def verdict_color(verdict: str) -> QColor:
    return QColor(VERDICT_COLORS.get(verdict, VERDICT_COLORS["unknown"]))


def tier_color(tier: str) -> QColor:
    return QColor(TIER_COLORS.get(tier, TIER_COLORS["unknown"]))


def dot_icon(verdict: str) -> QIcon:
    """A small filled circle in the verdict's colour (cached)."""
    return _dot(verdict, verdict_color(verdict))


def tier_icon(tier: str) -> QIcon:
    """A small filled circle in the tier's colour (cached)."""
    return _dot("tier:" + tier, tier_color(tier))


def _dot(key: str, color: QColor) -> QIcon:
    icon = _dots.get(key)
    if icon is None:
        pix = QPixmap(12, 12)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = QIcon(pix)
        icon.addPixmap(pix, QIcon.Mode.Selected)  # the same colour on a selected row
        _dots[key] = icon
    return icon


class FitWords(QObject):
    """The words for a fit estimate, translated (a QObject only for `tr`)."""

    def label(self, est: FitEstimate | None) -> str:
        if est is None:
            return ""
        where = self._where(est)
        if est.verdict == "tight":
            return self.tr("tight: {0}").format(where)
        if est.verdict == "too_large":
            return self.tr("too large")
        if est.verdict == "unknown":
            return self.tr("unknown")
        return where

    def _where(self, est: FitEstimate) -> str:
        if est.placement == "gpu":
            return self.tr("fits on GPU")
        if est.placement == "partial":
            return self.tr("partly on GPU ({0} of {1} layers)").format(
                est.gpu_layers, est.n_layers_total
            )
        return self.tr("runs on CPU")

    # ---- is it practical: a tier, a figure, the reason ------------------------------------

    def tier_name(self, tier: str) -> str:
        names = {
            "good": self.tr("Good"),
            "slow": self.tr("Slow"),
            "wont_fit": self.tr("Won't fit"),
        }
        return names.get(tier, self.tr("Unknown"))

    def tier_figure(self, p: Practical) -> str:
        """The number that decided the tier, in a few words: speed, or the memory missing."""
        est, tps = p.fit, p.speed.tokens_per_s
        if p.tier == "wont_fit":
            return self.tr("needs {0}").format(format_size(est.total_bytes))
        if est.verdict == "tight":
            return self.tr("little memory to spare")
        if tps is not None:
            if p.speed.upper_bound:
                return self.tr("at most {0} tokens/s").format(rate_label(tps))
            return self.tr("about {0} tokens/s").format(rate_label(tps))
        if est.placement == "gpu":
            return self.tr("fits on GPU")
        if est.verdict != "unknown":
            return self.tr("speed not known yet")
        return ""

    def tier_label(self, p: Practical | None) -> str:
        """The catalog's Fit cell: "Good · about 45 tokens/s", "Won't fit · needs 11.2 GB"."""
        if p is None:
            return ""
        figure = self.tier_figure(p)
        name = self.tier_name(p.tier)
        return f"{name} · {figure}" if figure else name

    def reason(self, p: Practical | None) -> str:
        """The reason in the user's language (the core words it in English, marked)."""
        return shown(p.reason) if p is not None else ""

    def tier_tooltip(self, p: Practical | None) -> str:
        if p is None:
            return ""
        return self.reason(p) + "\n" + self.tooltip(p.fit)

    def tooltip(self, est: FitEstimate | None) -> str:
        """The numbers behind the verdict, one fact per line."""
        if est is None:
            return ""
        needs = (
            self.tr(
                "Needs roughly {0}: {1} weights + {2} KV cache ({3} tokens, {4}) + {5} work space."
            )
            if est.estimated
            else self.tr(
                "Needs about {0}: {1} weights + {2} KV cache ({3} tokens, {4}) + {5} work space."
            )
        )
        lines = [
            needs.format(
                gib(est.total_bytes),
                gib(est.weights_bytes),
                gib(est.kv_bytes),
                est.n_ctx,
                est.kv_type,
                gib(est.compute_bytes),
            )
        ]
        if est.gpu_name:
            lines.append(self.tr("{0}: {1} VRAM free.").format(est.gpu_name, gib(est.vram_free)))
        if est.ram_total:
            lines.append(
                self.tr("RAM: {0} free of {1}.").format(gib(est.ram_available), gib(est.ram_total))
            )
        if est.estimated:
            lines.append(self.tr("The model's layout is guessed from the file size."))
        if est.verdict == "tight":
            lines.append(self.tr("It fits with little to spare: close other programs first."))
        elif est.verdict == "too_large":
            lines.append(
                self.tr("It does not fit in this computer's memory at this context length.")
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- formats


def gib(n: int) -> str:
    return f"{n / GiB:.1f} GiB"


def params_label(n: int | None) -> str:
    """135M, 7.6B: how model sizes are named."""
    if not n or n <= 0:
        return ""
    for scale, unit, digits in ((1e12, "T", 1), (1e9, "B", 1), (1e6, "M", 0), (1e3, "K", 0)):
        if n >= scale:
            return f"{n / scale:.{digits}f}".removesuffix(".0") + unit
    return str(n)


def context_label(n: int | None) -> str:
    """8192 -> "8K", 131072 -> "128K": how context lengths are named."""
    if not n or n <= 0:
        return ""
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024}K"
    if n >= 1000:
        return f"{n / 1024:.0f}K"
    return str(n)


def count_label(n: int) -> str:
    """1234567 -> "1.2M": download and like counts."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}K"
    if n >= 1000:
        return f"{n / 1000:.1f}K"
    return str(n)


def date_label(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d") if when is not None else ""


def duration_label(seconds: float | None) -> str:
    """ETA in the interface's language; "" when unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return ""
    return duration(seconds)
