"""The Downloads tab's table: one row per download job, updated in place from the downloader's
status snapshots, and the delegate that draws the progress column as a bar.

The downloader's messages are English from the Qt-free core; they are shown through
ui/core_text.shown, in the interface's language (a retry's reason and its count both)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from desktop_app.core.models.download_state import DOWNLOADING, STARTING
from desktop_app.core.models.downloads import DownloadState, DownloadStatus, format_bytes
from desktop_app.ui.core_text import shown
from desktop_app.ui.models.fit import ERROR_COLOR, duration_label
from desktop_app.ui.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex

FRACTION_ROLE = Qt.ItemDataRole.UserRole + 1  # float 0..1, or None when the size is unknown
JOB_ROLE = Qt.ItemDataRole.UserRole + 2

C_FILE, C_PROGRESS, C_BYTES, C_SPEED, C_ETA, C_STATE, C_ACTIONS = range(7)
N_COLUMNS = 7
BAR_STEPS = 1000

ACTIVE = (DownloadState.QUEUED, DownloadState.RUNNING)


class DownloadsTableModel(RowsTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[DownloadStatus] = []
        self._headers = (
            self.tr("File"),
            self.tr("Progress"),
            self.tr("Downloaded"),
            self.tr("Speed"),
            self.tr("Time left"),
            self.tr("Status"),
            "",
        )

    # ---- contents ------------------------------------------------------------------------

    def set_jobs(self, jobs: Sequence[DownloadStatus]) -> None:
        self.beginResetModel()
        self._jobs = list(jobs)
        self.endResetModel()

    def update(self, status: DownloadStatus) -> int:
        """Insert or refresh the job's row; returns its row."""
        row = self.row_of(status.job_id)
        if row < 0:
            row = len(self._jobs)
            self.beginInsertRows(QModelIndex(), row, row)
            self._jobs.append(status)
            self.endInsertRows()
        else:
            self._jobs[row] = status
            self.dataChanged.emit(self.index(row, 0), self.index(row, N_COLUMNS - 1))
        return row

    def remove(self, job_id: str) -> None:
        row = self.row_of(job_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._jobs[row]
            self.endRemoveRows()

    def row_of(self, job_id: str) -> int:
        return next((i for i, j in enumerate(self._jobs) if j.job_id == job_id), -1)

    def status_at(self, row: int) -> DownloadStatus | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def jobs(self) -> list[DownloadStatus]:
        return list(self._jobs)

    def active_count(self) -> int:
        return sum(1 for j in self._jobs if j.state in ACTIVE)

    # ---- Qt ------------------------------------------------------------------------------

    def _row_count(self) -> int:
        return len(self._jobs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        s = self.status_at(index.row())
        if s is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(s, col)
        if role == FRACTION_ROLE:
            return 1.0 if s.state == DownloadState.DONE else s.fraction
        if role == JOB_ROLE:
            return s.job_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == C_FILE:
                return self.tr("{0}\nfrom {1}").format(s.name, s.repo_id)
            if col == C_STATE:
                return self.state_text(s)
            if col in (C_PROGRESS, C_BYTES, C_SPEED, C_ETA):
                return self.details_text(s)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == C_STATE and s.error is not None:
            return QColor(ERROR_COLOR)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (C_BYTES, C_SPEED, C_ETA):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, s: DownloadStatus, col: int) -> str:
        if col == C_FILE:
            parts = self.tr(" ({0} files)").format(s.files_total) if s.files_total > 1 else ""
            return s.name + parts
        if col == C_PROGRESS:  # drawn as a bar by ProgressDelegate; the text is for tests and a11y
            f = 1.0 if s.state == DownloadState.DONE else s.fraction
            return f"{f:.0%}" if f is not None else ""
        if col == C_BYTES:
            if s.bytes_total:
                return self.tr("{0} of {1}").format(
                    format_bytes(s.bytes_done), format_bytes(s.bytes_total)
                )
            return format_bytes(s.bytes_done) if s.bytes_done else ""
        if col == C_SPEED:
            return self.tr("{0}/s").format(format_bytes(s.speed)) if s.speed > 0 else ""
        if col == C_ETA:
            return duration_label(s.eta) if s.state == DownloadState.RUNNING else ""
        if col == C_STATE:
            return self.state_text(s)
        return ""

    def state_text(self, s: DownloadStatus) -> str:
        """The state in words; the downloader's own (English, from the Qt-free core) are shown
        in the interface's language through core_text.shown, part by part."""
        if s.state == DownloadState.FAILED:
            reason = s.error.message if s.error is not None else s.message
            return self.tr("Failed: {0}").format(shown(reason))
        if s.state == DownloadState.RUNNING:
            if s.message and s.message not in (DOWNLOADING, STARTING):
                return shown(s.message)
            return self.tr("Downloading")
        if s.state == DownloadState.PAUSED:
            if s.error is not None:
                return self.tr("Paused: {0}").format(shown(s.error.message))
            return self.tr("Paused")
        return {
            DownloadState.QUEUED: self.tr("Waiting"),
            DownloadState.DONE: self.tr("Done"),
            DownloadState.CANCELLED: self.tr("Cancelled"),
        }.get(s.state, shown(s.message))

    def details_text(self, s: DownloadStatus) -> str:
        """Everything about one download on one line, the state whole (the table elides it)."""
        facts = [self._text(s, c) for c in (C_BYTES, C_SPEED)]
        if s.state == DownloadState.RUNNING and s.eta is not None:
            facts.append(self.tr("{0} left").format(duration_label(s.eta)))
        figures = ", ".join(f for f in facts if f)
        head = f"{s.name} ({figures})" if figures else s.name
        return self.tr("{0}: {1}").format(head, self.state_text(s))


class ProgressDelegate(QStyledItemDelegate):
    """Draws the progress column as the style's progress bar (busy when the size is unknown)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        fraction = index.data(FRACTION_ROLE)
        if fraction is None:  # nothing to show yet (the size comes with the first answer)
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 4, -3, -4)
        # Qt 6 reads the orientation from this flag: without it the bar fills bottom-up
        bar.state = (
            option.state | QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        )
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.palette = option.palette
        bar.minimum = 0
        bar.maximum = BAR_STEPS
        bar.progress = round(float(fraction) * BAR_STEPS)
        bar.text = f"{float(fraction):.0%}"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style = option.widget.style() if option.widget is not None else QApplication.style()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
