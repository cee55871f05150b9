"""Hearth: run language models locally (chat, summarize, sentiment) on the CPU or the GPU."""

__version__ = "0.1.0"
APP_NAME = "Hearth"
