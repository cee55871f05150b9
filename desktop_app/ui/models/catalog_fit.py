"""The catalog's judging and its columns: how practical each entry is here, and a table that
never needs a horizontal scroll bar.

Tiers (good / slow / won't fit, core/models/practical.py) come from the machine's report, the
load settings and the machine's measured speed (core/models/speed.py, kept in the cache folder;
the first time on a machine the bandwidth and the synthetic models' figures are measured off the
GUI thread, a few seconds, while the tiers follow from the memory alone). At a narrow window the columns that the details repeat
(license, context, languages, parameters) give way, in that order.

A mixin of CatalogView, apart because judging and layout are jobs of their own; it has no words
of its own to translate.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint

from desktop_app.core.controllers.machine_speed import probed_speed
from desktop_app.core.models.catalog import Catalog
from desktop_app.core.models.fit import FitEstimate, Recommendation
from desktop_app.core.models.practical import EntryFit, Practical, judge_entry
from desktop_app.core.models.speed import MachineSpeed, cached_speed
from desktop_app.ui import background
from desktop_app.ui.models.catalog_model import (
    COL_CONTEXT,
    COL_LANGS,
    COL_LICENSE,
    COL_NAME,
    COL_PARAMS,
    N_COLUMNS,
    CatalogTableModel,
)
from desktop_app.ui.models.fit import FitContext

if TYPE_CHECKING:
    from PySide6.QtWidgets import QGroupBox, QPushButton, QScrollArea, QTableView

    from desktop_app.core.models.catalog import CatalogEntry

# Columns that give way when the table is narrow, first to go first: the details line under
# the table says all of them for the selected model.
NARROW_HIDDEN = (COL_LICENSE, COL_CONTEXT, COL_LANGS, COL_PARAMS)
NAME_MIN_WIDTH = 150  # px: the model's name may be elided to this, no further


class CatalogFitting:
    """Judging and column fitting for CatalogView (which provides the widgets below)."""

    catalog: Catalog
    model: CatalogTableModel
    table: QTableView
    details: QGroupBox
    details_scroll: QScrollArea
    download_button: QPushButton
    _fit: FitContext | None
    _judged: dict[str, EntryFit]
    _speed: MachineSpeed | None
    _speed_given: bool
    _measuring: bool

    if TYPE_CHECKING:  # CatalogView's (and QWidget's); not defined here at run time

        def current(self) -> CatalogEntry | None: ...
        def _show_entry(self, e: CatalogEntry | None) -> None: ...
        def height(self) -> int: ...

    # ---- judging -------------------------------------------------------------------------

    def set_fit_context(self, ctx: FitContext) -> None:
        self._fit = ctx
        if self._speed is None:
            self._speed = cached_speed()
            if self._speed is None or not self._speed.width_rates:
                self._measure_speed()  # meanwhile: the bandwidth alone, or the memory alone
        self._judge()

    def set_speed(self, speed: MachineSpeed | None) -> None:
        """Predict speeds from `speed` (a what-if machine's figure) instead of this machine's."""
        self._speed_given = True
        self._use_speed(speed)

    def _use_speed(self, speed: MachineSpeed | None) -> None:
        self._speed = speed
        if self._fit is not None:
            self._judge()

    def _measure_speed(self) -> None:
        """The first time on this machine: measure its memory bandwidth and run the synthetic
        models (core/controllers/machine_speed.py: a few seconds, in an engine process) off the
        GUI thread; meanwhile the tiers follow from the memory alone."""
        if self._measuring:
            return
        self._measuring = True

        def done(speed: MachineSpeed) -> None:
            self._measuring = False
            if not self._speed_given:
                self._use_speed(speed)

        def failed(_exc: BaseException) -> None:
            self._measuring = False

        assert isinstance(self, QObject)  # a CatalogView: the answer goes to its thread
        measure = functools.partial(probed_speed, when_idle=True)  # a busy machine reads slow
        background.run(self, "machine-speed", measure, done, failed)

    def _judge(self) -> None:
        ctx = self._fit
        if ctx is None:
            return
        recs: dict[str, Recommendation | None] = {}
        shown: dict[str, FitEstimate | None] = {}
        tiers: dict[str, Practical | None] = {}
        self._judged = {}
        for e in self.catalog:
            judged = judge_entry(e, ctx.report, self._speed, n_ctx=ctx.n_ctx, kv_type=ctx.kv_type)
            self._judged[e.id] = judged
            recs[e.id] = judged.recommendation
            tiers[e.id] = judged.shown
            shown[e.id] = judged.shown.fit if judged.shown is not None else None
        self.model.set_fits(recs, shown, tiers)
        self._show_entry(self.current())
        self._fit_columns()

    def tier_of(self, entry_id: str, quant: str | None = None) -> Practical | None:
        """The tier of an entry's file (its shown one without `quant`)."""
        judged = self._judged.get(entry_id)
        if judged is None:
            return None
        return judged.options.get(quant) if quant else judged.shown

    # ---- layout --------------------------------------------------------------------------

    def _keep_decision_visible(self) -> None:
        """The details may scroll, but never past the verdict, the file and Download."""
        bottom = self.download_button.mapTo(self.details, QPoint(0, 0)).y()
        bottom += self.download_button.height()
        frame = self.details_scroll.frameWidth() * 2
        self.details_scroll.setMinimumHeight(min(bottom + 10 + frame, self.height() // 2))

    def _fit_columns(self, *_args: object) -> None:
        """Hide the columns the details repeat, one by one, until the rest fit the width."""
        header = self.table.horizontalHeader()
        available = self.table.viewport().width()
        widths = [
            max(header.sectionSizeHint(c), self.table.sizeHintForColumn(c))
            for c in range(N_COLUMNS)
        ]
        need = sum(widths) - widths[COL_NAME] + min(widths[COL_NAME], NAME_MIN_WIDTH)
        hidden: set[int] = set()
        for col in NARROW_HIDDEN:
            if need <= available:
                break
            hidden.add(col)
            need -= widths[col]
        for col in range(N_COLUMNS):
            if self.table.isColumnHidden(col) != (col in hidden):
                self.table.setColumnHidden(col, col in hidden)
