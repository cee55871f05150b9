"""Switching models in place from the model bar (issue 14), with the real starter model as two
models (a second name for the same file), offscreen, as a person would: pick, wait, chat."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from gguf_factory import write_tiny_llama, write_truncated
from loaded_window import LOAD_TIMEOUT, make_window
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.model_bar import ModelBar

ANSWER_TIMEOUT = 120_000


def install(src: Path, folder: Path, name: str) -> Path:
    """`src` under another name in `folder` (a hard link where it can: no 100 MB copy)."""
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / name
    try:
        os.link(src, dst)
    except OSError:
        dst.write_bytes(src.read_bytes())
    return dst


@pytest.fixture
def models(starter_model: Path) -> tuple[Path, Path]:
    """Model A and model B in the models folder, both the starter model."""
    folder = AppPaths.current().ensure().models_dir
    return install(starter_model, folder, "model-a.gguf"), install(
        starter_model, folder, "model-b.gguf"
    )


@pytest.fixture
def window(qtbot: QtBot, models: tuple[Path, Path]) -> Iterator[MainWindow]:
    w = make_window(qtbot, models[0])
    yield w
    w.close()


def engine_pids() -> set[int]:
    """The engine processes this test process runs (multiprocessing's spawned children)."""
    out = set()
    for p in psutil.Process().children():
        try:
            if any("spawn_main" in part for part in p.cmdline()):
                out.add(p.pid)
        except psutil.Error:
            continue
    return out


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


class PickerStates(QObject):
    """Every change of the picker's enabled state, with the bar's state at that moment."""

    def __init__(self, bar: ModelBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self.seen: list[tuple[bool, str, str]] = []  # enabled, bar state, tooltip
        bar.models.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.EnabledChange:
            combo = self.bar.models
            self.seen.append((combo.isEnabled(), self.bar._state, combo.toolTip()))
        return False


def pick(qtbot: QtBot, bar: ModelBar, path: Path) -> None:
    """Choose `path` in the picker with the keyboard, as a person does (Up/Down on the box)."""
    combo = bar.models
    target = combo.findData(str(path))
    assert target >= 0, f"{path.name} is not in the picker"
    assert combo.isEnabled(), "the picker must be usable with a model loaded"
    combo.setFocus()
    steps = target - combo.currentIndex()
    key = Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up
    for _ in range(abs(steps)):  # each step is a pick (a refused one puts the picker back)
        qtbot.keyClick(combo, key)


def chat_works(qtbot: QtBot, window: MainWindow) -> None:
    """The chat's controller drives the engine loaded now: a short answer comes back."""
    conv = window.chat.controller.conversation
    assert conv is not None
    window.chat.controller.update_settings(sampling={**conv.sampling, "seed": 1, "max_tokens": 8})
    assert window.chat.send_button.isEnabled()
    with qtbot.waitSignal(window.chat.answer_ended, timeout=ANSWER_TIMEOUT) as done:
        window.chat.input.setPlainText("Hi")
        qtbot.mouseClick(window.chat.send_button, Qt.MouseButton.LeftButton)
    assert done.args[0].text


def test_picking_another_model_loads_it_in_place(
    qtbot: QtBot, window: MainWindow, models: tuple[Path, Path]
) -> None:
    a, b = models
    bar = window.model_bar
    assert window.service.model_info is not None and window.service.model_info.path == str(a)
    assert bar.models.isEnabled() and bar.models.toolTip()
    states = PickerStates(bar)
    old = engine_pids()
    assert len(old) == 1
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT) as done:
        pick(qtbot, bar, b)
    assert done.args[0].path == str(b)
    assert window.service.model_info is not None and window.service.model_info.path == str(b)
    assert all(gone(pid) for pid in old), "the old model's engine process must be closed"
    new = engine_pids()
    assert len(new) == 1 and not new & old
    # disabled only while loading, and saying why; usable again now
    assert states.seen and all(state == "loading" for on, state, _ in states.seen if not on)
    assert all("Cancel" in tip for on, _, tip in states.seen if not on)
    assert bar.models.isEnabled() and bar.current_path() == str(b)
    assert bar.load_button.text() == "Unload" and "context 2048" in bar.info.text()
    chat_works(qtbot, window)
    # and back: the same again, from B to A
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT) as done:
        pick(qtbot, bar, a)
    assert done.args[0].path == str(a)
    assert all(on for on, state, _ in states.seen if state != "loading")


