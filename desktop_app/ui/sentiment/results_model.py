"""The Sentiment pane's results table: one row per text of the batch file, filled as the texts
are scored, and the proxy that sorts (probabilities as numbers) and filters it.

A row whose margin (top probability minus the second) is below the threshold the user set is
unsure: its label is muted and italic, its margin cell says "unsure", and the label filter can
show those rows alone. Default labels and the core's errors read in the user's language."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.core.tasks.sentiment import DEFAULT_UNSURE_BELOW, NOT_SCORED, ItemResult, clean
from desktop_app.ui.core_text import shown
from desktop_app.ui.sentiment.chart import ERROR_COLOR, label_color
from desktop_app.ui.sentiment.labels import shown_label, unsure_text

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # numbers for numeric columns, folded text otherwise

Index = QModelIndex | QPersistentModelIndex

_SHOWN_CHARS = 300  # a cell shows the start of a long text; the tooltip more of it
_TIP_CHARS = 2000

ALL = "__all__"  # label filter: every row
ERRORS = "__errors__"  # label filter: rows with an error (not scored included)
UNSURE = "__unsure__"  # label filter: rows whose margin is below the threshold


def _one_line(text: str, limit: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ResultsModel(QAbstractTableModel):
    """Columns: #, text, label, one probability per label, margin, error (and reason when
    asked)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._texts: list[str] = []
        self._results: list[ItemResult | None] = []
        self._labels: tuple[str, ...] = ()
        self._with_reason = False
        self.unsure_below = DEFAULT_UNSURE_BELOW
        self.compact = False  # a narrow table: the margin without the word "unsure"
        self.headers_base = {
            "number": self.tr("#"),
            "text": self.tr("Text"),
            "label": self.tr("Label"),
            "margin": self.tr("Margin"),
            "error": self.tr("Error"),
            "reason": self.tr("Reason"),
        }

    # ---- contents ------------------------------------------------------------------------

    def set_texts(self, texts: Sequence[str]) -> None:
        """New rows, nothing scored yet."""
        self.beginResetModel()
        self._texts = list(texts)
        self._results = [None] * len(self._texts)
        self.endResetModel()

    def start_run(self, labels: Sequence[str], with_reason: bool) -> None:
        """Columns for this run's labels; every earlier result is cleared."""
        self.beginResetModel()
        self._labels = tuple(labels)
        self._with_reason = with_reason
        self._results = [None] * len(self._texts)
        self.endResetModel()

    def show(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        with_reason: bool,
        results: Sequence[ItemResult | None],
    ) -> None:
        """Everything at once: a view (re)built over a controller's rows and results."""
        self.beginResetModel()
        self._texts = list(texts)
        self._labels = tuple(labels)
        self._with_reason = with_reason
        self._results = list(results[: len(self._texts)])
        self._results += [None] * (len(self._texts) - len(self._results))
        self.endResetModel()

    def set_result(self, row: int, result: ItemResult) -> None:
        if not 0 <= row < len(self._results):
            return
        self._results[row] = result
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def finish_run(self, results: Sequence[ItemResult | None]) -> None:
        """The run's final word per row (results not delivered before, e.g. not scored)."""
        changed = [
            i for i, res in enumerate(results[: len(self._results)]) if self._results[i] != res
        ]
        for i in changed:
            self._results[i] = results[i]
        if changed:
            self.dataChanged.emit(
                self.index(min(changed), 0), self.index(max(changed), self.columnCount() - 1)
            )

    def fail_rest(self, message: str) -> None:
        """The run stopped on an error: rows not reached say why."""
        for i, res in enumerate(self._results):
            if res is None:
                self._results[i] = ItemResult(None, {}, message)
        if self._results:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._results) - 1, self.columnCount() - 1)
            )

    def set_unsure_below(self, below: float) -> None:
        """Another threshold: the rows read anew (nothing is scored again)."""
        if below == self.unsure_below:
            return
        self.unsure_below = below
        if self._texts:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._texts) - 1, self.columnCount() - 1)
            )

    def set_compact(self, compact: bool) -> bool:
        """Show the margin as a bare number (unsure rows stay muted and italic); True if
        that changed."""
        if compact == self.compact:
            return False
        self.compact = compact
        col = 3 + len(self._labels)
        if self._texts:
            self.dataChanged.emit(self.index(0, col), self.index(len(self._texts) - 1, col))
        return True

    def unsure(self, row: int) -> bool:
        res = self._results[row]
        return res is not None and res.unsure(self.unsure_below)

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def with_reason(self) -> bool:
        return self._with_reason

    def texts(self) -> list[str]:
        return list(self._texts)

    def results(self) -> list[ItemResult | None]:
        return list(self._results)

    def result(self, row: int) -> ItemResult | None:
        return self._results[row]

    def text(self, row: int) -> str:
        return self._texts[row]

    def has_results(self) -> bool:
        return any(r is not None for r in self._results)

    # ---- columns -------------------------------------------------------------------------

    def column_kind(self, column: int) -> tuple[str, str | None]:
        """("number" | "text" | "label" | "prob" | "margin" | "error" | "reason", the label of a
        prob)."""
        n = len(self._labels)
        if column == 0:
            return "number", None
        if column == 1:
            return "text", None
        if column == 2:
            return "label", None
        if 3 <= column < 3 + n:
            return "prob", self._labels[column - 3]
        if column == 3 + n:
            return "margin", None
        if column == 4 + n:
            return "error", None
        return "reason", None

    def prob_column(self, label: str) -> int:
        return 3 + self._labels.index(label)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._texts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 5 + len(self._labels) + (1 if self._with_reason else 0)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        kind, label = self.column_kind(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return shown_label(label or "") if kind == "prob" else self.headers_base[kind]
        if role == Qt.ItemDataRole.ToolTipRole and kind == "prob":
            return self.tr("Probability of “{0}”").format(shown_label(label or ""))
        if role == Qt.ItemDataRole.ToolTipRole and kind == "margin":
            return self.tr(
                "The top probability minus the second; below {0:.0%} the result is unsure"
            ).format(self.unsure_below)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._texts):
            return None
        if not 0 <= index.column() < self.columnCount():
            return None
        row = index.row()
        res = self._results[row]
        kind, label = self.column_kind(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, res, kind, label)
        if role == SORT_ROLE:
            return self._sort_value(row, res, kind, label)
        if role == Qt.ItemDataRole.ToolTipRole:
            if kind == "text":
                return _one_line(self._texts[row], _TIP_CHARS) or None
            if kind == "error" and res is not None and res.error:
                return shown(res.error)
            if kind == "reason" and res is not None and res.reason:
                return res.reason
            if kind in ("label", "margin") and res is not None and res.ok:
                # the probabilities too: a narrow table hides their columns
                figures = "  ".join(f"{shown_label(n)} {p:.1%}" for n, p in res.ranked())
                return unsure_text(res) + "\n" + figures if self.unsure(row) else figures
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("number", "prob", "margin"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if kind in ("label", "margin") and self.unsure(row):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont(QApplication.font())
                font.setItalic(True)
                return font
        if role == Qt.ItemDataRole.ForegroundRole and kind == "error" and res is not None:
            return QColor(ERROR_COLOR if res.error == NOT_SCORED else "#c0392b")
        if (
            role == Qt.ItemDataRole.DecorationRole
            and kind == "label"
            and res is not None
            and res.label in self._labels
        ):
            return label_color(res.label or "", self._labels.index(res.label or ""))
        return None

    def _display(self, row: int, res: ItemResult | None, kind: str, label: str | None) -> object:
        if kind == "number":
            return row + 1
        if kind == "text":
            return _one_line(self._texts[row], _SHOWN_CHARS)
        if res is None:
            return None
        if kind == "label":
            return shown_label(res.label) if res.label is not None else None
        if kind == "prob":
            p = res.probs.get(label or "")
            return None if p is None else f"{p:.3f}"
        if kind == "margin":
            m = res.margin
            if m is None:
                return None
            if self.unsure(row) and not self.compact:
                return self.tr("{0:.3f} · unsure").format(m)
            return f"{m:.3f}"
        if kind == "error":
            return shown(res.error) if res.error else None
        return res.reason

    def _sort_value(self, row: int, res: ItemResult | None, kind: str, label: str | None) -> object:
        if kind == "number":
            return row
        if kind == "text":
            return clean(self._texts[row]).casefold()
        if kind == "prob":
            # rows without a probability (errors, not yet scored) sort below every number
            return float(res.probs.get(label or "", -1.0)) if res is not None else -1.0
        if kind == "margin":
            m = res.margin if res is not None else None
            return -1.0 if m is None else float(m)
        if res is None:
            return ""
        shown_value = shown_label(res.label) if res.label else None
        value = {"label": shown_value, "error": res.error, "reason": res.reason}[kind]
        return (value or "").casefold()


class ResultsFilter(QSortFilterProxyModel):
    """Rows whose text contains a string (ignoring case) and whose label is the one chosen."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._contains = ""
        self._label = ALL
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_contains(self, text: str) -> None:
        self.beginFilterChange()
        self._contains = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_label(self, label: str) -> None:
        """A label, ALL, ERRORS (rows with an error) or UNSURE (rows too close to call)."""
        self.beginFilterChange()
        self._label = label
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, ResultsModel):
            return True
        if self._label != ALL:
            res = model.result(source_row)
            if self._label == ERRORS:
                if res is None or not res.error:
                    return False
            elif self._label == UNSURE:
                if not model.unsure(source_row):
                    return False
            elif res is None or res.label != self._label:
                return False
        if self._contains:
            return self._contains in clean(model.text(source_row)).casefold()
        return True
