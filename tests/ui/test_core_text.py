"""Messages made in the Qt-free core reach the window in the user's language."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.ui.core_text import shown


class _Dictionary(QTranslator):
    """A translator from a dict, standing in for a .qm built from the .ts in this test only."""

    def __init__(self, words: dict[tuple[str, str], str]) -> None:
        super().__init__()
        self.words = words

    def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[no-untyped-def]
        return self.words.get((context, source), "")

    def isEmpty(self) -> bool:
        return False


def test_a_core_message_is_matched_to_its_template_and_nested_parts(qapp: object) -> None:
    inner = QT_TRANSLATE_NOOP("TestCore", "Cannot find the server {host}.")
    # not the downloader's own template (download_state.RETRYING): a template has one context
    outer = QT_TRANSLATE_NOOP(
        "TestCore", "{reason} Trying again in {seconds} s (try {n} of {total})."
    )
    plain = QT_TRANSLATE_NOOP("TestCore", "Connecting to the test")  # not the downloader's
    words = {
        ("TestCore", inner): "找不到服务器 {host}。",
        ("TestCore", outer): "{reason}{seconds} 秒后重试（第 {n} 次，共 {total} 次）。",
        ("TestCore", plain): "正在连接",
    }
    translator = _Dictionary(words)
    QCoreApplication.installTranslator(translator)
    try:
        text = outer.format(reason=inner.format(host="example.invalid"), seconds=6, n=6, total=8)
        assert shown(text) == "找不到服务器 example.invalid。6 秒后重试（第 6 次，共 8 次）。"
        assert shown(plain) == "正在连接"
        assert shown("No template matches this one.") == "No template matches this one."
    finally:
        QCoreApplication.removeTranslator(translator)
    assert shown(text) == text  # English again without the translator


def test_format_specs_in_a_template_take_the_formatted_text(qapp: object, tmp_path: Path) -> None:
    template = QT_TRANSLATE_NOOP("TestCore", "{share:.0%} of {name} read")
    assert shown(template.format(share=0.5, name="a.txt")) == "50% of a.txt read"


def test_a_damaged_model_file_is_explained_in_chinese(qapp: object, tmp_path: Path) -> None:
    """The GGUF reader's messages nest (file, reason, hint): each part comes out translated."""
    import struct

    import pytest

    from desktop_app.core.errors import AppError
    from desktop_app.core.gguf_reader import inspect_gguf

    qm = Path(__file__).resolve().parents[2] / "resources" / "translations" / "hearth_zh_CN.qm"
    translator = QTranslator()
    assert translator.load(str(qm))
    cut = tmp_path / "cut.gguf"
    # one metadata entry declared, and the file ends inside its key
    cut.write_bytes(b"GGUF" + struct.pack("<IQQQ", 3, 0, 1, 40) + b"general.")
    html = tmp_path / "page.gguf"
    html.write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>" + b" " * 64)
    QCoreApplication.installTranslator(translator)
    try:
        for path, words in ((cut, "不完整"), (html, "网页")):
            with pytest.raises(AppError) as caught:
                inspect_gguf(path)
            said = shown(caught.value.message)
            assert words in said, said
            assert path.name in said
            assert "download" not in said and "web page" not in said
    finally:
        QCoreApplication.removeTranslator(translator)


def test_the_engines_messages_read_in_chinese(qapp: object) -> None:
    """The engine's words (engine/messages.py) come back translated from the real .qm, a
    reason inside them as it came (a bad schema, a template that does not parse, a cancel)."""
    import pytest

    from desktop_app.core.engine import messages
    from desktop_app.core.engine.grammar import SchemaError, build
    from desktop_app.core.engine.params import OutputFormat

    qm = Path(__file__).resolve().parents[2] / "resources" / "translations" / "hearth_zh_CN.qm"
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        with pytest.raises(SchemaError) as caught:
            build(OutputFormat("json_schema", schema="[1, 2]"))
        assert shown(caught.value.message) == "模式必须是一个 JSON 对象。"
        said = shown(messages.TEMPLATE_PARSE.format(reason="unexpected '}'"))
        assert said == "模型的对话模板无法解析：unexpected '}'"
        assert shown(messages.STOPPED) == "已取消（引擎已停止）。"
    finally:
        QCoreApplication.removeTranslator(translator)
