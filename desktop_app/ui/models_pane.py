"""The Models pane (issue #5): Library, Catalog, Search the Hub and Downloads, with the offline
switch and the Hub settings above them.

Start-up costs nothing and sends nothing: the downloader only reads the jobs a previous run left
(listed as paused), and the library listing and the machine's report (for the fit indicators) are
made on a worker thread the first time the pane is shown. Each later showing lists the library
again (cheap: headers are cached) and re-reads the load settings, so fits follow the context
length and KV type chosen in Preferences.

To the window: `library_changed` (a download finished, an import, a delete, a new default: the
model bar lists the models again), `load_requested(path)`, `status_message(text)`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
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

from desktop_app.core.engine.hardware import HardwareReport
from desktop_app.core.errors import AppError
from desktop_app.core.models.downloads import DownloadEvent
from desktop_app.core.models.hub import HubModel
from desktop_app.core.models.library import Listing, ModelLibrary
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.downloads_view import DownloadsView
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.models_catalog_view import CatalogView
from desktop_app.ui.models_fit import ERROR_COLOR, FitContext
from desktop_app.ui.models_hub_settings import HubSettingsDialog
from desktop_app.ui.models_hub_view import HubView
from desktop_app.ui.models_library_view import LibraryView
from desktop_app.ui.models_service import (
    DownloadRelay,
    close_downloader,
    hub_config,
    machine_report,
    shared_downloader,
)
from desktop_app.ui.starter_fetch import StarterFetcher
from desktop_app.ui.worker_relay import emit, in_thread

TAB_LIBRARY, TAB_CATALOG, TAB_HUB, TAB_DOWNLOADS = range(4)


class _Relay(QObject):
    listed = Signal(int, object, object)  # request, Listing, default key
    report = Signal(object)  # HardwareReport


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
    ) -> None:
        super().__init__(parent)
        if language is None:  # the UI language (descriptions come in English or Chinese)
            from desktop_app.ui.app import ui_language

            language = ui_language(settings)
        self.paths = paths
        self.settings = settings
        self.service = service
        self.library = ModelLibrary(settings, paths=paths)
        config, problem = hub_config(settings)
        self.downloader = shared_downloader(paths.models_dir, config)
        self._list_request = 0
        self._listing = False
        self._list_again = False
        self._report: HardwareReport | None = None
        self._fixed_report = False
        self._relay = _Relay()  # no parent: a worker may still hold it after the pane is gone
        self._relay.listed.connect(self._on_listed)
        self._relay.report.connect(self._on_report)
        self._downloads_relay = DownloadRelay(self.downloader, self)
        self._downloads_relay.arrived.connect(self._on_download_event)

        title = QLabel(self.tr("Models"))
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.4)
        f.setBold(True)
        title.setFont(f)
        self.offline = QCheckBox(self.tr("Offline mode"))
        self.offline.setToolTip(
            self.tr("Never contact the Hub: no search, no download, no request of any kind")
        )
        self.offline.setChecked(config.offline)
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
        self.show_error(problem)

        self.library_view = LibraryView(self.library, service)
        self.library_view.load_requested.connect(self.load_requested)
        self.library_view.changed.connect(self._library_edited)
        self.library_view.rescan_requested.connect(self.refresh_library)
        self.library_view.status_message.connect(self.status_message)
        self.catalog_view = CatalogView(language)
        self.catalog_view.download_requested.connect(self.download)
        self.hub_view = HubView(settings)
        self.hub_view.download_requested.connect(self.download)
        self.downloads_view = DownloadsView(self.downloader)
        self.downloads_view.status_message.connect(self.status_message)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.library_view, self.tr("Library"))
        self.tabs.addTab(self.catalog_view, self.tr("Catalog"))
        self.tabs.addTab(self.hub_view, self.tr("Search the Hub"))
        self.tabs.addTab(self.downloads_view, self.tr("Downloads"))
        self._update_downloads_tab()

        self.starter = StarterFetcher(paths.models_dir, self.downloader, self)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        self._apply_offline(config.offline)

    # ---- life ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.start()

    def start(self) -> None:
        """List the library and read the machine (first showing), or refresh both (later ones)."""
        self.refresh_library()
        if self._fixed_report and self._report is not None:
            self._apply_fits()
            return
        relay = self._relay
        in_thread("machine-report", lambda: emit(relay.report, machine_report()))

    def shutdown(self) -> None:
        """The app is closing: running downloads pause (resumable at the next start)."""
        self.library_view.shutdown()
        self._downloads_relay.detach()
        close_downloader(self.downloader)

    # ---- library -------------------------------------------------------------------------

    def refresh_library(self) -> None:
        """List the model folders on a worker thread (one listing at a time)."""
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        self._list_request += 1
        request, relay, library = self._list_request, self._relay, self.library

        def work() -> None:
            listing = library.list_models()
            default = library.default_model(listing)
            emit(relay.listed, request, listing, default.key if default is not None else None)

        in_thread("library-list", work)

    def _on_listed(self, request: int, listing: Listing, default_key: str | None) -> None:
        self._listing = False
        if self._list_again:
            self._list_again = False
            self.refresh_library()
        if request != self._list_request:
            return
        self.library_view.show_listing(listing, default_key)
        self.catalog_view.set_installed({m.file_name for m in listing if m.ok})
        self.listed.emit()

    def _library_edited(self) -> None:
        self.refresh_library()
        self.library_changed.emit()

    # ---- fits ----------------------------------------------------------------------------

    def set_machine(self, report: HardwareReport) -> None:
        """Compute fits for `report` instead of this machine (screenshots, what-if views)."""
        self._report = report
        self._fixed_report = True
        self._apply_fits()

    def _on_report(self, report: HardwareReport) -> None:
        if self._fixed_report:
            return
        self._report = report
        self._apply_fits()

    def fit_context(self) -> FitContext | None:
        if self._report is None:
            return None
        n_ctx = self.settings.get("load.n_ctx", 4096)
        kv_type = self.settings.get("load.kv_type", "f16")
        return FitContext(
            self._report,
            int(n_ctx) if isinstance(n_ctx, int) and n_ctx > 0 else 4096,
            str(kv_type or "f16"),
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
        config, problem = hub_config(self.settings)
        self.downloader.set_config(config)
        self.show_error(problem)
        self.status_message.emit(self.tr("Hub settings saved: {0}").format(config.endpoint))

    def set_offline(self, offline: bool) -> None:
        """The offline switch: saved, and the downloader pauses what is running."""
        try:
            self.settings.set("offline", bool(offline))
            if not self.settings.read_only:
                self.settings.save()
        except AppError as e:
            self.show_error(e.message)
        config, _problem = hub_config(self.settings)
        self.downloader.set_config(config)
        self._apply_offline(offline)
        if self.offline.isChecked() != offline:
            self.offline.setChecked(offline)

    def _apply_offline(self, offline: bool) -> None:
        self.hub_view.set_offline(offline)
        self.catalog_view.set_offline(offline)
        self.downloads_view.set_offline(offline)

    # ---- downloads -----------------------------------------------------------------------

    def download(self, repo_id: str, model: HubModel, revision: str = "main") -> str | None:
        """Queue a download and show the Downloads tab; the job id, or None (the error shown)."""
        self.show_error("")
        try:
            job = self.downloader.add(repo_id, model, revision=revision)
        except AppError as e:
            self.show_error(e.message)
            self.status_message.emit(e.message)
            return None
        self.downloads_view.model.update(self.downloader.status(job))
        self.tabs.setCurrentIndex(TAB_DOWNLOADS)
        self.status_message.emit(self.tr("Downloading {0}…").format(model.name))
        return job

    def _on_download_event(self, event: DownloadEvent) -> None:
        self.downloads_view.on_event(event)
        self.starter.on_download_event(event)
        self._update_downloads_tab()
        if event.kind == "done":
            self.status_message.emit(self.tr("Downloaded {0}.").format(event.status.name))
            self.refresh_library()
            self.library_changed.emit()
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
