"""Every UI string has its Chinese translation, and the compiled .qm matches the .ts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "hearth_zh_CN.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def test_every_ui_string_is_translated(tmp_path: Path) -> None:
    """lupdate into a copy: a new tr() string without a translation shows up as unfinished.

    The core's messages marked with core.i18n.QT_TRANSLATE_NOOP are extracted from desktop_app/core
    in the same run, so a new core error or status needs its Chinese text too.
    """
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = sorted(
        str(p)
        for folder in ("ui", "core")
        for p in (ROOT / "desktop_app" / folder).rglob("*.py")
        if folder == "ui" or "QT_TRANSLATE_NOOP(" in p.read_text(encoding="utf-8")
    )
    done = subprocess.run(
        [str(BIN / "pyside6-lupdate"), *sources, "-ts", str(copy)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    text = copy.read_text(encoding="utf-8")
    translated = _translated(TS.read_text(encoding="utf-8"))
    missing = [
        (context, source)
        for context, source in _unfinished(text)
        if (RUNTIME_CONTEXT.get(context, context), source) not in translated
    ]
    assert not missing, (
        f"{len(missing)} UI strings lack a Chinese translation ({TS.name}): {missing[:5]}"
    )


# A pane split into mixin classes: lupdate files their strings under the class that holds the
# code, PySide6 looks them up under the object's own class (the pane), where the .ts has them.
RUNTIME_CONTEXT = {
    "WindowStatus": "MainWindow",
    "WindowModels": "MainWindow",
    "WindowMenu": "MainWindow",
    "SummarizeLayout": "SummarizePane",
    "SummarizeRender": "SummarizePane",
    "SummarizeFiles": "SummarizePane",
    "SummarizeClaims": "SummarizePane",
    "ChatLayout": "ChatPane",
    "ChatConversations": "ChatPane",
    "SentimentOneText": "SentimentPane",
    "BatchLayout": "BatchPanel",
    "BatchRender": "BatchPanel",
    "LibraryActions": "LibraryView",
}
_MESSAGE = re.compile(r"<message>(.*?)</message>", re.S)
_CONTEXT = re.compile(r"<context>\s*<name>(.*?)</name>(.*?)</context>", re.S)


def _messages(ts: str) -> list[tuple[str, str, str]]:
    out = []
    for context, body in _CONTEXT.findall(ts):
        for message in _MESSAGE.findall(body):
            source = re.search(r"<source>(.*?)</source>", message, re.S)
            out.append((context, source.group(1) if source else "", message))
    return out


def _unfinished(ts: str) -> list[tuple[str, str]]:
    return [(c, s) for c, s, m in _messages(ts) if 'type="unfinished"' in m]


def _translated(ts: str) -> set[tuple[str, str]]:
    return {
        (c, s)
        for c, s, m in _messages(ts)
        if "<translation" in m and 'type="unfinished"' not in m and "<translation/>" not in m
    }


def test_compiled_translations_are_current(tmp_path: Path) -> None:
    out = tmp_path / "check.qm"
    done = subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == QM.read_bytes(), (
        "run pyside6-lrelease (resources/translations/README.md)"
    )


def test_translations_keep_placeholders_tags_and_keys() -> None:
    """A lost {0} or a changed {1:.0f} would break .format() at run time, in Chinese only."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_translations.py"), str(TS)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_download_states_from_the_core_read_in_chinese(qapp: object, tmp_path: Path) -> None:
    """The core's English (a DNS failure, a retry's count, "Connecting") shows in the
    interface's language through ui/core_text.shown, part by part."""
    from desktop_app.core.models.download_state import CONNECTING, RETRYING
    from desktop_app.core.models.downloads import DownloadState, DownloadStatus
    from desktop_app.core.storage.settings import Settings
    from desktop_app.core.web_sockets import NO_SUCH_NAME
    from desktop_app.ui.app import apply_language
    from desktop_app.ui.core_text import shown
    from desktop_app.ui.durations import duration
    from desktop_app.ui.models.downloads_model import DownloadsTableModel

    def running(message: str) -> DownloadStatus:
        return DownloadStatus(
            "j", "org/r", "main", "m.gguf", None, DownloadState.RUNNING, 0, None, 0.0, None,
            0, 1, message, None, False, None,
        )  # fmt: skip

    settings = Settings.load(tmp_path / "settings.json")
    settings.set("language", "zh_CN")
    try:
        apply_language(settings)
        model = DownloadsTableModel()
        dns = NO_SUCH_NAME.format(host="huggingface.co")
        failed = shown(dns)  # the Hub view's words for a search that met a DNS failure
        assert "huggingface.co" in failed and "DNS" in failed and "Cannot" not in failed
        retry = RETRYING.format(reason=dns, seconds="4", n=2, total=8)
        text = model.state_text(running(retry))
        assert text.startswith(failed) and "重试" in text and "第 2 次，共 8 次" in text
        other = model.state_text(running(RETRYING.format(reason="Odd.", seconds="4", n=2, total=8)))
        assert other.startswith("Odd.") and "重试" in other  # an unmarked reason stays as it is
        assert model.state_text(running(CONNECTING)) == "正在连接"
        assert duration(75) == "1 分 15 秒"
    finally:
        settings.set("language", "en")
        apply_language(settings)
