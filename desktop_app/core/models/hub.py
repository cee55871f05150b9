"""Hugging Face Hub, client side: search GGUF repos and list a repo's GGUF files as models.

The API for the CLI (`hearth models search|files|pull`) and the GUI Models pane:

    config = HubConfig.from_settings(settings)    # "hub.endpoint", "hub.token", "offline"
    client = HubClient(config)
    hits = client.search("qwen", sort="downloads", limit=30)   # list[RepoSummary]
    repo = client.repo_files("Qwen/Qwen2.5-7B-Instruct-GGUF")  # RepoFiles
    for quant, models in repo.by_quant().items(): ...          # HubModel: one file or a shard set
    model = repo.select("Q4_K_M")      # or a file name; AppError listing the choices if ambiguous
    # then: Downloader.add(repo.repo_id, model, revision=repo.revision)  (see downloads.py)

- A sharded set (`name-00001-of-00003.gguf` ...) is one `HubModel` with the total size; a set with
  missing parts is listed in `RepoFiles.refused`, as are names that could escape the models folder
  ("refused unsafe file name"). Vision projectors (`mmproj-*.gguf`) are `kind == "mmproj"`, not models.
- Gated repos list like any other (`RepoFiles.gated`); downloading one needs a token whose account
  accepted the repo's terms, and says so in a `GatedRepoError` when it is missing.
- Offline (`HubConfig.offline`): every method raises `OfflineError` before any network use.
  Nothing here runs at import: the first request is the first method call.
- Errors are `hub_errors` classes (`HubError` and subclasses), each with a message for people.

Search and repo info use huggingface_hub's `HfApi`, given the endpoint and the token explicitly:
huggingface_hub reads HF_ENDPOINT and the user's saved token on its own, and a token must never go
to an endpoint the user did not pick (so with no token set, `token=False`). `HfApi.list_models`
has no timeout, so a search runs on a helper thread and is given up after `HubConfig.timeout`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast
from urllib.parse import quote, urlsplit

from desktop_app import APP_ID
from desktop_app.core import jobs
from desktop_app.core.errors import AppError
from desktop_app.core.models.hub_errors import (
    EntryNotFoundError,
    GatedRepoError,
    HubConfigError,
    HubHTTPError,
    NetworkError,
    OfflineError,
    RepoNotFoundError,
)
from desktop_app.core.models.hub_files import (
    HubFile,
    HubModel,
    RefusedFile,
    RepoFiles,
    RepoSummary,
    group_gguf_files,
    parse_quant,
    unsafe_name_reason,
)

if TYPE_CHECKING:
    from huggingface_hub import HfApi

    from desktop_app.core.storage.settings import Settings

__all__ = [
    "DEFAULT_ENDPOINT",
    "HubClient",
    "HubConfig",
    "HubFile",
    "HubModel",
    "RefusedFile",
    "RepoFiles",
    "RepoSummary",
    "SortKey",
    "gated_message",
    "group_gguf_files",
    "parse_quant",
    "unsafe_name_reason",
]

DEFAULT_ENDPOINT = "https://huggingface.co"
SortKey = Literal["downloads", "likes", "recent"]
_SORTS: dict[str, Literal["downloads", "likes", "last_modified"]] = {
    "downloads": "downloads",
    "likes": "likes",
    "recent": "last_modified",
}
_SEARCH_FIELDS: list[Any] = [
    "author",
    "downloads",
    "likes",
    "lastModified",
    "createdAt",
    "gated",
    "tags",
    "pipeline_tag",
    "gguf",
]
OFFLINE_MESSAGE = (
    "Offline mode is on: the Hub is not contacted. Turn it off in Settings to search or download."
)
T = TypeVar("T")


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class HubConfig:
    """Where the Hub is, who the user is there, and whether the network may be used at all."""

    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = None
    offline: bool = False
    timeout: float = 20.0  # seconds for one search or repo listing

    def __post_init__(self) -> None:
        endpoint = (self.endpoint or DEFAULT_ENDPOINT).strip().rstrip("/")
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise HubConfigError(
                f"The Hub address {self.endpoint!r} is not a web address; use e.g. "
                f"{DEFAULT_ENDPOINT} or a mirror such as https://hf-mirror.com."
            )
        object.__setattr__(self, "endpoint", endpoint)
        object.__setattr__(self, "token", (self.token or "").strip() or None)

    @classmethod
    def from_settings(cls, settings: Settings) -> HubConfig:
        token = settings.get("hub.token")
        return cls(
            endpoint=str(settings.get("hub.endpoint") or DEFAULT_ENDPOINT),
            token=str(token) if token else None,
            offline=bool(settings.get("offline")),
        )

    def require_online(self) -> None:
        if self.offline:
            raise OfflineError(OFFLINE_MESSAGE)

    def repo_page(self, repo_id: str) -> str:
        return f"{self.endpoint}/{repo_id}"

    def file_url(self, repo_id: str, filename: str, revision: str = "main") -> str:
        """The resolve URL of a file, as `huggingface_hub.hf_hub_url` builds it."""
        return (
            f"{self.endpoint}/{quote(repo_id, safe='/')}/resolve/"
            f"{quote(revision, safe='')}/{quote(filename, safe='/')}"
        )


def gated_message(config: HubConfig, repo_id: str, *, status: int | None = None) -> str:
    """What a person must do to download from a gated repo."""
    page = config.repo_page(repo_id)
    if config.token is None:
        return (
            f"This repo is gated: accept its terms on the Hub ({page}) and set a token "
            "(Settings, Hub token) from the account that accepted them."
        )
    if status == 401:
        return (
            f"This repo is gated and the Hub did not accept your token: check the token in "
            f"Settings, and accept the repo's terms on the Hub ({page})."
        )
    return (
        f"This repo is gated and your token has no access to it yet: accept its terms on the Hub "
        f"({page}) with the account the token belongs to (some repos also wait for approval)."
    )


# --------------------------------------------------------------------------- the client


class HubClient:
    """Search and list through huggingface_hub's `HfApi`, pointed at `config.endpoint`."""

    def __init__(self, config: HubConfig | None = None) -> None:
        self.config = config or HubConfig()
        self._api: HfApi | None = None

    def _hf(self) -> HfApi:
        self.config.require_online()
        if self._api is None:
            from huggingface_hub import HfApi  # imported late: start-up stays fast

            self._api = HfApi(
                endpoint=self.config.endpoint,
                token=self.config.token or False,  # False: never a token from the environment
                library_name=APP_ID,
            )
        return self._api

    def search(
        self, query: str = "", *, sort: SortKey = "downloads", limit: int = 30
    ) -> list[RepoSummary]:
        """GGUF repos whose name contains `query`, most downloaded / liked / recent first."""
        if sort not in _SORTS:
            raise AppError(f"Unknown sort {sort!r}; use one of {', '.join(_SORTS)}.")
        api = self._hf()

        def run() -> list[RepoSummary]:
            hits = api.list_models(
                search=query.strip() or None,
                filter="gguf",
                sort=_SORTS[sort],
                limit=max(1, min(limit, 1000)),
                expand=_SEARCH_FIELDS,
            )
            return [_summary(m) for m in hits]

        return self._guarded(run, what="search")

    def repo_files(self, repo_id: str, revision: str | None = None) -> RepoFiles:
        """A repo's GGUF files with sizes and sha256, grouped into models."""
        api = self._hf()
        repo_id = repo_id.strip().strip("/")

        def run() -> RepoFiles:
            info = api.model_info(
                repo_id, revision=revision, files_metadata=True, timeout=self.config.timeout
            )
            files = [
                HubFile(
                    name=s.rfilename,
                    size=(s.lfs.size if s.lfs else s.size),
                    sha256=(s.lfs.sha256 if s.lfs else None),
                )
                for s in (info.siblings or [])
            ]
            models, refused = group_gguf_files(files)
            gguf: dict[str, Any] = dict(info.gguf) if isinstance(info.gguf, dict) else {}
            return RepoFiles(
                repo_id=info.id or repo_id,
                revision=info.sha or revision or "main",
                gated=info.gated if info.gated is not None else False,
                models=tuple(models),
                refused=tuple(refused),
                architecture=_str_or_none(gguf.get("architecture")),
                context_length=_int_or_none(gguf.get("context_length")),
                n_params=_int_or_none(gguf.get("total")),
                extra=dict(gguf),
            )

        return self._guarded(run, what=repo_id, repo_id=repo_id)

    def file_url(self, repo_id: str, filename: str, revision: str = "main") -> str:
        return self.config.file_url(repo_id, filename, revision)

    def _guarded(self, fn: Callable[[], T], *, what: str, repo_id: str | None = None) -> T:
        """Run `fn` as a jobs.Job, give up after the timeout, translate its errors.

        A call that does not answer is left to finish on its own (a daemon thread): huggingface_hub
        offers no way to abort it.
        """
        job = jobs.start(lambda _job: fn(), name=f"hub-{what}")
        if not job.wait(self.config.timeout + 1.0):
            raise NetworkError(
                f"The Hub at {self.config.endpoint} did not answer within "
                f"{self.config.timeout:g} s. Check the network, or try a mirror in Settings.",
                details=what,
            ) from None
        if job.error is not None:
            raise _translate(job.error, self.config, repo_id) from job.error
        return cast(T, job.result)


