"""The Hub settings dialog: a token for gated repos, and the Hub's address (a mirror, e.g. for
users in China). Checked before it is saved: a bad address is refused with the reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import AppError
from desktop_app.core.models.hub import DEFAULT_ENDPOINT, HubConfig
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.core_text import shown
from desktop_app.ui.models.fit import ERROR_COLOR


class HubSettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Hub settings"))
        self.token = QLineEdit(str(settings.get("hub.token") or ""))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("hf_… (only for gated or private repos)"))
        self.token.setAccessibleName(self.tr("Hugging Face token"))
        self.show_token = QCheckBox(self.tr("Show"))
        self.show_token.toggled.connect(
            lambda on: self.token.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.endpoint = QLineEdit(str(settings.get("hub.endpoint") or DEFAULT_ENDPOINT))
        self.endpoint.setPlaceholderText(DEFAULT_ENDPOINT)
        self.endpoint.setAccessibleName(self.tr("Hub endpoint (mirror)"))
        hint = QLabel(
            self.tr(
                "A mirror such as https://hf-mirror.com helps where huggingface.co is slow or "
                "blocked. The token is sent only to this address."
            )
        )
        hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setVisible(False)
        form = QFormLayout()
        form.addRow(self.tr("Hugging Face token"), self.token)
        form.addRow("", self.show_token)
        self.secret_place = QLabel(shown(settings.secrets.where()))
        self.secret_place.setWordWrap(True)
        form.addRow("", self.secret_place)
        form.addRow(self.tr("Hub endpoint (mirror)"), self.endpoint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def accept(self) -> None:
        endpoint = self.endpoint.text().strip() or DEFAULT_ENDPOINT
        token = self.token.text().strip() or None
        try:
            config = HubConfig(endpoint=endpoint, token=token)
            self.settings.set("hub.endpoint", config.endpoint)
            self.settings.set("hub.token", config.token)
            if not self.settings.read_only:
                self.settings.save()
        except AppError as e:
            self.error.setText(e.message)
            self.error.setVisible(True)
            return
        super().accept()
