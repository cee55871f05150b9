"""The Library tab's table: one row per installed model (a sharded set is one row), broken files
included with their error, and the fit indicator for this machine. A model loaded by path that
the library lacks (`hearth --model FILE`, File > Open) comes first, as "loaded from PATH"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QFont

from desktop_app.core.models.fit import FitEstimate
from desktop_app.core.models.library import LocalModel, format_size
from desktop_app.ui.models.fit import ERROR_COLOR, FitWords, context_label, dot_icon
from desktop_app.ui.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the model's key (its loadable file's path)

(
    COL_DEFAULT,
    COL_NAME,
    COL_SIZE,
    COL_ARCH,
    COL_PARAMS,
    COL_QUANT,
    COL_CONTEXT,
    COL_LICENSE,
    COL_TEMPLATE,
    COL_FIT,
) = range(10)
N_COLUMNS = 10
ERROR_SPAN = (COL_ARCH, COL_FIT - COL_ARCH + 1)  # a broken file's error covers these columns
_RIGHT = (COL_SIZE, COL_PARAMS, COL_CONTEXT)


class LibraryTableModel(RowsTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._models: list[LocalModel] = []
        self._default: str | None = None
        self._outside: str | None = None  # the key of the row loaded by path, not installed
        self._fits: dict[str, FitEstimate | None] = {}
        self._words = FitWords(self)
        self._headers = (
            self.tr("Default"),
            self.tr("Name"),
            self.tr("Size"),
            self.tr("Architecture"),
            self.tr("Parameters"),
            self.tr("Quantization"),
            self.tr("Context"),
            self.tr("License"),
            self.tr("Template"),
            self.tr("Fit on this computer"),
        )

    # ---- contents ------------------------------------------------------------------------

    def set_models(
        self,
        models: Sequence[LocalModel],
        default_key: str | None,
        not_listed: LocalModel | None = None,
    ) -> None:
        """`not_listed`: the model loaded by path that the library lacks, shown first."""
        self.beginResetModel()
        self._models = ([not_listed] if not_listed is not None else []) + list(models)
        self._outside = not_listed.key if not_listed is not None else None
        self._default = default_key
        self._fits = {k: v for k, v in self._fits.items() if any(m.key == k for m in models)}
        self.endResetModel()

    def set_fits(self, fits: Mapping[str, FitEstimate | None]) -> None:
        self._fits = dict(fits)
        if self._models:
            self.dataChanged.emit(
                self.index(0, COL_FIT), self.index(len(self._models) - 1, COL_FIT)
            )

    def model_at(self, row: int) -> LocalModel | None:
        return self._models[row] if 0 <= row < len(self._models) else None

    def row_of(self, key: str) -> int:
        return next((i for i, m in enumerate(self._models) if m.key == key), -1)

    def models(self) -> list[LocalModel]:
        return list(self._models)

    def fit(self, key: str) -> FitEstimate | None:
        return self._fits.get(key)

    @property
    def default_key(self) -> str | None:
        return self._default

    def is_outside(self, m: LocalModel) -> bool:
        """`m` is the row of a model loaded by path, not one of the library's."""
        return self._outside is not None and m.key == self._outside

    # ---- Qt ------------------------------------------------------------------------------

    def _row_count(self) -> int:
        return len(self._models)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        m = self.model_at(index.row())
        if m is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(m, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(m, col)
        if role == Qt.ItemDataRole.ForegroundRole and m.error:
            return QColor(ERROR_COLOR)
        if role == Qt.ItemDataRole.SizeHintRole and col == COL_ARCH and self.is_outside(m):
            return QSize(0, 0)  # its path spans the columns: it must not widen the first one
        if role == Qt.ItemDataRole.FontRole and self.is_outside(m):
            font = QFont()
            font.setItalic(True)  # not one of the library's own
            return font
        if role == Qt.ItemDataRole.DecorationRole and col == COL_FIT and not m.error:
            est = self._fits.get(m.key)
            return dot_icon(est.verdict) if est is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == COL_DEFAULT:
                return int(Qt.AlignmentFlag.AlignCenter)
            if col in _RIGHT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == KEY_ROLE:
            return m.key
        return None

    def _text(self, m: LocalModel, col: int) -> str:
        if col == COL_DEFAULT:
            return "★" if m.key == self._default else ""
        if col == COL_NAME:
            return m.name
        if col == COL_SIZE:
            return format_size(m.size) if m.size else ""
        if self.is_outside(m):  # one cell across the rest (the view spans it): the path whole
            return self.tr("loaded from {0}").format(m.path) if col == COL_ARCH else ""
        if m.error:
            return self.tr("Error: {0}").format(m.error.splitlines()[0]) if col == COL_ARCH else ""
        if col == COL_ARCH:
            if m.is_projector:
                return self.tr("{0} (vision projector)").format(m.architecture or "")
            return m.architecture or ""
        if col == COL_PARAMS:
            return m.params_label
        if col == COL_QUANT:
            return m.quantization or ""
        if col == COL_CONTEXT:
            return context_label(m.context_length)
        if col == COL_LICENSE:
            return m.license or ""
        if col == COL_TEMPLATE:
            return self.tr("yes") if m.has_chat_template else self.tr("no")
        if col == COL_FIT:
            return self._words.label(self._fits.get(m.key))
        return ""

    def _tooltip(self, m: LocalModel, col: int) -> str:
        if m.error and col >= COL_ARCH:
            return m.error
        if self.is_outside(m) and col >= COL_ARCH:
            return self.tr("Loaded from {0}; it is not in the library. Import adds it.").format(
                m.path
            )
        if col == COL_DEFAULT:
            return self.tr("The default model") if m.key == self._default else ""
        if col == COL_NAME:
            shards = len(m.files)
            where = str(m.path)
            if self.is_outside(m):
                return self.tr("Loaded from {0}; it is not in the library. Import adds it.").format(
                    where
                )
            if shards > 1:
                return self.tr("{0}\n(the first of {1} files)").format(where, shards)
            return where
        if col == COL_TEMPLATE and not m.has_chat_template:
            return self.tr("No chat template in the file: a generic one (ChatML) is used.")
        if col == COL_FIT:
            return self._words.tooltip(self._fits.get(m.key))
        return ""
