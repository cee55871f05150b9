"""The main window: the panes, navigation, the model bar; a new window for a new language.

Its jobs live in the classes it builds on: window_status.py (the status bar's figures, Undo),
window_models.py (the model list, loading, the starter model, File → Open), window_menu.py (the
menus, the API server switch, Preferences). The panes' signals are wired here, in one place.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.chat.pane import ChatPane
from desktop_app.ui.engine_service import EngineService
from desktop_app.ui.model_bar import ModelBar
from desktop_app.ui.models.pane import ModelsPane
from desktop_app.ui.sentiment.pane import SentimentPane
from desktop_app.ui.server_switch import ServerSwitch
from desktop_app.ui.summarize.pane import SummarizePane
from desktop_app.ui.welcome import WelcomePage
from desktop_app.ui.window_menu import WindowMenu
from desktop_app.ui.window_status import SENTIMENT_ROW, SUMMARIZE_ROW

MIN_WIDTH, MIN_HEIGHT = 800, 600


class MainWindow(WindowMenu):
    """The app's window over one engine service; `hand_over()` rebuilds it keeping the state."""

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
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)  # every pane is laid out and tested at this size
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
        self.wire_welcome()  # its other actions, the starter fetch's reports (window_models)
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

        self._build_status_bar()
        bar = self.statusBar()
        self.nav.currentRowChanged.connect(self._pane_changed)
        self.chat.status_message.connect(bar.showMessage)
        self.chat.stats_changed.connect(self._on_stats)
        self.summarize.figures_changed.connect(lambda t: self._set_figures(SUMMARIZE_ROW, t))
        self.sentiment.figures_changed.connect(lambda t: self._set_figures(SENTIMENT_ROW, t))
        self.chat.undo_offered.connect(self._offer_undo)
        self.chat.context_used.connect(self._show_context)
        self.summarize.status_message.connect(bar.showMessage)
        self.sentiment.status_message.connect(bar.showMessage)
        self.models.status_message.connect(bar.showMessage)
        self.server = server or ServerSwitch()
        self.server.started.connect(self._on_server_started)
        self.server.stopped.connect(self._on_server_stopped)
        self.server.warming.connect(self._on_server_warming)
        self.server.models_changed.connect(self._on_server_models)
        self._build_menu()
        if self.server.url:  # a window rebuilt for a new language: the server runs on
            self.serve_action.setChecked(True)
            self._on_server_started(self.server.url)
        self.refresh_models()
        if self.service.model_info is not None:  # a window rebuilt for a new language
            self._on_loaded(self.service.model_info)

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
        # the panes' state lives in their controllers: the new views show the same state
        for old_pane, new_pane in zip(self._views(), new._views(), strict=True):
            old_pane.detach()
            new_pane.detach()  # its own fresh controller is dropped
            new_pane.attach(old_pane.controller)
        new.models.take_over(self.models)  # the Models pane's tool tabs (Tokenizer) as well
        new.nav.setCurrentRow(self.nav.currentRow())  # the person stays where they were
        self._handing_over = True
        new.show()
        self.close()  # freed when the caller drops it; Qt then drops its connections
        return new

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
