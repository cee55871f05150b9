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

Search and repo info are the Hub's JSON API over the app's one HTTP client (`hub_api.py`), as
huggingface_hub's `HfApi` sends them, but without its five retries (a DNS failure looked like a
20 s timeout) and stoppable at once through a `net.Abort` (a Cancel, a newer search). The token
goes only to the endpoint the user picked: HF_ENDPOINT and HF_TOKEN are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlsplit

from desktop_app.core.errors import AppError
from desktop_app.core.i18n import QT_TRANSLATE_NOOP
from desktop_app.core.models import net
from desktop_app.core.models.hub_api import get_json, model_path, wrong_shape
from desktop_app.core.models.hub_errors import (
    HubConfigError,
    NetworkError,
    OfflineError,
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
_SORTS = {"downloads": "downloads", "likes": "likes", "recent": "lastModified"}
_SEARCH_FIELDS = [
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
OFFLINE_MESSAGE = QT_TRANSLATE_NOOP(
    "Hub",
    "Offline mode is on: the Hub is not contacted. Turn it off in Settings to search or download.",
)
NOT_AN_ADDRESS = QT_TRANSLATE_NOOP(
    "Hub",
    "The Hub address {address} is not a web address; use e.g. {default} or a mirror such as "
    "https://hf-mirror.com.",
)
GATED_NO_TOKEN = QT_TRANSLATE_NOOP(
    "Hub",
    "This repo is gated: accept its terms on the Hub ({page}) and set a token (Settings, Hub "
    "token) from the account that accepted them.",
)
GATED_BAD_TOKEN = QT_TRANSLATE_NOOP(
    "Hub",
    "This repo is gated and the Hub did not accept your token: check the token in Settings, and "
    "accept the repo's terms on the Hub ({page}).",
)
GATED_NO_ACCESS = QT_TRANSLATE_NOOP(
    "Hub",
    "This repo is gated and your token has no access to it yet: accept its terms on the Hub "
    "({page}) with the account the token belongs to (some repos also wait for approval).",
)


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
                NOT_AN_ADDRESS.format(address=repr(self.endpoint), default=DEFAULT_ENDPOINT)
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
        return GATED_NO_TOKEN.format(page=page)
    if status == 401:
        return GATED_BAD_TOKEN.format(page=page)
    return GATED_NO_ACCESS.format(page=page)


# --------------------------------------------------------------------------- the client


class HubClient:
    """Search and list through the Hub's JSON API, at `config.endpoint`, over `net`.

    Each call takes an optional `net.Abort`: setting it (a Cancel, a newer search) ends the
    request at once, with `net.Aborted`.
    """

    def __init__(self, config: HubConfig | None = None) -> None:
        self.config = config or HubConfig()

    def search(
        self,
        query: str = "",
        *,
        sort: SortKey = "downloads",
        limit: int = 30,
        abort: net.Abort | None = None,
    ) -> list[RepoSummary]:
        """GGUF repos whose name contains `query`, most downloaded / liked / recent first."""
        if sort not in _SORTS:
            raise AppError(f"Unknown sort {sort!r}; use one of {', '.join(_SORTS)}.")
        self.config.require_online()
        params = [("filter", "gguf"), ("sort", _SORTS[sort]), ("direction", "-1")]
        if query.strip():
            params.insert(0, ("search", query.strip()))
        params.append(("limit", str(max(1, min(limit, 1000)))))
        params += [("expand", field) for field in _SEARCH_FIELDS]
        hits = get_json(self.config, "/api/models", params, abort=abort)
        if not isinstance(hits, list):
            raise NetworkError(
                wrong_shape(
                    self.config.endpoint, hits, QT_TRANSLATE_NOOP("Hub", "a list of models")
                )
            )
        return [_summary(m) for m in hits if isinstance(m, dict) and isinstance(m.get("id"), str)]

    def repo_files(
        self, repo_id: str, revision: str | None = None, *, abort: net.Abort | None = None
    ) -> RepoFiles:
        """A repo's GGUF files with sizes and sha256, grouped into models."""
        self.config.require_online()
        repo_id = repo_id.strip().strip("/")
        info = get_json(
            self.config,
            model_path(repo_id, revision),
            [("blobs", "true")],
            abort=abort,
            repo_id=repo_id,
        )
        if not isinstance(info, dict):
            raise NetworkError(
                wrong_shape(
                    self.config.endpoint, info, QT_TRANSLATE_NOOP("Hub", "an object with the files")
                )
            )
        files = []
        for s in info.get("siblings") or []:
            if not isinstance(s, dict) or not isinstance(s.get("rfilename"), str):
                continue
            lfs = s.get("lfs") if isinstance(s.get("lfs"), dict) else None
            files.append(
                HubFile(
                    name=s["rfilename"],
                    size=_int_or_none((lfs or s).get("size")),
                    sha256=_str_or_none(lfs.get("sha256")) if lfs else None,
                )
            )
        models, refused = group_gguf_files(files)
        gguf: dict[str, Any] = dict(info["gguf"]) if isinstance(info.get("gguf"), dict) else {}
        return RepoFiles(
            repo_id=_str_or_none(info.get("id")) or repo_id,
            revision=_str_or_none(info.get("sha")) or revision or "main",
            gated=_gated(info.get("gated")),
            models=tuple(models),
            refused=tuple(refused),
            architecture=_str_or_none(gguf.get("architecture")),
            context_length=_int_or_none(gguf.get("context_length")),
            n_params=_int_or_none(gguf.get("total")),
            extra=dict(gguf),
        )

    def file_url(self, repo_id: str, filename: str, revision: str = "main") -> str:
        return self.config.file_url(repo_id, filename, revision)


def _summary(m: dict[str, Any]) -> RepoSummary:
    gguf = m["gguf"] if isinstance(m.get("gguf"), dict) else {}
    repo_id: str = m["id"]
    tags = m.get("tags") if isinstance(m.get("tags"), list) else []
    return RepoSummary(
        repo_id=repo_id,
        author=_str_or_none(m.get("author")) or (repo_id.split("/")[0] if "/" in repo_id else None),
        downloads=_int_or_none(m.get("downloads")) or 0,
        likes=_int_or_none(m.get("likes")) or 0,
        last_modified=_when(m.get("lastModified")),
        created_at=_when(m.get("createdAt")),
        gated=_gated(m.get("gated")),
        tags=tuple(str(t) for t in tags or ()),
        pipeline_tag=_str_or_none(m.get("pipeline_tag")),
        architecture=_str_or_none(gguf.get("architecture")),
        context_length=_int_or_none(gguf.get("context_length")),
        n_params=_int_or_none(gguf.get("total")),
    )


def _when(value: object) -> datetime | None:
    """The Hub's "2024-06-01T12:00:00.000Z" as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _gated(value: object) -> bool | str:
    return value if isinstance(value, str) and value else bool(value is True)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
