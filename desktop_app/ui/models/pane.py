"""The Models pane (issue #5): Library, Catalog, Search the Hub and Downloads, with the offline
switch and the Hub settings above them.

The pane is a view over a `ModelsController` (core/controllers/models.py), which owns the library
listing, imports, the download queue, the Hub search and the machine's report; `attach` shows a
controller's state and follows it, `detach` stops, so a window rebuilt for a language or a theme
keeps running downloads and search results (MainWindow.hand_over).

Start-up costs nothing and sends nothing: the downloader only reads the jobs a previous run left
(listed as paused), and the library listing and the machine's report (for the fit indicators) are
made off the GUI thread the first time the pane is shown. Each later showing lists the library
again (cheap: headers are cached) and re-reads the load settings, so fits follow the context
length and KV type chosen in Preferences.

To the window: `library_changed` (a download finished, an import, a delete, a new default: the
model bar lists the models again), `load_requested(path)`, `status_message(text)`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.models import ModelsController, hub_config
from desktop_app.core.controllers.models_events import (
    ConfigChanged,
    DownloadChanged,
    Event,
    HubEvent,
    ImportEnded,
    ImportProgress,
    ImportStarted,
    LibraryChanged,
    Listed,
    ReportReady,
)
from desktop_app.core.engine.hardware import HardwareReport
from desktop_app.core.errors import AppError
from desktop_app.core.models.downloads import DownloadEvent
from desktop_app.core.models.hub import HubModel
from desktop_app.core.models.library import Listing, ModelLibrary
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Load
from desktop_app.ui.background import gui_runner
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.look import ui_language
from desktop_app.ui.models.catalog_view import CatalogView
from desktop_app.ui.models.downloads_view import DownloadsView
from desktop_app.ui.models.fit import ERROR_COLOR, FitContext
from desktop_app.ui.models.hub_settings import HubSettingsDialog
from desktop_app.ui.models.hub_view import HubView
from desktop_app.ui.models.inspector_view import InspectorView
from desktop_app.ui.models.library_view import LibraryView
from desktop_app.ui.models.starter_fetch import StarterFetcher
from desktop_app.ui.models.tokenizer_view import TokenizerView

TAB_LIBRARY, TAB_CATALOG, TAB_HUB, TAB_DOWNLOADS, TAB_INSPECTOR, TAB_TOKENIZER = range(6)


class ModelsPane(QWidget):
    library_changed = Signal()
    load_requested = Signal(str)
    status_message = Signal(str)
    listed = Signal()  # a library listing arrived (tests and screenshots wait on it)
    fits_ready = Signal()  # the machine's report arrived and every fit was computed

    def __init__(
        self,
        paths: AppPaths,
        settings: Settings,
        service: EngineService,
        language: str | None = None,
        parent: QWidget | None = None,
        *,
        controller: ModelsController | None = None,
    ) -> None:
        super().__init__(parent)
        if language is None:  # the UI language (descriptions come in English or Chinese)
            language = ui_language(settings)
        self.paths = paths
        self.settings = settings
        self.service = service
        # a controller this pane made is closed if another one is attached instead (hand-over)
        self._own = controller is None
        self.controller = controller or ModelsController(paths, settings, runner=gui_runner)

        title = QLabel(self.tr("Models"))
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        title.setFont(f)
        self.offline = QCheckBox(self.tr("Offline mode"))
        self.offline.setToolTip(
            self.tr("Never contact the Hub: no search, no download, no request of any kind")
        )
        self.offline.toggled.connect(self.set_offline)
        self.hub_settings_button = QPushButton(self.tr("Hub settings…"))
        self.hub_settings_button.setToolTip(self.tr("Hugging Face token and Hub endpoint (mirror)"))
        self.hub_settings_button.clicked.connect(self.open_hub_settings)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.offline)
        head.addWidget(self.hub_settings_button)
        self.error = QLabel()
        self.error.setAccessibleName(self.tr("Error"))
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.library_view = LibraryView(self.controller, service)
        self.library_view.load_requested.connect(self.load_requested)
        self.library_view.status_message.connect(self.status_message)
        self.catalog_view = CatalogView(language)
        self.catalog_view.download_requested.connect(self.download)
        self.hub_view = HubView(self.controller)
        self.hub_view.download_requested.connect(self.download)
        self.downloads_view = DownloadsView(self.controller)
        self.downloads_view.status_message.connect(self.status_message)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.library_view, self.tr("Library"))
        self.tabs.addTab(self.catalog_view, self.tr("Catalog"))
        self.tabs.addTab(self.hub_view, self.tr("Search the Hub"))
        self.tabs.addTab(self.downloads_view, self.tr("Downloads"))
        self.inspector_view = InspectorView()
        self.inspector_view.set_loaded(service.model_info)  # estimate beside llama.cpp's figures
        service.loaded.connect(self.inspector_view.set_loaded)
        service.unloaded.connect(self.inspector_view.set_loaded)
        self.tabs.addTab(self.inspector_view, self.tr("Inspector"))
        self.tokenizer_view = TokenizerView(service)
        self.tabs.addTab(self.tokenizer_view, self.tr("Tokenizer"))

        self.starter = StarterFetcher(self.controller, self)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        self.attach(self.controller)

    # ---- the controller ------------------------------------------------------------------

    @property
    def library(self) -> ModelLibrary:
        return self.controller.library

    def attach(self, controller: ModelsController) -> None:
        """Show `controller`'s state (listing, import, downloads, Hub results) and follow it."""
        if self._own and controller is not self.controller:
            self.controller.close()  # made by this pane and replaced before any use
        self._own = self._own and controller is self.controller
        self.controller = controller
        controller.runner = gui_runner
        controller.remove_listener(self._on_controller)  # attached twice: still one listener
        controller.add_listener(self._on_controller)
        controller.watch_downloads()
        self.starter.attach(controller)
        for view in (self.library_view, self.hub_view, self.downloads_view):
            view.attach(controller)

        self.show_error(controller.config_problem)
        self._show_offline(controller.config.offline)
        if controller.listing is not None:
            self._show_listing(controller.listing, controller.default_key)
        self._update_downloads_tab()
        if controller.report is not None:
            self._apply_fits()

    def take_over(self, old: ModelsPane) -> None:
        """Show the replaced pane's tool tabs' state too: the Tokenizer tab's texts live in its
        own controller (the features' controllers are independent), not the ModelsController."""
        self.tokenizer_view.attach(old.tokenizer_view.controller)

    def detach(self) -> None:
        """Stop following the controller (this pane is being replaced)."""
        self.controller.remove_listener(self._on_controller)
        self.inspector_view.detach()
        self.tokenizer_view.detach()

    def inspect(self, path: str) -> None:
        """Models › Inspector on `path`, its memory at the load settings' context and KV type."""
        self.tabs.setCurrentIndex(TAB_INSPECTOR)
        self.inspector_view.set_context(
            self.settings.value(Load.n_ctx), self.settings.value(Load.kv_type)
        )
        self.inspector_view.inspect(path)

    def _on_controller(self, event: Event) -> None:
        if isinstance(event, Listed):
            self._show_listing(event.listing, event.default_key)
        elif isinstance(event, LibraryChanged):
            self.library_changed.emit()
        elif isinstance(event, ReportReady):
            self._apply_fits()
        elif isinstance(event, ImportStarted | ImportProgress | ImportEnded):
            self.library_view.on_import(event)
        elif isinstance(event, DownloadChanged):
            self._on_download_event(event.event)
        elif isinstance(event, ConfigChanged):
            self._show_offline(event.config.offline)
        elif isinstance(event, HubEvent):  # a union: started, answered, failed, cancelled
            self.hub_view.on_hub(event)

    # ---- life ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.start()

    def start(self) -> None:
        """List the library and read the machine (first showing), or refresh both (later ones)."""
        self.refresh_library()
        self.controller.read_machine()

    def shutdown(self) -> None:
        """The app is closing: running downloads pause (resumable at the next start)."""
        self.controller.close()

    # ---- library -------------------------------------------------------------------------

    def refresh_library(self) -> None:
        """List the model folders off the GUI thread (one listing at a time)."""
        self.controller.refresh()

    def _show_listing(self, listing: Listing, default_key: str | None) -> None:
        self.library_view.show_listing(listing, default_key)
        self.catalog_view.set_installed({m.file_name for m in listing if m.ok})
        self.listed.emit()

    # ---- fits ----------------------------------------------------------------------------

    def set_machine(self, report: HardwareReport) -> None:
        """Compute fits for `report` instead of this machine (screenshots, what-if views)."""
        self.controller.set_machine(report)

    def fit_context(self) -> FitContext | None:
        report = self.controller.report
        if report is None:
            return None
        return FitContext(
            report, self.settings.value(Load.n_ctx), self.settings.value(Load.kv_type)
        )

    def _apply_fits(self) -> None:
        ctx = self.fit_context()
        if ctx is None:
            return
        self.library_view.set_fit_context(ctx)
        self.catalog_view.set_fit_context(ctx)
        self.hub_view.set_fit_context(ctx)
        self.fits_ready.emit()

    # ---- Hub settings and offline --------------------------------------------------------

    def open_hub_settings(self) -> HubSettingsDialog:
        dialog = HubSettingsDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._hub_settings_changed)
        dialog.open()  # window-modal, without a nested event loop
        return dialog

    def _hub_settings_changed(self) -> None:
        config = self.controller.settings_changed()
        self.show_error(self.controller.config_problem)
        self.status_message.emit(self.tr("Hub settings saved: {0}").format(config.endpoint))

    def set_offline(self, offline: bool) -> None:
        """The offline switch: saved, and the downloader pauses what is running."""
        try:
            self.controller.set_offline(offline)
        except AppError as e:
            self.show_error(e.message)

    def _show_offline(self, offline: bool) -> None:
        if self.offline.isChecked() != offline:
            self.offline.blockSignals(True)
            self.offline.setChecked(offline)
            self.offline.blockSignals(False)
        self.hub_view.set_offline(offline)
        self.catalog_view.set_offline(offline)
        self.downloads_view.set_offline(offline)

    # ---- downloads -----------------------------------------------------------------------

    def download(self, repo_id: str, model: HubModel, revision: str = "main") -> str | None:
        """Queue a download and show the Downloads tab; the job id, or None (the error shown)."""
        self.show_error("")
        try:
            job = self.controller.download(repo_id, model, revision=revision)
        except AppError as e:
            self.show_error(e.message)
            self.status_message.emit(e.message)
            return None
        self.downloads_view.model.update(self.controller.status(job))
        self.tabs.setCurrentIndex(TAB_DOWNLOADS)
        self.status_message.emit(self.tr("Downloading {0}…").format(model.name))
        return job

    def _on_download_event(self, event: DownloadEvent) -> None:
        self.downloads_view.on_event(event)
        self.starter.on_download_event(event)
        self._update_downloads_tab()
        if event.kind == "done":
            self.status_message.emit(self.tr("Downloaded {0}.").format(event.status.name))
        elif event.kind == "failed" and event.status.error is not None:
            self.status_message.emit(
                self.tr("Download of {0} failed: {1}").format(
                    event.status.name, event.status.error.message
                )
            )

    def _update_downloads_tab(self) -> None:
        active = self.downloads_view.model.active_count()
        self.tabs.setTabText(
            TAB_DOWNLOADS,
            self.tr("Downloads ({0})").format(active) if active else self.tr("Downloads"),
        )

    # ---- the welcome page's starter model ------------------------------------------------

    def fetch_starter(self) -> None:
        """Get the starter model (see starter_fetch.py); `starter.ready` / `starter.failed` and
        `starter.progress` report back."""
        config, _problem = hub_config(self.settings)
        self.starter.fetch(config)

    # ---- misc ----------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
