"""The summary as claims a person can check: click one and the source shows where it came from.

The claims list replaces the rendered summary once a run is done: each claim with an icon and
a colour saying whether the text supports it (a tooltip says why not). Clicking one scrolls
the source box to its span(s) and highlights them. Beside the source, a strip shows the parts
of the text the summary covers and those it leaves out; clicking a part shows it. Offsets are
Python characters into the text summarized (the controller's run_text); Qt counts UTF-16 units
and the box may hold the text before normalisation, so they are mapped (`_to_box`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QIcon,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextEdit,
    QWidget,
)

from desktop_app.core.tasks.summarize import SummaryResult
from desktop_app.core.tasks.summary_claims import Claim
from desktop_app.core.tasks.summary_coverage import Section
from desktop_app.ui.core_text import shown
from desktop_app.ui.summarize.render import SummarizeRender

LIGHT = {"ok": "#2e7d32", "bad": "#b3261e", "mark": "#ffe08a", "covered": "#43a047",
         "uncovered": "#b0b0b0", "part": "#e8f0fe"}  # fmt: skip
DARK = {"ok": "#81c784", "bad": "#ff8a80", "mark": "#7a5b00", "covered": "#2e7d32",
        "uncovered": "#4a4a4a", "part": "#1f2f46"}  # fmt: skip


def colours() -> dict[str, str]:
    app = QApplication.instance()
    return DARK if app is not None and app.property("hearth_dark") else LIGHT


def _icon(colour: str, mark: str) -> QIcon:
    """A round badge with a sign: drawn, so it reads the same in every style and theme."""
    pix = QPixmap(32, 32)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(2, 2, 28, 28)
    p.setPen(QColor("white"))
    font = p.font()
    font.setBold(True)
    font.setPixelSize(20)
    p.setFont(font)
    p.drawText(QRect(0, 0, 32, 32), Qt.AlignmentFlag.AlignCenter, mark)
    p.end()
    icon = QIcon(pix)
    icon.addPixmap(pix, QIcon.Mode.Selected)  # not tinted by the selection: still readable
    return icon


class ClaimsView(QListWidget):
    """One row per claim; `claim_chosen(index)` when the user picks one (click or keys)."""

    claim_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setIconSize(QSize(16, 16))
        self.setSpacing(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(self.tr("Claims of the summary and their sources"))
        self.currentRowChanged.connect(self._row_changed)
        self.itemClicked.connect(lambda item: self.claim_chosen.emit(self.row(item)))

    def _row_changed(self, row: int) -> None:
        if row >= 0:
            self.claim_chosen.emit(row)

    def show_claims(self, claims: Sequence[Claim]) -> None:
        self.clear()
        c = colours()
        ok, bad = _icon(c["ok"], "✓"), _icon(c["bad"], "!")
        for claim in claims:
            item = QListWidgetItem(ok if claim.supported else bad, claim.text)
            if claim.supported:
                item.setToolTip(self.tr("Click to see its source in the text."))
            else:
                item.setForeground(QBrush(QColor(c["bad"])))
                why = shown(claim.reason) if claim.reason else ""
                item.setToolTip(self.tr("Not supported by the text: {0}").format(why))
            self.addItem(item)
        self.setCurrentRow(-1)  # nothing chosen yet: the first pick always shows its source


class CoverageStrip(QWidget):
    """The text's parts, top to bottom in proportion to their length: covered or not."""

    section_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(12)
        self.setMouseTracking(True)
        self.setAccessibleName(self.tr("Coverage of the text by the summary"))
        self.sections: list[Section] = []
        self.length = 0

    def set_sections(self, sections: Sequence[Section], length: int) -> None:
        self.sections, self.length = list(sections), length
        self.setVisible(bool(self.sections))
        self.update()

    def _rect(self, s: Section) -> QRect:
        h = self.height()
        top = round(h * s.start / max(1, self.length))
        bottom = max(top + 2, round(h * s.end / max(1, self.length)))
        return QRect(0, top, self.width(), bottom - top)

    def section_at(self, point: QPoint) -> int:
        for k, s in enumerate(self.sections):
            r = self._rect(s)
            if r.top() <= point.y() <= r.bottom() + 1:
                return k
        return -1

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        c = colours()
        p.fillRect(self.rect(), QColor(c["uncovered"]).lighter(110))
        for s in self.sections:
            colour = QColor(c["covered"] if s.covered else c["uncovered"])
            p.fillRect(self._rect(s).adjusted(1, 0, -1, -1), colour)
        p.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        k = self.section_at(event.position().toPoint())
        if k < 0:
            self.setToolTip("")
        elif self.sections[k].covered:
            self.setToolTip(self.tr("Part {0}: covered by the summary").format(k + 1))
        else:
            self.setToolTip(self.tr("Part {0}: not covered by the summary").format(k + 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        k = self.section_at(event.position().toPoint())
        if k >= 0:
            self.section_chosen.emit(k)


class SummarizeClaims(SummarizeRender):
    """The claims list, the coverage strip and the highlighting of sources in the text box."""

    claims_view: ClaimsView
    coverage_strip: CoverageStrip

    def _build_claims(self) -> None:
        self.claims_view = ClaimsView()
        self.claims_view.setMinimumHeight(90)  # three claims or so, beside an open parts tree
        self.claims_view.setVisible(False)
        self.claims_view.claim_chosen.connect(self.show_claim)
        self.coverage_strip = CoverageStrip()
        self.coverage_strip.setVisible(False)
        self.coverage_strip.section_chosen.connect(self.show_section)
        self.coverage_label = QLabel()
        self.coverage_label.setWordWrap(True)
        self.coverage_label.setAccessibleName(self.tr("Coverage"))
        self.coverage_label.setVisible(False)

    def _show_result(self, result: SummaryResult, seconds: float) -> str:
        what = super()._show_result(result, seconds)
        self._show_claims(result)
        return what

    def _show_claims(self, result: SummaryResult) -> None:
        claims = result.claims if result.summary and not result.cancelled else []
        self.claims_view.show_claims(claims)
        self.claims_view.setVisible(bool(claims))
        self.output.setVisible(not claims)
        if not claims:
            self.coverage_strip.set_sections([], 0)
            self.coverage_label.setVisible(False)
            return
        if self.parts_toggle.isChecked():  # the claims are the result: more room than the parts
            total = sum(self.right_split.sizes())
            self.right_split.setSizes([total * 2 // 3, total - total * 2 // 3])
        self.coverage_strip.set_sections(result.sections, len(self.controller.run_text))
        bad = sum(1 for c in claims if not c.supported)
        covered = sum(1 for s in result.sections if s.covered)
        line = self.tr("{0} claims, {1} not supported by the text.").format(len(claims), bad)
        line += " " + self.tr("Coverage: {0}% of the text ({1} of {2} parts).").format(
            round(100 * result.coverage), covered, len(result.sections)
        )
        self.coverage_label.setText(line)
        self.coverage_label.setToolTip(
            self.tr(
                "A part is covered when a supported claim has its source in it; the share "
                "counts characters. Click a claim to see its source."
            )
        )
        self.coverage_label.setVisible(True)

    def _clear_result(self) -> None:
        super()._clear_result()
        if hasattr(self, "claims_view"):  # not yet built while the base class sets up
            self._hide_claims()

    def _hide_claims(self) -> None:
        """Back to the summary view (a new run streams into it)."""
        self.claims_view.clear()
        self.claims_view.setVisible(False)
        self.output.setVisible(True)
        self.coverage_strip.set_sections([], 0)
        self.coverage_label.setVisible(False)
        self.input.setExtraSelections([])

    # ---- showing a source ------------------------------------------------------------------

    def show_claim(self, index: int) -> None:
        """Scroll the text box to claim `index`'s sources and highlight them."""
        result = self.controller.result
        if result is None or not 0 <= index < len(result.claims):
            return
        spans = [(s.start, s.end) for s in result.claims[index].sources]
        self._mark(spans, colours()["mark"])

    def show_section(self, index: int) -> None:
        result = self.controller.result
        if result is None or not 0 <= index < len(result.sections):
            return
        s = result.sections[index]
        self._mark([(s.start, s.end)], colours()["part"])

    def highlighted(self) -> list[tuple[int, int]]:
        """The highlighted ranges, in the box's (Qt) positions: for tests and accessibility."""
        return [
            (sel.cursor.selectionStart(), sel.cursor.selectionEnd())
            for sel in self.input.extraSelections()
        ]

    def _mark(self, spans: Sequence[tuple[int, int]], colour: str) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour))
        selections = []
        for start, end in spans:
            a, b = self._to_box(start, end)
            cursor = QTextCursor(self.input.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            sel = QTextEdit.ExtraSelection()
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        self.input.setExtraSelections(selections)
        if selections:
            at = QTextCursor(self.input.document())
            at.setPosition(selections[0].cursor.selectionStart())
            self.input.setTextCursor(at)
            self.input.centerCursor()

    def _to_box(self, start: int, end: int) -> tuple[int, int]:
        """Offsets into the text summarized, as positions in the box (UTF-16, its own text)."""
        source = self.controller.run_text
        box = self.input.toPlainText()
        if box != source:  # normalised before the run (newlines, trailing spaces): find it
            snippet = source[start:end]
            found = box.find(snippet, max(0, start - 64))
            found = found if found >= 0 else box.find(snippet)
            if found >= 0:
                start, end = found, found + len(snippet)
            start, end = min(start, len(box)), min(end, len(box))
        return _utf16(box, start), _utf16(box, end)


def _utf16(text: str, index: int) -> int:
    """A Python index as a Qt position: characters beyond the BMP count twice."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)
