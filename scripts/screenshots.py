"""Screenshots of the real app on a real (virtual) X screen: every pane, two sizes, en and zh_CN,
light and dark.

Writes PNGs named PANE-LANG-THEME-WxH.png (1600x1000 and the 800x600 minimum) of the welcome
page, the preferences dialog, the chat pane mid-answer, the Summarize pane with its claims checked,
the Sentiment pane (one text and a batch), and the Models pane (a download in progress from the
local Hub stand-in, the library, the catalog with fit tiers, a Hub search). One process per
language and theme, since translators and palettes are set at start-up. Runs itself under Xvfb
when there is no display (Debian: apt install xvfb fonts-noto-cjk, the zh_CN shots need a Chinese
font; and the libxcb-* libraries that Qt names if its xcb plugin does not load).

    python scripts/screenshots.py [--out docs/screenshots] [--model PATH] [--lang en]
        [--theme dark] [--only models|chat|summarize]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screenshots_summarize import summarize_shot  # noqa: E402 (scripts/, beside this)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--model", type=Path)
    ap.add_argument("--lang", choices=["en", "zh_CN"], action="append")
    ap.add_argument("--theme", choices=["light", "dark"], action="append")
    ap.add_argument(
        "--only",
        choices=["all", "models", "chat", "summarize"],
        default="all",
        help="one set of shots",
    )
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
    themes = args.theme or ["light", "dark"]
    args.out.mkdir(parents=True, exist_ok=True)
    for lang in langs:  # one process per language and theme: both are set at start-up
        for theme in themes:
            code = subprocess.call(
                [sys.executable, __file__, "--one", lang, str(args.out), str(args.model or ""),
                 theme, args.only]
            )  # fmt: skip
            if code:
                return code
    print(f"screenshots in {args.out}")
    return 0


SIZES = ((1600, 1000), (800, 600))


def snap(
    widget: object,
    out: Path,
    name: str,
    suffix: str,
    wait: Callable[[int], None],
    laid_out: Callable[[], None] | None = None,
) -> None:
    """`name` at each size: resized, laid out, grabbed; left at the first size. `laid_out` runs
    at each size before the grab (to scroll something back into view after the re-wrap)."""
    for width, height in (*SIZES[1:], SIZES[0]):
        widget.resize(width, height)  # type: ignore[attr-defined]
        wait(350)
        if laid_out is not None:
            laid_out()
            wait(150)
        widget.grab().save(str(out / f"{name}-{suffix}-{width}x{height}.png"))  # type: ignore[attr-defined]


def one(lang: str, out: Path, model_arg: str, theme: str = "light", only: str = "all") -> int:
    if only == "models":
        return models(lang, out, model_arg, theme)
    home = Path(tempfile.mkdtemp(prefix=f"shots-{lang}-"))
    os.environ["HEARTH_HOME"] = str(home)
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
    suffix = f"{lang}-{theme}"
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
    window.resize(*SIZES[0])
    window.show()
    wait(400)
    snap(window, out, "welcome", suffix, wait)

    # 2. preferences dialog (its own size, as it opens)
    dialog = PreferencesDialog(settings, window)
    dialog.show()
    wait(300)
    dialog.grab().save(str(out / f"settings-{suffix}.png"))
    dialog.close()

    # 3. chat mid-answer, with an earlier finished turn containing code
    model = (
        Path(model_arg)
        if model_arg
        else ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    )
    window.use_model_file(str(model))
    until(window.service.loaded)
    if only == "summarize":
        summarize_shot(window, lang, out, suffix, wait, until, snap)
        window.close()
        app.processEvents()
        return 0
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
    loop = QEventLoop()  # until some of the answer is on screen
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if len(chat.controller.answer_text) >= 100 else None)
    timer.start(50)
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    timer.stop()
    snap(window, out, "chat", suffix, wait)
    if chat.controller.generating:
        chat.stop()
        until(chat.answer_ended, 30_000)

    # 3b. the next message being typed: its tokens against the context left, under the input
    chat.input.setPlainText(
        "Can you also show how to read it line by line and count the words in each line?"
        if lang == "en"
        else "能再演示一下如何逐行读取文件，并统计每一行的词数吗？"
    )
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if chat.token_count.text() else None)
    timer.start(50)
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    timer.stop()
    snap(window, out, "chat-typing", suffix, wait)
    chat.input.clear()
    if only == "chat":
        window.close()
        app.processEvents()
        return 0

    # 4. summarize: a document read in parts, with the parts tree and the summary
    summarize_shot(window, lang, out, suffix, wait, until, snap)

    # 5. sentiment: a batch from the shared data set, table, chart
    sentiment = window.sentiment
    window.nav.setCurrentRow(2)
    table = Path(tempfile.mkdtemp()) / ("reviews.csv" if lang == "en" else "评论.csv")
    _sentiment_sample(table, "en" if lang == "en" else "zh")
    sentiment.batch.open_table(str(table))
    until(sentiment.batch.table_loaded, 30_000)
    wait(200)
    sentiment.batch.run_batch()
    until(sentiment.batch.batch_finished, 300_000)
    wait(300)
    snap(window, out, "sentiment-batch", suffix, wait)
    _sentiment_eval_shot(window, lang, out, suffix, wait, until)
    one_text = (
        "这家店的服务太慢了，但菜很好吃。"
        if lang != "en"
        else "Slow service, but the food was great."
    )
    sentiment.tabs.setCurrentIndex(0)
    sentiment.input.setPlainText(one_text)
    sentiment.analyze()
    until(sentiment.analysis_finished, 120_000)
    snap(window, out, "sentiment-text", suffix, wait)
    window.close()
    app.processEvents()
    return models(lang, out, model_arg, theme)


def models(lang: str, out: Path, model_arg: str, theme: str = "light") -> int:
    """The Models pane: a download in progress, the library, the catalog with fit indicators.

    The Hub is the local stand-in (tests/hub_server.py) serving the real starter file, slowed
    down so the download is caught mid-way. Fits are computed for a modest laptop (8 GB of RAM,
    a 4 GB GPU) rather than for the machine taking the screenshots, so that the catalog shows
    the whole range of verdicts.
    """
    home = Path(tempfile.mkdtemp(prefix=f"shots-models-{lang}-"))
    os.environ["HEARTH_HOME"] = str(home)
    os.environ["QT_SCALE_FACTOR"] = os.environ.get("QT_SCALE_FACTOR", "1")
    sys.path.insert(0, str(ROOT / "tests"))
    from hub_server import SMOLLM_FILE, standard_hub
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop_app.core.models.catalog import load_catalog
    from desktop_app.core.models.downloads import DownloadState
    from desktop_app.core.models.fit import machine
    from desktop_app.core.models.fit_machine import ram_speed
    from desktop_app.core.models.starter import ensure_starter_model
    from desktop_app.core.storage.conversations import ConversationStore
    from desktop_app.core.storage.paths import AppPaths
    from desktop_app.core.storage.settings import Settings
    from desktop_app.ui.app import apply_language, apply_theme, create_app
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.models.pane import TAB_CATALOG, TAB_HUB, TAB_LIBRARY

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_for(check: Callable[[], bool], timeout_ms: int = 120_000) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if check() else None)
        timer.start(50)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        timer.stop()

    model = (
        Path(model_arg)
        if model_arg
        else ensure_starter_model(Path.home() / ".cache" / "hearth-tests")
    )
    app = create_app()
    paths = AppPaths.current().ensure()
    hub = standard_hub(model)
    starter_repo = load_catalog().starter().repo
    hub.add_repo(starter_repo, {SMOLLM_FILE: model}, downloads=3_000)
    _ = hub.file(starter_repo, SMOLLM_FILE).blob.sha256
    hub.start()
    hub.set_fault(file=SMOLLM_FILE, throttle=3_000_000)
    settings = Settings.load(paths.settings_file)
    settings.set("language", lang)
    settings.set("theme", theme)
    settings.set("load.n_ctx", 4096)
    settings.set("hub.endpoint", hub.endpoint)
    settings.save()
    suffix = f"{lang}-{theme}"
    apply_language(settings)
    apply_theme(settings)
    paths.models_dir.mkdir(parents=True, exist_ok=True)
    with open(model, "rb") as f:  # a download that stopped half-way: listed with its error
        (paths.models_dir / "interrupted-download.gguf").write_bytes(f.read(5_000_000))

    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    window.resize(*SIZES[0])
    pane = window.models
    pane.set_machine(machine(ram_gib=8, vram_gib=4, gpu_name="Laptop GPU"))
    pane.catalog_view.set_speed(ram_speed(bandwidth_gbs=40, cores=4))  # that laptop's RAM
    window.show()
    window.nav.setCurrentRow(3)
    wait_for(lambda: pane.library_view.model.rowCount() > 0)

    # 1. a download in progress (the starter, from the catalog), another one waiting its turn
    catalog = pane.catalog_view
    for entry_id, quant in (("smollm2-135m-instruct", "Q4_1"), ("qwen2.5-1.5b-instruct", "Q4_K_M")):
        pane.tabs.setCurrentIndex(TAB_CATALOG)
        catalog.select(entry_id)
        catalog.quant.setCurrentIndex(catalog.quant.findData(quant))
        catalog.download_selected()
    jobs = pane.downloads_view.model
    smol, qwen = (s.job_id for s in jobs.jobs())

    def progressed() -> bool:
        s = jobs.status_at(jobs.row_of(smol))
        return s is not None and (s.fraction or 0) > 0.35

    wait_for(progressed)
    wait(300)
    snap(window, out, "models-download", suffix, wait)

    # 2. the library once it is done (the waiting download is cancelled: the stand-in lacks it)
    pane.downloads_view.cancel(qwen)
    hub.clear_faults()

    def done() -> bool:
        s = jobs.status_at(jobs.row_of(smol))
        return s is not None and s.state == DownloadState.DONE

    wait_for(done)
    wait_for(lambda: pane.library_view.model.rowCount() >= 2)
    pane.tabs.setCurrentIndex(TAB_LIBRARY)
    pane.library_view.select(str(paths.models_dir / SMOLLM_FILE))
    pane.library_view.set_default_selected()
    wait(500)
    snap(window, out, "models-library", suffix, wait)

    # 3. the catalog, a Chinese-capable model selected
    pane.tabs.setCurrentIndex(TAB_CATALOG)
    catalog.select("qwen2.5-7b-instruct")
    wait(300)
    snap(window, out, "models-catalog", suffix, wait)

    # 4. a Hub search on the stand-in, its first hit opened
    pane.tabs.setCurrentIndex(TAB_HUB)
    hub_view = pane.hub_view
    hub_view.query.setText("SmolLM2")
    hub_view.search()
    wait_for(lambda: hub_view.results.model().rowCount() > 0, 30_000)
    hub_view.results.selectRow(0)
    hub_view.open_selected()
    wait(1500)
    snap(window, out, "models-hub", suffix, wait)

    # 5. the inspector on the starter model: the stack picture and the memory bar
    loop = QEventLoop()
    pane.inspector_view.inspected.connect(loop.quit)
    QTimer.singleShot(30_000, loop.quit)
    pane.inspect(str(model))
    loop.exec()
    snap(window, out, "models-inspector", suffix, wait)

    # 6. the tokenizer: the English and the Chinese sample in the starter model's tokens
    view = pane.tokenizer_view
    wait_for(lambda: not window.service.loading)
    window.load_model(str(model))
    wait_for(lambda: window.service.model_info is not None)
    pane.tabs.setCurrentWidget(view)
    wait_for(lambda: all(s is not None for s in view.splits().values()), 60_000)
    snap(window, out, "models-tokenizer", suffix, wait)
    window.close()
    hub.stop()
    app.processEvents()
    return 0


def _sentiment_eval_shot(
    window: Any, lang: str, out: Path, suffix: str, wait: Callable[[int], None], until: Any
) -> None:
    """Evaluation mode (issue 16): a file with a gold column, batch calibration, the
    reliability diagram and the confusion matrix beside the chart (sentiment-eval-*)."""
    sentiment = window.sentiment
    window.nav.setCurrentRow(2)
    sentiment.tabs.setCurrentWidget(sentiment.batch)
    table = Path(tempfile.mkdtemp()) / ("labelled.csv" if lang == "en" else "已标注.csv")
    _sentiment_sample(table, "en" if lang == "en" else "zh", gold=True)
    sentiment.options.method.set_method("batch")
    sentiment.batch.controller.open_table(str(table))  # the pane's own dialog would ask first
    until(sentiment.batch.table_loaded, 30_000)
    wait(200)
    sentiment.batch.run_batch()
    until(sentiment.batch.batch_finished, 300_000)
    wait(300)
    snap(window, out, "sentiment-eval", suffix, wait)
    sentiment.options.method.set_method("automatic")


def _sentiment_sample(path: Path, lang: str, gold: bool = False) -> None:
    """The first texts of one language from ../shared/data/sentiment-dev.csv (or a few of ours)."""
    import csv

    source = ROOT.parent / "shared" / "data" / "sentiment-dev.csv"
    rows: list[dict[str, str]] = []
    if source.is_file():
        with source.open(encoding="utf-8", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r.get("lang") == lang][:16]
    if not rows:
        rows = [{"text": t} for t in ("I love it.", "Terrible service.", "It arrived on Monday.")]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", *(["gold"] if gold else [])])
        for i, r in enumerate(rows, start=1):
            writer.writerow([i, r["text"], *([r.get("label", "")] if gold else [])])


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--one":
        only = sys.argv[6] if len(sys.argv) > 6 else "all"
        sys.exit(one(sys.argv[2], Path(sys.argv[3]), sys.argv[4], sys.argv[5], only))
    sys.exit(main())
