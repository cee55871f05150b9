"""The Downloads tab: every download with its progress, bytes, speed, time left and state, and
Pause / Resume / Cancel on its own row.

Rows come from the downloader's events (the models controller's, on the GUI thread, handed in by
the pane); jobs a previous run left paused are listed at once, from the downloader's saved state.
Errors stay on their row. The Status column is elided to fit; the line under the table shows the
selected download (else the latest one in trouble) whole, wrapped. In a narrow window (800 px)
the bytes, speed and time-left columns give way (the bar still shows the share done), and that
line carries them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.models import ModelsController
from desktop_app.core.errors import AppError
from desktop_app.core.models.downloads import DownloadEvent, DownloadState, DownloadStatus
from desktop_app.ui.elided_label import ElidedLabel
from desktop_app.ui.models.downloads_model import (
    C_ACTIONS,
    C_BYTES,
    C_ETA,
    C_FILE,
    C_PROGRESS,
    C_SPEED,
    C_STATE,
    DownloadsTableModel,
    ProgressDelegate,
)
from desktop_app.ui.models.fit import ERROR_COLOR

_RESUMABLE = (DownloadState.PAUSED, DownloadState.FAILED)
Index = QModelIndex | QPersistentModelIndex
_RETRY_MARK = " Retrying in "  # in a retrying job's (English) message: download_state.RETRYING
NARROW_PX = 900  # below this width the table drops its bytes, speed and time-left columns


class JobActions(QWidget):
    """Pause or Resume, Cancel, and Remove (for a settled job) for one row."""

    def __init__(self, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        # tool buttons: a table row has no room for push buttons' margins at 800 px
        self.pause, self.resume = _button(self.tr("Pause")), _button(self.tr("Resume"))
        self.cancel, self.remove = _button(self.tr("Cancel")), _button(self.tr("Remove"))
        self.remove.setToolTip(self.tr("Take it off this list"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(2)
        for b in (self.pause, self.resume, self.cancel, self.remove):
            layout.addWidget(b)

    def show_state(self, state: DownloadState, resumable: bool, offline: bool) -> None:
        active = state in (DownloadState.QUEUED, DownloadState.RUNNING)
        self.pause.setVisible(active)
        self.resume.setVisible(state in _RESUMABLE)
        self.resume.setEnabled(resumable and not offline)
        self.resume.setToolTip(self.tr("Offline mode is on") if offline else "")
        self.cancel.setVisible(state not in (DownloadState.DONE, DownloadState.CANCELLED))
        self.remove.setVisible(state in (DownloadState.DONE, DownloadState.CANCELLED))


def _button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    return button


class ElideRight(QStyledItemDelegate):
    """A cell cut at its end ("Failed: Cannot find the…"): the table elides in the middle."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight


