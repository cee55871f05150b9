"""The "Search the Hub" tab: search GGUF repos, open one, download one of its files.

Nothing is sent until the person searches (or opens a repo). The requests are the models
controller's (core/controllers/models.py): they run off the GUI thread, a late answer to an older
request is dropped, and the results stay with the controller, so a rebuilt window shows them
again. While a request waits, a busy bar and Cancel show (Cancel ends its socket at once; a new
search replaces it). Offline mode disables the controls, and the client refuses before any socket
anyway. The core's messages (why the Hub could not be reached) show in the interface's language.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.controllers.models import ModelsController, hub_config
from desktop_app.core.controllers.models_events import (
    HubCancelled,
    HubEvent,
    HubFailed,
    HubKind,
    HubOpened,
    HubSearched,
    HubStarted,
)
from desktop_app.core.models.fit import FitEstimate, ModelShape, estimate_fit, recommend_quant
from desktop_app.core.models.hub import HubModel, RepoFiles, SortKey
from desktop_app.ui.core_text import shown
from desktop_app.ui.models.fit import ERROR_COLOR, FitContext
from desktop_app.ui.models.hub_model import (
    F_FILE,
    R_REPO,
    RepoFilesModel,
    RepoResultsModel,
)


class HubWaiting(QWidget):
    """A busy bar and Cancel, shown while a search or listing waits for the Hub."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = QProgressBar()
        self.busy.setAccessibleName(self.tr("Waiting for the Hub"))
        self.busy.setRange(0, 0)  # no figures to show: the style's busy animation
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(110)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop waiting for the Hub"))
        self.cancel_button.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.cancel_button)
        self.setVisible(False)

    def cancelled_text(self, kind: HubKind) -> str:
        return self.tr("Search cancelled.") if kind == "search" else self.tr("Listing cancelled.")


