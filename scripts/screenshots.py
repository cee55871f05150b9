"""Screenshots of the real app on a real (virtual) X screen, in English and in Chinese.

Writes PNGs of the chat pane mid-answer, the welcome page and the preferences dialog for each
language. Runs itself under Xvfb when there is no display (Debian: apt install xvfb).

    python scripts/screenshots.py [--out screenshots] [--model PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=ROOT / "screenshots")
    ap.add_argument("--model", type=Path)
    ap.add_argument("--lang", choices=["en", "zh_CN"], action="append")
    ap.add_argument("--theme", choices=["system", "light", "dark"], default="system")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        xvfb = shutil.which("xvfb-run")
        if not xvfb:
            print(
                "no display and no xvfb-run: install xvfb (Debian: apt install xvfb)",
                file=sys.stderr,
            )
            return 1
        return subprocess.call(
            [xvfb, "-a", "-s", "-screen 0 1600x1000x24 -dpi 96", sys.executable, *sys.argv]
        )
    langs = args.lang or ["en", "zh_CN"]
    args.out.mkdir(parents=True, exist_ok=True)
    for lang in langs:  # one process per language: translators install at start-up
        code = subprocess.call(
            [
                sys.executable,
                __file__,
                "--one",
                lang,
                str(args.out),
                str(args.model or ""),
                args.theme,
            ]
        )
        if code:
            return code
    print(f"screenshots in {args.out}")
    return 0


def one(lang: str, out: Path, model_arg: str, theme: str = "system") -> int:
    home = Path(tempfile.mkdtemp(prefix=f"shots-{lang}-"))
    os.environ["DESKTOP_APP_HOME"] = str(home)
    os.environ["QT_SCALE_FACTOR"] = os.environ.get("QT_SCALE_FACTOR", "1")
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop_app.core.models.starter import ensure_starter_model
    from desktop_app.core.storage.conversations import ConversationStore
    from desktop_app.core.storage.paths import AppPaths
    from desktop_app.core.storage.settings import Settings
    from desktop_app.ui.app import apply_language, apply_theme, create_app
    from desktop_app.ui.dialogs import PreferencesDialog
    from desktop_app.ui.main_window import MainWindow

    app = create_app()
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("language", lang)
    settings.set("theme", theme)
    suffix = f"{lang}-dark" if theme == "dark" else lang
    settings.set("load.n_ctx", 4096)
    settings.save()
    apply_language(settings)
    apply_theme(settings)

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def until(signal: object, timeout_ms: int = 120_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()

    # 1. welcome page (no model installed yet)
    store = ConversationStore(paths.conversations_db)
    window = MainWindow(paths, settings, store)
    window.resize(1200, 760)
    window.show()
    wait(400)
    window.grab().save(str(out / f"welcome-{suffix}.png"))

    # 2. preferences dialog
    dialog = PreferencesDialog(settings, window)
    dialog.show()
    wait(300)
    dialog.grab().save(str(out / f"settings-{suffix}.png"))
    dialog.close()

    # 3. chat mid-answer, with an earlier finished turn containing code
    model = (
        Path(model_arg)
        if model_arg
        else ensure_starter_model(Path.home() / ".cache" / "desktop-app-tests")
    )
    window.use_model_file(str(model))
    until(window.service.loaded)
    chat = window.chat
    assert chat.conversation is not None
    chat.store.update_settings(
        chat.conversation.id, sampling={"seed": 7, "max_tokens": 400, "temperature": 0.7}
    )
    chat.store.rename(chat.conversation.id, "Python help" if lang == "en" else "Python 帮助")
    first = "How do I read a file in Python?" if lang == "en" else "怎样用 Python 读取文件？"
    chat.store.append_message(chat.conversation.id, "user", first)
    chat.store.append_message(
        chat.conversation.id,
        "assistant",
        ("Use `open()` in a `with` block:\n\n```python\nwith open('notes.txt', encoding='utf-8') as f:\n"
         "    text = f.read()\nprint(len(text))\n```\n\nThe file closes by itself at the end of the block.")
        if lang == "en" else
        ("在 `with` 语句中使用 `open()`：\n\n```python\nwith open('笔记.txt', encoding='utf-8') as f:\n"
         "    text = f.read()\nprint(len(text))\n```\n\n代码块结束时文件会自动关闭。"),
    )  # fmt: skip
    other = chat.store.create(title="Trip to Hangzhou" if lang == "en" else "杭州旅行计划")
    chat.store.append_message(
        other.id, "user", "Plan a weekend in Hangzhou." if lang == "en" else "帮我规划杭州周末游。"
    )
    chat.open_conversation(chat.conversation.id)
    chat.input.setPlainText(
        "Now explain it step by step." if lang == "en" else "请一步一步地解释。"
    )
    chat.send()
    counted = [0]

    def count(_text: str) -> None:
        counted[0] += 1

    window.service.tokens_arrived.connect(count)
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if counted[0] >= 25 else None)
    timer.start(50)
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    timer.stop()
    window.grab().save(str(out / f"chat-{suffix}.png"))
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--one":
        sys.exit(one(sys.argv[2], Path(sys.argv[3]), sys.argv[4], sys.argv[5]))
    sys.exit(main())
