"""The Catalog tab's table: the well-known models, each with the quantization recommended for this
machine, its size, whether it is practical here (a tier: good / slow / won't fit, with the figure
behind it) and a filter (text, Chinese-capable only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from desktop_app.core.models.catalog import CatalogEntry, CatalogFile
from desktop_app.core.models.fit import FitEstimate, Recommendation
from desktop_app.core.models.library import format_size
from desktop_app.core.models.practical import Practical, judge
from desktop_app.core.models.speed import SpeedGuess
from desktop_app.ui.models.fit import FitWords, context_label, params_label, tier_icon
from desktop_app.ui.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2  # the text the filter looks in
CHINESE_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4

COL_NAME, COL_PARAMS, COL_LANGS, COL_LICENSE, COL_CONTEXT, COL_SIZE, COL_FIT, COL_QUANT = range(8)
N_COLUMNS = 8
CHINESE = "中文"  # the language's own name: what a Chinese reader looks for, in any UI language
_SHOWN_LANGS = 4


def pick_file(entry: CatalogEntry, rec: Recommendation | None) -> CatalogFile:
    """The file a row describes: the recommended one, else the smallest (best chance to fit)."""
    if rec is not None and rec.file is not None:
        return rec.file
    return min(entry.files, key=lambda f: f.size)


def languages_label(entry: CatalogEntry) -> str:
    langs = [lang for lang in entry.languages if lang != "zh"]
    shown = ([CHINESE] if entry.chinese else []) + langs[: _SHOWN_LANGS - int(entry.chinese)]
    rest = len(entry.languages) - len(shown)
    return ", ".join(shown) + (f" +{rest}" if rest > 0 else "")


class CatalogTableModel(RowsTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[CatalogEntry] = []
        self._recs: dict[str, Recommendation | None] = {}
        self._fits: dict[str, FitEstimate | None] = {}  # the shown file's estimate, per entry id
        self._tiers: dict[str, Practical | None] = {}  # the shown file's tier, per entry id
        self._installed: set[str] = set()  # entry ids with a file in the library
        self._words = FitWords(self)
        self._headers = (
            self.tr("Model"),
            self.tr("Parameters"),
            self.tr("Languages"),
            self.tr("License"),
            self.tr("Context"),
            self.tr("Size"),
            self.tr("Fit on this computer"),
            self.tr("Recommended"),
        )

    # ---- contents ------------------------------------------------------------------------

    def set_entries(self, entries: Sequence[CatalogEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def set_fits(
        self,
        recs: Mapping[str, Recommendation | None],
        fits: Mapping[str, FitEstimate | None],
        tiers: Mapping[str, Practical | None] | None = None,
    ) -> None:
        """The recommendation, estimate and tier of each entry's shown file. Without `tiers`
        (the speed not known yet) the tier follows from the memory alone."""
        self._recs = dict(recs)
        self._fits = dict(fits)
        self._tiers = dict(tiers) if tiers is not None else {}
        for key, est in self._fits.items():
            if key not in self._tiers and est is not None:
                self._tiers[key] = judge(est, SpeedGuess(None, est.placement))
        self._changed_all()

    def tier(self, entry_id: str) -> Practical | None:
        return self._tiers.get(entry_id)

    def set_installed(self, entry_ids: set[str]) -> None:
        self._installed = set(entry_ids)
        self._changed_all()

    def _changed_all(self) -> None:
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._entries) - 1, N_COLUMNS - 1)
            )

    def entry_at(self, row: int) -> CatalogEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def recommendation(self, entry_id: str) -> Recommendation | None:
        return self._recs.get(entry_id)

    def entries(self) -> list[CatalogEntry]:
        return list(self._entries)

    # ---- Qt ------------------------------------------------------------------------------

    def _row_count(self) -> int:
        return len(self._entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        e = self.entry_at(index.row())
        if e is None:
            return None
        col = index.column()
        rec = self._recs.get(e.id)
        tier = self._tiers.get(e.id)
        f = pick_file(e, rec)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(e, col, rec, tier, f)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_FIT:
                return self._words.tier_tooltip(tier)
            if col == COL_LANGS:
                return ", ".join(e.languages)
            if col == COL_NAME:
                installed = self.tr("Installed") if e.id in self._installed else ""
                return "\n".join(x for x in (e.repo, installed) if x)
            if col == COL_SIZE and f.size_approx:
                return self.tr("Approximate size, as the Hub lists it")
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == COL_FIT and tier is not None:
            return tier_icon(tier.tier)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (COL_PARAMS, COL_CONTEXT, COL_SIZE):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return e.id
        if role == CHINESE_ROLE:
            return e.chinese
        if role == SEARCH_ROLE:
            return " ".join((e.id, e.name, e.family, e.repo, *e.tags, *e.languages)).casefold()
        if role == SORT_ROLE:
            sort: dict[int, object] = {
                COL_PARAMS: e.params,
                COL_CONTEXT: e.context_length,
                COL_SIZE: f.size,
                COL_FIT: _tier_rank(tier),
            }
            return sort.get(col, str(self._text(e, col, rec, tier, f)).casefold())
        return None

    def _text(
        self,
        e: CatalogEntry,
        col: int,
        rec: Recommendation | None,
        tier: Practical | None,
        f: CatalogFile,
    ) -> str:
        if col == COL_NAME:
            return e.name + ("  ✓" if e.id in self._installed else "")
        if col == COL_PARAMS:
            return params_label(e.params)
        if col == COL_LANGS:
            return languages_label(e)
        if col == COL_LICENSE:
            return e.license
        if col == COL_CONTEXT:
            return context_label(e.context_length)
        if col == COL_SIZE:
            return ("≈ " if f.size_approx else "") + format_size(f.size)
        if col == COL_FIT:
            return self._words.tier_label(tier) if tier is not None else "…"
        if col == COL_QUANT:
            return rec.quant if rec is not None else "—"
        return ""


def _tier_rank(tier: Practical | None) -> float:
    """Good before slow before won't fit; the faster first within a tier."""
    if tier is None:
        return 1e9
    rank, speed = tier.rank
    return rank * 1e6 + speed


class CatalogFilter(QSortFilterProxyModel):
    """Rows whose name, family, repo, tags or languages contain the text; optionally only
    Chinese-capable models. Sorts numbers as numbers."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._chinese_only = False
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_chinese_only(self, on: bool) -> None:
        self.beginFilterChange()
        self._chinese_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._chinese_only and not model.data(index, CHINESE_ROLE):
            return False
        if not self._text:
            return True
        hay = str(model.data(index, SEARCH_ROLE) or "")
        return all(word in hay for word in self._text.split())

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a < b
        return str(a) < str(b)
