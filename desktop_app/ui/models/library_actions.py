"""The Library tab's actions: default, reveal, delete, folders and import (with its dialog).

A base class of `LibraryView` (kept apart so each module stays short); its strings are the
view's (translation context "LibraryView", as PySide6 looks them up under the concrete class).
Edits go through the models controller, which lists the library again after each.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from desktop_app.core.controllers.models import ModelsController
from desktop_app.core.controllers.models_events import ImportEnded, ImportProgress, ImportStarted
from desktop_app.core.errors import AppError
from desktop_app.core.models.library import (
    ImportMode,
    LocalModel,
    format_size,
    reveal_in_file_manager,
)
from desktop_app.ui.engine_service import EngineService

PROGRESS_STEPS = 1000


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


class LibraryActions(QWidget):
    """What the Library tab's buttons do; the widgets are `LibraryView`'s."""

    load_requested = Signal(str)  # a model's path
    status_message = Signal(str)

    controller: ModelsController
    service: EngineService
    import_bar: QProgressBar
    import_label: QLabel
    import_cancel_button: QPushButton
    import_row: QWidget
    _select_next: str | None

    def current(self) -> LocalModel | None:
        raise NotImplementedError

    def _sync(self, *_args: object) -> None:
        raise NotImplementedError

    # ---- actions -------------------------------------------------------------------------

    def set_default_selected(self) -> None:
        m = self.current()
        if m is None:
            return
        try:
            self.controller.set_default(m)
        except AppError as e:
            self.status_message.emit(
                self.tr("Could not save the default model: {0}").format(e.message)
            )
            return
        self.status_message.emit(self.tr("{0} is now the default model.").format(m.name))

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
            self.controller.delete(m)  # lists again either way
        except AppError as e:
            self.status_message.emit(e.message)
            QMessageBox.warning(self, self.tr("Delete model"), e.message)
        else:
            self.status_message.emit(self.tr("Deleted {0}.").format(m.name))

    def add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Also list the models in this folder"), str(Path.home())
        )
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        try:
            self.controller.add_folder(folder)
        except AppError as e:
            self.status_message.emit(e.message)
            return
        self.status_message.emit(self.tr("Models in {0} are listed too.").format(folder))

    def remove_folder_clicked(self) -> None:
        dirs = [str(d) for d in self.controller.library.extra_dirs()]
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
            self.controller.remove_folder(folder)
        except AppError as e:
            self.status_message.emit(e.message)

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

    def import_loaded(self) -> None:
        """Add the model loaded by path (listed "loaded from PATH") to the library."""
        m = self.controller.not_listed
        if m is None:
            return
        mode = ask_import_mode(self, str(m.path))
        if mode is not None:
            self.import_file(str(m.path), mode)

    def import_file(self, path: str, mode: ImportMode) -> None:
        """Copy (or register) `path` off the GUI thread; progress and Cancel below the table."""
        self.controller.import_file(path, mode)

    def cancel_import(self) -> None:
        if self.controller.importing is None:
            return
        self.controller.cancel_import()
        self.import_label.setText(self.tr("Cancelling…"))

    @property
    def importing(self) -> bool:
        return self.controller.importing is not None

    def on_import(self, event: ImportStarted | ImportProgress | ImportEnded) -> None:
        """The controller's import events (also replayed when a rebuilt pane attaches)."""
        if isinstance(event, ImportStarted):
            self.import_bar.setValue(0)
            self.import_label.setText(self.tr("Importing {0}…").format(event.path.name))
            self.import_cancel_button.setEnabled(event.mode == "copy")
            self.import_row.setVisible(True)
            self._sync()
        elif isinstance(event, ImportProgress):
            if event.total > 0:
                self.import_bar.setValue(round(event.done * PROGRESS_STEPS / event.total))
        else:
            self.import_row.setVisible(False)
            self._sync()
            if event.model is not None:
                self.status_message.emit(self.tr("Imported {0}.").format(event.model.name))
                self._select_next = event.model.key
            elif event.cancelled:
                self.status_message.emit(self.tr("Import cancelled; nothing was added."))
            else:
                self.status_message.emit(event.message)
                QMessageBox.warning(self, self.tr("Import a model"), event.message)
