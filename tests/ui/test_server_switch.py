"""Server → "Serve the model…" starts `hearth serve` for the selected model; a real OpenAI
client talks to it; unticking stops it."""

from __future__ import annotations

import os
from pathlib import Path

import openai
from pytestqt.qtbot import QtBot

from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.main_window import MainWindow


def test_serve_the_selected_model_from_the_menu(qtbot: QtBot, starter_model: Path) -> None:
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("load.n_ctx", 1024)
    settings.set("load.n_threads", 1)
    settings.set("default_model", str(starter_model))
    settings.save()
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.model_bar.current_path() == str(starter_model)
        seen: list[str] = []
        window.server.warming.connect(lambda: seen.append(window.statusBar().currentMessage()))
        with qtbot.waitSignal(window.server.started, timeout=120_000) as started:
            window.serve_action.trigger()  # the menu item, as a click on it does
            assert "loading the model" in window.statusBar().currentMessage()
        url = started.args[0]
        assert len(seen) == 1  # the warm-up was announced before "ready"
        assert "ready" in window.statusBar().currentMessage()
        assert url.startswith("http://127.0.0.1:") and window.server_label.isVisible()
        assert url in window.server_label.text()
        client = openai.OpenAI(base_url=url, api_key="none", timeout=120)
        model = client.models.list().data[0].id
        answer = client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "Hi"}], max_tokens=4, seed=1
        )
        assert answer.choices[0].message.content
        assert model in window.server_label.toolTip()
        # a request naming another model of the models folder: the server swaps, the label says
        second = paths.models_dir / "second.gguf"
        try:
            os.link(starter_model, second)
        except OSError:
            second.symlink_to(starter_model)
        with qtbot.waitSignal(window.server.models_changed, timeout=120_000) as changed:
            client.chat.completions.create(
                model="second", messages=[{"role": "user", "content": "Hi"}], max_tokens=2
            )
        qtbot.waitUntil(lambda: window.server.loaded == ["second"], timeout=30_000)
        assert changed.args is not None
        assert (
            "second" in window.server_label.toolTip() and model not in window.server_label.toolTip()
        )
        with qtbot.waitSignal(window.server.stopped, timeout=30_000):
            window.serve_action.trigger()
        assert not window.server.running and not window.server_label.isVisible()
        assert "stopped" in window.statusBar().currentMessage()
    finally:
        window.close()


def test_window_cli_and_server_load_the_same(qtbot: QtBot, tmp_path: Path) -> None:
    """The window's load options, the server it starts and the CLI come from one bridge."""
    from desktop_app.cli import build_parser
    from desktop_app.cli_common import load_params
    from desktop_app.core.settings_bridge import to_load_params, to_remote_config
    from desktop_app.ui.server_switch import serve_command

    paths = AppPaths.current().ensure()
    settings = Settings(tmp_path / "settings.json")
    for key, value in {"load.n_ctx": 2048, "load.n_gpu_layers": 3, "load.n_threads": 2,
                       "load.kv_type": "q8_0", "load.use_mmap": False,
                       "remote.base_url": "http://127.0.0.1:9/v1"}.items():  # fmt: skip
        settings.set(key, value)
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    try:
        model = str(tmp_path / "m.gguf")
        expected = to_load_params(settings, model)
        assert window.load_params(model) == expected
        assert window.remote_config() == to_remote_config(settings)
        argv = serve_command(model, settings)[3:]  # after `python -m desktop_app`
        served = load_params(build_parser().parse_args(argv), Path(model), Settings(tmp_path / "x"))
        assert served == expected
    finally:
        window.close()
