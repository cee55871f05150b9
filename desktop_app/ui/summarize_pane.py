"""Where the Summarize pane used to live; it is now desktop_app/ui/summarize/pane.py."""

from desktop_app.ui.summarize.files import FILE_SUFFIXES
from desktop_app.ui.summarize.pane import SummarizePane

__all__ = ["FILE_SUFFIXES", "SummarizePane"]
