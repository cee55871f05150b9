"""The catalog says what is practical here: distinct tiers (good / slow / won't fit) with a
coloured dot and a word in the Fit column, the reason in words under the table, and no
horizontal scrolling at 800x600, in English and in Chinese. Real window, offscreen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.models.fit import machine
from desktop_app.core.models.fit_machine import ram_speed
from desktop_app.core.storage.conversations import ConversationStore
from desktop_app.core.storage.paths import AppPaths
from desktop_app.core.storage.settings import Settings
from desktop_app.ui import app as gui_app
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.catalog_model import COL_FIT, COL_NAME, ID_ROLE
from desktop_app.ui.models.catalog_view import CatalogView
from desktop_app.ui.models.pane import TAB_CATALOG

TWO_CORES = ram_speed(bandwidth_gbs=18, cores=2)
MODELS = 3  # the navigation row of the Models pane


@pytest.fixture(params=["en", "zh_CN"])
def catalog(qtbot: QtBot, request: pytest.FixtureRequest) -> Iterator[CatalogView]:
    """The Models pane's catalog in an 800x600 window, fits judged for an 8 GB laptop with two
    cores (no GPU): the catalog spans all three tiers there."""
    paths = AppPaths.current().ensure()
    settings = Settings.load(paths.settings_file)
    settings.set("language", request.param)
    settings.save()
    gui_app.apply_language(settings)
    window = MainWindow(paths, settings, ConversationStore(paths.conversations_db))
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    qtbot.waitExposed(window)
    window.nav.setCurrentRow(MODELS)
    pane = window.models
    pane.tabs.setCurrentIndex(TAB_CATALOG)
    view = pane.catalog_view
    with qtbot.waitSignal(pane.fits_ready, timeout=60_000):
        pane.set_machine(machine(ram_gib=8, ram_free_gib=6))
    view.set_speed(TWO_CORES)
    try:
        yield view
    finally:
        window.close()
        settings.set("language", "en")
        gui_app.apply_language(settings)


def fit_cells(view: CatalogView) -> dict[str, str]:
    proxy = view.proxy
    return {
        str(proxy.index(r, 0).data(ID_ROLE)): str(proxy.index(r, COL_FIT).data())
        for r in range(proxy.rowCount())
    }


def test_tiers_are_distinct_with_their_reason_and_no_horizontal_scrolling(
    qtbot: QtBot, catalog: CatalogView
) -> None:
    view = catalog
    tiers = {e.id: view.tier_of(e.id) for e in view.catalog}
    assert {t.tier for t in tiers.values() if t is not None} >= {"good", "slow", "wont_fit"}
    good = view.tier_of("qwen2.5-0.5b-instruct")
    slow = view.tier_of("qwen2.5-3b-instruct")
    assert good is not None and good.tier == "good"
    assert slow is not None and slow.tier == "slow"
    # Qwen2.5 14B fits in 8 GB at no quantization; Qwen2.5 7B at Q4_K_M only
    big = view.tier_of("qwen2.5-14b-instruct")
    assert big is not None and big.tier == "wont_fit"
    assert view.tier_of("qwen2.5-7b-instruct", "Q8_0").tier == "wont_fit"  # type: ignore[union-attr]

    # the cell: a coloured dot and the tier's word with its figure, not colour alone
    cells = fit_cells(view)
    words = view._words
    assert cells["qwen2.5-0.5b-instruct"].startswith(words.tier_name("good") + " · ")
    assert cells["qwen2.5-3b-instruct"].startswith(words.tier_name("slow") + " · ")
    assert cells["qwen2.5-14b-instruct"].startswith(words.tier_name("wont_fit") + " · ")
    assert len({words.tier_name(t) for t in ("good", "slow", "wont_fit")}) == 3
    icons = set()
    for r in range(view.proxy.rowCount()):
        icon = view.proxy.index(r, COL_FIT).data(Qt.ItemDataRole.DecorationRole)
        assert icon is not None
        icons.add(icon.pixmap(12, 12).toImage().pixelColor(6, 6).name())
    assert len(icons) == 3  # green, amber, red

    # the reason in words under the table for the selected model, and for a chosen file
    assert view.select("qwen2.5-3b-instruct")
    qtbot.waitUntil(lambda: view.verdict.isVisible())
    assert words.reason(slow) in view.verdict.text()
    assert "2" in words.reason(slow)  # "... slow on 2 CPU cores"
    assert view.select("qwen2.5-7b-instruct")
    view.quant.setCurrentIndex(view.quant.findData("Q8_0"))
    assert words.tier_name("wont_fit") in view.verdict.text()
    assert words.reason(view.tier_of("qwen2.5-7b-instruct", "Q8_0")) in view.verdict.text()

    # 800x600: the table needs no horizontal scroll bar, the name column keeps some room,
    # the Fit column is whole; the details keep the verdict and Download in view
    table = view.table
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    assert not table.horizontalScrollBar().isVisible()
    shown = [c for c in range(view.model.columnCount()) if not table.isColumnHidden(c)]
    assert COL_NAME in shown and COL_FIT in shown
    assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()
    fit_width = max(table.sizeHintForColumn(COL_FIT), 1)
    assert table.columnWidth(COL_FIT) >= fit_width
    assert table.columnWidth(COL_NAME) >= 100
    button = view.download_button
    assert button.isVisible()
    bottom = button.mapTo(view.details_scroll.viewport(), button.rect().bottomLeft()).y()
    assert bottom <= view.details_scroll.viewport().height()

    # wide: every column is back
    view.window().resize(1600, 1000)
    qtbot.waitUntil(lambda: not any(table.isColumnHidden(c) for c in range(8)))
    assert table.horizontalScrollBar().maximum() == 0
