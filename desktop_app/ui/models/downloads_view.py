"""The Downloads tab: every download with its progress, bytes, speed, time left and state, and
Pause / Resume / Cancel on its own row.

Rows come from the downloader's events (the models controller's, on the GUI thread, handed in by
the pane); jobs a previous run left paused are listed at once, from the downloader's saved state.
Errors stay on their row.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.models import ModelsController
from desktop_app.core.errors import AppError
from desktop_app.core.models.downloads import DownloadEvent, DownloadState
from desktop_app.ui.models.downloads_model import (
    C_ACTIONS,
    C_FILE,
    C_PROGRESS,
    C_STATE,
    DownloadsTableModel,
    ProgressDelegate,
)
from desktop_app.ui.models.fit import ERROR_COLOR

_RESUMABLE = (DownloadState.PAUSED, DownloadState.FAILED)


class JobActions(QWidget):
    """Pause or Resume, Cancel, and Remove (for a settled job) for one row."""

    def __init__(self, job_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.pause = QPushButton(self.tr("Pause"))
        self.resume = QPushButton(self.tr("Resume"))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.setToolTip(self.tr("Take it off this list"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(4)
        for b in (self.pause, self.resume, self.cancel, self.remove):
            b.setAutoDefault(False)
            layout.addWidget(b)

    def show_state(self, state: DownloadState, resumable: bool, offline: bool) -> None:
        active = state in (DownloadState.QUEUED, DownloadState.RUNNING)
        self.pause.setVisible(active)
        self.resume.setVisible(state in _RESUMABLE)
        self.resume.setEnabled(resumable and not offline)
        self.resume.setToolTip(self.tr("Offline mode is on") if offline else "")
        self.cancel.setVisible(state not in (DownloadState.DONE, DownloadState.CANCELLED))
        self.remove.setVisible(state in (DownloadState.DONE, DownloadState.CANCELLED))


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
        header.setSectionResizeMode(C_FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(C_PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(C_PROGRESS, 150)
        header.setSectionResizeMode(C_STATE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(C_STATE, 220)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        self.model.modelReset.connect(self._rebuild_actions)

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
        self.folder = QLabel(
            self.tr("Downloads go to {0}").format(controller.downloader.models_dir)
        )
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.folder, 1)
        bottom.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
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
        self._sync()

    def _rebuild_actions(self) -> None:
        self._actions.clear()
        for row in range(self.model.rowCount()):
            self._make_actions(row)

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
        self.empty.setVisible(self.model.rowCount() == 0)
        self.clear_button.setEnabled(
            any(s.state in (DownloadState.DONE, DownloadState.CANCELLED) for s in self.model.jobs())
        )

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
