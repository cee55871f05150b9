"""The GUI on a remote OpenAI-compatible server: set it in Preferences, pick it in the model bar,
then chat and analyse sentiment there. The server is llama-cpp-python's own, on loopback."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from servers import llama_cpp_server

from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.dialogs import PreferencesDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.model_bar import REMOTE_KEY

TIMEOUT = 120_000


@pytest.fixture(scope="module")
def server_url(starter_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("lcs") / "server.log"
    with llama_cpp_server(starter_model, log, n_ctx=2048) as url:
        yield url


def test_chat_and_sentiment_on_a_remote_server(qtbot: QtBot, server_url: str) -> None:
    paths = AppPaths.current().ensure()
    window = MainWindow(
        paths, Settings.load(paths.settings_file), ConversationStore(paths.conversations_db)
    )
    qtbot.addWidget(window)
    window.show()
    try:
        # no local model and no server yet: the model list has no remote entry
        assert window.model_bar.models.findData(REMOTE_KEY) < 0
        window.open_preferences()
        dialog = window.findChild(PreferencesDialog)
        assert dialog is not None
        qtbot.keyClicks(dialog.remote_url, server_url)
        qtbot.keyClick(dialog.remote_ctx, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.remote_ctx, "2048")
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None
        qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        assert window.settings.get("remote.base_url") == server_url
        combo = window.model_bar.models
        index = combo.findData(REMOTE_KEY)
        assert index >= 0 and "Remote server" in combo.itemText(index)
        combo.setFocus()
        while combo.currentIndex() != index:
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        with qtbot.waitSignal(window.service.loaded, timeout=TIMEOUT) as loaded:
            qtbot.mouseClick(window.model_bar.load_button, Qt.MouseButton.LeftButton)
        info = loaded.args[0]
        assert info.n_ctx == 2048 and info.architecture == "remote"
        assert "remote" in window.model_bar.info.text()
        assert window.settings.get("default_model") == REMOTE_KEY

        # chat on the server
        window.chat.input.setFocus()
        with qtbot.waitSignal(window.chat.answer_ended, timeout=TIMEOUT) as done:
            qtbot.keyClicks(window.chat.input, "Say hello in five words.")
            qtbot.keyClick(
                window.chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
            )
        assert done.args[0].text.strip()
        assert done.args[0].text.split()[0] in window.chat.transcript.toPlainText()

        # sentiment on the server, which says how it scores
        window.nav.setCurrentRow(2)
        pane = window.sentiment
        assert pane.method.isVisible() and "Remote server" in pane.method.text()
        qtbot.keyClicks(pane.input, "I love this phone, it is wonderful.")
        with qtbot.waitSignal(pane.analysis_finished, timeout=TIMEOUT):
            qtbot.keyClick(pane.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        probs = [bar.value() / bar.maximum() for bar in pane.prob_bars.values()]
        assert len(probs) == 3 and math.isclose(sum(probs), 1.0, abs_tol=0.005)
        assert "log-probabilities of the labels" in pane.method.text()

        # unload = disconnect; the next load of a local model would use this computer again
        with qtbot.waitSignal(window.service.unloaded, timeout=10_000):
            qtbot.mouseClick(window.model_bar.load_button, Qt.MouseButton.LeftButton)
        assert not window.service.remote and window.service.model_info is None
    finally:
        window.close()
