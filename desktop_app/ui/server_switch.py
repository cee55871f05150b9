"""The GUI's switch for the local OpenAI-compatible server: `hearth serve` as a child process.

A child process rather than a server inside the window: the server keeps answering while the
window is busy or rebuilt for a new language, a crash in it cannot take the window down, and it
is exactly the tested `hearth serve`. The cost is a second copy of the model in memory while
it runs, which the menu says.
"""

from __future__ import annotations

import re
import sys

from PySide6.QtCore import QObject, QProcess, Signal

from desktop_app.core.settings_bridge import to_server_args
from desktop_app.core.storage.settings import Settings

_SERVING = re.compile(r"Serving .* at (http://\S+)")
_WARMING = "Warming up the model"
# `hearth serve`'s own lines as models come and go (server/model_pool.py, app.py)
_MODEL_LINE = re.compile(r"^(?:(Serving) (\S+) at |(Loaded) (\S+) \(|(Unloaded) (\S+) \()")


def serve_command(model: str, settings: Settings, port: int = 0) -> list[str]:
    """The server's command line: the same load options as the window uses."""
    cmd = [sys.executable, "-m", "desktop_app", "serve", model, "--port", str(port)]
    return cmd + to_server_args(settings)


class ServerSwitch(QObject):
    """Start and stop the server; `started(url)` once it is warmed up and answers,
    `warming()` when the model is loaded and its warm-up runs, `stopped(message)` at the end,
    `models_changed(ids)` when a request loads another model or an idle one is unloaded."""

    started = Signal(str)
    warming = Signal()
    stopped = Signal(str)
    models_changed = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        self._output = ""
        self._warming = False
        self._partial = ""  # a line not yet ended
        self.url: str | None = None
        self.loaded: list[str] = []  # the models the server has in memory now

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, command: list[str]) -> None:
        if self._process is not None:
            return
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._failed)
        self._process = process
        self._output = ""
        self._partial = ""
        self._warming = False
        self.url = None
        self.loaded = []
        process.start(command[0], command[1:])

    def stop(self) -> None:
        """SIGTERM: the server closes its engine and exits; killed if it has not in 5 s."""
        process = self._process
        if process is None:
            return
        process.terminate()
        if not process.waitForFinished(5000):
            process.kill()
            process.waitForFinished(2000)

    def _read(self) -> None:
        if self._process is None:
            return
        new = bytes(self._process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self._output = (self._output + new)[-20000:]
        self._follow_models(new)
        if self.url is None and not self._warming and _WARMING in self._output:
            self._warming = True
            self.warming.emit()
        if self.url is None and (found := _SERVING.search(self._output)):
            self.url = found.group(1)
            self.started.emit(self.url)

    def _follow_models(self, new: str) -> None:
        *lines, self._partial = (self._partial + new).split("\n")
        loaded = list(self.loaded)
        for line in lines:
            found = _MODEL_LINE.match(line.strip())
            if found is None:
                continue
            kind = found.group(1) or found.group(3) or found.group(5)
            model = found.group(2) or found.group(4) or found.group(6)
            if kind == "Unloaded":
                loaded = [m for m in loaded if m != model]
            elif model not in loaded:
                loaded.append(model)
        if loaded != self.loaded:
            self.loaded = loaded
            self.models_changed.emit(list(loaded))

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self._read()
        self._process = None
        was = self.url
        self.url = None
        if self.loaded:
            self.loaded = []
            self.models_changed.emit([])
        last = [line for line in self._output.splitlines() if line.strip()][-1:]
        if was is not None and code in (0, 130, 143, -15):
            self.stopped.emit("")
        else:
            self.stopped.emit(last[0] if last else f"exit code {code}")

    def _failed(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._process = None
            self.stopped.emit("the server could not be started")
