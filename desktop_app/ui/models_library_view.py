"""The Library tab: the installed models, and load / default / import / folders / reveal / delete.

The listing itself is done by the pane (on a worker thread) and handed in with `show_listing`;
this view says `changed` whenever it altered the library, so the pane lists it again and the
model bar follows. An import copies on a worker thread with progress and a Cancel button.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.models.fit import estimate_local
from desktop_app.core.models.library import (
    ImportCancelledError,
    ImportMode,
    Listing,
    LocalModel,
    ModelLibrary,
    format_size,
    reveal_in_file_manager,
)
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.models_fit import ERROR_COLOR, FitContext, FitWords
from desktop_app.ui.models_library_model import COL_NAME, ERROR_SPAN, LibraryTableModel
from desktop_app.ui.worker_relay import emit, error_text, in_thread

PROGRESS_STEPS = 1000
_PROGRESS_EVERY_S = 0.1


def ask_import_mode(parent: QWidget, path: str) -> ImportMode | None:
    """Copy the file into the models folder, or use it where it is? None: the person cancelled.
    (A module function, so tests can answer for the person.)"""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("LibraryView", "Import a model"))
    box.setText(
        QCoreApplication.translate("LibraryView", "How should {0} be added?").format(
            Path(path).name
        )
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "LibraryView",
            "A copy in the models folder stays even if the original is moved or deleted. "
            "Using it in place takes no extra disk space.",
        )
    )
    copy = box.addButton(
        QCoreApplication.translate("LibraryView", "Copy into the models folder"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    in_place = box.addButton(
        QCoreApplication.translate("LibraryView", "Use it where it is"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(copy)
    box.exec()
    clicked = box.clickedButton()
    if clicked is copy:
        return "copy"
    if clicked is in_place:
        return "in_place"
    return None


class _ImportRelay(QObject):
    progress = Signal(int, int, int)  # request, done, total
    done = Signal(int, object)  # request, LocalModel
    failed = Signal(int, str, bool)  # request, message, cancelled


class LibraryView(QWidget):
    load_requested = Signal(str)  # a model's path
    changed = Signal()  # files or the default changed: list again
    rescan_requested = Signal()
    status_message = Signal(str)

    def __init__(
        self, library: ModelLibrary, service: EngineService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.service = service
        self._fit: FitContext | None = None
        self._words = FitWords(self)
        self._import_request = 0
        self._select_next: str | None = None  # a key to select once it is listed (an import)
        self._import_cancel = threading.Event()
        self._importing = False
        self._relay = _ImportRelay()  # no parent: the worker may outlive the view
        self._relay.progress.connect(self._on_import_progress)
        self._relay.done.connect(self._on_import_done)
        self._relay.failed.connect(self._on_import_failed)

        self.model = LibraryTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Installed models"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.selectionModel().selectionChanged.connect(self._sync)
        self.model.modelReset.connect(self._apply_spans)

        self.empty = QLabel(
            self.tr(
                "No models yet. Download one from the Catalog or the Hub, or import a GGUF file."
            )
        )
        self.empty.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setAccessibleName(self.tr("Problems with model folders"))
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {ERROR_COLOR};")
        self.problems.setVisible(False)
        self.details = QLabel()
        self.details.setAccessibleName(self.tr("Selected model"))
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folders = QLabel()
        self.folders.setWordWrap(True)
        self.folders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.load_button = QPushButton(self.tr("Load"))
        self.load_button.setToolTip(self.tr("Load the selected model (or double-click it)"))
        self.load_button.clicked.connect(self.load_selected)
        self.default_button = QPushButton(self.tr("Set as default"))
        self.default_button.setToolTip(self.tr("Load this model when the app starts"))
        self.default_button.clicked.connect(self.set_default_selected)
        self.reveal_button = QPushButton(self.tr("Reveal in file manager"))
        self.reveal_button.clicked.connect(self.reveal_selected)
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setToolTip(self.tr("Add a GGUF file from this computer"))
        self.import_button.clicked.connect(self.import_clicked)
        self.add_folder_button = QPushButton(self.tr("Add folder…"))
        self.add_folder_button.setToolTip(self.tr("Also list the GGUF files in another folder"))
        self.add_folder_button.clicked.connect(self.add_folder_clicked)
        self.remove_folder_button = QPushButton(self.tr("Remove folder…"))
        self.remove_folder_button.setToolTip(
            self.tr("Stop listing a folder added before (its files stay)")
        )
        self.remove_folder_button.clicked.connect(self.remove_folder_clicked)
        self.rescan_button = QPushButton(self.tr("Rescan"))
        self.rescan_button.setToolTip(self.tr("List the model folders again"))
        self.rescan_button.clicked.connect(self.rescan_requested)

        self.import_bar = QProgressBar()
        self.import_bar.setRange(0, PROGRESS_STEPS)
        self.import_bar.setAccessibleName(self.tr("Import progress"))
        self.import_label = QLabel()
        self.import_cancel_button = QPushButton(self.tr("Cancel import"))
        self.import_cancel_button.clicked.connect(self.cancel_import)
        self.import_row = QWidget()
        ir = QHBoxLayout(self.import_row)
        ir.setContentsMargins(0, 0, 0, 0)
        ir.addWidget(self.import_label)
        ir.addWidget(self.import_bar, 1)
        ir.addWidget(self.import_cancel_button)
        self.import_row.setVisible(False)

        actions = QHBoxLayout()
        for b in (self.load_button, self.default_button, self.reveal_button, self.delete_button):
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (
            self.import_button,
            self.add_folder_button,
            self.remove_folder_button,
            self.rescan_button,
        ):
            actions.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.details)
        layout.addWidget(self.import_row)
        layout.addLayout(actions)
        layout.addWidget(self.folders)
        self._sync()

    # ---- contents ------------------------------------------------------------------------

    def show_listing(self, listing: Listing, default_key: str | None) -> None:
        keep = self.current()
        wanted = self._select_next or (keep.key if keep is not None else None)
        self.model.set_models(listing.models, default_key)
        self._update_fits()
        self.problems.setText("\n".join(listing.problems))
        self.problems.setVisible(bool(listing.problems))
        if wanted is not None and (row := self.model.row_of(wanted)) >= 0:
            self.table.selectRow(row)
            self._select_next = None
        self.empty.setVisible(not listing.models)
        self._show_folders()
        self._sync()

    def set_fit_context(self, ctx: FitContext) -> None:
        self._fit = ctx
        self._update_fits()
        self._sync()

    def _update_fits(self) -> None:
        ctx = self._fit
        if ctx is None:
            return
        fits = {}
        for m in self.model.models():
            try:
                fits[m.key] = estimate_local(m, ctx.report, n_ctx=ctx.n_ctx, kv_type=ctx.kv_type)
            except ValueError:  # an odd header value: no estimate rather than no listing
                fits[m.key] = None
        self.model.set_fits(fits)

    def _apply_spans(self) -> None:
        self.table.clearSpans()
        for row, m in enumerate(self.model.models()):
            if m.error:
                self.table.setSpan(row, ERROR_SPAN[0], 1, ERROR_SPAN[1])

    def _show_folders(self) -> None:
        extra = self.library.extra_dirs()
        text = self.tr("Models folder: {0}").format(self.library.models_dir)
        if extra:
            text += "\n" + self.tr("Also listed: {0}").format(", ".join(str(d) for d in extra))
        self.folders.setText(text)
        self.remove_folder_button.setEnabled(bool(extra) and not self._importing)

    # ---- selection -----------------------------------------------------------------------

    def current(self) -> LocalModel | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.model_at(rows[0].row()) if rows else None

    def select(self, key_or_name: str) -> bool:
        """Select the row of a model by key (path) or name; False if it is not listed."""
        for row, m in enumerate(self.model.models()):
            if key_or_name in (m.key, m.name, m.file_name):
                self.table.selectRow(row)
                return True
        return False

    def _sync(self, *_args: object) -> None:
        m = self.current()
        usable = m is not None and m.ok and not m.is_projector
        self.load_button.setEnabled(usable)
        self.default_button.setEnabled(usable and m is not None and m.key != self.model.default_key)
        self.reveal_button.setEnabled(m is not None and bool(m.files))
        self.delete_button.setEnabled(m is not None and bool(m.files) and not self._importing)
        self.import_button.setEnabled(not self._importing)
        self.add_folder_button.setEnabled(not self._importing)
        self.remove_folder_button.setEnabled(
            bool(self.library.extra_dirs()) and not self._importing
        )
        self.details.setText(self._details(m) if m is not None else "")
        self.details.setVisible(m is not None)

    def _details(self, m: LocalModel) -> str:
        lines = [f"{m.display_name} — {m.path}"]
        if m.error:
            lines.append(m.error)
            return "\n".join(lines)
        if m.languages:
            lines.append(self.tr("Languages: {0}").format(", ".join(m.languages)))
        est = self.model.fit(m.key)
        if est is not None:
            lines.append(self._words.tooltip(est).replace("\n", " "))
        return "\n".join(lines)

    def _on_double_click(self, index: QModelIndex) -> None:
        m = self.model.model_at(index.row())
        if m is not None and m.ok and not m.is_projector:
            self.load_requested.emit(str(m.path))

    # ---- actions -------------------------------------------------------------------------

    def load_selected(self) -> None:
        m = self.current()
        if m is not None and m.ok:
            self.load_requested.emit(str(m.path))

    def set_default_selected(self) -> None:
        m = self.current()
        if m is None:
            return
        try:
            self.library.set_default(m)
        except AppError as e:
            self.status_message.emit(
                self.tr("Could not save the default model: {0}").format(e.message)
            )
            return
        self.status_message.emit(self.tr("{0} is now the default model.").format(m.name))
        self.changed.emit()

    def reveal_selected(self) -> None:
        m = self.current()
        if m is None:
            return
        try:
            reveal_in_file_manager(m.path)
        except AppError as e:
            self.status_message.emit(e.message)

    def _is_loaded(self, m: LocalModel) -> bool:
        info = self.service.model_info
        if info is None or self.service.remote:
            return False
        return any(str(f) == info.path for f in m.files)

    def delete_selected(self) -> None:
        m = self.current()
        if m is None:
            return
        if self._is_loaded(m):
            QMessageBox.information(
                self,
                self.tr("Delete model"),
                self.tr("{0} is loaded now. Unload it in the bar above first.").format(m.name),
            )
            return
        if m.source == "imported":
            text = self.tr(
                "Delete {0} ({1})? It was added in place, so the file in {2} itself is deleted "
                "from this computer."
            ).format(m.name, format_size(m.size), m.path.parent)
        elif len(m.files) > 1:
            text = self.tr("Delete {0} ({1}, {2} files) from this computer?").format(
                m.name, format_size(m.size), len(m.files)
            )
        else:
            text = self.tr("Delete {0} ({1}) from this computer?").format(
                m.name, format_size(m.size)
            )
        answer = QMessageBox.question(
            self,
            self.tr("Delete model"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.library.delete(m)
        except AppError as e:
            self.status_message.emit(e.message)
            QMessageBox.warning(self, self.tr("Delete model"), e.message)
        else:
            self.status_message.emit(self.tr("Deleted {0}.").format(m.name))
        self.changed.emit()

    def add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Also list the models in this folder"), str(Path.home())
        )
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        try:
            self.library.add_extra_dir(folder)
        except AppError as e:
            self.status_message.emit(e.message)
            return
        self.status_message.emit(self.tr("Models in {0} are listed too.").format(folder))
        self.changed.emit()

    def remove_folder_clicked(self) -> None:
        dirs = [str(d) for d in self.library.extra_dirs()]
        if not dirs:
            return
        folder, ok = QInputDialog.getItem(
            self,
            self.tr("Remove folder"),
            self.tr("Stop listing the models in (the files stay where they are):"),
            dirs,
            0,
            False,
        )
        if not ok or not folder:
            return
        try:
            self.library.remove_extra_dir(folder)
        except AppError as e:
            self.status_message.emit(e.message)
            return
        self.changed.emit()

    # ---- import --------------------------------------------------------------------------

    def import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import a GGUF model"), str(Path.home()), self.tr("GGUF models (*.gguf)")
        )
        if not path:
            return
        mode = ask_import_mode(self, path)
        if mode is not None:
            self.import_file(path, mode)

    def import_file(self, path: str, mode: ImportMode) -> None:
        """Copy (or register) `path` on a worker thread; progress and Cancel below the table."""
        if self._importing:
            return
        self._import_request += 1
        request = self._import_request
        cancel = threading.Event()
        self._import_cancel = cancel
        self._importing = True
        self.import_bar.setValue(0)
        self.import_label.setText(self.tr("Importing {0}…").format(Path(path).name))
        self.import_cancel_button.setEnabled(mode == "copy")
        self.import_row.setVisible(True)
        self._sync()
        library, relay = self.library, self._relay
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_EVERY_S or done >= total:
                last[0] = now
                emit(relay.progress, request, done, total)

        def work() -> None:
            try:
                model = library.import_file(
                    path, mode=mode, progress=progress, cancel=cancel.is_set
                )
            except ImportCancelledError as e:
                emit(relay.failed, request, e.message, True)
            except AppError as e:
                emit(relay.failed, request, e.message, False)
            except Exception as e:  # an OS error the library did not name
                emit(relay.failed, request, error_text(e), False)
            else:
                emit(relay.done, request, model)

        in_thread("model-import", work)

    def cancel_import(self) -> None:
        self._import_cancel.set()
        self.import_label.setText(self.tr("Cancelling…"))

    @property
    def importing(self) -> bool:
        return self._importing

    def _on_import_progress(self, request: int, done: int, total: int) -> None:
        if request == self._import_request and total > 0:
            self.import_bar.setValue(round(done * PROGRESS_STEPS / total))

    def _end_import(self) -> None:
        self._importing = False
        self.import_row.setVisible(False)
        self._sync()

    def _on_import_done(self, request: int, model: LocalModel) -> None:
        if request != self._import_request:
            return
        self._end_import()
        self.status_message.emit(self.tr("Imported {0}.").format(model.name))
        self._select_next = model.key
        self.changed.emit()

    def _on_import_failed(self, request: int, message: str, cancelled: bool) -> None:
        if request != self._import_request:
            return
        self._end_import()
        if cancelled:
            self.status_message.emit(self.tr("Import cancelled; nothing was added."))
            return
        self.status_message.emit(message)
        QMessageBox.warning(self, self.tr("Import a model"), message)

    def shutdown(self) -> None:
        self._import_cancel.set()
