"""The Models controller's runner in the GUI: each task on a `Background`, owned by the app.

The controller (core/controllers/models.py) is Qt-free and takes a `Runner`; this one makes its
events and its end arrive on the GUI thread. The `Background` belongs to the application, not to
a pane, so work in flight (a download's events, an import, a Hub search) goes on reporting to the
controller when the window is rebuilt around it (language, theme).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from desktop_app.core.controllers.runner import Task
from desktop_app.ui.background import Background

__all__ = ["gui_runner"]


def gui_runner(
    name: str,
    task: Task,
    on_event: Callable[[object], None],
    on_end: Callable[[object, BaseException | None], None],
) -> Callable[[], None]:
    """Run `task` off the GUI thread; `on_event` and `on_end` are called on it."""
    job = Background(parent=QCoreApplication.instance())

    def ended(value: object, error: object) -> None:
        job.deleteLater()
        on_end(value, error if isinstance(error, BaseException) else None)

    job.event_arrived.connect(on_event)
    job.finished.connect(lambda value: ended(value, None))
    job.failed.connect(lambda error: ended(None, error))
    job.start(task, name=name)
    return job.cancel
