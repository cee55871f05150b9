"""What the models controller tells its views: one frozen value per change.

Kept apart from the controller so that a view can import the events without the flow, and so
that each stays a short module. Texts for people are the view's to write: events carry facts
(a listing, a report, a download's status, a Hub answer, an error's message).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from desktop_app.core.engine.hardware import HardwareReport
from desktop_app.core.models.downloads import DownloadEvent
from desktop_app.core.models.hub import HubConfig, RepoFiles, RepoSummary
from desktop_app.core.models.library import ImportMode, Listing, LocalModel

__all__ = [
    "Change",
    "ConfigChanged",
    "DownloadChanged",
    "Event",
    "HubCancelled",
    "HubEvent",
    "HubFailed",
    "HubKind",
    "HubOpened",
    "HubSearched",
    "HubStarted",
    "ImportEnded",
    "ImportProgress",
    "ImportStarted",
    "LibraryChanged",
    "Listed",
    "ReportReady",
]


Change = Literal["default", "deleted", "folders", "imported", "downloaded"]
HubKind = Literal["search", "open"]


@dataclass(frozen=True)
class Listed:
    """A library listing arrived (the newest asked for)."""

    listing: Listing
    default_key: str | None


@dataclass(frozen=True)
class LibraryChanged:
    """Files or the default changed (an import, a delete, a folder, a finished download): the
    model bar lists the models again. A new listing follows."""

    what: Change


@dataclass(frozen=True)
class ReportReady:
    """The machine's memory and GPUs, for the fit indicators."""

    report: HardwareReport


@dataclass(frozen=True)
class ImportStarted:
    path: Path
    mode: ImportMode


@dataclass(frozen=True)
class ImportProgress:
    done: int
    total: int


@dataclass(frozen=True)
class ImportEnded:
    """`model` when it was added; else `message` says why not (`cancelled`: nothing was added)."""

    model: LocalModel | None
    message: str = ""
    cancelled: bool = False


@dataclass(frozen=True)
class DownloadChanged:
    """One of the downloader's events (on its thread with the plain runner)."""

    event: DownloadEvent


@dataclass(frozen=True)
class ConfigChanged:
    """New Hub settings or offline switch; `problem`: what is wrong with the saved settings."""

    config: HubConfig
    problem: str


@dataclass(frozen=True)
class HubStarted:
    """A search (`target`: the endpoint) or a repo listing (`target`: the repo id) began."""

    kind: HubKind
    target: str


@dataclass(frozen=True)
class HubSearched:
    results: tuple[RepoSummary, ...]


@dataclass(frozen=True)
class HubOpened:
    repo: RepoFiles


@dataclass(frozen=True)
class HubFailed:
    message: str


@dataclass(frozen=True)
class HubCancelled:
    """The person stopped the search or listing (its request was ended at once)."""

    kind: HubKind


HubEvent = HubStarted | HubSearched | HubOpened | HubFailed | HubCancelled
Event = (
    Listed
    | LibraryChanged
    | ReportReady
    | ImportStarted
    | ImportProgress
    | ImportEnded
    | DownloadChanged
    | ConfigChanged
    | HubEvent
)
