"""Widgets of the Summarize pane: the text box, the summary view, and the tree of parts."""

from __future__ import annotations

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from desktop_app.core.tasks.summarize import PartDone, Progress, SummaryResult
from desktop_app.ui.markdown import render_markdown


def drop_path(mime: QMimeData) -> str | None:
    """The first local file a drag carries, if any."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return url.toLocalFile()
    return None


class SourceEdit(QPlainTextEdit):
    """The text box: Ctrl+Enter asks for a summary; a dropped file is opened, not pasted as a path."""

    submit_requested = Signal()
    file_dropped = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit_requested.emit()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if drop_path(event.mimeData()) is not None:
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if drop_path(event.mimeData()) is not None:
            event.acceptProposedAction()
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = drop_path(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.file_dropped.emit(path)
            return
        super().dropEvent(event)


class SummaryView(QTextBrowser):
    """The summary: plain text while it streams, rendered markdown once it is complete."""

    copied = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self._code_blocks: list[str] = []

    def loadResource(self, type: int, name: QUrl | str) -> object:
        return None  # model output never makes the app fetch anything

    def show_markdown(self, text: str) -> None:
        app = QApplication.instance()
        dark = bool(app.property("hearth_dark")) if app is not None else False
        rendered = render_markdown(text, dark=dark, copy_label=self.tr("Copy"))
        self._code_blocks = rendered.code_blocks
        self.setHtml(rendered.html)

    def append_plain(self, text: str) -> None:
        """Add streamed text at the end (work proportional to the new text only)."""
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if follow:
            bar.setValue(bar.maximum())

    def _on_anchor(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if scheme == "copy" and rest.isdigit() and int(rest) < len(self._code_blocks):
            QApplication.clipboard().setText(self._code_blocks[int(rest)])
            self.copied.emit()
        elif scheme in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)  # clicked by the user; nothing is fetched otherwise


class _WrapDelegate(QStyledItemDelegate):
    """Row heights for wrapped text: QTreeView asks for a size hint without the column's width,
    which counts only the text's own line breaks."""

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if not index.parent().isValid():  # a round's title spans the whole row
            width = self._view.viewport().width()
        else:
            width = self._view.header().sectionSize(index.column())
        if width <= 0:
            return super().sizeHint(option, index)
        sized = QStyleOptionViewItem(option)
        sized.rect = QRect(0, 0, width, 1_000_000)
        return super().sizeHint(sized, index)


class PartsView(QTreeWidget):
    """One branch per round (reading the parts, then each round of combining), a row per part.

    Rows are made when a round is announced, so the tree shows what is still to come; each fills
    with its partial summary as it is done. Token counts and the parts' own text (a child row,
    collapsed) arrive with the result, since the summarizer reports them only there.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Parts and their summaries"))
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Part"), self.tr("Tokens"), self.tr("Summary")])
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setItemDelegate(_WrapDelegate(self))
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # wrapped summaries need their rows measured again when the column width changes
        header.sectionResized.connect(self._relayout)
        self._rows: list[QTreeWidgetItem] = []  # in the summarizer's order (PartDone.index)
        self._round: list[QTreeWidgetItem] = []
        self._done: set[int] = set()
        self._stage = ""

    @property
    def count(self) -> int:
        return len(self._rows)

    @property
    def done(self) -> int:
        return len(self._done)

    def clear_parts(self) -> None:
        self.clear()
        self._rows = []
        self._round = []
        self._done = set()
        self._stage = ""
        self.changed.emit()

    def on_progress(self, p: Progress) -> None:
        if p.stage not in ("map", "reduce"):
            self._stage = p.stage
            return
        if p.i == 1 or p.stage != self._stage:
            self._add_round(p.stage, p.n)
        self._stage = p.stage
        if p.i <= len(self._round):
            row = self._round[p.i - 1]
            row.setText(2, self.tr("reading…") if p.stage == "map" else self.tr("combining…"))
            self.scrollToItem(row)

    def on_part_done(self, e: PartDone) -> None:
        if not 0 <= e.index < len(self._rows):
            return
        self._done.add(e.index)
        row = self._rows[e.index]
        row.setText(2, e.summary or self.tr("(empty)"))
        row.setForeground(2, self.palette().color(QPalette.ColorRole.Text))
        self._relayout()
        self.changed.emit()

    def fill(self, result: SummaryResult) -> None:
        muted = self._muted()
        for part, row in zip(result.parts, self._rows, strict=False):
            row.setText(1, f"{part.tokens:,}")
            if not part.done:
                row.setText(2, part.summary or self.tr("not finished"))
                row.setForeground(2, muted)
            if row.childCount() == 0:
                source = QTreeWidgetItem(["", "", part.text])
                source.setForeground(2, muted)
                row.addChild(source)
                row.setToolTip(0, self.tr("Expand to see the text of this part"))
        self._relayout()
        self.changed.emit()

    def _add_round(self, stage: str, n: int) -> None:
        number = self.topLevelItemCount()
        if stage == "map":
            title = self.tr("Reading the text in {0} parts").format(n)
        else:
            title = self.tr("Combining, round {0}: {1} groups").format(number, n)
        branch = QTreeWidgetItem([title])
        font = branch.font(0)
        font.setBold(True)
        branch.setFont(0, font)
        self.addTopLevelItem(branch)
        branch.setFirstColumnSpanned(True)
        muted = self._muted()
        self._round = []
        for i in range(1, n + 1):
            name = (
                self.tr("Part {0}").format(i) if stage == "map" else self.tr("Group {0}").format(i)
            )
            row = QTreeWidgetItem([name, "", self.tr("waiting")])
            row.setForeground(2, muted)
            row.setTextAlignment(0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            branch.addChild(row)
            self._round.append(row)
            self._rows.append(row)
        branch.setExpanded(True)
        self.changed.emit()

    def _relayout(self, *_args: object) -> None:
        self.scheduleDelayedItemsLayout()

    def _muted(self) -> QColor:
        return self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
