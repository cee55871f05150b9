"""The main window with a real model loaded, for GUI tests (one copy instead of one per file)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.main_window import MainWindow

LOAD_TIMEOUT = 120_000


def make_window(qtbot: QtBot, model: Path) -> MainWindow:
    """A shown window (ctx 2048, 2 threads, `model` as the default) once `model` has loaded."""
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("load.n_ctx", 2048)
    settings.set("load.n_threads", 2)
    settings.set("default_model", str(model))
    settings.save()
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT):
        window.load_model(str(model))
    return window


def cid(window: MainWindow) -> int:
    """The open conversation's id."""
    assert window.chat.conversation is not None
    return window.chat.conversation.id
