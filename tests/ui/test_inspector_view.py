"""Models › Inspector, driven as a person would: the numbers, the picture, the memory bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.pane import TAB_INSPECTOR


def _facts(view: object) -> dict[str, str]:
    form = view.facts  # type: ignore[attr-defined]
    out = {}
    for row in range(form.rowCount()):
        label = form.itemAt(row, form.ItemRole.LabelRole).widget()
        value = form.itemAt(row, form.ItemRole.FieldRole).widget()
        assert isinstance(label, QLabel) and isinstance(value, QLabel)
        out[label.text().rstrip(":")] = value.text()
    return out


def test_the_inspector_shows_the_starter_models_anatomy(qtbot: QtBot, starter_model: Path) -> None:
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("load.n_ctx", 4096)
    settings.set("load.kv_type", "f16")
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.show()
    view = window.models.inspector_view
    with qtbot.waitSignal(view.inspected, timeout=30_000):
        window.models.inspect(str(starter_model))
    assert window.models.tabs.currentIndex() == TAB_INSPECTOR
    facts = _facts(view)
    assert facts["Layers"] == "30" and facts["Attention heads"] == "9"
    assert facts["KV heads"].startswith("3") and facts["Embedding width"] == "576"
    assert facts["Vocabulary"] == "49,152" and facts["Trained context"] == "8,192"
    assert view.picture.anatomy is not None and "30" in view.picture.toolTip()
    assert "94.4 MB" in view.memory_text.text()  # the KV cache at 4096, f16 (90 MiB)
    assert "And of China?" in view.sample.toPlainText()
    view.ctx.clear()
    qtbot.keyClicks(view.ctx, "8192")  # typed, as a person would
    qtbot.keyClick(view.ctx, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: "188.7 MB" in view.memory_text.text(), timeout=5000)
    window.close()


def test_the_inspector_says_why_a_file_is_not_a_model(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_app.ui.models.inspector_view import InspectorView

    bad = tmp_path / "notes.gguf"
    bad.write_text("just some notes", encoding="utf-8")
    view = InspectorView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.inspected, timeout=30_000):
        view.inspect(str(bad))
    assert view.title.text().startswith("Cannot inspect") and "notes.gguf" in view.title.text()
    assert view.picture.anatomy is None


def test_the_loaded_model_shows_llama_cpps_figures_beside_the_estimate(
    qtbot: QtBot, starter_model: Path
) -> None:
    from loaded_window import make_window

    window = make_window(qtbot, starter_model)  # loaded at 2048 tokens, f16
    view = window.models.inspector_view
    with qtbot.waitSignal(view.inspected, timeout=30_000):
        window.models.inspect(str(starter_model))
    text = view.reported_text.text()
    assert not view.reported_text.isHidden()
    assert "2,048 tokens" in text
    assert "KV cache: estimate 45.00 MiB · llama.cpp 45.00 MiB" in text  # exact
    assert "Weights: estimate 92.10 MiB · llama.cpp 92.10 MiB" in text
    with qtbot.waitSignal(window.service.unloaded, timeout=30_000):
        window.service.unload()
    qtbot.waitUntil(lambda: view.reported_text.isHidden(), timeout=5000)
    window.close()
