"""The models controller's Hub queries: search, open a repository, and what came back.

A base class of `ModelsController` (core/controllers/models.py), kept apart so each module stays
short. The answers stay here (the query, the results, the repository opened, what the Hub said
last), so a view built later shows them again. Nothing is sent when offline or when the saved
Hub settings are wrong (then the problem is said instead). One request at a time: a new one
replaces (stops) the one in flight, and `cancel_hub` stops it; either ends its socket at once.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.core.controllers.models_events import (
    HubCancelled,
    HubEvent,
    HubFailed,
    HubKind,
    HubOpened,
    HubSearched,
    HubStarted,
)
from desktop_app.core.controllers.runner import Listeners, Runner
from desktop_app.core.errors import AppError
from desktop_app.core.models import net
from desktop_app.core.models.hub import (
    DEFAULT_ENDPOINT,
    HubClient,
    HubConfig,
    RepoFiles,
    RepoSummary,
    SortKey,
)
from desktop_app.core.models.hub_errors import HubConfigError
from desktop_app.core.storage.settings import Settings
from desktop_app.core.storage.settings_schema import Top

__all__ = ["SEARCH_LIMIT", "HubQueries", "error_message", "hub_config"]

SEARCH_LIMIT = 50


def hub_config(settings: Settings) -> tuple[HubConfig, str]:
    """The Hub settings as a config, and "" or the problem with them (then the default Hub is
    used, with the offline switch kept, so a bad address never sends a token anywhere else)."""
    try:
        return HubConfig.from_settings(settings), ""
    except HubConfigError as e:
        return HubConfig(DEFAULT_ENDPOINT, None, settings.value(Top.offline)), e.message


def error_message(exc: BaseException) -> str:
    """An error's words for a person: an AppError's message, the OS's words, else its text."""
    if isinstance(exc, AppError):
        return exc.message
    if isinstance(exc, OSError) and exc.strerror:
        name = getattr(exc, "filename", None)
        return f"{exc.strerror}: {name}" if name else exc.strerror
    return str(exc) or type(exc).__name__


class HubQueries(Listeners):
    """Hub search and repository listing, for `ModelsController`."""

    settings: Settings
    config: HubConfig
    runner: Runner
    _closed: bool

    def __init__(self) -> None:
        self.hub_query = ""
        self.hub_sort: SortKey = "downloads"
        self.hub_searched = False  # once searched, a new sort searches again
        self.hub_results: tuple[RepoSummary, ...] = ()
        self.hub_repo: RepoFiles | None = None
        self.hub_last: HubEvent | None = None  # what the Hub said last (the state line)
        self._hub_request = 0
        self._hub_abort: net.Abort | None = None

    def _hub_client(self) -> HubClient | None:
        config, problem = hub_config(self.settings)
        if problem:
            self._hub_said(HubFailed(problem))
            return None
        return HubClient(config)

    @property
    def hub_busy(self) -> bool:
        return isinstance(self.hub_last, HubStarted)

    def search(self, query: str, sort: SortKey = "downloads") -> bool:
        """Search GGUF repositories; `HubStarted`, then `HubSearched` or `HubFailed`. A request
        in flight is stopped first. False (and nothing sent) when offline or the settings are
        wrong."""
        if self.config.offline or self._closed:
            return False
        client = self._hub_client()
        if client is None:
            return False
        self.hub_query, self.hub_sort, self.hub_searched = query, sort, True

        def work(abort: net.Abort) -> object:
            return tuple(client.search(query, sort=sort, limit=SEARCH_LIMIT, abort=abort))

        self._hub_request_start("search", client.config.endpoint, "hub-search", work)
        return True

    def open_repo(self, repo_id: str) -> bool:
        """List a repository's GGUF files; `HubStarted`, then `HubOpened` or `HubFailed`. A
        request in flight is stopped first."""
        if self.config.offline or self._closed:
            return False
        client = self._hub_client()
        if client is None:
            return False

        def work(abort: net.Abort) -> object:
            return client.repo_files(repo_id, abort=abort)

        self._hub_request_start("open", repo_id, "hub-repo", work)
        return True

    def cancel_hub(self) -> bool:
        """Stop the search or listing in flight (`HubCancelled` at once); False when none."""
        started = self.hub_last
        if not isinstance(started, HubStarted):
            return False
        self._hub_stop()
        self._hub_said(HubCancelled(started.kind))
        return True

    def _hub_stop(self) -> None:
        """End the request in flight (its socket is shut down); its late answer is dropped."""
        self._hub_request += 1
        abort, self._hub_abort = self._hub_abort, None
        if abort is not None:
            abort.set("cancel")

    def _hub_request_start(
        self, kind: HubKind, target: str, name: str, work: Callable[[net.Abort], object]
    ) -> None:
        self._hub_stop()  # a new request replaces the one in flight
        request = self._hub_request
        abort = self._hub_abort = net.Abort()

        def end(value: object, error: BaseException | None) -> None:
            if request != self._hub_request:
                return  # cancelled, or a later request replaced this one
            self._hub_abort = None
            if error is not None:
                self._hub_said(HubFailed(error_message(error)))
            elif isinstance(value, RepoFiles):
                self.hub_repo = value
                self._hub_said(HubOpened(value))
            elif isinstance(value, tuple):
                self.hub_results = value
                self._hub_said(HubSearched(value))

        self._hub_said(HubStarted(kind, target))
        self.runner(name, lambda _emit, _cancel: work(abort), lambda _e: None, end)

    def _hub_said(self, event: HubEvent) -> None:
        self.hub_last = event
        self._notify(event)
