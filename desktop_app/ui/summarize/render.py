"""How the Summarize pane shows its controller's state: the text's facts, the run, the result.

Everything here reads `self.controller` and writes widgets; nothing here changes the state. So a
new pane over a controller that already holds a document and a summary shows them by calling the
same methods the live events call (see `SummarizePane.attach`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal

from desktop_app.core.controllers.summarize import RunEnded, SummarizeRun
from desktop_app.core.engine.events import ModelInfo
from desktop_app.core.errors import AppError
from desktop_app.core.tasks.summarize import (
    Advanced,
    PartDone,
    Plan,
    Progress,
    Retrying,
    SummaryResult,
    answer_tokens,
)
from desktop_app.ui.core_text import shown
from desktop_app.ui.durations import duration
from desktop_app.ui.summarize.layout import SummarizeLayout

ONE_PASS_OVERHEAD = 160  # about what the prompt around the text takes (template, task)


class SummarizeRender(SummarizeLayout):
    """The pane's rendering half; pane.py adds the actions and the wiring."""

    summary_finished = Signal(object)  # SummaryResult, once shown (cancelled ones too)
    summary_failed = Signal(str)  # the error message, once shown

    controller: SummarizeRun
    _summary: str

    def _figures(self) -> str:
        """The status bar's line for this pane: the last summary's parts and time."""
        result = self.controller.result
        if result is None or self.controller.running:
            return ""
        if result.levels == 0:
            return self.tr("Summary in {0:.1f} s").format(self.controller.seconds)
        return self.tr("Summary of {0} parts in {1:.1f} s").format(
            len(result.parts), self.controller.seconds
        )

    def _model(self) -> ModelInfo | None:
        raise NotImplementedError

    def _sync(self) -> None:
        raise NotImplementedError

    # ---- the text ------------------------------------------------------------------------

    def _show_source_error(self, message: str) -> None:
        self.source_error.setText(message)
        self.source_error.setVisible(bool(message))

    def _show_source_info(self) -> None:
        c = self.controller
        bits: list[str] = []
        doc = c.document
        if doc is not None and c.path is not None:
            self.source_title.setText(c.path.name)
            self.source_title.setToolTip(str(c.path))
            kind = {
                "text": self.tr("plain text"),
                "markdown": self.tr("Markdown"),
                "html": self.tr("web page"),
                "pdf": self.tr("PDF"),
                "docx": self.tr("Word document"),
            }.get(doc.kind, doc.kind)
            bits.append(kind)
            if doc.pages is not None:
                bits.append(self.tr("{0} pages").format(doc.pages))
            if doc.encoding == "UTF-8":
                bits.append(doc.encoding)
            elif doc.encoding:
                bits.append(self.tr("decoded as {0}").format(doc.encoding))
            if c.edited:
                bits.append(self.tr("edited"))
        else:
            self.source_title.setText(self.tr("Text to summarize"))
            self.source_title.setToolTip("")
        chars = self.input.document().characterCount() - 1
        if chars > 0:
            bits.append(self.tr("{0} characters").format(f"{chars:,}"))
        info = self._model()
        if c.tokens is not None:
            bits.append(self.tr("{0} tokens").format(f"{c.tokens:,}"))
            if info is not None:
                room = info.n_ctx - answer_tokens(self.options(), info.n_ctx) - ONE_PASS_OVERHEAD
                if c.tokens > room:
                    bits.append(
                        self.tr(
                            "too long for one request in the model's {0}-token context: "
                            "it will be read in parts"
                        ).format(f"{info.n_ctx:,}")
                    )
        self.source_info.setText(" · ".join(bits))
        self.source_info.setVisible(bool(bits))

    # ---- the run -------------------------------------------------------------------------

    def _on_progress(self, p: Progress) -> None:
        self.parts.on_progress(p)
        if p.stage in ("map", "reduce"):
            if self.parts.count > 1 and not self.parts_toggle.isChecked():
                self.parts_toggle.setChecked(True)
        else:
            self.output.clear()  # the final pass (or its second try) starts
        self._show_step()

    def _show_step(self) -> None:
        """The stage line and the bar, from the controller: where the run is, the time left.

        Called on each of the run's events and once a second between them (the time left
        counts down in the controller).
        """
        c = self.controller
        step = c.step
        if not c.running or step is None:
            return
        if step.stage == "map":
            what = self.tr("Reading the parts: part {0} of {1}").format(step.i, step.n)
        elif step.stage == "reduce":
            what = self.tr("Combining the partial summaries: {0} of {1}").format(step.i, step.n)
        elif c.retrying:
            what = self.tr("Writing the summary again")
        else:
            what = self.tr("Writing the summary")
        if isinstance(step, Advanced) and step.prompt and step.read < step.prompt:
            what = self.tr("{0} · read {1} of {2} tokens").format(
                what, f"{step.read:,}", f"{step.prompt:,}"
            )
        left = c.time_left()
        if left is not None and left >= 1:
            what = self.tr("{0} · about {1} left").format(what, duration(left))
        elif left is not None:
            what = self.tr("{0} · almost done").format(what)
        self._set_stage(what)
        fraction = c.fraction()
        if fraction is None:
            self.progress.setRange(0, 0)  # nothing measured yet: busy, not empty
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))
        self.progress.setToolTip(
            self.tr(
                "The server does not say how far it has read a prompt: the bar moves as parts "
                "are done."
            )
            if c.prompt_reported is False
            else ""
        )

    def _show_plan(self, plan: Plan) -> None:
        """Before the work: one pass or parts and why, the cost, what would be cheaper."""
        lines = [shown(plan.reason), shown(plan.cost), *(shown(h) for h in plan.cheaper)]
        self._set_notes("\n".join(lines), "info")

    def _on_part_done(self, e: PartDone) -> None:
        self.parts.on_part_done(e)

    def _on_retrying(self, event: Retrying) -> None:
        """The final answer is asked again: its first text goes, the reason is shown."""
        self.output.clear()
        self._set_notes(shown(event.reason), "warning")

    def _on_run_ended(self, event: RunEnded) -> None:
        if event.result is not None:
            self.status_message.emit(self._show_result(event.result, event.seconds))
            self.figures_changed.emit(self._figures())
            self._sync()
            self._show_source_info()
            self.summary_finished.emit(event.result)
        else:
            assert event.error is not None
            message = self._show_failure(event.error)
            self.status_message.emit(self.tr("The summary failed: {0}").format(message))
            self._sync()
            self.summary_failed.emit(message)

    def _show_result(self, result: SummaryResult, seconds: float) -> str:
        """Show a finished (or cancelled) run; returns the stage line it wrote."""
        self.parts.fill(result)
        self._summary = self._markdown_of(result)
        if self._summary:
            self.output.show_markdown(self._summary)
        else:
            self.output.clear()
        first = sum(1 for p in result.parts if p.level == 1)
        done = sum(1 for p in result.parts if p.done)
        if result.cancelled:
            if result.summary:
                what = self.tr("Stopped while writing the summary: it is incomplete.")
            elif result.parts:
                what = self.tr("Stopped: {0} of {1} parts were summarized.").format(
                    done, len(result.parts)
                )
            else:
                what = self.tr("Stopped before anything was summarized.")
        elif result.levels > 1:
            what = self.tr("Done in {0}: {1} parts, combined in {2} rounds.").format(
                duration(seconds), first, result.levels
            )
        elif result.levels:
            what = self.tr("Done in {0}: {1} parts.").format(duration(seconds), first)
        else:
            what = self.tr("Done in {0}, in one pass.").format(duration(seconds))
        self._set_stage(what)
        warnings = list(dict.fromkeys(shown(w) for w in result.warnings))
        self._set_notes("\n".join(warnings), "warning")
        self.progress.setVisible(False)
        self._set_parts_title()
        return what

    def _show_failure(self, error: BaseException) -> str:
        """Show a failed run (what streamed before it stays); returns the message."""
        message = str(error) if isinstance(error, AppError) else self._unexpected(error)
        self.progress.setVisible(False)
        partial = self.controller.streamed.strip()
        if partial:
            self._summary = partial
            self.output.show_markdown(partial)
        self._set_stage(self.tr("The summary failed."))
        self._set_notes(message, "error")
        return message

    def _markdown_of(self, result: SummaryResult) -> str:
        """What is shown, copied and saved: the summary, or after a cancel what was finished."""
        if result.summary:
            return result.summary
        done = [p for p in result.parts if p.done and p.summary]
        if not done:
            return ""
        note = self.tr(
            "*Stopped before the final summary. The summaries of {0} of {1} parts follow.*"
        ).format(len(done), len(result.parts))
        blocks = [note]
        for i, part in enumerate(result.parts, 1):
            if part.done and part.summary:
                blocks.append("**" + self.tr("Part {0}").format(i) + "**\n\n" + part.summary)
        return "\n\n".join(blocks)

    # ---- small pieces --------------------------------------------------------------------

    def _clear_result(self) -> None:
        """No summary on screen: before a controller's state is shown, or for a new document."""
        self._summary = ""
        self.output.clear()
        self.parts.clear_parts()
        self._set_stage("")
        self._set_notes("", "")
        self._set_parts_title()
        self.figures_changed.emit("")

    def _set_stage(self, text: str) -> None:
        self.stage_label.setText(text)
        self.stage_label.setToolTip(text)

    def _set_notes(self, text: str, kind: str) -> None:
        color = {"error": "#c0392b", "info": ""}.get(kind, "#b06000")
        self.notes.setStyleSheet(f"color: {color};" if color else "")
        self.notes.setText(text)
        self.notes.setVisible(bool(text))

    def _set_parts_title(self) -> None:
        n = self.parts.count
        done = self.parts.done
        if n:
            title = self.tr("Parts: {0} of {1} summarized").format(done, n)
        elif self.controller.result is not None:
            title = self.tr("Parts: the text was read in one pass")
        else:
            title = self.tr("Parts")
        self.parts_toggle.setText(title)

    def _show_parts(self, shown: bool) -> None:
        self.parts.setVisible(shown)
        self.parts_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if shown:
            self.parts_box.setMaximumHeight(16_777_215)
            total = sum(self.right_split.sizes()) or 600
            self.right_split.setSizes([total * 11 // 20, total * 9 // 20])
        else:
            self.parts_box.setMaximumHeight(self.parts_toggle.sizeHint().height())

    def _unexpected(self, error: object) -> str:
        return self.tr("Unexpected error: {0}").format(
            f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error
        )
