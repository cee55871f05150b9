"""The Hub tab's two tables: search results (repos), and one repo's GGUF files grouped by
quantization (a sharded set is one row), each with a fit indicator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from desktop_app.core.models.fit import FitEstimate
from desktop_app.core.models.hub import HubModel, RepoFiles, RepoSummary
from desktop_app.core.models.library import format_size
from desktop_app.ui.models.fit import FitWords, count_label, date_label, dot_icon
from desktop_app.ui.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex

_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

R_REPO, R_DOWNLOADS, R_LIKES, R_UPDATED = range(4)
F_QUANT, F_FILE, F_SIZE, F_FIT = range(4)


class RepoResultsModel(RowsTableModel):
    """Search hits in the order the Hub gave them (the chosen sort)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[RepoSummary] = []
        self._headers = (
            self.tr("Repository"),
            self.tr("Downloads"),
            self.tr("Likes"),
            self.tr("Updated"),
        )

    def set_results(self, hits: Sequence[RepoSummary]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit_at(self, row: int) -> RepoSummary | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def _row_count(self) -> int:
        return len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        hit = self.hit_at(index.row())
        if hit is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == R_REPO:
                return hit.repo_id + ("  " + self.tr("(gated)") if hit.gated else "")
            if col == R_DOWNLOADS:
                return count_label(hit.downloads)
            if col == R_LIKES:
                return count_label(hit.likes)
            if col == R_UPDATED:
                return date_label(hit.last_modified)
        if role == Qt.ItemDataRole.ToolTipRole and col == R_REPO:
            lines = [hit.repo_id]
            if hit.architecture:
                lines.append(self.tr("Architecture: {0}").format(hit.architecture))
            if hit.gated:
                lines.append(self.tr("Gated: downloading needs a Hub token with access."))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.ToolTipRole and col in (R_DOWNLOADS, R_LIKES):
            return str(hit.downloads if col == R_DOWNLOADS else hit.likes)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in (R_DOWNLOADS, R_LIKES) else _LEFT
        return None


class RepoFilesModel(RowsTableModel):
    """A repo's models: grouped by quantization (smallest group first), the quantization named on
    the first row of each group; the recommended one in bold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, HubModel, bool]] = []  # quant, model, first of its group
        self._fits: dict[str, FitEstimate | None] = {}  # by model name
        self._recommended: str | None = None
        self._words = FitWords(self)
        self._headers = (
            self.tr("Quantization"),
            self.tr("File"),
            self.tr("Size"),
            self.tr("Fit on this computer"),
        )

    def set_repo(self, repo: RepoFiles | None) -> None:
        self.beginResetModel()
        self._rows = []
        self._fits = {}
        self._recommended = None
        if repo is not None:
            for kind in ("model", "mmproj"):
                for quant, models in repo.by_quant(kind).items():
                    for i, m in enumerate(models):
                        self._rows.append((quant, m, i == 0))
        self.endResetModel()

    def set_fits(self, fits: Mapping[str, FitEstimate | None], recommended: str | None) -> None:
        self._fits = dict(fits)
        self._recommended = recommended
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 3))

    def model_at(self, row: int) -> HubModel | None:
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

    def row_of(self, name: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r[1].name == name), -1)

    def _row_count(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        if not 0 <= index.row() < len(self._rows):
            return None
        quant, m, first = self._rows[index.row()]
        col = index.column()
        est = self._fits.get(m.name)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == F_QUANT:
                if not first:
                    return ""
                if m.kind == "mmproj":
                    return self.tr("{0} (vision projector)").format(quant)
                return quant if quant != "?" else self.tr("unknown")
            if col == F_FILE:
                if m.sharded:
                    return self.tr("{0} ({1} parts)").format(m.name, len(m.files))
                return m.name
            if col == F_SIZE:
                return format_size(m.size) if m.size is not None else ""
            if col == F_FIT:
                label = self._words.label(est) if m.kind == "model" else ""
                if m.name == self._recommended:
                    label += "  " + self.tr("(recommended)")
                return label
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == F_FIT:
                return self._words.tooltip(est)
            if col == F_FILE:
                return "\n".join(f.name for f in m.files)
        if role == Qt.ItemDataRole.DecorationRole and col == F_FIT and est is not None:
            return dot_icon(est.verdict)
        if role == Qt.ItemDataRole.FontRole and m.name == self._recommended:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col == F_SIZE else _LEFT
        return None
