"""The Summarize pane's file and settings actions: open and save dialogs, remembered options.

Kept apart from the pane's wiring (pane.py); the saving itself is the controller's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop_app.core.storage.settings import SettingsError
from desktop_app.ui.summarize.claims import SummarizeClaims

FILE_SUFFIXES = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.pdf", "*.docx")


class SummarizeFiles(SummarizeClaims):
    """Dialogs, clipboard and settings; pane.py adds the rest."""

    _last_dir: str
    _save_timer: QTimer

    # ---- options -------------------------------------------------------------------------

    def _options_changed(self) -> None:
        self._save_timer.start()

    def save_options(self) -> None:
        """Remember the options for next time (a settings file from a newer release is left alone)."""
        self._save_timer.stop()
        o = self.controller.options = self.options()
        try:
            self.settings.set("summarize.style", o.style)
            self.settings.set("summarize.target_words", o.target_words)
            self.settings.set("summarize.language", o.language)
            self.settings.set("summarize.instruction", o.instruction)
            if not self.settings.read_only:
                self.settings.save()
        except SettingsError as exc:
            self.status_message.emit(str(exc))

    # ---- the text ------------------------------------------------------------------------

    def open_dialog(self) -> None:
        filters = ";;".join(
            (
                self.tr("Documents ({0})").format(" ".join(FILE_SUFFIXES)),
                self.tr("All files (*)"),
            )
        )
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a document to summarize"), self._last_dir, filters
        )
        if path:
            self.open_file(path)

    # ---- copy, save ----------------------------------------------------------------------

    def summary_text(self) -> str:
        return self._summary

    def export_text(self) -> str:
        """What Save writes: the summary, then its claims with their quoted sources."""
        if self.controller.result is None or not self.controller.result.claims:
            return self._summary
        return self.controller.export_text(
            heading=self.tr("Sources"),
            unsupported=self.tr("not supported by its source"),
            coverage=self.tr("Coverage: {percent}% of the text"),
        )

    def copy_summary(self) -> None:
        if not self._summary:
            return
        QApplication.clipboard().setText(self._summary)
        self.status_message.emit(self.tr("Summary copied"))

    def save_summary(self, path: str | None = None) -> Path | None:
        if not self._summary:
            return None
        if path is None:
            where = self.controller.path
            stem = where.stem if where else self.tr("summary")
            suggested = str(Path(self._last_dir) / self.tr("{0} - summary.md").format(stem))
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the summary"), suggested, self.tr("Markdown (*.md)")
            )
            if not path:
                return None
        try:
            target = self.controller.save(path, self.export_text())
        except OSError as exc:
            name = Path(path).name if Path(path).suffix else Path(path).with_suffix(".md").name
            message = self.tr("Could not save {0}: {1}").format(name, exc.strerror or exc)
            self._set_notes(message, "error")
            self.status_message.emit(message)
            return None
        self._last_dir = str(target.parent)
        self.status_message.emit(self.tr("Saved to {0}").format(target.name))
        return target
