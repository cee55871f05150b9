"""One name: `hearth` opens the window or runs a command, `desktop-app` still works and warns,
and a pip install can put Hearth in a Linux desktop's application menu."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import APP_ID, APP_NAME, USER_AGENT, __version__
from desktop_app.core.models import net
from desktop_app.server import http11

BIN = Path(sys.executable).parent


def _script(
    name: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / name), *args],
        capture_output=True, text=True, timeout=timeout, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_hearth_with_no_arguments_opens_the_window() -> None:
    done = _script(APP_ID, env={"HEARTH_QUIT_AFTER_SHOW": "1", "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert any(line.startswith("READY ") for line in done.stdout.splitlines()), done.stdout


def test_the_gui_script_opens_the_window_too() -> None:
    done = _script(
        f"{APP_ID}-gui", env={"HEARTH_QUIT_AFTER_SHOW": "1", "QT_QPA_PLATFORM": "offscreen"}
    )
    assert done.returncode == 0, done.stderr
    assert "READY " in done.stdout


def test_the_old_command_still_works_and_says_it_is_deprecated() -> None:
    done = _script("desktop-app", "--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"{APP_NAME} {__version__}"
    assert "now called 'hearth'" in done.stderr and "removed in the next release" in done.stderr
    done = _script("desktop-app", "models", "catalog")
    assert done.returncode == 0 and "smollm2-135m-instruct" in done.stdout


def test_hearth_names_itself_everywhere() -> None:
    done = _script(APP_ID, "--help")
    assert done.stdout.startswith(f"usage: {APP_ID} ")
    assert "desktop-app" not in done.stdout
    assert net.USER_AGENT == USER_AGENT == f"Hearth/{__version__}"
    assert http11.SERVER_NAME == APP_NAME


@pytest.mark.skipif(sys.platform != "linux", reason="desktop entries are for Linux desktops")
def test_desktop_entry_installs_and_uninstalls(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "share")}
    done = _script(APP_ID, "--install-desktop-entry", env=env)
    assert done.returncode == 0, done.stderr
    desktop = tmp_path / "share" / "applications" / "hearth.desktop"
    icon = tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "hearth.svg"
    assert icon.read_bytes().startswith(b"<")  # the SVG from resources/
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(desktop, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Name"] == "Hearth" and section["Icon"] == "hearth"
    assert section["Exec"] == f"{BIN / APP_ID} %F"  # this install's own command, absolute
    assert section["TryExec"] == str(BIN / APP_ID)
    assert section["Comment[zh_CN]"]
    # what the entry runs opens the window (the %F list is empty from a menu)
    exec_line = section["Exec"].replace(" %F", "")
    shown = subprocess.run(
        [exec_line], capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HEARTH_QUIT_AFTER_SHOW": "1", "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert "READY " in shown.stdout, shown.stderr

    done = _script(APP_ID, "--uninstall-desktop-entry", env=env)
    assert done.returncode == 0 and not desktop.exists() and not icon.exists()
    done = _script(APP_ID, "--uninstall-desktop-entry", env=env)
    assert done.returncode == 0 and "no menu entry" in done.stdout


def test_an_exec_path_with_spaces_is_quoted(tmp_path: Path) -> None:
    from desktop_app.desktop_entry import render_entry

    text = render_entry(["/opt/my apps/hearth"])
    assert 'Exec="/opt/my apps/hearth" %F' in text
    assert "TryExec=/opt/my apps/hearth" in text


def test_a_gguf_file_given_to_the_command_opens_the_window_with_it(tmp_path: Path) -> None:
    """A file manager's "Open with Hearth" passes the file: not an unknown-command error."""
    from desktop_app.cli import _files_open_the_window

    assert _files_open_the_window(["/x/model.GGUF"]) == ["gui", "/x/model.GGUF"]
    assert _files_open_the_window(["run", "a.gguf", "hi"]) == ["run", "a.gguf", "hi"]