def _summary(m: Any) -> RepoSummary:
    gguf = m.gguf if isinstance(getattr(m, "gguf", None), dict) else {}
    return RepoSummary(
        repo_id=m.id,
        author=m.author or (m.id.split("/")[0] if "/" in m.id else None),
        downloads=int(m.downloads or 0),
        likes=int(m.likes or 0),
        last_modified=m.last_modified,
        created_at=m.created_at,
        gated=m.gated if m.gated is not None else False,
        tags=tuple(m.tags or ()),
        pipeline_tag=m.pipeline_tag,
        architecture=_str_or_none(gguf.get("architecture")),
        context_length=_int_or_none(gguf.get("context_length")),
        n_params=_int_or_none(gguf.get("total")),
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _translate(e: BaseException, config: HubConfig, repo_id: str | None) -> BaseException:
    """huggingface_hub's exceptions as ours, with messages for people."""
    if isinstance(e, AppError):
        return e
    from huggingface_hub import errors as hf

    status = getattr(getattr(e, "response", None), "status_code", None)
    where = config.endpoint
    if isinstance(e, hf.OfflineModeIsEnabled):
        return OfflineError(
            "huggingface_hub is in offline mode (HF_HUB_OFFLINE is set).", details=str(e)
        )
    if isinstance(e, hf.GatedRepoError) and repo_id:
        return GatedRepoError(gated_message(config, repo_id, status=status), details=str(e))
    if isinstance(e, hf.RepositoryNotFoundError):
        hint = "" if config.token else " If it is private, set a token in Settings."
        return RepoNotFoundError(
            f"No repo {repo_id!r} on {where}: check the name.{hint}", details=str(e)
        )
    if isinstance(e, hf.RevisionNotFoundError):
        return EntryNotFoundError(f"{repo_id} has no such revision.", details=str(e))
    if isinstance(e, hf.HfHubHTTPError):
        if status is not None and (status >= 500 or status == 429):
            return NetworkError(
                f"The Hub at {where} is busy or failing ({status}); try again later.",
                details=str(e),
            )
        return HubHTTPError(f"The Hub at {where} refused the request ({status}).", details=str(e))
    if isinstance(e, Exception):
        return NetworkError(
            f"Cannot reach the Hub at {where}: {str(e) or type(e).__name__}. "
            "Check the network connection, or set a mirror in Settings.",
            details=repr(e),
        )
    return e
