"""Documents in the Chat pane, driven as a person would, offscreen, on the real starter model:
attach by /attach, by the button and by a drop; a long document answers with sources that open
the document at the span, highlighted; the attachment is there after a restart and in exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from chat_documents_text import TOPICS, long_document
from loaded_window import cid, make_window
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_app.ui.main_window import MainWindow

ANSWER_TIMEOUT = 300_000


def type_command(qtbot: QtBot, window: MainWindow, text: str) -> None:
    box = window.chat.input
    box.setFocus()
    box.setPlainText(text)  # a path: typed at once (keyClicks of a long path is slow, not truer)
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def attached_names(window: MainWindow) -> list[str]:
    return [a.name for a in window.chat.attachment_bar.attachments]


@pytest.mark.timeout(900)
def test_attach_ask_cite_open_restart_export(
    qtbot: QtBot, starter_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = long_document(30)  # about 6,700 tokens: parts, at the window's 2048-token context
    handbook = tmp_path / "handbook.md"
    handbook.write_text(text, encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text(TOPICS["bread"], encoding="utf-8")
    window = make_window(qtbot, starter_model)
    try:
        chat = window.chat
        chat.controller.update_settings(sampling={"seed": 7, "max_tokens": 32, "temperature": 0.2})
        type_command(qtbot, window, f"/attach {handbook}")
        assert chat.input.toPlainText() == ""  # a command, not a message
        qtbot.waitUntil(lambda: attached_names(window) == ["handbook.md"], timeout=30_000)
        assert chat.attachment_bar.isVisible() and "handbook.md" in chat.attachment_bar.text()
        assert window.store.get(cid(window)).messages == []  # nothing was sent

        with qtbot.waitSignal(chat.answer_ended, timeout=ANSWER_TIMEOUT) as done:
            type_command(qtbot, window, "What does a violin bow need on its horsehair?")
        placed = chat.controller.placement
        assert placed is not None and placed.mode == "parts"
        stored = done.args[0].stored
        assert stored is not None and stored.sources, f"no sources for {stored.content!r}"
        qtbot.waitUntil(lambda: "Sources:" in chat.transcript.toPlainText(), timeout=10_000)
        first = stored.sources[0]
        assert text[first["start"] : first["end"]] == placed.parts[first["n"] - 1].text
        chat.transcript.anchorClicked.emit(QUrl(f"src:{stored.position}:0"))  # click source 1
        view = chat.source_view
        assert view is not None and view.isVisible() and view.windowTitle() == "handbook.md"
        assert view.highlighted() == text[first["start"] : first["end"]]
        cursor = view.text.textCursor()
        assert cursor.position() == first["start"]  # scrolled to the span
        view.close()

        # the button, with the file dialog answered
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(notes), ""))
        qtbot.mouseClick(chat.attach_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: attached_names(window) == ["handbook.md", "notes.txt"], timeout=30_000
        )
        conversation = cid(window)
        md = tmp_path / "out.md"
        chat.export_to(None, "md", str(md))
        exported = md.read_text(encoding="utf-8")
        assert "## Attachments" in exported and "- handbook.md (" in exported
        assert "- notes.txt (" in exported and "Sources:" in exported
    finally:
        window.close()

    # a restart: a new window on the same files opens the chat with its documents and sources
    window = make_window(qtbot, starter_model)
    try:
        assert cid(window) == conversation
        assert attached_names(window) == ["handbook.md", "notes.txt"]
        assert "Sources:" in window.chat.transcript.toPlainText()
    finally:
        window.close()


def test_drop_a_file_and_refuse_a_bad_one(
    qtbot: QtBot, starter_model: Path, tmp_path: Path
) -> None:
    good = tmp_path / "zh.txt"
    good.write_bytes("灯塔看守人每天傍晚爬上塔顶点亮灯。".encode("gb18030"))  # an odd encoding
    blob = tmp_path / "photo.jpg"
    blob.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40)
    window = make_window(qtbot, starter_model)
    try:
        chat = window.chat
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(good))])
        drop = QDropEvent(
            QPointF(QPoint(20, 20)), Qt.DropAction.CopyAction, mime,
            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        chat.dropEvent(drop)  # onto the pane
        qtbot.waitUntil(lambda: attached_names(window) == ["zh.txt"], timeout=30_000)
        attachment = chat.attachment_bar.attachments[0]
        assert chat.controller.document_text(attachment.id).startswith("灯塔看守人")

        with qtbot.waitSignal(chat.attach_failed, timeout=30_000) as failed:
            blob_mime = QMimeData()
            blob_mime.setUrls([QUrl.fromLocalFile(str(blob))])
            chat.input.insertFromMimeData(blob_mime)  # onto the message box
        assert "photo.jpg cannot be attached: it is not text" in failed.args[0]
        assert chat.input.toPlainText() == ""  # the path was not pasted
        assert attached_names(window) == ["zh.txt"]

        chat.attachment_bar.linkActivated.emit(f"remove:{attachment.id}")
        qtbot.waitUntil(lambda: attached_names(window) == [], timeout=10_000)
        assert not chat.attachment_bar.isVisible()
        window.resize(800, 600)
        chat.attachment_bar.set_attachments([attachment])
        qtbot.wait(0)
        assert chat.attach_button.isVisible() and chat.attachment_bar.width() <= 800
    finally:
        window.close()
