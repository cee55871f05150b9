"""Hearth: run language models locally (chat, summarize, sentiment) on the CPU or the GPU.

The app's one identity lives here. `APP_NAME` is what a person reads (window, User-Agent,
server header); `APP_ID`, derived from it, is what a machine reads: the command, the data
folders, the log file and the `HEARTH_*` environment variables. `DIST_NAME` is the name on the
package index (`hearth` itself is taken there by an unrelated project).
"""

__version__ = "0.1.0"
APP_NAME = "Hearth"
APP_ID = APP_NAME.lower()
DIST_NAME = "hearth-desktop"
USER_AGENT = f"{APP_NAME}/{__version__}"
