"""The main window's menus, the local API server switch and Preferences."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence

from desktop_app import APP_NAME
from desktop_app.core.storage.settings_schema import Top
from desktop_app.ui.dialogs import PreferencesDialog, show_about
from desktop_app.ui.look import apply_language, apply_theme
from desktop_app.ui.model_bar import REMOTE_KEY
from desktop_app.ui.server_switch import ServerSwitch, serve_command
from desktop_app.ui.window_models import WindowModels


class WindowMenu(WindowModels):
    """File, Settings, Server and Help; a language or theme change asks for a new window."""

    language_changed = Signal()

    server: ServerSwitch
    serve_action: QAction

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
        self.statusBar().showMessage(self.tr("Starting the API server: loading the model…"))
        self.server.start(serve_command(model, self.settings))

    def _on_server_warming(self) -> None:
        self.statusBar().showMessage(self.tr("Starting the API server: warming up the model…"))

    def _on_server_started(self, url: str) -> None:
        self.server_label.setText(self.tr("API: {0}").format(url))
        self._on_server_models(self.server.loaded)
        self.server_label.setVisible(True)
        self.statusBar().showMessage(self.tr("The API server is ready at {0}").format(url))

    def _on_server_models(self, loaded: list[str]) -> None:
        """The tooltip names the models in the server's memory (a request may load another)."""
        names = ", ".join(loaded) if loaded else self.tr("none (the next request loads one)")
        self.server_label.setToolTip(
            self.tr("The API server is ready.") + "\n" + self.tr("Models loaded: {0}").format(names)
        )

    def _on_server_stopped(self, message: str) -> None:
        self.server_label.setVisible(False)
        self.serve_action.setChecked(False)
        self.statusBar().showMessage(
            self.tr("The API server stopped: {0}").format(message)
            if message
            else self.tr("The API server stopped.")
        )

    def open_preferences(self) -> None:
        dialog = PreferencesDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._apply_preferences(dialog))
        dialog.open()  # window-modal, without a nested event loop

    def _apply_preferences(self, dialog: PreferencesDialog) -> None:
        before = (self.settings.value(Top.language), self.settings.value(Top.theme))
        dialog.apply()
        if self.service.model_info is None and not self.service.loading:
            self.refresh_models()  # a remote server set or removed
        if (self.settings.value(Top.language), self.settings.value(Top.theme)) != before:
            apply_language(self.settings)
            apply_theme(self.settings)
            self.language_changed.emit()
