"""The Catalog tab: well-known models, how practical each is here, and a Download button.

The catalog is a data file (no network). Tiers (good / slow / won't fit, core/models/practical.py)
are computed here from the machine's report, its measured memory bandwidth (core/models/speed.py:
kept in the cache folder, measured once off the GUI thread) and the load settings; the reason is
shown in words under the table for the selected model. Descriptions are in the UI language.
Download hands the chosen quantization to the pane as a HubModel, like a Hub file.

Judging and the columns' fitting to the width (no horizontal scroll bar) are in catalog_fit.py.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.models.catalog import CatalogEntry, CatalogFile, load_catalog
from desktop_app.core.models.hub import HubFile, HubModel
from desktop_app.core.models.library import format_size
from desktop_app.core.models.practical import EntryFit
from desktop_app.core.models.shards import parse_shard_name
from desktop_app.core.models.speed import MachineSpeed
from desktop_app.ui.models.catalog_fit import CatalogFitting
from desktop_app.ui.models.catalog_model import (
    COL_FIT,
    COL_NAME,
    ID_ROLE,
    CatalogFilter,
    CatalogTableModel,
)
from desktop_app.ui.models.fit import (
    ERROR_COLOR,
    TIER_COLORS,
    FitContext,
    FitWords,
    context_label,
    tier_icon,
)


def hub_model_for(f: CatalogFile) -> HubModel:
    """A catalog file as the downloader takes it: one file, or every shard of a set. Rounded
    sizes are left out (the Hub's answer gives the exact size); a sha256 is checked when given."""
    base = f.file.rsplit("/", 1)[-1]
    if f.shards > 1:
        shard = parse_shard_name(base)
        name = shard.base if shard is not None else base
        return HubModel(name, f.quant, tuple(HubFile(n, None, None) for n in f.file_names))
    size = None if f.size_approx else f.size
    return HubModel(base, f.quant, (HubFile(f.file, size, f.sha256),))


def file_basename(f: CatalogFile) -> str:
    return f.file.rsplit("/", 1)[-1]


class CatalogView(CatalogFitting, QWidget):
    download_requested = Signal(str, object, str)  # repo id, HubModel, revision

    def __init__(self, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.catalog = load_catalog()
        self._fit: FitContext | None = None
        self._judged: dict[str, EntryFit] = {}  # entry id -> its files' tiers
        self._speed: MachineSpeed | None = None
        self._speed_given = False  # set_speed: a what-if figure that no measurement replaces
        self._measuring = False
        self._installed_files: set[str] = set()
        self._offline = False
        self._words = FitWords(self)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter by name, family or language…"))
        self.filter.setAccessibleName(self.tr("Filter the catalog"))
        self.filter.setClearButtonEnabled(True)
        self.chinese_only = QCheckBox(self.tr("Chinese-capable only"))
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.chinese_only)

        self.model = CatalogTableModel(self)
        self.model.set_entries(list(self.catalog))
        self.proxy = CatalogFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self.proxy.set_text)
        self.chinese_only.toggled.connect(self.proxy.set_chinese_only)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Model catalog"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # catalog order: small to large
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # always there: column widths computed without it would be clipped when it appears
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_FIT, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.proxy.layoutChanged.connect(self._fit_columns)
        self.proxy.rowsInserted.connect(self._fit_columns)

        # details of the selected entry
        self.title = QLabel()
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.15)
        self.title.setFont(f)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b06000;")
        self.note.setVisible(False)
        # the chosen file's tier and the reason, in words (not only in a tooltip)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setAccessibleName(self.tr("How it would run here"))
        self.quant = QComboBox()
        self.quant.setAccessibleName(self.tr("Quantization to download"))
        self.quant.setMinimumWidth(320)
        self.quant.currentIndexChanged.connect(self._sync_button)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.clicked.connect(self.download_selected)
        self.offline_hint = QLabel(self.tr("Offline mode is on: downloads are off."))
        self.offline_hint.setStyleSheet(f"color: {ERROR_COLOR};")
        self.offline_hint.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Quantization:")))
        row.addWidget(self.quant, 1)
        row.addWidget(self.download_button)
        self.details = QGroupBox(self.tr("Selected model"))
        dl = QVBoxLayout(self.details)
        # what to decide on first (how it would run, which file, Download), then the facts
        dl.addWidget(self.title)
        dl.addWidget(self.verdict)
        dl.addLayout(row)
        dl.addWidget(self.offline_hint)
        dl.addWidget(self.description)
        dl.addWidget(self.facts)
        dl.addWidget(self.note)
        dl.addStretch(1)
        # in a small window the details scroll rather than being cut off
        self.details_scroll = QScrollArea()
        self.details_scroll.setWidget(self.details)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._show_entry(None)

    # ---- inputs from the pane ------------------------------------------------------------

    # ---- layout: no horizontal scrolling ---------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_columns()
        self._keep_decision_visible()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()
        self._keep_decision_visible()

    # ---- inputs from the pane ------------------------------------------------------------

    def set_installed(self, file_names: set[str]) -> None:
        self._installed_files = set(file_names)
        ids = {e.id for e in self.catalog if any(file_basename(f) in file_names for f in e.files)}
        self.model.set_installed(ids)
        self._show_entry(self.current())

    def set_offline(self, offline: bool) -> None:
        self._offline = offline
        self.offline_hint.setVisible(offline)
        self._sync_button()

    # ---- selection -----------------------------------------------------------------------

    def current(self) -> CatalogEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        entry_id = rows[0].data(ID_ROLE)
        return self.catalog.get(str(entry_id)) if entry_id else None

    def select(self, entry_id: str) -> bool:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data(ID_ROLE) == entry_id:
                self.table.selectRow(row)
                return True
        return False

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_entry(self.current())

    def _show_entry(self, e: CatalogEntry | None) -> None:
        self.quant.blockSignals(True)
        self.quant.clear()
        if e is None:
            self.title.setText(self.tr("Select a model to see its description and download it."))
            self.description.setText("")
            self.facts.setText("")
            self.note.setVisible(False)
            self.verdict.setText("")
            self.quant.blockSignals(False)
            self._sync_button()
            return
        self.title.setText(e.name)
        self.description.setText(e.description_for(self.language))
        self.facts.setText(
            self.tr("{0} · license {1} · context {2} · languages: {3}").format(
                e.repo, e.license, context_label(e.context_length), ", ".join(e.languages)
            )
        )
        notes = []
        if e.gated:
            notes.append(
                self.tr(
                    "The Hub asks for a token for this model: accept its terms on the Hub and set "
                    "the token in Hub settings."
                )
            )
        if not e.verified:
            notes.append(self.tr("The file names were not checked against the Hub."))
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        rec = self.model.recommendation(e.id)
        judged = self._judged.get(e.id)
        chosen = 0
        for i, f in enumerate(e.files):
            tier = judged.options.get(f.quant) if judged is not None else None
            parts = [f.quant, ("≈ " if f.size_approx else "") + format_size(f.size)]
            if tier is not None:
                parts.append(self._words.tier_label(tier))
            text = " · ".join(parts)
            if rec is not None and rec.quant == f.quant:
                text += "  " + self.tr("(recommended)")
                chosen = i
            if file_basename(f) in self._installed_files:
                text += "  " + self.tr("(installed)")
            self.quant.addItem(text, f.quant)
            if tier is not None:
                self.quant.setItemIcon(i, tier_icon(tier.tier))
                tip = self._words.tier_tooltip(tier)
                self.quant.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.quant.setCurrentIndex(chosen)
        self.quant.blockSignals(False)
        self._sync_button()

    def _chosen_file(self) -> tuple[CatalogEntry, CatalogFile] | None:
        e = self.current()
        quant = self.quant.currentData()
        if e is None or not quant:
            return None
        f = e.file_for(str(quant))
        return (e, f) if f is not None else None

    def _sync_button(self, *_args: object) -> None:
        chosen = self._chosen_file()
        self._show_verdict(chosen)
        installed = chosen is not None and file_basename(chosen[1]) in self._installed_files
        self.download_button.setEnabled(chosen is not None and not installed and not self._offline)
        self.download_button.setText(self.tr("Installed") if installed else self.tr("Download"))
        if self._offline:
            self.download_button.setToolTip(self.tr("Offline mode is on"))
        else:
            self.download_button.setToolTip("")

    def _show_verdict(self, chosen: tuple[CatalogEntry, CatalogFile] | None) -> None:
        """The chosen file's tier as a coloured dot, its word and the reason."""
        tier = self.tier_of(chosen[0].id, chosen[1].quant) if chosen is not None else None
        if tier is None:
            self.verdict.setText("")
            self.verdict.setToolTip("")
            return
        color = TIER_COLORS.get(tier.tier, TIER_COLORS["unknown"])
        self.verdict.setText(
            f'<span style="color:{color}; font-size:large">●</span>&nbsp;'
            f"<b>{html.escape(self._words.tier_name(tier.tier), quote=False)}</b>: "
            f"{html.escape(self._words.reason(tier), quote=False)}"
        )
        self.verdict.setToolTip(self._words.tooltip(tier.fit))

    def download_selected(self) -> None:
        chosen = self._chosen_file()
        if chosen is None or self._offline:
            return
        e, f = chosen
        self.download_requested.emit(e.repo, hub_model_for(f), "main")