class DownloadsView(QWidget):
    status_message = Signal(str)

    def __init__(self, controller: ModelsController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._offline = False
        self._actions: dict[str, JobActions] = {}

        self.model = DownloadsTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Downloads"))
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(C_PROGRESS, ProgressDelegate(self.table))
        self.table.setItemDelegateForColumn(C_STATE, ElideRight(self.table))  # its start matters
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            max(self.table.verticalHeader().defaultSectionSize(), self.fontMetrics().height() + 16)
        )
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep the quantization seen
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(C_FILE, QHeaderView.ResizeMode.Interactive)  # _fit_file
        header.setSectionResizeMode(C_PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(C_PROGRESS, 110)
        header.setSectionResizeMode(C_STATE, QHeaderView.ResizeMode.Stretch)  # whole: details
        header.setMinimumSectionSize(40)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        self.model.modelReset.connect(self._rebuild_actions)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_details())

        self.details = QLabel()
        self.details.setAccessibleName(self.tr("Download details"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setVisible(False)

        self.empty = QLabel(
            self.tr("No downloads. Pick a model in the Catalog or search the Hub to download one.")
        )
        self.empty.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {ERROR_COLOR};")
        self.hint.setVisible(False)
        self.clear_button = QPushButton(self.tr("Clear finished"))
        self.clear_button.setToolTip(self.tr("Take finished and cancelled downloads off the list"))
        self.clear_button.clicked.connect(self.clear_finished)
        self.folder = ElidedLabel()  # a long models path must not widen the window
        self.folder.set_full_text(
            self.tr("Downloads go to {0}").format(controller.downloader.models_dir)
        )
        bottom = QHBoxLayout()
        bottom.addWidget(self.folder, 1)
        bottom.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.empty)
        layout.addLayout(bottom)

        self.attach(controller)

    def attach(self, controller: ModelsController) -> None:
        """List `controller`'s downloads (paused jobs from the last run among them)."""
        self.controller = controller
        self.model.set_jobs(controller.jobs())
        self._sync()

    # ---- rows and their buttons ----------------------------------------------------------

    def _on_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self._make_actions(row)
        self._fit_file()
        self._sync()

    def _rebuild_actions(self) -> None:
        self._actions.clear()
        for row in range(self.model.rowCount()):
            self._make_actions(row)
        self._fit_file()

    def _make_actions(self, row: int) -> None:
        status = self.model.status_at(row)
        if status is None:
            return
        actions = JobActions(status.job_id)
        job_id = status.job_id
        actions.pause.clicked.connect(lambda: self.pause(job_id))
        actions.resume.clicked.connect(lambda: self.resume(job_id))
        actions.cancel.clicked.connect(lambda: self.cancel(job_id))
        actions.remove.clicked.connect(lambda: self.forget(job_id))
        actions.show_state(status.state, status.resumable, self._offline)
        self._actions[job_id] = actions
        self.table.setIndexWidget(self.model.index(row, C_ACTIONS), actions)
        self.table.resizeColumnToContents(C_ACTIONS)

    def actions_for(self, job_id: str) -> JobActions | None:
        return self._actions.get(job_id)

    def on_event(self, event: DownloadEvent) -> None:
        s = event.status
        self.model.update(s)
        actions = self._actions.get(s.job_id)
        if actions is not None:
            actions.show_state(s.state, s.resumable, self._offline)
        self._sync()

    def set_offline(self, offline: bool) -> None:
        self._offline = offline
        self.hint.setText(
            self.tr(
                "Offline mode is on: downloads are paused and cannot be resumed until it is off."
            )
            if offline
            else ""
        )
        self.hint.setVisible(offline)
        self._refresh_actions()

    def _refresh_actions(self) -> None:
        for s in self.model.jobs():
            actions = self._actions.get(s.job_id)
            if actions is not None:
                actions.show_state(s.state, s.resumable, self._offline)

    def _sync(self) -> None:
        self._show_details()
        self.empty.setVisible(self.model.rowCount() == 0)
        self.clear_button.setEnabled(
            any(s.state in (DownloadState.DONE, DownloadState.CANCELLED) for s in self.model.jobs())
        )

    # ---- the details line and the narrow layout --------------------------------------------

    def details_job(self) -> DownloadStatus | None:
        """The selected download, else the latest one that failed, retries or waits on an error."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.model.status_at(rows[0].row())
        for s in reversed(self.model.jobs()):
            retrying = s.state == DownloadState.RUNNING and _RETRY_MARK in s.message
            if s.error is not None or retrying:
                return s
        return None

    def _show_details(self) -> None:
        s = self.details_job()
        self.details.setVisible(s is not None)
        if s is None:
            return
        self.details.setText(self.model.details_text(s))
        self.details.setStyleSheet(f"color: {ERROR_COLOR};" if s.error is not None else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW_PX  # bytes, speed and time left: in the details
        for col in (C_BYTES, C_SPEED, C_ETA):
            self.table.setColumnHidden(col, narrow)
        self._fit_file()

    def _fit_file(self) -> None:
        """The file names whole where there is room, else at most a third of the table (the
        Status column stretches over the rest)."""
        share = max(120, self.table.viewport().width() // 3)
        self.table.setColumnWidth(C_FILE, min(self.table.sizeHintForColumn(C_FILE), share))

    # ---- actions -------------------------------------------------------------------------

    def pause(self, job_id: str) -> None:
        self._act(self.controller.pause, job_id)

    def resume(self, job_id: str) -> None:
        self._act(self.controller.resume, job_id)

    def cancel(self, job_id: str) -> None:
        self._act(self.controller.cancel_download, job_id)

    def forget(self, job_id: str) -> None:
        self.controller.forget_download(job_id)
        self._actions.pop(job_id, None)
        self.model.remove(job_id)
        self._sync()

    def clear_finished(self) -> None:
        for s in self.model.jobs():
            if s.state in (DownloadState.DONE, DownloadState.CANCELLED):
                self.forget(s.job_id)

    def _act(self, action: Callable[[str], None], job_id: str) -> None:
        try:
            action(job_id)
        except AppError as e:
            self.status_message.emit(e.message)
        # the downloader reports the new state as an event; for a job that was not running it
        # has already arrived (same thread); for a running one it follows within a second
        try:
            self.model.update(self.controller.status(job_id))
        except AppError:
            return
        self._refresh_actions()
        self._sync()