class HubView(QWidget):
    download_requested = Signal(str, object, str)  # repo id, HubModel, revision

    def __init__(self, controller: ModelsController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._offline = False
        self._fit: FitContext | None = None
        self.repo: RepoFiles | None = None

        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Search GGUF models, e.g. qwen, llama, gemma…"))
        self.query.setAccessibleName(self.tr("Search the Hub"))
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.search)
        self.sort = QComboBox()
        self.sort.setAccessibleName(self.tr("Sort by"))
        for text, key in (
            (self.tr("Most downloaded"), "downloads"),
            (self.tr("Most liked"), "likes"),
            (self.tr("Recently updated"), "recent"),
        ):
            self.sort.addItem(text, key)
        self.sort.currentIndexChanged.connect(self._on_sort_changed)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.search)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.sort)
        top.addWidget(self.search_button)

        self.hint = QLabel()  # its text: set_offline
        self.hint.setWordWrap(True)
        self.state = QLabel()
        self.state.setAccessibleName(self.tr("Search status"))
        self.state.setWordWrap(True)
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.waiting = HubWaiting()
        self.waiting.cancel_button.clicked.connect(self.cancel)
        self.cancel_button = self.waiting.cancel_button
        state_row = QHBoxLayout()
        state_row.addWidget(self.state, 1)
        state_row.addWidget(self.waiting, 0, Qt.AlignmentFlag.AlignVCenter)

        self.results_model = RepoResultsModel(self)
        self.results = QTableView()
        self.results.setAccessibleName(self.tr("Search results"))
        _table(self.results, self.results_model, R_REPO)
        self.results.doubleClicked.connect(self._on_result_activated)
        self.results.selectionModel().selectionChanged.connect(self._sync)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setToolTip(self.tr("List the repository's files (or double-click it)"))
        self.open_button.clicked.connect(self.open_selected)

        self.repo_title = QLabel(self.tr("No repository open."))
        f = self.repo_title.font()
        f.setBold(True)
        self.repo_title.setFont(f)
        self.repo_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gated = QLabel()
        self.gated.setAccessibleName(self.tr("Gated repository"))
        self.gated.setWordWrap(True)
        self.gated.setStyleSheet("color: #b06000;")
        self.gated.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.gated.setVisible(False)
        self.files_model = RepoFilesModel(self)
        self.files = QTableView()
        self.files.setAccessibleName(self.tr("GGUF files"))
        _table(self.files, self.files_model, F_FILE)
        self.files.selectionModel().selectionChanged.connect(self._sync)
        self.refused = QLabel()
        self.refused.setWordWrap(True)
        self.refused.setVisible(False)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.clicked.connect(self.download_selected)

        results_box = QWidget()
        rl = QVBoxLayout(results_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.results, 1)
        rrow = QHBoxLayout()
        rrow.addStretch(1)
        rrow.addWidget(self.open_button)
        rl.addLayout(rrow)
        repo_box = QWidget()
        fl = QVBoxLayout(repo_box)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(self.repo_title)
        fl.addWidget(self.gated)
        fl.addWidget(self.files, 1)
        fl.addWidget(self.refused)
        frow = QHBoxLayout()
        frow.addStretch(1)
        frow.addWidget(self.download_button)
        fl.addLayout(frow)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(results_box)
        splitter.addWidget(repo_box)
        splitter.setSizes([260, 300])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addLayout(state_row)
        layout.addWidget(splitter, 1)
        self.set_offline(False)
        self.attach(controller)

    # ---- inputs from the pane ------------------------------------------------------------

    def set_offline(self, offline: bool) -> None:
        self._offline = offline
        if offline:
            self.hint.setText(
                self.tr(
                    "Offline mode is on: the Hub is not contacted, so searching and downloading "
                    "are off. Turn offline mode off above to use them."
                )
            )
            self.hint.setStyleSheet(f"color: {ERROR_COLOR};")
            self._set_state("")  # the last search's error is not news under this notice
        else:
            self.hint.setText(
                self.tr(
                    "Nothing is sent to the Hub until you search. Results list repositories with "
                    "GGUF files; open one to see its files."
                )
            )
            self.hint.setStyleSheet("")
        self._sync()

    def set_fit_context(self, ctx: FitContext) -> None:
        self._fit = ctx
        self._update_fits()

    # ---- state ---------------------------------------------------------------------------

    def attach(self, controller: ModelsController) -> None:
        """Show `controller`'s search, results and open repository (and what it said last)."""
        self.controller = controller
        self.query.setText(controller.hub_query)
        self.sort.blockSignals(True)  # showing the sort is not choosing one
        self.sort.setCurrentIndex(max(0, self.sort.findData(controller.hub_sort)))
        self.sort.blockSignals(False)
        self.results_model.set_results(list(controller.hub_results))
        self.repo = None
        self.files_model.set_repo(None)
        self.repo_title.setText(self.tr("No repository open."))
        self.gated.setVisible(False)
        self.refused.setVisible(False)
        if controller.hub_repo is not None:
            self._show_repo(controller.hub_repo)
        last = controller.hub_last
        if isinstance(last, HubOpened):
            self._show_opened(last.repo)
        elif last is not None:
            self.on_hub(last)
        self._sync()

    def _sync(self, *_args: object) -> None:
        online = not self._offline
        busy = self.controller.hub_busy
        self.query.setEnabled(online)
        self.sort.setEnabled(online)
        self.search_button.setEnabled(online)  # while busy: a new search replaces the old
        self.open_button.setEnabled(online and self._selected_hit() is not None)
        self.waiting.setVisible(online and busy)
        self.download_button.setEnabled(
            online and self.repo is not None and self._selected_model() is not None
        )

    def _selected_hit(self) -> str | None:
        rows = self.results.selectionModel().selectedRows()
        hit = self.results_model.hit_at(rows[0].row()) if rows else None
        return hit.repo_id if hit is not None else None

    def _selected_model(self) -> HubModel | None:
        rows = self.files.selectionModel().selectedRows()
        return self.files_model.model_at(rows[0].row()) if rows else None

    def _set_state(self, message: str, *, error: bool = False) -> None:
        self.state.setText(message)
        self.state.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")
        self._sync()

    # ---- the controller's answers --------------------------------------------------------

    def on_hub(self, event: HubEvent) -> None:
        if isinstance(event, HubStarted):
            if event.kind == "search":
                self._set_state(self.tr("Searching {0}…").format(event.target))
            else:
                self._set_state(self.tr("Listing the files of {0}…").format(event.target))
        elif isinstance(event, HubSearched):
            hits = list(event.results)
            self.results_model.set_results(hits)
            self._set_state(
                self.tr("Repositories found: {0}.").format(len(hits))
                if hits
                else self.tr("Nothing found. Try a shorter name.")
            )
            if hits:
                self.results.selectRow(0)
        elif isinstance(event, HubOpened):
            self._show_repo(event.repo)
            self._show_opened(event.repo)
            if self.files_model.rowCount():
                self.files.selectRow(0)
        elif isinstance(event, HubFailed):
            self._set_state(shown(event.message), error=True)
        elif isinstance(event, HubCancelled):
            self._set_state(self.waiting.cancelled_text(event.kind))

    # ---- search --------------------------------------------------------------------------

    def search(self) -> None:
        if self._offline:
            return
        sort: SortKey = self.sort.currentData()
        self.controller.search(self.query.text().strip(), sort)

    def cancel(self) -> None:
        """Stop waiting for the Hub: the request's socket is shut down at once."""
        self.controller.cancel_hub()

    def _on_sort_changed(self, _index: int) -> None:
        if self.controller.hub_searched and not self.controller.hub_busy:
            self.search()

    # ---- one repo ------------------------------------------------------------------------

    def _on_result_activated(self, index: QModelIndex) -> None:
        hit = self.results_model.hit_at(index.row())
        if hit is not None:
            self.open_repo(hit.repo_id)

    def open_selected(self) -> None:
        repo_id = self._selected_hit()
        if repo_id is not None:
            self.open_repo(repo_id)

    def open_repo(self, repo_id: str) -> None:
        if not self._offline:
            self.controller.open_repo(repo_id)

    def _show_repo(self, repo: RepoFiles) -> None:
        self.repo = repo
        self.files_model.set_repo(repo)
        self._update_fits()
        self.repo_title.setText(repo.repo_id)
        if repo.gated:
            config, _ = hub_config(self.controller.settings)
            page = config.repo_page(repo.repo_id)
            if config.token:
                text = self.tr(
                    "This repository is gated; your token is sent with its downloads. If they are "
                    "refused, accept its terms on the Hub ({0}) with the token's account."
                ).format(page)
            else:
                text = self.tr(
                    "This repository is gated: accept its terms on the Hub ({0}), then set a token "
                    "from that account in Hub settings (above) to download its files."
                ).format(page)
            self.gated.setText(text)
        self.gated.setVisible(bool(repo.gated))
        if repo.refused:
            self.refused.setText(
                self.tr("Not offered: {0}").format(
                    "; ".join(f"{r.name} ({r.reason})" for r in repo.refused)
                )
            )
        self.refused.setVisible(bool(repo.refused))

    def _show_opened(self, repo: RepoFiles) -> None:
        n = sum(1 for m in repo.models if m.kind == "model")
        self._set_state(
            self.tr("Model files in {1}: {0}.").format(n, repo.repo_id)
            if n
            else self.tr("{0} has no GGUF model files.").format(repo.repo_id)
        )

    def _update_fits(self) -> None:
        if self._fit is not None and self.repo is not None:
            self.files_model.set_fits(*repo_fits(self.repo, self._fit))

    # ---- download ------------------------------------------------------------------------

    def select_file(self, name: str) -> bool:
        row = self.files_model.row_of(name)
        if row >= 0:
            self.files.selectRow(row)
        return row >= 0

    def download_selected(self) -> None:
        model = self._selected_model()
        if model is None or self.repo is None or self._offline:
            return
        self.download_requested.emit(self.repo.repo_id, model, self.repo.revision)


def _table(view: QTableView, model: object, stretch: int) -> None:
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def repo_fits(repo: RepoFiles, ctx: FitContext) -> tuple[dict[str, FitEstimate], str | None]:
    """A fit per file (the layout guessed from its size), and the file of the quantization
    recommended for this machine among the repo's (the smallest file of each quantization)."""
    fits = {}
    smallest: dict[str, tuple[HubModel, ModelShape]] = {}
    for m in repo.models:
        if m.kind != "model" or m.size is None:
            continue
        shape = ModelShape.guess(m.size, m.first_file.basename)
        fits[m.name] = estimate_fit(shape, ctx.report, n_ctx=ctx.n_ctx, kv_type=ctx.kv_type)
        if m.quant and (m.quant not in smallest or m.size < smallest[m.quant][1].file_size):
            smallest[m.quant] = (m, shape)
    rec = recommend_quant(
        [(q, shape) for q, (_m, shape) in smallest.items()],
        ctx.report,
        n_ctx=ctx.n_ctx,
        kv_type=ctx.kv_type,
    )
    return fits, smallest[rec.quant][0].name if rec is not None else None