def test_a_broken_file_is_refused_and_the_loaded_model_stays(
    qtbot: QtBot, window: MainWindow, models: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _b = models
    broken = write_truncated(a, tmp_path / "half.gguf", 0.05)  # an interrupted download
    old = engine_pids()
    with qtbot.waitSignal(window.service.load_failed, timeout=LOAD_TIMEOUT) as failed:
        window.load_model(str(broken))  # as File > Open or the Library's Load do
    assert "truncated" in failed.args[0]
    bar = window.model_bar
    assert "truncated" in bar.info.text() and "truncated" in bar.info.toolTip()
    assert window.service.model_info is not None and window.service.model_info.path == str(a)
    assert engine_pids() == old, "nothing was unloaded for a file that cannot load"
    assert bar.load_button.text() == "Unload" and bar.models.isEnabled()
    assert bar.current_path() == str(a)
    chat_works(qtbot, window)


def test_a_switch_that_fails_in_llama_cpp_loads_the_old_model_again(
    qtbot: QtBot, window: MainWindow, models: tuple[Path, Path]
) -> None:
    a, _b = models
    odd = write_tiny_llama(AppPaths.current().models_dir / "odd.gguf", arch="notarealarch")
    window.refresh_models()  # the library lists it (its header is fine), so the picker does
    bar = window.model_bar
    seen: list[tuple[str, object]] = []
    window.service.load_failed.connect(lambda m: seen.append(("failed", m)))
    window.service.loaded.connect(lambda info: seen.append(("loaded", info.path)))
    with qtbot.waitSignals(
        [window.service.load_failed, window.service.loaded], order="strict", timeout=LOAD_TIMEOUT
    ):
        pick(qtbot, bar, odd)
    assert [what for what, _ in seen] == ["failed", "loaded"]
    assert "notarealarch" in str(seen[0][1])
    assert seen[1][1] == str(a)
    text = bar.info.text()
    assert "notarealarch" in text and "model-a is loaded again" in text
    assert bar.current_path() == str(a) and bar.models.isEnabled()
    assert bar.load_button.text() == "Unload"
    chat_works(qtbot, window)


def test_no_switch_while_an_answer_is_written(
    qtbot: QtBot, window: MainWindow, models: tuple[Path, Path]
) -> None:
    a, b = models
    chat = window.chat
    conv = chat.controller.conversation
    assert conv is not None
    chat.controller.update_settings(
        sampling={**conv.sampling, "seed": 1, "max_tokens": 1500, "temperature": 1.0}
    )
    started: list[object] = []
    chat.controller.add_listener(started.append)
    chat.input.setPlainText("Tell me a very long story about the sea.")
    qtbot.mouseClick(chat.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat.controller.answer_text != "", timeout=ANSWER_TIMEOUT)
    bar = window.model_bar
    pick(qtbot, bar, b)
    assert "stop it first" in bar.info.text()
    assert bar.current_path() == str(a), "the picker goes back to the model loaded"
    assert not window.service.loading and chat.controller.generating
    with qtbot.waitSignal(chat.answer_ended, timeout=ANSWER_TIMEOUT):
        qtbot.mouseClick(chat.stop_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.service.loaded, timeout=LOAD_TIMEOUT) as done:
        pick(qtbot, bar, b)  # stopped: now it switches
    assert done.args[0].path == str(b)


# ---- the Library and a model loaded by path ---------------------------------------------------


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """The interface in `request.param`, English afterwards."""
    from desktop_app.ui import look

    paths = AppPaths.current().ensure()
    s = Settings.load(paths.settings_file)
    s.set("language", request.param)
    look.apply_language(s)
    try:
        yield request.param
    finally:
        s.set("language", "en")
        look.apply_language(s)


def test_a_model_loaded_by_path_is_listed_and_imported(
    qtbot: QtBot, starter_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui.models import library_actions

    outside = install(starter_model, tmp_path / "elsewhere", "my-own.gguf")
    window = make_window(qtbot, outside)  # as `hearth --model FILE` or File > Open
    try:
        window.nav.setCurrentRow(3)
        view = window.models.library_view
        qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=LOAD_TIMEOUT)
        m = view.model.model_at(0)
        assert m is not None and view.model.is_outside(m)
        shown = view.model.index(0, 3).data()
        assert "loaded from" in shown and str(outside) in shown
        assert not view.empty.isVisible() and view.import_loaded_button.isVisible()
        view.table.selectRow(0)
        assert not view.delete_button.isEnabled(), "a file outside the library is not deleted"
        monkeypatch.setattr(library_actions, "ask_import_mode", lambda _parent, _path: "copy")
        qtbot.mouseClick(view.import_loaded_button, Qt.MouseButton.LeftButton)
        copy = AppPaths.current().models_dir / "my-own.gguf"
        qtbot.waitUntil(
            lambda: (
                view.model.rowCount() == 1
                and (row := view.model.model_at(0)) is not None
                and row.path == copy
                and not view.model.is_outside(row)
            ),
            timeout=LOAD_TIMEOUT,
        )
        assert copy.stat().st_size == outside.stat().st_size
        assert not view.import_loaded_button.isVisible()
        assert outside.is_file(), "a copy: the original stays where it was"
    finally:
        window.close()


def test_the_library_buttons_are_whole_at_800x600(
    qtbot: QtBot, language: str, starter_model: Path, tmp_path: Path
) -> None:
    outside = install(starter_model, tmp_path / "elsewhere", "my-own.gguf")
    window = make_window(qtbot, outside)  # so "Import this model…" shows too
    try:
        window.resize(800, 600)
        window.nav.setCurrentRow(3)
        view = window.models.library_view
        qtbot.waitUntil(view.import_loaded_button.isVisible, timeout=LOAD_TIMEOUT)
        qtbot.waitUntil(lambda: view.action_bar.width() < 700)  # laid out at the small size
        buttons = [b for b in view.action_bar.findChildren(QPushButton) if b.isVisible()]
        assert len(buttons) == 9
        cut = [
            f"{b.text()!r}: {b.width()} < {b.sizeHint().width()}"
            for b in buttons
            if b.width() < b.sizeHint().width()
        ]
        assert not cut, cut
        area = view.action_bar.rect()
        assert all(area.contains(b.geometry()) for b in buttons), "every button inside the row"
        if language == "zh_CN":
            assert view.load_button.text() == "加载"
    finally:
        window.close()
