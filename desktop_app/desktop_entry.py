"""`hearth --install-desktop-entry`: Hearth in the application menu after a pip install (Linux).

A pip install puts a `hearth` command on the PATH but tells no desktop about it. This writes the
same .desktop file and icon the Linux bundle's install.sh uses (both from resources/, so the two
never drift apart) under the user's XDG data folder, with Exec pointing at this install's own
command, and removes them again. No root needed; models, settings and chats are not touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from desktop_app import APP_ID
from desktop_app.core.app_resources import resource_path

DESKTOP_FILE = f"{APP_ID}.desktop"
ICON_FILE = f"{APP_ID}.svg"


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (the XDG base directory default)."""
    value = os.environ.get("XDG_DATA_HOME", "").strip()
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"


def entry_paths(home: Path | None = None) -> tuple[Path, Path]:
    """Where the .desktop file and the icon go."""
    root = home or data_home()
    return (
        root / "applications" / DESKTOP_FILE,
        root / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE,
    )


def this_command() -> list[str]:
    """The command line that starts this install, with an absolute program path."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    beside = Path(sys.executable).with_name(APP_ID)  # a venv's or the user's bin/ folder
    if beside.is_file():
        return [str(beside)]
    found = shutil.which(APP_ID)
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "desktop_app"]


def _quote(arg: str) -> str:
    """An Exec argument, quoted as the Desktop Entry spec asks when it holds reserved characters."""
    if not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    for c in ("\\", '"', "`", "$"):
        arg = arg.replace(c, "\\" + c)
    return f'"{arg}"'


def render_entry(command: list[str]) -> str:
    """The shipped .desktop file with Exec (and TryExec) set to `command`."""
    lines = []
    for line in resource_path("linux", DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            lines.append(f"TryExec={command[0]}")
            line = "Exec=" + " ".join(_quote(a) for a in command) + " %F"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(home: Path | None = None) -> list[Path]:
    """Write the entry and the icon; returns what was written."""
    _require_xdg()
    desktop, icon = entry_paths(home)
    desktop.parent.mkdir(parents=True, exist_ok=True)
    icon.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resource_path("icons", ICON_FILE), icon)
    tmp = desktop.with_name(f".{desktop.name}.tmp")
    tmp.write_text(render_entry(this_command()), encoding="utf-8")
    os.replace(tmp, desktop)
    _refresh(desktop.parent)
    return [desktop, icon]


def uninstall(home: Path | None = None) -> list[Path]:
    """Remove the entry and the icon; returns what was removed."""
    _require_xdg()
    removed = []
    for path in entry_paths(home):
        if path.is_file():
            path.unlink()
            removed.append(path)
    _refresh(entry_paths(home)[0].parent)
    return removed


def _require_xdg() -> None:
    if sys.platform in ("win32", "darwin"):
        raise OSError(
            "Desktop entries are for Linux desktops; on this system use the installer, which "
            "adds Hearth to the Start menu or Applications."
        )


def _refresh(folder: Path) -> None:
    """Tell the desktop's menu cache, where the tool exists; menus also notice on their own."""
    tool = shutil.which("update-desktop-database")
    if tool and folder.is_dir():
        subprocess.run([tool, str(folder)], capture_output=True, check=False, timeout=30)
