"""The Library tab: the installed models, and load / default / import / folders / reveal / delete.

The listing is the models controller's (made off the GUI thread), handed in by the pane with
`show_listing`; the actions (library_actions.py) go through the controller, which lists the
library again after each edit, so the model bar follows. An import copies off the GUI thread
with progress and a Cancel button, and goes on in a rebuilt window. A model loaded by path that
the library lacks is listed first, "loaded from PATH", with "Import this model…" to add it.
The buttons wrap onto a second line in a narrow window (flow_layout.py): none is ever cut.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.models import ModelsController
from desktop_app.core.models.fit import estimate_local
from desktop_app.core.models.library import Listing, LocalModel
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.models.fit import ERROR_COLOR, FitContext, FitWords
from desktop_app.ui.models.flow_layout import FlowLayout
from desktop_app.ui.models.library_actions import (
    PROGRESS_STEPS,
    LibraryActions,
    ask_import_mode,
)
from desktop_app.ui.models.library_model import (
    COL_ARCH,
    COL_CONTEXT,
    COL_LICENSE,
    COL_NAME,
    COL_PARAMS,
    COL_TEMPLATE,
    ERROR_SPAN,
    LibraryTableModel,
)

# Columns that give way, in this order, when the table is too narrow to show every column:
# the details under the table repeat them, so nothing needs a sideways scroll (issue 14).
NARROW_HIDES = (COL_LICENSE, COL_TEMPLATE, COL_ARCH, COL_CONTEXT, COL_PARAMS)

__all__ = ["PROGRESS_STEPS", "LibraryView", "ask_import_mode"]


class LibraryView(LibraryActions):
    def __init__(
        self, controller: ModelsController, service: EngineService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.service = service
        self._fit: FitContext | None = None
        self._words = FitWords(self)
        self._select_next = None  # a key to select once it is listed (an import)

        self.model = LibraryTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Installed models"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long path keeps its end
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
        self.rescan_button.clicked.connect(lambda: self.controller.refresh())
        self.import_loaded_button = QPushButton(self.tr("Import this model…"))
        self.import_loaded_button.setToolTip(
            self.tr(
                "The model loaded now is not in the library: copy it into the models folder, "
                "or list it where it is"
            )
        )
        self.import_loaded_button.clicked.connect(self.import_loaded)
        self.import_loaded_button.setVisible(False)

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

        self.action_bar = QWidget()
        actions = FlowLayout(self.action_bar)
        for b in (
            self.load_button,
            self.default_button,
            self.reveal_button,
            self.delete_button,
            self.import_loaded_button,
        ):
            actions.addWidget(b)
        actions.add_gap()
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
        layout.addWidget(self.action_bar)
        layout.addWidget(self.folders)
        for signal in (service.loaded, service.unloaded, service.engine_crashed):
            signal.connect(self._follow_model)
        self._sync()

    def attach(self, controller: ModelsController) -> None:
        """Follow `controller`; an import it is running shows with its progress."""
        self.controller = controller
        self.import_row.setVisible(False)
        if controller.importing is not None:
            self.on_import(controller.importing)
            done, total = controller.import_progress
            if total > 0:
                self.import_bar.setValue(round(done * PROGRESS_STEPS / total))
        self._follow_model()
        self._sync()

    def _follow_model(self, *_args: object) -> None:
        """Tell the controller which local file is loaded (it lists one the library lacks)."""
        info = self.service.model_info
        self.controller.set_loaded(None if info is None or self.service.remote else info.path)

    # ---- contents ------------------------------------------------------------------------

    def show_listing(self, listing: Listing, default_key: str | None) -> None:
        keep = self.current()
        wanted = self._select_next or (keep.key if keep is not None else None)
        outside = self.controller.not_listed
        self.model.set_models(listing.models, default_key, outside)
        self._update_fits()
        self._fit_columns()
        self.problems.setText("\n".join(listing.problems))
        self.problems.setVisible(bool(listing.problems))
        if wanted is not None and (row := self.model.row_of(wanted)) >= 0:
            self.table.selectRow(row)
            self._select_next = None
        self.empty.setVisible(not listing.models and outside is None)
        self.import_loaded_button.setVisible(outside is not None)
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
            if m.error or self.model.is_outside(m):  # its error, or where it was loaded from
                self.table.setSpan(row, ERROR_SPAN[0], 1, ERROR_SPAN[1])

    def _show_folders(self) -> None:
        library = self.controller.library
        extra = library.extra_dirs()
        text = self.tr("Models folder: {0}").format(library.models_dir)
        if extra:
            text += "\n" + self.tr("Also listed: {0}").format(", ".join(str(d) for d in extra))
        self.folders.setText(text)
        self.remove_folder_button.setEnabled(bool(extra) and not self.importing)

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
        outside = m is not None and self.model.is_outside(m)  # import it first
        self.load_button.setEnabled(usable)
        self.default_button.setEnabled(
            usable and not outside and m is not None and m.key != self.model.default_key
        )
        self.reveal_button.setEnabled(m is not None and bool(m.files))
        importing = self.importing
        self.delete_button.setEnabled(
            m is not None and bool(m.files) and not importing and not outside
        )
        self.import_button.setEnabled(not importing)
        self.import_loaded_button.setEnabled(not importing)
        self.add_folder_button.setEnabled(not importing)
        self.remove_folder_button.setEnabled(
            bool(self.controller.library.extra_dirs()) and not importing
        )
        self.details.setText(self._details(m) if m is not None else "")
        self.details.setVisible(m is not None)

    def _details(self, m: LocalModel) -> str:
        lines = [f"{m.display_name} — {m.path}"]
        if self.model.is_outside(m):
            lines.append(self.tr("Loaded from this file; it is not in the library."))
        if m.error:
            lines.append(m.error)
            return "\n".join(lines)
        if m.languages:
            lines.append(self.tr("Languages: {0}").format(", ".join(m.languages)))
        est = self.model.fit(m.key)
        if est is not None:
            lines.append(self._words.tooltip(est).replace("\n", " "))
        return "\n".join(lines)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Show every column that fits; hide NARROW_HIDES in order until the rest does."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        for column in NARROW_HIDES:
            self.table.setColumnHidden(column, False)
        needed = sum(
            max(header.sectionSizeHint(c), self.table.sizeHintForColumn(c))
            for c in range(self.model.columnCount())
        )
        for column in NARROW_HIDES:
            if needed <= room:
                break
            needed -= max(header.sectionSizeHint(column), self.table.sizeHintForColumn(column))
            self.table.setColumnHidden(column, True)

    def _on_double_click(self, index: QModelIndex) -> None:
        m = self.model.model_at(index.row())
        if m is not None and m.ok and not m.is_projector:
            self.load_requested.emit(str(m.path))

    def load_selected(self) -> None:
        m = self.current()
        if m is not None and m.ok:
            self.load_requested.emit(str(m.path))
